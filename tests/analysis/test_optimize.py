"""The optimizer finds known answers, keeps every candidate, and is reproducible from its seed."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab import datasets
from kpilab.analysis import differentiation
from kpilab.analysis.criteria import Criteria
from kpilab.analysis.optimize import Scorer, candidate_plan, describe_path, falling_segments, optimize, parse_free
from kpilab.engine import pay_resolved, resolve_team
from kpilab.errors import KpilabError, PlanError

SAMPLE_FREE = {"target_bonus": [30000, 70000], "components[0].share": [0.05, 0.3],
               "components[1].share": [0.1, 0.3], "components[2].curve.points[0][1]": [0.0, 0.6],
               "components[2].curve.points[2][1]": [2.0, 4.0], "gates[0].when.at_least": [800000, 1100000]}


#: The small team's minimum-doers by hand (it has no activity columns for the segmentation rule);
#: the cost band is off (the team's revenue is made up) and the P90 criterion lowered to leave one binding.
LABELS = {"R3": "minimum_doer", "R4": "minimum_doer"}
CRIT = {"p90_target_multiple_min": 1.0, "cost_of_sales_band": None}


@pytest.fixture(scope="module")
def small_team() -> pd.DataFrame:
    """Eight reps, one month; attainment 0.5 ... 1.6 of a 1 000 000 revenue plan."""
    revenue = np.array([50, 60, 70, 80, 90, 100, 140, 160]) * 10000.0
    return pd.DataFrame({"rep_id": [f"R{i}" for i in range(8)], "period": "2026-01", "revenue": revenue,
                         "archetype": ["laggard", "laggard", "hard_worker", "minimum_doer", "minimum_doer",
                                       "hard_worker", "star", "star"]})


@pytest.fixture(scope="module")
def linear_plan() -> kpilab.Plan:
    return kpilab.Plan.from_dict({
        "name": "linear", "base": 50000, "target_bonus": 60000, "targets": {"revenue": 1000000},
        "components": [{"name": "sales", "kind": "bonus", "metric": "revenue", "share": 1,
                        "curve": {"points": [[0, 0], [2, 2]]}}]})


def test_known_answer_smallest_target_bonus_passing_top_quarter_ratio(small_team, linear_plan) -> None:
    """Pay = 50 000 + TB × attainment. Top quarter (1.4, 1.6) has median 1.5; the minimum-doers
    (0.8, 0.9) median 0.85. Top-to-minimum = (50 000 + 1.5 TB) / (50 000 + 0.85 TB) >= 1.5
    <=> TB >= 25 000 / (1.5 - 1.275) = 111 111.11. Payroll rises with TB, so that is the optimum.
    (P90 variable / TB = P90 of attainment = 1.53: the P90 criterion is set to 1.0 to leave one binding.)"""
    got = optimize(linear_plan, small_team, {"target_bonus": [10000, 300000]},
                   criteria=CRIT, labels=LABELS, seed=1, budget=400)
    want = 25000 / 0.225
    assert got.found and got.method == "differential_evolution"
    assert abs(got.best.target_bonus - want) / want < 0.01
    assert got.verdict.passed
    assert got.best_figures["top_to_minimum"] >= 1.5
    # every evaluated candidate is kept, the starting plan first
    assert len(got.table) == got.evaluations > 100
    assert got.table.iloc[0]["target_bonus"] == 60000
    assert not got.table.iloc[0]["feasible"]  # 60 000 gives only 1.33x


def test_the_same_seed_gives_the_same_search(small_team, linear_plan) -> None:
    runs = [optimize(linear_plan, small_team, {"target_bonus": [10000, 300000]}, seed=7, budget=100,
                     criteria=CRIT, labels=LABELS) for _ in range(2)]
    pd.testing.assert_frame_equal(runs[0].table, runs[1].table, check_exact=True)
    other = optimize(linear_plan, small_team, {"target_bonus": [10000, 300000]}, seed=8, budget=100,
                     criteria=CRIT, labels=LABELS)
    assert not other.table["target_bonus"].equals(runs[0].table["target_bonus"])


@pytest.mark.parametrize("name", ["balanced_kpi", "multi_condition", "salary_fines"])
def test_the_search_scores_as_differentiation_does(name: str) -> None:
    team = kpilab.make_scenarios(12, 6, 4, seed=2)
    plan = datasets.load_plan(name)
    view = resolve_team(plan, team)
    scorer = Scorer(team, Criteria())
    figures = scorer(plan, pay_resolved(plan, view), view)
    report = differentiation(kpilab.evaluate(plan, team), team)
    for key in ("payroll", "variable_payroll", "cost_of_sales", "rho", "top_to_minimum", "p90_target_multiple",
                "p90_variable", "inversions", "inverted_share", "worst_inversion_gap"):
        a, b = figures[key], report.metrics[key]
        assert (np.isnan(a) and np.isnan(b)) or a == b, (key, a, b)


def test_sample_team_finds_a_cheaper_plan_passing_every_criterion() -> None:
    """Balanced KPI on the sample team: six free numbers, no rep to lose more than 15 %."""
    team = datasets.load_sample_team()
    plan = datasets.load_plan("balanced_kpi")
    got = optimize(plan, team, SAMPLE_FREE, seed=1, budget=600, constraints={"max_loss": 0.15})
    assert got.found and got.verdict.passed
    start, best = got.start_figures["payroll"], got.best_figures["payroll"]
    assert start == differentiation(kpilab.evaluate(plan, team), team).metrics["payroll"]  # the plan as it is
    # With the verdict of this release (segmented minimum-doers, the 3-9 % cost band, strength coverage)
    # the plan as it is fails; the search finds the cheapest plan within the bounds that passes.
    assert not got.table.iloc[0]["feasible"] or best < start
    assert best < 1.05 * start
    check = differentiation(kpilab.evaluate(got.best, team), team)
    assert check.passed and check.metrics["payroll"] == best
    per_rep_before = kpilab.evaluate(plan, team).table.groupby("rep_id")["total"].mean()
    per_rep_after = kpilab.evaluate(got.best, team).table.groupby("rep_id")["total"].mean()
    assert (per_rep_after >= 0.85 * per_rep_before - 1e-6).all()
    assert falling_segments(got.best) == 0
    ru = got.diff_text("ru")
    assert len(ru.splitlines()) == len(got.changes) >= 3
    assert not re.search("[A-Za-z]", ru.replace("KPI", "")), ru  # no code id, no English word (KPI is Russian usage)
    assert "Целевой бонус: 45\u00a0000\u00a0₽ → " in ru
    assert "Payroll " in got.summary("en")
    # the plan file says where it came from, not the old numbers
    assert got.best.description.startswith("Found by a search from the plan «Balanced KPI matrix». Changes: Target bonus")


def test_a_pareto_front_for_two_objectives(small_team, linear_plan) -> None:
    got = optimize(linear_plan, small_team, {"target_bonus": [10000, 300000], "base": [20000, 80000]},
                   objective=("payroll", "top_to_minimum"), criteria=CRIT, labels=LABELS,
                   seed=3, budget=400)
    assert got.method == "nsga2"
    front = got.pareto
    assert front is not None and len(front) >= 5
    assert front["feasible"].all()
    # sorted by payroll, and top-to-minimum rises along the front (a trade-off, nothing dominated)
    assert front["payroll"].is_monotonic_increasing
    assert front["top_to_minimum"].is_monotonic_increasing
    feasible = got.table[got.table["feasible"]]
    for row in front.itertuples():
        better = (feasible["payroll"] <= row.payroll) & (feasible["top_to_minimum"] >= row.top_to_minimum) & \
            ((feasible["payroll"] < row.payroll) | (feasible["top_to_minimum"] > row.top_to_minimum))
        assert not better.any()
    assert got.best_figures["payroll"] == front["payroll"].iloc[0]
    # the chart draws what the result holds
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from kpilab.plots import plot_pareto

    ax = plot_pareto(got, lang="ru")
    drawn = {a.get_gid(): a for a in ax.collections + ax.lines}
    assert len(drawn["pareto_front"].get_xdata()) == len(front)
    assert len(drawn["pareto_feasible"].get_offsets()) == int(got.table["feasible"].sum())
    assert len(drawn["pareto_candidates"].get_offsets()) == int((~got.table["feasible"]).sum())
    assert list(drawn["pareto_best"].get_offsets()[0]) == [got.best_figures["payroll"],
                                                            got.best_figures["top_to_minimum"]]
    assert ax.get_xlabel() == "Фонд оплаты труда"
    plt.close(ax.figure)


def test_no_plan_within_the_bounds(small_team, linear_plan) -> None:
    # the plan's own 60 000 is the top of the bounds (a start outside them is an error); passing needs 111 111
    got = optimize(linear_plan, small_team, {"target_bonus": [10000, 60000]},
                   criteria=CRIT, labels=LABELS, seed=1, budget=100)
    assert not got.found and got.pareto is None
    assert "No plan within the given bounds" in got.summary("en")
    assert "нет плана" in got.summary("ru")
    with pytest.raises(KpilabError, match="nothing to write"):
        got.to_yaml()
    assert not got.table["feasible"].any()


def test_robust_share_on_scenarios() -> None:
    team = kpilab.make_scenarios(16, 6, 10, seed=5)
    plan = datasets.load_plan("balanced_kpi")
    got = optimize(plan, team, {"target_bonus": [30000, 70000]}, seed=2, budget=120, robust_share=0.8)
    assert {"rho_share", "top_to_minimum_share", "p90_target_multiple_share", "inversions_share"} <= \
        set(got.table.columns)
    if got.found:
        for name in ("rho", "p90_target_multiple", "inversions"):
            assert got.best_figures[f"{name}_share"] >= 0.8


def test_free_numbers_are_checked_with_their_key_paths() -> None:
    plan = datasets.load_plan("balanced_kpi")
    with pytest.raises(PlanError) as err:
        parse_free({"target_bonuss": [1, 2], "components[2].curve.points[0][1]": [0.5, 0.1],
                    "components[0].kpis.calls.weight": [0.1, 1.5], "name": [1, 2],
                    "base": "lots"}, plan, source="free.yaml")
    text = str(err.value)
    for where in ("free.target_bonuss", "free.components[2].curve.points[0][1]",
                  "free.components[0].kpis.calls.weight", "free.name", "free.base", "free.yaml"):
        assert where in text, where
    with pytest.raises(PlanError, match="at least one"):
        parse_free({}, plan)


def test_a_start_outside_its_bounds_is_an_error_not_a_silent_clip(small_team, linear_plan) -> None:
    """The search starts from the plan as it is, so a bound that excludes the plan's own value is refused.

    Balanced KPI v3 pays 0 at the first point of the revenue curve and has a target bonus of 45 000;
    bounds [0.1, 0.6] and [50 000, 70 000] exclude both. Before, the start was moved silently to 0.1 and
    50 000, and the search reported its changes against a plan nobody wrote. Each is named by its key
    path with the value and the bounds, in the session's language (English and Russian), and bounds that
    include the value (0 in [0, 0.6]; 45 000 at the lower edge of [45 000, 70 000]) are accepted.
    ``Free`` items given directly to :func:`optimize` are checked the same way, before any team is paid.
    """
    from kpilab.analysis.optimize import Free
    from kpilab.i18n.messages import messages_in

    plan = datasets.load_plan("balanced_kpi")
    bad = {"components[2].curve.points[0][1]": [0.1, 0.6], "target_bonus": [50000, 70000],
           "components[0].share": [0.05, 0.3]}
    with messages_in("en"), pytest.raises(PlanError) as err:
        parse_free(bad, plan, source="free.yaml")
    assert [p for p, _ in err.value.problems] == ["free.components[2].curve.points[0][1]", "free.target_bonus"]
    text = str(err.value)
    assert "free.yaml" in text
    assert "the plan's own value, 0, lies outside the bounds (from 0.1 to 0.6)" in text
    assert "the plan's own value, 45,000, lies outside the bounds (from 50,000 to 70,000)" in text
    with messages_in("ru"), pytest.raises(PlanError) as err:
        parse_free(bad, plan)
    assert "значение в самом плане, 45\u00a0000, лежит вне границ (от 50\u00a0000 до 70\u00a0000)" in str(err.value)
    assert "значение в самом плане, 0, лежит вне границ (от 0,1 до 0,6)" in str(err.value)
    ok = parse_free({"components[2].curve.points[0][1]": [0.0, 0.6], "target_bonus": [45000, 70000]}, plan)
    assert [f.start for f in ok] == [0.0, 45000.0]
    # Free items bypass parse_free: optimize() checks them itself, before paying anyone
    with messages_in("en"), pytest.raises(PlanError, match=r"free\.target_bonus: the plan's own value, 60,000, lies outside the bounds \(from 200 to 300\)"):
        optimize(linear_plan, small_team, [Free("target_bonus", 200.0, 300.0, float(linear_plan.target_bonus))],
                 seed=1, budget=10, criteria=CRIT, labels=LABELS)


def test_kpi_weights_keep_summing_to_one() -> None:
    plan = datasets.load_plan("balanced_kpi")
    items = parse_free({"components[0].kpis.calls.weight": [0.0, 1.0],
                        "components[0].kpis.meetings.weight": [0.0, 1.0]}, plan)
    got = candidate_plan(plan, items, [0.5, 0.2])
    weights = {k.metric: k.weight for k in got.components[0].kpis}
    assert weights["calls"] == 0.5 and weights["meetings"] == 0.2
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-12)
    # emails and follow_ups keep their 0.15 : 0.25 proportion of the remaining 0.3
    assert weights["emails"] == pytest.approx(0.1125) and weights["follow_ups"] == pytest.approx(0.1875)
    with pytest.raises(PlanError, match="more than 1"):
        candidate_plan(plan, items, [0.7, 0.6])


def test_plain_words_for_key_paths() -> None:
    plan = datasets.load_plan("balanced_kpi")
    assert describe_path("components[0].kpis.calls.weight", plan, "ru") == "Матрица KPI: вес показателя «Звонки»"
    assert describe_path("gates[0].when.at_least", plan, "en") == "Condition 1 of payment (Revenue): threshold"
    assert describe_path("targets.deals", plan, "ru").startswith("План по показателю")


def test_falling_curves_are_counted() -> None:
    plan = datasets.load_plan("balanced_kpi")
    assert falling_segments(plan) == 0
    from kpilab.plan.paths import set_at

    assert falling_segments(set_at(plan, "components[2].curve.points[2][1]", 0.2)) == 1


def test_bad_arguments() -> None:
    plan = datasets.load_plan("balanced_kpi")
    team = datasets.load_sample_team()
    with pytest.raises(KpilabError, match="objective"):
        optimize(plan, team, {"target_bonus": [1, 2]}, objective="happiness")
    with pytest.raises(KpilabError, match="constraint"):
        optimize(plan, team, {"target_bonus": [1, 2]}, constraints={"joy": 1})


def test_profit_objective_predicts_with_the_response_model_and_states_its_assumptions() -> None:
    """``profit``: revenue minus pay under each candidate's predicted best response; the figure is the
    centre of :func:`kpilab.analysis.response.predict`, and the summary gives its range and assumptions."""
    from kpilab.analysis.optimize.profit import ProfitModel
    from kpilab.analysis.response import predict
    from kpilab.plan.paths import set_at

    team = kpilab.make_team(10, 12, seed=3)
    plan = datasets.load_plan("balanced_kpi")
    richer = set_at(plan, "target_bonus", 45000)
    model = ProfitModel(plan, team, scenarios=20, seed=0)
    assert model(richer) == predict(plan, richer, team, scenarios=20, seed=0,
                                    verdict=False).team.loc["profit_after_pay", "predicted"]
    got = optimize(plan, team, {"target_bonus": [35000, 70000]}, objective="profit", budget=24, popsize=8,
                   constraints={"criteria": False}, profit_scenarios=20)
    assert got.found and got.best_figures["profit"] == got.table["profit"].max()
    assert got.best_figures["profit"] >= got.table.iloc[0]["profit"]
    row = got.prediction.team.loc["profit_after_pay"]
    assert row["low"] <= row["predicted"] <= row["high"]
    ru = got.summary("ru")
    assert "Прогноз прибыли после оплаты труда" in ru and "На чём основана модель" in ru
    assert "Predicted profit after pay" in got.summary("en")
    with pytest.raises(KpilabError, match="one observed year"):
        optimize(plan, kpilab.make_scenarios(6, 3, 2, seed=1), {"target_bonus": [35000, 70000]},
                 objective="profit", budget=4)


def test_finalists_are_judged_by_the_full_verdict(small_team, linear_plan) -> None:
    """``finalists``: the best feasible plans in order, each judged with the bootstrap; the first robust one wins."""
    got = optimize(linear_plan, small_team, {"target_bonus": [60000, 200000]}, seed=0, budget=40,
                   criteria=CRIT, labels=LABELS, finalists=3)
    judged = got.table[got.table["verdict_robustness"] != ""]
    assert 1 <= len(judged) <= 3
    assert set(judged["verdict_robustness"]) <= {"robust", "borderline", "fails"}
    if got.found:
        assert got.verdict.robustness == "robust"
        assert got.table.loc[judged.index[-1], "verdict_robustness"] == "robust"
    else:
        assert (judged["verdict_robustness"] != "robust").all() and len(judged) == 3
