"""Charts: every picture a consultant puts on a slide, drawn from engine and analysis results.

Every chart is ``plot_*(..., ax=None, lang="en") -> Axes``: pass an ``ax`` to
place it in your own figure, or leave it out and the chart makes its own.
Composite sheets (:func:`report_sheet`) return the ``Figure``. Nothing here
calls ``plt.show()`` or changes global ``rcParams``: the house style is the
context manager :func:`style`, which every chart enters while it draws and
which you can enter yourself around your own drawing.

The charts draw; they do not decide. Payout curves come from
:func:`kpilab.analysis.payout_curve` (computed by the engine), lint marks from
:func:`kpilab.analysis.lint`, pay from :class:`kpilab.engine.Payouts`. The
only arithmetic here is what a chart needs to lay data out (sums per rep,
quantiles per month, running totals of a waterfall).

Words come from :mod:`kpilab.i18n`, so every chart speaks English or Russian.
Colours are seaborn's ``colorblind`` palette, and where colour carries meaning
(archetypes) a marker shape carries it too.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import matplotlib as mpl
import matplotlib.patches
import matplotlib.ticker
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, PercentFormatter

from .engine import Payouts
from .metrics import names
from .i18n import check_lang, currency_symbol, format_number, has_label, label
from .plan import Plan, Scheme

if TYPE_CHECKING:
    from .analysis import TeamProfile

__all__ = [
    "style", "save", "palette", "archetype_color", "archetype_marker", "money_formatter", "MoneyFormatter",
    "ARCHETYPE_ORDER",
    "plot_payout_curve", "plot_pay_vs_performance", "plot_pay_distribution", "plot_budget_fan",
    "plot_waterfall", "plot_comparison_bars", "plot_tail", "report_sheet",
    "budget_quantiles", "waterfall_parts",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Archetypes in the order legends list them (best to worst performer, then the special cases).
ARCHETYPE_ORDER: tuple[str, ...] = ("star", "hard_worker", "account_manager", "phone_specialist",
                                    "paperwork_specialist", "minimum_doer", "newcomer", "laggard")

# seaborn "colorblind" indices: 0 blue, 1 orange, 2 green, 3 vermillion, 4 purple, 5 brown,
# 6 pink, 7 grey, 8 yellow, 9 sky blue. A fixed map keeps an archetype one colour on every slide.
_ARCHETYPE_COLOUR = {"star": 2, "hard_worker": 0, "account_manager": 5, "phone_specialist": 9,
                     "paperwork_specialist": 4, "minimum_doer": 1, "newcomer": 8, "laggard": 3}
_ARCHETYPE_MARKER = {"star": "*", "hard_worker": "o", "account_manager": "D", "phone_specialist": "^",
                     "paperwork_specialist": "s", "minimum_doer": "v", "newcomer": "P", "laggard": "X"}
_UNLABELLED = "unlabelled"
_SEVERITY_COLOUR = {"error": 3, "warning": 1, "info": 7}
_MONEY_METRICS = set(names(family="sales", unit="money") + names(family="pay", unit="money"))
_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


# --------------------------------------------------------------------------- style

def palette(n: int | None = None) -> list[tuple[float, float, float]]:
    """The house palette: seaborn ``colorblind`` (10 colours), or its first ``n``."""
    return list(sns.color_palette("colorblind", n_colors=n if n is not None else 10))


def _house_rc() -> dict[str, Any]:
    return {
        "axes.prop_cycle": cycler(color=palette()),
        "figure.figsize": (7.5, 4.5),
        "figure.dpi": 100,
        "figure.facecolor": "white",
        "figure.constrained_layout.use": True,
        "savefig.dpi": 200,
        "savefig.facecolor": "white",
        "font.size": 10,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.labelsize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.alpha": 0.35,
        "grid.linewidth": 0.6,
        "legend.frameon": False,
        "legend.fontsize": 9,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "lines.linewidth": 2.0,
        # SVG text stays text (editable in a deck) and PDF fonts embed as TrueType (Cyrillic survives).
        "svg.fonttype": "none",
        "svg.hashsalt": "kpilab",  # stable element ids: the same chart saves to the same bytes
        "pdf.fonttype": 42,
    }


@contextmanager
def style(rc: Mapping[str, Any] | None = None) -> Iterator[None]:
    """The kpilab house style, active only inside the ``with`` block.

    Parameters
    ----------
    rc
        Extra ``rcParams`` to apply on top of the house style.

    Examples
    --------
    >>> with style():                       # doctest: +SKIP
    ...     fig, ax = plt.subplots()
    ...     plot_payout_curve(plan, ax=ax)

    Global ``rcParams`` are exactly as before once the block exits
    (``matplotlib.rc_context`` restores them).
    """
    with mpl.rc_context({**_house_rc(), **dict(rc or {})}):
        yield


def _styled(func: F) -> F:
    """Draw inside :func:`style`, so a chart looks the same whoever calls it."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check_lang(kwargs.get("lang", "en"))  # fail before a half-drawn figure exists
        with style():
            return func(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


def _axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    """``ax`` itself, or a new figure's only Axes (pyplot-managed so Jupyter shows it inline)."""
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=figsize)
    return new


def archetype_color(archetype: str) -> tuple[float, float, float]:
    """The colour an archetype has on every chart (grey when unlabelled or unknown)."""
    return palette()[_ARCHETYPE_COLOUR.get(str(archetype), 7)]


def archetype_marker(archetype: str) -> str:
    """The marker shape of an archetype: colour is never the only cue."""
    return _ARCHETYPE_MARKER.get(str(archetype), "o")


