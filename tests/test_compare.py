"""Known-answer tests of kpilab.analysis.compare."""

from __future__ import annotations

import pandas as pd
import pytest

import kpilab
from kpilab.analysis import compare
from kpilab.plan import Plan

from test_differentiation import linear_plan, team8


FLAT = Plan.from_dict({"name": "flat", "base": 1000})


def test_table_metrics_by_plans_and_deltas() -> None:
    c = compare({"flat": FLAT, "lin": linear_plan()}, team8())
    assert list(c.table.columns) == ["flat", "lin"]
    assert c.baseline == "flat"
    assert c.table.loc["payroll", "flat"] == pytest.approx(8000.0)
    assert c.table.loc["payroll", "lin"] == pytest.approx(11600.0)
    assert c.table.loc["top_to_minimum", "lin"] == pytest.approx(1.4)
    assert c.deltas["lin"].tolist() == pytest.approx([100.0 * i for i in range(1, 9)])
    assert c.deltas["flat"].abs().max() == 0
    assert c.table.loc["mean_delta", "lin"] == pytest.approx(450.0)
    assert c.table.loc["share_gaining", "lin"] == pytest.approx(1.0)
    assert c.table.loc["max_loss", "lin"] == pytest.approx(100.0)
    assert c.verdict.loc["rho", "flat"] == "fail" and c.verdict.loc["rho", "lin"] == "pass"
    assert c.passed == {"flat": False, "lin": False}
    assert c.pay.loc["R8", "lin"] == pytest.approx(1800.0) and c.pay.loc["R8", "archetype"] == "star"


def test_baseline_choice_sequence_names_and_errors() -> None:
    c = compare([FLAT, linear_plan()], team8(), baseline="lin")
    assert list(c.table.columns) == ["flat", "lin"] and c.baseline == "lin"
    assert c.deltas["flat"].tolist() == pytest.approx([-100.0 * i for i in range(1, 9)])
    assert c.table.loc["share_losing", "flat"] == pytest.approx(1.0)
    with pytest.raises(kpilab.KpilabError):
        compare([FLAT], team8(), baseline="nope")
    same = compare([FLAT, FLAT], team8())
    assert list(same.table.columns) == ["flat", "flat (2)"]


def test_scenario_team_and_criteria_pass_through() -> None:
    s0, s1 = team8().assign(scenario=0), team8().assign(scenario=1)
    s1["revenue"] *= 2
    scen = pd.concat([s0, s1], ignore_index=True)
    c = compare({"flat": FLAT, "lin": linear_plan()}, scen, criteria={"top_to_minimum_min": 1.3})
    assert c.table.loc["budget_p50", "lin"] == pytest.approx(13400.0)
    assert c.table.loc["budget_p50", "flat"] == pytest.approx(8000.0)
    assert c.verdict.loc["top_to_minimum", "lin"] == "pass"
    assert "<table" in c._repr_html_()
