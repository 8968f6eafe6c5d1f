"""PlanVersions and Scheme share one model of "several plans standing where a plan stands": the same
from_dict/to_dict shape, and the union of their plans' component names, titles, penalties and metrics."""

from __future__ import annotations

import pytest

from kpilab.errors import PlanError
from kpilab.plan import Scheme
from kpilab.plan.versions import PlanVersions


def _plan(name: str, metric: str, words: str) -> dict:
    return {"name": name, "base": 50000, "target_bonus": 20000, "targets": {metric: 100},
            "components": [{"name": f"{metric}_bonus", "kind": "bonus", "metric": metric, "share": 1.0,
                            "curve": {"points": [[0.5, 0.0], [1.0, 1.0]]}},
                           {"name": "late", "kind": "penalty", "metric": "late_reports", "per_unit": 500}],
            "names": {"en": {"components": {f"{metric}_bonus": words}}}}


VERSIONS = {"name": "Sales 2026", "description": "Calls first, then deals.",
            "versions": [{"from": "2026-01", "plan": _plan("first half", "calls", "Calls bonus")},
                         {"from": "2026-07", "plan": _plan("second half", "deals", "Deals bonus")}],
            "names": {"ru": {"name": "Продажи 2026"}}}


def test_a_versions_file_round_trips_with_its_names() -> None:
    """The ``names`` map it parses is written back (it used to be dropped by to_dict)."""
    versions = PlanVersions.from_dict(VERSIONS)
    again = versions.to_dict()
    assert list(again) == ["name", "description", "versions", "names"]
    assert again["names"] == {"ru": {"name": "Продажи 2026"}}
    assert PlanVersions.from_dict(again) == versions
    assert versions.title("ru") == "Продажи 2026"


def test_a_versions_file_and_a_scheme_read_their_plans_alike() -> None:
    versions = PlanVersions.from_dict(VERSIONS)
    scheme = Scheme.from_dict({"scheme": "Sales 2026", "plans": {"hunter": VERSIONS["versions"][0]["plan"],
                                                                 "farmer": VERSIONS["versions"][1]["plan"]}})
    for several in (versions, scheme):
        assert several.component_names == ["calls_bonus", "late", "deals_bonus"]
        assert several.penalty_names == ["late"]
        assert several.metrics_needed() == {"calls", "deals", "late_reports"}
        assert several.component_title("deals_bonus", "en") == "Deals bonus"
        assert several.component_title("late", "en") is None
    assert list(scheme.to_dict()) == ["scheme", "plans"]
    assert Scheme.from_dict(scheme.to_dict()) == scheme


@pytest.mark.parametrize("cls, data, path", [(PlanVersions, {"name": "x", "versions": []}, "versions"),
                                             (Scheme, {"scheme": "x", "plans": {}}, "plans")])
def test_both_report_every_problem_with_its_path(cls, data, path) -> None:
    with pytest.raises(PlanError) as err:
        cls.from_dict(data, source="x.yaml")
    assert path in dict(err.value.problems)
