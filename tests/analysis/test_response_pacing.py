"""Learning within a pay period (:mod:`kpilab.analysis.response.pacing`): a rep re-plans the months left
of a quarter or a year from what they have sold so far."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab.analysis.response import Funnel, calibrate
from kpilab.analysis.response.pacing import LUCK_STATES, STATES, luck_grid, pace
from kpilab.analysis.response.predict import best_response, lived_year

MID = LUCK_STATES // 2          # a usual month's demand level
COMMISSION = kpilab.load_plan({"name": "commission", "components": [
    {"name": "commission", "kind": "commission", "metric": "revenue", "rate": 0.04}]})


def _quota(period: str) -> kpilab.Plan:
    return kpilab.load_plan({"name": "quota", "base": 50000, "target_bonus": 40000, "targets": {"revenue": 1200000},
                             "components": [{"name": "quota", "kind": "bonus", "metric": "revenue", "share": 1,
                                             "curve": {"steps": [[1.0, 1.0]]}, "period": period}]})


@pytest.fixture(scope="module")
def setting():
    team = kpilab.make_team(12, 6, seed=2)
    team = team.drop(columns=[c for c in team.columns if c.startswith("plan_")])
    funnel = Funnel.from_team(team)
    z = funnel.noise(16, np.random.default_rng(0), stratified=True)
    calib = calibrate(COMMISSION, funnel, z)
    return funnel, z, calib


def test_a_monthly_plan_has_nothing_to_learn_within_its_periods(setting) -> None:
    """Every pay period is one month: no policy, and the lived year is the chosen effort in every year."""
    funnel, z, calib = setting
    plan = _quota("month")
    effort = best_response(plan, funnel, calib, z)
    assert pace(plan, funnel, calib, effort, z) is None
    facts, lived = lived_year(plan, funnel, calib, effort, z, z)
    np.testing.assert_array_equal(lived, effort)


def test_near_the_quota_a_rep_pushes_and_out_of_reach_gives_up(setting) -> None:
    """A quarterly quota: in the last month of the quarter, a rep a little short of it (within 0.4 of the
    quarter's usual revenue, about a month's sales) pushes harder than the same rep who has sold nothing so
    far (the quota out of reach) and than one already at 1.5 times the quota (nothing more to earn).
    Measured (12 reps, 9 with 1.5 times the quota inside the grid of states): near the quota they push to
    1.0-1.76 times the observed effort, out of reach and past it they stay at 0.25-0.31."""
    funnel, z, calib = setting
    plan = _quota("quarter")
    effort = best_response(plan, funnel, calib, z)
    policy = pace(plan, funnel, calib, effort, z)
    assert policy is not None and policy.policy.shape == (6, 12, 6, LUCK_STATES, len(STATES))
    level = policy.effort.mean(-1)[0, :, :, 2]                                       # (G, R): third month
    quota = 3 * 1200000 / policy.scale[0, :, 2]                                      # in units of the state
    rows = []
    for r in np.flatnonzero(quota * 1.5 <= STATES[-1]):
        near = (STATES >= quota[r] - 0.4) & (STATES < quota[r])
        pick = policy.policy[0, r, 2, MID]
        rows.append([level[pick[0], r], level[pick[near], r].max(),
                     level[pick[np.searchsorted(STATES, 1.5 * quota[r])], r]])
    rows = np.array(rows)
    assert len(rows) >= 6
    assert (rows[:, 1] > rows[:, 0]).all() and (rows[:, 1] > rows[:, 2]).all()
    assert rows[:, 1].min() >= 1.0 and rows[:, [0, 2]].max() < 0.5


def test_each_simulated_year_lives_its_own_path(setting) -> None:
    """Re-planning makes effort differ between simulated years (by their luck so far) and never leaves the
    effort bounds; the facts of each year are those of its own effort."""
    funnel, z, calib = setting
    plan = _quota("quarter")
    effort = best_response(plan, funnel, calib, z)
    policy = pace(plan, funnel, calib, effort, z)
    facts, lived = policy.follow(funnel, z)
    assert lived.shape == (6, 16, 12, 6, 4)
    lo, hi = funnel.assumptions.effort_bounds
    assert lived.min() >= lo - 1e-12 and lived.max() <= hi + 1e-12
    assert (lived[0].std(0) > 0).any()                   # years differ
    # without lasting luck the first month of each quarter knows nothing yet: the same effort in every year
    np.testing.assert_allclose(lived[calib.luck == 0][:, :, :, [0, 3]].std(1), 0.0, atol=1e-12)
    from kpilab.analysis.response import simulate
    one = simulate(funnel, lived[0, 7][None], z[:, 7:8])
    np.testing.assert_allclose(facts["revenue"][0, 7], one["revenue"][0, 0])


def test_the_policy_as_a_table(setting) -> None:
    """One row per rep, period and state; the effort of each row is the policy's level, and ``sold`` is the
    state times the pay period's expected revenue at the observed effort (the model's: deals at the rep's
    year-average close rate, so the year adds up to the record, not each month)."""
    funnel, z, calib = setting
    plan = _quota("quarter")
    policy = pace(plan, funnel, calib, best_response(plan, funnel, calib, z), z)
    table = policy.frame(funnel)
    assert len(table) == 12 * 6 * len(STATES)
    row = table.iloc[5 * len(STATES) + 7]                          # first rep, sixth period, eighth state
    assert row["period"] == funnel.periods[5] and row["sold_share"] == STATES[7]
    assert row["effort"] == policy.effort[0, policy.policy[0, 0, 5, MID, 7], 0, 5].mean()
    from kpilab.analysis.response import simulate
    quarter = simulate(funnel, np.ones((1, 12, 4)), None)["revenue"][0, 0, 0, 3:6].sum()   # the model's, at 1.0
    assert row["sold"] == pytest.approx(STATES[7] * quarter)


def test_an_annual_quota_behind_pushes_far_behind_quits() -> None:
    """The annual horizon (Chung, Steenburgh & Sudhir 2014: a rep who falls behind an annual quota gives
    up): on the reps' own plans, in October each rep who chases the annual quota works harder a little
    behind their path than on it, gives up with nothing sold, and stops once the quota is made; the year
    carries the shortfall, so a simulated year can end in a quit. Measured (12 reps x 12 months, 9 who
    chase): on the path 0.55-1.15 of the observed effort, a tenth of the year behind 0.85-1.60; over 200
    simulated years they make the quota in 94-100 % of them and quit while still short before December
    in 3 % of the rep-years: a year's luck (months independent, a half-year's sales varying by 2.5-5.5 % of
    the year) seldom puts a rep that far behind."""
    team = kpilab.make_team(12, 12, seed=2)
    funnel = Funnel.from_team(team)
    z = funnel.noise(16, np.random.default_rng(0), stratified=True)
    calib = calibrate(COMMISSION, funnel, z)
    plan = _quota("year")
    effort = best_response(plan, funnel, calib, z)
    policy = pace(plan, funnel, calib, effort, z)
    scale = policy.scale[0, :, 0]                                              # the year's usual revenue
    quota = funnel.team["plan_revenue"].to_numpy(float).reshape(funnel.shape).sum(1) / scale
    from kpilab.analysis.response import simulate
    path = np.cumsum(simulate(funnel, effort[:1], None)["revenue"][0, 0], -1) / scale[:, None]   # (R, P)
    level = policy.effort.mean(-1)[0]                                          # (G, R, P)
    chase = effort[0].mean((-1, -2)) >= 0.6
    assert chase.sum() >= 6

    def at(r: int, month: int, sold: float) -> float:
        state = int(np.clip(np.rint(sold / (STATES[1] - STATES[0])), 0, len(STATES) - 1))
        return level[policy.policy[0, r, month, MID, state], r, month]

    october = 9
    for r in np.flatnonzero(chase):
        on = path[r, october - 1]
        assert at(r, october, on - 0.1) > at(r, october, on)
        assert at(r, october, 0.0) < 0.5
        assert at(r, october, quota[r] + 0.05) < 0.35

    facts, lived = policy.follow(funnel, funnel.noise(200, np.random.default_rng(1)))
    revenue = facts["revenue"][0] / scale[:, None]                             # (S, R, P)
    before = np.cumsum(revenue, -1) - revenue                                  # sold before each month
    quit_short = ((lived[0].mean(-1) < 0.5) & (before < quota[:, None]))[:, chase, :11].any(-1)
    made = revenue.sum(-1)[:, chase] >= quota[chase]
    assert made.mean(0).min() >= 0.9
    assert 0.0 < quit_short.mean() < 0.1


def test_the_demand_level_grid_keeps_the_ar1() -> None:
    """Rouwenhorst's grid: every row of the transition sums to 1, and the stationary level has mean 0,
    variance 1 and lag-one correlation equal to the persistence; the noise's level path is such an AR(1)."""
    grid, move = luck_grid(0.8)
    np.testing.assert_allclose(move.sum(1), 1.0)
    values, vectors = np.linalg.eig(move.T)
    stationary = np.real(vectors[:, np.argmax(np.real(values))])
    stationary = stationary / stationary.sum()
    mean = stationary @ grid
    assert mean == pytest.approx(0.0, abs=1e-12)
    assert stationary @ grid ** 2 == pytest.approx(1.0)
    assert stationary @ (grid * (move @ grid)) == pytest.approx(0.8)
    funnel = Funnel.from_team(kpilab.make_team(40, 12, seed=1))
    u = funnel.noise(200, np.random.default_rng(3))[4]
    assert u.std() == pytest.approx(1.0, abs=0.03)
    assert np.corrcoef(u[..., 1:].ravel(), u[..., :-1].ravel())[0, 1] == pytest.approx(0.8, abs=0.02)