class MoneyFormatter(Formatter):
    """Tick labels with the language's thousands separator (``120,000`` / ``120 000``).

    On an axis reaching two million or more the ticks switch to millions
    (``2.5M`` / ``2,5 млн``): seven-digit labels run into each other on a
    narrow chart. The currency sign goes in the axis title, not on every tick.
    """

    def __init__(self, lang: str = "en", decimals: int = 0) -> None:
        self.lang = check_lang(lang)
        self.decimals = decimals

    def __call__(self, x: float, pos: int | None = None) -> str:
        if self.axis is not None:
            lo, hi = self.axis.get_view_interval()
            if max(abs(lo), abs(hi)) >= 2e6:
                ticks = np.asarray(self.axis.get_majorticklocs(), dtype=float)
                step = float(np.min(np.abs(np.diff(ticks)))) / 1e6 if ticks.size > 1 else 1.0
                # as many decimals as the tick step needs (0.25 M -> two), never more than two
                decimals = next((d for d in range(3) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 2)
                return f"{format_number(x / 1e6, self.lang, decimals)}\u00a0{label('million', self.lang)}"
        return format_number(x, self.lang, self.decimals)


def money_formatter(lang: str = "en", decimals: int = 0) -> MoneyFormatter:
    """A :class:`MoneyFormatter`: thousands separators, millions on large axes."""
    return MoneyFormatter(lang, decimals)


def _currency_of(obj: Plan | Scheme | Payouts | None) -> str:
    plan = obj.plan if isinstance(obj, Payouts) else obj
    if isinstance(plan, Scheme):
        plan = next(iter(plan.plans().values()))
    return getattr(plan, "currency", "RUB") or "RUB"


def _money_title(key: str, lang: str, currency: str, suffix: str | None = None) -> str:
    """``"Total pay, ₽"``; an optional qualifier goes in parentheses."""
    text = _name(key, lang)
    if suffix:
        text += f" ({suffix})"
    symbol = currency_symbol(currency)
    return f"{text}, {symbol}" if symbol else text


def _name(key: Any, lang: str) -> str:
    """A label for a known key; anything else (a plan or component the user named) verbatim."""
    key = str(key)
    return label(key, lang) if has_label(key) else key


def _set_money_axis(axis: Any, lang: str) -> None:
    axis.set_major_formatter(money_formatter(lang))


# --------------------------------------------------------------------------- payout curve

def _payout_curve_frame(plan: Plan, metric: str | None, attainments: np.ndarray) -> pd.DataFrame:
    from .analysis import payout_curve  # analysis computes (with the engine), plots draw

    return payout_curve(plan, metric=metric, attainments=attainments)


def _curve_pay(frame: pd.DataFrame, component: str | None, pay: str) -> np.ndarray:
    """The y of a payout-curve frame: the component's column, else the plan's ``pay`` column."""
    column = component if component is not None else pay
    if column not in frame.columns:
        raise ValueError(f"the payout curve has no column {column!r}; columns: {', '.join(map(str, frame.columns))}")
    return frame[column].to_numpy(dtype=float)


def _finding_list(findings: Any) -> list[Any]:
    if findings is None:
        return []
    if hasattr(findings, "findings"):  # a LintReport
        return list(findings.findings)
    return list(findings)


@_styled
def plot_payout_curve(plan: Plan | Scheme, component: str | None = None, ax: Axes | None = None,
                      lang: str = "en", findings: Any = None,
                      attainments: np.ndarray | Sequence[float] = np.linspace(0, 2, 401),
                      metric: str | None = None, pay: str = "variable") -> Axes:
    """Pay of one component, or of the whole plan, over 0–200 % attainment, with lint findings marked.

    The curve is :func:`kpilab.analysis.payout_curve`: the engine itself run
    on a sweep of synthetic rows, so the line is exactly what the plan pays.

    Parameters
    ----------
    plan
        A plan; a scheme draws one curve per role (roles lacking ``component`` are left out).
    component
        A component name; ``None`` draws the whole plan's ``pay``.
    ax
        Where to draw; a new figure when ``None``.
    lang
        ``"en"`` or ``"ru"``.
    findings
        A ``LintReport`` or a list of ``Finding`` (``.component``, ``.kind``,
        ``.metric``, ``.attainment``, ``.severity``). Each one on the drawn
        component (any, for the whole plan) and the swept metric is marked by
        a dashed vertical line, a dot on the curve and a short label.
    attainments
        The x grid: fractions of plan (raw values when ``metric`` is read as a value).
    metric
        Sweep only this metric, the others staying on plan; ``None`` moves
        every attainment metric together.
    pay
        For the whole plan: ``"variable"`` (default) or ``"total"``.

    Returns
    -------
    Axes
        The curve is the line with ``gid="payout_curve"`` (``"payout_curve:<role>"`` for a scheme).
    """
    ax = _axes(ax)
    grid = np.asarray(attainments, dtype=float)
    roles: dict[str | None, Plan] = dict(plan.plans()) if isinstance(plan, Scheme) else {None: plan}
    if component is not None and not any(component in p.component_names for p in roles.values()):
        known = sorted({c for p in roles.values() for c in p.component_names})
        raise ValueError(f"no component {component!r} in {plan.name!r}; components: {', '.join(known)}")
    curves: dict[str | None, tuple[np.ndarray, np.ndarray]] = {}
    for role, p in roles.items():
        if component is None or component in p.component_names:
            frame = _payout_curve_frame(p, metric, grid)
            curves[role] = (frame["attainment"].to_numpy(dtype=float), _curve_pay(frame, component, pay))
    colours = palette()
    for i, (role, (x, y)) in enumerate(curves.items()):
        ax.plot(x, y, color=colours[i % 10], gid="payout_curve" if role is None else f"payout_curve:{role}",
                label=None if role is None else _name(role, lang), zorder=3)
    by_value = metric is not None and all(metric not in p.targets for p in roles.values())
    if not by_value:
        ax.axvline(1.0, color=colours[7], linestyle=":", linewidth=1.0, label=label("on_plan", lang))
    _mark_findings(ax, curves, component, metric, roles, _finding_list(findings), lang,
                   (float(grid.min()), float(grid.max())))

    if by_value:
        ax.set_xlabel(_name(metric, lang))
    else:
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_xlabel(label("attainment_pct", lang) if metric is None
                      else f"{label('attainment_pct', lang)}: {_name(metric, lang)}")
    _set_money_axis(ax.yaxis, lang)
    ax.set_xlim(float(grid.min()), float(grid.max()))
    lowest = min(float(np.min(y)) for _, y in curves.values())
    ax.set_ylim(bottom=min(0.0, lowest))
    ax.set_ylabel(_money_title("component_pay" if component is not None else pay, lang, _currency_of(plan)))
    ax.set_title(label("payout_curve_of", lang, name=_name(component, lang) if component else plan.name))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right")  # pay curves rise: the lower right is where the chart is empty
    return ax


def _mark_findings(ax: Axes, curves: Mapping[str | None, tuple[np.ndarray, np.ndarray]], component: str | None,
                   metric: str | None, roles: Mapping[str | None, Plan], findings: list[Any], lang: str,
                   x_range: tuple[float, float]) -> None:
    """A dashed line at each relevant finding's attainment, a dot on the curve, a short label on top.

    A finding is relevant when it lies on the axis drawn: the swept metric (or,
    when every metric moves together, any metric read by attainment) and the
    drawn component (any, for the whole plan). Findings of a scheme's role
    (``"junior.bonus"``) go on that role's curve. Findings at the same
    attainment share one line and one label, so they never print over each other.
    """
    lo, hi = x_range
    at: dict[float, list[tuple[str | None, str, str | None, str]]] = {}
    for finding in findings:
        x = getattr(finding, "attainment", None)
        if x is None or not np.isfinite(float(x)):
            continue
        name = str(getattr(finding, "component", "") or "")
        role = next((r for r in curves if r is not None and name.startswith(f"{r}.")), None)
        if role is None and None not in curves:
            continue  # a role this chart does not draw
        bare = name[len(role) + 1:] if role is not None else name
        if component is not None and bare != component:
            continue
        f_metric = getattr(finding, "metric", None)
        # with every metric moving, only metrics read by attainment are on this x axis: a finding on a
        # value-basis metric (deals read as a count) is at a value, not at a share of plan
        on_axis = (f_metric in (None, "all") or f_metric in roles[role].attainment_metrics()) if metric is None \
            else f_metric == metric
        if on_axis and lo <= float(x) <= hi:  # off the drawn range a mark would only stretch the figure
            at.setdefault(round(float(x), 6), []).append(
                (role, str(getattr(finding, "kind", "finding")), f_metric,
                 str(getattr(finding, "severity", "warning"))))
    colours = palette()
    rank = {"info": 0, "warning": 1, "error": 2}
    for i, (x, items) in enumerate(sorted(at.items())):
        worst = max((sev for *_, sev in items), key=lambda sev: rank.get(sev, 1))
        colour = colours[_SEVERITY_COLOUR.get(worst, 1)]
        ax.axvline(x, color=colour, linestyle="--", linewidth=1.0, gid=f"finding:{i}")
        for role in dict.fromkeys(role for role, *_ in items):
            xs, ys = curves[role]
            ax.plot([x], [float(np.interp(x, xs, ys))], marker="o", markersize=6, color=colour,
                    linestyle="none", gid=f"finding_point:{i}", zorder=4)
        words: dict[str, list[str]] = {}
        for _role, kind, f_metric, _sev in items:
            names = words.setdefault(_name(kind, lang), [])
            if metric is None and f_metric not in (None, "all"):  # all metrics move: say which one broke
                if _name(f_metric, lang) not in names:
                    names.append(_name(f_metric, lang))
        text = "; ".join(k + (f" · {', '.join(m)}" if m else "") for k, m in words.items())
        # upright along its line, so findings a few points apart do not print over each other
        ax.annotate(text, xy=(x, 1.0), xycoords=("data", "axes fraction"), xytext=(2, -4),
                    textcoords="offset points", rotation=90, fontsize=8, color=colour, ha="left", va="top",
                    bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 1.0},
                    gid=f"finding_label:{i}")


