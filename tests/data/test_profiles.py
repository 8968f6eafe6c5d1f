"""Client profiles and the client-data options: reading a Russian export from the command line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kpilab import evaluate, load_plan
from kpilab.cli import build_parser, main
from kpilab.data import datasets
from kpilab.data.profiles import (ClientProfile, load_client_team, load_mapping, load_profile, propose_profile,
                                  read_headers, suggest_column, suggest_columns)
from kpilab.data.team import load_team
from kpilab.errors import DataError

EXPORT = datasets.DATA_DIR / "client_export.xlsx"
PROFILE = datasets.DATA_DIR / "client_export.profile.yaml"
MAPPING = {"Менеджер": "rep_id", "Месяц": "period", "Звонки": "calls", "Пропущенные": "missed_calls",
           "Встречи": "meetings", "Сделки": "deals", "Выручка": "revenue", "План выручки": "plan_revenue"}


def test_synonyms_map_every_header_of_the_bundled_export() -> None:
    assert suggest_columns(read_headers(EXPORT)) == MAPPING


@pytest.mark.parametrize("header, column", [
    ("ФИО", "rep_id"), ("Сотрудник", "rep_id"), ("Отчётный месяц", "period"), ("Менеджеры", "rep_id"),
    ("Выручка, руб", "revenue"), ("План продаж", "plan_revenue"), ("Missed calls", "missed_calls"),
    ("Письма", "emails"), ("Качество CRM", "crm_quality"), ("Примечание", None)])
def test_suggest_column_by_synonym_and_fuzzy_match(header: str, column: str | None) -> None:
    assert suggest_column(header) == column


def test_the_bundled_profile_reads_the_export_like_the_python_mapping() -> None:
    team = load_client_team(EXPORT, load_profile(PROFILE))
    expected = load_team(EXPORT, columns=MAPPING, skip_rows=[20, 21])
    assert team.shape == (18, 8)
    assert team.equals(expected)
    # The export's own «Итого» row (row 21) says revenue totals 18 683 078 (whole roubles: one cell
    # holds a decimal comma «…,50») and calls 14 440.
    assert team["revenue"].sum() == 18_683_078.5
    assert team["calls"].sum() == 14_440


def test_units_turn_thousands_into_roubles(tmp_path: Path) -> None:
    data = tmp_path / "t.csv"
    data.write_text("Менеджер;Месяц;Выручка, тыс. руб\nИванов;2026-01;1 234,5\n", encoding="utf-8")
    profile = ClientProfile(columns={"Менеджер": "rep_id", "Месяц": "period", "Выручка, тыс. руб": "revenue"},
                            units={"revenue": "thousand_rub"})
    assert load_client_team(data, profile)["revenue"].tolist() == [1_234_500.0]


def test_missing_rep_column_names_the_option_and_the_likely_column() -> None:
    with pytest.raises(DataError) as err:
        load_client_team(EXPORT, lang="ru")
    text = str(err.value)
    assert "rep_id" in text and "Похоже, rep_id — это столбец «Менеджер»" in text
    assert "--map" in text and "--profile" in text and "kpilab inspect" in text


def test_blank_and_total_rows_name_the_command_line_options() -> None:
    with pytest.raises(DataError) as err:
        load_client_team(EXPORT, ClientProfile(columns=MAPPING))
    assert err.value.row == 20 and "--drop-blank-rows" in str(err.value)
    with pytest.raises(DataError) as err:
        load_client_team(EXPORT, ClientProfile(columns=MAPPING, drop_blank_rows=True), lang="ru")
    assert err.value.row == 21 and "--skip-rows 21" in str(err.value) and "Итого" in str(err.value)


def test_propose_profile_finds_the_mapping_and_the_rows_to_leave_out() -> None:
    proposed = propose_profile(EXPORT)
    assert proposed.columns == MAPPING and proposed.sheet == "Продажи"
    assert proposed.skip_rows == (21,) and proposed.drop_blank_rows
    assert load_client_team(EXPORT, proposed).shape == (18, 8)


def test_a_bad_profile_names_the_file_and_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("sheeet: Продажи\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_profile(bad)
    assert str(bad) in str(err.value) and "sheeet" in str(err.value) and "'sheet'" in str(err.value)
    bad.write_text("units: {revenue: тысячи}\n", encoding="utf-8")
    with pytest.raises(DataError, match="units.revenue"):
        load_profile(bad)


def test_a_mapping_file_is_a_plain_mapping_or_a_profile(tmp_path: Path) -> None:
    plain = tmp_path / "m.yaml"
    plain.write_text("Менеджер: rep_id\nМесяц: period\n", encoding="utf-8")
    assert load_mapping(plain) == {"Менеджер": "rep_id", "Месяц": "period"}
    assert load_mapping(PROFILE) == MAPPING


#: Every command that reads a team, with the arguments it needs besides the data options.
TEAM_COMMANDS = {
    "payout": ["payout", "tiered_commission", str(EXPORT)],
    "explain": ["explain", "tiered_commission", str(EXPORT), "--rep", "Иванов А.", "--period", "2026-01"],
    "compare": ["compare", "tiered_commission", "--team", str(EXPORT), "--report", "out"],
    "lint": ["lint", "tiered_commission", "--team", str(EXPORT)],
    "inspect": ["inspect", str(EXPORT)],
    "fit": ["fit", "balanced_kpi", "--team", str(EXPORT)],
    "regulation": ["regulation", "tiered_commission", "--team", str(EXPORT), "-o", "r.docx"],
}


@pytest.mark.parametrize("command", sorted(TEAM_COMMANDS))
def test_every_command_that_reads_a_team_takes_the_client_data_options(command: str) -> None:
    args = build_parser("en").parse_args([*TEAM_COMMANDS[command], "--profile", str(PROFILE), "--map", "m.yaml",
                                          "--sheet", "Продажи", "--skip-rows", "20-21", "--drop-blank-rows"])
    assert (args.profile, args.mapping, args.sheet, args.skip_rows, args.drop_blank_rows) == \
        (str(PROFILE), "m.yaml", "Продажи", [20, 21], True)


def test_payout_with_options_equals_payout_with_the_profile(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("".join(f"{k}: {v}\n" for k, v in MAPPING.items()), encoding="utf-8")
    assert main(["payout", "tiered_commission", str(EXPORT), "--map", str(mapping), "--skip-rows", "20,21"]) == 0
    by_options = capsys.readouterr().out
    assert main(["payout", "tiered_commission", str(EXPORT), "--profile", str(PROFILE)]) == 0
    by_profile = capsys.readouterr().out
    assert by_options == by_profile
    team = load_team(EXPORT, columns=MAPPING, skip_rows=[20, 21])
    expected = evaluate(load_plan(datasets.plan_path("tiered_commission")), team).rounded()["total"].to_numpy()
    totals = np.array([float(line.rsplit(",", 1)[1]) for line in by_profile.strip().splitlines()[1:]])
    assert np.array_equal(totals, expected)


def test_the_cli_error_without_a_mapping_exits_2_and_says_how_to_fix_it(capsys: pytest.CaptureFixture) -> None:
    assert main(["payout", "tiered_commission", str(EXPORT), "--lang", "ru"]) == 2
    err = capsys.readouterr().err
    assert "«Менеджер: rep_id»" in err and "--map" in err and "--profile" in err


def test_a_plan_the_data_cannot_pay_names_the_metrics_and_the_fit_command(capsys: pytest.CaptureFixture) -> None:
    assert main(["payout", "balanced_kpi", str(EXPORT), "--profile", str(PROFILE), "--lang", "ru"]) == 2
    err = capsys.readouterr().err
    assert "«Письма», «Повторные касания»" in err
    assert f"kpilab fit balanced_kpi --team {EXPORT} --profile {PROFILE} -o FITTED.yaml" in err


def test_inspect_shows_sheets_mapping_and_which_plans_run(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    out_profile = tmp_path / "client.profile.yaml"
    assert main(["inspect", str(EXPORT), "--lang", "ru", "--write-profile", str(out_profile)]) == 0
    out = capsys.readouterr().out
    assert "1 лист: «Продажи»" in out
    assert "Менеджер      → rep_id (Менеджер)" in out and "План выручки  → plan_revenue (план: Выручка)" in out
    assert "Данные: строк — 18, 6 менеджеров, 3 месяца (с 2026-01 по 2026-03)." in out
    assert "«Ступенчатый процент с выручки» (tiered_commission): работает" in out
    assert "«Сбалансированная матрица KPI» (balanced_kpi): в данных нет «Письма», «Повторные касания»" in out
    assert load_profile(out_profile) == ClientProfile(columns=MAPPING, sheet="Продажи", skip_rows=(21,),
                                                      drop_blank_rows=True, source=str(out_profile))
