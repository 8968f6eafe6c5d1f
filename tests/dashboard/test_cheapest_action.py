"""The tuner's "find the cheapest plan that still passes" button (kpilab/dashboard/actions/cheapest.py)."""

from __future__ import annotations

import threading

import pytest

import kpilab
from kpilab import datasets, widgets
from kpilab.analysis import differentiation
from kpilab.analysis.optimize import cheapest_passing
from kpilab.plan.paths import set_at


@pytest.fixture(scope="module")
def team():
    return datasets.load_sample_team()


def test_the_button_finds_a_cheaper_passing_plan_in_the_background(team) -> None:
    plan = datasets.load_plan("balanced_kpi")
    tuner = widgets.tuner(plan, team, actions=["cheapest"])
    (action,) = tuner.actions
    row = [w for w in tuner.widget.children[4].children[0].children if "kp-actions" in w._dom_classes][0]
    (box,) = row.children
    assert "kp-action-cheapest" in box._dom_classes
    button, bar = box.children
    assert button.description == "Find the cheapest plan that still passes"
    action.budget = 120
    gate = threading.Event()
    seen: list[int] = []
    real = action._run

    def held(*args):  # the search waits until the test has seen the page answer
        gate.wait(30)
        real(*args)

    action._run = held
    button.click()
    assert button.disabled and bar.layout.display == "" and action.thread.is_alive()
    tuner.controls["target_bonus"].value = 56000.0  # the page still answers while the search runs
    assert tuner.plan.target_bonus == 56000.0
    bar.observe(lambda change: seen.append(change["new"]), names="value")
    gate.set()
    action.thread.join(120)
    assert not action.thread.is_alive() and not button.disabled and bar.layout.display == "none"
    assert seen and seen[-1] == min(action.result.evaluations - 1, action.budget)  # the start plan is counted too
    result = action.result
    assert result.found and result.best_figures["payroll"] < result.start_figures["payroll"]
    # the page now shows the plan found, and its own verdict agrees that it passes
    assert tuner.plan == result.best and tuner.report.passed
    assert tuner.report.metrics["payroll"] == result.best_figures["payroll"]
    assert "Payroll falls from" in tuner.status.value and "kp-message-ok" in tuner.status.value
    # the search started from the plan on the page at the click (target bonus 56,000 came after the click)
    assert result.start.target_bonus == 45000.0  # Balanced KPI v3


def test_the_russian_button_and_a_plan_that_cannot_pass(team) -> None:
    plan = set_at(datasets.load_plan("balanced_kpi"), "target_bonus", 1000.0)  # a bonus too small to matter
    assert not differentiation(kpilab.evaluate(plan, team), team).passed
    tuner = widgets.tuner(plan, team, lang="ru", actions=["cheapest"])
    (action,) = tuner.actions
    action.budget = 40
    button = action.button
    assert button.description == "Найти самую дешёвую схему, которая проходит проверку"
    button.click()
    action.thread.join(120)
    assert not action.result.found
    assert "нет схемы, которая проходит все критерии" in tuner.status.value
    assert tuner.plan == plan  # nothing applied


def test_cheapest_passing_moves_only_what_sets_the_bonus(team) -> None:
    plan = datasets.load_plan("balanced_kpi")
    result = cheapest_passing(plan, team, budget=60, popsize=20, seed=3)
    moved = set(result.changes["path"]) if result.found else set()
    assert moved <= {f.path for f in result.free}
    assert all(p.startswith(("target_bonus", "components[", "gates[")) for p in moved)
    assert result.table.iloc[0]["target_bonus"] == 45000.0  # Balanced KPI v3
