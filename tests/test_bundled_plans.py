"""The bundled plans (data/plans/*.yaml) on the sample team: the reference agrees, and each
plan does what its comments say it is for."""

from __future__ import annotations

import math
import os
import sys

import numpy as np
import pytest
import yaml
from scipy.stats import spearmanr

sys.path.insert(0, os.path.dirname(__file__))

import kpilab  # noqa: E402
from kpilab import datasets  # noqa: E402
from reference import reference_table  # noqa: E402

NAMES = ["salary_only", "salary_fines", "tiered_commission", "balanced_kpi", "multi_condition", "roles_scheme"]


@pytest.fixture(scope="module")
def team():
    return datasets.load_sample_team()


def payouts(name: str, team):
    return kpilab.evaluate(datasets.load_plan(name), team).table


def raw(name: str) -> dict:
    return yaml.safe_load(datasets.plan_path(name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_engine_agrees_with_reference_on_the_sample_team(name: str, team) -> None:
    table = payouts(name, team)
    rows = team.to_dict("records")
    want = reference_table(raw(name), rows)
    for i, ref in enumerate(want):
        for col, value in ref.items():
            got = float(table[col].iloc[i])
            assert math.isclose(got, value, rel_tol=1e-9, abs_tol=1e-6), (name, i, col, got, value)


def test_salary_only_pays_exactly_the_salary(team) -> None:
    t = payouts("salary_only", team)
    assert (t["total"] == 80000.0).all() and (t["variable"] == 0.0).all()


def test_salary_fines_never_cut_salary(team) -> None:
    t = payouts("salary_fines", team)
    fines = t["missed_call_fines"].to_numpy()
    expected = -np.minimum(1000.0 * np.maximum(team["missed_calls"].to_numpy() - 3, 0), 15000.0)
    np.testing.assert_allclose(fines, expected)
    assert (t["total"] >= 80000.0).all()
    assert (t["plan_bonus"].isin([0.0, 10000.0])).all()
    assert (fines < 0).any() and (t["floor_adjustment"] > 0).any()  # the sample team does trip the floor


def test_tiered_commission_is_capped_and_pays_the_accelerator(team) -> None:
    t = payouts("tiered_commission", team)
    assert t["revenue_commission"].max() <= 150000.0
    att = team["revenue"] / team["plan_revenue"]
    above = att > 1.0
    # above plan every extra rouble earns 5 %: commission = target*(0.8*0.02 + 0.2*0.03) + (revenue - target)*0.05
    want = team["plan_revenue"] * 0.022 + (team["revenue"] - team["plan_revenue"]) * 0.05
    np.testing.assert_allclose(t["revenue_commission"][above], np.minimum(want[above], 150000.0))


def test_balanced_kpi_meets_its_design_goals(team) -> None:
    plan = raw("balanced_kpi")
    shares = {c["name"]: c["share"] for c in plan["components"]}
    assert shares["deals_bonus"] + shares["revenue_bonus"] >= 0.5 > shares["activity"]
    t = payouts("balanced_kpi", team)
    by = t["total"].groupby(team["archetype"].to_numpy()).mean()
    assert by["star"] >= 1.5 * by["minimum_doer"]
    assert spearmanr(t["total"], team["revenue"]).statistic >= 0.8
    assert np.percentile(t["variable"], 90) >= 2 * plan["target_bonus"]


def test_multi_condition_pays_each_strength(team) -> None:
    t = payouts("multi_condition", team)
    arche = team["archetype"].to_numpy()
    mean = lambda col, a: float(t[col][arche == a].mean())  # noqa: E731
    assert mean("phone_bonus", "phone_specialist") > mean("phone_bonus", "minimum_doer")
    assert mean("crm_bonus", "paperwork_specialist") > mean("crm_bonus", "minimum_doer")
    assert mean("account_bonus", "account_manager") > mean("account_bonus", "minimum_doer")
    # the phone gate: more than 5 missed calls, no phone bonus
    assert (t["phone_bonus"][team["missed_calls"].to_numpy() > 5] == 0).all()


def test_roles_scheme_uses_each_roles_plan(team) -> None:
    t = payouts("roles_scheme", team)
    junior = team["role"].to_numpy() == "junior"
    assert junior.any() and (~junior).any()
    assert (t["base"][junior] == 50000.0).all() and (t["base"][~junior] == 80000.0).all()
    assert t["team_bonus"][junior].isna().all() and t["activity"][~junior].isna().all()
