"""Payroll across simulated years as quantiles per period: the numbers a budget fan draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
from collections.abc import Sequence

from ..engine import Payouts

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import TeamProfile


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
