"""The fast paths give exactly the numbers of the slow ones, bit for bit.

differentiation with and without a TeamProfile, with the team aligned by
position or joined from a shuffled copy, per-period figures vectorised over a
balanced panel or computed period by period, Spearman rho for many periods at
once, and budget quantiles without pivot_table: every pair is compared with
exact equality (no tolerance), against a plain reference written with string
keys and per-group loops, as the code was before it was made fast.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab import datasets, plots
from kpilab.analysis import TeamProfile, differentiation, profile_team
from kpilab.analysis._common import align_team, on_target_variable, percentile, same_values
from kpilab.analysis.differentiation import _core, _core_panel, _period_figures, _spearman_rhos, spearman
from kpilab.analysis.profile import quartiles
from kpilab.plan import Plan

FIELDS = ("table", "verdict", "passed", "metrics", "per_rep", "by_archetype", "by_quartile", "per_period",
          "inversions", "strength_coverage", "budget", "minimum_doer_definition", "target_definition", "measure")


def assert_identical(a: Any, b: Any, where: str = "") -> None:
    """Exact equality of report parts: frames with check_exact, floats with NaN == NaN."""
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            assert_identical(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, float) and math.isnan(a):
        assert isinstance(b, float) and math.isnan(b), where
    else:
        assert a == b, (where, a, b)


def assert_same_report(a: Any, b: Any) -> None:
    for f in FIELDS:
        assert_identical(getattr(a, f), getattr(b, f), f)


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    return datasets.load_sample_team()


@pytest.fixture(scope="module")
def years() -> pd.DataFrame:
    return kpilab.make_scenarios(20, 12, 15, seed=4)


# --------------------------------------------------------------------------- a plain reference

def reference_figures(payouts: kpilab.Payouts, team: pd.DataFrame | None = None) -> dict[str, Any]:
    """per_rep means, per_period figures and budget the plain way: string keys, one group at a time."""
    t = payouts.table
    frame = align_team(payouts, team)
    perf = frame["revenue"].to_numpy(float)
    tb = np.asarray(payouts.target_bonus, float)
    target = np.where(tb > 0, tb, on_target_variable(payouts)) if (tb <= 0).any() else tb
    rows = pd.DataFrame({"rep_id": t["rep_id"].to_numpy(), "period": t["period"].to_numpy(),
                         "total": t["total"].to_numpy(float), "variable": t["variable"].to_numpy(float),
                         "target": target, "performance": perf,
                         "revenue": frame["revenue"].to_numpy(float)})
    if "scenario" in t.columns:
        rows["scenario"] = t["scenario"].to_numpy()
    per_rep = rows.groupby("rep_id", sort=False)[["performance", "total", "variable", "target"]].mean()
    is_min = profile_team(frame).minimum_doer  # the segments rule reads the team only
    n_scen = rows["scenario"].nunique() if "scenario" in rows else 1
    unit = rows.groupby(["period", "rep_id"], sort=False)[["performance", "total", "variable", "target"]].mean()
    unit = unit.reset_index()
    sums = rows.groupby("period", sort=False)[["total", "variable", "revenue"]].sum() / n_scen
    lines = []
    for period, u in unit.groupby("period", sort=False):
        c = _core(u["performance"].to_numpy(), u["total"].to_numpy(), u["variable"].to_numpy(),
                  u["target"].to_numpy(), pd.Series(is_min, index=per_rep.index).reindex(u["rep_id"]).to_numpy(),
                  1.2)
        s = sums.loc[period]
        lines.append({"period": period, "rho": c["rho"], "top_to_minimum": c["top_to_minimum"],
                      "p90_target_multiple": c["p90_target_multiple"], "p90_p10_variable": c["p90_p10_variable"],
                      "inversions": c["inversions"], "payroll": float(s["total"]),
                      "variable_share": float(s["variable"]) / float(s["total"]),
                      "cost_of_sales": float(s["total"]) / float(s["revenue"])})
    budget = None
    if "scenario" in rows:
        budget = rows.groupby("scenario", sort=True).agg(payroll=("total", "sum"), revenue=("revenue", "sum"))
    return {"per_rep": per_rep, "per_period": pd.DataFrame(lines).set_index("period"), "budget": budget}


def check_against_reference(report: Any, ref: dict[str, Any]) -> None:
    per_rep = report.per_rep.set_index("rep_id")
    for col, ref_col in (("performance", "performance"), ("total", "total"), ("variable", "variable"),
                         ("target_variable", "target")):
        np.testing.assert_array_equal(per_rep[col].to_numpy(), ref["per_rep"][ref_col].to_numpy())
    assert list(per_rep.index) == list(ref["per_rep"].index)
    pd.testing.assert_frame_equal(report.per_period, ref["per_period"], check_exact=True, check_index_type=False)
    if ref["budget"] is not None:
        np.testing.assert_array_equal(report.budget["payroll"].to_numpy(), ref["budget"]["payroll"].to_numpy())
        np.testing.assert_array_equal(report.budget["revenue"].to_numpy(), ref["budget"]["revenue"].to_numpy())


@pytest.mark.parametrize("plan_name", ["balanced_kpi", "salary_fines", "salary_only"])
def test_report_matches_the_plain_reference(plan_name: str, team: pd.DataFrame, years: pd.DataFrame) -> None:
    for data in (team, years):
        po = kpilab.evaluate(datasets.load_plan(plan_name), data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = reference_figures(po)
        check_against_reference(differentiation(po), ref)
        check_against_reference(differentiation(po, profile=profile_team(data)), ref)


# --------------------------------------------------------------------------- with and without a profile

@pytest.mark.parametrize("plan_name", ["balanced_kpi", "tiered_commission", "salary_fines", "roles_scheme"])
def test_profile_gives_the_same_report(plan_name: str, team: pd.DataFrame, years: pd.DataFrame) -> None:
    plan = datasets.load_plan(plan_name)
    for data in (team, years):
        po = kpilab.evaluate(plan, data)
        profile = profile_team(data)
        assert profile.panel is not None  # balanced: the vectorised per-period path runs
        assert_same_report(differentiation(po, profile=profile), differentiation(po))
        assert_same_report(differentiation(po, lang="ru", criteria={"inversion_output_ratio": 1.05},
                                           profile=profile),
                           differentiation(po, lang="ru", criteria={"inversion_output_ratio": 1.05}))


def test_profile_serves_many_plans(team: pd.DataFrame) -> None:
    profile = profile_team(team)
    base = datasets.load_plan("balanced_kpi")
    for tb in (20_000.0, 60_000.0, 140_000.0):
        po = kpilab.evaluate(Plan.from_dict({**base.to_dict(), "target_bonus": tb}), team)
        assert_same_report(differentiation(po, profile=profile), differentiation(po))


def test_profile_with_measure_and_without_archetypes(team: pd.DataFrame) -> None:
    plan = datasets.load_plan("balanced_kpi")
    expr = "revenue + 0.5*repeat_revenue"
    po = kpilab.evaluate(plan, team)
    assert_same_report(differentiation(po, profile=profile_team(team, expr)), differentiation(po, measure=expr))
    # activity definition of minimum-doers: from complete plan_<metric> columns (team only) ...
    bare = team.drop(columns="archetype")
    po = kpilab.evaluate(plan, bare)
    profile = profile_team(bare)
    assert profile.minimum_doer is not None
    assert_same_report(differentiation(po, profile=profile), differentiation(po))
    # ... or with gaps in a plan column: that activity drops out of the rule (team only), same report
    gaps = bare.copy()
    gaps.loc[gaps.index[::5], "plan_calls"] = np.nan
    po = kpilab.evaluate(plan, gaps)
    profile = profile_team(gaps)
    assert "calls" not in profile.segments.activities
    assert_same_report(differentiation(po, profile=profile), differentiation(po))


def test_unbalanced_panel_goes_period_by_period(team: pd.DataFrame) -> None:
    holes = team.drop(index=team.index[4:60:5]).reset_index(drop=True)
    po = kpilab.evaluate(datasets.load_plan("balanced_kpi"), holes)
    profile = profile_team(holes)
    assert profile.panel is None
    report = differentiation(po, profile=profile)
    assert_same_report(report, differentiation(po))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_against_reference(report, reference_figures(po))


def test_profile_of_other_rows_is_no_shortcut_but_the_same_answer(team: pd.DataFrame) -> None:
    shuffled = team.sample(frac=1.0, random_state=7)
    po = kpilab.evaluate(datasets.load_plan("balanced_kpi"), team)
    profile = profile_team(shuffled)
    assert not profile.matches(po.table)
    assert_same_report(differentiation(po, profile=profile), differentiation(po, team=shuffled))


def test_profile_misuse_is_refused(team: pd.DataFrame) -> None:
    po = kpilab.evaluate(datasets.load_plan("balanced_kpi"), team)
    profile = profile_team(team)
    with pytest.raises(kpilab.KpilabError, match="not both"):
        differentiation(po, team=team.copy(), profile=profile)
    with pytest.raises(kpilab.KpilabError, match="measure"):
        differentiation(po, measure="deals", profile=profile)
    with pytest.raises(kpilab.KpilabError, match="profile_team"):
        differentiation(po, profile="not a profile")  # type: ignore[arg-type]
    with pytest.raises(kpilab.KpilabError, match="rep_id"):
        profile_team(team.drop(columns="rep_id"))
    assert differentiation(po, team=team, measure="revenue", profile=profile).measure == "revenue"


def test_profile_is_immutable(team: pd.DataFrame) -> None:
    profile = profile_team(team)
    assert isinstance(profile, TeamProfile)
    with pytest.raises(ValueError):
        profile.performance[0] = 0.0
    with pytest.raises(ValueError):
        profile.quartile[0] = 1
    with pytest.raises(AttributeError):
        profile.measure = "deals"  # type: ignore[misc]
    report = differentiation(kpilab.evaluate(datasets.load_plan("balanced_kpi"), team), profile=profile)
    report.per_rep.loc[0, "total"] = -1.0  # the report's frames are the caller's, not views of the profile
    assert profile.reps.shape[0] == 30 and "total" not in profile.reps


# --------------------------------------------------------------------------- alignment

def test_aligned_and_shuffled_team_give_the_same_report(team: pd.DataFrame) -> None:
    po = kpilab.evaluate(datasets.load_plan("balanced_kpi"), team)
    shuffled = team.sample(frac=1.0, random_state=3)
    assert_same_report(differentiation(po, team=shuffled), differentiation(po))
    assert_same_report(differentiation(po, team=team.copy()), differentiation(po))
    pd.testing.assert_frame_equal(align_team(po, shuffled), align_team(po, None), check_exact=True,
                                  check_dtype=False)  # the join gives text keys as str, the original may hold objects


def test_same_values_is_cheap_and_never_wrong(team: pd.DataFrame) -> None:
    po = kpilab.evaluate(datasets.load_plan("balanced_kpi"), team)
    assert same_values(team["rep_id"], po.table["rep_id"])  # shared buffer
    assert same_values(team["rep_id"], team["rep_id"].copy())
    assert not same_values(team["rep_id"], team["rep_id"].iloc[::-1].reset_index(drop=True))
    ints = pd.Series([1, 2, 3])
    assert not same_values(ints, ints.astype(str))  # other dtype: left to the text comparison
    assert not same_values(pd.Series([1.0, np.nan]), pd.Series([1.0, np.nan]))
    # keys equal only as text still align by position, as before
    as_text = team.assign(rep_id=team["rep_id"].astype(object))
    assert len(align_team(po, as_text)) == len(team)


# --------------------------------------------------------------------------- building blocks

def test_spearman_for_many_rows_is_scipy_bit_for_bit() -> None:
    rng = np.random.default_rng(11)
    pay = rng.random((40, 25)) * 1e5
    out = rng.random((40, 25)) * 1e6
    pay[::3] = np.round(pay[::3] / 2e4) * 2e4  # ties
    out[::4] = np.round(out[::4] / 2e5) * 2e5
    rhos = _spearman_rhos(pay, out)
    assert rhos.tolist() == [spearman(p, o)[0] for p, o in zip(pay, out)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_core_panel_is_core_row_by_row(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_per, n = 9, 17
    perf = np.round(rng.gamma(2.0, 5e5, (n_per, n)), -5)  # ties in output
    total = 8e4 + np.round(rng.random((n_per, n)) * 6e4, -3)
    variable = np.clip(total - 9e4, 0.0, None)  # many zeros: P10 = 0
    target = np.where(rng.random((n_per, n)) < 0.2, 0.0, 4e4)  # no target here and there: NaN multiples
    variable[3] = 0.0  # a period nobody earns variable pay
    total[5] = 9e4  # a flat period: rho is NaN
    is_min = np.zeros((n_per, n), bool)
    is_min[:, [2, 7, 11]] = True
    q = np.stack([quartiles(r) for r in perf])
    fast = _core_panel(perf, total, variable, target, is_min, 1.2, q)
    for i in range(n_per):
        slow = _core(perf[i], total[i], variable[i], target[i], is_min[i], 1.2)
        for key, values in fast.items():
            assert_identical(float(values[i]), slow[key], f"{key}[{i}]")


def test_period_figures_vectorised_equal_period_by_period(years: pd.DataFrame) -> None:
    from kpilab.analysis.profile import group_reduce, minimum_doers

    po = kpilab.evaluate(datasets.load_plan("balanced_kpi"), years)
    profile = profile_team(years)
    pay = {"total": po.table["total"].to_numpy(float), "variable": po.table["variable"].to_numpy(float),
           "target": np.asarray(po.target_bonus, float)}
    unit = group_reduce(profile.unit_codes, pay, "mean")
    is_min, _ = minimum_doers(profile, po)
    fast = _period_figures(profile, unit, is_min, 1.2)
    slow = _period_figures(profile, unit, is_min, 1.2, vectorised=False)
    for key in fast:
        np.testing.assert_array_equal(fast[key], slow[key])


def test_percentile_helper_matches_rows() -> None:
    from kpilab.analysis.differentiation import _row_percentiles

    rng = np.random.default_rng(5)
    a = rng.random((6, 13))
    a[1, 3:] = np.nan
    a[4] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = _row_percentiles(a, (10, 50, 90))
    for i in range(6):
        for j, q in enumerate((10, 50, 90)):
            assert_identical(float(got[j, i]), percentile(a[i], q))


# --------------------------------------------------------------------------- budget quantiles

def _pivot_quantiles(table: pd.DataFrame, quantiles=(0.1, 0.5, 0.9), cumulative=True, pay="total") -> pd.DataFrame:
    """budget_quantiles as it was written with pivot_table."""
    table = table if "scenario" in table.columns else table.assign(scenario=0)
    periods = pd.unique(table["period"])
    wide = table.pivot_table(index="period", columns="scenario", values=pay, aggfunc="sum").reindex(periods)
    if cumulative:
        wide = wide.cumsum()
    values = np.quantile(wide.to_numpy(dtype=float), quantiles, axis=1)
    out = pd.DataFrame({"period": [str(p) for p in periods]})
    for q, row in zip(quantiles, values):
        out[f"p{round(q * 100):d}"] = row
    return out


def test_budget_quantiles_equal_the_pivot_table(years: pd.DataFrame, team: pd.DataFrame) -> None:
    plan = datasets.load_plan("balanced_kpi")
    holes = years.drop(index=years.index[3:900:11]).reset_index(drop=True)  # missing (period, scenario) cells
    gone = years[~((years["scenario"] == 2) & (years["period"] == "2026-05"))].reset_index(drop=True)
    for data in (years, holes, gone, team):
        table = kpilab.evaluate(plan, data).table
        for cumulative in (True, False):
            for qs, pay in (((0.1, 0.5, 0.9), "total"), ((0.25, 0.5, 0.75), "variable")):
                pd.testing.assert_frame_equal(plots.budget_quantiles(table, qs, cumulative, pay),
                                              _pivot_quantiles(table, qs, cumulative, pay), check_exact=True)


def test_budget_quantiles_through_a_profile(years: pd.DataFrame) -> None:
    po = kpilab.evaluate(datasets.load_plan("balanced_kpi"), years)
    profile = profile_team(years)
    for cumulative in (True, False):
        pd.testing.assert_frame_equal(plots.budget_quantiles(po, cumulative=cumulative, profile=profile),
                                      _pivot_quantiles(po.table, cumulative=cumulative), check_exact=True)
    other = profile_team(years.iloc[::-1])  # other rows: the profile is not used, the answer is the same
    pd.testing.assert_frame_equal(plots.budget_quantiles(po, profile=other), _pivot_quantiles(po.table),
                                  check_exact=True)
