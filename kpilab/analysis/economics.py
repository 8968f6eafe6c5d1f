"""Call economics: what an inbound call costs, what a missed one loses, what each rep creates for its pay.

Definitions (per rep, totals over the table's rows; with a ``scenario``
column, the mean over scenarios of each scenario's total):

- cost per inbound call = marketing spend ÷ inbound calls (team);
- deals per handled call = deals ÷ calls (``calls`` counts every handled
  call: outbound and answered inbound);
- deal value = new-business revenue per deal: (revenue − repeat_revenue) ÷
  deals over the team (``deal_value="team"``, default: a missed call is a
  random lead, so the team's average deal is the fair price), or the rep's own
  (``"rep"``; reps with no deals fall back to the team's), or a number;
- value per answered inbound call = deals per handled call × deal value ×
  ``inbound_uplift`` (1 by default; an inbound caller usually converts better
  than a cold call, so 1 is a conservative lower bound);
- lost value = missed calls × value per answered inbound call;
- lost marketing spend = missed calls × cost per inbound call;
- value created = the value measure (margin if present, else revenue);
  against pay (total pay from ``payouts``): value_per_pay and net_value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..engine import Payouts
from ..errors import KpilabError
from ._common import Measure, Result, align_team, resolve_measure
from ..i18n.messages import msg

__all__ = ["call_economics", "CallEconomics"]


@dataclass(frozen=True, eq=False)
class CallEconomics(Result):
    """The result of :func:`call_economics`: ``per_rep``, ``team`` (dict) and ``table`` (team as a column)."""

    per_rep: pd.DataFrame = field(default_factory=pd.DataFrame)
    team: Mapping[str, float] = field(default_factory=dict)

    def _html_parts(self) -> list[tuple[str, pd.DataFrame]]:
        return [("team", self.table), ("per rep", self.per_rep)]


def _spend(marketing_spend: Any) -> float:
    if marketing_spend is None:
        return float("nan")
    if isinstance(marketing_spend, Mapping):
        return float(sum(float(v) for v in marketing_spend.values()))
    if isinstance(marketing_spend, pd.Series):
        return float(marketing_spend.sum())
    return float(marketing_spend)


def call_economics(team: pd.DataFrame, payouts: Payouts | None = None, marketing_spend: Any = None, *,
                   deal_value: str | float = "team", value_measure: Measure = None,
                   inbound_uplift: float = 1.0) -> CallEconomics:
    """Cost per inbound call, value lost to missed calls, and value created against pay.

    Parameters
    ----------
    team
        Performance table with inbound_calls, missed_calls, calls, deals,
        revenue (repeat_revenue optional).
    payouts
        Pay of the same rows (optional); gives ``pay``, ``value_per_pay``, ``net_value``.
    marketing_spend
        Marketing spend that produced the inbound calls over the whole table
        (a number, or a mapping/Series per period that is summed). None: cost
        per call is NaN.
    deal_value
        "team", "rep" or a number (RUB per deal); see the module docstring.
    value_measure
        What a rep creates: None = margin if present, else revenue; a column,
        an expression or a callable (as ``measure`` in differentiation).
    inbound_uplift
        Conversion of an inbound call relative to the average handled call.

    Returns
    -------
    CallEconomics
        ``per_rep`` columns: rep_id, [archetype], inbound_calls, missed_calls,
        calls, deals, deals_per_call, deal_value, value_per_answered_call,
        lost_value, lost_marketing_spend, value_created, pay, value_per_pay,
        net_value. ``team``: cost_per_inbound_call, inbound_calls, missed_calls,
        missed_share, deal_value, value_per_answered_call, lost_value,
        lost_marketing_spend, value_created, pay, value_per_pay.
    """
    frame = align_team(payouts, team) if payouts is not None else team
    need = ["rep_id", "inbound_calls", "missed_calls", "calls", "deals", "revenue"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise KpilabError(msg("api_errors.economics_needs_columns", missing=', '.join(missing)))
    n_scen = frame["scenario"].nunique() if "scenario" in frame.columns else 1
    value, _ = resolve_measure(frame, value_measure)
    new_rev = frame["revenue"].to_numpy(float) - (frame["repeat_revenue"].to_numpy(float)
                                                  if "repeat_revenue" in frame.columns else 0.0)
    rows = pd.DataFrame({"rep_id": frame["rep_id"].to_numpy(),
                         "inbound_calls": frame["inbound_calls"].to_numpy(float),
                         "missed_calls": frame["missed_calls"].to_numpy(float),
                         "calls": frame["calls"].to_numpy(float), "deals": frame["deals"].to_numpy(float),
                         "new_revenue": new_rev, "value_created": value,
                         "pay": payouts.table["total"].to_numpy(float) if payouts is not None else np.nan})
    per = rows.groupby("rep_id", sort=False).sum(min_count=1) / n_scen
    team_deal_value = float(per["new_revenue"].sum() / per["deals"].sum()) if per["deals"].sum() > 0 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        per["deals_per_call"] = np.where(per["calls"] > 0, per["deals"] / per["calls"], 0.0)
        if deal_value == "team":
            per["deal_value"] = team_deal_value
        elif deal_value == "rep":
            own = per["new_revenue"] / per["deals"]
            per["deal_value"] = np.where(per["deals"] > 0, own, team_deal_value)
        elif isinstance(deal_value, (int, float)):
            per["deal_value"] = float(deal_value)
        else:
            raise KpilabError(msg("api_errors.economics_deal_value", deal_value=deal_value))
    spend = _spend(marketing_spend) / n_scen
    inbound_total = float(per["inbound_calls"].sum())
    cost_per_call = spend / inbound_total if inbound_total > 0 else np.nan
    per["value_per_answered_call"] = per["deals_per_call"] * per["deal_value"] * inbound_uplift
    per["lost_value"] = per["missed_calls"] * per["value_per_answered_call"]
    per["lost_marketing_spend"] = per["missed_calls"] * cost_per_call
    with np.errstate(divide="ignore", invalid="ignore"):
        per["value_per_pay"] = per["value_created"] / per["pay"]
    per["net_value"] = per["value_created"] - per["pay"]
    if "archetype" in frame.columns:
        arch = pd.Series(frame["archetype"].to_numpy(), index=frame["rep_id"].to_numpy()).groupby(level=0).first()
        per.insert(0, "archetype", arch.reindex(per.index).to_numpy())
    per = per.drop(columns="new_revenue").reset_index()
    cols = ["rep_id", "archetype", "inbound_calls", "missed_calls", "calls", "deals", "deals_per_call", "deal_value",
            "value_per_answered_call", "lost_value", "lost_marketing_spend", "value_created", "pay", "value_per_pay",
            "net_value"]
    per = per[[c for c in cols if c in per.columns]]
    pay_total = float(per["pay"].sum()) if payouts is not None else np.nan
    team_d = {
        "cost_per_inbound_call": cost_per_call, "inbound_calls": inbound_total,
        "missed_calls": float(per["missed_calls"].sum()),
        "missed_share": float(per["missed_calls"].sum() / inbound_total) if inbound_total > 0 else np.nan,
        "deal_value": team_deal_value,
        "value_per_answered_call": float(per["deals"].sum() / per["calls"].sum() * team_deal_value * inbound_uplift)
        if per["calls"].sum() > 0 else np.nan,
        "lost_value": float(per["lost_value"].sum()), "lost_marketing_spend": float(per["lost_marketing_spend"].sum()),
        "value_created": float(per["value_created"].sum()), "pay": pay_total,
        "value_per_pay": float(per["value_created"].sum()) / pay_total if pay_total and pay_total > 0 else np.nan,
    }
    table = pd.DataFrame({"value": pd.Series(team_d, dtype=float)})
    table.index.name = "metric"
    return CallEconomics(table=table, per_rep=per, team=team_d)
