"""The optimizer's chart: every plan tried, the ones meeting every condition, and the Pareto front."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from ..analysis.optimize import OBJECTIVES
from ..i18n import fmt_number, fmt_percent, t
from ..metrics import is_money
from ._style import _axes, _set_money_axis, _styled, palette



@_styled
def plot_pareto(result: Any, x: str | None = None, y: str | None = None, ax: Axes | None = None,
                lang: str = "en") -> Axes:
    """Plans found by :func:`kpilab.optimize`: one point per candidate, the feasible ones and the front.

    Parameters
    ----------
    result
        An :class:`~kpilab.analysis.optimize.OptimizeResult`.
    x, y
        Figures on the axes (default: the first two objectives; with one
        objective, it against top-to-minimum).
    ax, lang
        Where to draw; ``"en"`` or ``"ru"``.

    Returns
    -------
    Axes
        Artists carry ``gid``: ``pareto_candidates``, ``pareto_feasible``,
        ``pareto_front``, ``pareto_start``, ``pareto_best``.
    """
    ax = _axes(ax)
    objectives = list(result.objectives)
    x = x or objectives[0]
    y = y or (objectives[1] if len(objectives) > 1 else "top_to_minimum")
    table = result.table
    colours = palette()
    ok = table["feasible"].to_numpy(bool) if "feasible" in table else np.zeros(len(table), bool)
    has = table[x].notna().to_numpy() & table[y].notna().to_numpy()
    ax.scatter(table.loc[has & ~ok, x], table.loc[has & ~ok, y], s=8, color="0.75",
               label=t("optimize.chart.candidates", lang), gid="pareto_candidates", zorder=1)
    ax.scatter(table.loc[has & ok, x], table.loc[has & ok, y], s=10, color=colours[0], alpha=0.6,
               label=t("optimize.chart.feasible", lang), gid="pareto_feasible", zorder=2)
    front = result.pareto
    if front is None and ok.any():  # one objective: the non-dominated feasible plans in (x, y)
        pick = table[ok & has]
        values = np.column_stack([OBJECTIVES.get(x, 1) * pick[x].to_numpy(float),
                                  OBJECTIVES.get(y, 1) * pick[y].to_numpy(float)])
        le = (values[None, :, :] <= values[:, None, :]).all(axis=2)
        lt = (values[None, :, :] < values[:, None, :]).any(axis=2)
        front = pick[~(le & lt).any(axis=1)]
    if front is not None and len(front):
        front = front.sort_values(x, kind="stable")
        ax.plot(front[x], front[y], color=colours[1], marker="o", markersize=4, linewidth=1.5,
                label=t("optimize.chart.front", lang), gid="pareto_front", zorder=3)
    start = result.start_figures
    if start and x in start and y in start:
        ax.scatter([start[x]], [start[y]], s=90, marker="s", color=colours[3], edgecolor="black",
                   label=t("optimize.chart.start", lang), gid="pareto_start", zorder=4)
    if result.best is not None:
        ax.scatter([result.best_figures[x]], [result.best_figures[y]], s=140, marker="*", color=colours[2],
                   edgecolor="black", label=t("optimize.chart.best", lang), gid="pareto_best", zorder=5)
    ax.set_xlabel(t(f"optimize.objective.{x}", lang))
    ax.set_ylabel(t(f"optimize.objective.{y}", lang))
    for name, axis in ((x, ax.xaxis), (y, ax.yaxis)):
        if name in ("payroll", "variable_payroll") or is_money(name):
            _set_money_axis(axis, lang)
        elif name in ("cost_of_sales", "worst_loss"):
            axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_percent(v, lang, 1)))
        else:  # «1,9», not «1.9», in a Russian chart
            axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_number(v, lang, 2)))
    ax.set_title(t("optimize.chart.title", lang))
    ax.legend(loc="best", fontsize="small")
    return ax
