"""The tuner's four charts, drawn in the browser by bqplot from the state's numbers.

Why bqplot: a slider move sends only the arrays that changed (a 401-point
curve, one dot per rep, twelve months of payroll, a few bars) as binary
buffers over the widget connection, and the browser redraws the SVG; no image
is rendered in the kernel or shipped over the wire. Axes rescale by themselves.

Money axes are in thousands (the catalog's ``dashboard.thousand_money``). The
browser's own tick labels would be English (``38,184``), so every numeric axis
gets round ticks computed here and labelled by the page's language
(``38 000``, ``50 %``); the scale's range follows the data and a move resends
the ticks only when the round range changes. The marks carry the data exactly as
the state computed it (divided by 1 000 on money axes), so tests compare them
to the engine's numbers.

The order of an axis update matters in the browser. bqplot's Axis redraws new
tick values through a d3 transition, which runs on the next animation frame
with the label formatter it was given when the values arrived; new labels
arriving in the same message after the values were drawn at once and then
overwritten by that transition with bqplot's own "2000". So :meth:`Ticks.fit`
sends the labels first (those of the old and the new ticks, so every redraw in
between finds its label), then the range, then the values.

The month axis names months as the page's language does (``Jan 2026``, or the
Russian short month with the year mark), a few of them when there are many. The scatter's kinds of
rep are named in a line under the chart, not in a box over the dots.
"""

from __future__ import annotations

from typing import Any

import re
from datetime import date
from html import escape

import bqplot as bq
import ipywidgets as W
import numpy as np
from babel.dates import format_skeleton

from ..i18n import currency_symbol, fmt_number, fmt_percent
from ..metrics import is_money
from .specs import name_of, plan_name, words
from .state import TunerState

__all__ = ["Charts", "THOUSAND", "hex_colour"]

THOUSAND = 1000.0
_GREY = "#8c8c8c"
#: The right margin leaves room for the last x tick's label ("200 %", "2 500") to show whole.
_MARGIN = {"top": 40, "bottom": 48, "left": 90, "right": 40}
#: At most this many month labels under the payroll chart (bqplot keeps every n-th month).
_MONTH_TICKS = 7
#: Names of kinds of rep along the x axis are tilted only when there are more than this many.
_UPRIGHT_GROUPS = 5
#: Share of the data's range added above it, so the legend (top left) sits over empty space.
_LEGEND_ROOM = 0.35
#: Distance of a y axis' title from the axis line: clear of tick labels such as "40 000".
_Y_LABEL_OFFSET = "62px"


