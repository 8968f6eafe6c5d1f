"""The plan model: round trips, immutability, variants, and errors with key paths."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from kpilab import Plan, PlanError, Scheme, load_plan
from kpilab.plan import Bonus, Curve

ROOT = Path(__file__).resolve().parents[2]
PLAN_FILES = sorted((ROOT / "data" / "plans").glob("*.yaml"))

SCORECARD = {
    "name": "kpi", "base": 30000, "target_bonus": 40000,
    "targets": {"calls": 800, "deals": 10, "revenue": 1_000_000},
    "components": [{
        "name": "kpi", "kind": "scorecard", "share": 1,
        "kpis": {"calls": {"weight": 0.3, "curve": {"steps": [[0.7, 0.5], [0.9, 0.9], [1.0, 1.0], [1.2, 1.1]]}},
                 "deals": {"weight": 0.7, "curve": {"points": [[0.5, 0], [1.0, 1.0], [1.5, 1.5]]}}},
    }],
    "gates": [{"applies_to": "all", "when": {"metric": "revenue", "attainment_at_least": 0.8}}],
}


def _error(data: dict) -> PlanError:
    with pytest.raises(PlanError) as info:
        Plan.from_dict(data)
    return info.value


def _with_component(**component: object) -> dict:
    return {"name": "x", "target_bonus": 1000, "targets": {"revenue": 100}, "components": [component]}


@pytest.mark.parametrize("path", PLAN_FILES, ids=lambda p: p.stem)
def test_every_bundled_plan_round_trips(path: Path) -> None:
    plan = load_plan(path)
    again = type(plan).from_dict(plan.to_dict())
    assert again == plan
    assert load_plan(plan.to_yaml()) == plan  # through YAML text too


def test_bundled_plans_are_the_seven_promised() -> None:
    assert {p.stem for p in PLAN_FILES} == {"salary_only", "salary_fines", "tiered_commission",
                                            "balanced_kpi", "multi_condition", "roles_scheme",
                                            "quarterly_trueup"}  # issue 14: pay across months
    assert isinstance(load_plan(ROOT / "data/plans/roles_scheme.yaml"), Scheme)


def test_plan_is_frozen_and_variants_come_from_replace() -> None:
    plan = Plan.from_dict(SCORECARD)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.base = 1  # type: ignore[misc]
    richer = dataclasses.replace(plan, target_bonus=50000)
    assert richer.target_bonus == 50000 and plan.target_bonus == 40000
    assert richer != plan and richer.components == plan.components


def test_replace_validates_the_variant() -> None:
    plan = Plan.from_dict(SCORECARD)
    with pytest.raises(PlanError, match="base must be >= 0"):
        dataclasses.replace(plan, base=-1)


def test_replace_component_changes_one_piece() -> None:
    plan = Plan.from_dict(_with_component(name="b", kind="bonus", metric="revenue", share=1,
                                          curve={"points": [[0, 0], [1, 1]]}))
    half = plan.replace_component("b", share=0.5)
    assert half.component("b").share == 0.5 and plan.component("b").share == 1
    with pytest.raises(KeyError, match="did you mean 'b'"):
        plan.component("bb")


def test_plans_are_hashable_values() -> None:
    assert hash(Plan.from_dict(SCORECARD)) == hash(Plan.from_dict(SCORECARD))


def test_what_a_plan_reads() -> None:
    plan = Plan.from_dict(SCORECARD)
    assert plan.metrics_needed() == {"calls", "deals", "revenue"}
    assert plan.attainment_metrics() == {"calls", "deals", "revenue"}


@pytest.mark.parametrize(("data", "path", "words"), [
    (_with_component(name="c", kind="commission", metric="revenue",
                     tiers=[{"from": 0, "rate": 0.1}, {"from": 100000, "rate": 0.1}, {"from": 50000, "rate": 0.2}]),
     "components[0].tiers[2].from", "tiers must start in increasing order (50000 after 100000)"),
    (_with_component(name="c", kind="commission", metric="revenue",
                     tiers=[{"from": 10, "rate": 0.1}, {"from": 10, "rate": 0.2}]),
     "components[0].tiers[1].from", "increasing order (10 after 10)"),
    (_with_component(name="c", kind="bonus", metric="revenue", share=1, curve={"points": [[1, 1], [0.5, 2]]}),
     "components[0].curve.points[1]", "strictly increasing"),
    (_with_component(name="c", kind="comission", metric="revenue", rate=0.1),
     "components[0].kind", "did you mean 'commission'"),
    (_with_component(name="c", kind="bonus", metric="revenue", shares=1, curve={"points": [[0, 0]]}),
     "components[0].shares", "did you mean 'share'"),
    (_with_component(name="c", kind="bonus", metric="revenue", share=1, amount=5, curve={"points": [[0, 0]]}),
     "components[0]", "not both"),
    (_with_component(name="c", kind="team", metric="revenue", curve={"points": [[0, 0]]}),
     "components[0]", "neither"),
    (_with_component(name="c", kind="commission", metric="revenue", rate=-0.1),
     "components[0].rate", "must be >= 0"),
    (_with_component(name="c", kind="bonus", metric="revenue", amount=-5, curve={"points": [[0, 0]]}),
     "components[0].amount", "must be >= 0"),
    (_with_component(name="c", kind="penalty", metric="missed_calls", per_unit=0),
     "components[0].per_unit", "must be > 0"),
    (_with_component(name="total", kind="commission", metric="revenue", rate=0.1),
     "components[0].name", "output column"),
    (_with_component(name="c", kind="bonus", metric="revenue", share=1, curve={"steps": [[0, 0]], "extend": True}),
     "components[0].curve.extend", "only a 'points' curve"),
    (_with_component(name="c", kind="bonus", metric="revenue", share=1, curve={"points": [[0, 0]], "closed": "right"}),
     "components[0].curve.closed", "only a 'steps' curve"),
    (_with_component(name="c", kind="bonus", metric="revenue", share=1, basis="val", curve={"points": [[0, 0]]}),
     "components[0].basis", "did you mean 'value'"),
    ({**SCORECARD, "components": [{**SCORECARD["components"][0], "kpis": {
        "calls": {"weight": 0.5, "curve": {"points": [[0, 0]]}},
        "deals": {"weight": 0.6, "curve": {"points": [[0, 0]]}}}}]},
     "components[0].kpis", "weights must sum to 1, they sum to 1.1"),
    ({**SCORECARD, "gates": [{"applies_to": ["kpi", "kpii"], "when": {"metric": "revenue", "at_least": 1}}]},
     "gates[0].applies_to[1]", "no component named 'kpii' (did you mean 'kpi'?)"),
    ({**_with_component(name="f", kind="penalty", metric="missed_calls", per_unit=100),
      "gates": [{"applies_to": ["f"], "when": {"metric": "revenue", "at_least": 1}}]},
     "gates[0].applies_to[0]", "never applies to a penalty"),
    ({**_with_component(name="f", kind="penalty", metric="missed_calls", per_unit=100),
      "modifiers": [{"applies_to": ["f"], "metric": "revenue", "curve": {"points": [[0, 1]]}}]},
     "modifiers[0].applies_to[0]", "never applies to a penalty"),
    ({**SCORECARD, "gates": [{"applies_to": "all", "when": {"any": [{"metric": "calls", "at_least": 3},
                                                                  {"metric": "deals"}]}}]},
     "gates[0].when.any[1]", "needs exactly one of"),
    ({"name": "x", "limits": {"variable_cap": {"share": -1}}}, "limits.variable_cap.share", "must be >= 0"),
    ({"name": "x", "limits": {"floor": "salary"}}, "limits.floor", "'base', a number or none"),
    ({"name": "x", "targets": {"calls": 0}}, "targets.calls", "must be > 0"),
    ({"base": 1}, "name", "is required"),
    ({"name": "x", "base": True}, "base", "must be a number"),
    (_with_component(name="c", kind="bonus", metric="revenue", share=1, on="value", curve={"points": [[0, 0]]}),
     "components[0].on", "basis"),
])
def test_errors_name_the_key_path(data: dict, path: str, words: str) -> None:
    error = _error(data)
    assert any(p == path and words in m for p, m in error.problems), error.problems
    assert f"{path}: " in str(error)


def test_every_problem_is_reported_at_once() -> None:
    error = _error({"name": "x", "basee": 5, "limits": {"floor": "nope"},
                    "components": [{"name": "c", "kind": "commission", "metric": "revenue", "rate": -1}]})
    assert {p for p, _ in error.problems} == {"basee", "limits.floor", "components[0].rate"}
    assert str(error).startswith("3 problems in plan")


def test_yaml_on_key_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: x\ncomponents:\n - {name: c, kind: bonus, metric: r, share: 1, on: value,"
                    " curve: {points: [[0, 0]]}}\n")
    with pytest.raises(PlanError, match=r"components\[0\]\.on: .*basis"):
        load_plan(path)


def test_object_building_tags_are_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(PlanError, match="line 1") as info:
        load_plan(path)
    assert "evil.yaml" in str(info.value)
    assert not marker.exists()


def test_duplicate_yaml_keys_are_an_error_not_a_silent_overwrite() -> None:
    with pytest.raises(PlanError, match="duplicate key 'base'"):
        load_plan("name: x\nbase: 1\nbase: 2\n")


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\ncomponents: [\n  {name: a\n")
    with pytest.raises(PlanError, match=r"broken\.yaml: line \d+"):
        load_plan(path)


def test_scheme_loads_plan_files_relative_to_itself(tmp_path: Path) -> None:
    (tmp_path / "junior.yaml").write_text(yaml.safe_dump({"name": "junior", "base": 40000}))
    (tmp_path / "scheme.yaml").write_text(yaml.safe_dump({"scheme": "roles", "plans": {
        "junior": "junior.yaml", "senior": {"name": "senior", "base": 70000}}}))
    scheme = load_plan(tmp_path / "scheme.yaml")
    assert isinstance(scheme, Scheme)
    assert scheme.plans()["junior"].base == 40000 and scheme.plans()["senior"].base == 70000
    assert Scheme.from_dict(scheme.to_dict()) == scheme


def test_scheme_errors_name_the_role() -> None:
    with pytest.raises(PlanError, match=r"plans\.senior\.components\[0\]\.rate"):
        load_plan({"scheme": "s", "plans": {"senior": {"name": "s", "components": [
            {"name": "c", "kind": "commission", "metric": "revenue", "rate": -1}]}}})


def test_curve_objects_validate_directly() -> None:
    with pytest.raises(PlanError, match="strictly increasing"):
        Curve("points", (1.0, 1.0), (0.0, 1.0))
    with pytest.raises(PlanError, match="curve: is required"):
        Bonus(name="b", metric="revenue", share=1.0)


def test_names_may_use_any_alphabet() -> None:
    plan = Plan.from_dict(_with_component(name="премия", kind="commission", metric="выручка", rate=0.01))
    assert plan.component_names == ["премия"]
    error = _error(_with_component(name="bad name", kind="commission", metric="revenue", rate=0.01))
    assert error.path == "components[0].name"


def test_a_kind_that_is_not_text_is_a_plan_error() -> None:
    error = _error(_with_component(name="c", kind=["bonus"], metric="revenue", rate=0.1))
    assert error.path == "components[0].kind"


def test_plan_files_saved_in_windows_1251_load(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes("name: Оклад и премия\nbase: 40000\n".encode("cp1251"))
    assert load_plan(path).name == "Оклад и премия"