def test_with_lasting_luck_a_rep_reads_the_month_level(setting) -> None:
    """With lasting luck (the range's high end, 30 %), a rep who sees a weak month re-plans: under a
    quarterly quota the first month of a quarter now differs between simulated years, and the month's
    revenue moves with its level (a year's sales vary more than with independent months)."""
    funnel, z, calib = setting
    plan = _quota("quarter")
    effort = best_response(plan, funnel, calib, z)
    policy = pace(plan, funnel, calib, effort, z)
    facts, lived = policy.follow(funnel, z)
    high = int(np.flatnonzero(calib.luck == funnel.assumptions.luck_range[1])[0])
    assert (lived[high][:, :, [0, 3]].std(0) > 0).any()
    centre = facts["revenue"][0].sum(-1).std(0) / facts["revenue"][0].sum(-1).mean(0)
    lasting = facts["revenue"][high].sum(-1).std(0) / facts["revenue"][high].sum(-1).mean(0)
    assert np.median(lasting) > 1.3 * np.median(centre)


def test_lasting_luck_is_an_assumption_with_a_range() -> None:
    """The centre has no lasting luck and its low end is the centre's own draw (not repeated); the high
    end is a draw of its own, in the sensitivity table; a luck outside its range is refused by name."""
    from kpilab.analysis.response import Assumptions

    draws = Assumptions().draws()
    assert draws["luck"].tolist() == [0.0, 0.0, 0.0, 0.0, 0.0, 0.3]
    assert draws.iloc[-1][["assumption", "end"]].tolist() == ["luck", "high"]
    with pytest.raises(ValueError, match="luck"):
        Assumptions(luck=0.5)
    with pytest.raises(ValueError, match="luck_persistence"):
        Assumptions(luck_persistence=1.0)