def hex_colour(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{int(round(255 * c)):02x}" for c in rgb[:3])


def _archetype_colour(archetype: str) -> str:
    from ..plots import archetype_color  # the colour an archetype has on every kpilab chart

    return hex_colour(archetype_color(archetype))


def nice_ticks(low: float, high: float, n: int = 5) -> np.ndarray:
    """Round tick values (steps of 1, 2, 2.5 or 5 × 10^k) covering ``low``..``high`` in about ``n`` steps."""
    low, high = (float(low), float(high)) if low <= high else (float(high), float(low))
    span = high - low or abs(high) or 1.0
    raw = span / n
    mag = 10.0 ** np.floor(np.log10(raw))
    step = next(m * mag for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * mag >= raw - 1e-12)
    start, stop = np.floor(low / step + 1e-9) * step, np.ceil(high / step - 1e-9) * step
    if stop <= start:
        stop = start + step
    return np.round(np.arange(start, stop + step / 2, step), 10)


def _js_key(value: float) -> str:
    """A number as JavaScript prints it (the key bqplot looks a tick label up by)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class Ticks:
    """Keeps a numeric axis on round ticks labelled in the page's language; ``fit`` to new data."""

    def __init__(self, axis: bq.Axis, lang: str, percent: bool = False, zero: bool = False,
                 headroom: float = 0.0) -> None:
        self.axis, self.lang, self.percent, self.zero, self.headroom = axis, lang, percent, zero, headroom
        self._shown: tuple[float, ...] | None = None
        self._labels: dict[str, str] = {}

    def label(self, value: float, step: float) -> str:
        if self.percent:
            return fmt_percent(value, self.lang, 0 if round(step * 100, 9).is_integer() else 1)
        digits = 0 if float(step).is_integer() else min(3, max(1, -int(np.floor(np.log10(step)))))
        return fmt_number(value, self.lang, digits)

    def fit(self, *arrays: Any) -> None:
        values = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in arrays if a is not None])
        values = values[np.isfinite(values)]
        if not values.size:
            return
        low, high = float(values.min()), float(values.max())
        if self.zero:
            low, high = min(low, 0.0), max(high, 0.0)
        high += self.headroom * (high - low)  # room above the data for the legend
        ticks = nice_ticks(low, high)
        if self._shown == tuple(ticks):
            return
        self._shown = tuple(ticks)
        step = float(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
        labels = {_js_key(v): self.label(v, step) for v in ticks}
        # Three messages, in this order (see the module's docstring): the labels of the old and the new
        # ticks first, then the range, then the ticks.
        self.axis.tick_labels = {**self._labels, **labels}  # the old ticks' and the new ones', never more
        self._labels = labels
        scale = self.axis.scale
        with scale.hold_sync():
            scale.min, scale.max = float(ticks[0]), float(ticks[-1])
        self.axis.tick_values = ticks


def _figure(title: str, marks: list[Any], axes: list[Any], css: str) -> bq.Figure:
    fig = bq.Figure(marks=marks, axes=axes, title=title, fig_margin=_MARGIN, legend_location="top-left",
                    legend_style={"font-size": "11px"}, title_style={"font-size": "13px"},
                    layout=W.Layout(width="100%", height="330px", min_width="360px"),
                    animation_duration=0)
    fig.add_class("kp-chart")
    fig.add_class(css)
    return fig


class Charts:
    """The payout curve, pay against performance, the budget fan and median pay by type, for one state.

    Attributes
    ----------
    figures : dict
        ``"curve"``, ``"scatter"``, ``"budget"``, ``"groups"`` -> :class:`bqplot.Figure`.
    marks : dict
        The marks updated on every change (``"curve"``, ``"curve_base"``, ``"scatter:<archetype>"``,
        ``"band"``, ``"p50"``, ``"base_p50"``, ``"groups_now"``, ``"groups_base"``).
    widget : ipywidgets.GridBox
    """

    def __init__(self, state: TunerState) -> None:
        self.state = state
        lang = state.lang
        unit = words("thousand_money", lang, symbol=currency_symbol(state.plan.currency) or state.plan.currency)
        self.marks: dict[str, Any] = {}
        self.figures: dict[str, bq.Figure] = {}
        self.ticks: dict[str, Ticks] = {}
        self._build_curve(lang, unit)
        self._build_scatter(lang, unit)
        self._build_budget(lang, unit)
        self._build_groups(lang, unit)
        cells = [W.VBox([fig, self.scatter_legend]) if key == "scatter" else fig for key, fig in self.figures.items()]
        self.widget = W.GridBox(cells,
                                layout=W.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))", width="100%",
                                                grid_gap="4px 12px"))
        self.widget.add_class("kp-figure")

    # ------------------------------------------------------------------ building
    def _build_curve(self, lang: str, unit: str) -> None:
        state = self.state
        x, y, y_base = state.curve()
        xs, ys = bq.LinearScale(min=0.0, max=2.0), bq.LinearScale(min=0.0)
        marks = []
        if y_base is not None:
            base = bq.Lines(x=x, y=y_base / THOUSAND, scales={"x": xs, "y": ys}, colors=[_GREY], line_style="dashed",
                            labels=[words("baseline", lang, name=plan_name(state.baseline, lang))], display_legend=True)
            self.marks["curve_base"] = base
            marks.append(base)
        line = bq.Lines(x=x, y=y / THOUSAND, scales={"x": xs, "y": ys}, colors=["#0072b2"], stroke_width=2.5,
                        labels=[words("now", lang)], display_legend=True)
        self.marks["curve"] = line
        marks.append(line)
        metric = state.curve_metric
        title = (words("curve_title_all", lang) if metric is None else
                 words("curve_title_metric", lang, metric=name_of(metric, lang).lower()))
        axes = [bq.Axis(scale=xs, label=words("curve_x", lang)),
                bq.Axis(scale=ys, side="left", label_offset=_Y_LABEL_OFFSET, label=words("curve_y", lang, unit=unit))]
        Ticks(axes[0], lang, percent=True).fit([0.0, 2.0])
        self.ticks["curve"] = Ticks(axes[1], lang, zero=True, headroom=_LEGEND_ROOM)
        self.ticks["curve"].fit(y / THOUSAND, None if y_base is None else y_base / THOUSAND)
        self._curve_base = None if y_base is None else y_base / THOUSAND
        self.figures["curve"] = _figure(title, marks, axes, "kp-chart-curve")

    def _build_scatter(self, lang: str, unit: str) -> None:
        state = self.state
        measure = state.report.measure
        money = is_money(str(measure))
        self._scatter_scale = THOUSAND if money else 1.0
        xs, ys = bq.LinearScale(), bq.LinearScale()
        points = state.scatter()
        marks = []
        kinds = _ordered(points["archetype"].unique())
        for arch in kinds:
            mark = bq.Scatter(scales={"x": xs, "y": ys}, colors=[_archetype_colour(arch)], default_size=28,
                              labels=[name_of(arch, lang)], display_legend=False, stroke="white")
            self.marks[f"scatter:{arch}"] = mark
            marks.append(mark)
        self._scatter_groups = [k for k in self.marks if k.startswith("scatter:")]
        mname = name_of(measure, lang)
        axes = [bq.Axis(scale=xs, label=words("scatter_x", lang, measure=mname, unit=f", {unit}" if money else "")),
                bq.Axis(scale=ys, side="left", label_offset=_Y_LABEL_OFFSET, label=words("scatter_y", lang, unit=unit))]
        self.ticks["scatter_x"] = Ticks(axes[0], lang)
        self.ticks["scatter_y"] = Ticks(axes[1], lang)
        self.figures["scatter"] = _figure(words("scatter_title", lang, measure=mname.lower()), marks, axes,
                                          "kp-chart-scatter")
        self.scatter_legend = W.HTML(_legend_html([(name_of(a, lang), _archetype_colour(a)) for a in kinds])
                                     if len(kinds) > 1 else "")
        self.scatter_legend.add_class("kp-chart-legend")
        self._update_scatter()

    def _build_budget(self, lang: str, unit: str) -> None:
        state = self.state
        q = state.budget()
        periods = [str(p) for p in q["period"]]
        xs, ys = bq.OrdinalScale(domain=periods), bq.LinearScale(min=0.0)
        band = bq.Lines(x=periods, y=[q["p10"].to_numpy(float) / THOUSAND, q["p90"].to_numpy(float) / THOUSAND],
                        scales={"x": xs, "y": ys}, fill="between", fill_colors=["#56b4e9"], fill_opacities=[0.3],
                        colors=["#56b4e9", "#56b4e9"], stroke_width=0.5, display_legend=False)
        p50 = bq.Lines(x=periods, y=q["p50"].to_numpy(float) / THOUSAND, scales={"x": xs, "y": ys},
                       colors=["#0072b2"], stroke_width=2.5, labels=[words("budget_p50", lang)], display_legend=True)
        base = bq.Lines(x=periods, y=q["base_p50"].to_numpy(float) / THOUSAND, scales={"x": xs, "y": ys},
                        colors=[_GREY], line_style="dashed", display_legend=True,
                        labels=[words("baseline", lang, name=plan_name(state.baseline, lang))])
        self.marks.update(band=band, p50=p50, base_p50=base)
        axes = [bq.Axis(scale=xs, num_ticks=_MONTH_TICKS, tick_labels={p: month_label(p, lang) for p in periods}),
                bq.Axis(scale=ys, side="left", label_offset=_Y_LABEL_OFFSET, label=words("budget_y", lang, unit=unit))]
        self.ticks["budget"] = Ticks(axes[1], lang, zero=True, headroom=_LEGEND_ROOM)
        self._budget_base = q["base_p50"].to_numpy(float) / THOUSAND
        self.ticks["budget"].fit(band.y, self._budget_base)
        self.figures["budget"] = _figure(words("budget_title", lang), [band, base, p50], axes, "kp-chart-budget")

    def _build_groups(self, lang: str, unit: str) -> None:
        """Median pay by type of rep as a dot plot: tuned (blue dots) against the baseline (grey diamonds)."""
        state = self.state
        frame, kind = state.groups()
        names = [name_of(k, lang) if kind == "archetype" else _quartile(k, lang) for k in frame.index]
        xs, ys = bq.OrdinalScale(domain=names), bq.LinearScale()
        base = bq.Scatter(x=names, y=frame["base"].to_numpy(float) / THOUSAND, scales={"x": xs, "y": ys},
                          colors=["#a0a0a0"], marker="diamond", default_size=90, display_legend=True,
                          labels=[words("baseline", lang, name=plan_name(state.baseline, lang))])
        now = bq.Scatter(x=names, y=frame["now"].to_numpy(float) / THOUSAND, scales={"x": xs, "y": ys},
                         colors=["#0072b2"], default_size=70, display_legend=True, labels=[words("now", lang)])
        self.marks.update(groups_now=now, groups_base=base)
        axes = [bq.Axis(scale=xs, tick_rotate=-20 if len(names) > _UPRIGHT_GROUPS else 0,
                        tick_style={"font-size": "11px"}),
                bq.Axis(scale=ys, side="left", label_offset=_Y_LABEL_OFFSET, label=words("groups_x", lang, unit=unit))]
        self.ticks["groups"] = Ticks(axes[1], lang, zero=True, headroom=_LEGEND_ROOM)
        self._groups_base = frame["base"].to_numpy(float) / THOUSAND
        self.ticks["groups"].fit(now.y, self._groups_base)
        title = (words("groups_title", lang) if kind == "archetype" else
                 words("groups_title_quartile", lang, measure=name_of(state.report.measure, lang).lower()))
        self.figures["groups"] = _figure(title, [base, now], axes, "kp-chart-groups")
        self.figures["groups"].fig_margin = {**_MARGIN, "bottom": 78}

    # ------------------------------------------------------------------ updating
    def _update_scatter(self) -> None:
        points = self.state.scatter()
        groups = points["archetype"].to_numpy()
        x = points["performance"].to_numpy(float) / self._scatter_scale
        y = points["total"].to_numpy(float) / THOUSAND
        for key in self._scatter_groups:
            rows = groups == key.split(":", 1)[1]
            _send(self.marks[key], x=x[rows], y=y[rows])
        self.ticks["scatter_x"].fit(x)
        self.ticks["scatter_y"].fit(y)

    def update(self) -> None:
        """Send the state's current numbers to the marks: only the arrays that changed, one message per mark."""
        state = self.state
        _x, y, _y_base = state.curve()
        _send(self.marks["curve"], y=y / THOUSAND)
        self.ticks["curve"].fit(y / THOUSAND, self._curve_base)
        self._update_scatter()
        q = state.budget()
        band = np.vstack([q["p10"].to_numpy(float) / THOUSAND, q["p90"].to_numpy(float) / THOUSAND])
        _send(self.marks["band"], y=band)
        _send(self.marks["p50"], y=q["p50"].to_numpy(float) / THOUSAND)
        self.ticks["budget"].fit(band, self._budget_base)
        frame, _kind = state.groups()
        now = frame["now"].to_numpy(float) / THOUSAND
        _send(self.marks["groups_now"], y=now)
        self.ticks["groups"].fit(now, self._groups_base)


