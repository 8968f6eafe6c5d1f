"""Statements a rep can read (kpilab.engine.explain.statement_lines): plain words, the engine's numbers."""

from __future__ import annotations

import re

import numpy as np
import pytest

from kpilab import evaluate
from kpilab.data import datasets
from kpilab.engine.rounding import round_money
from kpilab.engine.explain import statement_lines

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def team():
    return datasets.load_sample_team()


def test_balanced_statement_in_russian_known_answer(team) -> None:
    """R01, 2026-03: every line of the statement (numbers as in the payout table), Balanced KPI version 3.

    Activity 1,0313 x 4 500 = 4 641,05; deals 0,8125 x 4 500 = 3 656,25; both fall to the 960 000 gate
    (revenue 871 827): -8 297,30. Revenue (871 827 - 600 000) / 600 000 = 0,453 x 36 000 = 16 309,62.
    Every activity is over 50 % of its plan, so each activity modifier is 1 (0,00). Total 45 000 + 16 309,62.
    """
    payouts = evaluate(datasets.load_plan("balanced_kpi"), team)
    lines = [line.replace(NBSP, " ") for line in statement_lines(payouts, "R01", "2026-03", lang="ru",
                                                                  plan_title="Сбалансированные KPI")]
    assert lines == [
        "Расчётный листок: R01, март 2026",
        "Схема оплаты: Сбалансированные KPI",
        "Оклад: 45 000,00 ₽",
        "    Звонки: план 810, факт 851 (105 %), коэффициент 1,0253, вес 30 %",
        "    Встречи: план 23, факт 24 (104 %), коэффициент 1,0217, вес 30 %",
        "    Письма: план 152, факт 162 (107 %), коэффициент 1,0329, вес 15 %",
        "    Повторные касания: план 61, факт 67 (110 %), коэффициент 1,0492, вес 25 %",
        "Бонус за активность: взвешенный коэффициент 1,0313 × 4 500 ₽ → 4 641,05 ₽",
        "Бонус за сделки: план 8, факт 7 (88 %), коэффициент 0,8125 × 4 500 ₽ → 3 656,25 ₽",
        "Бонус за выручку: план 1 200 000 ₽, факт 871 827 ₽ (73 %), коэффициент 0,453 × 36 000 ₽ → 16 309,62 ₽",
        "Условие «выручка не меньше 960 000 ₽» не выполнено; не начисляется: бонус за активность и бонус за сделки"
        " → −8 297,30 ₽",
        "Поправка по звонкам: факт 851, коэффициент 1; применяется к: бонус за сделки и бонус за выручку → 0,00 ₽",
        "Поправка по встречам: факт 24, коэффициент 1; применяется к: бонус за сделки и бонус за выручку → 0,00 ₽",
        "Поправка по письмам: факт 162, коэффициент 1; применяется к: бонус за сделки и бонус за выручку → 0,00 ₽",
        "Поправка по повторным касаниям: факт 67, коэффициент 1; применяется к: бонус за сделки и бонус за выручку"
        " → 0,00 ₽",
        "Итого к выплате: 61 309,62 ₽ (оклад 45 000,00 ₽ + переменная часть 16 309,62 ₽)",
    ]


def test_penalty_and_floor_in_english(team) -> None:
    """salary_fines, R01, 2026-08: 19 missed calls − 3 free = 16 × 1 000 = 16 000, capped at 15 000 off;
    no deals bonus (5 of 6), so the floor tops the pay back up to the salary: +15 000."""
    payouts = evaluate(datasets.load_plan("salary_fines"), team)
    lines = [line.replace(NBSP, " ") for line in statement_lines(payouts, "R01", "2026-08", lang="en")]
    assert "Bonus reduction for missed calls: actual 19, free 3, reduced for 16 × 1,000 ₽ → −15,000 ₽" in lines
    assert "    at most 15,000 ₽ a month" in lines
    assert "Top-up to the salary 80,000 ₽ → +15,000 ₽" in lines
    assert lines[-1] == "Total pay: 80,000 ₽ (salary 80,000 ₽ + variable pay 0 ₽)"


