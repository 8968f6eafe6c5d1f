"""The comparison report as a client opens it: headless Chromium renders, screenshots and prints it.

The bundled plans on the bundled sample team, with simulated years, a cost
band and the consultant's branding, in Russian and in English. Chromium loads
the page from disk (nothing fetched), every chart must decode, nothing may
overflow the page's width, and printing to A4 (the report's print CSS) must
stay within a readable number of pages. Screenshots and PDFs go to
``artifacts/report_ru.png``, ``artifacts/report_en.png`` (and ``.pdf``).

Skips when /usr/bin/chromium (or playwright) is missing, unless REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: A4 pages the printed report may take: summary, verdict, table, winners and losers, charts, findings, method.
MAX_PAGES = 14

pytestmark = pytest.mark.browser


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_report_renders_prints_and_is_screenshot(lang: str, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        _skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("playwright is not installed")
    import matplotlib

    matplotlib.use("Agg")
    from PIL import Image

    import kpilab
    from kpilab import datasets

    logo = tmp_path / "logo.png"
    Image.new("RGB", (160, 48), (31, 78, 121)).save(logo)
    names = ("salary_only", "salary_fines", "tiered_commission", "balanced_kpi", "multi_condition")
    client = "ООО «Ромашка»" if lang == "ru" else "Romashka LLC"
    author = "А. Петрова" if lang == "ru" else "A. Petrova"
    page_path = kpilab.report([datasets.load_plan(n) for n in names], datasets.load_sample_team(),
                              tmp_path / "report", lang=lang, n_scenarios=20, seed=1, client=client,
                              author=author, date="2026-12-03", logo=logo,
                              criteria={"cost_of_sales_band": (0.03, 0.09)})
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_path.resolve().as_uri(), wait_until="load")
            assert page.locator("h1").inner_text() == kpilab.report.word("title", lang)
            assert client in page.locator(".byline").inner_text()
            broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
            assert broken == 0 and page.locator("img").count() >= 5
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # no sideways scrolling
            assert page.locator("#transition-table tbody tr").count() == 30
            assert all(u.startswith(("file:", "data:")) for u in requests)  # nothing fetched
            page.screenshot(path=str(ARTIFACTS / f"report_{lang}.png"), full_page=True)
            pdf = page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    (ARTIFACTS / f"report_{lang}.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))
    assert 3 <= pages <= MAX_PAGES, pages
    # `make artifacts` hands these over: a full-page PNG a client can look at, as wide as the viewport
    shot = Image.open(ARTIFACTS / f"report_{lang}.png")
    assert shot.format == "PNG" and shot.width == 1280 and shot.height > 3 * 900