# --------------------------------------------------------------------------- pay vs performance

def _rows_with(payouts: Payouts, columns: Iterable[str]) -> pd.DataFrame:
    """The payout table with ``columns`` of ``payouts.inputs`` (the table evaluated, row for row)."""
    table = payouts.table
    source = payouts.inputs
    columns = [c for c in dict.fromkeys(columns) if c not in table.columns and c in source.columns]
    extra = source[columns].reset_index(drop=True)
    return pd.concat([table.reset_index(drop=True), extra], axis=1)


def _per_rep(rows: pd.DataFrame, values: Sequence[str]) -> pd.DataFrame:
    """Monthly mean of ``values`` per rep (over every period and scenario), with the archetype."""
    agg = rows.groupby("rep_id", sort=False)[list(values)].mean()
    if "archetype" in rows.columns:
        agg["archetype"] = rows.groupby("rep_id", sort=False)["archetype"].first().fillna(_UNLABELLED)
    else:
        agg["archetype"] = _UNLABELLED
    return agg


def _archetype_order(found: Iterable[str]) -> list[str]:
    found = list(dict.fromkeys(map(str, found)))
    known = [a for a in ARCHETYPE_ORDER if a in found]
    return known + sorted(a for a in found if a not in ARCHETYPE_ORDER)


def _measure_name(measure: Any, team: pd.DataFrame) -> str:
    """The key of the measure for labels: the analysis default, a column, or 'performance'."""
    if measure is None:
        return "margin" if "margin" in team.columns else "revenue"
    return measure if isinstance(measure, str) else "performance"


@_styled
def plot_pay_vs_performance(payouts: Payouts, team: pd.DataFrame | None = None, measure: Any = "revenue",
                            ax: Axes | None = None, lang: str = "en", pay: str = "total",
                            annotate: bool = False) -> Axes:
    """Pay against performance, one point per rep, coloured (and shaped) by archetype.

    The points are :func:`kpilab.analysis.differentiation`'s ``per_rep``: each
    rep's monthly mean over every period (and scenario) of ``measure`` (x) and
    of ``pay`` (y). A plan that rewards performance draws a rising cloud; a
    flat or shuffled cloud is a plan that pays for presence.

    Parameters
    ----------
    payouts
        From :func:`kpilab.evaluate`.
    team
        The performance table with ``measure`` (and ``archetype``); default ``payouts.inputs``.
    measure
        A column (``"revenue"``, ``"deals"``), an expression, a callable or ``None``
        (the analysis default), as :func:`kpilab.analysis.differentiation` takes it.
    ax, lang
        Where to draw; ``"en"`` or ``"ru"``.
    pay
        ``"total"`` or ``"variable"``.
    annotate
        Write each rep's id next to its point.

    Returns
    -------
    Axes
        One scatter per archetype, ``gid="reps:<archetype>"``.
    """
    from .analysis import differentiation  # the per-rep figures are the analysis's, not redrawn here

    if pay not in ("total", "variable"):
        raise ValueError(f"pay must be 'total' or 'variable', got {pay!r}")
    source = payouts.inputs if team is None else team
    if isinstance(measure, str) and measure not in source.columns and not any(op in measure for op in "+-*/()"):
        raise ValueError(f"column {measure!r} is not in the team table; "
                         f"columns: {', '.join(map(str, source.columns))}")
    per_rep = differentiation(payouts, team, measure=measure).per_rep.set_index("rep_id")
    if "archetype" not in per_rep.columns:
        per_rep["archetype"] = _UNLABELLED
    per_rep["archetype"] = per_rep["archetype"].fillna(_UNLABELLED).astype(str)
    ax = _axes(ax)
    for archetype in _archetype_order(per_rep["archetype"]):
        part = per_rep[per_rep["archetype"] == archetype]
        ax.scatter(part["performance"].to_numpy(dtype=float), part[pay].to_numpy(dtype=float),
                   color=archetype_color(archetype), marker=archetype_marker(archetype),
                   s=110 if archetype_marker(archetype) == "*" else 55,  # a star glyph reads small
                   edgecolor="white", linewidth=0.6, label=_name(archetype, lang), gid=f"reps:{archetype}",
                   zorder=3)
    if annotate:
        for rep, r in per_rep.iterrows():
            ax.annotate(str(rep), (r["performance"], r[pay]), xytext=(4, 3), textcoords="offset points",
                        fontsize=7)
    currency = _currency_of(payouts)
    per_period = label("mean_per_period", lang)
    name = _measure_name(measure, source)
    if name in _MONEY_METRICS:
        _set_money_axis(ax.xaxis, lang)
        ax.set_xlabel(_money_title(name, lang, currency, per_period))
    else:
        big = per_rep["performance"].abs().max() >= 100
        ax.xaxis.set_major_formatter(money_formatter(lang, 0 if big else 1))
        ax.set_xlabel(f"{_name(name, lang)} ({per_period})")
    _set_money_axis(ax.yaxis, lang)
    ax.set_ylabel(_money_title(pay, lang, currency, per_period))
    ax.set_title(label("pay_vs_performance", lang))
    if (per_rep["archetype"] != _UNLABELLED).any():
        ax.legend(title=label("archetype", lang), loc="best", fontsize=8)
    return ax


