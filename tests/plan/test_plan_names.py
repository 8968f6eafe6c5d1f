"""The plan file's ``names`` map (contract additions): words of a plan in another language."""

from __future__ import annotations

import pytest

from kpilab import PlanError, datasets
from kpilab.plan import Plan, Scheme

BASE = {"name": "Balanced", "description": "Salary plus a revenue bonus.", "base": 100, "target_bonus": 50,
        "targets": {"revenue": 1000},
        "components": [{"name": "revenue_bonus", "kind": "bonus", "metric": "revenue", "share": 1.0,
                        "curve": {"points": [[0, 0], [1, 1]]}}]}
RU = {"ru": {"name": "Сбалансированная", "description": "Оклад и бонус за выручку.",
             "components": {"revenue_bonus": "Бонус за выручку"}}}


def test_names_give_the_plan_its_words_in_a_language_and_survive_a_round_trip() -> None:
    plan = Plan.from_dict({**BASE, "names": RU})
    assert plan.title("ru") == "Сбалансированная" and plan.title("en") == "Balanced" and plan.title() == "Balanced"
    assert plan.describe("ru") == "Оклад и бонус за выручку." and plan.describe("en") == "Salary plus a revenue bonus."
    assert plan.component_title("revenue_bonus", "ru") == "Бонус за выручку"
    assert plan.component_title("revenue_bonus", "en") is None
    assert Plan.from_dict(plan.to_dict()) == plan
    assert Plan.from_yaml(plan.to_yaml()) == plan
    assert plan != Plan.from_dict(BASE)  # the words are part of the plan


def test_names_problems_are_reported_with_their_key_paths() -> None:
    bad = {"ru": {"name": "", "components": {"revenue_bonuss": "Бонус"}, "title": "x"},
           "Russian": {"name": "x"}, "de": "Name"}
    with pytest.raises(PlanError) as info:
        Plan.from_dict({**BASE, "names": bad})
    text = str(info.value)
    assert "names.ru.name" in text and "names.ru.title" in text
    assert "names.Russian" in text and "names.de" in text
    with pytest.raises(PlanError, match=r"names\.ru\.components\.revenue_bonuss.*did you mean 'revenue_bonus'"):
        Plan.from_dict({**BASE, "names": {"ru": {"components": {"revenue_bonuss": "Бонус"}}}})


def test_every_bundled_plan_has_its_russian_name_and_component_words() -> None:
    for name in datasets.plan_names():
        plan = datasets.load_plan(name)
        assert plan.title("ru") != plan.name, name
        assert plan.describe("ru") and plan.describe("ru") != plan.describe("en"), name
        for sub in plan.plans().values():
            for comp in sub.component_names:
                assert sub.component_title(comp, "ru"), (name, comp)
        if isinstance(plan, Scheme):
            assert Scheme.from_dict(plan.to_dict()) == plan
        else:
            assert Plan.from_dict(plan.to_dict()) == plan
