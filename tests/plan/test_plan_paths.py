"""kpilab.plan.paths: one number of a plan changed by its key path, never by mutation."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from kpilab import Plan, PlanError, load_plan
from kpilab.plan.paths import format_path, get_at, numeric_paths, parse_path, set_at, set_weight

PLANS = Path(__file__).resolve().parents[2] / "data" / "plans"


@pytest.fixture(scope="module")
def balanced() -> Plan:
    plan = load_plan(PLANS / "balanced_kpi.yaml")
    assert isinstance(plan, Plan)
    return plan


@pytest.mark.parametrize("path, keys", [
    ("target_bonus", ("target_bonus",)),
    ("components[0].kpis.calls.weight", ("components", 0, "kpis", "calls", "weight")),
    ("components[2].curve.points[1][1]", ("components", 2, "curve", "points", 1, 1)),
    ("gates[1].when.all[0].attainment_at_least", ("gates", 1, "when", "all", 0, "attainment_at_least")),
])
def test_parse_and_format_are_inverse(path: str, keys: tuple) -> None:
    assert parse_path(path) == keys
    assert format_path(keys) == path


@pytest.mark.parametrize("bad", ["", ".x", "a..b", "a[x]", "a[0]b", "a b"])
def test_bad_paths_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_path(bad)


def test_top_level_number_uses_replace_and_leaves_the_original(balanced: Plan) -> None:
    new = set_at(balanced, "target_bonus", 75000)
    assert new.target_bonus == 75000.0
    assert balanced.target_bonus == 45000.0
    assert new == dataclasses.replace(balanced, target_bonus=75000.0)
    assert set_at(balanced, "target_bonus", 45000) == balanced


def test_nested_values(balanced: Plan) -> None:
    new = set_at(balanced, "components[2].curve.points[2][1]", 2.5)
    assert new.components[2].curve.ys == (0.0, 1.0, 2.5)
    assert balanced.components[2].curve.ys == (0.0, 1.0, 3.0)
    assert new.components[2].curve.xs == balanced.components[2].curve.xs
    assert new.components[:2] == balanced.components[:2]
    new = set_at(balanced, "gates[0].when.at_least", 900000)
    assert new.gates[0].when.threshold == 900000.0
    assert get_at(new, "gates[0].when.at_least") == 900000
    multi = load_plan(PLANS / "multi_condition.yaml")
    new = set_at(multi, "gates[1].when.all[0].attainment_at_least", 0.7)
    assert new.gates[1].when.conditions[0].threshold == 0.7
    assert new.gates[1].when.conditions[1] == multi.gates[1].when.conditions[1]
    new = set_at(balanced, "limits.variable_cap.share", 2)
    assert new.limits.variable_cap_share == 2.0
    assert set_at(balanced, "components[1].share", 0.25).components[1].share == 0.25


def test_penalty_and_tiers() -> None:
    fines = load_plan(PLANS / "salary_fines.yaml")
    assert set_at(fines, "components[1].per_unit", 500).components[1].per_unit == 500.0
    tiered = load_plan(PLANS / "tiered_commission.yaml")
    new = set_at(tiered, "components[0].tiers[2].rate", 0.07)
    assert [t.rate for t in new.components[0].tiers] == [0.02, 0.03, 0.07]
    new = set_at(tiered, "components[0].tiers[1].from", 0.9)
    assert [t.start for t in new.components[0].tiers] == [0.0, 0.9, 1.0]


def test_invalid_values_raise_plan_errors_with_the_path(balanced: Plan) -> None:
    with pytest.raises(PlanError) as err:
        set_at(balanced, "components[2].curve.points[1][0]", 0.5)  # x no longer increasing
    assert "components[2].curve.points" in str(err.value)
    with pytest.raises(PlanError):
        set_at(balanced, "target_bonus", -1)
    with pytest.raises(PlanError):
        set_at(balanced, "target_bonus", float("nan"))
    with pytest.raises(KeyError):
        set_at(balanced, "components[7].share", 0.1)
    with pytest.raises(KeyError):
        set_at(balanced, "components[0].amount", 100)  # never invents keys


def test_set_weight_rescales_the_others_proportionally(balanced: Plan) -> None:
    new = set_weight(balanced, "components[0].kpis.calls.weight", 0.5)
    weights = {k.metric: k.weight for k in new.components[0].kpis}
    assert weights["calls"] == 0.5
    assert math.fsum(weights.values()) == pytest.approx(1.0, abs=1e-12)
    # the others keep their proportions: meetings 0.3, emails 0.15, follow_ups 0.25 of 0.7 -> of 0.5
    assert weights["meetings"] == pytest.approx(0.3 / 0.7 * 0.5)
    assert weights["emails"] == pytest.approx(0.15 / 0.7 * 0.5)
    assert weights["follow_ups"] == pytest.approx(0.25 / 0.7 * 0.5)
    assert balanced.components[0].kpis[0].weight == 0.3
    # all the weight on one KPI, then back: the others were all 0, so they share equally
    one = set_weight(new, "components[0].kpis.calls.weight", 1.0)
    assert [k.weight for k in one.components[0].kpis] == [1.0, 0.0, 0.0, 0.0]
    back = set_weight(one, "components[0].kpis.calls.weight", 0.4)
    assert [k.weight for k in back.components[0].kpis] == pytest.approx([0.4, 0.2, 0.2, 0.2])


def test_set_weight_refuses_other_paths(balanced: Plan) -> None:
    with pytest.raises(ValueError):
        set_weight(balanced, "components[0].share", 0.5)
    with pytest.raises(ValueError):
        set_weight(balanced, "components[0].kpis.calls.weight", 1.5)


def test_numeric_paths_round_trip(balanced: Plan) -> None:
    paths = numeric_paths(balanced)
    assert paths["target_bonus"] == 45000.0
    assert paths["components[0].kpis.calls.weight"] == 0.3
    assert paths["components[2].curve.points[2][1]"] == 3.0
    assert paths["gates[0].when.at_least"] == 960000.0
    assert paths["modifiers[0].curve.points[1][0]"] == 0.5  # the activity minimum (issue 11, version 3)
    for path, value in paths.items():
        assert get_at(balanced, path) == value
        assert set_at(balanced, path, value) == balanced
