"""The response model against published field evidence: directions and rough sizes, not exact figures.

Each check runs on a small generated team (24-40 reps, at most 6 months, 30-40
simulated years). The team's own monthly plans are dropped so that every rep
faces the plan's target (the studies' firms set one quota per rep).
The sizes measured when these tests were written are in each docstring.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab.analysis.response import predict

COMMISSION = {"name": "commission", "kind": "commission", "metric": "revenue", "rate": 0.04}
QUOTA_BONUS = {"name": "quota", "kind": "bonus", "metric": "revenue", "share": 1, "curve": {"steps": [[1.0, 1.0]]}}


def _plan(components: list[dict[str, Any]], **overrides: Any) -> kpilab.Plan:
    spec = {"name": "check", "base": 50000, "target_bonus": 40000,
            "targets": {"revenue": 1200000, "meetings": 20, "calls": 800}, "components": components}
    return kpilab.load_plan({**spec, **overrides})


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    team = kpilab.make_team(24, 6, seed=5)
    return team.drop(columns=[c for c in team.columns if c.startswith("plan_")])


@pytest.fixture(scope="module")
def commission() -> kpilab.Plan:
    return _plan([COMMISSION], target_bonus=0)


def _change_by_attainment(p, team: pd.DataFrame) -> pd.DataFrame:
    revenue = p.per_rep[p.per_rep["figure"] == "revenue"].set_index("rep_id")
    periods = team["period"].nunique()
    return pd.DataFrame({"attainment": revenue["baseline"] / (1200000 * periods),
                         "change": revenue["predicted"] / revenue["baseline"] - 1})


@pytest.mark.xfail(strict=True, reason="out of its band since the generator was made realistic (issue 11); recalibrate the response model, do not widen the band")
def test_removing_a_cap_raises_output(team: pd.DataFrame, commission: kpilab.Plan) -> None:
    """Misra & Nair (2011, Quantitative Marketing and Economics 9(3)): removing the quota ratchet and
    the cap on commissions raised revenue by about 9 %. Here: a 4 % commission capped at 96 000 a month
    (binding for the top quarter) against the same commission uncapped. Measured: +19.5 %, range
    +8.2 % to +23.0 % over the assumptions (the published +8-9 % at the low end): direction asserted,
    size inside +4 % to +25 %, and nobody sells less."""
    capped = _plan([dict(COMMISSION, cap=96000)], target_bonus=0)
    p = predict(capped, commission, team, scenarios=30, seed=1, verdict=False)
    change = p.team.loc["revenue", "change"]
    assert 0.04 <= change <= 0.25
    low = p.team.loc["revenue", "low"] / p.team.loc["revenue", "baseline"] - 1
    assert 0.0 < low <= 0.10
    per = _change_by_attainment(p, team)
    assert (per["change"] > -0.01).all()
    # the gain comes from the reps the cap held back
    assert per.loc[per["attainment"] >= per["attainment"].quantile(0.75), "change"].mean() > 0.10


def test_overachievement_commission_keeps_top_reps_selling(team: pd.DataFrame, commission: kpilab.Plan) -> None:
    """Chung, Steenburgh & Sudhir (2014, Marketing Science 33(2)): overachievement commissions keep the
    best reps selling after quota, and reps far from quota give up. Here, from a 4 % commission: a
    quota bonus alone makes the top quarter sell less (measured about -30 %) and the reps below 65 %
    of quota collapse (about -40 %); adding a 4 % commission above quota keeps the top quarter at
    today's output or above (measured +8 %; some near quota push harder) while those far below still give up."""
    quota_only = _plan([QUOTA_BONUS])
    with_over = _plan([QUOTA_BONUS, {"name": "over", "kind": "commission", "metric": "revenue",
                                     "tiers_on": "attainment", "tiers": [{"from": 0, "rate": 0},
                                                                         {"from": 1.0, "rate": 0.04}]}])
    only = _change_by_attainment(predict(commission, quota_only, team, scenarios=30, seed=1, verdict=False), team)
    over = _change_by_attainment(predict(commission, with_over, team, scenarios=30, seed=1, verdict=False), team)
    top = only["attainment"] >= only["attainment"].quantile(0.75)
    far = only["attainment"] < 0.65
    assert far.sum() >= 2
    assert only.loc[top, "change"].mean() < -0.10
    assert over.loc[top, "change"].mean() > -0.02
    assert over.loc[top, "change"].mean() - only.loc[top, "change"].mean() > 0.20
    assert only.loc[far, "change"].mean() < -0.20 and over.loc[far, "change"].mean() < -0.20


def test_activity_incentive_raises_sales_a_few_percent(team: pd.DataFrame, commission: kpilab.Plan) -> None:
    """Rao, Sudhir and colleagues (2021, field experiment on activity incentives for salespeople):
    paying for activity raised sales by about 6-9 %. Here: a bonus for meetings worth up to 8 000 a
    month added to a 4 % commission. Measured: meetings +7.5 %, revenue +5.7 %; asserted: meetings
    and revenue rise, revenue by 2-12 %, meetings more than revenue."""
    activity = _plan([COMMISSION, {"name": "meetings", "kind": "bonus", "metric": "meetings", "share": 0.1,
                                   "curve": {"points": [[0.5, 0], [1.0, 1.0], [1.5, 2.0]]}}])
    p = predict(commission, activity, team, scenarios=30, seed=1, verdict=False)
    revenue, meetings = p.team.loc["revenue", "change"], p.team.loc["meetings", "change"]
    assert 0.02 <= revenue <= 0.12
    assert meetings > revenue


@pytest.mark.xfail(strict=True, reason="out of its band since the generator was made realistic (issue 11); recalibrate the response model, do not widen the band")
def test_deadline_bonus_bunches_attainment_just_above_the_threshold() -> None:
    """Oyer (1998, Quarterly Journal of Economics 113(1)): pay that jumps at a deadline threshold piles
    results just above it. Here: 40 reps, one quarter each; from a 4 % commission to a bonus paid
    only at 100 % of the quarterly quota. The histogram of expected attainment (bins 0-70-85-100-
    115-130 %-more): measured [8 8 6 7 3 8] -> [11 3 3 11 7 5]: the mass in 100-130 % nearly doubles,
    the 85-100 % band empties (reps there push over the line) and reps far below give up."""
    months = kpilab.make_team(40, 3, seed=11)
    quarter = months.groupby("rep_id", as_index=False)[["calls", "meetings", "emails", "follow_ups", "deals",
                                                        "revenue", "repeat_revenue"]].sum()
    quarter["period"] = "2026-Q1"
    spec = {"base": 150000, "targets": {"revenue": 3600000}}
    current = _plan([COMMISSION], target_bonus=0, **spec)
    deadline = _plan([QUOTA_BONUS], target_bonus=120000, **spec)
    p = predict(current, deadline, quarter, scenarios=40, seed=1, verdict=False)
    bins = [0, 0.7, 0.85, 1.0, 1.15, 1.3, np.inf]
    before = np.histogram(p.attainment["baseline"], bins=bins)[0]
    after = np.histogram(p.attainment["predicted"], bins=bins)[0]
    assert after[3:5].sum() >= 1.5 * before[3:5].sum()       # just above the threshold
    assert after[2] < before[2]                                # just below it
    assert after[0] > before[0]                                # far below: giving up
