"""load_team / validate_team: reading files, the number rule, and located errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kpilab.errors import DataError
from kpilab.data.team import load_team, parse_number, validate_team

HEADER = "rep_id,period,role,calls,revenue,plan_revenue,archetype\n"
GOOD = ("R01,2026-01,senior,800,1200000,1000000,star\n"
        "R02,2026-01,junior,650,900000,,laggard\n"
        "R01,2026-02,senior,810,1250000.5,1000000,star\n")


def write(tmp_path: Path, text: str, name: str = "team.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path, **kw: object) -> DataError:
    with pytest.raises(DataError) as info:
        load_team(path, **kw)
    return info.value


def assert_located(err: DataError, path: Path, row: int, rep: str | None, period: str | None,
                   column: str) -> None:
    msg = str(err)
    assert err.file == str(path) and str(path) in msg
    assert err.row == row and f"row {row}" in msg
    assert err.column == column and f"column {column}" in msg
    if rep is not None:
        assert err.rep == rep and f"rep {rep}" in msg
    if period is not None:
        assert err.period == period and f"period {period}" in msg


# ----------------------------------------------------------------- reading

def test_csv_reads_types_and_keeps_extra_columns(tmp_path: Path) -> None:
    df = load_team(write(tmp_path, HEADER + GOOD))
    assert list(df.columns) == ["rep_id", "period", "role", "calls", "revenue", "plan_revenue", "archetype"]
    assert df["period"].tolist() == ["2026-01", "2026-01", "2026-02"]      # text, not dates
    assert df["calls"].dtype == np.int64 and df["calls"].tolist() == [800, 650, 810]
    assert df["revenue"].tolist() == [1_200_000.0, 900_000.0, 1_250_000.5]
    assert np.isnan(df["plan_revenue"].iloc[1])                             # empty override = plan value
    assert df["archetype"].tolist() == ["star", "laggard", "star"]
    assert df.attrs["rows"].tolist() == [2, 3, 4]


def test_csv_semicolon_cp1251_and_mapping(tmp_path: Path) -> None:
    text = "Менеджер;Месяц;Звонки;Выручка\nИванов;2026-01;800;1 200 000,50\nПетрова;2026-01; 7 ;12500\n"
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("cp1251"))
    df = load_team(path, columns={"Менеджер": "rep_id", "Месяц": "period", "Звонки": "calls",
                                  "Выручка": "revenue"})
    assert df["rep_id"].tolist() == ["Иванов", "Петрова"]
    assert df["calls"].tolist() == [800, 7]
    assert df["revenue"].tolist() == [1_200_000.5, 12_500.0]


def test_rep_id_keeps_leading_zeros(tmp_path: Path) -> None:
    df = load_team(write(tmp_path, "rep_id,period,calls\n007,2026-01,5\n"))
    assert df["rep_id"].tolist() == ["007"]


def test_xlsx_with_mapping_text_numbers_and_skip_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Менеджер", "Месяц", "Звонки", "Выручка", "Оклад"])
    ws.append([1017, "2026-01", 800, "1\u00a0200\u00a0000", 50000])
    ws.append(["Петрова", "2026-01", " 812 ", 950000.5, None])
    ws.append([])
    ws.append(["Итого", None, 1612, 2150000.5, None])
    path = tmp_path / "client.xlsx"
    wb.save(path)
    mapping = {"Менеджер": "rep_id", "Месяц": "period", "Звонки": "calls", "Выручка": "revenue",
               "Оклад": "base"}
    df = load_team(path, columns=mapping, skip_rows=[4, 5])
    assert df["rep_id"].tolist() == ["1017", "Петрова"]
    assert df["calls"].tolist() == [800, 812]
    assert df["revenue"].tolist() == [1_200_000.0, 950_000.5]
    assert df["base"].iloc[0] == 50000 and np.isnan(df["base"].iloc[1])


def test_bundled_client_export_flags_blank_line_then_total(tmp_path: Path) -> None:
    path = Path(__file__).resolve().parents[2] / "data" / "client_export.xlsx"
    mapping = {"Менеджер": "rep_id", "Месяц": "period", "Звонки": "calls", "Пропущенные": "missed_calls",
               "Встречи": "meetings", "Сделки": "deals", "Выручка": "revenue", "План выручки": "plan_revenue"}
    err = error_of(path, columns=mapping)
    assert err.row == 20 and "blank line" in str(err)
    err = error_of(path, columns=mapping, drop_blank_rows=True)
    assert err.row == 21 and err.rep == "Итого" and "skip_rows=[21]" in str(err)
    df = load_team(path, columns=mapping, skip_rows=[20, 21])
    assert df.shape == (18, 8)
    assert df["revenue"].dtype == np.float64 and (df["revenue"] > 0).all()


def test_xlsx_date_in_period_is_an_error_unless_formatted(tmp_path: Path) -> None:
    from datetime import datetime
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["rep_id", "period", "calls"])
    ws.append(["R01", datetime(2026, 1, 1), 800])
    path = tmp_path / "d.xlsx"
    wb.save(path)
    err = error_of(path)
    assert_located(err, path, 2, "R01", None, "period")
    assert "date" in str(err)
    assert load_team(path, period_format="%Y-%m")["period"].tolist() == ["2026-01"]


# ----------------------------------------------------------------- the number rule

@pytest.mark.parametrize("text, value", [
    ("12500", 12500.0), ("12 500", 12500.0), ("12\u00a0500", 12500.0), ("12500,50", 12500.5),
    (" 7 ", 7.0), ("1 200 000,5", 1_200_000.5), ("0,125", 0.125), ("1.5e3", 1500.0), ("-4", -4.0),
])
def test_parse_number_accepts(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["12,500", "1,234.5", "12 500 ₽", "85%", "-", "nan", "inf", "1 2",
                                  "двадцать", "1.234.567", ""])
def test_parse_number_rejects(text: str) -> None:
    assert parse_number(text) is None


# ----------------------------------------------------------------- every kind of error, located

def test_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, "rep_id,calls\nR01,5\n")
    err = error_of(path)
    assert err.column == "period" and "missing required column 'period'" in str(err)
    assert str(path) in str(err)
    err = error_of(write(tmp_path, HEADER + GOOD, "b.csv"), required=["meetings"])
    assert err.column == "meetings" and "needed by the plan" in str(err)


def test_mapping_header_absent(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD)
    err = error_of(path, columns={"Звонки": "calls"})
    assert err.row == 1 and err.column == "Звонки"


def test_text_in_number_column(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD + "R02,2026-02,junior,двадцать,5,6,laggard\n")
    err = error_of(path)
    assert_located(err, path, 5, "R02", "2026-02", "calls")
    assert "'двадцать' is not a number" in str(err)


def test_ambiguous_comma_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + 'R02,2026-02,junior,800,"12,500",6,laggard\n')
    err = error_of(path)
    assert_located(err, path, 2, "R02", "2026-02", "revenue")
    assert "ambiguous" in str(err)


def test_empty_metric_cell(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD + "R02,2026-02,junior,,5,6,laggard\n")
    err = error_of(path)
    assert_located(err, path, 5, "R02", "2026-02", "calls")
    assert "empty cell" in str(err) and "never treats an empty cell as zero" in str(err)


def test_nan_text_is_not_a_number(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "R02,2026-02,junior,800,nan,6,laggard\n")
    err = error_of(path)
    assert_located(err, path, 2, "R02", "2026-02", "revenue")
    assert "missing value" in str(err)


def test_negative(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD + "R03,2026-02,junior,800,-5,6,laggard\n")
    err = error_of(path)
    assert_located(err, path, 5, "R03", "2026-02", "revenue")
    assert "negative" in str(err)


def test_duplicate_key(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD + "R01,2026-01,senior,1,1,1,star\n")
    err = error_of(path)
    assert_located(err, path, 5, "R01", "2026-01", "rep_id, period")
    assert "same key as row 2" in str(err)


def test_duplicate_key_with_scenario_is_per_scenario(tmp_path: Path) -> None:
    ok = "scenario,rep_id,period,calls\n0,R01,2026-01,5\n1,R01,2026-01,6\n"
    assert load_team(write(tmp_path, ok))["scenario"].tolist() == [0, 1]
    path = write(tmp_path, ok + "1,R01,2026-01,7\n", "dup.csv")
    err = error_of(path)
    assert_located(err, path, 4, "R01", "2026-01", "scenario, rep_id, period")
    assert err.scenario == 1 and "scenario 1" in str(err)


def test_total_row(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD + "Итого,,2260,3350000.5,2000000,\n")
    err = error_of(path)
    assert_located(err, path, 5, "Итого", None, "rep_id")
    assert "total row" in str(err) and "skip_rows=[5]" in str(err)
    assert len(load_team(path, skip_rows=[5])) == 3


def test_blank_line_inside_the_table(tmp_path: Path) -> None:
    lines = GOOD.splitlines(keepends=True)
    path = write(tmp_path, HEADER + lines[0] + "\n" + "".join(lines[1:]))
    err = error_of(path)
    assert err.row == 3 and err.file == str(path) and "blank line" in str(err)
    assert "more problem" not in str(err)       # the blank row's empty cells are not counted twice
    df = load_team(path, drop_blank_rows=True)
    assert df.attrs["rows"].tolist() == [2, 4, 5]


def test_trailing_blank_lines_are_ignored(tmp_path: Path) -> None:
    assert len(load_team(write(tmp_path, HEADER + GOOD + "\n\n,,,,,,\n"))) == 3


def test_first_problem_in_file_order_and_count(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "R01,2026-01,senior,800,-1,x,star\n"
                 "R02,2026-01,junior,abc,5,6,laggard\n")
    err = error_of(path)
    # row 2 comes first; in row 2 'revenue' is left of 'plan_revenue'
    assert_located(err, path, 2, "R01", "2026-01", "revenue")
    assert "(and 2 more problems in this table)" in str(err)


# ----------------------------------------------------------------- validate_team on DataFrames

def test_validate_team_dataframe_rows_and_required() -> None:
    df = pd.DataFrame({"rep_id": ["A", "B"], "period": ["p1", "p1"], "calls": [1.0, np.nan]})
    with pytest.raises(DataError) as info:
        validate_team(df, source="frame", row_offset=2)
    assert (info.value.row, info.value.rep, info.value.column) == (3, "B", "calls")
    with pytest.raises(DataError) as info:
        validate_team(df.fillna(0), required=["deals"])
    assert info.value.column == "deals"
    out = validate_team(df.fillna(0))
    assert out["calls"].tolist() == [1.0, 0.0] and df["calls"].isna().sum() == 1   # input untouched


def test_validate_team_rejects_inf_and_bool() -> None:
    df = pd.DataFrame({"rep_id": ["A"], "period": ["p"], "revenue": [np.inf]})
    with pytest.raises(DataError, match="not a finite number"):
        validate_team(df)
    df = pd.DataFrame({"rep_id": ["A"], "period": ["p"], "calls": [True]})
    with pytest.raises(DataError, match="not a number"):
        validate_team(df)


def test_validate_team_reads_a_million_rows_and_places_a_late_error() -> None:
    """Speed is a benchmark's business (benchmarks/engine.py); here: a million rows validate, and an error
    on row 700,000 is placed exactly."""
    n = 1_000_000
    rng = np.random.default_rng(0)
    df = pd.DataFrame({
        "rep_id": np.array([f"R{i:04d}" for i in range(1000)], dtype=object)[np.arange(n) % 1000],
        "period": np.array([f"P{i:04d}" for i in range(1000)], dtype=object)[np.arange(n) // 1000],
        "calls": rng.poisson(800, n), "revenue": rng.gamma(4, 3e5, n), "plan_revenue": np.full(n, 1.2e6),
    })
    assert len(validate_team(df, required=["calls", "revenue"])) == n
    df.loc[700_000, "calls"] = -1
    with pytest.raises(DataError) as info:
        validate_team(df)
    assert info.value.row == 700_002 and info.value.column == "calls"
