"""Voila serving notebook 04 and a headless Chromium, shared by the browser tests and the latency benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
NOTEBOOK = ROOT / "notebooks" / "04_bonus_tuner.ipynb"
ARTIFACTS = ROOT / "artifacts"
VOILA = Path(sys.executable).with_name("voila")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def skip_or_fail(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - local server
                if resp.status < 500:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"voila did not answer on {url} within {timeout:.0f} s")


@contextmanager
def serve(notebook: Path, workdir: Path, extra: Sequence[str] = ()) -> Iterator[tuple[str, subprocess.Popen]]:
    """Voila on a free port of 127.0.0.1 serving ``notebook`` (cwd: its folder, so voila.json applies)."""
    port = free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"), "JUPYTER_CONFIG_DIR": str(workdir / "config"),
           "JUPYTER_PLATFORM_DIRS": "1", "MPLBACKEND": "Agg",
           # The kernel's set and dict orders, and so the order of the fields in a widget message, the same on every
           # run: with this seed an axis update once sent its ticks before their labels and lost the labels.
           "PYTHONHASHSEED": "2",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    log = (workdir / "voila.log").open("wb")
    proc = subprocess.Popen(
        [str(VOILA), notebook.name, "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}",
         "--strip_sources=True", "--show_tracebacks=True", *extra],
        cwd=notebook.parent, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/", proc, 60)
        yield f"http://127.0.0.1:{port}/", proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()
        if os.environ.get("KPILAB_SHOW_VOILA_LOG"):
            print((workdir / "voila.log").read_text(errors="replace"))


def browser_ready() -> None:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not VOILA.exists():
        skip_or_fail(f"{VOILA} is missing")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("playwright is not installed")
