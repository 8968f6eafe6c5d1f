"""The owners' dashboard in a real browser: Voila serves notebook 04, Chromium drives it as an owner would.

Uploads ``data/client_export.xlsx`` with its column mapping, picks a plan that
fits it, switches to Russian, moves a slider and sees the verdict and cost
change, types an out-of-range value and sees the range widen, saves and reads
the saved file's change log. Screenshots of the English and Russian pages go
to ``artifacts/``. A second test visits the page five times and checks that
closed pages leave at most one kernel running.

Skips when /usr/bin/chromium (or playwright) is missing, unless REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import time
from pathlib import Path

import psutil
import pytest

from .conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, NOTEBOOK, ROOT, browser_ready, serve

pytestmark = pytest.mark.browser


def _context(pw, tmp_path: Path, locale: str):  # type: ignore[no-untyped-def]
    return pw.chromium.launch_persistent_context(
        user_data_dir=str(tmp_path / f"chromium-{locale}"), executable_path=str(CHROMIUM), headless=True,
        timeout=60_000, viewport={"width": 1400, "height": 1900}, locale=locale, args=CHROMIUM_ARGS)


def _changed(page, selector: str, before: str, timeout: int = 90_000) -> str:  # type: ignore[no-untyped-def]
    page.wait_for_function("([sel, before]) => document.querySelector(sel).innerText !== before",
                           arg=[selector, before], timeout=timeout)
    return page.inner_text(selector)


#: Every numeric tick of every chart, as the page shows it: [chart class, "x" or "y", value, text].
_TICKS_JS = """() => [...document.querySelectorAll('.kp-chart')].flatMap(fig => {
  const chart = [...fig.classList].find(c => c.startsWith('kp-chart-'));
  return [...fig.querySelectorAll('g.axis')].flatMap(axis => {
    const ticks = [...axis.querySelectorAll('g.tick')];
    const ys = new Set(ticks.map(t => (t.getAttribute('transform') || '').replace(/^.*,\\s*/, '')));
    const side = ys.size > 1 ? 'y' : 'x';
    return ticks.filter(t => typeof t.__data__ === 'number')
                .map(t => [chart, side, t.__data__, t.querySelector('text').textContent]);
  });
})"""


def _unlocalised_ticks(page, lang: str) -> list:  # type: ignore[no-untyped-def]
    """The numeric ticks >= 1000 not written with the language's thousands separator (none once the charts settle)."""
    sep = "\u00a0" if lang == "ru" else ","
    return [tick for tick in page.evaluate(_TICKS_JS) if abs(tick[2]) >= 1000 and sep not in tick[3]]


