"""Malformed input for pay across months (contract section 10), each run through ``kpilab payout``.

Corpus: ``tests/malformed/periods/plans/*.yaml`` (each with ``good_periods_data.csv``) and
``tests/malformed/periods/data/*.csv`` (each with ``good_periods_plan.yaml``). As for every malformed
input: exit status 2, one message on standard error naming the key path (plans) or the file, row,
rep, period and column (data), and nothing written.
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).parent / "malformed" / "periods"
GOOD_PLAN = HERE / "good_periods_plan.yaml"
GOOD_DATA = HERE / "good_periods_data.csv"

PLAN_CASES: dict[str, list[str]] = {
    "period_kind_unknown.yaml": ["components[0].period", "quartely", "did you mean 'quarter'"],
    "true_up_text.yaml": ["components[0].true_up", "sometimes"],
    "true_up_on_penalty.yaml": ["components[1].true_up", "penalty"],
    "draw_negative.yaml": ["draw.amount", "-2000"],
    "draw_key_typo.yaml": ["draw.amout", "did you mean 'amount'"],
    "draw_recoverable_text.yaml": ["draw.recoverable", "maybe"],
    "sanction_carried.yaml": ["sanction.carry_over", "month of the sanction", "cannot be carried"],
    "sanction_limit_above_law.yaml": ["sanction.limit", "0.2", "0.25"],
    "sanction_limit_of_unknown.yaml": ["sanction.limit_of", "salary", "wage or base"],
    "sanction_more_than_the_bonus.yaml": ["sanction.per_sanction", "1.5"],
    "holdback_share_above_one.yaml": ["holdback.share", "1.5"],
    "holdback_release_text.yaml": ["holdback.release_after", "two"],
    "clawback_rate_zero.yaml": ["clawback.rate", "> 0"],
    "ramp_schedule_empty.yaml": ["ramp.schedule"],
    "ramp_factor_negative.yaml": ["ramp.schedule[1]", "-1"],
    "aggregation_unknown.yaml": ["aggregation.crm_quality", "average"],
    "proration_days_unknown.yaml": ["proration.days", "business"],
}

DATA_CASES: dict[str, list[str]] = {
    "period_not_a_month.csv": ["file period_not_a_month.csv", "row 3", "rep B", "period 2026-Q1", "column period",
                               "YYYY-MM"],
    "sanction_negative.csv": ["file sanction_negative.csv", "row 3", "rep B", "period 2026-01", "column sanction"],
    "cancelled_text.csv": ["file cancelled_text.csv", "row 3", "rep A", "period 2026-02",
                           "column cancelled_revenue", "a lot"],
    "days_worked_more_than_days.csv": ["row 3", "rep B", "column days_worked", "days_in_period"],
    "days_worked_zero.csv": ["row 3", "rep B", "column days_worked", "> 0"],
    "days_in_period_missing.csv": ["row 2", "rep A", "column days_in_period"],
    "tenure_negative.csv": ["row 3", "rep B", "column tenure_months", "negative"],
    "tenure_not_whole.csv": ["row 3", "rep B", "column tenure_months", "whole number"],
}


def run_payout(tmp_path: pathlib.Path, plan: pathlib.Path, data: pathlib.Path) -> subprocess.CompletedProcess:
    shutil.copy(plan, tmp_path / plan.name)
    shutil.copy(data, tmp_path / data.name)
    return subprocess.run([sys.executable, "-m", "kpilab", "payout", plan.name, data.name, "-o", "out.csv"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)


def check_rejected(proc: subprocess.CompletedProcess, tmp_path: pathlib.Path, expected: list[str]) -> None:
    assert proc.returncode == 2, f"rc={proc.returncode}\nstdout={proc.stdout}\nstderr={proc.stderr}"
    assert not (tmp_path / "out.csv").exists(), "out.csv was written for bad input"
    assert "Traceback" not in proc.stderr, proc.stderr
    for text in expected:
        assert text.lower() in proc.stderr.lower(), f"{text!r} not named in: {proc.stderr.strip()}"


def test_corpus_is_complete() -> None:
    assert sorted(p.name for p in (HERE / "plans").glob("*.yaml")) == sorted(PLAN_CASES)
    assert sorted(p.name for p in (HERE / "data").glob("*.csv")) == sorted(DATA_CASES)


def test_partners_are_valid(tmp_path: pathlib.Path) -> None:
    """The partner plan and data pay, with every carried column in the CSV."""
    proc = run_payout(tmp_path, GOOD_PLAN, GOOD_DATA)
    assert proc.returncode == 0, proc.stderr
    header = (tmp_path / "out.csv").read_text().splitlines()[0].split(",")
    for col in ("ramp_guarantee", "sanction_cut", "holdback", "clawback", "draw_adjustment", "holdback_balance",
                "clawback_balance", "draw_balance"):
        assert col in header


@pytest.mark.parametrize("name", sorted(PLAN_CASES))
def test_malformed_period_plan_is_rejected(tmp_path: pathlib.Path, name: str) -> None:
    check_rejected(run_payout(tmp_path, HERE / "plans" / name, GOOD_DATA), tmp_path, PLAN_CASES[name])


@pytest.mark.parametrize("name", sorted(DATA_CASES))
def test_malformed_period_data_is_rejected(tmp_path: pathlib.Path, name: str) -> None:
    check_rejected(run_payout(tmp_path, GOOD_PLAN, HERE / "data" / name), tmp_path, DATA_CASES[name])
