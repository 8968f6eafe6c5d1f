"""Known-answer tests of kpilab.analysis.fines_vs_bonuses."""

from __future__ import annotations

import pandas as pd
import pytest

import kpilab
from kpilab.analysis import bonus_twin, fines_vs_bonuses
from kpilab.plan import Plan


def fines_plan(bonus_needs_a_deal: bool) -> Plan:
    curve = {"steps": [[1, 1]]} if bonus_needs_a_deal else {"steps": [[0, 1]]}
    return Plan.from_dict({"name": "fines", "base": 1000, "components": [
        {"name": "bonus", "kind": "bonus", "metric": "deals", "basis": "value", "amount": 500, "curve": curve},
        {"name": "fine", "kind": "penalty", "metric": "missed_calls", "per_unit": 100, "cap": 300}]})


def team() -> pd.DataFrame:
    return pd.DataFrame({"rep_id": ["R1", "R2", "R3"], "period": "2026-01", "missed_calls": [0.0, 2, 5],
                         "deals": [3.0, 2, 0], "revenue": [300.0, 200, 100],
                         "archetype": ["star", "minimum_doer", "laggard"]})


def test_equal_budget_twin_mirrors_fines_when_nothing_protects_the_bonus() -> None:
    r = fines_vs_bonuses(fines_plan(False), team().assign(deals=1.0))
    assert r.amount == pytest.approx(300.0) and r.scale == pytest.approx(1.0)
    assert r.table.loc["payroll", "fines"] == pytest.approx(4000.0)
    assert r.table.loc["payroll", "bonus"] == pytest.approx(4000.0)
    pr = r.per_rep.set_index("rep_id")
    assert pr["total_fines"].tolist() == pytest.approx([1500.0, 1300.0, 1200.0])
    assert pr["total_bonus"].tolist() == pytest.approx([1500.0, 1300.0, 1200.0])
    assert pr["delta"].abs().max() == pytest.approx(0.0)


def test_floor_makes_fines_miss_the_rep_without_a_bonus() -> None:
    r = fines_vs_bonuses(fines_plan(True), team())
    # fines: R3 has no bonus to take, the floor returns the 300 -> payroll 1500 + 1300 + 1000
    assert r.table.loc["payroll", "fines"] == pytest.approx(3800.0)
    # twin: payroll(s) = 4000 - 500 s = 3800 -> s = 0.4, A = 120 moved from salary to the discipline bonus
    assert r.scale == pytest.approx(0.4) and r.amount == pytest.approx(120.0)
    assert r.bonus_plan.base == pytest.approx(880.0)
    pr = r.per_rep.set_index("rep_id")
    assert pr["total_bonus"].tolist() == pytest.approx([1500.0, 1420.0, 880.0])
    assert pr["lost_fines"].tolist() == pytest.approx([0.0, 200.0, 0.0])
    assert pr["lost_bonus"].tolist() == pytest.approx([0.0, 80.0, 120.0])
    assert pr["delta"].tolist() == pytest.approx([0.0, 120.0, -120.0])
    assert r.by_archetype.loc["laggard", "delta"] == pytest.approx(-120.0)
    assert r.table.loc["share_reps_losing", "fines"] == pytest.approx(1 / 3)
    assert r.table.loc["share_reps_losing", "bonus"] == pytest.approx(2 / 3)
    assert "laggard" in r.summary
    assert "премия" in fines_vs_bonuses(fines_plan(True), team(), lang="ru").summary


def test_twin_shape_and_errors() -> None:
    twin = bonus_twin(fines_plan(True), team(), 1.0)
    assert [c.name for c in twin.components] == ["bonus", "discipline_fine"]
    c = twin.components[1]
    assert c.curve.xs == (0.0, 3.0) and c.curve.ys == (1.0, 0.0) and c.curve.below == 1.0
    with pytest.raises(kpilab.KpilabError):
        fines_vs_bonuses(Plan.from_dict({"name": "x", "base": 1}), team())
    with pytest.raises(kpilab.KpilabError):
        bonus_twin(fines_plan(True), team(), 10.0)  # 3000 > the 1000 salary


def test_sample_team_salary_fines() -> None:
    from kpilab.data.datasets import load_plan, load_sample_team

    r = fines_vs_bonuses(load_plan("salary_fines"), load_sample_team())
    assert r.table.loc["payroll", "bonus"] == pytest.approx(r.table.loc["payroll", "fines"], abs=1.0)
    assert 0 < r.amount < 15000
    assert set(r.by_archetype.index) >= {"star", "minimum_doer", "laggard"}