def test_a_failed_gate_says_what_it_took_away(team) -> None:
    payouts = evaluate(datasets.load_plan("multi_condition"), team)
    lines = statement_lines(payouts, "R01", "2026-03", lang="ru")
    assert any(line.startswith("Условие «пропущенные звонки не больше 5» не выполнено; не начисляется: бонус за "
                               "работу по телефону → −10") for line in lines)


_AMOUNT = re.compile(r"(?:→ |: )([+−]?\d[\d\u00a0]*(?:,\d\d)?)\u00a0₽$")


def _amount(line: str) -> float | None:
    match = _AMOUNT.search(line)
    if not match or "→" not in line and not line.startswith(("Оклад:",)):
        return None
    text = match.group(1).replace("\u00a0", "").replace(" ", "").replace(",", ".").replace("−", "-")
    return float(text)


@pytest.mark.parametrize("name", ["balanced_kpi", "multi_condition", "salary_fines", "tiered_commission",
                                  "roles_scheme", "salary_only"])
def test_statement_amounts_add_up_to_the_payout_tables_total(team, name: str) -> None:
    """Salary + every amount after an arrow = the payout table's rounded total, on 40 rows of each plan."""
    payouts = evaluate(datasets.load_plan(name), team)
    totals = payouts.rounded()["total"].to_numpy()
    rows = np.random.default_rng(7).choice(len(team), 40, replace=False)
    for pos in rows:
        rep, period = team["rep_id"].iat[pos], team["period"].iat[pos]
        lines = statement_lines(payouts, rep, period, lang="ru", header=False)
        parts = [a for a in map(_amount, lines[:-1]) if a is not None]
        assert round(sum(parts), 2) == totals[pos], (rep, period, lines)
        assert lines[-1].startswith("Итого к выплате: ")
        assert float(round_money([totals[pos]])[0]) == totals[pos]


def test_team_bonus_modifier_and_cap_lines() -> None:
    """A: revenue 9 of 10 → 0.8 × 1 000 = 800; team 21 of 20 → capped curve 1 × 200 = 200; CRM 0.8 →
    modifier 0.5 + 0.5 × 0.8 = 0.9 takes 10 % of 1 000 = −100; total 100 + 900 = 1 000 (the cap, 900, not reached).
    B: 1 000 + 200 = 1 200, modifier 1, cap 900 takes −300; total 1 000."""
    import pandas as pd

    from kpilab.plan import Plan

    plan = Plan.from_dict({
        "name": "m", "base": 100, "target_bonus": 1000, "targets": {"revenue": 10},
        "components": [{"name": "b", "kind": "bonus", "metric": "revenue", "share": 1,
                        "curve": {"points": [[0.5, 0], [1, 1]]}},
                       {"name": "t", "kind": "team", "metric": "revenue", "amount": 200,
                        "curve": {"points": [[0, 0], [1, 1]]}}],
        "modifiers": [{"applies_to": "all", "metric": "crm_quality", "basis": "value",
                       "curve": {"points": [[0, 0.5], [1, 1]]}}],
        "limits": {"variable_cap": 900}})
    team = pd.DataFrame({"rep_id": ["A", "B"], "period": ["2026-01"] * 2, "revenue": [9.0, 12.0],
                         "crm_quality": [0.8, 1.0], "team": ["x", "x"]})
    payouts = evaluate(plan, team)
    a = [line.replace(NBSP, " ") for line in statement_lines(payouts, "A", "2026-01", lang="ru", header=False)]
    assert a == [
        "Оклад: 100 ₽",
        "Бонус за выручку: план 10 ₽, факт 9 ₽ (90 %), коэффициент 0,8 × 1 000 ₽ → 800 ₽",
        "Командный бонус за выручку: выполнение плана командой 105 %, коэффициент 1 × 200 ₽ → 200 ₽",
        "Поправка по качеству ведения CRM: факт 80 %, коэффициент 0,9; применяется к: бонус за выручку и "
        "командный бонус за выручку → −100 ₽",
        "Итого к выплате: 1 000 ₽ (оклад 100 ₽ + переменная часть 900 ₽)"]
    b = [line.replace(NBSP, " ") for line in statement_lines(payouts, "B", "2026-01", lang="en", header=False)]
    assert "Cap on variable pay: at most 900 ₽ → −300 ₽" in b and b[-1].startswith("Total pay: 1,000 ₽")
