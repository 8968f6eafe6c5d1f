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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from .engine import Payouts
from .i18n import check_lang, currency_symbol, format_number, has_label, label
from .plan import Plan, Scheme

__all__ = [
    "style", "save", "palette", "archetype_color", "archetype_marker", "money_formatter", "ARCHETYPE_ORDER",
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
_MONEY_METRICS = {"revenue", "repeat_revenue", "margin", "total", "variable", "base", "pay", "payroll",
                  "cost", "target_bonus"}
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


def money_formatter(lang: str = "en", decimals: int = 0) -> FuncFormatter:
    """Tick labels with thousands separators (``120,000`` / ``120 000``); the sign goes in the axis title."""
    check_lang(lang)
    return FuncFormatter(lambda value, _pos: format_number(value, lang, decimals))


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

def _payout_curve_frame(plan: Plan, component: str | None, attainments: np.ndarray) -> pd.DataFrame:
    from .analysis import payout_curve  # analysis computes (with the engine), plots draw

    return payout_curve(plan, component=component, attainments=attainments)


def _finding_list(findings: Any) -> list[Any]:
    if findings is None:
        return []
    if hasattr(findings, "findings"):  # a LintReport
        return list(findings.findings)
    return list(findings)


@_styled
def plot_payout_curve(plan: Plan | Scheme, component: str | None = None, ax: Axes | None = None,
                      lang: str = "en", findings: Any = None,
                      attainments: np.ndarray | Sequence[float] = np.linspace(0, 2, 401)) -> Axes:
    """Pay of one component, or of the whole plan, over 0–200 % attainment, with lint findings marked.

    Parameters
    ----------
    plan
        A plan; a scheme draws one curve per role.
    component
        A component name; ``None`` draws the whole plan.
    ax
        Where to draw; a new figure when ``None``.
    lang
        ``"en"`` or ``"ru"``.
    findings
        A ``LintReport`` or a list of findings (``.component``, ``.kind``,
        ``.attainment``, ``.severity``); each with an attainment is marked by a
        vertical line and a short label.
    attainments
        The x grid (fractions of plan).

    Returns
    -------
    Axes
        The curve is the line with ``gid="payout_curve"`` (``"payout_curve:<role>"`` for a scheme).
    """
    ax = _axes(ax)
    grid = np.asarray(attainments, dtype=float)
    plans: dict[str | None, Plan] = dict(plan.plans()) if isinstance(plan, Scheme) else {None: plan}
    if component is not None and not any(component in p.component_names for p in plans.values()):
        known = sorted({c for p in plans.values() for c in p.component_names})
        raise ValueError(f"no component {component!r} in {plan.name!r}; components: {', '.join(known)}")
    curves: dict[str | None, pd.DataFrame] = {}
    for role, p in plans.items():
        if component is None or component in p.component_names:
            curves[role] = _payout_curve_frame(p, component, grid)
    for role, frame in curves.items():
        ax.plot(frame["attainment"].to_numpy(), frame["pay"].to_numpy(),
                gid="payout_curve" if role is None else f"payout_curve:{role}",
                label=None if role is None else _name(role, lang))
    ax.axvline(1.0, color=palette()[7], linestyle=":", linewidth=1.0, label=label("on_plan", lang))
    _mark_findings(ax, curves, component, _finding_list(findings), lang)

    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    _set_money_axis(ax.yaxis, lang)
    ax.set_xlim(grid.min(), grid.max())
    ax.set_ylim(bottom=min(0.0, *(float(f["pay"].min()) for f in curves.values())))
    ax.set_xlabel(label("attainment_pct", lang))
    what = "component_pay" if component is not None else "pay"
    ax.set_ylabel(_money_title(what, lang, _currency_of(plan)))
    ax.set_title(label("payout_curve_of", lang, name=_name(component, lang) if component else plan.name))
    ax.legend(loc="upper left")
    return ax


def _mark_findings(ax: Axes, curves: Mapping[str | None, pd.DataFrame], component: str | None,
                   findings: list[Any], lang: str) -> None:
    """A vertical line at each finding's attainment, a marker on the curve and a short label on top."""
    colours = palette()
    relevant = [f for f in findings
                if getattr(f, "attainment", None) is not None and np.isfinite(float(f.attainment))
                and (component is None or getattr(f, "component", None) in (component, None, "all"))]
    first = next(iter(curves.values()))
    for i, finding in enumerate(relevant):
        x = float(finding.attainment)
        colour = colours[_SEVERITY_COLOUR.get(str(getattr(finding, "severity", "warning")), 1)]
        ax.axvline(x, color=colour, linestyle="--", linewidth=1.0, gid=f"finding:{i}")
        y = float(np.interp(x, first["attainment"].to_numpy(), first["pay"].to_numpy()))
        ax.plot([x], [y], marker="o", markersize=6, color=colour, linestyle="none")
        # staggered so two findings close together do not print over each other
        ax.annotate(_name(getattr(finding, "kind", "finding"), lang), xy=(x, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(3, -12 - 11 * (i % 3)),
                    textcoords="offset points", fontsize=8, color=colour, ha="left", va="top")


# --------------------------------------------------------------------------- pay vs performance

def _rows_with(payouts: Payouts, team: pd.DataFrame | None, columns: Iterable[str]) -> pd.DataFrame:
    """The payout table with ``columns`` taken from the team table, row-aligned."""
    table = payouts.table
    columns = [c for c in dict.fromkeys(columns) if c not in table.columns]
    source = payouts.inputs if team is None else team
    missing = [c for c in columns if c not in source.columns and c != "archetype"]
    if missing:
        raise ValueError(f"column {missing[0]!r} is not in the team table; "
                         f"columns: {', '.join(map(str, source.columns))}")
    columns = [c for c in columns if c in source.columns]
    if team is None:  # payouts.inputs is the table evaluated, row for row
        extra = source[columns].reset_index(drop=True)
        return pd.concat([table.reset_index(drop=True), extra], axis=1)
    keys = [k for k in ("scenario", "rep_id", "period") if k in table.columns and k in team.columns]
    right = team[keys + columns].copy()
    left = table.copy()
    for k in keys:  # "R01" and R01 from a spreadsheet must meet
        right[k] = right[k].astype(str)
        left[k] = left[k].astype(str)
    return left.merge(right, on=keys, how="left", validate="many_to_one")


def _per_rep(rows: pd.DataFrame, values: Sequence[str]) -> pd.DataFrame:
    """Mean per period of ``values`` per rep (over every period and scenario), with the archetype."""
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


@_styled
def plot_pay_vs_performance(payouts: Payouts, team: pd.DataFrame | None = None, measure: str = "revenue",
                            ax: Axes | None = None, lang: str = "en", pay: str = "total",
                            annotate: bool = False) -> Axes:
    """Pay against performance, one point per rep, coloured (and shaped) by archetype.

    Each point is a rep's mean per period over every period (and scenario):
    x = the ``measure``, y = ``pay``. A plan that rewards performance draws a
    rising cloud; a flat or shuffled cloud is a plan that pays for presence.

    Parameters
    ----------
    payouts
        From :func:`kpilab.evaluate`.
    team
        The performance table with ``measure`` (and ``archetype``); default ``payouts.inputs``.
    measure
        A column of the team table (``"revenue"``, ``"deals"``, ...).
    ax, lang
        Where to draw; ``"en"`` or ``"ru"``.
    pay
        ``"total"`` or ``"variable"`` (any payout-table column).
    annotate
        Write each rep's id next to its point.

    Returns
    -------
    Axes
        One scatter per archetype, ``gid="reps:<archetype>"``.
    """
    if pay not in payouts.table.columns:
        raise ValueError(f"pay must be a payout-table column such as 'total' or 'variable', got {pay!r}")
    ax = _axes(ax)
    rows = _rows_with(payouts, team, [measure, "archetype"])
    per_rep = _per_rep(rows, [measure, pay])
    for archetype in _archetype_order(per_rep["archetype"]):
        part = per_rep[per_rep["archetype"] == archetype]
        ax.scatter(part[measure].to_numpy(dtype=float), part[pay].to_numpy(dtype=float),
                   color=archetype_color(archetype), marker=archetype_marker(archetype),
                   s=110 if archetype_marker(archetype) == "*" else 55,  # a star glyph reads small
                   edgecolor="white", linewidth=0.6, label=_name(archetype, lang), gid=f"reps:{archetype}",
                   zorder=3)
    if annotate:
        for rep, r in per_rep.iterrows():
            ax.annotate(str(rep), (r[measure], r[pay]), xytext=(4, 3), textcoords="offset points", fontsize=7)
    currency = _currency_of(payouts)
    per_period = label("mean_per_period", lang)
    if measure in _MONEY_METRICS:
        _set_money_axis(ax.xaxis, lang)
        ax.set_xlabel(_money_title(measure, lang, currency, per_period))
    else:
        ax.xaxis.set_major_formatter(money_formatter(lang, 0 if per_rep[measure].abs().max() >= 100 else 1))
        ax.set_xlabel(f"{_name(measure, lang)} ({per_period})")
    _set_money_axis(ax.yaxis, lang)
    ax.set_ylabel(_money_title(pay, lang, currency, per_period))
    ax.set_title(label("pay_vs_performance", lang))
    if (per_rep["archetype"] != _UNLABELLED).any():
        ax.legend(title=label("archetype", lang), loc="upper left", fontsize=8)
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
        rows = _rows_with(payouts, None, ["archetype"])
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
                     cumulative: bool = True, pay: str = "total") -> pd.DataFrame:
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

    Returns
    -------
    DataFrame
        Columns ``period``, ``p10``, ``p50``, ``p90`` (named after ``quantiles``), periods in table order.
    """
    table = payouts.table if isinstance(payouts, Payouts) else payouts
    table = table if "scenario" in table.columns else table.assign(scenario=0)
    periods = pd.unique(table["period"])
    wide = table.pivot_table(index="period", columns="scenario", values=pay, aggfunc="sum").reindex(periods)
    if cumulative:
        wide = wide.cumsum()
    values = np.quantile(wide.to_numpy(dtype=float), quantiles, axis=1)
    out = pd.DataFrame({"period": [str(p) for p in periods]})
    for q, row in zip(quantiles, values):
        out[f"p{round(q * 100):d}"] = row
    return out


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

@_styled
def plot_comparison_bars(comparison: Any, metrics: str | Sequence[str] | None = None, ax: Axes | None = None,
                         lang: str = "en", normalize: bool | None = None) -> Axes:
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

    Returns
    -------
    Axes
        One bar per plan and metric, ``gid="bar:<metric>:<plan>"``; failed
        criteria (where ``comparison.verdict`` has the metric) are hatched.
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
    for j, plan in enumerate(plans):
        raw = values[plan].to_numpy()
        scale = np.abs(values).max(axis=1).replace(0, 1).to_numpy() if normalize else np.ones(len(chosen))
        heights = raw / scale
        offsets = x + (j - (len(plans) - 1) / 2) * width
        for k, metric in enumerate(chosen):
            failed = (isinstance(verdict, pd.DataFrame) and metric in verdict.index and plan in verdict.columns
                      and not bool(verdict.loc[metric, plan]))
            ax.bar(offsets[k], heights[k], width=width * 0.92, color=colours[j % 10],
                   hatch="//" if failed else None, edgecolor="white" if not failed else "black",
                   label=_name(plan, lang) if k == 0 else None, gid=f"bar:{metric}:{plan}")
            decimals = 0 if abs(raw[k]) >= 100 else 2
            ax.annotate(format_number(raw[k], lang, decimals), (offsets[k], heights[k]),
                        xytext=(0, 3 if heights[k] >= 0 else -3), textcoords="offset points", ha="center",
                        va="bottom" if heights[k] >= 0 else "top", fontsize=8)
    ax.set_xticks(x, [_name(m, lang) for m in chosen], rotation=15 if len(chosen) > 3 else 0,
                  ha="right" if len(chosen) > 3 else "center")
    ax.grid(False, axis="x")
    ax.axhline(0, color="black", linewidth=0.6)
    if normalize:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_ylabel(label("relative_to_best", lang))
    elif len(chosen) == 1 and chosen[0] in _MONEY_METRICS | {"payroll_total", "mean_total", "mean_variable"}:
        _set_money_axis(ax.yaxis, lang)
        ax.set_ylabel(f"{_name(chosen[0], lang)}, {currency_symbol('RUB')}")
    else:
        ax.set_ylabel(_name(chosen[0], lang) if len(chosen) == 1 else label("value", lang))
    ax.set_title(label("comparison", lang))
    if len(plans) > 1:
        ax.legend(title=label("plan", lang), loc="best")
    return ax


# --------------------------------------------------------------------------- tail and replacement

@_styled
def plot_tail(result: Any, ax: Axes | None = None, lang: str = "en", what: str = "output") -> Axes:
    """The tail and the replacement path.

    Parameters
    ----------
    result
        A ``ReplacementResult`` (``.table``: per month, P10/P50/P90 of output and
        cost with and without replacement) or a ``TailReport``.
    ax, lang
        Where to draw; ``"en"`` or ``"ru"``.
    what
        ``"output"`` or ``"cost"`` for a replacement result.

    Returns
    -------
    Axes
    """
    raise NotImplementedError("waiting for the final analysis API")  # replaced once the API is final


# --------------------------------------------------------------------------- composite sheet

def report_sheet(payouts: Payouts, *, findings: Any = None, lang: str = "en", measure: str = "revenue",
                 rep_id: Any = None, period: Any = None, figsize: tuple[float, float] = (13.0, 9.0)) -> Figure:
    """The four key charts of one plan on one sheet (2 × 2).

    Top left the payout curve of the whole plan (with lint findings), top right
    pay against ``measure`` per rep, bottom left the pay distribution by
    archetype, bottom right the waterfall of one rep (default: the rep whose
    total is the median of the last period).

    Returns
    -------
    Figure
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
