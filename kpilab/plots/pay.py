"""Charts of what a plan pays: the payout curve, pay against performance, the pay distribution, one rep's waterfall."""

from __future__ import annotations

import numpy as np
import pandas as pd
from collections.abc import Iterable, Mapping, Sequence
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter
from typing import Any

from ..engine import Payouts
from ..i18n import format_number, label
from ..metrics import names
from ..plan import Plan, Scheme
from ._style import (
    _ARCHETYPE_COLOUR,
    _axes,
    _currency_of,
    _finding_list,
    _MONEY_METRICS,
    _money_title,
    _name,
    _set_money_axis,
    _SEVERITY_COLOUR,
    _styled,
    _UNLABELLED,
    archetype_color,
    archetype_marker,
    ARCHETYPE_ORDER,
    money_formatter,
    palette,
)
from ..i18n.messages import msg


def _payout_curve_frame(plan: Plan, metric: str | None, attainments: np.ndarray) -> pd.DataFrame:
    from ..analysis import payout_curve  # analysis computes (with the engine), plots draw

    return payout_curve(plan, metric=metric, attainments=attainments)


def _curve_pay(frame: pd.DataFrame, component: str | None, pay: str) -> np.ndarray:
    """The y of a payout-curve frame: the component's column, else the plan's ``pay`` column."""
    column = component if component is not None else pay
    if column not in frame.columns:
        raise ValueError(msg("api_errors.plot_curve_column",
                             column=column, frame_columns=', '.join(map(str, frame.columns))))
    return frame[column].to_numpy(dtype=float)


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
        raise ValueError(msg("api_errors.plot_no_component",
                             component=component, plan_name=plan.name, known=', '.join(known)))
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
    from ..analysis import differentiation  # the per-rep figures are the analysis's, not redrawn here

    if pay not in ("total", "variable"):
        raise ValueError(msg("api_errors.plot_pay_kind", pay=pay))
    source = payouts.inputs if team is None else team
    if isinstance(measure, str) and measure not in source.columns and not any(op in measure for op in "+-*/()"):
        raise ValueError(msg("api_errors.plot_measure_column",
                             measure=measure, source_columns=', '.join(map(str, source.columns))))
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


def _payouts_by_plan(data: Any) -> dict[str, Payouts]:
    if isinstance(data, Payouts):
        return {"": data}
    if hasattr(data, "payouts") and isinstance(data.payouts, Mapping):  # a Comparison
        return dict(data.payouts)
    if isinstance(data, Mapping):
        return dict(data)
    raise TypeError(msg("api_errors.plot_pay_input", data_type=type(data).__name__))


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
        raise ValueError(msg("api_errors.plot_distribution_kind", kind=kind))
    if per not in ("rep", "row"):
        raise ValueError(msg("api_errors.plot_per", per=per))
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
