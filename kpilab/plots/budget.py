"""The payroll budget fan across simulated years (its numbers: :func:`kpilab.analysis.budget_quantiles`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from collections.abc import Mapping
from matplotlib.axes import Axes
from typing import Any

from ..analysis.budget import _Q_COLUMNS, budget_quantiles
from ..engine import Payouts
from ..i18n import label
from ._style import _axes, _currency_of, _money_title, _name, _set_money_axis, _styled, palette
from ..i18n.messages import msg


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
    raise TypeError(msg("api_errors.plot_budget_input", data_type=type(data).__name__))


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
