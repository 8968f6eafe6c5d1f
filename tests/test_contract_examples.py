"""Every worked example of section 9 of the plan-format contract, to the cent.

Each example is checked twice: on the engine (``kpilab.evaluate``) and on the
reference evaluator (``tests/reference.py``), so the oracle used by the
property tests is itself pinned to the contract's own numbers.

The contract's case files (``/work/shared/contract/cases``) and their runner are
copied into ``tests/contract_cases/`` and run through the CLI here too.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pandas as pd
import pytest

sys.path.insert(0, os.path.dirname(__file__))

import kpilab  # noqa: E402
from reference import reference_table  # noqa: E402

HERE = pathlib.Path(__file__).parent
CASES = HERE / "contract_cases"

TIERS = [{"from": 0, "rate": 0.05}, {"from": 100000, "rate": 0.10}]
SCORECARD = {
    "name": "kpi", "kind": "scorecard", "share": 1,
    "kpis": {
        "calls": {"weight": 0.3, "curve": {"steps": [[0.7, 0.5], [0.9, 0.9], [1.0, 1.0], [1.2, 1.1]]}},
        "deals": {"weight": 0.7, "curve": {"points": [[0.5, 0], [1.0, 1.0], [1.5, 1.5]]}},
    },
}


def payout(plan: dict, **row: float) -> dict[str, float]:
    """Engine and reference on one row; asserts they agree to the cent and returns the engine's row."""
    r = {"rep_id": "A", "period": "2026-01", **row}
    got = kpilab.evaluate(kpilab.Plan.from_dict(plan), pd.DataFrame([r])).table.iloc[0]
    ref = reference_table(plan, [r])[0]
    for col, value in ref.items():
        assert float(got[col]) == pytest.approx(value, abs=0.005), col
    return {k: float(v) for k, v in got.items() if k not in ("rep_id", "period")}


def cents(x: float) -> float:
    return round(x + 0.0, 2)


def test_example_1_marginal_tiers() -> None:
    plan = {"name": "ex1", "components": [{"name": "comm", "kind": "commission", "metric": "revenue", "tiers": TIERS}]}
    out = payout(plan, revenue=150000)
    assert cents(out["comm"]) == 10000.00  # 100000*0.05 + 50000*0.10
    assert cents(out["total"]) == 10000.00


def test_example_2_retroactive_tiers() -> None:
    plan = {"name": "ex2", "components": [
        {"name": "comm", "kind": "commission", "metric": "revenue", "tiers": TIERS, "method": "retroactive"}]}
    out = payout(plan, revenue=150000)
    assert cents(out["comm"]) == 15000.00  # 150000*0.10
    assert cents(out["variable"]) == 15000.00


@pytest.mark.parametrize("revenue, expected", [(260000, 7600.00), (90000, 0.00)])
def test_example_3_attainment_tiers(revenue: float, expected: float) -> None:
    plan = {"name": "ex3", "targets": {"revenue": 200000}, "components": [
        {"name": "comm", "kind": "commission", "metric": "revenue", "tiers_on": "attainment", "method": "marginal",
         "tiers": [{"from": 0.5, "rate": 0.04}, {"from": 1.0, "rate": 0.06}]}]}
    out = payout(plan, revenue=revenue)
    assert cents(out["comm"]) == expected  # (200000-100000)*0.04 + 60000*0.06 = 7600; 90000 < 100000 -> 0
    assert cents(out["total"]) == expected


def test_example_4_scorecard() -> None:
    plan = {"name": "ex4", "target_bonus": 40000, "targets": {"calls": 800, "deals": 10}, "components": [SCORECARD]}
    out = payout(plan, calls=760, deals=12)
    assert cents(out["kpi"]) == 44400.00  # 40000 * (0.3*0.9 + 0.7*1.2)
    assert cents(out["variable"]) == 44400.00
    assert cents(out["total"]) == 44400.00


@pytest.mark.parametrize("base, total", [(0, 0.00), (30000, 30000.00)])
def test_example_5_gate_on_revenue(base: float, total: float) -> None:
    plan = {"name": "ex5", "base": base, "target_bonus": 40000,
            "targets": {"calls": 800, "deals": 10, "revenue": 1000000}, "components": [SCORECARD],
            "gates": [{"applies_to": "all", "when": {"metric": "revenue", "attainment_at_least": 0.8}}]}
    out = payout(plan, calls=760, deals=12, revenue=750000)
    assert cents(out["kpi"]) == 0.00
    assert cents(out["variable"]) == 0.00
    assert cents(out["total"]) == total
    # the same row at exactly 80 % passes the gate
    assert cents(payout(plan, calls=760, deals=12, revenue=800000)["kpi"]) == 44400.00


@pytest.mark.parametrize("floor, floor_adjustment, total", [("base", 4000.00, 30000.00), ("none", 0.00, 26000.00)])
def test_example_6_penalty_and_floor(floor: str, floor_adjustment: float, total: float) -> None:
    plan = {"name": "ex6", "base": 30000, "targets": {"deals": 5}, "components": [
        {"name": "b", "kind": "bonus", "metric": "deals", "amount": 6000, "curve": {"points": [[0, 0], [1, 1]]}},
        {"name": "fines", "kind": "penalty", "metric": "missed_calls", "per_unit": 500, "free": 2, "cap": 10000}],
        "limits": {"floor": floor}}
    out = payout(plan, deals=5, missed_calls=30)
    assert cents(out["b"]) == 6000.00
    assert cents(out["fines"]) == -10000.00  # min(500*(30-2), 10000)
    assert cents(out["floor_adjustment"]) == floor_adjustment
    assert cents(out["total"]) == total
    assert cents(out["variable"]) == total - 30000


def test_example_7_variable_cap_share() -> None:
    plan = {"name": "ex7", "base": 25000, "target_bonus": 20000, "targets": {"revenue": 100}, "components": [
        {"name": "b", "kind": "bonus", "metric": "revenue", "share": 1,
         "curve": {"points": [[0, 0], [1, 1]], "extend": True}}],
        "limits": {"variable_cap": {"share": 2}}}
    out = payout(plan, revenue=260)  # attainment 2.6
    assert cents(out["b"]) == 52000.00
    assert cents(out["cap_adjustment"]) == -12000.00
    assert cents(out["variable"]) == 40000.00
    assert cents(out["total"]) == 65000.00


# ----------------------------------------------------------------------------- the contract's own case files


def test_contract_cases_are_verbatim_copies() -> None:
    """tests/contract_cases is a copy of the shared contract cases (when the shared folder is present)."""
    shared = pathlib.Path("/work/shared/contract")
    local = sorted(p.name for p in (CASES / "cases").glob("*.yaml"))
    assert len(local) >= 5
    if shared.exists():
        assert local == sorted(p.name for p in (shared / "cases").glob("*.yaml"))
        for name in local:
            assert (CASES / "cases" / name).read_bytes() == (shared / "cases" / name).read_bytes(), name
        assert (CASES / "run_cases.py").read_bytes() == (shared / "run_cases.py").read_bytes()


def test_contract_cases_pass_through_the_cli() -> None:
    n = len(list((CASES / "cases").glob("*.yaml")))
    proc = subprocess.run([sys.executable, str(CASES / "run_cases.py"), sys.executable, str(CASES / "cases")],
                          capture_output=True, text=True, timeout=600)
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    assert last == f"{n} passed, 0 failed", proc.stdout + proc.stderr
    assert proc.returncode == 0
