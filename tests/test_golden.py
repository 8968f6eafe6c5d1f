"""Golden payouts: every bundled plan on the sample team, to the kopeck.

A golden file is the CLI's exact output. It is itself checked against the
independent per-row reference (tests/reference.py), so the golden files are
not just snapshots of whatever the engine did once.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kpilab import datasets
from reference import reference_periods, reference_table

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
PLANS = datasets.plan_names()


def test_there_is_a_golden_file_for_every_bundled_plan() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.csv")) == sorted(PLANS)


@pytest.mark.parametrize("name", PLANS)
def test_cli_payout_reproduces_the_golden_file(name: str, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    subprocess.run([sys.executable, "-m", "kpilab", "payout", str(datasets.plan_path(name)),
                    str(ROOT / "data" / "sample_team.csv"), "-o", str(out)], check=True, capture_output=True)
    assert out.read_text() == (GOLDEN / f"{name}.csv").read_text()


@pytest.mark.parametrize("name", PLANS)
def test_golden_file_agrees_with_the_reference_to_the_kopeck(name: str) -> None:
    plan = yaml.safe_load(datasets.plan_path(name).read_text())
    if "plans" in plan:  # a scheme lists plan files or inline plans; the reference takes inline ones
        assert all(isinstance(p, dict) for p in plan["plans"].values())
    rows = datasets.load_sample_team().to_dict("records")
    # A plan that pays across months (contract section 10) is followed month by month.
    periods = {"draw", "sanction", "clawback", "holdback", "proration", "ramp", "aggregation"} & set(plan) or any(
        "period" in c or "true_up" in c for c in plan.get("components") or [])
    expected = reference_periods(plan, rows) if periods else reference_table(plan, rows)
    golden = list(csv.DictReader((GOLDEN / f"{name}.csv").open()))
    assert len(golden) == len(expected) == len(rows)
    for got, want, row in zip(golden, expected, rows):
        assert (got["rep_id"], got["period"]) == (str(row["rep_id"]), str(row["period"]))
        where = (got["rep_id"], got["period"])
        assert float(got["total"]) == pytest.approx(want["total"], abs=0.0051), where
        parts = {c: v for c, v in want.items() if c not in ("variable", "total") and got.get(c, "") != ""}
        # Section 8: rounded parts add up to the rounded total; the few kopecks that closes
        # the gap go to one part, so a part may differ from its own rounding by that gap.
        gap = round(float(got["total"]) - sum(round(v + 1e-9, 2) for v in parts.values()), 2)
        for column, value in parts.items():
            assert abs(float(got[column]) - value) <= 0.0051 + abs(gap), (*where, column)
        assert sum(float(got[c]) for c in parts) == pytest.approx(float(got["total"]), abs=1e-6), where
