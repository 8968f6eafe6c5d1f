"""Winners and losers of a plan change, and what a transition guarantee would cost.

For a baseline plan (what reps are paid now) and a proposed plan, both
evaluated on the same team, :func:`transition` gives each named rep's mean
monthly pay under both, the change in money and in percent, who gains, who
loses more than a threshold, and the cost of a *hold-harmless* guarantee: for
the first ``months`` months of the new plan every rep is paid at least what the
baseline would have paid for the same month's work.

Definitions (one row of the payout tables is one rep-month; with a
``scenario`` column, one rep-month of one simulated year):

- ``before`` / ``after``: the rep's mean ``total`` over their rows;
- ``change = after - before``; ``change_pct = change / before`` (NaN when ``before`` is 0);
- a rep *loses* when ``change < -threshold * before`` and *gains* when
  ``change > threshold * before`` (and by more than half a kopeck either way);
- the guarantee tops up each rep-month to the baseline: ``max(0, before_row - after_row)``.
  Its expected cost a month is the sum of the top-ups over all rows divided by
  the number of months (periods × scenarios); the guarantee costs ``months``
  times that. A rep who gains on average can still be topped up in a weak month,
  so the guarantee costs more than the sum of the average losses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import KpilabError
from ._common import Result
from ..i18n.messages import msg

__all__ = ["transition", "Transition"]

_PAY_EPS = 0.005  # half a kopeck


@dataclass(frozen=True, eq=False)
class Transition(Result):
    """The result of :func:`transition`.

    Attributes
    ----------
    table
        One row per rep (in the baseline's order): ``rep_id``, ``before``, ``after``,
        ``change``, ``change_pct``, ``status`` (``gains`` / ``loses`` / ``same``),
        ``guarantee`` (the rep's share of the guarantee's cost over ``months``).
    months
        Length of the guarantee, in months.
    threshold
        Share of the baseline pay a change must exceed to count as a gain or a loss.
    guarantee_per_month, guarantee_cost
        Expected cost of the guarantee a month, and over ``months``.
    n_topped_up
        Reps the guarantee would pay something to.
    """

    months: int = 0
    threshold: float = 0.0
    guarantee_per_month: float = 0.0
    guarantee_cost: float = 0.0
    n_topped_up: int = 0

    @property
    def losers(self) -> pd.DataFrame:
        """The reps who lose more than the threshold, biggest loss first."""
        return self.table[self.table["status"] == "loses"].sort_values("change")

    @property
    def counts(self) -> dict[str, int]:
        """How many reps gain, lose and stay about the same."""
        status = self.table["status"]
        return {k: int((status == k).sum()) for k in ("gains", "loses", "same")}


def _rows(pay: Any, which: str) -> pd.DataFrame:
    table = getattr(pay, "table", pay)
    if not isinstance(table, pd.DataFrame):
        raise KpilabError(msg("api_errors.transition_input_kind", which=which, pay_type=type(pay).__name__))
    missing = [c for c in ("rep_id", "period", "total") if c not in table.columns]
    if missing:
        raise KpilabError(msg("api_errors.transition_missing_columns", which=which, missing=', '.join(missing)))
    keys = ["rep_id", "period"] + (["scenario"] if "scenario" in table.columns else [])
    out = table[keys + ["total"]].copy()
    out["rep_id"] = out["rep_id"].astype(str)
    out["period"] = out["period"].astype(str)
    if out.duplicated(keys).any():
        raise KpilabError(msg("api_errors.transition_duplicate_month", which=which))
    return out


def transition(before: Any, after: Any, *, months: int = 3, threshold: float = 0.01) -> Transition:
    """Each rep's pay under a baseline and a proposed plan, who loses, and the cost of a guarantee.

    Parameters
    ----------
    before, after
        :class:`~kpilab.engine.Payouts` (or payout tables with ``rep_id``,
        ``period``, ``total`` and an optional ``scenario``) of the baseline and the
        proposed plan on the same team.
    months
        Length of the hold-harmless guarantee (>= 0).
    threshold
        A change smaller than this share of the baseline pay (default 1 %) is "about the same".

    Returns
    -------
    Transition

    Raises
    ------
    KpilabError
        When the two tables do not hold the same rep-months, or the arguments are out of range.

    Examples
    --------
    >>> old = pd.DataFrame({"rep_id": ["A", "A", "B", "B"], "period": ["m1", "m2"] * 2,
    ...                     "total": [100.0, 100.0, 100.0, 100.0]})
    >>> new = old.assign(total=[130.0, 90.0, 80.0, 80.0])
    >>> moves = transition(old, new, months=3)
    >>> moves.table[["rep_id", "change", "status"]].to_dict("list")
    {'rep_id': ['A', 'B'], 'change': [10.0, -20.0], 'status': ['gains', 'loses']}
    >>> moves.guarantee_per_month, moves.guarantee_cost
    (25.0, 75.0)
    """
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 0:
        raise KpilabError(msg("api_errors.transition_guarantee_months", months=months))
    if not (isinstance(threshold, (int, float)) and 0 <= float(threshold) < 1):
        raise KpilabError(msg("api_errors.transition_loss_threshold", threshold=threshold))
    old, new = _rows(before, "baseline"), _rows(after, "proposed plan")
    keys = [c for c in old.columns if c != "total"]
    if keys != [c for c in new.columns if c != "total"]:
        raise KpilabError(msg("api_errors.transition_different_tables"))
    both = old.merge(new, on=keys, how="outer", suffixes=("_before", "_after"), indicator=True, sort=False)
    if (both["_merge"] != "both").any():
        odd = both[both["_merge"] != "both"].iloc[0]
        raise KpilabError(msg("api_errors.transition_one_plan_only", rep_id=odd['rep_id'], period=odd['period']))
    topup = np.maximum(0.0, both["total_before"].to_numpy(float) - both["total_after"].to_numpy(float))
    n_months = int(both[[k for k in keys if k != "rep_id"]].drop_duplicates().shape[0])
    both = both.assign(topup=topup)
    per_rep = both.groupby("rep_id", sort=False).agg(before=("total_before", "mean"), after=("total_after", "mean"),
                                                    topup=("topup", "sum"))
    per_rep = per_rep.reindex(pd.unique(old["rep_id"]))
    change = per_rep["after"] - per_rep["before"]
    base = per_rep["before"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(base != 0, change.to_numpy(float) / base, np.nan)
    band = np.maximum(float(threshold) * np.abs(base), _PAY_EPS)
    status = np.where(change.to_numpy(float) < -band, "loses", np.where(change.to_numpy(float) > band, "gains", "same"))
    per_month = float(topup.sum()) / max(1, n_months)
    table = pd.DataFrame({"rep_id": per_rep.index.astype(str), "before": per_rep["before"].to_numpy(float),
                          "after": per_rep["after"].to_numpy(float), "change": change.to_numpy(float),
                          "change_pct": pct, "status": status,
                          "guarantee": per_rep["topup"].to_numpy(float) / max(1, n_months) * int(months)})
    return Transition(table=table, months=int(months), threshold=float(threshold), guarantee_per_month=per_month,
                      guarantee_cost=per_month * int(months), n_topped_up=int((per_rep["topup"] > _PAY_EPS).sum()))
