"""The tuner's four charts, drawn in the browser by bqplot from the state's numbers.

Why bqplot: a slider move sends only the arrays that changed (a 401-point
curve, one dot per rep, twelve months of payroll, a few bars) as binary
buffers over the widget connection, and the browser redraws the SVG; no image
is rendered in the kernel or shipped over the wire. Axes rescale by themselves.

Money axes are in thousands (the catalog's ``dashboard.thousand_money``) so the tick labels
need no locale-specific digit grouping. The marks carry the data exactly as
the state computed it (divided by 1 000 on money axes), so tests compare them
to the engine's numbers.
"""

from __future__ import annotations

from typing import Any

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..i18n import currency_symbol
from ..metrics import is_money
from .specs import name_of, plan_name, words
from .state import TunerState

__all__ = ["Charts", "THOUSAND", "hex_colour"]

THOUSAND = 1000.0
_GREY = "#8c8c8c"
_MARGIN = {"top": 40, "bottom": 48, "left": 90, "right": 16}


def hex_colour(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{int(round(255 * c)):02x}" for c in rgb[:3])


def _archetype_colour(archetype: str) -> str:
    from ..plots import archetype_color  # the colour an archetype has on every kpilab chart

    return hex_colour(archetype_color(archetype))


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
        self._build_curve(lang, unit)
        self._build_scatter(lang, unit)
        self._build_budget(lang, unit)
        self._build_groups(lang, unit)
        self.widget = W.GridBox(list(self.figures.values()),
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
        axes = [bq.Axis(scale=xs, label=words("curve_x", lang), tick_format=".0%", num_ticks=5),
                bq.Axis(scale=ys, side="left", label=words("curve_y", lang, unit=unit), tick_format=",.0f",
                        num_ticks=5)]
        self.figures["curve"] = _figure(title, marks, axes, "kp-chart-curve")

    def _build_scatter(self, lang: str, unit: str) -> None:
        state = self.state
        measure = state.report.measure
        money = is_money(str(measure))
        self._scatter_scale = THOUSAND if money else 1.0
        xs, ys = bq.LinearScale(), bq.LinearScale()
        points = state.scatter()
        marks = []
        for arch in _ordered(points["archetype"].unique()):
            mark = bq.Scatter(scales={"x": xs, "y": ys}, colors=[_archetype_colour(arch)], default_size=28,
                              labels=[name_of(arch, lang)], display_legend=True, stroke="white")
            self.marks[f"scatter:{arch}"] = mark
            marks.append(mark)
        self._scatter_groups = [k for k in self.marks if k.startswith("scatter:")]
        mname = name_of(measure, lang)
        axes = [bq.Axis(scale=xs, label=words("scatter_x", lang, measure=mname, unit=f", {unit}" if money else ""),
                        tick_format=",.0f", num_ticks=5),
                bq.Axis(scale=ys, side="left", label=words("scatter_y", lang, unit=unit),
                        tick_format=",.0f", num_ticks=5)]
        self.figures["scatter"] = _figure(words("scatter_title", lang, measure=mname.lower()), marks, axes,
                                          "kp-chart-scatter")
        self._update_scatter()

    def _build_budget(self, lang: str, unit: str) -> None:
        state = self.state
        q = state.budget()
        periods = [str(p) for p in q["period"]]
        xs, ys = bq.OrdinalScale(domain=periods), bq.LinearScale(min=0.0)
        band = bq.Lines(x=periods, y=[q["p10"].to_numpy(float) / THOUSAND, q["p90"].to_numpy(float) / THOUSAND],
                        scales={"x": xs, "y": ys}, fill="between", fill_colors=["#56b4e9"], fill_opacities=[0.3],
                        colors=["#56b4e9", "#56b4e9"], stroke_width=0.5, display_legend=True,
                        labels=[words("budget_band_label", lang), words("budget_band_label", lang)])
        p50 = bq.Lines(x=periods, y=q["p50"].to_numpy(float) / THOUSAND, scales={"x": xs, "y": ys},
                       colors=["#0072b2"], stroke_width=2.5, labels=[words("budget_p50", lang)], display_legend=True)
        base = bq.Lines(x=periods, y=q["base_p50"].to_numpy(float) / THOUSAND, scales={"x": xs, "y": ys},
                        colors=[_GREY], line_style="dashed", display_legend=True,
                        labels=[words("baseline", lang, name=plan_name(state.baseline, lang))])
        self.marks.update(band=band, p50=p50, base_p50=base)
        step = max(1, len(periods) // 6)
        axes = [bq.Axis(scale=xs, tick_values=periods[::step]),
                bq.Axis(scale=ys, side="left", label=words("budget_y", lang, unit=unit),
                        tick_format=",.0f", num_ticks=5)]
        self.figures["budget"] = _figure(words("budget_title", lang), [band, base, p50], axes, "kp-chart-budget")

    def _build_groups(self, lang: str, unit: str) -> None:
        """Median pay by type of rep as a dot plot: tuned (blue dots) against the baseline (grey diamonds)."""
        state = self.state
        frame, kind = state.groups()
        names = [name_of(k, lang) if kind == "archetype" else words("quartile_n", lang, n=k) for k in frame.index]
        xs, ys = bq.OrdinalScale(domain=names), bq.LinearScale()
        base = bq.Scatter(x=names, y=frame["base"].to_numpy(float) / THOUSAND, scales={"x": xs, "y": ys},
                          colors=["#a0a0a0"], marker="diamond", default_size=90, display_legend=True,
                          labels=[words("baseline", lang, name=plan_name(state.baseline, lang))])
        now = bq.Scatter(x=names, y=frame["now"].to_numpy(float) / THOUSAND, scales={"x": xs, "y": ys},
                         colors=["#0072b2"], default_size=70, display_legend=True, labels=[words("now", lang)])
        self.marks.update(groups_now=now, groups_base=base)
        axes = [bq.Axis(scale=xs, tick_rotate=-20, tick_style={"font-size": "10px"}),
                bq.Axis(scale=ys, side="left", label=words("groups_x", lang, unit=unit), tick_format=",.0f",
                        num_ticks=4)]
        self.figures["groups"] = _figure(words("groups_title", lang), [base, now], axes, "kp-chart-groups")
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

    def update(self) -> None:
        """Send the state's current numbers to the marks: only the arrays that changed, one message per mark."""
        state = self.state
        _x, y, _y_base = state.curve()
        _send(self.marks["curve"], y=y / THOUSAND)
        self._update_scatter()
        q = state.budget()
        _send(self.marks["band"], y=np.vstack([q["p10"].to_numpy(float) / THOUSAND,
                                                q["p90"].to_numpy(float) / THOUSAND]))
        _send(self.marks["p50"], y=q["p50"].to_numpy(float) / THOUSAND)
        frame, _kind = state.groups()
        _send(self.marks["groups_now"], y=frame["now"].to_numpy(float) / THOUSAND)


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
