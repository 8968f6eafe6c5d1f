"""Russian output reads as a Russian document: no stray English word, no code id, no Python repr.

Renders, in Russian: rep statements (``kpilab explain``) for every bundled plan, ``kpilab fit`` and
``kpilab inspect`` on the client's export, the errors a consultant meets reading it, the help of the
commands this tranche adds, the bonus regulation (DOCX, every paragraph and table cell) for every
bundled plan, and ``kpilab lint``. Each text is checked by :func:`latin_problems`.

What may stay in Latin letters (the allow-list): the names of the software and file formats (kpilab,
Excel, YAML, DOCX...), business abbreviations Russian documents use as they are (KPI, CRM), command
lines and options quoted on purpose (``kpilab fit …``, ``--profile``), file names, and the keys of
the plan and profile files where a message quotes them so the reader can type them (``rep_id``,
``skip_rows``, the bundled plans' file names such as ``balanced_kpi``).
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from kpilab import evaluate
from kpilab.analysis.fit import fit_plan
from kpilab.analysis.optimize import OBJECTIVES
from kpilab.cli import main
from kpilab.data import datasets
from kpilab.data.synth import ARCHETYPES
from kpilab.data.profiles import TARGET_COLUMNS, UNITS, ClientProfile, load_client_team, load_profile
from kpilab.errors import KpilabError
from kpilab.engine.explain import statement_lines
from kpilab.report.regulation import build_regulation

EXPORT = datasets.DATA_DIR / "client_export.xlsx"
PROFILE = datasets.DATA_DIR / "client_export.profile.yaml"

COMMANDS = ("payout", "validate", "explain", "compare", "simulate", "lint", "demo", "inspect", "fit", "regulation",
            "optimize", "predict")
ALLOWED = {
    # software, formats, abbreviations used as they are in Russian business text
    "kpilab", "Excel", "YAML", "DOCX", "XLSX", "CSV", "KPI", "CRM", "KPILAB_LANG", "Dask", "PowerPoint", "PNG",
    "JPEG", "GIF",
    # what the user types or reads back on the command line: command names, option values, `validate`'s «ok»
    *COMMANDS, *OBJECTIVES, *ARCHETYPES, "ok",
    # plan and profile file keys, quoted so that the reader can type them
    *TARGET_COLUMNS, "sheet", "skip_rows", "drop_blank_rows", "columns", "units", "header_row", "period_format",
    "name", "true", *UNITS, *datasets.plan_names(), "junior", "senior",
    # the language switch's own values
    "en", "ru",
}
_COMMAND = re.compile(r"kpilab (?:" + "|".join(COMMANDS) + r")\b[^\n«»]*")
_PATH = re.compile(r"\S*(?:/|\\)\S*|\S*\.(?:yaml|xlsx|docx|csv|pptx|html|txt)\b")
_OPTION = re.compile(r"(?<!\w)-{1,2}[a-z][a-z-]*")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_REPR = re.compile(r"np\.\w+|\bNone\b|\bnan\b|\bTrue\b|\bFalse\b|\{'|'\}|\[\]|\\u[0-9a-f]{4}|<[a-z]+[ >]|\bdtype\b")


def latin_problems(text: str) -> list[str]:
    """Every Latin word outside the allow-list, and every raw id or Python repr, in ``text``."""
    problems = [f"repr {m.group()!r}" for m in _REPR.finditer(text)]
    clean = _COMMAND.sub(" ", text)
    clean = _PATH.sub(" ", clean)
    clean = _OPTION.sub(" ", clean)
    problems += [f"latin {w!r}" for w in _WORD.findall(clean) if w not in ALLOWED]
    return problems


def _check(where: str, text: str) -> None:
    problems = latin_problems(text)
    assert not problems, f"{where}: {problems[:8]}\n---\n{text[:3000]}"


def test_the_checker_catches_what_it_should() -> None:
    assert latin_problems("Бонус за выручку: 1 200 000 ₽") == []
    assert latin_problems("«balanced_kpi»: kpilab fit balanced_kpi --team data/x.xlsx -o f.yaml") == []
    assert "latin 'finding'" in latin_problems("10 finding(s)")
    assert "latin 'plan_bonus'" not in latin_problems("«plan_revenue»")
    assert latin_problems("«revenue_bonus» 960000") == ["latin 'revenue_bonus'"]
    assert latin_problems("np.float64(1.5)")[0] == "repr 'np.float64'"
    assert "repr 'None'" in latin_problems("период None")


@pytest.fixture(scope="module")
def client_team():
    return load_client_team(EXPORT, load_profile(PROFILE))


@pytest.mark.parametrize("name", sorted(datasets.plan_names()))
def test_statements_in_russian(name: str) -> None:
    team = datasets.load_sample_team()
    payouts = evaluate(datasets.load_plan(name), team)
    for rep, period in [("R01", "2026-03"), ("R07", "2026-01"), ("R22", "2026-11")]:
        text = "\n".join(statement_lines(payouts, rep, period, lang="ru", plan_title=datasets.load_plan(name).title("ru")))
        _check(f"explain {name} {rep} {period}", text.replace(rep, "Иванов"))  # a rep's id is the client's data


@pytest.mark.parametrize("name", sorted(datasets.plan_names()))
def test_fit_in_russian(name: str, client_team) -> None:
    result = fit_plan(datasets.load_plan(name), client_team, lang="ru", title=datasets.load_plan(name).title("ru"))
    _check(f"fit {name}", result.text("ru"))


@pytest.mark.parametrize("name", sorted(datasets.plan_names()))
def test_regulation_in_russian(name: str, client_team) -> None:
    plan = datasets.load_plan(name)
    team = datasets.load_sample_team()
    document = build_regulation(plan, team=team, lang="ru", client="ООО «Пример»", title=datasets.load_plan(name).title("ru"))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for p in document.sections[0].header.paragraphs]
    _check(f"regulation {name}", "\n".join(parts))


def test_regulation_of_a_fitted_plan_on_the_client_export(client_team, tmp_path: Path) -> None:
    fitted = fit_plan(datasets.load_plan("balanced_kpi"), client_team, lang="ru",
                      title=None).fitted
    document = build_regulation(fitted, team=client_team, lang="ru", client="ООО «Пример»")
    _check("regulation fitted", "\n".join(p.text for p in document.paragraphs))


def test_inspect_fit_and_explain_commands_in_russian(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    fitted = tmp_path / "fitted.yaml"
    runs = [["inspect", str(EXPORT)], ["inspect", str(EXPORT), "--profile", str(PROFILE)],
            ["fit", "balanced_kpi", "--team", str(EXPORT), "--profile", str(PROFILE), "-o", str(fitted)],
            ["fit", "roles_scheme", "--team", str(EXPORT), "--profile", str(PROFILE)],
            ["explain", str(fitted), str(EXPORT), "--profile", str(PROFILE), "--rep", "Иванов А.",
             "--period", "2026-02"]]
    for args in runs:
        assert main([*args, "--lang", "ru"]) == 0, args
        captured = capsys.readouterr()
        _check(" ".join(args[:2]), captured.out + captured.err)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_of_every_command_in_russian(command: str | None, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main([*([command] if command else []), "--help", "--lang", "ru"])
    text = capsys.readouterr().out
    assert "вызов:" in text and "пример" in text
    _check(f"{command} --help", text)


def test_errors_reading_the_client_export_in_russian(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    mapping = {"Менеджер": "rep_id", "Месяц": "period", "Выручка": "revenue"}
    for profile in (ClientProfile(), ClientProfile(columns=mapping), ClientProfile(columns=mapping, drop_blank_rows=True)):
        with pytest.raises(KpilabError) as err:
            load_client_team(EXPORT, profile, lang="ru")
        # the place prefix ("file …, row …") is kpilab.errors' (another engineer's); the message is checked
        _check("client error", err.value.message)
    assert main(["payout", "balanced_kpi", str(EXPORT), "--profile", str(PROFILE), "--lang", "ru"]) == 2
    _check("plan needs", capsys.readouterr().err.removeprefix("kpilab: error: "))


@pytest.mark.parametrize("name", ["balanced_kpi", "multi_condition"])
def test_lint_in_russian(name: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["lint", name, "--team", str(datasets.DATA_DIR / "sample_team.csv"), "--lang", "ru"]) == 0
    text = re.sub(r"\bR\d{2}\b", "Иванов", capsys.readouterr().out)  # the sample team's rep ids are its data
    _check(f"lint {name}", text)
