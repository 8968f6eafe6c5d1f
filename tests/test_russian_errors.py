"""Every error a Russian reader can meet is in Russian: no English word, code id or Python repr.

Issue 12, item 3 ("Russian first") and issue 13, item 1 (upload errors in plain words). Each case of
the on-disk corpora (``tests/malformed/``, its ``periods/`` part, and the exit-2 cases of
``tests/hostile/corpus.yaml``) runs through the command line in-process with ``--lang ru``; every
malformed plan also through the Python API under :func:`kpilab.i18n.messages.messages_in`; two bad
files through the dashboard's upload. A message may hold Latin letters only where a reader must find
or type them as written: inside «» quotes, a file name, a key path before its colon, a column of the
file, a command-line option, and the names of formats and programs (YAML, CSV, XLSX, Excel...).
The English words of the same errors stay as they were (the contract cases match them).
"""

from __future__ import annotations

import errno
import io
import os
import re
import shutil
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml

import kpilab
from kpilab.cli import main
from kpilab.errors import DataError, KpilabError, PlanError
from kpilab.i18n.messages import messages_in, msg, os_reason, yaml_problem

HERE = Path(__file__).parent
MALFORMED = HERE / "malformed"
PERIODS = MALFORMED / "periods"
HOSTILE = HERE / "hostile"

#: Names of formats and programs, written as their makers write them.
PROPER_NAMES = {"kpilab", "YAML", "CSV", "XLSX", "XLS", "XML", "Excel", "LibreOffice", "UTF-8", "UTF-16",
                "Windows-1251", "Ctrl-C"}
_QUOTED = re.compile(r"«(?:[^«»]|«[^«»]*»)*»")
_FILE = re.compile(r"[\w./~-]*\.(?:csv|tsv|txt|yaml|yml|xlsx|xlsm|xls|json|html|docx|pptx|png|svg)\b", re.I)
_KEY_PATH = re.compile(r"(?<![\w.])[A-Za-z_][\w]*(?:\[\d+\]|\.[\w-]+)*(?=: )")
_OPTION = re.compile(r"(?<!\w)--?[a-z][a-z-]*")
# What a reader finds or types as written: a cell (A3), a code point (U+0007), a byte (0x98), a period
# label (2026-Q1), a number as the file holds it (1e+308, inf), the command they ran (kpilab compare).
_AS_WRITTEN = re.compile(r"\b[A-Z]{1,3}\d+\b|U\+[0-9A-F]{4,6}|\b0x[0-9A-Fa-f]+\b|\b\d{4}-[A-Za-z0-9]+\b"
                         r"|[-+]?\d+(?:\.\d+)?e[-+]?\d+|(?<![\w«])-?inf\b|\bkpilab [a-z]+\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*(?:[.\-][A-Za-z0-9_]+)*")
_REPR = re.compile(r"'[^'\s]*'|\bNone\b|\bnan\b|\bTraceback\b|\bTrue\b|\bFalse\b")


def stray_latin(text: str, columns: set[str] = frozenset()) -> list[str]:
    """The Latin words of ``text`` a Russian reader should not meet (see the module docstring)."""
    s = _QUOTED.sub(" ", text)
    s = _FILE.sub(" ", s)
    s = _KEY_PATH.sub(" ", s)
    s = _OPTION.sub(" ", s)
    s = _AS_WRITTEN.sub(" ", s)
    return [w for w in _WORD.findall(s) if w not in PROPER_NAMES and w not in columns]


def python_reprs(text: str) -> list[str]:
    """Python's way of writing a value (``'lots'``, None, nan, a traceback) outside «» quotes."""
    return _REPR.findall(_QUOTED.sub(" ", text))


def check_russian(text: str, columns: set[str] = frozenset()) -> None:
    assert re.search("[а-яё]", text, re.I), f"no Russian at all: {text!r}"
    assert not stray_latin(text, columns), f"English or code ids {stray_latin(text, columns)} in: {text}"
    assert not python_reprs(text), f"Python reprs {python_reprs(text)} in: {text}"