def test_owner_uploads_switches_language_tunes_and_saves(tmp_path: Path) -> None:
    browser_ready()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    saved = tmp_path / "tuned_client.yaml"
    with serve(NOTEBOOK, tmp_path) as (url, _proc), sync_playwright() as pw:
        context = _context(pw, tmp_path, "en-US")
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(90_000)
            page.goto(url, wait_until="domcontentloaded", timeout=120_000)
            page.wait_for_selector(".kp-tuner", timeout=180_000)
            page.wait_for_selector(".kp-chart-curve svg", state="visible")
            body = page.inner_text("body")
            assert "dashboard.tuner(" not in body and "import kpilab" not in body  # the code is hidden
            assert "Verdict:" in page.inner_text(".kp-verdict") and "no change yet" in page.inner_text(".kp-cost")
            assert "Robustness of the verdict" in page.inner_text(".kp-verdict")
            page.wait_for_timeout(500)
            assert _unlocalised_ticks(page, "en") == []  # "60,000", not "60000"
            page.screenshot(path=str(ARTIFACTS / "dashboard_en.png"), full_page=True, timeout=60_000)

            # the owner's own table: mapping first, then the workbook, through the same loader as the CLI
            with page.expect_file_chooser() as chooser:
                page.click(".kp-upload-mapping")
            chooser.value.set_files(str(ROOT / "data" / "client_export.profile.yaml"))
            page.wait_for_function("() => document.querySelector('.kp-upload-status').innerText.includes('mapping')")
            with page.expect_file_chooser() as chooser:
                page.click(".kp-upload")
            chooser.value.set_files(str(ROOT / "data" / "client_export.xlsx"))
            page.wait_for_function("() => document.querySelector('.kp-upload-status').innerText.includes('needs')")
            page.select_option(".kp-plan-pick select", label="Tiered revenue commission")
            page.wait_for_function("() => document.querySelector('.kp-team').innerText.includes('client_export.xlsx')")
            assert "6 reps" in page.inner_text(".kp-team")

            # Russian, every panel
            page.locator(".kp-lang button").nth(1).click()
            page.wait_for_function("() => document.querySelector('.kp-verdict').innerText.includes('Вердикт')")
            assert "Сколько это стоит" in page.inner_text(".kp-cost")
            assert "client_export.xlsx" in page.inner_text(".kp-team")

            # a slider moved with the keyboard: cost and verdict follow at once, the verdict's ranges after a pause
            page.wait_for_function("() => document.querySelector('.kp-verdict-box').dataset.settled === 'yes'")
            cost, verdict = page.inner_text(".kp-cost"), page.inner_text(".kp-verdict")
            checks = page.inner_text(".kp-verdict table")
            revision = page.get_attribute(".kp-verdict-box", "data-revision")
            handle = page.locator(".kp-ctl-base .noUi-handle")
            handle.focus()
            handle.press("ArrowRight")  # one step: one update (several would queue behind each other)
            cost_after = _changed(page, ".kp-cost", cost)
            page.wait_for_function("rev => document.querySelector('.kp-verdict-box').dataset.revision !== rev",
                                   arg=revision)
            assert "+" in cost_after  # a higher salary costs more than the starting plan
            page.wait_for_function("() => document.querySelector('.kp-verdict-box').dataset.settled === 'yes'")
            assert page.inner_text(".kp-verdict table") != checks  # the checks' own figures moved
            assert "Устойчивость вердикта" in page.inner_text(".kp-verdict")

            # an out-of-range typed value widens the range instead of being clipped
            box = page.locator(".kp-ctl-base-typed input")
            box.fill("2000000")
            box.press("Enter")
            page.wait_for_function(
                "() => document.querySelector('.kp-status').innerText.replace(/\\s/g, '').includes('2000000')")
            status = page.inner_text(".kp-status")
            assert "шкала расширена" in status
            page.wait_for_function("() => document.querySelector('.kp-cost-box').dataset.outOfBand === 'yes'")
            assert "вне допустимых пределов" in page.inner_text(".kp-cost")
            assert "НЕ ПРОЙДЕНО" in page.inner_text(".kp-verdict")
            assert page.inner_text(".kp-verdict") != verdict
            # the charts rescale to the new salary and keep Russian tick labels ("2 000", not "2000"): an update
            # once left bqplot's raw numbers on every y axis it moved
            page.evaluate(f"window.kpTicks = {_TICKS_JS}")
            page.wait_for_function("() => ['kp-chart-scatter', 'kp-chart-budget', 'kp-chart-groups'].every(c =>"
                                   " window.kpTicks().some(([chart, side, v]) => chart === c && side === 'y' && v >= 1000))")
            page.wait_for_timeout(500)  # bqplot redraws an axis on the next animation frame
            assert _unlocalised_ticks(page, "ru") == []

            # the starting plan and the tuned plan side by side
            page.locator(".kp-compare-start").click()
            page.wait_for_selector(".kp-compare-table", timeout=120_000)
            assert "Общий вердикт" in page.inner_text(".kp-compare-table")

            # save: the file keeps the plan's comments and gets a change log in Russian
            path_box = page.locator(".kp-save-path input")
            path_box.fill(str(saved))
            path_box.press("Tab")
            page.locator(".kp-save").click()
            page.wait_for_function(
                "() => document.querySelector('.kp-status').innerText.includes('Сохранено')")
            page.wait_for_function("() => document.querySelector('.kp-verdict-box').dataset.settled === 'yes'")
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "dashboard_ru.png"), full_page=True, timeout=60_000)
        finally:
            context.close()
    text = saved.read_text(encoding="utf-8")
    log = text.split("# ~~ ")[1]
    assert "Журнал изменений" in log
    assert "Оклад в месяц (фиксированный):" in log and "→ 2\u00a0000\u00a0000" in log
    assert "вердикт: " in log and "→ НЕ ПРОЙДЕНО; ФОТ за год: " in log  # a 2 000 000 salary fails the cost band
    assert text.startswith("#")  # the plan file's own comments survive
    for shot in ("dashboard_en.png", "dashboard_ru.png"):
        assert (ARTIFACTS / shot).stat().st_size > 20_000


def _kernels(proc) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for child in psutil.Process(proc.pid).children(recursive=True)
               if "ipykernel" in " ".join(child.cmdline()))


def test_closed_pages_leave_at_most_one_kernel(tmp_path: Path) -> None:
    browser_ready()
    from playwright.sync_api import sync_playwright

    flags = ["--MappingKernelManager.cull_idle_timeout=4", "--MappingKernelManager.cull_interval=2"]
    with serve(NOTEBOOK, tmp_path, flags) as (url, proc), sync_playwright() as pw:
        context = _context(pw, tmp_path, "en-US")
        try:
            for _ in range(5):
                page = context.new_page()
                page.goto(url, wait_until="domcontentloaded", timeout=120_000)
                page.wait_for_selector(".kp-tuner", timeout=180_000)
                page.close()
        finally:
            context.close()
        deadline = time.monotonic() + 60
        while _kernels(proc) > 1 and time.monotonic() < deadline:
            time.sleep(1)
        assert _kernels(proc) <= 1
