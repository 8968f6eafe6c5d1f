"""The hostile-input corpus of issue 10: every case of ``corpus.yaml`` run through the ``kpilab`` command.

Each case makes its files in a fresh folder, runs one command there (in-process through
``kpilab.cli.main``; in a subprocess when it sends a real signal) and checks the exit status, the
message, and the files that must or must not exist afterwards. Whatever the case, there is never a
traceback, a failed command (exit 2) leaves the folder exactly as it was, and no temporary is left.
"""

from __future__ import annotations

import collections
import csv
import hashlib
import importlib
import io
import os
import signal
import stat
import subprocess
import sys
import time
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml

import kpilab
from kpilab.cli import main
from kpilab.safe_write import TEMP_MARK
from kpilab.spreadsheet_safe import FORMULA_STARTS

from hostile_inputs import like_a_terminal, make

HERE = Path(__file__).parent
CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "corpus.yaml").read_text(encoding="utf-8"))
REPO = Path(kpilab.__file__).resolve().parents[1]


# --------------------------------------------------------------------------- checks named by cases

def csv_cells_neutralised(folder: Path, path: str) -> None:
    rows = list(csv.reader(io.StringIO((folder / path).read_text(encoding="utf-8"))))
    reps = [r[0] for r in rows[1:]]
    assert reps and all(not rep.startswith(FORMULA_STARTS) for rep in reps), reps
    assert sum(rep.startswith("'") for rep in reps) == len(reps), reps