def header(path: Path) -> set[str]:
    """The column names and rep ids of a CSV (a message names them as written, on purpose)."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return set()
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    names = {c.strip().strip('"') for c in re.split("[,;\t]", lines[0]) if c.strip()} if lines else set()
    return names | {re.split("[,;\t]", ln)[0].strip().strip('"') for ln in lines[1:]}


def run_cli(argv: list[str], folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(folder)
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


# --------------------------------------------------------------------------- the malformed corpora

def _malformed_cases() -> list[Any]:
    """Each corpus case with the partner the English corpus test (tests/test_malformed.py) pairs it with."""
    from test_malformed import CORPORA  # tests/ is on sys.path: one table of partners, not two

    cases = []
    for corpus in CORPORA:
        for name in sorted(corpus.plans):
            cases.append(pytest.param(corpus.folder / "plans" / name, corpus.good_data,
                                      id=f"{corpus.folder.name}/{name}"))
        for name, (partner, _words) in sorted(corpus.data.items()):
            cases.append(pytest.param(partner, corpus.folder / "data" / name, id=f"{corpus.folder.name}/{name}"))
    return cases


MALFORMED_CASES = _malformed_cases()
#: Plans of the corpus that load and fail only against the team (a target the data must give).
PLANS_FAILING_ON_DATA = {"missing_target.yaml"}


def test_the_corpora_are_all_here() -> None:
    """Every file of the malformed corpora is a case here (a new one cannot slip by in English)."""
    files = [p for f in (MALFORMED, PERIODS) for sub in ("plans", "data") for p in (f / sub).glob("*.*")]
    assert len(MALFORMED_CASES) == len(files) >= 60


@pytest.mark.parametrize("plan, data", MALFORMED_CASES)
def test_malformed_input_is_reported_in_russian(plan: Path, data: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(plan, tmp_path / plan.name)
    shutil.copy(data, tmp_path / data.name)
    code, err = run_cli(["payout", "--lang", "ru", plan.name, data.name, "-o", "out.csv"], tmp_path, monkeypatch)
    assert code == 2, err
    assert err.startswith("kpilab: ошибка: "), err
    assert not (tmp_path / "out.csv").exists()
    check_russian(err, header(tmp_path / data.name))


@pytest.mark.parametrize("rows", [[["A", "2026-01", "T1", 800, 8, 1200000, 2], ["B", "2026-01", "T1", 640, "пять", 9e5, 6]],
                                  [["A", "2026-01", "T1", 800, 8, 1200000, 2], ["C", "2026-03", "T2", 900, 10, None, 0]]],
                         ids=["text_in_number", "empty_cell"])
def test_malformed_workbook_in_russian(rows: list[list[Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    names = ["rep_id", "period", "team", "calls", "deals", "revenue", "missed_calls"]
    wb = openpyxl.Workbook()
    wb.active.append(names)
    for row in rows:
        wb.active.append(row)
    wb.save(tmp_path / "team.xlsx")
    shutil.copy(MALFORMED / "good_plan.yaml", tmp_path / "plan.yaml")
    code, err = run_cli(["payout", "--lang", "ru", "plan.yaml", "team.xlsx", "-o", "out.csv"], tmp_path, monkeypatch)
    assert code == 2
    assert "строка 3" in err, err
    check_russian(err, set(names))


@pytest.mark.parametrize("plan", sorted((MALFORMED / "plans").glob("*.yaml")) + sorted((PERIODS / "plans").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_every_plan_problem_from_the_api_in_russian(plan: Path) -> None:
    """load_plan under messages_in('ru'): each problem of the PlanError, its key path set aside."""
    with messages_in("ru"):
        try:
            kpilab.load_plan(plan)
        except PlanError as exc:
            assert exc.problems
            for _path, text in exc.problems:  # the key path is what the reader looks up, as written
                check_russian(text)
            check_russian(str(exc))
            return
    # a plan that is fine on its own and fails only against the data: checked through the command line above
    assert plan.name in PLANS_FAILING_ON_DATA, f"{plan.name} loaded without a problem"


# --------------------------------------------------------------------------- the hostile corpus

def _hostile_cases() -> list[Any]:
    cases = yaml.safe_load((HOSTILE / "corpus.yaml").read_text(encoding="utf-8"))
    return [pytest.param(c, id=c["id"]) for c in cases
            if c.get("exit") == 2 and "signal" not in c and not c.get("requires")]


@pytest.mark.parametrize("case", _hostile_cases())
def test_hostile_input_is_refused_in_russian(case: dict[str, Any], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(HOSTILE))
    try:
        from test_hostile_corpus import run_in_process
        from hostile_inputs import make
    finally:
        sys.path.remove(str(HOSTILE))
    folder = tmp_path / "case"
    folder.mkdir()
    for name, spec in (case.get("files") or {}).items():
        make(folder, name, spec)
    monkeypatch.setenv("KPILAB_LANG", "ru")
    if "setup_run" in case:
        code, _, err = run_in_process([str(a) for a in case["setup_run"]], folder, {}, monkeypatch)
        assert code == 0, err
    code, out, err = run_in_process([str(a) for a in case["run"]], folder, case, monkeypatch)
    assert code == 2, err
    assert err.startswith("kpilab: ошибка: "), err
    columns = set().union(*(header(p) for p in folder.rglob("*.csv")), {p.name for p in folder.rglob("*")})
    check_russian(err, columns)


# --------------------------------------------------------------------------- the dashboard's upload

def test_dashboard_upload_errors_in_russian(tmp_path: Path) -> None:
    """Two bad uploads, as the page gets them: a number written as a word, and a damaged workbook."""
    from kpilab.dashboard.upload import UploadError, read_upload

    text = (MALFORMED / "data" / "text_in_number.csv").read_bytes()
    with pytest.raises(UploadError) as bad_number:
        read_upload(text, "команда.csv", None, "ru")
    check_russian(str(bad_number.value), header(MALFORMED / "data" / "text_in_number.csv"))
    assert "1.5 mln" in str(bad_number.value), "the cell the owner must fix is named as written"

    with pytest.raises(UploadError) as broken:
        read_upload(b"PK\x03\x04 this is not a workbook", "выгрузка.xlsx", None, "ru")
    check_russian(str(broken.value))


# --------------------------------------------------------------------------- what libraries and the system say

_BROKEN_YAML = {
    "unclosed_list": "name: p\ncomponents: [1, 2\nbase: 3\n",
    "unclosed_map": "name: p\nlimits: {floor: 1\n",
    "colon_here": "name: p: q\n",
    "bad_start": "name: @p\n",
    "unclosed_quote": "name: 'p\nbase: 1\n",
    "undefined_alias": "name: *p\n",
    "indent": "name: p\ncomponents:\n  - a\n - b\n",
    "no_colon": "name: p\nbase\n  x: 1\nother: 2\n",
}


@pytest.mark.parametrize("name", sorted(_BROKEN_YAML))
def test_yaml_mistakes_in_russian_with_line_and_column(name: str, tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(_BROKEN_YAML[name], encoding="utf-8")
    with messages_in("ru"), pytest.raises(PlanError) as err:
        kpilab.load_plan(tmp_path / "plan.yaml")
    text = str(err.value)
    assert re.search(r"строка \d+, столбец \d+", text), text
    assert msg.__name__ and "здесь файл не соответствует разметке" not in text, f"generic words for {name}: {text}"
    check_russian(text)
    with messages_in("en"), pytest.raises(PlanError) as english:
        kpilab.load_plan(tmp_path / "plan.yaml")
    assert "line " in str(english.value) and "invalid YAML: " in str(english.value)


def test_an_unknown_yaml_problem_still_reads_russian() -> None:
    with messages_in("ru"):
        assert yaml_problem("while parsing something new the parser never said before") == \
            msg("yaml_errors.other")
    with messages_in("en"):
        assert yaml_problem("did not find expected ',' or ']'") == "did not find expected ',' or ']'"


@pytest.mark.parametrize("code", [errno.ENOENT, errno.EACCES, errno.EISDIR, errno.ENOTDIR, errno.ENOSPC,
                                  errno.EROFS, errno.ENAMETOOLONG, errno.ELOOP, errno.EIO, errno.EBUSY, 99999])
def test_system_errors_worded_by_number(code: int) -> None:
    exc = OSError(code, os.strerror(code) if code != 99999 else "Mystery")
    with messages_in("ru"):
        check_russian(os_reason(exc))
    with messages_in("en"):
        assert os_reason(exc) == exc.strerror


def test_missing_and_unreadable_files_in_russian(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(MALFORMED / "good_plan.yaml", tmp_path / "plan.yaml")
    (tmp_path / "folder.csv").mkdir()
    for argv in (["payout", "--lang", "ru", "plan.yaml", "nothing.csv", "-o", "out.csv"],
                 ["payout", "--lang", "ru", "nothing.yaml", str(MALFORMED / "good_data.csv"), "-o", "out.csv"],
                 ["payout", "--lang", "ru", "plan.yaml", str(MALFORMED / "good_data.csv"), "-o", "folder.csv"]):
        code, err = run_cli(argv, tmp_path, monkeypatch)
        assert code == 2, err
        check_russian(err)


# --------------------------------------------------------------------------- English stays as it was

def test_english_words_are_unchanged() -> None:
    with messages_in("en"):
        with pytest.raises(PlanError) as err:
            kpilab.Plan.from_dict({"name": "p", "base_salary": 1, "componentz": []})
        assert str(err.value) == ("2 problems in plan:\n  base_salary: unknown key 'base_salary'\n"
                                  "  componentz: unknown key 'componentz' (did you mean 'components'?)")
        assert str(DataError("x", file="t.csv", row=3, rep="B", period="2026-01", column="calls")) == \
            "file t.csv, row 3, rep B, period 2026-01, column calls: x"
        with pytest.raises(PlanError) as weight:
            kpilab.Plan.from_dict({"name": "p", "components": [{"name": "s", "kind": "scorecard", "share": 1,
                                                                 "kpis": {"calls": {"weight": "lots", "curve": {
                                                                     "points": [[0, 0], [1, 1]]}}}}]})
        assert "components[0].kpis.calls.weight: must be a number, got 'lots'" in str(weight.value)


def test_russian_plurals_and_quotes() -> None:
    with messages_in("ru"):
        with pytest.raises(PlanError) as err:
            kpilab.Plan.from_dict({"name": "p", "base_salary": 1, "componentz": []})
    assert str(err.value) == ("в плане 2 ошибки:\n  base_salary: неизвестный ключ «base_salary»\n"
                              "  componentz: неизвестный ключ «componentz»; возможно, имелось в виду «components»")
    with messages_in("ru"):
        many = PlanError([(f"k{i}", msg("plan_errors.required")) for i in range(5)])
    assert str(many).startswith("в плане 5 ошибок:")
    with messages_in("ru"):
        one_more = str(DataError("x" + msg("data_errors.more_problems", count=1)))
    assert one_more.endswith("(и ещё 1 такая ошибка в таблице)")


def test_the_checker_catches_english() -> None:
    """The checker itself: it would fail on the messages this test was written against."""
    assert stray_latin("файл /nonexist.csv: file not found") == ["file", "not", "found"]
    assert stray_latin("kpilab: ошибка: a.yaml: components[0].rate: ставка «rate» не меньше 0") == []
    assert python_reprs("неизвестный ключ 'base_salary'") == ["'base_salary'"]
    assert python_reprs("значение «None»") == []
    with pytest.raises(AssertionError):
        check_russian("строка 3, столбец 1: ошибка в разметке YAML: did not find expected ',' or ']'")
    assert issubclass(DataError, KpilabError)
