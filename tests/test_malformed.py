"""A corpus of malformed plans and data files, each run through the CLI.

Contract section 8: bad input gives exit status 2, one clear message on
standard error that names where the problem is, and nothing written.
For plans the place is the key path (``components[1].tiers[1].from``); for data
it is the file, row (header = row 1), rep, period and column.

Corpora, each a folder with its partner files and its cases (one runner for all):

- ``tests/malformed/plans/*.yaml`` (each run with ``good_data.csv``),
  ``tests/malformed/data/*.csv`` (each run with ``good_plan.yaml``, or
  ``good_scheme.yaml``), and two ``.xlsx`` files built here with openpyxl;
- pay across months (contract section 10): ``tests/malformed/periods/plans/*.yaml``
  (each with ``good_periods_data.csv``) and ``tests/malformed/periods/data/*.csv``
  (each with ``good_periods_plan.yaml``).
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import openpyxl
import pandas as pd
import pytest

import kpilab
from kpilab.errors import DataError

HERE = pathlib.Path(__file__).parent / "malformed"
GOOD_PLAN = HERE / "good_plan.yaml"
GOOD_SCHEME = HERE / "good_scheme.yaml"
GOOD_DATA = HERE / "good_data.csv"

# plan file -> substrings stderr must contain (case-insensitive)
PLAN_CASES: dict[str, list[str]] = {
    "weights_not_one.yaml": ["components[0].kpis", "sum to 1", "0.9"],
    "tiers_out_of_order.yaml": ["components[1].tiers[1].from", "increasing"],
    "tiers_equal_starts.yaml": ["components[0].tiers[2].from", "increasing"],
    "curve_x_out_of_order.yaml": ["components[0].curve.points[2]", "increasing"],
    "unknown_kind.yaml": ["components[0].kind", "bonsu", "did you mean 'bonus'"],
    "unknown_key_typo.yaml": ["components[0].metirc", "did you mean 'metric'"],
    "share_and_amount.yaml": ["components[0]", "share", "amount", "not both"],
    "neither_share_nor_amount.yaml": ["components[0]", "share", "amount", "neither"],
    "gate_on_penalty.yaml": ["gates[0].applies_to[0]", "fines", "penalty"],
    "modifier_on_penalty.yaml": ["modifiers[0].applies_to[1]", "fines", "penalty"],
    "applies_to_unknown.yaml": ["gates[0].applies_to[1]", "deal_bonus", "did you mean 'deals_bonus'"],
    "negative_rate.yaml": ["components[0].rate", "-0.05"],
    "negative_amount.yaml": ["components[0].amount", "-5000"],
    "per_unit_zero.yaml": ["components[1].per_unit", "> 0"],
    "per_unit_negative.yaml": ["components[0].per_unit", "-500"],
    "duplicate_names.yaml": ["components[1].name", "duplicate", "bonus"],
    "reserved_name.yaml": ["components[0].name", "total"],
    "python_tag.yaml": ["python/object", "line 2"],
    "yaml_syntax_error.yaml": ["line 8"],
    "missing_name.yaml": ["name", "required"],
    "negative_target.yaml": ["targets.deals", "-8"],
    "missing_target.yaml": ["revenue", "target"],
    "unknown_basis.yaml": ["components[0].basis", "did you mean 'value'"],
    "unknown_kpi_curve_key.yaml": ["components[1].kpis.calls.wieght", "did you mean 'weight'"],
    "kpi_weight_text.yaml": ["components[0].kpis.calls.weight", "lots"],
    "gate_applies_to_text.yaml": ["gates[0].applies_to", "everything"],
}

# data file -> (partner plan, substrings)
DATA_CASES: dict[str, tuple[pathlib.Path, list[str]]] = {
    "missing_metric_column.csv": (GOOD_PLAN, ["missing_metric_column.csv", "deals"]),
    "missing_rep_id_column.csv": (GOOD_PLAN, ["missing_rep_id_column.csv", "rep_id"]),
    "empty_rep_id.csv": (GOOD_PLAN, ["file empty_rep_id.csv", "row 3", "period 2026-01", "column rep_id"]),
    "empty_metric_cell.csv": (GOOD_PLAN, ["file empty_metric_cell.csv", "row 3", "rep B", "period 2026-01",
                                          "column calls"]),
    "text_in_number.csv": (GOOD_PLAN, ["file text_in_number.csv", "row 4", "rep C", "period 2026-02",
                                       "column revenue", "1.5 mln"]),
    "negative_value.csv": (GOOD_PLAN, ["file negative_value.csv", "row 3", "rep B", "period 2026-01",
                                       "column deals", "-1"]),
    "nan_value.csv": (GOOD_PLAN, ["file nan_value.csv", "row 4", "rep C", "period 2026-01", "column calls"]),
    "infinite_value.csv": (GOOD_PLAN, ["file infinite_value.csv", "row 3", "rep B", "period 2026-01",
                                       "column missed_calls"]),
    "duplicate_key.csv": (GOOD_PLAN, ["file duplicate_key.csv", "row 4", "rep B", "period 2026-01", "duplicate"]),
    "plan_metric_zero.csv": (GOOD_PLAN, ["file plan_metric_zero.csv", "row 3", "rep B", "period 2026-01",
                                         "column plan_deals"]),
    "plan_metric_negative.csv": (GOOD_PLAN, ["file plan_metric_negative.csv", "row 3", "rep B", "period 2026-02",
                                             "column plan_calls", "-600"]),
    "role_not_in_scheme.csv": (GOOD_SCHEME, ["file role_not_in_scheme.csv", "row 4", "rep C", "period 2026-01",
                                             "column role"]),
}

PERIODS = HERE / "periods"
PERIODS_PLAN = PERIODS / "good_periods_plan.yaml"
PERIODS_DATA = PERIODS / "good_periods_data.csv"

PERIODS_PLAN_CASES: dict[str, list[str]] = {
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
    "proration_holiday_not_a_date.yaml": ["proration.holidays[1]", "someday", "YYYY-MM-DD"],
    "proration_holidays_on_calendar_days.yaml": ["proration.holidays", "days: working"],
    "draw_amount_missing.yaml": ["draw.amount", "required"],
    "sanction_per_sanction_negative.yaml": ["sanction.per_sanction", "-0.5"],
    "clawback_basis_unknown.yaml": ["clawback.basis", "profit", "rate or earnings"],
    "holdback_release_on_unknown.yaml": ["holdback.release_on", "payment", "collection"],
    "ramp_guarantee_negative.yaml": ["ramp.guarantee", "-5000"],
    "version_from_not_a_month.yaml": ["versions[1].from", "2026-13", "YYYY-MM"],
    "versions_out_of_order.yaml": ["versions[1].from", "increasing", "2026-07"],
    "version_plan_draw_negative.yaml": ["versions[1].plan.draw.amount", "-3000"],
}

PERIODS_DATA_CASES: dict[str, tuple[pathlib.Path, list[str]]] = {k: (PERIODS_PLAN, v) for k, v in {
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
    "hire_date_not_a_date.csv": ["file hire_date_not_a_date.csv", "row 4", "rep B", "period 2026-02",
                                 "column hire_date", "YYYY-MM-DD"],
    "leave_date_before_hire_date.csv": ["row 3", "rep A", "period 2026-02", "column leave_date", "before hire_date"],
    "month_before_hire_date.csv": ["row 4", "rep B", "period 2026-01", "column hire_date", "before"],
}.items()}
# A holdback released on collection reads collected_revenue: missing or spoilt, the run stops.
COLLECTION_PLAN = PERIODS / "good_collection_plan.yaml"
PERIODS_DATA_CASES.update({k: (COLLECTION_PLAN, v) for k, v in {
    "collected_revenue_missing.csv": ["file collected_revenue_missing.csv", "column collected_revenue",
                                      "release", "collection"],
    "collected_revenue_negative.csv": ["row 3", "rep A", "period 2026-02", "column collected_revenue", "negative"],
}.items()})


@dataclass(frozen=True)
class Corpus:
    """A folder of malformed plans (``plans/``) and data files (``data/``) with their partners."""

    folder: pathlib.Path
    good_plans: tuple[pathlib.Path, ...]
    good_data: pathlib.Path
    plans: dict[str, list[str]]
    data: dict[str, tuple[pathlib.Path, list[str]]]


CORPORA = (Corpus(HERE, (GOOD_PLAN, GOOD_SCHEME), GOOD_DATA, PLAN_CASES, DATA_CASES),
           Corpus(PERIODS, (PERIODS_PLAN, COLLECTION_PLAN), PERIODS_DATA, PERIODS_PLAN_CASES,
                  PERIODS_DATA_CASES))
PLAN_PARAMS = [pytest.param(c, name, id=f"{c.folder.name}/{name}") for c in CORPORA for name in sorted(c.plans)]
DATA_PARAMS = [pytest.param(c, name, id=f"{c.folder.name}/{name}") for c in CORPORA for name in sorted(c.data)]

XLSX_HEADER = ["rep_id", "period", "team", "calls", "deals", "revenue", "missed_calls"]
# built by the test: file name -> (rows under the header, substrings)
XLSX_CASES: dict[str, tuple[list[list[object]], list[str]]] = {
    "text_in_number.xlsx": ([["A", "2026-01", "T1", 800, 8, 1200000, 2],
                             ["B", "2026-01", "T1", 640, "пять", 900000, 6]],
                            ["file text_in_number.xlsx", "row 3", "rep B", "period 2026-01", "column deals"]),
    "empty_metric_cell.xlsx": ([["A", "2026-01", "T1", 800, 8, 1200000, 2],
                                ["B", "2026-01", "T1", 640, 5, 900000, 6],
                                ["C", "2026-03", "T2", 900, 10, None, 0]],
                               ["file empty_metric_cell.xlsx", "row 4", "rep C", "period 2026-03",
                                "column revenue"]),
}


def run_payout(tmp_path: pathlib.Path, plan: pathlib.Path, data: pathlib.Path) -> subprocess.CompletedProcess:
    """Copy plan and data into tmp_path under their own names and run the CLI there."""
    shutil.copy(plan, tmp_path / plan.name)
    if data.parent != tmp_path:
        shutil.copy(data, tmp_path / data.name)
    return subprocess.run([sys.executable, "-m", "kpilab", "payout", plan.name, data.name, "-o", "out.csv"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)


def check_rejected(proc: subprocess.CompletedProcess, tmp_path: pathlib.Path, expected: list[str]) -> None:
    assert proc.returncode == 2, f"rc={proc.returncode}\nstdout={proc.stdout}\nstderr={proc.stderr}"
    assert not (tmp_path / "out.csv").exists(), "out.csv was written for bad input"
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip(), "no message on standard error"
    for text in expected:
        assert text.lower() in proc.stderr.lower(), f"{text!r} not named in: {proc.stderr.strip()}"


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda c: c.folder.name)
def test_corpus_is_complete(corpus: Corpus) -> None:
    """Every corpus file has an expectation, and every expectation a file."""
    assert sorted(p.name for p in (corpus.folder / "plans").glob("*.yaml")) == sorted(corpus.plans)
    assert sorted(p.name for p in (corpus.folder / "data").glob("*.csv")) == sorted(corpus.data)
    assert len(PLAN_CASES) + len(DATA_CASES) + len(XLSX_CASES) >= 25


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda c: c.folder.name)
def test_partners_are_valid(tmp_path: pathlib.Path, corpus: Corpus) -> None:
    """The partner files are fine on their own, so each case fails for its own reason only."""
    for plan in corpus.good_plans:
        proc = run_payout(tmp_path, plan, corpus.good_data)
        assert proc.returncode == 0, proc.stderr
        out = (tmp_path / "out.csv").read_text().splitlines()
        assert out[0].startswith("rep_id,period")
        assert len(out) == len(corpus.good_data.read_text().strip().splitlines())
        (tmp_path / "out.csv").unlink()


def test_periods_partner_has_every_carried_column(tmp_path: pathlib.Path) -> None:
    """The periods partner plan uses every carried mechanic: each has its column in the CSV."""
    proc = run_payout(tmp_path, PERIODS_PLAN, PERIODS_DATA)
    assert proc.returncode == 0, proc.stderr
    header = (tmp_path / "out.csv").read_text().splitlines()[0].split(",")
    for col in ("ramp_guarantee", "sanction_cut", "holdback", "clawback", "draw_adjustment", "holdback_balance",
                "clawback_balance", "draw_balance"):
        assert col in header


@pytest.mark.parametrize("corpus, name", PLAN_PARAMS)
def test_malformed_plan_is_rejected(tmp_path: pathlib.Path, corpus: Corpus, name: str) -> None:
    proc = run_payout(tmp_path, corpus.folder / "plans" / name, corpus.good_data)
    check_rejected(proc, tmp_path, corpus.plans[name])
    if name == "python_tag.yaml":
        assert not (tmp_path / "pwned.txt").exists(), "the plan file ran code"


@pytest.mark.parametrize("corpus, name", DATA_PARAMS)
def test_malformed_data_is_rejected(tmp_path: pathlib.Path, corpus: Corpus, name: str) -> None:
    plan, expected = corpus.data[name]
    proc = run_payout(tmp_path, plan, corpus.folder / "data" / name)
    check_rejected(proc, tmp_path, expected)


@pytest.mark.parametrize("name", sorted(XLSX_CASES))
def test_malformed_xlsx_is_rejected(tmp_path: pathlib.Path, name: str) -> None:
    rows, expected = XLSX_CASES[name]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(XLSX_HEADER)
    for r in rows:
        ws.append(r)
    wb.save(tmp_path / name)
    proc = run_payout(tmp_path, GOOD_PLAN, tmp_path / name)
    check_rejected(proc, tmp_path, expected)


#: A one-component plan on deals, for the DataFrame cases (the loader is bypassed, evaluate() validates).
DEALS_PLAN = kpilab.Plan.from_dict({"name": "p", "targets": {"deals": 8}, "components": [
    {"name": "b", "kind": "bonus", "metric": "deals", "amount": 1000, "curve": {"points": [[0, 0], [1, 1]]}}]})


@pytest.mark.parametrize("rep_id, period", [("", "2026-01"), ("  ", "2026-01"), ("B", ""), ("B", None)])
def test_empty_key_in_a_dataframe_is_a_data_error(rep_id: object, period: object) -> None:
    """evaluate() on a DataFrame treats an empty key like the CSV loader does: a located DataError."""
    plan = DEALS_PLAN
    df = pd.DataFrame({"rep_id": ["A", rep_id], "period": ["2026-01", period], "deals": [8.0, 4.0]})
    with pytest.raises(DataError) as err:
        kpilab.evaluate(plan, df)
    assert err.value.row == 3
    assert err.value.column == ("rep_id" if rep_id in ("", "  ") else "period")


def test_non_number_in_a_dataframe_metric_is_a_data_error() -> None:
    plan = DEALS_PLAN
    for bad in ("many", np.nan, -2.0, np.inf):
        df = pd.DataFrame({"rep_id": ["A", "B"], "period": ["2026-01", "2026-01"], "deals": [8.0, bad]})
        with pytest.raises(DataError) as err:
            kpilab.evaluate(plan, df)
        assert (err.value.row, err.value.rep, err.value.period, err.value.column) == (3, "B", "2026-01", "deals")
