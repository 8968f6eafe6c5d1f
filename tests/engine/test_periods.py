"""Pay across months (contract section 10): known answers through the API and the CLI.

Every test states its arithmetic in the docstring; the engine must give those
numbers to the kopeck.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import kpilab
from kpilab.cli import main
from kpilab.errors import DataError, PlanError


def months(n: int, start: int = 1, year: int = 2026) -> list[str]:
    out = []
    for i in range(n):
        m = start - 1 + i
        out.append(f"{year + m // 12}-{m % 12 + 1:02d}")
    return out


def through_cli(tmp_path: Path, plan: dict, frame: pd.DataFrame, files: dict[str, dict] | None = None
                ) -> pd.DataFrame:
    """The payout table as ``kpilab payout PLAN DATA`` writes it (``files``: plan files beside the plan)."""
    for name, content in (files or {}).items():
        (tmp_path / name).write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    plan_file, data_file = tmp_path / "plan.yaml", tmp_path / "data.csv"
    plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    frame.to_csv(data_file, index=False)
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["payout", str(plan_file), str(data_file)]) == 0
    return pd.read_csv(io.StringIO(buf.getvalue()))


# --------------------------------------------------------------------------- draws (item 5)

DRAW_PLAN = {"name": "Draw against commission", "base": 0,
             "components": [{"name": "commission", "kind": "commission", "metric": "revenue", "rate": 0.05}],
             "draw": {"amount": 2000, "recoverable": True}}
EARNED = [2750, 3000, 1500, 2375, 3000, 2750]


def draw_team() -> pd.DataFrame:
    return pd.DataFrame({"rep_id": "A", "period": months(6), "revenue": [e / 0.05 for e in EARNED]})


def test_recoverable_draw_vendor_example_api() -> None:
    """The vendor's worked example: draw 2,000 a month, pay = max(draw, earned − balance owed).

    month  earned  owed before  earned − owed  paid   owed after
    1      2,750   0            2,750          2,750  0
    2      3,000   0            3,000          3,000  0
    3      1,500   0            1,500          2,000  0 + 2,000 − 1,500 = 500
    4      2,375   500          1,875          2,000  500 + 2,000 − 2,375 = 125
    5      3,000   125          2,875          2,875  0
    6      2,750   0            2,750          2,750  0
    """
    t = kpilab.evaluate(DRAW_PLAN, draw_team()).rounded()
    assert t["total"].tolist() == [2750, 3000, 2000, 2000, 2875, 2750]
    assert t["draw_balance"].tolist() == [0, 0, 500, 125, 0, 0]
    assert t["draw_adjustment"].tolist() == [0, 0, 500, -375, -125, 0]
    assert t["commission"].tolist() == EARNED


def test_recoverable_draw_vendor_example_cli(tmp_path: Path) -> None:
    """The same example through ``kpilab payout``: the CSV carries the paid totals and the balance."""
    t = through_cli(tmp_path, DRAW_PLAN, draw_team())
    assert t["total"].tolist() == [2750, 3000, 2000, 2000, 2875, 2750]
    assert t["draw_balance"].tolist() == [0, 0, 500, 125, 0, 0]
    assert list(t.columns[-4:]) == ["cap_adjustment", "floor_adjustment", "variable", "total"]


def test_non_recoverable_draw() -> None:
    """Non-recoverable: pay = max(2,000, earned), nothing owed.

    earned 2,750 / 3,000 / 1,500 / 2,375 / 3,000 / 2,750 → paid 2,750 / 3,000 / 2,000 / 2,375 / 3,000 / 2,750;
    the 500 of month 3 is a gift, never repaid.
    """
    plan = {**DRAW_PLAN, "draw": {"amount": 2000, "recoverable": False}}
    t = kpilab.evaluate(plan, draw_team()).rounded()
    assert t["total"].tolist() == [2750, 3000, 2000, 2375, 3000, 2750]
    assert t["draw_balance"].tolist() == [0] * 6


def test_draw_over_salary_and_two_reps_in_any_row_order() -> None:
    """Salary 30,000 is not touched; the draw tops up the variable pay only; rows shuffled give the same table.

    Rep A earns 1,000 then 4,000 in commission: variable 2,000 (owed 1,000), then 4,000 − 1,000 = 3,000.
    Rep B earns 2,500 both months: 2,500, 2,500.
    """
    plan = {**DRAW_PLAN, "base": 30000}
    frame = pd.DataFrame({"rep_id": ["A", "B", "A", "B"], "period": ["2026-01", "2026-01", "2026-02", "2026-02"],
                          "revenue": [20000, 50000, 80000, 50000]})
    t = kpilab.evaluate(plan, frame).table
    assert np.allclose(t["total"], [32000, 32500, 33000, 32500])
    assert np.allclose(t["draw_balance"], [1000, 0, 0, 0])
    shuffled = frame.iloc[[3, 1, 2, 0]].reset_index(drop=True)
    t2 = kpilab.evaluate(plan, shuffled).table
    assert np.allclose(t2["total"], t["total"].to_numpy()[[3, 1, 2, 0]])


def test_a_plan_without_period_keys_has_no_new_columns() -> None:
    """No key of section 10's "pay across months": the table is exactly sections 1-9's."""
    plan = {k: v for k, v in DRAW_PLAN.items() if k != "draw"}
    t = kpilab.evaluate(plan, draw_team()).table
    assert list(t.columns) == ["rep_id", "period", "base", "commission", "cap_adjustment", "floor_adjustment",
                               "variable", "total"]
    assert t["total"].tolist() == EARNED


# --------------------------------------------------------------------------- period of a component, true-up (items 1, 2)

OVERACHIEVEMENT = {"points": [[0, 0], [1.0, 1.0], [1.5, 2.0], [2.0, 2.5]]}


def true_up_plan() -> dict:
    return {"name": "Quarterly advances, annual true-up", "base": 0, "targets": {"revenue": 100000},
            "components": [{"name": "annual_bonus", "kind": "bonus", "metric": "revenue", "amount": 5250,
                            "curve": OVERACHIEVEMENT, "period": "quarter", "true_up": True}]}


def true_up_team() -> pd.DataFrame:
    revenue = [90000] * 9 + [150000] * 3
    return pd.DataFrame({"rep_id": "A", "period": months(12), "revenue": revenue})


def test_true_up_forum_example_api() -> None:
    """Annual opportunity 21,000 (5,250 a quarter); above quota 2 % of it per 1 % up to 150 %, then 1 % per 1 %
    up to 200 %, nothing more above.

    Q1-Q3: year-to-date attainment 90 % (90,000 of 100,000 a month): entitlement to date
    5,250 × quarters × 0.9 → 4,725, 9,450, 14,175; each quarter pays the difference 4,725.
    Q4: year to date 810,000 + 450,000 = 1,260,000 of 1,200,000 = 105 %: 21,000 × 1.10 = 23,100;
    already paid 14,175, so the true-up is 21,000 + 2,100 − 14,175 = 8,925.
    Months that close no quarter pay 0.
    """
    t = kpilab.evaluate(true_up_plan(), true_up_team()).rounded()
    assert t["annual_bonus"].tolist() == [0, 0, 4725, 0, 0, 4725, 0, 0, 4725, 0, 0, 8925]
    assert t["annual_bonus"].sum() == 23100


def test_true_up_forum_example_cli(tmp_path: Path) -> None:
    """The same settlement through ``kpilab payout``: December pays 8,925."""
    t = through_cli(tmp_path, true_up_plan(), true_up_team())
    assert t["annual_bonus"].tolist()[-1] == 8925
    assert t["total"].sum() == 23100


def test_true_up_never_negative_unless_the_plan_says_so() -> None:
    """Q1 at 200 % then Q2 at 0 (target 100,000 a month, 5,250 a quarter).

    Q1: 300 % is above 200 %, curve 2.5 → 5,250 × 2.5 = 13,125.
    Q2: year to date 600,000 of 600,000 = 100 % → 5,250 × 2 × 1.0 = 10,500 − 13,125 already paid = −2,625:
    paid 0 by default (never negative), −2,625 with ``true_up: allow_negative`` (and no floor).
    """
    frame = pd.DataFrame({"rep_id": "A", "period": months(6), "revenue": [200000] * 3 + [0] * 3})
    plain = kpilab.evaluate(true_up_plan(), frame).rounded()
    assert plain["annual_bonus"].tolist() == [0, 0, 13125, 0, 0, 0]
    neg = true_up_plan()
    neg["components"][0]["true_up"] = "allow_negative"
    neg["limits"] = {"floor": "none"}
    t = kpilab.evaluate(neg, frame).rounded()
    assert t["annual_bonus"].tolist() == [0, 0, 13125, 0, 0, -2625]


def test_quarterly_bonus_on_quarter_totals_beside_a_monthly_commission() -> None:
    """A monthly commission (5 % of revenue) and a quarterly bonus (amount 30,000, on quarter revenue against the
    quarter's target 3 × 100,000, curve points [[0.8, 0.5], [1, 1], [1.2, 1.5]]) in one plan.

    Revenue 80,000 / 100,000 / 150,000: commission 4,000 / 5,000 / 7,500 each month; the quarter's 330,000 of
    300,000 = 110 % → factor 1.25 → 37,500 in March only. April-May (a quarter not closed) pay no bonus.
    """
    plan = {"name": "mix", "base": 40000, "targets": {"revenue": 100000},
            "components": [{"name": "commission", "kind": "commission", "metric": "revenue", "rate": 0.05},
                           {"name": "quarter_bonus", "kind": "bonus", "metric": "revenue", "amount": 30000,
                            "period": "quarter", "curve": {"points": [[0.8, 0.5], [1, 1], [1.2, 1.5]]}}]}
    frame = pd.DataFrame({"rep_id": "A", "period": months(5), "revenue": [80000, 100000, 150000, 100000, 100000]})
    t = kpilab.evaluate(plan, frame).rounded()
    assert t["commission"].tolist() == [4000, 5000, 7500, 5000, 5000]
    assert t["quarter_bonus"].tolist() == [0, 0, 37500, 0, 0]
    assert t["total"].tolist() == [44000, 45000, 85000, 45000, 45000]


def test_annual_scorecard_with_a_rate_averaged_over_the_year() -> None:
    """``period: year``; deals summed (target 12 × 2 = 24), crm_quality a rate averaged (``aggregation: mean``).

    Deals 2 a month except 4 in December → 26 of 24 = 108.33 %, curve points [[0, 0], [2, 2]] → 1.08333;
    crm_quality 0.8 for six months and 0.9 for six → mean 0.85 read by value, steps [[0.8, 0.5], [0.9, 1]] → 0.5.
    Index 0.5 × 1.08333 + 0.5 × 0.5 = 0.791667 of a share 1 × the year's target bonus 12 × 10,000 = 120,000
    → 95,000, paid in December only.
    """
    plan = {"name": "annual", "base": 0, "target_bonus": 10000, "targets": {"deals": 2},
            "aggregation": {"crm_quality": "mean"},
            "components": [{"name": "year_card", "kind": "scorecard", "share": 1, "period": "year",
                            "kpis": {"deals": {"weight": 0.5, "curve": {"points": [[0, 0], [2, 2]]}},
                                     "crm_quality": {"weight": 0.5, "basis": "value",
                                                     "curve": {"steps": [[0.8, 0.5], [0.9, 1]]}}}}]}
    frame = pd.DataFrame({"rep_id": "A", "period": months(12), "deals": [2] * 11 + [4],
                          "crm_quality": [0.8] * 6 + [0.9] * 6})
    t = kpilab.evaluate(plan, frame).rounded()
    assert t["year_card"].tolist() == [0] * 11 + [95000]


def test_team_bonus_by_quarter_and_scenarios_in_one_pass() -> None:
    """Two reps in one team, quarterly team bonus (amount 9,000, curve points [[0, 0], [1, 1]], target 100 a month).

    Scenario 1: A sells 100 a month, B 50 → quarter 450 of 600 = 75 % → 6,750 each in March.
    Scenario 2: both sell 100 → 100 % → 9,000 each. State is carried per (scenario, rep).
    """
    plan = {"name": "team", "targets": {"revenue": 100},
            "components": [{"name": "team_q", "kind": "team", "metric": "revenue", "amount": 9000,
                            "period": "quarter", "curve": {"points": [[0, 0], [1, 1]]}}]}
    rows = []
    for scen, b in ((1, 50), (2, 100)):
        for p in months(3):
            rows += [{"scenario": scen, "rep_id": "A", "period": p, "revenue": 100},
                     {"scenario": scen, "rep_id": "B", "period": p, "revenue": b}]
    t = kpilab.evaluate(plan, pd.DataFrame(rows)).rounded()
    march = t[t["period"] == "2026-03"]
    assert march["team_q"].tolist() == [6750, 6750, 9000, 9000]
    assert t[t["period"] != "2026-03"]["team_q"].eq(0).all()


# --------------------------------------------------------------------------- lawful bonus cut (item 8)

def sanction_plan(**sanction) -> dict:
    return {"name": "sanction", "base": 50000, "target_bonus": 30000, "targets": {"deals": 10},
            "components": [{"name": "bonus", "kind": "bonus", "metric": "deals", "share": 1,
                            "curve": {"points": [[0, 0], [1, 1]], "extend": True}}],
            "sanction": sanction}


def test_sanction_cuts_that_months_bonus_at_most_a_fifth_of_the_wage() -> None:
    """Salary 50,000, bonus 30,000 at 100 %; one sanction in February.

    Whole bonus per sanction (default), limit 20 % of the wage: wage 50,000 + 30,000 = 80,000 → at most 16,000;
    the cut is min(30,000, 16,000) = 16,000 → February total 64,000. January and March (no sanction): 80,000;
    nothing is carried to March.
    With ``per_sanction: 0.25``: 0.25 × 30,000 = 7,500 < 16,000 → 72,500.
    With ``limit_of: base``: at most 0.2 × 50,000 = 10,000 → 70,000.
    Two sanctions at 0.25: 15,000 < 16,000 → 65,000.
    """
    frame = pd.DataFrame({"rep_id": "A", "period": months(3), "deals": [10, 10, 10], "sanction": [0, 1, 0]})
    t = kpilab.evaluate(sanction_plan(), frame).rounded()
    assert t["total"].tolist() == [80000, 64000, 80000]
    assert t["sanction_cut"].tolist() == [0, -16000, 0]
    assert t["bonus"].tolist() == [30000, 30000, 30000]  # the component keeps what was earned
    assert kpilab.evaluate(sanction_plan(per_sanction=0.25), frame).rounded()["total"].tolist()[1] == 72500
    assert kpilab.evaluate(sanction_plan(limit_of="base"), frame).rounded()["total"].tolist()[1] == 70000
    two = frame.assign(sanction=[0, 2, 0])
    assert kpilab.evaluate(sanction_plan(per_sanction=0.25), two).rounded()["total"].tolist()[1] == 65000


def test_sanction_never_touches_the_salary_and_is_not_carried() -> None:
    """A month with a small bonus: 5 deals of 10 → 15,000; wage 65,000, 20 % = 13,000; cut min(15,000, 13,000).

    A month with no bonus (0 deals) and a sanction: nothing to cut, total = salary 50,000; the next month's
    bonus (30,000) is paid in full, the unused cut is not carried.
    """
    frame = pd.DataFrame({"rep_id": "A", "period": months(3), "deals": [5, 0, 10], "sanction": [1, 1, 0]})
    t = kpilab.evaluate(sanction_plan(), frame).rounded()
    assert t["sanction_cut"].tolist() == [-13000, 0, 0]
    assert t["total"].tolist() == [52000, 50000, 80000]


def test_sanction_limit_above_the_law_is_refused() -> None:
    """``limit: 0.3`` breaks art. 135 (at most 20 % of the month's wage); a carry key is refused by name."""
    with pytest.raises(PlanError) as err:
        kpilab.Plan.from_dict(sanction_plan(limit=0.3, carry_over=True))
    paths = [p for p, _ in err.value.problems]
    assert "sanction.limit" in paths and "sanction.carry_over" in paths


# --------------------------------------------------------------------------- clawback, holdback (items 6, 7)

def test_clawback_recovered_from_later_variable_pay_never_from_salary() -> None:
    """Salary 30,000, commission 5 %, clawback rate 0.05 (what the revenue earned).

    Jan revenue 100,000 → 5,000. Feb: 90,000 cancelled → owed 4,500; revenue 40,000 → 2,000 earned, 2,000
    recovered, 2,500 still owed, total 30,000 (the salary is never touched). Mar: 20,000 → 1,000 recovered, owed
    1,500. Apr: 100,000 → 5,000 − 1,500 = 3,500, owed 0.
    """
    plan = {"name": "clawback", "base": 30000,
            "components": [{"name": "commission", "kind": "commission", "metric": "revenue", "rate": 0.05}],
            "clawback": {"rate": 0.05}}
    frame = pd.DataFrame({"rep_id": "A", "period": months(4), "revenue": [100000, 40000, 20000, 100000],
                          "cancelled_revenue": [0, 90000, 0, 0]})
    t = kpilab.evaluate(plan, frame).rounded()
    assert t["clawback"].tolist() == [0, -2000, -1000, -1500]
    assert t["clawback_balance"].tolist() == [0, 2500, 1500, 0]
    assert t["total"].tolist() == [35000, 30000, 30000, 33500]


def test_holdback_released_n_months_later() -> None:
    """20 % of each month's bonus (10,000) held, released 2 months later.

    Jan: held 2,000, paid 8,000, held balance 2,000. Feb: 8,000, balance 4,000. Mar: Jan's 2,000 released,
    2,000 held → 10,000, balance 4,000. Apr: no bonus (0 deals): Feb's 2,000 released → 2,000, balance 2,000.
    May: no bonus: Mar's 2,000 → 2,000, balance 0.
    """
    plan = {"name": "holdback", "base": 0, "targets": {"deals": 10},
            "components": [{"name": "bonus", "kind": "bonus", "metric": "deals", "amount": 10000,
                            "curve": {"points": [[0, 0], [1, 1]]}}],
            "holdback": {"share": 0.2, "release_after": 2}}
    frame = pd.DataFrame({"rep_id": "A", "period": months(5), "deals": [10, 10, 10, 0, 0]})
    t = kpilab.evaluate(plan, frame).rounded()
    assert t["holdback"].tolist() == [-2000, -2000, 0, 2000, 2000]
    assert t["holdback_balance"].tolist() == [2000, 4000, 4000, 2000, 0]
    assert t["total"].tolist() == [8000, 8000, 10000, 2000, 2000]


# --------------------------------------------------------------------------- proration, ramp (items 3, 4)

def test_proration_of_salary_and_targets() -> None:
    """Salary 60,000 and revenue target 100,000; a newcomer worked 15 of 30 days.

    Salary 60,000 × 15/30 = 30,000; target 50,000; revenue 50,000 → 100 % → bonus 20,000 × 1 = 20,000.
    A full month (empty cells) pays as written: revenue 50,000 of 100,000 = 50 % → 10,000 + 60,000.
    """
    plan = {"name": "prorated", "base": 60000, "targets": {"revenue": 100000},
            "components": [{"name": "bonus", "kind": "bonus", "metric": "revenue", "amount": 20000,
                            "curve": {"points": [[0, 0], [1, 1]]}}],
            "proration": {"days": "calendar"}}
    frame = pd.DataFrame({"rep_id": ["N", "N"], "period": months(2), "revenue": [50000, 50000],
                          "days_worked": [15, np.nan], "days_in_period": [30, np.nan]})
    t = kpilab.evaluate(plan, frame).rounded()
    assert t["base"].tolist() == [30000, 60000]
    assert t["bonus"].tolist() == [20000, 10000]


def test_ramp_scales_targets_and_guarantees_a_bonus() -> None:
    """Ramp schedule [0.5, 0.75], guarantee 8,000; target 10 deals, bonus amount 20,000 × attainment.

    ``tenure_months`` counts whole months before this one (0 in the first month, as the sample team does).
    Tenure 0, 3 deals: target 5 → 60 % → 12,000 (above the guarantee). Tenure 1, 3 deals: target 7.5 → 40 % →
    8,000 (exactly the guarantee, no top-up). Tenure 2 (past the ramp), 3 deals: 30 % → 6,000, no guarantee.
    A tenure-1 month with 0 deals: 0 earned, topped up to 8,000.
    """
    plan = {"name": "ramp", "base": 0, "targets": {"deals": 10},
            "components": [{"name": "bonus", "kind": "bonus", "metric": "deals", "amount": 20000,
                            "curve": {"points": [[0, 0], [2, 2]]}}],
            "ramp": {"schedule": [0.5, 0.75], "guarantee": 8000}}
    frame = pd.DataFrame({"rep_id": ["N", "N", "N", "M"], "period": months(3) + ["2026-01"], "deals": [3, 3, 3, 0],
                          "tenure_months": [0, 1, 2, 1]})
    t = kpilab.evaluate(plan, frame).rounded()
    assert t["bonus"].tolist() == [12000, 8000, 6000, 0]
    assert t["ramp_guarantee"].tolist() == [0, 0, 0, 8000]
    assert t["total"].tolist() == [12000, 8000, 6000, 8000]


# --------------------------------------------------------------------------- the ledger (item 10)

def ledger_case() -> tuple[dict, pd.DataFrame]:
    """Salary 50,000; bonus = 30,000 × revenue attainment (target 1,000,000, capped at 1); 40 % held 2 months;
    clawback 5 % of cancelled revenue; sanction cuts half the bonus; draw 5,000 (recoverable)."""
    plan = {"name": "ledger", "base": 50000, "target_bonus": 30000, "targets": {"revenue": 1000000},
            "components": [{"name": "bonus", "kind": "bonus", "metric": "revenue", "share": 1,
                            "curve": {"points": [[0, 0], [1, 1]]}}],
            "sanction": {"per_sanction": 0.5}, "clawback": {"rate": 0.05},
            "holdback": {"share": 0.4, "release_after": 2}, "draw": {"amount": 5000}}
    frame = pd.DataFrame({"rep_id": "A", "period": months(4), "revenue": [1e6, 8e5, 1e6, 0],
                          "sanction": [0, 1, 0, 0], "cancelled_revenue": [0, 0, 90000, 0]})
    return plan, frame


def test_ledger_month_by_month() -> None:
    """Jan: earned 30,000; 12,000 held → variable 18,000, held 12,000.
    Feb: earned 24,000; sanction 0.5 × 24,000 = 12,000 (≤ 20 % × 74,000 = 14,800) → 12,000; held 0.4 × 12,000 =
    4,800 → 7,200; held 16,800.
    Mar: earned 30,000; held 12,000, Jan's 12,000 released → 30,000; 90,000 cancelled → owed 4,500, recovered
    4,500 → 25,500; held 16,800.
    Apr: earned 0; Feb's 4,800 released → 4,800 < draw 5,000 → 5,000, owed 200 against the draw; held 12,000.
    """
    plan, frame = ledger_case()
    p = kpilab.evaluate(plan, frame)
    led = p.ledger("A").round(2)
    assert led["earned"].tolist() == [30000, 24000, 30000, 0]
    assert led["sanction_cut"].tolist() == [0, -12000, 0, 0]
    assert led["held"].tolist() == [12000, 4800, 12000, 0]
    assert led["released"].tolist() == [0, 0, 12000, 4800]
    assert led["holdback_balance"].tolist() == [12000, 16800, 16800, 12000]
    assert led["clawback_owed"].tolist() == [0, 0, 4500, 0]
    assert led["clawback_recovered"].tolist() == [0, 0, 4500, 0]
    assert led["draw_balance"].tolist() == [0, 0, 0, 200]
    assert led["total"].tolist() == [68000, 57200, 75500, 55000]
    assert led["total"].tolist() == p.table["total"].round(2).tolist()


def test_ledger_narrated_in_russian_and_english() -> None:
    """The narration uses the table's own numbers, in the words of a Russian payroll document."""
    from kpilab.engine.explain_periods import narrate_ledger

    plan, frame = ledger_case()
    p = kpilab.evaluate(plan, frame)
    ru = narrate_ledger(p, "A", "ru")
    assert "удержано до оплаты 12\u00a0000\u00a0₽" in ru
    assert "возврат по отменённой сделке \u22124\u00a0500\u00a0₽" in ru
    assert "депремирование за дисциплинарное взыскание 12\u00a0000\u00a0₽" in ru
    assert "Март 2026" in ru and "задолженность по авансу 200\u00a0₽" in ru
    en = narrate_ledger(p, "A", "en")
    assert "held until release 12,000\u00a0₽" in en and "reversal for a cancelled deal \u22124,500\u00a0₽" in en
    explanation = p.explain("A", "2026-03")
    last = explanation.table.iloc[-1]
    assert last["item"] == "paid" and last["amount"] == pytest.approx(75500)


def test_carried_state_month_by_month_equals_the_year_whole() -> None:
    """Evaluating January-June whole equals January-March, then April-June from the carried state."""
    plan, frame = ledger_case()
    plan["components"].append({"name": "q", "kind": "bonus", "metric": "revenue", "amount": 9000,
                               "curve": {"points": [[0, 0], [2, 2]]}, "period": "quarter", "true_up": True})
    frame = pd.concat([frame, frame.assign(period=months(4, start=5))], ignore_index=True).iloc[:6]
    whole = kpilab.evaluate(plan, frame).table
    first = kpilab.evaluate(plan, frame.iloc[:3])
    second = kpilab.evaluate(plan, frame.iloc[3:].reset_index(drop=True), carried=first.carried)
    pieced = pd.concat([first.table, second.table], ignore_index=True)
    pd.testing.assert_frame_equal(whole, pieced)
    one_by_one = []
    carried = None
    for i in range(6):
        step = kpilab.evaluate(plan, frame.iloc[i:i + 1].reset_index(drop=True), carried=carried)
        carried = step.carried
        one_by_one.append(step.table)
    pd.testing.assert_frame_equal(whole, pd.concat(one_by_one, ignore_index=True))
