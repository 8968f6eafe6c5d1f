"""kpilab.widgets: the tuner recomputes exactly what the engine and the analysis say, and draws it."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import kpilab  # noqa: E402
from kpilab import datasets, widgets  # noqa: E402
from kpilab.analysis import differentiation, payout_curve  # noqa: E402
from kpilab.plan import Plan  # noqa: E402
from kpilab.plan.paths import set_at  # noqa: E402


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    return datasets.load_sample_team()


@pytest.fixture(scope="module")
def balanced() -> Plan:
    plan = datasets.load_plan("balanced_kpi")
    assert isinstance(plan, Plan)
    return plan


@pytest.fixture()
def tuner(balanced: Plan, team: pd.DataFrame) -> widgets.Tuner:
    return widgets.tuner(balanced, team)


def test_controls_are_generated_from_the_plan(tuner: widgets.Tuner, balanced: Plan) -> None:
    c = tuner.controls
    for path in ("base", "target_bonus", "components[0].share", "components[0].kpis.calls.weight",
                 "components[2].curve.points[1][1]", "gates[0].when.at_least", "limits.variable_cap.share"):
        assert path in c, path
    assert c["target_bonus"].value == 55000.0
    assert c["components[0].kpis.emails.weight"].value == 0.15
    assert c["components[2].curve.points[0][0]"].value == 960000.0
    assert all(s.continuous_update is False for s in c.values())
    fines = widgets.tuner(datasets.load_plan("salary_fines"), datasets.load_sample_team())
    assert fines.controls["components[1].per_unit"].value == 1000.0
    assert fines.controls["components[1].free"].value == 3.0
    assert fines.controls["components[1].cap"].value == 15000.0
    tiered = widgets.tuner(datasets.load_plan("tiered_commission"), datasets.load_sample_team())
    assert tiered.controls["components[0].tiers[2].rate"].value == 0.05
    assert tiered.controls["components[0].tiers[1].from"].value == 0.8


def test_slider_replaces_the_plan_and_recomputes_exactly(tuner: widgets.Tuner, balanced: Plan,
                                                         team: pd.DataFrame) -> None:
    before = tuner.plan
    tuner.controls["target_bonus"].value = 80000.0
    assert tuner.plan is not before
    assert balanced.target_bonus == 55000.0  # never mutated
    expected_plan = set_at(balanced, "target_bonus", 80000.0)
    assert tuner.plan == expected_plan
    expected = kpilab.evaluate(expected_plan, team)
    assert tuner.payouts.table["total"].sum() == expected.table["total"].sum()
    np.testing.assert_array_equal(tuner.payouts.table["total"].to_numpy(), expected.table["total"].to_numpy())
    report = differentiation(expected)
    assert tuner.report.metrics["payroll"] == report.metrics["payroll"]
    assert tuner.report.passed == report.passed
    assert list(tuner.report.verdict["status"]) == list(report.verdict["status"])


def test_verdict_and_cost_text_follow_the_report(tuner: widgets.Tuner) -> None:
    v = tuner.report.verdict
    shown = v[~((v["criterion"] == "cost_of_sales") & (v["status"] == "not assessed"))]  # shown in the cost panel
    for sentence in shown["explanation"]:
        assert sentence in tuner.verdict_html.value
    assert len(shown) >= 4
    head = "PASS" if tuner.report.passed else "FAIL"
    assert f"Verdict: {head}" in tuner.verdict_html.value
    month = kpilab.i18n.format_money(tuner.report.metrics["payroll"] / 12, "en", "RUB")
    assert month in tuner.cost_html.value
    assert "no change yet" in tuner.cost_html.value
    # kill the revenue bonus: the verdict must change, and so must the cost
    old_verdict, old_cost = tuner.verdict_html.value, tuner.cost_html.value
    tuner.controls["components[2].share"].value = 0.0
    assert tuner.plan.components[2].share == 0.0
    assert tuner.report.passed is False
    assert "Verdict: FAIL" in tuner.verdict_html.value
    assert tuner.verdict_html.value != old_verdict and tuner.cost_html.value != old_cost
    assert "−" in tuner.cost_html.value  # payroll fell against the baseline


def test_figure_draws_the_engine_numbers(tuner: widgets.Tuner) -> None:
    tuner.controls["components[2].curve.points[2][1]"].value = 2.0
    line = next(l for l in tuner.axes["curve"].get_lines() if l.get_gid() == "payout_curve")
    x = np.linspace(0, 2, 401)
    raw = x * tuner.plan.targets["revenue"]  # revenue_bonus reads revenue by value: the sweep is in RUB
    expected = payout_curve(tuner.plan, metric="revenue", attainments=raw)["variable"].to_numpy()
    np.testing.assert_allclose(line.get_xdata(), x)
    np.testing.assert_array_equal(line.get_ydata(), expected)
    # one dot per rep at (mean revenue, mean total pay), the analysis' per-rep numbers
    per_rep = tuner.report.per_rep.set_index("rep_id")
    stars = per_rep[per_rep["archetype"] == "star"]
    offsets = tuner.axes["scatter"].collections
    coll = next(c for c in offsets if c.get_gid() == "reps:star")
    np.testing.assert_allclose(np.asarray(coll.get_offsets()),
                               stars[["performance", "total"]].to_numpy(float))
    bars = [b.get_width() for b in tuner._bars_now]
    by_arch = tuner.report.by_archetype["median_total"]
    assert bars[0] == pytest.approx(by_arch["star"])
    assert tuner.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert set(tuner.timings) == {"plan", "evaluate", "analysis", "draw", "total"}


def test_kpi_weights_renormalise(tuner: widgets.Tuner) -> None:
    tuner.controls["components[0].kpis.calls.weight"].value = 0.6
    weights = {k.metric: k.weight for k in tuner.plan.components[0].kpis}
    assert weights["calls"] == 0.6
    assert math.fsum(weights.values()) == pytest.approx(1.0, abs=1e-12)
    assert weights["meetings"] == pytest.approx(0.3 / 0.7 * 0.4)
    for metric, w in weights.items():
        assert tuner.controls[f"components[0].kpis.{metric}.weight"].value == pytest.approx(w)


def test_invalid_value_is_refused_and_the_slider_goes_back(tuner: widgets.Tuner) -> None:
    plan = tuner.plan
    tuner.controls["components[2].curve.points[1][0]"].value = 500000.0  # below point 1 (960 000)
    assert tuner.plan is plan
    assert tuner.controls["components[2].curve.points[1][0]"].value == 1200000.0
    assert "Not applied" in tuner.status.value and "increasing" in tuner.status.value


def test_save_and_reset(tuner: widgets.Tuner, balanced: Plan, tmp_path: Path) -> None:
    tuner.controls["target_bonus"].value = 70000.0
    tuner.controls["gates[0].when.at_least"].value = 900000.0
    tuner.path_box.value = str(tmp_path / "out" / "tuned.yaml")
    tuner.save_button.click()
    saved = kpilab.load_plan(tmp_path / "out" / "tuned.yaml")
    assert saved == tuner.plan
    assert saved.target_bonus == 70000.0 and saved.gates[0].when.threshold == 900000.0
    total = tuner.payouts.table["total"].sum()
    tuner.reset_button.click()
    assert tuner.plan == balanced
    assert tuner.controls["target_bonus"].value == 55000.0
    assert tuner.controls["gates[0].when.at_least"].value == 960000.0
    assert tuner.payouts.table["total"].sum() != total
    assert "no change yet" in tuner.cost_html.value


def test_baseline_scenarios_and_russian(balanced: Plan, team: pd.DataFrame) -> None:
    base = datasets.load_plan("salary_only")
    t = widgets.tuner(balanced, team.head(24 * 12), baseline=base, lang="ru", n_scenarios=3, seed=1)
    assert "scenario" in t.data.columns and t.data["scenario"].nunique() == 3
    assert t.data["rep_id"].nunique() == 24
    assert "Вердикт" in t.verdict_html.value
    assert "P10–P90" in t.cost_html.value and "Salary only" in t.cost_html.value
    assert t.report.metrics["payroll"] != t.baseline_report.metrics["payroll"]
    with pytest.raises(kpilab.KpilabError):
        widgets.tuner(datasets.load_plan("roles_scheme"), team)


def test_comparison_widget(team: pd.DataFrame) -> None:
    plans = {n: datasets.load_plan(n) for n in ("salary_only", "salary_fines", "balanced_kpi")}
    w = widgets.comparison(plans, team)
    assert list(w.comparison.table.columns) == list(plans)
    payroll = kpilab.i18n.format_money(w.comparison.table.loc["payroll", "balanced_kpi"], "en", "RUB")
    assert payroll in w.table_html.value
    w.select.value = ("salary_only", "balanced_kpi")
    assert list(w.comparison.table.columns) == ["salary_only", "balanced_kpi"]
    assert w.image.value[:4] == b"\x89PNG"
    w.select.value = ()
    assert w.comparison is None and "Pick at least one" in w.table_html.value