# --------------------------------------------------------------------------- distribution

def _payouts_by_plan(data: Any) -> dict[str, Payouts]:
    if isinstance(data, Payouts):
        return {"": data}
    if hasattr(data, "payouts") and isinstance(data.payouts, Mapping):  # a Comparison
        return dict(data.payouts)
    if isinstance(data, Mapping):
        return dict(data)
    raise TypeError("expected Payouts, a Comparison or a mapping of plan name -> Payouts, "
                    f"got {type(data).__name__}")


@_styled
def plot_pay_distribution(data: Any, ax: Axes | None = None, lang: str = "en", pay: str = "total",
                          kind: str = "box", per: str = "rep") -> Axes:
    """The distribution of pay under each plan (or, for one plan, under each archetype).

    Parameters
    ----------
    data
        A ``Comparison`` (its ``.payouts``), a mapping plan name -> ``Payouts``, or one
        ``Payouts`` (then one group per archetype when the team has them).
    ax, lang
        Where to draw; ``"en"`` or ``"ru"``.
    pay
        ``"total"`` or ``"variable"``.
    kind
        ``"box"``, ``"violin"`` or ``"strip"``; box and violin also show every value as a dot.
    per
        ``"rep"``: one value per rep (its mean pay per period); ``"row"``: every rep-period.

    Returns
    -------
    Axes
        Group ``i`` is drawn at x = ``i + 1``; the dots are ``gid="values:<group>"``,
        box medians ``gid="median:<group>"``.
    """
    if kind not in ("box", "violin", "strip"):
        raise ValueError(f"kind must be 'box', 'violin' or 'strip', got {kind!r}")
    if per not in ("rep", "row"):
        raise ValueError(f"per must be 'rep' or 'row', got {per!r}")
    ax = _axes(ax)
    by_plan = _payouts_by_plan(data)
    groups: dict[str, np.ndarray] = {}
    if list(by_plan) == [""]:
        payouts = by_plan[""]
        rows = _rows_with(payouts, ["archetype"])
        if "archetype" not in rows.columns:
            rows["archetype"] = _UNLABELLED
        values = _per_rep(rows, [pay]) if per == "rep" else rows.assign(archetype=rows["archetype"].fillna(_UNLABELLED))
        for archetype in _archetype_order(values["archetype"]):
            groups[archetype] = values.loc[values["archetype"] == archetype, pay].to_numpy(dtype=float)
        currency = _currency_of(payouts)
        xlabel = label("archetype", lang)
    else:
        for name, payouts in by_plan.items():
            table = payouts.table
            vals = table.groupby("rep_id", sort=False)[pay].mean() if per == "rep" else table[pay]
            groups[str(name)] = vals.to_numpy(dtype=float)
        currency = _currency_of(next(iter(by_plan.values())))
        xlabel = label("plan", lang)
    names = list(groups)
    positions = np.arange(1, len(names) + 1)
    colours = [archetype_color(n) if n in _ARCHETYPE_COLOUR else palette()[i % 10] for i, n in enumerate(names)]
    if kind == "box":
        box = ax.boxplot([groups[n] for n in names], positions=positions, widths=0.55, showfliers=False,
                         patch_artist=True, medianprops={"color": "black", "linewidth": 1.5})
        for patch, median, colour, name in zip(box["boxes"], box["medians"], colours, names):
            patch.set_facecolor((*colour, 0.35))
            patch.set_edgecolor(colour)
            median.set_gid(f"median:{name}")
    elif kind == "violin":
        parts = ax.violinplot([groups[n] for n in names], positions=positions, showmedians=True, widths=0.7)
        for body, colour in zip(parts["bodies"], colours):
            body.set_facecolor(colour)
            body.set_alpha(0.35)
    # every value as a dot: a box hides how few reps make a tail; jitter is seeded, not global
    jitter = np.random.default_rng(0)
    for pos, name, colour in zip(positions, names, colours):
        vals = groups[name]
        ax.scatter(pos + jitter.uniform(-0.12, 0.12, size=vals.size), vals, s=14, color=colour,
                   alpha=0.8, edgecolor="none", zorder=3, gid=f"values:{name}")
    ax.set_xticks(positions, [_name(n, lang) for n in names],
                  rotation=20 if len(names) > 4 else 0, ha="right" if len(names) > 4 else "center")
    ax.grid(False, axis="x")
    _set_money_axis(ax.yaxis, lang)
    ax.set_ylabel(_money_title(pay, lang, currency,
                               label("mean_per_period", lang) if per == "rep" else None))
    ax.set_xlabel(xlabel)
    ax.set_title(label("pay_distribution", lang))
    return ax


# --------------------------------------------------------------------------- budget fan

_Q_COLUMNS = ("p10", "p50", "p90")


