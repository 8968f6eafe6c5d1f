"""The owners' dashboard in a real browser: Voila serves notebook 04, Chromium moves a slider.

Starts the venv's voila on a free port of 127.0.0.1 (code hidden, fresh Jupyter
runtime dir), drives the apt-installed Chromium with Playwright, moves the
target-bonus slider and checks that the cost and the verdict text follow. A
screenshot goes to ``artifacts/dashboard.png``.

Skips when /usr/bin/chromium (or playwright) is missing, unless REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
NOTEBOOK = ROOT / "notebooks" / "04_bonus_tuner.ipynb"
ARTIFACTS = ROOT / "artifacts"
VOILA = Path(sys.executable).with_name("voila")

pytestmark = pytest.mark.browser


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
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


@pytest.fixture()
def voila_url(tmp_path: Path) -> Iterator[str]:
    """A running Voila serving notebook 04; terminated afterwards whatever happens."""
    if not CHROMIUM.exists():
        _skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not VOILA.exists():
        _skip_or_fail(f"{VOILA} is missing")
    port = _free_port()
    env = {**os.environ,
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_PLATFORM_DIRS": "1",
           "MPLBACKEND": "Agg"}
    log = (tmp_path / "voila.log").open("wb")
    proc = subprocess.Popen(
        [str(VOILA), str(NOTEBOOK), "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}",
         "--strip_sources=True", "--show_tracebacks=True"],
        cwd=ROOT / "notebooks", env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_http(f"http://127.0.0.1:{port}/", proc, 60)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()
        if os.environ.get("KPILAB_SHOW_VOILA_LOG"):
            print((tmp_path / "voila.log").read_text(errors="replace"))


def test_dashboard_slider_moves_cost_and_verdict(voila_url: str, tmp_path: Path) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("playwright is not installed")
        return
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM), headless=True, timeout=60_000,
            viewport={"width": 1400, "height": 1800},
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(60_000)
            page.goto(voila_url, wait_until="domcontentloaded", timeout=120_000)
            # the kernel runs the notebook, then the widgets render
            page.wait_for_selector(".kp-tuner", timeout=180_000)
            cost = page.locator(".kp-cost")
            verdict = page.locator(".kp-verdict")
            page.wait_for_function(
                "() => (document.querySelector('.kp-cost') || {}).innerText?.includes('Payroll per month')",
                timeout=60_000)
            page.wait_for_selector(".kp-figure", state="visible")
            body = page.inner_text("body")
            assert "widgets.tuner(" not in body and "import kpilab" not in body  # the code is hidden
            cost_before = cost.inner_text()
            verdict_before = verdict.inner_text()
            assert "no change yet" in cost_before
            assert "Verdict:" in verdict_before

            # type a new target bonus into the slider's readout, as an owner would
            readout = page.locator(".kp-ctl-target_bonus .widget-readout")
            readout.click()
            page.keyboard.press("Control+A")
            page.keyboard.type("150000")
            page.keyboard.press("Enter")
            page.wait_for_function(
                "before => document.querySelector('.kp-cost').innerText !== before", arg=cost_before,
                timeout=90_000)
            cost_after = cost.inner_text()
            assert "no change yet" not in cost_after
            assert "+" in cost_after  # a bigger target bonus costs more than the plan as loaded

            # the keyboard on a slider handle works too: a lower revenue-bonus share changes the verdict text
            handle = page.locator(".kp-ctl-components-2-share .noUi-handle")
            handle.focus()
            for _ in range(30):
                handle.press("ArrowLeft")
            page.wait_for_function(
                "before => document.querySelector('.kp-verdict').innerText !== before", arg=verdict_before,
                timeout=90_000)
            assert verdict.inner_text() != verdict_before
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True, timeout=60_000)
        finally:
            context.close()
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 20_000
