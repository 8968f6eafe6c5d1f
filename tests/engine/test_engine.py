"""The engine beyond the worked examples: explanations, rounding, schemes, teams, scenarios, data errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab import DataError, Plan, evaluate, load_plan
from kpilab.engine import evaluation as engine_evaluation
from kpilab.engine import round_money

KPI = {
    "name": "kpi matrix", "base": 30000, "target_bonus": 40000,
    "targets": {"calls": 800, "deals": 10, "revenue": 1_000_000},
    "components": [
        {"name": "kpi", "kind": "scorecard", "share": 1, "kpis": {
            "calls": {"weight": 0.3, "curve": {"steps": [[0.7, 0.5], [0.9, 0.9], [1.0, 1.0], [1.2, 1.1]]}},
            "deals": {"weight": 0.7, "curve": {"points": [[0.5, 0], [1.0, 1.0], [1.5, 1.5]]}}}},
        {"name": "fines", "kind": "penalty", "metric": "missed_calls", "per_unit": 500, "free": 2, "cap": 10000},
    ],
    "gates": [{"applies_to": "all", "when": {"metric": "revenue", "attainment_at_least": 0.8}}],
}


def _rows(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"rep_id": [f"R{i}" for i in range(n)], "period": ["2026-01"] * n}
    return pd.DataFrame({**base, **columns})


def test_explanation_is_checkable_with_a_calculator() -> None:
    plan = Plan.from_dict(KPI)
    team = _rows(calls=[760], deals=[12], revenue=[900000], missed_calls=[5])
    payouts = evaluate(plan, team)
    statement = payouts.explain("R0", "2026-01")
    text = statement.text
    assert "calls 760 / plan 800 = 95.0%" in text
    assert "step [90.0%, 100.0%) → 0.9" in text
    assert "deals 12 / plan 10 = 120.0%" in text
    assert "index 1.11" in text
    assert "44 400.00" in text
    assert "passed" in text
    assert "missed_calls 5 − free 2 = 3 × 500.00" in text
    table = statement.table.set_index("item")
    assert table.loc["kpi", "amount"].iloc[0] == pytest.approx(44400)
    assert table.loc["total", "amount"] == pytest.approx(payouts.table.loc[0, "total"]) == 72900
    assert table.loc["fines", "amount"] == -1500


def test_explanation_shows_a_failed_gate_and_the_floor() -> None:
    plan = Plan.from_dict(KPI)
    payouts = evaluate(plan, _rows(calls=[760], deals=[12], revenue=[750000], missed_calls=[40]))
    text = str(payouts.explain("R0", "2026-01"))
    assert "FAILED: pay set to 0 for kpi" in text
    assert "is under it: topped up" in text
    assert payouts.table.loc[0, "total"] == 30000
    with pytest.raises(KeyError, match="no row for rep R9"):
        payouts.explain("R9", "2026-01")


def test_round_money_is_half_away_from_zero() -> None:
    np.testing.assert_array_equal(round_money([0.125, -0.125, 1.005, 2.675, -2.675, 0.0049]),
                                  [0.13, -0.13, 1.01, 2.68, -2.68, 0.0])


def test_rounded_parts_add_up_to_the_rounded_total() -> None:
    # Three bonuses of 1/3 kopeck-fractions: naive rounding drifts by a kopeck.
    plan = Plan.from_dict({"name": "thirds", "base": 100.004, "target_bonus": 100, "targets": {"x": 3}, "components": [
        {"name": f"b{i}", "kind": "bonus", "metric": "x", "share": 1 / 3, "curve": {"points": [[0, 0], [1, 1]]}}
        for i in range(3)]})
    rounded = evaluate(plan, _rows(x=[1.0, 2.0, 0.5, 2.9])).rounded()
    parts = rounded[["base", "b0", "b1", "b2", "cap_adjustment", "floor_adjustment"]].sum(axis=1)
    np.testing.assert_allclose(parts, rounded["total"], atol=1e-9)
    np.testing.assert_allclose(rounded["variable"], rounded["total"] - rounded["base"], atol=1e-9)
    assert (rounded["base"] == 100.0).all()  # the base itself is never the part that absorbs a kopeck


def test_csv_has_two_decimals_and_input_order() -> None:
    plan = Plan.from_dict(KPI)
    team = _rows(calls=[760, 900], deals=[12, 3], revenue=[900000, 1_200_000], missed_calls=[0, 1])
    text = evaluate(plan, team.iloc[::-1]).to_csv()
    lines = text.splitlines()
    assert lines[0] == "rep_id,period,base,kpi,fines,cap_adjustment,floor_adjustment,variable,total"
    assert lines[1].startswith("R1,2026-01,30000.00,")


def test_scheme_picks_each_rows_plan_and_leaves_missing_components_empty() -> None:
    scheme = load_plan({"scheme": "roles", "plans": {
        "junior": {"name": "j", "base": 40000, "components": [
            {"name": "per_deal", "kind": "commission", "metric": "deals", "rate": 1000}]},
        "senior": {"name": "s", "base": 70000, "components": [
            {"name": "rev", "kind": "commission", "metric": "revenue", "rate": 0.02}]}}})
    team = _rows(role=["junior", "senior"], deals=[5, 7], revenue=[None, 1_000_000])
    table = evaluate(scheme, team).table
    assert list(table.columns[:3]) == ["rep_id", "period", "role"]
    assert table.loc[0, "per_deal"] == 5000 and np.isnan(table.loc[0, "rev"])
    assert table.loc[1, "rev"] == 20000 and np.isnan(table.loc[1, "per_deal"])
    assert table["total"].tolist() == [45000, 90000]
    csv = evaluate(scheme, team).to_csv().splitlines()
    assert csv[1] == "R0,2026-01,junior,40000.00,5000.00,,0.00,0.00,5000.00,45000.00"


def test_scheme_rejects_an_unknown_role() -> None:
    scheme = load_plan({"scheme": "roles", "plans": {"junior": {"name": "j", "base": 1}}})
    with pytest.raises(DataError, match="row 3, rep R1, period 2026-01, column role: role 'lead' is not in the scheme"):
        evaluate(scheme, _rows(role=["junior", "lead"]))


def test_team_attainment_groups_by_team_and_period_with_each_rows_target() -> None:
    plan = Plan.from_dict({"name": "team", "target_bonus": 10000, "targets": {"revenue": 100}, "components": [
        {"name": "tb", "kind": "team", "metric": "revenue", "share": 1, "curve": {"points": [[0, 0], [2, 2]]}}]})
    team = pd.DataFrame({"rep_id": ["A", "B", "C", "A"], "period": ["m1", "m1", "m1", "m2"],
                         "team": ["north", "north", "south", "north"], "revenue": [50, 250, 80, 100],
                         "plan_revenue": [100, 200, None, None]})
    table = evaluate(plan, team).table
    # north m1: (50 + 250) / (100 + 200) = 1.0; south m1: 80 / 100; north m2: 100 / 100
    assert table["tb"].tolist() == pytest.approx([10000, 10000, 8000, 10000])


def test_scenarios_are_evaluated_in_one_pass_with_team_per_scenario() -> None:
    plan = Plan.from_dict({"name": "team", "target_bonus": 100, "targets": {"revenue": 10}, "components": [
        {"name": "tb", "kind": "team", "metric": "revenue", "share": 1, "curve": {"points": [[0, 0], [2, 2]]}}]})
    team = pd.DataFrame({"scenario": [0, 0, 1, 1], "rep_id": ["A", "B", "A", "B"], "period": ["m1"] * 4,
                         "revenue": [10, 30, 0, 10]})
    table = evaluate(plan, team).table
    assert table.columns[2] == "scenario"
    assert table["tb"].tolist() == pytest.approx([200, 200, 50, 50])


def test_duplicate_key_within_a_scenario_is_an_error_across_scenarios_not() -> None:
    plan = Plan.from_dict({"name": "flat", "base": 1})
    ok = pd.DataFrame({"scenario": [0, 1], "rep_id": ["A", "A"], "period": ["m1", "m1"]})
    assert len(evaluate(plan, ok).table) == 2
    bad = pd.DataFrame({"scenario": [0, 0], "rep_id": ["A", "A"], "period": ["m1", "m1"]})
    with pytest.raises(DataError, match=r"row 3, scenario 0, rep A, period m1, column rep_id: duplicate "
                                        r"\(scenario, rep_id, period\): the same key is also on row 2"):
        evaluate(plan, bad)


@pytest.mark.parametrize(("cells", "words"), [
    ({"revenue": [900000, np.nan]}, "row 3, rep R1, period 2026-01, column revenue: empty or NaN"),
    ({"revenue": [900000, -5]}, "column revenue: negative value"),
    ({"revenue": ["900000", "lots"]}, "row 3, rep R1, period 2026-01, column revenue: 'lots' is not a number"),
    ({"revenue": [900000, True]}, "row 3, rep R1, period 2026-01, column revenue: 'True' is not a number"),
    ({"revenue": [True, False]}, "row 2, rep R0, period 2026-01, column revenue: true/false is not a number"),
    ({"revenue": [900000, 1], "plan_revenue": [None, 0]}, "column plan_revenue: target for 'revenue' must be > 0"),
])
def test_data_errors_name_row_rep_period_and_column(cells: dict, words: str) -> None:
    plan = Plan.from_dict({"name": "b", "target_bonus": 1, "targets": {"revenue": 10}, "components": [
        {"name": "b", "kind": "bonus", "metric": "revenue", "share": 1, "curve": {"points": [[0, 0], [1, 1]]}}]})
    with pytest.raises(DataError) as info:
        evaluate(plan, _rows(**cells), source="team.csv")
    assert str(info.value).startswith("file team.csv, ")
    assert words in str(info.value)


def test_missing_target_names_the_metric() -> None:
    plan = Plan.from_dict({"name": "b", "target_bonus": 1, "components": [
        {"name": "b", "kind": "bonus", "metric": "deals", "share": 1, "curve": {"points": [[0, 0], [1, 1]]}}]})
    with pytest.raises(DataError, match="no target for metric 'deals'"):
        evaluate(plan, _rows(deals=[3]))
    # a plan_ column gives it; an empty cell in it falls back to the (missing) plan target
    assert evaluate(plan, _rows(deals=[3], plan_deals=[6])).table["b"].tolist() == [0.5]
    with pytest.raises(DataError, match="row 3, rep R1.*column plan_deals: no target"):
        evaluate(plan, _rows(deals=[3, 3], plan_deals=[6, None]))


def test_gate_checks_every_branch_even_unused() -> None:
    plan = Plan.from_dict({"name": "g", "components": [
        {"name": "b", "kind": "bonus", "metric": "calls", "amount": 100, "basis": "value",
         "curve": {"points": [[0, 1]]}}],
        "gates": [{"applies_to": "all", "when": {"any": [{"metric": "calls", "at_least": 0},
                                                         {"metric": "deals", "attainment_at_least": 1}]}}]})
    with pytest.raises(DataError, match="column deals"):
        evaluate(plan, _rows(calls=[5]))


def test_boundary_rule_counts_a_float_on_the_threshold_as_reached() -> None:
    # 0.1 * 3 is 0.30000000000000004 in floats; 0.3 of plan must still reach a 0.3 threshold.
    plan = Plan.from_dict({"name": "edge", "target_bonus": 100, "targets": {"x": 1}, "components": [
        {"name": "s", "kind": "bonus", "metric": "x", "share": 1, "curve": {"steps": [[0.30000000000000004, 1]]}},
        {"name": "r", "kind": "bonus", "metric": "x", "share": 1,
         "curve": {"steps": [[0, 0], [0.3, 1]], "closed": "right"}}]})
    table = evaluate(plan, _rows(x=[0.3, 0.3000001])).table
    assert table["s"].tolist() == [100, 100]
    assert table["r"].tolist() == [0, 100]  # (0.3, …]: exactly 0.3 is not above it


def test_parallel_blocks_give_the_single_pass_result(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = Plan.from_dict(KPI)
    rng = np.random.default_rng(7)
    n = 5000
    team = pd.DataFrame({"rep_id": [f"R{i}" for i in range(n)], "period": ["m1"] * n,
                         "calls": rng.integers(0, 1200, n), "deals": rng.integers(0, 20, n),
                         "revenue": rng.uniform(0, 2e6, n), "missed_calls": rng.integers(0, 40, n)})
    single = evaluate(plan, team).table
    monkeypatch.setattr(engine_evaluation, "_PARALLEL_MIN_ROWS", 10)
    monkeypatch.setattr(engine_evaluation, "_WORKERS", 3)
    pd.testing.assert_frame_equal(evaluate(plan, team).table, single)
    bad = team.copy()
    bad.loc[4000, "rep_id"] = "R1"
    with pytest.raises(DataError, match="duplicate"):
        evaluate(plan, bad)


def test_evaluate_takes_a_mapping_and_refuses_other_things() -> None:
    assert evaluate({"name": "flat", "base": 5}, _rows(x=[1])).table["total"].tolist() == [5]
    with pytest.raises(TypeError):
        evaluate("plan.yaml", _rows(x=[1]))  # type: ignore[arg-type]


def test_lazy_top_level_names() -> None:
    assert callable(kpilab.evaluate) and "load_team" in dir(kpilab)
    with pytest.raises(AttributeError):
        kpilab.nothing_here  # noqa: B018


def test_no_rows_in_no_rows_out() -> None:
    plan = Plan.from_dict(KPI)
    empty = _rows(calls=[760], deals=[12], revenue=[900000], missed_calls=[0]).iloc[0:0]
    table = evaluate(plan, empty).table
    assert len(table) == 0
    assert list(table.columns) == ["rep_id", "period", "base", "kpi", "fines", "cap_adjustment",
                                   "floor_adjustment", "variable", "total"]


def test_errors_use_the_row_numbers_load_team_kept(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("rep_id,period,calls,plan_calls\nR1,2026-01,50,100\nTotal,,50,\nR2,2026-01,3,0\n")
    team = kpilab.load_team(path, skip_rows=[3])
    plan = Plan.from_dict({"name": "c", "target_bonus": 10, "components": [
        {"name": "b", "kind": "bonus", "metric": "calls", "share": 1, "curve": {"points": [[0, 0], [1, 1]]}}]})
    with pytest.raises(DataError, match=r"row 4, rep R2, period 2026-01, column plan_calls: target"):
        evaluate(plan, team)


def test_a_zero_target_matters_only_where_attainment_is_read() -> None:
    scheme = load_plan({"scheme": "s", "plans": {
        "junior": {"name": "j", "components": [{"name": "c", "kind": "commission", "metric": "revenue", "rate": 0.1}]},
        "senior": {"name": "s", "target_bonus": 100, "components": [
            {"name": "b", "kind": "bonus", "metric": "revenue", "share": 1, "curve": {"points": [[0, 0], [1, 1]]}}]}}})
    team = _rows(role=["junior", "senior"], revenue=[5, 1000], plan_revenue=[0, 1000])
    assert evaluate(scheme, team).table["total"].tolist() == [0.5, 100]
    with pytest.raises(DataError, match="rep R1, period 2026-01, column plan_revenue: target for 'revenue'"):
        evaluate(scheme, _rows(role=["junior", "senior"], revenue=[5, 1000], plan_revenue=[0, 0]))