def budget_quantiles(payouts: Payouts | pd.DataFrame, quantiles: Sequence[float] = (0.1, 0.5, 0.9),
                     cumulative: bool = True, pay: str = "total", *, profile: TeamProfile | None = None
                     ) -> pd.DataFrame:
    """Payroll per period across scenarios, as quantiles: the numbers a budget fan draws.

    Parameters
    ----------
    payouts
        ``Payouts`` (or a payout table) with a ``scenario`` column; without one it is a single scenario.
    quantiles
        Three quantiles: low, middle, high.
    cumulative
        Running payroll from the first period (the budget consumed so far).
    pay
        The payout column summed.
    profile
        A :func:`kpilab.analysis.profile_team` of the table's rows (as the
        tuner holds): its period and scenario numbering is reused instead of
        hashing the keys again. Same result.

    Returns
    -------
    DataFrame
        Columns ``period``, ``p10``, ``p50``, ``p90`` (named after ``quantiles``), periods in table order.
    """
    table = payouts.table if isinstance(payouts, Payouts) else payouts
    if profile is not None and profile.matches(table):
        period_codes, periods = profile.period_codes, profile.periods
        scenarios = profile.budget_index if profile.budget_index is not None else np.zeros(1)
        scenario_codes = (profile.scenario_codes if profile.scenario_codes is not None
                          else np.zeros(len(table), np.int64))
    else:
        period_codes, periods = pd.factorize(table["period"], sort=False)
        if "scenario" in table.columns:
            scenario_codes, scenarios = pd.factorize(table["scenario"], sort=True)
        else:
            scenario_codes, scenarios = np.zeros(len(table), np.int64), np.zeros(1)
    if (period_codes < 0).any() or (scenario_codes < 0).any():
        periods = pd.unique(table["period"])
        wide = _budget_wide_pivot(table, pay, cumulative)
    else:
        wide = _budget_wide(period_codes, len(periods), scenario_codes, len(scenarios),
                            table[pay].to_numpy(dtype=float), cumulative)
    values = np.quantile(wide, quantiles, axis=1)
    out = pd.DataFrame({"period": [str(p) for p in periods]})
    for q, row in zip(quantiles, values):
        out[f"p{round(q * 100):d}"] = row
    return out


def _budget_wide(period_codes: np.ndarray, n_periods: int, scenario_codes: np.ndarray, n_scenarios: int,
                 pay: np.ndarray, cumulative: bool) -> np.ndarray:
    """Pay summed per period (rows, order of first appearance) and scenario (columns, sorted).

    The numbers of ``pivot_table(index="period", columns="scenario", aggfunc="sum")``
    without building the pivot: one grouped sum over integer cell numbers (the
    same compensated pandas kernel, rows in order), reshaped. A cell without
    rows is NaN, and a running sum skips it as pandas' ``cumsum`` does.
    """
    cells = period_codes.astype(np.int64) * n_scenarios + scenario_codes
    n_cells = n_periods * n_scenarios
    groups = pd.Categorical.from_codes(cells, categories=pd.RangeIndex(n_cells), validate=False)
    sums = pd.Series(pay).groupby(groups, observed=False).sum().to_numpy(dtype=float, copy=True)
    empty = np.bincount(cells, minlength=n_cells) == 0
    sums[empty] = np.nan
    wide = sums.reshape(n_periods, n_scenarios)
    if cumulative:
        missing = empty.reshape(n_periods, n_scenarios)
        wide = np.cumsum(np.where(missing, 0.0, wide), axis=0)
        wide[missing] = np.nan
    return wide


def _budget_wide_pivot(table: pd.DataFrame, pay: str, cumulative: bool) -> np.ndarray:
    """:func:`_budget_wide` through ``pivot_table``, for tables with empty keys (which it drops)."""
    table = table if "scenario" in table.columns else table.assign(scenario=0)
    periods = pd.unique(table["period"])
    wide = table.pivot_table(index="period", columns="scenario", values=pay, aggfunc="sum").reindex(periods)
    if cumulative:
        wide = wide.cumsum()
    return wide.to_numpy(dtype=float)


def _as_quantile_table(data: Any, cumulative: bool) -> pd.DataFrame:
    if isinstance(data, Payouts):
        return budget_quantiles(data, cumulative=cumulative)
    if isinstance(data, pd.DataFrame):
        if set(_Q_COLUMNS) <= set(data.columns):  # already quantiles
            x = next((c for c in ("period", "month") if c in data.columns), None)
            out = data.reset_index(drop=x is not None)
            if x is None:
                x = out.columns[0]
            return out.rename(columns={x: "period"})[["period", *_Q_COLUMNS]].assign(
                period=lambda d: d["period"].astype(str))
        if {"period", "total"} <= set(data.columns):
            return budget_quantiles(data, cumulative=cumulative)
    raise TypeError("expected Payouts, a payout table (period, total[, scenario]), a table with "
                    f"p10/p50/p90 columns, or a mapping of those; got {type(data).__name__}")


@_styled
def plot_budget_fan(data: Any, ax: Axes | None = None, lang: str = "en", cumulative: bool = True,
                    currency: str | None = None) -> Axes:
    """The payroll budget fan: P10–P90 band and median of (cumulative) payroll by month, across scenarios.

    Parameters
    ----------
    data
        ``Payouts`` of a scenario run (``scenario`` column), a payout table, a table of
        budget quantiles (``period`` or ``month``, ``p10``, ``p50``, ``p90``), or a mapping
        plan name -> any of those (one fan per plan).
    ax, lang
        Where to draw; ``"en"`` or ``"ru"``.
    cumulative
        Draw the running payroll (the budget consumed by month); otherwise payroll per month.
    currency
        Currency for the axis title (default: the plan's, else RUB).

    Returns
    -------
    Axes
        The median line is ``gid="budget_p50[:<plan>]"``; the band ``gid="budget_band[:<plan>]"``.
    """
    ax = _axes(ax)
    fans = dict(data) if isinstance(data, Mapping) else {None: data}
    if currency is None:
        first = next(iter(fans.values()))
        currency = _currency_of(first) if isinstance(first, Payouts) else "RUB"
    colours = palette()
    periods: list[str] = []
    for i, (name, item) in enumerate(fans.items()):
        q = _as_quantile_table(item, cumulative)
        x = np.arange(len(q))
        suffix = "" if name is None else f":{name}"
        colour = colours[i % 10]
        band_label = label("p10_p90", lang) if name is None else f"{_name(name, lang)}: {label('p10_p90', lang)}"
        mid_label = label("p50", lang) if name is None else f"{_name(name, lang)}: {label('median', lang)}"
        ax.fill_between(x, q["p10"].to_numpy(dtype=float), q["p90"].to_numpy(dtype=float), color=colour,
                        alpha=0.25, linewidth=0, label=band_label, gid=f"budget_band{suffix}")
        ax.plot(x, q["p50"].to_numpy(dtype=float), color=colour, marker="o", markersize=3,
                label=mid_label, gid=f"budget_p50{suffix}")
        if len(q) > len(periods):
            periods = list(q["period"])
    step = max(1, int(np.ceil(len(periods) / 12)))  # at most ~12 tick labels
    ax.set_xticks(np.arange(len(periods))[::step], periods[::step], rotation=45 if len(periods) > 6 else 0,
                  ha="right" if len(periods) > 6 else "center")
    _set_money_axis(ax.yaxis, lang)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(label("month", lang))
    ax.set_ylabel(_money_title("cumulative_payroll" if cumulative else "payroll", lang, currency))
    ax.set_title(label("budget_fan", lang))
    ax.legend(loc="upper left")
    return ax


