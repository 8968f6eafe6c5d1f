"""Bundled data: the sample team, the plans, the client export."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kpilab import datasets
from kpilab.errors import KpilabError
from kpilab.data.synth import make_team

REPO = Path(__file__).resolve().parents[2]


def test_data_dir_is_the_repository_data_folder() -> None:
    assert datasets.DATA_DIR == REPO / "data"


def test_sample_team_matches_the_generator() -> None:
    team = datasets.load_sample_team()
    assert team.shape == (360, 23)
    assert team["rep_id"].nunique() == 30 and team["period"].nunique() == 12
    fresh = make_team(30, periods=12, seed=datasets.SAMPLE_SEED)
    pd.testing.assert_frame_equal(team, fresh, check_dtype=False)


def test_plan_names_and_paths() -> None:
    names = datasets.plan_names()
    assert names == sorted(p.stem for p in (REPO / "data" / "plans").glob("*.yaml"))
    for expected in ("salary_only", "salary_fines", "tiered_commission", "balanced_kpi",
                     "multi_condition", "roles_scheme"):
        assert expected in names
        assert datasets.plan_path(expected) == REPO / "data" / "plans" / f"{expected}.yaml"
    with pytest.raises(KpilabError, match="balanced_kpi"):
        datasets.plan_path("no_such_plan")
    with pytest.raises(KpilabError):
        datasets.plan_path("../plans/balanced_kpi")


def test_load_plan_and_evaluate_on_sample() -> None:
    import kpilab

    plan = datasets.load_plan("balanced_kpi")
    assert plan.name
    payouts = kpilab.evaluate(plan, datasets.load_sample_team())
    assert len(payouts.table) == 360
    assert (payouts.table["total"] >= 0).all()
