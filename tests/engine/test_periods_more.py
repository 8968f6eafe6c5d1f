"""Pay across months, version 1.3 of the additions: plan versions over time, holdback released on
collection, proration from hire and leave dates, a clawback on what the cancelled revenue earned, and
the invariants that tie them together. Known answers through the API and the CLI, with the arithmetic
in each docstring; then hypothesis invariants on generated multi-period histories.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import kpilab
from kpilab.errors import DataError, PlanError
from kpilab.plan.kinds import ComponentKind, register, unregister

sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))

from test_reference_periods import any_plans, histories  # noqa: E402

TOL = 1e-6


def months(n: int, start: int = 1, year: int = 2026) -> list[str]:
    return [f"{year + (start - 1 + i) // 12}-{(start - 1 + i) % 12 + 1:02d}" for i in range(n)]


from test_periods import through_cli  # noqa: E402  (tests/engine is on sys.path: one CLI helper)


# --------------------------------------------------------------------------- plan versions over time

CURVE = {"points": [[0, 0], [1, 1], [1.5, 2], [2, 2.5]]}


def half(name: str, amount: float) -> dict:
    return {"name": name, "targets": {"revenue": 100000}, "components": [
        {"name": "sales", "kind": "bonus", "metric": "revenue", "amount": amount, "period": "quarter",
         "true_up": True, "curve": CURVE}]}


VERSIONS = {"name": "Sales 2026", "versions": [{"from": "2026-01", "plan": "first_half.yaml"},
                                              {"from": "2026-07", "plan": half("Second half", 6000)}]}
YEAR = pd.DataFrame({"rep_id": "R", "period": months(12),
                     "revenue": [90000.0] * 6 + [110000.0] * 3 + [100000.0] * 3})
#: Q1 5,250 × 0.9; Q2 10,500 × 0.9 − 4,725; Q3 6,000 × 1.2 (the new version's first quarter);
#: Q4 on July-December at 105 %: 12,000 × 1.1 − 7,200.
VERSIONS_PAID = [0, 0, 4725, 0, 0, 4725, 0, 0, 7200, 0, 0, 6000]


def load_versions(tmp_path: Path) -> kpilab.PlanVersions:
    (tmp_path / "first_half.yaml").write_text(yaml.safe_dump(half("First half", 5250)), encoding="utf-8")
    (tmp_path / "versions.yaml").write_text(yaml.safe_dump(VERSIONS), encoding="utf-8")
    return kpilab.load_plan(tmp_path / "versions.yaml")


def test_versions_each_settle_their_own_months_api(tmp_path: Path) -> None:
    """January-June on 5,250 a quarter, July-December on 6,000 (the contract's worked example):
    4,725 / 4,725 / 7,200 / 6,000, 22,650 in the year."""
    plan = load_versions(tmp_path)
    assert isinstance(plan, kpilab.PlanVersions)
    table = kpilab.evaluate(plan, YEAR).table
    assert table["sales"].tolist() == pytest.approx(VERSIONS_PAID, abs=1e-6)
    assert table["total"].sum() == pytest.approx(22650)


def test_versions_cli(tmp_path: Path) -> None:
    """The same through ``kpilab payout`` with the first half as a plan file beside the versions file."""
    out = through_cli(tmp_path, VERSIONS, YEAR, {"first_half.yaml": half("First half", 5250)})
    assert out["sales"].tolist() == pytest.approx(VERSIONS_PAID, abs=0.005)


def test_versions_month_by_month_equals_the_year(tmp_path: Path) -> None:
    """State carries across the change: January-August then September-December with the carried state
    pay what the whole year pays."""
    plan = load_versions(tmp_path)
    first = kpilab.evaluate(plan, YEAR.iloc[:8])
    rest = kpilab.evaluate(plan, YEAR.iloc[8:].reset_index(drop=True), carried=first.carried)
    assert first.table["total"].tolist() + rest.table["total"].tolist() == pytest.approx(VERSIONS_PAID, abs=1e-6)


def test_annual_part_cut_by_a_version_pays_its_months() -> None:
    """An annual bonus (amount 12,000 a year, at plan) in a version that ends in June closes in June on
    its own six months: 12,000 × 6 / 12 × 1 = 6,000; the next version's annual bonus pays in December
    on July-December: 24,000 × 6 / 12 = 12,000."""
    def annual(amount: float) -> dict:
        return {"name": f"a{amount}", "targets": {"deals": 10}, "components": [
            {"name": "year", "kind": "bonus", "metric": "deals", "amount": amount, "period": "year",
             "curve": {"points": [[0, 0], [1, 1]]}}]}
    plan = kpilab.load_plan({"name": "v", "versions": [{"from": "2026-01", "plan": annual(12000)},
                                                      {"from": "2026-07", "plan": annual(24000)}]})
    frame = pd.DataFrame({"rep_id": "R", "period": months(12), "deals": 10.0})
    paid = kpilab.evaluate(plan, frame).table["year"].tolist()
    assert paid == pytest.approx([0] * 5 + [6000] + [0] * 5 + [12000])


def test_balances_carry_across_a_change() -> None:
    """A holdback held in June (share 0.5, two months) is released in August under a plan without a
    holdback; January-June bonus 10,000 → 5,000 held each month, released two months later.
    August: 5,000 (June's) released, total 10,000 + 5,000."""
    old = {"name": "old", "components": [{"name": "b", "kind": "bonus", "metric": "deals", "amount": 10000,
                                          "curve": {"points": [[0, 0], [1, 1]]}}], "targets": {"deals": 10},
           "holdback": {"share": 0.5, "release_after": 2}}
    new = {**old, "name": "new"}
    del new["holdback"]
    plan = kpilab.load_plan({"name": "v", "versions": [{"from": "2026-01", "plan": old},
                                                      {"from": "2026-07", "plan": new}]})
    frame = pd.DataFrame({"rep_id": "R", "period": months(9), "deals": 10.0})
    table = kpilab.evaluate(plan, frame).table
    assert table["holdback"].tolist() == pytest.approx([-5000, -5000, 0, 0, 0, 0, 5000, 5000, 0])
    assert table["holdback_balance"].tolist() == pytest.approx([5000, 10000, 10000, 10000, 10000, 10000,
                                                                5000, 0, 0])


@pytest.mark.parametrize("spec, path, words", [
    ({"name": "v", "versions": [{"from": "2026-07", "plan": half("a", 1)}, {"from": "2026-01", "plan": half("b", 1)}]},
     "versions[1].from", "increasing"),
    ({"name": "v", "versions": [{"from": "2026-01", "plan": half("a", 1)}, {"from": "2026-08", "plan": half("b", 1)}]},
     "versions[1].from", "middle of a quarter"),
    ({"name": "v", "versions": [{"from": "2026-01", "plan": "missing.yaml"}]}, "versions[0].plan", "cannot read"),
    ({"name": "v", "versions": [{"from": "July", "plan": half("a", 1)}]}, "versions[0].from", "YYYY-MM"),
])
def test_malformed_versions_name_their_key_path(spec: dict, path: str, words: str, tmp_path: Path) -> None:
    with pytest.raises(PlanError) as err:
        kpilab.PlanVersions.from_dict(spec, base_dir=tmp_path)
    assert path in str(err.value) and words in str(err.value)


def test_a_row_before_the_first_version_is_a_data_error(tmp_path: Path) -> None:
    plan = load_versions(tmp_path)
    frame = pd.DataFrame({"rep_id": "R", "period": ["2025-12", "2026-01"], "revenue": [1.0, 1.0]})
    with pytest.raises(DataError) as err:
        kpilab.evaluate(plan, frame)
    assert (err.value.row, err.value.column) == (2, "period")


# --------------------------------------------------------------------------- holdback on collection

COLLECT_PLAN = {"name": "Held until paid", "base": 30000, "targets": {"revenue": 100000}, "components": [
    {"name": "b", "kind": "bonus", "metric": "revenue", "amount": 10000, "curve": {"points": [[0, 0], [1, 1]]}}],
    "holdback": {"share": 0.2, "release_on": "collection"}}
COLLECT = pd.DataFrame({"rep_id": "R", "period": months(3), "revenue": [100000.0, 100000.0, 0.0],
                        "collected_revenue": [0.0, 50000.0, 150000.0]})


@pytest.mark.parametrize("route", ["api", "cli"])
def test_holdback_released_on_collection(route: str, tmp_path: Path) -> None:
    """Share 0.2 of a 10,000 bonus is held; the pool is released in the share of the revenue collected:
    January held 2,000, nothing collected; February held 2,000, pool 4,000 × 50,000 / 200,000 = 1,000
    released; March pool 3,000 × 150,000 / 150,000 = 3,000. Variable 8,000 / 9,000 / 3,000."""
    table = kpilab.evaluate(COLLECT_PLAN, COLLECT).table if route == "api" else \
        through_cli(tmp_path, COLLECT_PLAN, COLLECT)
    assert table["holdback"].tolist() == pytest.approx([-2000, -1000, 3000])
    assert table["holdback_balance"].tolist() == pytest.approx([2000, 3000, 0])
    assert table["variable"].tolist() == pytest.approx([8000, 9000, 3000])


def test_collection_needs_its_column() -> None:
    with pytest.raises(DataError) as err:
        kpilab.evaluate(COLLECT_PLAN, COLLECT.drop(columns=["collected_revenue"]))
    assert err.value.column == "collected_revenue"


# --------------------------------------------------------------------------- proration from dates

HOLIDAYS = ["2026-01-01", "2026-01-02", "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08"]


def dated_plan(days: str) -> dict:
    rule = {"days": days, "holidays": HOLIDAYS} if days == "working" else {"days": days}
    return {"name": "Dated", "base": 62000, "targets": {"revenue": 100000}, "components": [
        {"name": "b", "kind": "bonus", "metric": "revenue", "amount": 10000, "curve": {"points": [[0, 0], [1, 1]]}}],
        "proration": rule}


DATED = pd.DataFrame({"rep_id": "R", "period": ["2026-01", "2026-02", "2026-03"],
                      "revenue": [62500.0, 100000.0, 50000.0],
                      "hire_date": ["2026-01-19"] * 3, "leave_date": ["", "", "2026-03-15"]})


@pytest.mark.parametrize("route", ["api", "cli"])
def test_proration_by_working_days(route: str, tmp_path: Path) -> None:
    """Working days, holidays 1, 2 and 5-8 January: January has 22 weekdays − 6 = 16, 10 from the 19th →
    salary 62,000 × 10/16 = 38,750, target 62,500 → revenue 62,500 is 100 % → 10,000. February whole:
    62,000 + 10,000. March to the 15th (a Sunday): 10 of 22 weekdays → 28,181.82, target 45,454.55,
    revenue 50,000 → 110 %, the curve ends at 1 → 10,000 (a whole target would give 5,000)."""
    table = kpilab.evaluate(dated_plan("working"), DATED).table if route == "api" else \
        through_cli(tmp_path, dated_plan("working"), DATED)
    assert table["base"].tolist() == pytest.approx([38750, 62000, 62000 * 10 / 22], abs=0.005)
    assert table["b"].tolist() == pytest.approx([10000, 10000, 10000], abs=0.005)


def test_proration_by_calendar_days() -> None:
    """Calendar days: hired on the 19th of a 31-day January → 13/31; leaving on 15 March → 15/31."""
    table = kpilab.evaluate(dated_plan("calendar"), DATED).table
    assert table["base"].tolist() == pytest.approx([62000 * 13 / 31, 62000, 62000 * 15 / 31])


def test_ramp_tenure_from_hire_date() -> None:
    """Without tenure_months the ramp counts months since hire_date: hired 17 March → March is month 0
    (target × 0.5), April month 1 (× 0.75), May past the ramp. Deals 5 against 10 → 100 %, 67 %, 50 %."""
    plan = {"name": "Ramp", "targets": {"deals": 10}, "ramp": {"schedule": [0.5, 0.75]}, "components": [
        {"name": "b", "kind": "bonus", "metric": "deals", "amount": 9000, "curve": {"points": [[0, 0], [1, 1]]}}]}
    frame = pd.DataFrame({"rep_id": "R", "period": months(3, start=3), "deals": 5.0, "hire_date": "2026-03-17"})
    assert kpilab.evaluate(plan, frame).table["b"].tolist() == pytest.approx([9000, 6000, 4500])


@pytest.mark.parametrize("change, column", [
    ({"hire_date": ["2026-01-19", "soon", "2026-01-19"]}, "hire_date"),
    ({"leave_date": ["", "", "2026-01-10"]}, "leave_date"),
    ({"leave_date": ["", "", "2026-02-27"]}, "hire_date"),
])
def test_bad_dates_name_row_and_column(change: dict, column: str) -> None:
    frame = DATED.assign(**change)
    with pytest.raises(DataError) as err:
        kpilab.evaluate(dated_plan("calendar"), frame)
    assert err.value.column == column and err.value.row is not None


# --------------------------------------------------------------------------- clawback on earnings

EARN_PLAN = {"name": "Commission with clawback", "base": 30000, "components": [
    {"name": "com", "kind": "commission", "metric": "revenue", "rate": 0.05}], "clawback": {"basis": "earnings"}}
EARN = pd.DataFrame({"rep_id": "R", "period": months(3), "revenue": [200000.0, 40000.0, 20000.0],
                     "cancelled_revenue": [0.0, 90000.0, 0.0], "cancelled_period": ["", "2026-01", ""]})


@pytest.mark.parametrize("route", ["api", "cli"])
def test_clawback_on_what_the_revenue_earned(route: str, tmp_path: Path) -> None:
    """January 200,000 earned 10,000; February cancels 90,000 of January's: January again on 110,000 earns
    5,500, so 4,500 is owed; February earns 2,000, all recovered (total 30,000, never below salary),
    2,500 carried; March earns 1,000, recovered → 1,500 carried."""
    table = kpilab.evaluate(EARN_PLAN, EARN).table if route == "api" else through_cli(tmp_path, EARN_PLAN, EARN)
    assert table["clawback"].tolist() == pytest.approx([0, -2000, -1000])
    assert table["clawback_balance"].tolist() == pytest.approx([0, 2500, 1500])
    assert table["total"].tolist() == pytest.approx([40000, 30000, 30000])


def test_clawback_on_earnings_follows_the_curve() -> None:
    """A tiered (retroactive) commission: 6 % from 100,000, 3 % below. January 120,000 earns 7,200;
    cancelling 30,000 of it leaves 90,000 at 3 % = 2,700, so 4,500 is owed, not 6 % × 30,000 = 1,800."""
    plan = {**EARN_PLAN, "components": [{"name": "com", "kind": "commission", "metric": "revenue",
                                         "method": "retroactive",
                                         "tiers": [{"from": 0, "rate": 0.03}, {"from": 100000, "rate": 0.06}]}]}
    frame = pd.DataFrame({"rep_id": "R", "period": months(2), "revenue": [120000.0, 200000.0],
                          "cancelled_revenue": [0.0, 30000.0], "cancelled_period": ["", "2026-01"]})
    table = kpilab.evaluate(plan, frame)
    assert table.ledger("R")["clawback_owed"].tolist() == pytest.approx([0, 4500])


def test_cancelled_period_outside_the_table_is_an_error() -> None:
    with pytest.raises(DataError) as err:
        kpilab.evaluate(EARN_PLAN, EARN.assign(cancelled_period=["", "2025-06", ""]))
    assert (err.value.row, err.value.column) == (3, "cancelled_period")


# --------------------------------------------------------------------------- invariants

def _paid_identity(plan: dict, frame: pd.DataFrame) -> None:
    """Per rep: Σ variable = E − holdback left − (Σ clawback owed − clawback left) + Σ draw_adjustment, with
    E = Σ section-7 variable + guarantees + sanction cuts; a recoverable draw in force throughout has
    Σ draw_adjustment = draw_balance at the end. Every balance ≥ 0 after every month."""
    payouts = kpilab.evaluate(kpilab.load_plan(plan), frame)
    table = payouts.table
    for col in ("holdback_balance", "clawback_balance", "draw_balance"):
        if col in table.columns:
            assert (table[col] >= -1e-9).all(), col
    if payouts.carried is None:
        return  # a plan that pays each month on its own carries nothing
    keys = [c for c in ("scenario", "rep_id") if c in table.columns]
    for _, rows in table.groupby(keys):
        ledger = payouts.ledger(rows["rep_id"].iloc[0], rows["scenario"].iloc[0])
        get = lambda c: ledger[c].to_numpy() if c in ledger.columns else np.zeros(len(ledger))  # noqa: E731
        entitled = get("earned").sum() + get("ramp_guarantee").sum() + get("sanction_cut").sum()
        held_left = get("holdback_balance")[-1] if len(ledger) else 0.0
        claw_left = get("clawback_balance")[-1] if len(ledger) else 0.0
        expected = entitled - held_left - (get("clawback_owed").sum() - claw_left) + get("draw_adjustment").sum()
        assert get("variable").sum() == pytest.approx(expected, abs=1e-6)
        draw = plan.get("draw") if "versions" not in plan else None
        if draw and draw.get("recoverable", True):
            assert get("draw_adjustment").sum() == pytest.approx(get("draw_balance")[-1], abs=1e-6)


@settings(max_examples=40, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(any_plans(), st.integers(0, 2**31 - 1))
def test_invariants_on_generated_histories(plan: dict, seed: int) -> None:
    """Balances never negative; total paid = entitlement − what is still held or owed (+ the draw); row
    order irrelevant; the months evaluated in two parts with the carried state = evaluated whole."""
    frame = histories(seed)
    _paid_identity(plan, frame)
    obj = kpilab.load_plan(plan)
    whole = kpilab.evaluate(obj, frame).table
    shuffled = frame.sample(frac=1.0, random_state=seed % 1000).reset_index()
    again = kpilab.evaluate(obj, shuffled.drop(columns=["index"])).table
    again.index = shuffled["index"].to_numpy()
    pd.testing.assert_frame_equal(whole, again.sort_index()[whole.columns], check_exact=False, rtol=1e-9,
                                  atol=1e-6)
    # no row of one part may name a cancelled month of the other
    cut = sorted(frame["period"].unique())[len(frame["period"].unique()) // 2]
    safe = frame.assign(cancelled_period="")
    whole = kpilab.evaluate(obj, safe).table
    early, late = safe[safe["period"] < cut], safe[safe["period"] >= cut]
    if len(early) and len(late):
        first = kpilab.evaluate(obj, early)
        second = kpilab.evaluate(obj, late, carried=first.carried)
        parts = pd.concat([first.table.set_axis(early.index), second.table.set_axis(late.index)]).loc[whole.index]
        cols = [c for c in whole.columns if c in parts.columns]
        pd.testing.assert_frame_equal(whole[cols], parts[cols], check_exact=False, rtol=1e-9, atol=1e-6)


# --------------------------------------------------------------------------- kinds asked, not named

@dataclasses.dataclass(frozen=True)
class _Rungs(ComponentKind):
    """A toy kind defined here only: ``amount`` for every whole ``step`` of ``metric`` (``step`` is an amount
    of one period, so a true-up over k periods scales it by k through :meth:`over_periods`)."""

    metric: str = ""
    step: float = 1.0
    amount: float = 0.0

    kind: ClassVar[str] = "rungs"
    keys: ClassVar[frozenset[str]] = frozenset({"name", "kind", "metric", "step", "amount"})

    @classmethod
    def parse_fields(cls, data: Any, path: str, problems: list) -> dict[str, Any]:
        return {k: data[k] for k in ("metric", "step", "amount")}

    def pay(self, cols: Any, note: Any) -> np.ndarray:
        return np.floor(cols.facts[self.metric] / self.step) * self.amount

    def over_periods(self, k: float) -> "_Rungs":
        return dataclasses.replace(self, step=self.step * k)


def test_a_kind_the_period_pass_does_not_know_settles_through_its_own_hooks() -> None:
    """The period pass asks the kind (``reading``, ``over_periods``, ``team_metrics``) and names none.

    Quarterly true-up of 1 000 per whole 3 deals, 3 deals every month, the step an amount per quarter:
    March: year to date 9 deals, 1 quarter -> step 3 -> 3 rungs -> 3 000, none paid before -> 3 000.
    June: 18 deals, 2 quarters -> step 6 -> 3 rungs -> 3 000, 3 000 paid -> 0 (an unscaled step would
    pay 6 rungs - 3 = 3 000 more)."""
    register(_Rungs)
    try:
        plan = kpilab.load_plan({"name": "rungs", "base": 0, "components": [
            {"name": "ladder", "kind": "rungs", "metric": "deals", "step": 3, "amount": 1000,
             "period": "quarter", "true_up": True}]})
        frame = pd.DataFrame({"rep_id": ["A"] * 6, "period": [f"2026-{m:02d}" for m in range(1, 7)],
                              "deals": [3.0] * 6})
        paid = kpilab.evaluate(plan, frame).table["ladder"].tolist()
    finally:
        unregister("rungs")
    assert paid == [0.0, 0.0, 3000.0, 0.0, 0.0, 0.0]
