"""The response model against published field evidence: directions and rough sizes, not exact figures.

Each check runs on a small generated team (24-48 reps, 6-12 months, 30-40
simulated years). The team's own monthly plans are dropped so that every rep
faces the plan's target, except in the bonus-to-commission check, whose team
lived under a bonus at each rep's own plan, and in the quarterly-versus-annual
check, which keeps each rep's own quota as the study's firm did.
The sizes measured when these tests were written are in each docstring
(model: effort per pay period, timing per simulated year, gamma 4 in 2.5-6;
unrevealed costs priced per unit of activity, :mod:`kpilab.analysis.response.calibrate`;
no lasting luck at the centre, up to 30 % in the range).
A check the model does not pass yet is marked as a known failure, with the
sizes it gives and the reason: it is the model's stated limit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab.analysis.response import Assumptions, predict

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


def test_removing_a_cap_raises_output(team: pd.DataFrame, commission: kpilab.Plan) -> None:
    """Misra & Nair (2011, Quantitative Marketing and Economics 9(3)): removing the quota ratchet and
    the cap on commissions raised revenue by about 9 %. Here: a 4 % commission capped at 96 000 a month
    (binding in the top reps' best months) against the same commission uncapped. Measured: +20.1 %,
    range +9.8 % to +40.1 % over the assumptions (the published +8-9 % at the low end), top quarter
    +37 %: direction asserted, size inside +4 % to +25 %, and nobody sells less."""
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
    quota bonus alone makes the top quarter sell less (measured -25 %) and the reps below 65 %
    of quota collapse (-64 %); adding a 4 % commission above quota keeps the top quarter at
    today's output or above (measured +3.5 %; some near quota push harder) while those far below still give up."""
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
    month added to a 4 % commission. Measured: meetings +6.3 %, revenue +3.6 %; asserted: meetings
    and revenue rise, revenue by 2-12 %, meetings more than revenue."""
    activity = _plan([COMMISSION, {"name": "meetings", "kind": "bonus", "metric": "meetings", "share": 0.1,
                                   "curve": {"points": [[0.5, 0], [1.0, 1.0], [1.5, 2.0]]}}])
    p = predict(commission, activity, team, scenarios=30, seed=1, verdict=False)
    revenue, meetings = p.team.loc["revenue", "change"], p.team.loc["meetings", "change"]
    assert 0.02 <= revenue <= 0.12
    assert meetings > revenue


@pytest.fixture(scope="module")
def months() -> pd.DataFrame:
    team = kpilab.make_team(40, 6, seed=11)
    return team.drop(columns=[c for c in team.columns if c.startswith("plan_")])


BINS = [0, 0.7, 0.85, 1.0, 1.15, 1.3, np.inf]


def test_deadline_bonus_bunches_attainment_just_above_the_threshold(months: pd.DataFrame,
                                                                    commission: kpilab.Plan) -> None:
    """Oyer (1998, Quarterly Journal of Economics 113(1)): pay that jumps at a deadline threshold piles
    results just above it, by timing sales; Larkin (2014, Journal of Labor Economics 32(2)): reps pull
    and push deals around quarter ends, and the discounts that timing costs came to 6-8 % of revenue.
    Here: 40 reps, 6 months, from a 4 % commission to a bonus paid only at 100 % of the monthly quota.
    Realised attainment per rep-month over the simulated years, bins 0-70-85-100-115-130 %-more.
    Measured shares: [.49 .12 .09 .07 .06 .17] -> [.62 .04 .01 .15 .08 .10]: the mass in 100-130 %
    rises by 79 %, the 85-100 % band empties (reps there pull a deal in or push harder), reps far
    below give up. Timing: deals move in 10 % of the rep-month pairs, 3.4 % of revenue moves, and it
    earns 0.8 M of pay a year that no extra sale earned. Asserted: the bunching bands, the timing
    between 1 % and 10 % of revenue (Larkin's 6-8 % is the firm's cost, of the same order), and that
    without timing (shifts off) the mass just above hardly moves (measured +4 %): the bunching is timing."""
    deadline = _plan([QUOTA_BONUS])
    p = predict(commission, deadline, months, scenarios=40, seed=1, verdict=False)
    shares = p.bunching.shares(BINS)
    before, after = shares["baseline"].to_numpy(), shares["predicted"].to_numpy()
    assert after[3:5].sum() >= 1.5 * before[3:5].sum()       # just above the threshold
    assert after[2] < before[2]                                # just below it
    assert after[0] > before[0]                                # far below: giving up
    moved = p.bunching.moved_revenue / p.team.loc["revenue", "predicted"]
    assert 0.01 <= moved <= 0.10
    assert p.bunching.timing_pay > 0
    assert p.bunching.thresholds["threshold"].tolist() == [1.0]
    assert p.bunching.thresholds["excess"].iloc[0] > 0.03
    still = predict(commission, deadline, months, scenarios=40, seed=1, verdict=False,
                    assumptions=Assumptions(shifts=(0.0,)))
    untimed = still.bunching.shares(BINS)["predicted"].to_numpy()
    assert untimed[3:5].sum() < 1.2 * before[3:5].sum()        # effort alone hardly bunches it (+4 %)


def test_a_linear_commission_creates_no_timing(months: pd.DataFrame, commission: kpilab.Plan) -> None:
    """The control of the check above: a plan where every ruble pays alike (4 % to 5 %) gives no reason
    to move a deal; moving one costs the rep 0.5 % of it. Measured: no deal moved, no threshold."""
    p = predict(commission, _plan([dict(COMMISSION, rate=0.05)], target_bonus=0), months, scenarios=20, seed=1,
                verdict=False)
    assert p.bunching.moved_revenue == 0.0 and p.bunching.timing_pay == 0.0
    assert (p.timing["moved_share"] == 0).all()
    assert p.bunching.thresholds.empty


@pytest.mark.xfail(strict=True, reason="a known limit: on the reps' own quotas the model's weaker reps (below "
                   "their quota last year) gain more under the annual bonus (+13.6 %) than under the quarterly one "
                   "(+5.8 %), a gap of -7.8 points, not the +5 to +40 asserted: a rep a little below an annual quota "
                   "is within reach of it and pushes for it, and a year is measured with less luck than a quarter; "
                   "only the weakest (67 %) is paced by the quarterly bonus. Lasting luck (the assumption's range, "
                   "15 % and 30 %) does not turn it round: gap -9.6 and -9.7 points")
def test_quarterly_bonuses_pace_weaker_reps_more_than_annual() -> None:
    """Chung, Steenburgh & Sudhir (2014, Marketing Science 33(2)): quarterly bonuses act as pacers: the
    weaker reps, who would fall behind and give up under an annual quota, keep working. Here: 24 reps,
    12 months, from a 4 % commission to a bonus at 100 % of quota paid per quarter or per year (the
    same money). Unlike most checks above, the team keeps its own monthly plans (``plan_revenue``, which
    the bonus reads per rep): the study's firm set each rep's quota from their past sales, so most reps
    start the year with a quota within reach, which one quota for all does not give. The weaker reps are
    those below their own quota last year (the study's low performers: lower past sales for their
    quota). Reps re-plan each month of the quarter (the year) from what they have sold so far and the
    month's demand level (:mod:`kpilab.analysis.response.pacing`).

    Measured at the centre of the assumptions (no lasting luck): 8 weaker reps (67-95 % of their quota):
    revenue +5.8 % under the quarterly bonus, +13.6 % under the annual one, a gap of -7.8 points; 16
    stronger reps: -15.5 % and -19.6 %, a gap of +4.1 (a quarter is less sure than a year, so the reps
    past their quota ease off less). The study's effect shows for the weakest rep only: at 67 % of quota
    they give up in January under the annual bonus (-54 %) but make a third of the quarters under the
    quarterly one (-8 %). The others do better under the annual bonus: a simulated year's sales vary by
    about 10 % (a quarter's by about 17 %, independent month to month, as in the generator), so a rep at
    74-85 % pushes for the annual bonus (+23 % to +42 %); the seven at 74-95 % make it in 80-100 % of the
    simulated years and quit while still short in about 7 % of the rep-years. Under the quarterly bonus
    they make 38-92 % of the quarters, and a quarter that fell well short of its plan last year (57-76 %)
    is given up from its first month (one each for the reps at 74, 81 and 84 %, two for the rep at 67 %:
    16 % of the weaker reps' quarters), because the model reads last year's months as the rep's known
    profile. On one quota of 1.2 M for all (the plan columns dropped): the 11 reps below it -39.8 %
    against -30.7 %, a gap of -9.1 points (the 13 above it +6.6).

    Luck that lasts (:attr:`~kpilab.analysis.response.Assumptions.luck`: a demand level that follows an
    AR(1) with persistence 0.8 a month, seen by the rep month by month) was the next suspect: with it a
    bad start says the rest of the year is weak, and more reps fall behind an annual quota and give up.
    They do (the rep at 74 % goes from +42 % to +0.2 % under the annual bonus at 15 % lasting luck), but
    the quarterly bonus loses more: a bad spell lasts into the quarter's other months, and a quarter
    leaves fewer months to make it up. Weaker reps at 15 % lasting luck: -2.1 % quarterly, +7.5 % annual,
    gap -9.6 points (stronger -17.3 % and -19.0 %); at 30 % (the range's high end): -12.4 % and -2.7 %,
    gap -9.7 (stronger -23.1 % and -20.2 %). Nor do the generator's noisier deal values (sigma 0.70 in
    place of the model's 0.40: gap -8.1 points), last year's months smoothed to each rep's plan profile
    (gap -11.8), a present bias in the month-by-month choice (pay after this month weighed at 0.6: gap
    -12.9; a naive rep, who plans to catch up later and re-plans each month, at 0.8 and 0.6: gap -13.0 and
    -14.0: the weaker reps lose more under the quarterly bonus, whose first two months of each quarter are
    discounted too), or half the money paid per quarter and half per year (weaker reps +2.2 % against +13.6 % for
    the year alone). In this model (reps neutral to risk, a convex cost of effort, one threshold) a rep a
    little below the quota is paced best by the period measured with the least luck; the study's effect
    needs reps far behind, which only the weakest rep here is. Asserted: weaker reps' output 5-40 points
    higher under the quarterly bonus."""
    team = kpilab.make_team(24, 12, seed=5)
    current = _plan([COMMISSION], target_bonus=0)
    change = {}
    for period in ("quarter", "year"):
        p = predict(current, _plan([dict(QUOTA_BONUS, period=period)]), team, scenarios=30, seed=1, verdict=False)
        revenue = p.per_rep[p.per_rep["figure"] == "revenue"].set_index("rep_id")
        change[period] = revenue["predicted"] / revenue["baseline"] - 1
    by_rep = team.groupby("rep_id")
    past = (by_rep["revenue"].sum() / by_rep["plan_revenue"].sum()).reindex(change["year"].index)
    weak = past < 1.0
    assert 6 <= weak.sum() <= 18
    gap = change["quarter"][weak].mean() - change["year"][weak].mean()
    assert 0.05 <= gap <= 0.40


def test_commission_instead_of_a_quota_bonus_lifts_weaker_reps_most() -> None:
    """Kishore, Rao, Narasimhan & John (2013, Journal of Marketing Research 50(3)): a pharmaceutical
    firm replaced a quota bonus by a commission paying the same at quota; output rose, much more in the
    lower ability deciles (reps who had given up on the quota). Here the team lived under the quota
    bonus: 48 reps, 6 months generated by the model itself (``make_team(..., plan=bonus)``: each rep's
    best response to a 40 000 bonus at 100 % of their own monthly plan, costs of effort revealed by a
    commission year), so the reps far below their quota gave up. The new plan pays 40 000 per 100 % of
    the rep's own plan (a commission paying the same at quota). Calibration sees only the generated
    year: a month far below the quota pays nothing at the margin, and the rep's cost there is their
    own (else the team's) revealed price per unit of activity, at least what kept them from reaching for
    the bonus (:func:`~kpilab.analysis.response.calibrate.unrevealed_cost`, ``passed_up``); few calls
    at that price say "gave up". Measured, by thirds of attainment of the rep's own plan: lowest
    +53.5 %, middle +3.7 %, highest +7.1 %; team +8.4 % (range +7.5 % to +10.9 %, the low end at 30 %
    lasting luck). The generator's
    own best response to the new plan (the truth the model should find): +95.1 %, +16.7 %, +12.9 %,
    team +20.2 %: the order is found, the sizes are about half (effort may rise at most to 3 times
    the observed, and the unrevealed cost is still read high), and the truth lies above the range.
    Seeds 6-9 give the same order: lowest +27 % to +46 %, middle +3 % to +6 %, highest +6 % to +17 %,
    team +8 % to +15 % (truth: lowest +62 % to +94 %, team +22 % to +27 %).
    With the stated elasticity (the model before) the lowest third of such teams gained least
    (24 reps, seeds 6-8: lowest +5 %, +7 %, 0 %; highest +12 %, +16 %, +13 %).
    Where the team did not live under the bonus (the synthetic year as generated, one 1.2 M quota for
    all, 3.33 % commission) the highest third gains most (+31 %, lowest +12 %), as the model's truth
    also says of one quota for all: reps far past a common quota held back under the bonus.
    Asserted: the lowest third gains more than the middle and the highest, by at least 10 points, and
    the team gains 3-20 %."""
    bonus = _plan([QUOTA_BONUS])
    from kpilab.analysis.response import make_team

    lived = make_team(48, 6, plan=bonus, seed=5)
    equal = _plan([{"name": "commission", "kind": "bonus", "metric": "revenue", "share": 1,
                    "curve": {"points": [[0, 0], [1, 1], [5, 5]]}}])
    p = predict(bonus, equal, lived, scenarios=30, seed=1, verdict=False)
    revenue = p.per_rep[p.per_rep["figure"] == "revenue"].set_index("rep_id")
    attainment = lived.groupby("rep_id")["revenue"].sum() / lived.groupby("rep_id")["plan_revenue"].sum()
    change = revenue["predicted"] / revenue["baseline"] - 1
    third = pd.qcut(attainment, 3, labels=["low", "middle", "high"])
    by = change.groupby(third, observed=True).mean()
    assert 0.03 <= p.team.loc["revenue", "change"] <= 0.20
    assert by["low"] > by["middle"] + 0.10 and by["low"] > by["high"] + 0.10


def test_a_generated_team_bunches_only_where_its_plan_does() -> None:
    """The synthetic generator uses the same model (``behaviour="respond"``): a team generated under
    a 4 % commission gated at 80 % of the rep's monthly plan piles its months just above 80 %; the
    same reps under the same commission without the gate do not. Measured (40 reps x 12 months,
    attainment bins 60-70-80-90-100 %): gated [2 0 83 61], ungated [35 48 49 51], the synthetic year
    as generated [24 39 46 38]. Asserted: 80-90 % holds at least three times the months of 70-80 %
    under the gate, and between 0.6 and 1.6 times without it."""
    from kpilab.analysis.response import make_team

    gated = _plan([COMMISSION], target_bonus=0,
                  gates=[{"applies_to": ["commission"], "when": {"metric": "revenue", "attainment_at_least": 0.8}}])
    linear = _plan([COMMISSION], target_bonus=0)
    edges = [0.6, 0.7, 0.8, 0.9, 1.0]
    counts = {}
    for name, plan in (("gated", gated), ("linear", linear)):
        generated = make_team(40, 12, plan=plan, seed=4)
        assert generated.attrs["behaviour"] == "respond"
        counts[name] = np.histogram(generated["revenue"] / generated["plan_revenue"], edges)[0]
    assert counts["gated"][2] >= 3 * max(counts["gated"][1], 1)
    assert 0.6 <= counts["linear"][2] / counts["linear"][1] <= 1.6
    plain = make_team(40, 12, plan=linear, seed=4, behaviour="as_generated")
    pd.testing.assert_frame_equal(plain.drop(columns=[]), kpilab.make_team(40, 12, seed=4), check_like=True)