def month_label(period: str, lang: str) -> str:
    """A ``YYYY-MM`` period as an axis names it (``Jan 2026``; in Russian the short month and the year mark); anything else as it is."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", str(period))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return str(period)
    text = str(format_skeleton("yMMM", date(int(match.group(1)), int(match.group(2)), 1), locale=lang))
    return text.replace("\u202f", "\u00a0")  # the chart's font draws CLDR's narrow space as none (year glued to the Russian year abbreviation)


def _quartile(k: Any, lang: str) -> str:
    """Quartile 4 (the top one by the measure) to 1 as the page names them: ``Top quarter`` ... ``Bottom quarter``."""
    return words(f"quartile_{int(k)}", lang) if int(k) in (1, 2, 3, 4) else fmt_number(float(k), lang, 0)


def _legend_html(entries: list[tuple[str, str]]) -> str:
    """One line of coloured dots and names, under a chart (wraps when the chart is narrow)."""
    items = "".join(f'<span style="white-space:nowrap;margin-right:14px"><span style="color:{colour}">\u25cf</span>'
                    f"\u00a0{escape(name)}</span> " for name, colour in entries)
    return f'<div style="font-size:11px;line-height:1.6;padding:0 16px 0 90px">{items}</div>'


def _send(mark: Any, **arrays: np.ndarray) -> None:
    """Set the mark's arrays that differ from what it shows, in one message (none when nothing changed)."""
    changed = {k: v for k, v in arrays.items() if not _same(getattr(mark, k), v)}
    if not changed:
        return
    with mark.hold_sync():
        for k, v in changed.items():
            setattr(mark, k, v)


def _same(shown: Any, new: np.ndarray) -> bool:
    old = np.asarray(shown, dtype=float) if shown is not None else None
    return old is not None and old.shape == new.shape and bool(np.array_equal(old, new, equal_nan=True))


def _ordered(archetypes: Any) -> list[str]:
    from ..plots import ARCHETYPE_ORDER

    present = [str(a) for a in archetypes]
    return [a for a in ARCHETYPE_ORDER if a in present] + sorted(a for a in present if a not in ARCHETYPE_ORDER)


def as_array(values: Any) -> np.ndarray:
    """A mark's data as a float array (tests read marks through this)."""
    return np.asarray(values, dtype=float)
