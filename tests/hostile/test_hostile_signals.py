"""Ctrl-C and SIGTERM at any moment of ``python -m kpilab`` (issue 10, items 10 and 11).

The command takes a second or more to load pandas, numpy and matplotlib before it does any work.
A signal in that time used to end in a KeyboardInterrupt traceback (SIGINT) or a silent death
(SIGTERM). Now the light entry point (kpilab/cli/_entry.py) answers both before the heavy imports:
whenever the signal comes, the command prints one line and exits 130 (SIGINT) or 143 (SIGTERM).
Signals during the work itself are the corpus's cases (``ctrl-c-during-analysis``,
``sigterm-while-report-folder-written``, ``ctrl-c-while-report-folder-written-over-old-report``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kpilab

from hostile_inputs import PLANS, SAMPLE

REPO = Path(kpilab.__file__).resolve().parents[1]
EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}
MESSAGE = {signal.SIGINT: "kpilab: interrupted (Ctrl-C)", signal.SIGTERM: "kpilab: terminated"}
# numpy's compiled core: mapped into the process once `import numpy` is under way, i.e. mid-import
NUMPY_CORE = "_multiarray_umath"


def _env() -> dict[str, str]:
    return {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8", "KPILAB_LANG": "en",
            "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


def _start(folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kpilab", "compare", str(PLANS / "balanced_kpi.yaml"), "--team", str(SAMPLE),
         "--scenarios", "3000", "--report", "out", "-q"],
        cwd=folder, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _mapped(pid: int, fragment: str) -> bool:
    try:
        return fragment in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, out, err


def _assert_stopped(sig: signal.Signals, code: int, out: str, err: str, folder: Path) -> None:
    assert "Traceback" not in err, err
    assert code == EXIT[sig], f"exit {code}, wanted {EXIT[sig]}; stderr: {err!r}"
    assert err.startswith(MESSAGE[sig]) and len(err.strip().splitlines()) == 1, err
    assert out == "", out
    assert sorted(p.name for p in folder.iterdir()) == [], "the interrupted command left files behind"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_a_fifth_of_a_second_after_start_is_one_line(sig: signal.Signals, tmp_path: Path) -> None:
    proc = _start(tmp_path)
    time.sleep(0.2)
    assert proc.poll() is None, "the command ended before the signal"
    proc.send_signal(sig)
    code, out, err = _finish(proc)
    _assert_stopped(sig, code, out, err, tmp_path)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc to see what the process loaded")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_numpy_loads_is_one_line(sig: signal.Signals, tmp_path: Path) -> None:
    """Sent the moment numpy's compiled core is mapped: certainly inside the imports, whatever the load."""
    proc = _start(tmp_path)
    deadline = time.monotonic() + 60
    while not _mapped(proc.pid, NUMPY_CORE):
        assert proc.poll() is None, "the command ended before numpy loaded"
        assert time.monotonic() < deadline, "numpy never loaded"
        time.sleep(0.002)
    proc.send_signal(sig)
    code, out, err = _finish(proc)
    _assert_stopped(sig, code, out, err, tmp_path)


def test_import_kpilab_and_its_command_load_no_heavy_library() -> None:
    """The entry point can only catch a signal once its own code runs: everything before it stays light."""
    probe = ("import sys, kpilab, kpilab.cli; "
             "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} & "
             "{'numpy', 'pandas', 'matplotlib', 'yaml', 'babel', 'scipy', 'typing'})))")
    out = subprocess.run([sys.executable, "-c", probe], env=_env(), capture_output=True, text=True, check=True)
    assert out.stdout.split() == [], out.stdout
