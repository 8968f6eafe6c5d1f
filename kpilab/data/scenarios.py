"""The one scenario rule: how a real team becomes simulated years.

Every part of kpilab that shows figures "over simulated years" (the comparison
report, the CLI, the dashboard) draws them here, so the same plan on the same
team with the same seed gives the same payroll, ratios and verdicts everywhere.

The rule is a *department-month bootstrap* (:func:`bootstrap_years`): every
simulated year is built from the team's own months, drawn with replacement,
each drawn month bringing every rep's row of that month (facts and that
month's targets together). This keeps what a month did to the whole department
(seasonality of demand, a market dip, team pools of a ``team`` component) and
what a rep's metrics do together in a month; it invents no behaviour the data
does not show. It cannot produce a month worse than the worst month on record,
and it drops the order of months. The same rule serves a real client table and
the bundled synthetic team, so figures never depend on where the data came from.

The rule is plan-independent: it reads the team only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import KpilabError
from ..i18n.messages import msg

__all__ = ["bootstrap_years"]


def bootstrap_years(team: pd.DataFrame, n_scenarios: int, seed: int | np.random.Generator | None = 0
                    ) -> pd.DataFrame:
    """The team in ``n_scenarios`` simulated years: a department-month bootstrap.

    Year ``s``, month slot ``j`` (the j-th period of the data) is a month of
    the data drawn with replacement; it brings every rep's row of that month
    (facts and that month's targets together) and takes the label of slot
    ``j``.

    Parameters
    ----------
    team
        A performance table without a ``scenario`` column.
    n_scenarios
        Number of simulated years (>= 1).
    seed
        An int or a ``numpy.random.Generator`` (no global random state is used).

    Returns
    -------
    pandas.DataFrame
        An int ``scenario`` column first, then the team's columns; ordered by
        scenario and month slot; ``(scenario, rep_id, period)`` unique when
        ``(rep_id, period)`` is unique in ``team``.

    Examples
    --------
    >>> team = pd.DataFrame({"rep_id": ["A", "B", "A", "B"], "period": ["m1", "m1", "m2", "m2"],
    ...                      "revenue": [1.0, 2.0, 3.0, 4.0]})
    >>> years = bootstrap_years(team, 2, seed=0)
    >>> list(years.columns), len(years)
    (['scenario', 'rep_id', 'period', 'revenue'], 8)
    """
    if isinstance(n_scenarios, bool) or not isinstance(n_scenarios, (int, np.integer)) or n_scenarios < 1:
        raise KpilabError(msg("data_errors.scenarios_count", value=repr(n_scenarios)))
    if "scenario" in team.columns:
        raise KpilabError(msg("data_errors.scenarios_twice"))
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    codes, periods = pd.factorize(team["period"].astype(str), sort=False)
    n_periods = len(periods)
    by_period = [np.flatnonzero(codes == j) for j in range(n_periods)]  # one array per month
    counts = np.array([len(rows) for rows in by_period])
    draws = rng.integers(0, n_periods, size=(int(n_scenarios), n_periods))  # source month per (year, slot)
    flat = draws.ravel()
    rows = np.concatenate([by_period[k] for k in flat])
    sizes = counts[flat]
    out = team.iloc[rows].reset_index(drop=True)
    out["period"] = np.repeat(np.tile(np.asarray(periods, dtype=object), int(n_scenarios)), sizes)
    out.insert(0, "scenario", np.repeat(np.repeat(np.arange(int(n_scenarios)), n_periods), sizes))
    out.attrs = {k: v for k, v in team.attrs.items() if k != "source"}
    return out