# --------------------------------------------------------------------------- waterfall

def waterfall_parts(payouts: Payouts, rep_id: Any, period: Any, scenario: Any = None,
                    hide_zero: bool = True) -> list[tuple[str, float]]:
    """One rep-period's pay as ordered parts: base, components, cap, penalties, floor.

    The parts are the payout table's own numbers (the same the statement of
    :meth:`Payouts.explain` prints), so they add up to the row's ``total``.
    Components a scheme role does not have (empty cells) are left out; with
    ``hide_zero`` so are zero parts other than the base.
    """
    row = payouts.table.iloc[payouts.position(rep_id, period, scenario)]
    penalties = list(payouts.penalty_names)
    earning = [c for c in payouts.component_names if c not in penalties]
    order = ["base", *earning, "cap_adjustment", *penalties, "floor_adjustment"]
    parts = [(name, float(row[name])) for name in order if pd.notna(row[name])]
    if hide_zero:
        parts = [(n, v) for n, v in parts if n == "base" or v != 0.0]
    return parts


@_styled
def plot_waterfall(payouts: Payouts, rep_id: Any, period: Any, ax: Axes | None = None, lang: str = "en",
                   scenario: Any = None, hide_zero: bool = True) -> Axes:
    """One rep's pay as a waterfall: base → components → cap → penalties → floor → total.

    Parameters
    ----------
    payouts
        From :func:`kpilab.evaluate`.
    rep_id, period
        The row to draw (``scenario`` too when the table has scenarios; default the first).
    ax, lang
        Where to draw; ``"en"`` or ``"ru"``.
    hide_zero
        Leave out parts that are exactly zero (a cap that did not bite), except the base.

    Returns
    -------
    Axes
        Bars with ``gid="waterfall:<part>"``, each starting where the previous
        ended (negative parts have negative height), and a ``"waterfall:total"``
        bar from 0 to the total.
    """
    ax = _axes(ax)
    parts = waterfall_parts(payouts, rep_id, period, scenario, hide_zero)
    total = float(payouts.table.iloc[payouts.position(rep_id, period, scenario)]["total"])
    colours = palette()
    running = 0.0
    names: list[str] = []
    for i, (name, value) in enumerate(parts):
        colour = colours[0] if name == "base" else colours[2] if value >= 0 else colours[3]
        ax.bar(i, value, bottom=running, color=colour, width=0.65, gid=f"waterfall:{name}")
        if i:  # a thin connector: where this bar starts is where the previous one ended
            ax.plot([i - 1 + 0.325, i - 0.325], [running, running], color=colours[7], linewidth=0.8)
        top = running + max(value, 0.0)
        ax.annotate(("+" if value > 0 and name != "base" else "") + format_number(value, lang),
                    (i, top), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=8)
        running += value
        names.append(name)
    n = len(parts)
    ax.plot([n - 1 + 0.325, n - 0.325], [running, running], color=colours[7], linewidth=0.8)
    ax.bar(n, total, bottom=0.0, color=colours[0], edgecolor="black", linewidth=0.8, width=0.65,
           gid="waterfall:total")
    ax.annotate(format_number(total, lang), (n, max(total, 0.0)), xytext=(0, 3), textcoords="offset points",
                ha="center", va="bottom", fontsize=9, fontweight="bold")
    names.append("total")
    ax.set_xticks(np.arange(n + 1), [_name(x, lang) for x in names], rotation=30 if n > 4 else 0,
                  ha="right" if n > 4 else "center")
    ax.grid(False, axis="x")
    ax.axhline(0, color="black", linewidth=0.6)
    _set_money_axis(ax.yaxis, lang)
    ax.set_ylabel(_money_title("pay", lang, _currency_of(payouts)))
    ax.set_title(label("waterfall", lang, rep=rep_id, period=period))
    return ax


# --------------------------------------------------------------------------- comparison

# Comparison rows in roubles (the others are ratios, counts or shares); `output` is in the measure's unit.
_MONEY_ROWS = set(names(family="comparison", unit="money")) | {"output", "payroll", "revenue"}


def _failed(status: Any) -> bool:
    """A verdict cell that failed: status ``"fail"`` (or a plain False); "not assessed" is not a failure."""
    if isinstance(status, str):
        return status.strip().lower() == "fail"
    return status is False or (isinstance(status, (bool, np.bool_)) and not status)

