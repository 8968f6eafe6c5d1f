"""Winners and losers of a plan change, with the arithmetic done by hand in each docstring."""

from __future__ import annotations

import pandas as pd
import pytest

import kpilab
from kpilab import KpilabError
from kpilab.analysis import transition
from kpilab.plan import Plan

SALARY = Plan.from_dict({"name": "Salary", "base": 100_000})
BONUS = Plan.from_dict({"name": "Bonus", "base": 80_000, "target_bonus": 40_000, "targets": {"revenue": 1000},
                        "components": [{"name": "revenue_bonus", "kind": "bonus", "metric": "revenue", "share": 1.0,
                                        "curve": {"points": [[0, 0], [2, 2]]}}]})


def _team() -> pd.DataFrame:
    return pd.DataFrame({"rep_id": ["R1", "R1", "R2", "R2", "R3", "R3"],
                         "period": ["2026-01", "2026-02"] * 3,
                         "revenue": [1000.0, 1500.0, 500.0, 500.0, 0.0, 250.0]})


def test_pay_under_both_plans_change_and_guarantee_by_hand() -> None:
    """Salary pays 100 000 a month. The bonus plan pays 80 000 + 40 000 × attainment:

    R1: attainment 1.0, 1.5 -> 120 000, 140 000; mean 130 000; +30 000 (+30 %): gains
    R2: attainment 0.5, 0.5 -> 100 000, 100 000; mean 100 000; 0: about the same
    R3: attainment 0.0, 0.25 -> 80 000, 90 000; mean 85 000; -15 000 (-15 %): loses
    Top-ups to the salary: R3 20 000 + 10 000 = 30 000 over 2 months -> 15 000 a month,
    45 000 for a 3-month guarantee, all of it R3's; one rep topped up.
    """
    team = _team()
    moves = transition(kpilab.evaluate(SALARY, team), kpilab.evaluate(BONUS, team), months=3, threshold=0.01)
    table = moves.table.set_index("rep_id")
    assert list(table.index) == ["R1", "R2", "R3"]
    assert table["before"].tolist() == [100_000.0] * 3
    assert table["after"].tolist() == pytest.approx([130_000.0, 100_000.0, 85_000.0])
    assert table["change"].tolist() == pytest.approx([30_000.0, 0.0, -15_000.0])
    assert table["change_pct"].tolist() == pytest.approx([0.30, 0.0, -0.15])
    assert table["status"].tolist() == ["gains", "same", "loses"]
    assert table["guarantee"].tolist() == pytest.approx([0.0, 0.0, 45_000.0])
    assert moves.guarantee_per_month == pytest.approx(15_000.0)
    assert moves.guarantee_cost == pytest.approx(45_000.0)
    assert moves.n_topped_up == 1
    assert moves.counts == {"gains": 1, "loses": 1, "same": 1}
    assert moves.losers["rep_id"].tolist() == ["R3"]


def test_a_rep_who_gains_on_average_is_still_topped_up_in_a_weak_month() -> None:
    """R1 is paid 130 and 80 against 100 and 100: +5 on average (+5 %), yet the guarantee pays 20 in
    month two: 20 / 2 months = 10 a month, 60 over 6 months."""
    old = pd.DataFrame({"rep_id": ["R1", "R1"], "period": ["m1", "m2"], "total": [100.0, 100.0]})
    new = old.assign(total=[130.0, 80.0])
    moves = transition(old, new, months=6)
    assert moves.table["status"].tolist() == ["gains"]
    assert moves.guarantee_per_month == pytest.approx(10.0) and moves.guarantee_cost == pytest.approx(60.0)


def test_the_threshold_decides_what_counts_as_a_loss() -> None:
    """-0.5 % is 'about the same' under a 1 % threshold and a loss under none."""
    old = pd.DataFrame({"rep_id": ["A"], "period": ["m1"], "total": [1000.0]})
    new = old.assign(total=[995.0])
    assert transition(old, new, threshold=0.01).table["status"].tolist() == ["same"]
    assert transition(old, new, threshold=0.0).table["status"].tolist() == ["loses"]
    assert transition(old, new, months=0).guarantee_cost == 0.0


def test_scenarios_count_as_months_of_the_guarantee() -> None:
    """Two simulated years of one month: top-ups 10 and 0 -> 5 a month."""
    old = pd.DataFrame({"scenario": [0, 1], "rep_id": ["A", "A"], "period": ["m1", "m1"], "total": [100.0, 100.0]})
    new = old.assign(total=[90.0, 120.0])
    moves = transition(old, new, months=1)
    assert moves.guarantee_per_month == pytest.approx(5.0)
    assert moves.table["after"].tolist() == [105.0]


def test_tables_that_do_not_match_are_refused_with_the_rep_named() -> None:
    old = pd.DataFrame({"rep_id": ["A", "B"], "period": ["m1", "m1"], "total": [100.0, 100.0]})
    with pytest.raises(KpilabError, match="rep B, period m1"):
        transition(old, old.iloc[:1])
    with pytest.raises(KpilabError, match="guarantee length"):
        transition(old, old, months=-1)
    with pytest.raises(KpilabError, match="threshold"):
        transition(old, old, threshold=1.5)
    with pytest.raises(KpilabError, match="no column total"):
        transition(old.drop(columns="total"), old)
