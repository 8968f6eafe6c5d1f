"""Payouts.resolved: what the engine resolved per row, public and read-only, so analysis never re-derives it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpilab import Plan, datasets, evaluate
from kpilab.analysis._common import on_target_variable

PLAN = {
    "name": "two kpis", "base": 30000, "target_bonus": 40000,
    "targets": {"calls": 800, "revenue": 1_000_000},
    "components": [{"name": "kpi", "kind": "scorecard", "share": 1, "kpis": {
        "calls": {"weight": 0.5, "curve": {"points": [[0, 0], [1, 1], [2, 2]]}},
        "revenue": {"weight": 0.5, "curve": {"points": [[0, 0], [1, 1], [2, 2]]}}}}],
}


def _team() -> pd.DataFrame:
    return pd.DataFrame({"rep_id": ["A", "B", "C"], "period": ["2026-01"] * 3,
                         "calls": [400.0, 800.0, 1200.0], "revenue": [500_000.0, 1_000_000.0, 2_000_000.0],
                         "plan_revenue": [np.nan, 2_000_000.0, np.nan], "target_bonus": [np.nan, np.nan, 10_000.0]})


def test_targets_and_overrides_are_the_engines() -> None:
    """A's and C's revenue target is the plan's 1 000 000; B's own plan_revenue 2 000 000 wins.
    C's target bonus is its row override 10 000, the others' the plan's 40 000."""
    view = evaluate(Plan.from_dict(PLAN), _team()).resolved
    assert view.targets["revenue"].tolist() == [1_000_000, 2_000_000, 1_000_000]
    assert view.targets["calls"].tolist() == [800, 800, 800]
    assert view.attainment("revenue").tolist() == [0.5, 0.5, 2.0]
    assert view.target_bonus.tolist() == [40_000, 40_000, 10_000]
    assert view.base.tolist() == [30_000] * 3
    assert view.plan_key.tolist() == [None] * 3


def test_the_view_cannot_be_written() -> None:
    view = evaluate(Plan.from_dict(PLAN), _team()).resolved
    with pytest.raises(ValueError):
        view.targets["revenue"][0] = 1.0
    with pytest.raises(ValueError):
        view.base[0] = 0.0


def test_scheme_rows_name_their_role() -> None:
    plan = datasets.load_plan("roles_scheme")
    team = datasets.load_sample_team()
    if "role" not in team.columns:
        pytest.fail("the sample team has no role column")
    view = evaluate(plan, team).resolved
    assert (view.plan_key == team["role"].astype(str).to_numpy()).all()


def test_on_target_pay_reads_the_resolved_targets() -> None:
    """At target every KPI scores 1, so variable pay = each row's target bonus: 40 000, 40 000, 10 000."""
    payouts = evaluate(Plan.from_dict(PLAN), _team())
    assert on_target_variable(payouts).tolist() == pytest.approx([40_000, 40_000, 10_000])