def xlsx_has_no_formulas(folder: Path, path: str) -> None:
    import openpyxl

    with zipfile.ZipFile(folder / path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, f"{name} holds a formula"
    wb = openpyxl.load_workbook(folder / path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


def is_xlsx(folder: Path, path: str) -> None:
    import openpyxl

    assert zipfile.is_zipfile(folder / path)
    assert openpyxl.load_workbook(folder / path, read_only=True).sheetnames


def plan_value(folder: Path, path: str, key: str, expected: Any) -> None:
    value = getattr(kpilab.load_plan(folder / path), key)
    assert value == expected and type(value) is type(expected) or (
        isinstance(expected, int) and isinstance(value, float) and value == expected), (value, expected)


def still_symlink(folder: Path, path: str) -> None:
    assert (folder / path).is_symlink(), f"{path} is no longer a symbolic link"


def file_starts_with(folder: Path, path: str, text: str) -> None:
    assert (folder / path).read_text(encoding="utf-8").startswith(text)


def is_character_device(folder: Path, path: str) -> None:
    assert stat.S_ISCHR(os.stat(path).st_mode), f"{path} was replaced"


def no_entries_like(folder: Path, where: str, fragment: str) -> None:
    left = [p.name for p in (folder / where).iterdir() if fragment in p.name]
    assert not left, left


CHECKS = {f.__name__: f for f in (csv_cells_neutralised, xlsx_has_no_formulas, is_xlsx, plan_value,
                                  still_symlink, file_starts_with, is_character_device, no_entries_like)}


# --------------------------------------------------------------------------- running a case

def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry of the folder: kind, mode, and content hash (files) or target (links)."""
    out: dict[str, tuple] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            full = Path(root, name)
            rel = full.relative_to(folder).as_posix()
            info = os.lstat(full)
            if stat.S_ISLNK(info.st_mode):
                out[rel] = ("link", os.readlink(full))
            elif stat.S_ISDIR(info.st_mode):
                out[rel] = ("dir", stat.S_IMODE(info.st_mode))
            else:
                out[rel] = ("file", stat.S_IMODE(info.st_mode), hashlib.sha256(full.read_bytes()).hexdigest())
    return out


def leftovers(folder: Path) -> list[str]:
    return [str(Path(root, n)) for root, dirs, files in os.walk(folder) for n in dirs + files if TEMP_MARK in n]


def run_in_process(argv: list[str], folder: Path, case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
                   ) -> tuple[int, str, str]:
    monkeypatch.chdir(folder)
    for dotted, value in case.get("patch", {}).items():
        module, attr = dotted.rsplit(".", 1)
        monkeypatch.setattr(importlib.import_module(module), attr, value)
    if "interrupt_in" in case or case.get("fail_write"):
        from kpilab.engine.payouts import Payouts

        def half_written(self: Any, path: Any = None) -> None:
            Path(path).write_text("rep_id,period\nR01,", encoding="utf-8")
            if case.get("fail_write"):
                raise OSError(28, "No space left on device", str(path))
            raise KeyboardInterrupt

        monkeypatch.setattr(Payouts, "to_csv", half_written)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def run_with_signal(argv: list[str], folder: Path, case: dict[str, Any]) -> tuple[int, str, str]:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "kpilab", *argv], cwd=folder, env=env, preexec_fn=like_a_terminal,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    spec = case["signal"]
    try:
        deadline = time.monotonic() + 240
        if spec.get("when_temporary"):
            while not leftovers(folder):
                assert proc.poll() is None, "the command ended before it wrote a temporary"
                assert time.monotonic() < deadline, "no temporary appeared"
                time.sleep(0.02)
        else:
            time.sleep(spec["after_seconds"])
            assert proc.poll() is None, "the command ended before the signal"
        proc.send_signal(getattr(signal, spec["name"]))
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, out, err


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_hostile_case(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "requires" in case and not os.path.exists(case["requires"]):
        pytest.skip(f"needs {case['requires']}")
    folder = tmp_path / "case"
    folder.mkdir()
    for name, spec in (case.get("files") or {}).items():
        make(folder, name, spec)
    if "setup_run" in case:
        code, _, err = run_in_process([str(a) for a in case["setup_run"]], folder, {}, monkeypatch)
        assert code == 0, err
    before = snapshot(folder)
    argv = [str(a) for a in case["run"]]
    started = time.monotonic()
    if "signal" in case:
        code, out, err = run_with_signal(argv, folder, case)
    else:
        code, out, err = run_in_process(argv, folder, case, monkeypatch)
    elapsed = time.monotonic() - started
    after = snapshot(folder)

    assert "Traceback" not in err, err
    assert code == case["exit"], f"exit {code}, wanted {case['exit']}\nstderr: {err}\nstdout: {out[:500]}"
    for fragment in _list(case.get("message")):
        assert fragment in err, f"{fragment!r} not in {err!r}"
    for fragment in _list(case.get("stderr_absent")):
        assert fragment not in err, f"{fragment!r} in {err!r}"
    for fragment in _list(case.get("stdout")):
        assert fragment in out, f"{fragment!r} not in {out[:2000]!r}"
    for fragment in _list(case.get("stdout_absent")):
        assert fragment not in out, f"{fragment!r} in {out[:2000]!r}"
    if "stderr_lines" in case:
        assert len([ln for ln in err.splitlines() if ln.strip()]) == case["stderr_lines"], err
    if code == 2:
        assert err.startswith("kpilab: error:"), err
        assert out == "", out
        assert after == before, "a failed command changed the folder"
    if code in (130, 143):
        assert err.startswith("kpilab:") and len(err.strip().splitlines()) == 1, err
    for path in _list(case.get("exist")):
        assert os.path.lexists(folder / path), f"{path} should exist"
    for path in _list(case.get("absent")):
        assert not os.path.lexists(folder / path), f"{path} should not exist"
    for path in _list(case.get("unchanged")):
        assert after.get(path) == before.get(path) and path in before, f"{path} changed"
    assert not leftovers(folder), leftovers(folder)
    for check in case.get("checks", []):
        CHECKS[check["name"]](folder, *check.get("args", []))
    if "max_seconds" in case:
        assert elapsed < case["max_seconds"], f"took {elapsed:.1f} s"


def _list(value: Any) -> list[Any]:
    return [] if value is None else list(value) if isinstance(value, list) else [value]


def test_every_numbered_item_of_the_issue_is_in_the_corpus() -> None:
    items = collections.Counter(c["item"] for c in CASES)
    assert set(items) == set(range(1, 15)), sorted(items)
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert all(c.get("category") for c in CASES)