@_styled
def plot_comparison_bars(comparison: Any, metrics: str | Sequence[str] | None = None, ax: Axes | None = None,
                         lang: str = "en", normalize: bool | None = None, currency: str = "RUB") -> Axes:
    """Plans side by side on one or more comparison metrics.

    Parameters
    ----------
    comparison
        A ``Comparison`` (its ``.table``: metrics × plans) or such a DataFrame.
    metrics
        A metric (row) name, several, or ``None`` for every numeric row.
    ax, lang
        Where to draw; ``"en"`` or ``"ru"``.
    normalize
        Scale each metric by its largest absolute value across plans, so metrics
        in roubles and in ratios share an axis (the bars are labelled with the
        real values). Default: only when there is more than one metric.
    currency
        For the axis title of a single money metric.

    Returns
    -------
    Axes
        One bar per plan and metric, ``gid="bar:<metric>:<plan>"``; failed
        criteria (where ``comparison.verdict`` has the metric with status
        ``"fail"``) are hatched.
    """
    table = comparison.table if hasattr(comparison, "table") else comparison
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"expected a Comparison or a metrics × plans DataFrame, got {type(comparison).__name__}")
    if metrics is None:
        numeric = table.apply(pd.to_numeric, errors="coerce")
        chosen = [m for m in table.index if numeric.loc[m].notna().all()]
    else:
        chosen = [metrics] if isinstance(metrics, str) else list(metrics)
    unknown = [m for m in chosen if m not in table.index]
    if unknown:
        raise ValueError(f"no metric {unknown[0]!r} in the comparison; metrics: {', '.join(map(str, table.index))}")
    if not chosen:
        raise ValueError("the comparison has no numeric metric to draw")
    values = table.loc[chosen].apply(pd.to_numeric, errors="raise").astype(float)
    normalize = len(chosen) > 1 if normalize is None else normalize
    verdict = getattr(comparison, "verdict", None)
    ax = _axes(ax)
    plans = list(values.columns)
    width = 0.8 / len(plans)
    colours = palette()
    x = np.arange(len(chosen))
    scale = np.abs(values).max(axis=1).fillna(1.0).replace(0, 1).to_numpy() if normalize else np.ones(len(chosen))
    any_failed = False
    for j, plan in enumerate(plans):
        raw = values[plan].to_numpy()
        heights = np.nan_to_num(raw / scale)  # a metric a plan cannot have (rho of flat pay) draws no bar
        offsets = x + (j - (len(plans) - 1) / 2) * width
        for k, metric in enumerate(chosen):
            failed = (isinstance(verdict, pd.DataFrame) and metric in verdict.index and plan in verdict.columns
                      and _failed(verdict.loc[metric, plan]))
            any_failed |= failed
            ax.bar(offsets[k], heights[k], width=width * 0.92, color=colours[j % 10],
                   hatch="//" if failed else None, edgecolor="black" if failed else "white",
                   gid=f"bar:{metric}:{plan}")
            text = label("not_available", lang) if np.isnan(raw[k]) else \
                format_number(raw[k], lang, 0 if abs(raw[k]) >= 100 else 2)
            ax.annotate(text, (offsets[k], heights[k]), xytext=(0, 3 if heights[k] >= 0 else -3),
                        textcoords="offset points", ha="center", va="bottom" if heights[k] >= 0 else "top",
                        fontsize=8)
    # long metric names wrap onto lines instead of slanting across their neighbours
    wrap = max(10, min(22, 70 // len(chosen)))
    ax.set_xticks(x, [textwrap.fill(_name(m, lang), wrap) for m in chosen])
    ax.grid(False, axis="x")
    ax.axhline(0, color="black", linewidth=0.6)
    if normalize:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_ylabel(label("relative_to_best", lang))
    elif len(chosen) == 1 and chosen[0] in _MONEY_METRICS | _MONEY_ROWS:
        _set_money_axis(ax.yaxis, lang)
        ax.set_ylabel(_money_title(chosen[0], lang, currency))
    else:
        ax.set_ylabel(_name(chosen[0], lang) if len(chosen) == 1 else label("value", lang))
    ax.set_title(label("comparison", lang))
    # plain swatches per plan (a plan's first bar may be hatched), plus what the hatch means
    handles = [mpl.patches.Patch(facecolor=colours[j % 10], label=_name(plan, lang)) for j, plan in enumerate(plans)]
    if any_failed:
        handles.append(mpl.patches.Patch(facecolor="white", edgecolor="black", hatch="//",
                                         label=label("criterion_failed", lang)))
    if len(handles) > 1:
        ncol = len(handles) if len(handles) <= 3 else int(np.ceil(len(handles) / 2))
        rows = int(np.ceil(len(handles) / ncol))
        bottom, top = ax.get_ylim()
        ax.set_ylim(bottom, top + (0.12 + 0.1 * rows) * (top - bottom))  # headroom: the legend sits above the bars
        ax.legend(handles=handles, loc="upper center", ncol=ncol)
    if normalize and bool((values.fillna(0) >= 0).all().all()):
        ax.set_yticks(np.linspace(0.0, 1.0, 6))  # no "120 %" ticks in the legend's headroom
    return ax


# --------------------------------------------------------------------------- tail and replacement

_TAIL_SERIES = ("output", "cost", "output_gain", "cost_gain", "cum_output_gain", "cum_cost_gain")


@_styled
def plot_tail(result: Any, ax: Axes | None = None, lang: str = "en", what: str = "output",
              measure: str | None = None, currency: str = "RUB", max_reps: int = 25) -> Axes:
    """The tail, or the replacement path.

    A ``ReplacementResult`` (:func:`kpilab.analysis.simulate_replacement`)
    draws month by month the P10–P90 band and the median of ``what``: for
    ``"output"`` and ``"cost"`` two fans, keeping the tail and replacing it;
    for a gain series (``"output_gain"``, ``"cost_gain"``, ``"cum_output_gain"``,
    ``"cum_cost_gain"``) one fan around zero. A ``TailReport``
    (:func:`kpilab.analysis.tail`) draws each rep's months in the tail as a
    bar, flagged reps highlighted, with the ``k``-of-``n`` threshold.

    Parameters
    ----------
    result
        A ``ReplacementResult`` or a ``TailReport``.
    ax, lang
        Where to draw; ``"en"`` or ``"ru"``.
    what
        The series of a replacement result (above).
    measure
        What "output" is (``"revenue"``, ``"deals"``) for the axis title;
        money measures get the currency sign.
    currency
        Currency of cost (and of a money measure).
    max_reps
        A tail report shows at most this many reps, most months in the tail first.

    Returns
    -------
    Axes
        Replacement: bands ``gid="tail_band:<series>"`` and medians
        ``gid="tail_p50:<series>"`` (series ``output_keep``, ``output_replace``,
        ...). Tail report: bars ``gid="tail_rep:<rep_id>"``.
    """
    table = getattr(result, "table", result)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"expected a ReplacementResult or a TailReport, got {type(result).__name__}")
    ax = _axes(ax)
    if {"rep_id", "periods_in_tail"} <= set(table.columns):
        return _draw_tail_report(ax, result, table, lang, max_reps)
    if what not in _TAIL_SERIES:
        raise ValueError(f"what must be one of {', '.join(_TAIL_SERIES)}; got {what!r}")
    colours = palette()
    if what in ("output", "cost"):
        series = [(f"{what}_keep", label("without_replacement", lang), colours[7]),
                  (f"{what}_replace", label("with_replacement", lang), colours[0])]
    else:
        series = [(what, _name(what, lang), colours[2])]
    missing = [f"{name}_{q}" for name, *_ in series for q in _Q_COLUMNS if f"{name}_{q}" not in table.columns]
    if missing:
        raise ValueError(f"the replacement table has no column {missing[0]!r}")
    x = np.asarray(table.index, dtype=float)
    for name, text, colour in series:
        ax.fill_between(x, table[f"{name}_p10"].to_numpy(dtype=float), table[f"{name}_p90"].to_numpy(dtype=float),
                        color=colour, alpha=0.25, linewidth=0, label=f"{text}: {label('p10_p90', lang)}",
                        gid=f"tail_band:{name}")
        ax.plot(x, table[f"{name}_p50"].to_numpy(dtype=float), color=colour, marker="o", markersize=3,
                label=f"{text}: {label('median', lang)}", gid=f"tail_p50:{name}")
    if what not in ("output", "cost"):
        ax.axhline(0, color="black", linewidth=0.6)
    is_cost = what in ("cost", "cost_gain", "cum_cost_gain")
    unit = "cost" if is_cost else (measure or "output")
    _set_money_axis(ax.yaxis, lang)
    key = what if what not in ("output", "cost") else unit
    ax.set_ylabel(_money_title(key, lang, currency) if is_cost or unit in _MONEY_METRICS else _name(key, lang))
    ax.set_xlabel(label("month", lang))
    ax.set_xlim(x.min(), x.max())
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.set_title(label("replacement_title", lang, what=_name(what if what not in ("output", "cost") else unit,
                                                              lang).lower()))
    ax.legend(loc="best")
    return ax


def _draw_tail_report(ax: Axes, result: Any, table: pd.DataFrame, lang: str, max_reps: int) -> Axes:
    """Months in the tail per rep, flagged reps in vermillion, the k-of-n threshold as a line."""
    rows = table.sort_values("periods_in_tail", ascending=False, kind="stable").head(max_reps)
    rows = rows.iloc[::-1]  # barh draws bottom-up: the worst rep on top
    colours = palette()
    flagged = rows["flagged"].astype(bool).to_numpy() if "flagged" in rows.columns else np.zeros(len(rows), bool)
    y = np.arange(len(rows))
    for yi, (_, r), flag in zip(y, rows.iterrows(), flagged):
        ax.barh(yi, float(r["periods_in_tail"]), color=colours[3] if flag else colours[7], height=0.7,
                gid=f"tail_rep:{r['rep_id']}")
    names = [f"{r['rep_id']} · {_name(r['archetype'], lang)}" if "archetype" in rows.columns
             and pd.notna(r["archetype"]) else str(r["rep_id"]) for _, r in rows.iterrows()]
    ax.set_yticks(y, names)
    k, n = getattr(result, "k", None), getattr(result, "n", None)
    if k is not None:
        ax.axvline(k, color="black", linestyle="--", linewidth=1.0,
                   label=label("tail_threshold", lang, k=k, n=n), gid="tail_threshold")
    handles = [mpl.patches.Patch(color=colours[3], label=label("flagged", lang)),
               mpl.patches.Patch(color=colours[7], label=label("not_flagged", lang))]
    ax.legend(handles=[*handles, *ax.get_legend_handles_labels()[0]], loc="lower right")
    ax.grid(False, axis="y")
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.set_xlabel(label("periods_in_tail", lang))
    quantile = float(getattr(result, "quantile", 0.25))
    ax.set_title(label("tail_reps_title", lang, share=f"{round(quantile * 100)}\u00a0%"))
    return ax


# --------------------------------------------------------------------------- composite sheet

def report_sheet(payouts: Payouts, *, findings: Any = None, lang: str = "en", measure: str = "revenue",
                 rep_id: Any = None, period: Any = None, figsize: tuple[float, float] = (13.0, 9.0)) -> Figure:
    """The four key charts of one plan on one sheet (2 × 2).

    Top left the payout curve of the whole plan (with lint findings), top right
    pay against ``measure`` per rep, bottom left the pay distribution by
    archetype, bottom right the waterfall of one rep (default: the rep whose
    total is the median of the last period).

    Parameters
    ----------
    payouts
        From :func:`kpilab.evaluate` (its ``plan`` draws the curve).
    findings
        A ``LintReport`` (or findings) to mark on the curve.
    lang
        ``"en"`` or ``"ru"``.
    measure
        The performance measure of the scatter.
    rep_id, period
        The waterfall's row (both, or neither for the median rep).
    figsize
        Inches; the default fits a landscape slide.

    Returns
    -------
    Figure
        Four axes in reading order: curve, scatter, distribution, waterfall.
    """
    check_lang(lang)
    with style():
        fig, axes = plt.subplots(2, 2, figsize=figsize)
        plot_payout_curve(payouts.plan, ax=axes[0, 0], lang=lang, findings=findings)
        plot_pay_vs_performance(payouts, measure=measure, ax=axes[0, 1], lang=lang)
        plot_pay_distribution(payouts, ax=axes[1, 0], lang=lang)
        if rep_id is None or period is None:
            rep_id, period = _median_row(payouts, period)
        plot_waterfall(payouts, rep_id, period, ax=axes[1, 1], lang=lang)
        fig.suptitle(label("report_sheet", lang, name=payouts.plan.name), fontsize=14, fontweight="bold")
    return fig


def _median_row(payouts: Payouts, period: Any = None) -> tuple[Any, Any]:
    """The rep whose total is the median in ``period`` (default the last; first scenario)."""
    table = payouts.table
    if "scenario" in table.columns:
        table = table[table["scenario"] == table["scenario"].iloc[0]]
    if period is None:
        period = table["period"].iloc[-1]
    rows = table[table["period"].astype(str) == str(period)].sort_values("total", kind="stable")
    row = rows.iloc[(len(rows) - 1) // 2]
    return row["rep_id"], row["period"]


# --------------------------------------------------------------------------- save

def save(fig: Figure | Axes, path: str | Path, dpi: int = 200, **kwargs: Any) -> Path:
    """Write a chart as presentation-quality PNG, SVG or PDF, chosen by the file's extension.

    Parameters
    ----------
    fig
        A Figure (an Axes saves its figure).
    path
        ``*.png``, ``*.svg`` or ``*.pdf``.
    dpi
        Resolution of PNG (and of raster parts of vector files).
    **kwargs
        Passed to ``Figure.savefig``.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        For any other extension.
    """
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"cannot save {path.name!r}: the extension must be one of {', '.join(_FORMATS)}")
    figure = fig.figure if isinstance(fig, Axes) else fig
    # no timestamps in vector files, so saving the same chart twice gives the same bytes
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)
    options: dict[str, Any] = {"dpi": dpi, "bbox_inches": "tight", "format": fmt, "facecolor": "white"}
    if metadata is not None:
        options["metadata"] = metadata
    options.update(kwargs)
    with style():  # fonttype settings apply at save time
        figure.savefig(path, **options)
    return path
