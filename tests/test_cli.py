"""The ``kpilab`` command as a user runs it: ``python -m kpilab ...`` in a fresh folder.

Every bad input exits with status 2, one clear message on standard error, and
leaves the folder exactly as it was.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kpilab import datasets, evaluate, load_plan, make_team

PLANS = datasets.DATA_DIR / "plans"
SAMPLE = datasets.DATA_DIR / "sample_team.csv"
BALANCED = PLANS / "balanced_kpi.yaml"
TIERED = PLANS / "tiered_commission.yaml"


def run(cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kpilab", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (and every folder, as b'<dir>')."""
    return {str(p.relative_to(folder)): (b"<dir>" if p.is_dir() else p.read_bytes()) for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def small_team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    path = folder / "team.csv"
    team = make_team(10, periods=6, seed=4)
    team.assign(rep_id=team["rep_id"].replace({"R02": "<script>alert(1)</script>"})).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory, small_team: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    cwd = tmp_path_factory.mktemp("compare")
    plan = cwd / "evil.yaml"
    plan.write_text(BALANCED.read_text(encoding="utf-8").replace("name: ", "name: <b>Evil</b> ", 1), encoding="utf-8")
    result = run(cwd, "compare", plan, TIERED, "--team", small_team, "--scenarios", "5", "--seed", "2",
                 "--report", "out", "--baseline", TIERED)
    return cwd, result


# --------------------------------------------------------------------------- compare

def test_compare_prints_the_table_and_writes_the_report_folder(compared) -> None:
    cwd, result = compared
    assert result.returncode == 0, result.stderr
    out = cwd / "out"
    # .kpilab-manifest.json lists kpilab's own files: a later report replaces only those (issue 10)
    assert sorted(p.name for p in out.iterdir()) == [".kpilab-manifest.json", "charts", "payouts.xlsx",
                                                     "report.html"]
    charts = sorted(p.name for p in (out / "charts").iterdir())
    assert charts and {Path(c).stem for c in charts if c.endswith(".png")} == {Path(c).stem for c in charts
                                                                               if c.endswith(".svg")}
    lines = result.stdout.splitlines()
    header = lines[0]
    assert header.startswith("Metric") and header.index("Tiered revenue commission") < header.index("<b>Evil</b>")
    payroll = next(line for line in lines if line.startswith("Payroll, whole period"))
    assert payroll.count("₽") == 2
    assert any(line.startswith("Recommended: ") for line in lines)
    # every criterion with its 90 % interval and robustness word (issue 11, item 4)
    spearman = next(line for line in lines if line.startswith("Pay follows output") and " to " in line)
    assert any(w in spearman for w in ("robust", "borderline", "fails"))
    assert any(line.startswith("overall") for line in lines)
    assert "report written to out" in result.stderr
    assert "\r" not in result.stderr  # no progress bar when stderr is not a terminal


def test_compare_report_escapes_user_text(compared) -> None:
    cwd, _result = compared
    text = (cwd / "out" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text and "<b>Evil</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&lt;b&gt;Evil&lt;/b&gt;" in text


def test_compare_xlsx_matches_kpilab_payout_to_the_kopeck(compared, small_team: Path) -> None:
    cwd, _result = compared
    payout = run(cwd, "payout", TIERED, small_team)
    assert payout.returncode == 0, payout.stderr
    csv = pd.read_csv(io.StringIO(payout.stdout), dtype={"rep_id": str, "period": str})
    wb = openpyxl.load_workbook(cwd / "out" / "payouts.xlsx")
    sheet = next(n for n in wb.sheetnames if n.startswith("Tiered"))
    rows = list(wb[sheet].iter_rows(values_only=True))
    xlsx = pd.DataFrame(rows[1:], columns=list(csv.columns))  # the workbook names the same columns in words
    assert rows[0][:3] == ("Rep", "Period", "Role") and rows[0][-1] == "Total pay"
    assert list(xlsx["rep_id"]) == list(csv["rep_id"])
    for col in csv.columns[csv.columns.get_loc("base"):]:
        assert np.array_equal(np.rint(xlsx[col].astype(float) * 100), np.rint(csv[col] * 100)), col
    assert round(xlsx["total"].sum(), 2) == round(csv["total"].sum(), 2)


def test_compare_in_russian(tmp_path: Path, small_team: Path) -> None:
    result = run(tmp_path, "compare", TIERED, "--team", small_team, "--report", "ru", "--lang", "ru", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("Показатель")
    assert any(line.startswith("Связь выплаты с результатом") and "(от " in line and " до " in line
               and any(w in line for w in ("устойчиво", "на грани", "не проходит"))
               for line in result.stdout.splitlines())
    text = (tmp_path / "ru" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in text and "Рекомендуем схему" in text


def test_compare_replaces_a_previous_report(tmp_path: Path, small_team: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "report.html").write_text("old", encoding="utf-8")
    result = run(tmp_path, "compare", "tiered_commission", "--team", small_team, "--report", "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "report.html").read_text(encoding="utf-8") != "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folder left


# --------------------------------------------------------------------------- payout / validate / explain

def test_payout_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    expected = evaluate(load_plan(BALANCED), datasets.load_sample_team()).to_csv()
    result = run(tmp_path, "payout", BALANCED, SAMPLE)
    assert result.returncode == 0 and result.stdout == expected
    result = run(tmp_path, "payout", BALANCED, SAMPLE, "-o", "pay.csv")
    assert result.returncode == 0 and result.stdout == ""
    assert (tmp_path / "pay.csv").read_text(encoding="utf-8") == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pay.csv"]


def test_validate_prints_ok(tmp_path: Path) -> None:
    result = run(tmp_path, "validate", BALANCED)
    assert result.returncode == 0
    assert result.stdout == "ok\n"


def test_validate_prints_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: two problems\nbase: -5\ntarget_bonus: -1\ncomponents: []\n", encoding="utf-8")
    before = snapshot(tmp_path)
    result = run(tmp_path, "validate", bad)
    assert result.returncode == 2 and result.stdout == ""
    assert "base" in result.stderr and "target_bonus" in result.stderr
    assert snapshot(tmp_path) == before


def test_explain_detail_prints_the_analysts_statement(tmp_path: Path) -> None:
    result = run(tmp_path, "explain", BALANCED, SAMPLE, "--rep", "R01", "--period", "2026-03", "--detail")
    assert result.returncode == 0, result.stderr
    expected = evaluate(load_plan(BALANCED), datasets.load_sample_team()).explain("R01", "2026-03").text
    assert result.stdout.strip() == expected.strip()
    assert "R01" in result.stdout and "total" in result.stdout


def test_explain_prints_the_reps_statement(tmp_path: Path) -> None:
    """Without --detail: the plain statement of kpilab.engine.explain.statement_lines, ending on the table's total."""
    result = run(tmp_path, "explain", BALANCED, SAMPLE, "--rep", "R01", "--period", "2026-03", "--lang", "ru")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "Расчётный листок: R01, март 2026"
    # Balanced KPI version 3 on the regenerated sample: revenue 871 827 pays (871 827 - 600 000) / 600 000 = 0.4530
    # x 36 000 = 16 309,62; it misses the 960 000 gate, so the activity and deals bonuses pay nothing; every
    # activity is over 50 % of plan (modifiers x 1): 45 000 + 16 309,62 = 61 309,62 (the table's total for R01, 2026-03)
    assert lines[-1].startswith("Итого к выплате: 61\u00a0309,62\u00a0₽")


# --------------------------------------------------------------------------- simulate / lint / help / demo

def test_simulate_writes_the_team_with_the_mix(tmp_path: Path) -> None:
    result = run(tmp_path, "simulate", "--reps", "10", "--months", "3", "--seed", "5", "--mix",
                 "star=0.2,laggard=0.8", "-o", "team.csv")
    assert result.returncode == 0, result.stderr
    team = pd.read_csv(tmp_path / "team.csv")
    assert len(team) == 30 and team["rep_id"].nunique() == 10
    per_rep = team.groupby("rep_id")["archetype"].first().value_counts().to_dict()
    assert per_rep == {"star": 2, "laggard": 8}
    again = run(tmp_path, "simulate", "--reps", "10", "--months", "3", "--seed", "5", "--mix",
                "star=0.2,laggard=0.8")
    assert again.stdout == (tmp_path / "team.csv").read_text(encoding="utf-8")  # seeded


def test_lint_prints_findings_and_exits_0(tmp_path: Path) -> None:
    result = run(tmp_path, "lint", PLANS / "multi_condition.yaml")
    assert result.returncode == 0, result.stderr
    assert "finding" in result.stdout and "[warning]" in result.stdout and "Cliff" in result.stdout
    # salary only has no design risk left, but lint says it pays for no activity (a gaming-check note)
    clean = run(tmp_path, "lint", "salary_only")
    assert clean.returncode == 0 and "Cliff" not in clean.stdout and "No activity KPI" in clean.stdout


@pytest.mark.parametrize("command", [None, "payout", "validate", "explain", "compare", "simulate", "lint", "demo"])
def test_help_has_an_example(tmp_path: Path, command: str | None) -> None:
    result = run(tmp_path, *([command] if command else []), "--help")
    assert result.returncode == 0
    assert "example" in result.stdout and "kpilab " in result.stdout.split("example")[-1]


def test_demo_prints_the_verdict_and_the_report_path(tmp_path: Path) -> None:
    result = run(tmp_path, "demo", "--scenarios", "3", "--report", "demo", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Criterion")
    assert "Recommended: " in result.stdout
    assert f"Report: {(tmp_path / 'demo' / 'report.html').resolve()}" in result.stdout
    assert (tmp_path / "demo" / "payouts.xlsx").is_file()


# --------------------------------------------------------------------------- every error: status 2, one message, nothing written

def _bad_data(folder: Path) -> Path:
    team = datasets.load_sample_team()
    team.loc[5, "revenue"] = -1
    path = folder / "bad_team.csv"
    team.to_csv(path, index=False)
    return path


def _bad_plan(folder: Path) -> Path:
    path = folder / "bad_plan.yaml"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    return path


ERRORS = {
    "bad plan": (lambda d: ["compare", _bad_plan(d), "--team", SAMPLE, "--report", "out"], "bad_plan.yaml"),
    "bad data": (lambda d: ["compare", BALANCED, "--team", _bad_data(d), "--report", "out"], "revenue"),
    "missing plan": (lambda d: ["compare", d / "nope.yaml", "--team", SAMPLE, "--report", "out"], "nope.yaml"),
    "missing team": (lambda d: ["compare", BALANCED, "--team", d / "none.csv", "--report", "out"], "none.csv"),
    "unknown option": (lambda d: ["compare", BALANCED, "--team", SAMPLE, "--report", "out", "--colour", "red"],
                       "--colour"),
    "no report": (lambda d: ["compare", BALANCED, "--team", SAMPLE], "--report"),
    "bad lang": (lambda d: ["compare", BALANCED, "--team", SAMPLE, "--report", "out", "--lang", "de"], "de"),
    "zero scenarios": (lambda d: ["compare", BALANCED, "--team", SAMPLE, "--report", "out", "--scenarios", "0"],
                       "--scenarios"),
    "bad baseline": (lambda d: ["compare", BALANCED, "--team", SAMPLE, "--report", "out", "--baseline",
                                d / "nope.yaml"], "nope.yaml"),
    "bad cost band": (lambda d: ["compare", BALANCED, "--team", SAMPLE, "--report", "out", "--cost-band", "9,3"],
                      "--cost-band"),
    "report is a file": (lambda d: ["compare", BALANCED, "--team", SAMPLE, "--report", "taken.txt"], "taken.txt"),
    "report folder not ours": (lambda d: ["compare", BALANCED, "--team", SAMPLE, "--report", "thesis"], "thesis"),
    "mix without =": (lambda d: ["simulate", "--reps", "5", "--mix", "star", "-o", "t.csv"], "--mix"),
    "mix not a number": (lambda d: ["simulate", "--reps", "5", "--mix", "star=lots", "-o", "t.csv"], "star"),
    "mix unknown archetype": (lambda d: ["simulate", "--reps", "5", "--mix", "wizard=1", "-o", "t.csv"], "wizard"),
    "mix negative": (lambda d: ["simulate", "--reps", "5", "--mix", "star=-1", "-o", "t.csv"], "mix"),
    "reps zero": (lambda d: ["simulate", "--reps", "0", "-o", "t.csv"], "--reps"),
    "simulate into missing folder": (lambda d: ["simulate", "--reps", "5", "-o", "no/such/t.csv"], "no/such"),
    "lint bad plan": (lambda d: ["lint", _bad_plan(d)], "bad_plan.yaml"),
    "lint missing plan": (lambda d: ["lint", d / "nope.yaml"], "nope.yaml"),
    "payout bad data": (lambda d: ["payout", BALANCED, _bad_data(d), "-o", "pay.csv"], "revenue"),
    "payout to a folder": (lambda d: ["payout", BALANCED, SAMPLE, "-o", "thesis"], "thesis"),
    "explain unknown rep": (lambda d: ["explain", BALANCED, SAMPLE, "--rep", "R99", "--period", "2026-01"], "R99"),
    "unknown command": (lambda d: ["frobnicate"], "frobnicate"),
    "demo bad lang": (lambda d: ["demo", "--lang", "fr"], "fr"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_every_error_exits_2_with_one_clear_message_and_writes_nothing(tmp_path: Path, case: str) -> None:
    (tmp_path / "taken.txt").write_text("keep me", encoding="utf-8")
    (tmp_path / "thesis").mkdir()
    (tmp_path / "thesis" / "chapter1.docx").write_text("keep me too", encoding="utf-8")
    make_args, needle = ERRORS[case]
    args = make_args(tmp_path)
    before = snapshot(tmp_path)
    result = run(tmp_path, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("kpilab") and "error" in message
    assert "Traceback" not in message
    assert needle in message, message
    assert len(message.splitlines()) == 1, message
    assert snapshot(tmp_path) == before  # nothing written, nothing removed


def test_scheme_rows_may_leave_empty_a_metric_their_plan_does_not_read(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(
        "scheme: roles\nplans:\n"
        "  junior: {name: j, components: [{name: per_call, kind: commission, metric: calls, rate: 2}]}\n"
        "  senior: {name: s, components: [{name: rev, kind: commission, metric: revenue, rate: 0.1}]}\n")
    (tmp_path / "d.csv").write_text("rep_id,period,role,calls,revenue\nJ,2026-01,junior,50,\nS,2026-01,senior,,1000\n")
    result = run(tmp_path, "payout", "s.yaml", "d.csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ["J,2026-01,junior,0.00,100.00,,0.00,0.00,100.00,100.00",
                                              "S,2026-01,senior,0.00,,100.00,0.00,0.00,100.00,100.00"]
    (tmp_path / "e.csv").write_text("rep_id,period,role,calls,revenue\nJ,2026-01,junior,,\n")
    result = run(tmp_path, "payout", "s.yaml", "e.csv", "-o", "out.csv")
    assert result.returncode == 2 and "row 2, rep J, period 2026-01, column calls" in result.stderr
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(("text", "words"), [
    ("rep_id,period,calls\nR1,2026-01,5\nR2,2026-01,5,7\n", "row 3: cannot split this line"),
    ("rep_id,period,calls,calls\nR1,2026-01,5,7\n", "column calls: column 'calls' appears twice"),
])
def test_malformed_csv_lines_exit_2(tmp_path: Path, text: str, words: str) -> None:
    (tmp_path / "p.yaml").write_text("name: p\ncomponents: [{name: c, kind: commission, metric: calls, rate: 1}]\n")
    (tmp_path / "d.csv").write_text(text)
    result = run(tmp_path, "payout", "p.yaml", "d.csv", "-o", "out.csv")
    assert result.returncode == 2 and words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out.csv").exists()


def test_output_file_follows_the_umask(tmp_path: Path) -> None:
    result = run(tmp_path, "payout", BALANCED, SAMPLE, "-o", "out.csv")
    assert result.returncode == 0
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == 0o666 & ~umask
