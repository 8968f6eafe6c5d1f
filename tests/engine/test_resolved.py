"""Resolve once, pay many: every variant paid against a resolved team equals evaluate(), bit for bit.

Each bundled plan is resolved once on the sample team (and on simulated
years, which adds a scenario column and team groups per scenario); then every
number of the plan is moved by 10 % in turn and the variant paid against the
view is compared with exact equality (no tolerance) to a fresh evaluate().
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab import datasets
from kpilab.engine import evaluate_resolved, pay_resolved, resolve_team
from kpilab.errors import DataError, PlanError
from kpilab.plan.paths import numeric_paths, set_at

PLANS = ["salary_only", "salary_fines", "tiered_commission", "balanced_kpi", "multi_condition", "roles_scheme"]


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    return datasets.load_sample_team()


@pytest.fixture(scope="module")
def years() -> pd.DataFrame:
    return kpilab.make_scenarios(12, 6, 5, seed=3)


def variants(plan):
    """The plan with each of its numbers moved by +10 % (those the contract accepts)."""
    for path, value in numeric_paths(plan).items():
        try:
            yield path, set_at(plan, path, value * 1.1 if value else 0.5)
        except PlanError:
            continue


def assert_same(columns: dict, table: pd.DataFrame, where: str) -> None:
    assert list(columns) == [c for c in table.columns if c not in ("scenario", "rep_id", "period", "role", "team")]
    for name, values in columns.items():
        assert np.array_equal(values, table[name].to_numpy(float), equal_nan=True), (where, name)


@pytest.mark.parametrize("name", PLANS)
def test_every_variant_pays_exactly_as_evaluate(name: str, team: pd.DataFrame) -> None:
    plan = datasets.load_plan(name)
    view = resolve_team(plan, team)
    checked = 0
    for path, variant in variants(plan):
        assert_same(pay_resolved(variant, view), kpilab.evaluate(variant, team).table, f"{name}: {path}")
        checked += 1
    assert checked >= 2  # the plan has numbers to move


@pytest.mark.parametrize("name", ["balanced_kpi", "multi_condition", "roles_scheme"])
def test_scenarios_and_team_groups(name: str, years: pd.DataFrame) -> None:
    plan = datasets.load_plan(name)
    view = resolve_team(plan, years)
    assert view.n_scenarios == 5
    for path, variant in variants(plan):
        assert_same(pay_resolved(variant, view), kpilab.evaluate(variant, years).table, f"{name}: {path}")


def test_evaluate_resolved_is_evaluate(team: pd.DataFrame) -> None:
    plan = datasets.load_plan("balanced_kpi")
    variant = set_at(plan, "target_bonus", 40000)
    got = evaluate_resolved(variant, resolve_team(plan, team))
    want = kpilab.evaluate(variant, team)
    pd.testing.assert_frame_equal(got.table, want.table, check_exact=True)
    assert np.array_equal(got.target_bonus, want.target_bonus)
    assert str(got.explain("R01", "2026-03")) == str(want.explain("R01", "2026-03"))


def test_a_variant_that_reads_another_metric_is_resolved_afresh(team: pd.DataFrame) -> None:
    plan = datasets.load_plan("salary_only")
    other = datasets.load_plan("balanced_kpi")
    view = resolve_team(plan, team)
    assert_same(pay_resolved(other, view), kpilab.evaluate(other, team).table, "other metrics")


def test_the_team_is_checked_once_with_evaluates_errors(team: pd.DataFrame) -> None:
    plan = datasets.load_plan("balanced_kpi")
    bad = team.copy()
    bad.loc[5, "calls"] = -1
    with pytest.raises(DataError) as got:
        resolve_team(plan, bad)
    with pytest.raises(DataError) as want:
        kpilab.evaluate(plan, bad)
    assert str(got.value) == str(want.value)
    with pytest.raises(DataError, match="no rows"):
        resolve_team(plan, team.iloc[:0])
