"""make_team / make_scenarios: shape, determinism, archetype behaviour, calibration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kpilab.errors import KpilabError
from kpilab.data.synth import ARCHETYPES, TEAM_COLUMNS, make_scenarios, make_team
from kpilab.data.team import validate_team


@pytest.fixture(scope="module")
def year() -> pd.DataFrame:
    """A 500-rep year with the default mix (the calibration sample)."""
    return make_team(500, periods=12, seed=12345)


def test_columns_types_and_ranges() -> None:
    t = make_team(30, seed=1)
    assert list(t.columns) == list(TEAM_COLUMNS)
    assert t.shape == (360, 23)
    assert t["rep_id"].iloc[0] == "R01" and t["rep_id"].nunique() == 30
    assert t["period"].unique().tolist() == [f"2026-{m:02d}" for m in range(1, 13)]
    assert set(t["role"]) == {"junior", "senior"}
    assert set(t["archetype"]) == set(ARCHETYPES)
    num = t.select_dtypes("number")
    assert (num >= 0).all().all()
    assert t["crm_quality"].between(0, 1).all()
    assert (t["missed_calls"] <= t["inbound_calls"]).all()
    assert (t["repeat_revenue"] <= t["revenue"]).all()
    assert (t[[c for c in t.columns if c.startswith("plan_")]] > 0).all().all()
    assert (t.loc[t["archetype"] == "newcomer", "role"] == "junior").all()
    validate_team(t, required=["calls", "meetings", "deals", "revenue"])   # evaluate takes it as is


def test_start_and_periods_cross_the_year() -> None:
    t = make_team(2, periods=3, seed=1, start="2026-11")
    assert t["period"].unique().tolist() == ["2026-11", "2026-12", "2027-01"]


def test_mix_counts_are_exact_by_largest_remainder() -> None:
    t = make_team(30, periods=1, seed=3, mix={"star": 0.5, "laggard": 0.5})
    assert t["archetype"].value_counts().to_dict() == {"star": 15, "laggard": 15}
    with pytest.raises(KpilabError, match="unknown archetype"):
        make_team(5, mix={"genius": 1.0})


def test_determinism_seed_and_generator() -> None:
    a = make_team(20, seed=42)
    pd.testing.assert_frame_equal(a, make_team(20, seed=42))
    pd.testing.assert_frame_equal(a, make_team(20, seed=np.random.default_rng(42)))
    pd.testing.assert_frame_equal(a, make_team(20, rng=np.random.default_rng(42)))
    b = make_team(20, seed=43)
    assert not a["revenue"].equals(b["revenue"])
    with pytest.raises(KpilabError):
        make_team(5, seed=1, rng=np.random.default_rng(1))


def test_realistic_monthly_figures_for_seniors(year: pd.DataFrame) -> None:
    s = year[(year["role"] == "senior") & (year["archetype"] != "laggard")]
    assert 700 <= s["calls"].mean() <= 1000
    assert 15 <= s["meetings"].mean() <= 30
    assert 6 <= s["deals"].mean() <= 12
    assert 1_000_000 <= s["plan_revenue"].mean() <= 1_500_000
    assert 1_000_000 <= s["revenue"].mean() <= 1_800_000


def test_archetypes_behave_as_described(year: pd.DataFrame) -> None:
    t = year.assign(att=year["revenue"] / year["plan_revenue"])
    by = t.groupby("archetype")
    rev = by["revenue"].mean()
    assert rev["star"] > 1.8 * rev["minimum_doer"]
    assert rev["laggard"] == rev.min()
    md = t[t["archetype"] == "minimum_doer"]
    for m in ("calls", "meetings", "emails", "follow_ups"):
        ratio = md[m] / md[f"plan_{m}"]
        assert ratio.between(0.99, 1.13).mean() > 0.95, m
    assert 0.85 <= md["att"].median() <= 1.05
    lag = t[t["archetype"] == "laggard"]
    assert (lag["att"] < 1).mean() > 0.7
    # specialists are strong in their own dimension
    assert by["calls"].mean().idxmax() in {"phone_specialist", "hard_worker"}
    miss = by["missed_calls"].sum() / by["inbound_calls"].sum()
    assert miss["phone_specialist"] < miss["minimum_doer"] and miss["laggard"] == miss.max()
    assert by["crm_quality"].mean().idxmax() == "paperwork_specialist"
    assert by["follow_ups"].mean()["paperwork_specialist"] > by["follow_ups"].mean()["minimum_doer"]
    assert by["repeat_revenue"].mean().idxmax() == "account_manager"


def test_newcomers_ramp_up(year: pd.DataFrame) -> None:
    nc = year[year["archetype"] == "newcomer"]
    early = nc[nc["tenure_months"] <= 1]
    late = nc[nc["tenure_months"] >= 8]
    assert late["revenue"].mean() > 2 * early["revenue"].mean()
    assert late["plan_revenue"].mean() > 2 * early["plan_revenue"].mean()


@pytest.mark.parametrize("seed", [12345, 1, 2, 3, 4])
def test_calibration_against_benchmarks(seed: int, year: pd.DataFrame) -> None:
    """Targets and sources: data/README.md, section Calibration (a 500-rep year, several seeds)."""
    from kpilab.analysis.profile import windfall_rows

    if seed != 12345:
        year = make_team(500, periods=12, seed=seed)
    att = year["revenue"] / year["plan_revenue"]
    reps = year.groupby("rep_id")[["revenue", "plan_revenue"]].sum()
    top20 = reps["revenue"].nlargest(len(reps) // 5).sum() / reps["revenue"].sum()
    annual_at_plan = (reps["revenue"] >= reps["plan_revenue"]).mean()
    near_line = ((att >= 0.8) & (att < 0.85)).sum() / ((att >= 0.75) & (att < 0.8)).sum()
    per_deal = ((year["revenue"] - year["repeat_revenue"]) / year["deals"].where(year["deals"] > 0)).dropna()
    windfalls = windfall_rows(pd.factorize(year["rep_id"])[0], year["revenue"].to_numpy(float)).sum()
    rho_calls = stats.spearmanr(year["calls"], year["revenue"])[0]
    rho_meetings = stats.spearmanr(year["meetings"], year["revenue"])[0]
    assert 0.40 <= top20 <= 0.60, top20                       # revenue concentration
    assert 0.50 <= annual_at_plan <= 0.60, annual_at_plan     # reps at or above their annual plan
    assert near_line < 2.0, near_line                         # nobody defends one plan's 80 % line
    assert per_deal.quantile(0.99) / per_deal.median() > 4    # heavy tail of deal sizes
    assert windfalls >= 5, windfalls                          # occasional windfall months
    assert stats.skew(att) > 0.1
    assert 0.25 <= rho_calls <= 0.6 and 0.3 <= rho_meetings <= 0.7, (rho_calls, rho_meetings)  # only moderately


def test_turnover_joiners_and_leavers() -> None:
    """With turnover, leavers' rows stop and newcomers join their seats a month later (new ids, tenure 0-2)."""
    closed = make_team(40, 12, seed=3)
    team = make_team(40, 12, seed=3, turnover=0.3)
    sizes = team.groupby("rep_id").size()
    leavers = sizes[(sizes < 12) & sizes.index.isin(closed["rep_id"].unique())]
    joiners = sorted(set(team["rep_id"]) - set(closed["rep_id"]))
    assert len(leavers) == len(joiners) > 0
    for rep in joiners:
        rows = team[team["rep_id"] == rep]
        assert (rows["archetype"] == "newcomer").all() and (rows["role"] == "junior").all()
        assert rows["tenure_months"].iloc[0] <= 2 and rows["period"].iloc[-1] == "2026-12"
    assert not team.duplicated(["rep_id", "period"]).any()
    pd.testing.assert_frame_equal(make_team(40, 12, seed=3, turnover=0.0), closed)
    with pytest.raises(KpilabError):
        make_team(10, turnover=1.5)


