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


def through_cli(tmp_path: Path, plan: dict, frame: pd.DataFrame) -> pd.DataFrame:
    """The payout table as ``kpilab payout PLAN DATA`` writes it."""
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
