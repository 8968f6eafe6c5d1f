"""The tuner's behaviour toggle ("as last year" / "as reps would respond") and the Responder behind it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab import widgets
from kpilab.analysis.response import Responder, predict
from kpilab.plan.paths import set_at

BALANCED = kpilab.load_plan("data/plans/balanced_kpi.yaml")
TIERED = kpilab.load_plan("data/plans/tiered_commission.yaml")


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    return kpilab.make_team(10, 6, seed=3)


def test_responder_gives_predicts_centre(team: pd.DataFrame) -> None:
    """The responder's year under a plan is predict's centre (same model, same simulated years for the
    choice), and under the plan in force it stays near the observed year."""
    responder = Responder(BALANCED, team, scenarios=16, seed=0)
    year = responder.year(TIERED)
    p = predict(BALANCED, TIERED, team, scenarios=16, seed=0, verdict=False)
    effort = p.effort[p.effort["family"] == "phone"]["predicted"].to_numpy()
    assert len(year) == len(team)
    # predict draws its own years for the figures; the choices are made on the same 16 stratified years
    assert year["revenue"].sum() == pytest.approx(p.team.loc["revenue", "predicted"], rel=0.05)
    assert effort.min() > 0
    kept = responder.respond(BALANCED, team)
    assert abs(kept["revenue"].sum() / team["revenue"].sum() - 1) < 0.05
    # simulated years keep their luck: each row scaled by its rep-period ratio
    years = pd.concat([team.assign(scenario=s, revenue=team["revenue"] * (1 + 0.1 * s)) for s in range(2)],
                      ignore_index=True)
    moved = responder.respond(TIERED, years)
    ratio = moved["revenue"] / years["revenue"]
    np.testing.assert_allclose(ratio[years["scenario"] == 0].to_numpy(), ratio[years["scenario"] == 1].to_numpy())


def test_responder_figures_are_predicts_centre_bit_for_bit(team: pd.DataFrame) -> None:
    """For callers that try many plans (the optimizer's profit objective): one calibration, predict's figure."""
    responder = Responder(BALANCED, team, scenarios=12, seed=5)
    p = predict(BALANCED, TIERED, team, scenarios=12, seed=5, verdict=False)
    got = responder.figures(TIERED)
    for name in ("revenue", "pay", "profit_after_pay", "deals"):
        assert got[name] == p.team.loc[name, "predicted"], name


def test_toggle_pays_the_tuned_plan_on_the_responding_team(team: pd.DataFrame) -> None:
    t = widgets.tuner(BALANCED, team, actions=["response"])
    (action,) = t.actions
    row = [w for w in t.widget.children[4].children[0].children if "kp-actions" in w._dom_classes][0]
    (toggle,) = row.children
    assert "kp-action-response" in toggle._dom_classes
    assert [label for label, _ in toggle.options] == ["As last year", "As reps would respond"]
    before = t.report.metrics["payroll"]
    toggle.value = "respond"
    assert t.state.frame_hook is not None
    assert "a model, not a forecast" in t.status.value
    # the tuned plan is the baseline itself: the responding team is near last year's, so payroll barely moves
    assert t.report.metrics["payroll"] == pytest.approx(before, rel=0.05)
    t.apply(set_at(t.plan, "target_bonus", 2 * t.plan.target_bonus))   # a richer bonus: reps respond
    assert "a model, not a forecast" in t.status.value
    t.set_lang("ru")                     # a rebuild keeps the mode and sets the hook on the page again
    row = [w for w in t.widget.children[4].children[0].children if "kp-actions" in w._dom_classes][0]
    assert row.children[0].value == "respond" and t.state.frame_hook is not None
    assert row.children[0].options[1][0] == "Как ответят менеджеры"
    row.children[0].value = "as_last_year"
    assert t.state.frame_hook is None