def test_seasonality_in_plans() -> None:
    t = make_team(50, seed=5)
    seniors = t[(t["role"] == "senior")].groupby("period")["plan_revenue"].mean()
    assert seniors["2026-12"] > seniors["2026-06"] > seniors["2026-01"]


def test_scenarios_shape_traits_and_outcomes() -> None:
    sc = make_scenarios(10, 6, 25, seed=9)
    assert sc.shape == (25 * 10 * 6, 24)
    assert sc.columns[0] == "scenario" and sc["scenario"].dtype == np.int64
    assert sc["scenario"].unique().tolist() == list(range(25))
    assert not sc.duplicated(["scenario", "rep_id", "period"]).any()
    fixed = ["rep_id", "period", "role", "team", "archetype", "tenure_months"] + \
        [c for c in sc.columns if c.startswith("plan_")]
    first = sc[sc["scenario"] == 0][fixed].reset_index(drop=True)
    for s in (1, 24):
        pd.testing.assert_frame_equal(sc[sc["scenario"] == s][fixed].reset_index(drop=True), first)
    # same department as make_team with the same seed
    team = make_team(10, 6, seed=9)
    pd.testing.assert_frame_equal(team[fixed], first)
    # outcomes vary across scenarios, for every rep
    spread = sc.groupby(["rep_id", "period"])["revenue"].std()
    assert (spread > 0).all()
    totals = sc.groupby("scenario")["revenue"].sum()
    assert totals.std() / totals.mean() > 0.01
    validate_team(sc, required=["revenue"])


def test_scenarios_deterministic() -> None:
    pd.testing.assert_frame_equal(make_scenarios(5, 3, 4, seed=1), make_scenarios(5, 3, 4, seed=1))
    assert not make_scenarios(5, 3, 4, seed=1)["deals"].equals(make_scenarios(5, 3, 4, seed=2)["deals"])


def test_bad_arguments() -> None:
    with pytest.raises(KpilabError):
        make_team(0)
    with pytest.raises(KpilabError):
        make_team(3, start="January")
    with pytest.raises(KpilabError):
        make_scenarios(3, 2, 0, seed=1)
