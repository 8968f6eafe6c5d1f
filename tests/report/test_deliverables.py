"""What a consultant hands over: the one-call branded report, winners and losers, the slides, the CLI options.

One small Russian build (10 reps x 4 months, no simulated years) is shared by
the module so it runs in seconds; the CLI test runs the real command once.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import openpyxl  # noqa: E402
import pytest  # noqa: E402

import kpilab  # noqa: E402
from kpilab import KpilabError, datasets, make_team  # noqa: E402
from kpilab import report as rp  # noqa: E402
from kpilab.i18n import fmt_money, fmt_percent  # noqa: E402

CLIENT = "ООО «Ромашка» <script>alert(1)</script>"
PLANS = ("salary_only", "tiered_commission", "balanced_kpi")


def _png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (60, 20), (31, 78, 121)).save(path)
    return path


@pytest.fixture(scope="module")
def delivered(tmp_path_factory: pytest.TempPathFactory) -> tuple[rp.ComparisonReport, Path, Path]:
    folder = tmp_path_factory.mktemp("one_call")
    team = make_team(10, periods=4, seed=21)
    plans = {name: datasets.load_plan(name) for name in PLANS}
    slides = folder / "deck.pptx"
    path = kpilab.report(plans, team, folder / "report", lang="ru", client=CLIENT, author="А. Петрова",
                         date="2026-12-03", logo=_png(folder / "logo.png"), slides=slides,
                         criteria={"cost_of_sales_band": (0.03, 0.09)})
    built = rp.build_report(plans, team, lang="ru", client=CLIENT, author="А. Петрова", date="2026-12-03",
                            criteria={"cost_of_sales_band": (0.03, 0.09)})
    return built, path, slides


def test_one_call_report_returns_the_page_and_brands_it(delivered) -> None:
    _built, path, slides = delivered
    assert path.name == "report.html" and path.is_file() and slides.is_file()
    assert {p.name for p in path.parent.iterdir() if not p.name.startswith(".")} == {"report.html", "payouts.xlsx",
                                                                                     "charts"}
    text = path.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in text
    assert html.escape(CLIENT) in text  # the client's name is shown, as text
    assert "Автор: А. Петрова" in text and "Дата: 3 декабря 2026 г." in text.replace("\u00a0", " ").replace("\u202f", " ")
    logo = re.search(r'<img class="logo" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert logo is not None  # embedded, nothing fetched


def test_a_logo_that_is_not_an_image_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    fake = tmp_path / "logo.png"
    fake.write_text('<svg onload="alert(1)"/>', encoding="utf-8")
    team = make_team(4, periods=2, seed=1)
    with pytest.raises(KpilabError, match="logo.png: the logo must be a PNG, JPEG or GIF"):
        kpilab.report({"A": datasets.load_plan("salary_only")}, team, tmp_path / "out", logo=fake)
    with pytest.raises(KpilabError, match="YYYY-MM-DD"):
        kpilab.report({"A": datasets.load_plan("salary_only")}, team, tmp_path / "out", date="3 Dec")
    assert not (tmp_path / "out").exists()


class _Rows(HTMLParser):
    """The rows of one table: data-rep -> [(data-value, text)] of its numeric cells, plus the last cell's text."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.id, self.inside, self.rows = table_id, False, {}
        self._rep: str | None = None
        self._cell: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "table":
            self.inside = a.get("id") == self.id
        if self.inside and tag == "tr" and a.get("data-rep"):
            self._rep = a["data-rep"]
            self.rows[self._rep] = []
        if self.inside and tag == "td" and self._rep:
            self._cell = {"raw": a.get("data-value"), "text": ""}

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._rep:
            self.rows[self._rep].append((self._cell["raw"], self._cell["text"]))
            self._cell = None
        if tag == "table":
            self.inside = False


def test_winners_and_losers_in_the_page_and_the_workbook_are_the_transitions_numbers(delivered) -> None:
    built, path, _slides = delivered
    moves = built.transition
    assert built.recommended != built.baseline == "salary_only"
    parser = _Rows("transition-table")
    parser.feed(path.read_text(encoding="utf-8"))
    table = moves.table.set_index("rep_id")
    assert list(parser.rows) == list(table.index)
    for rep, cells in parser.rows.items():
        row = table.loc[rep]
        assert [float(raw) for raw, _ in cells[1:5]] == [row.before, row.after, row.change, row.change_pct]
        sign = "+" if row.change > 0.005 else ""  # a gain is signed, like a loss's minus
        assert cells[3][1] == sign + fmt_money(row.change, "ru")
        assert cells[4][1] == sign + fmt_percent(row.change_pct, "ru", 1)
        assert cells[5][1] == {"gains": "выигрывает", "loses": "теряет", "same": "без изменений"}[row.status]
    wb = openpyxl.load_workbook(path.parent / "payouts.xlsx")
    rows = list(wb["Выигрыш и потери"].iter_rows(values_only=True))
    header = rows.index(tuple(built.transition_header() + ["Стоимость гарантии"]))
    body = rows[header + 1:]
    assert [r[0] for r in body] == list(table.index)
    for r in body:
        assert r[3] == pytest.approx(table.loc[r[0], "change"]) and r[6] == pytest.approx(table.loc[r[0], "guarantee"])
    assert sum(r[6] for r in body) == pytest.approx(moves.guarantee_cost)
    assert any(fmt_money(moves.guarantee_cost, "ru") in str(r[0]) for r in rows[:header])


def _tables(slide) -> list:
    return [shape.table for shape in slide.shapes if shape.has_table]


def test_slides_hold_native_tables_with_the_reports_numbers(delivered) -> None:
    from pptx import Presentation

    built, _path, slides = delivered
    deck = Presentation(str(slides))
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles[0] == "Сравнение схем оплаты труда отдела продаж"
    assert titles[1] == "Рекомендация" and titles[2] == "Критерии по схемам" and titles[-1] == "Кто выигрывает и кто теряет"
    assert CLIENT in deck.slides[0].placeholders[1].text  # text in a deck is never markup
    # recommendation: the headline and the key figures as a native table
    reco = deck.slides[1]
    assert built.summary_line() in "\n".join(s.text_frame.text for s in reco.shapes if s.has_text_frame)
    (figures,) = _tables(reco)
    header = [figures.cell(0, c).text for c in range(len(figures.columns))]
    assert header == ["Показатель", *built.titles]
    payroll = next(r for r in range(1, len(figures.rows)) if figures.cell(r, 0).text == "ФОТ за период")
    assert [figures.cell(payroll, c + 1).text for c in range(len(built.names))] == \
        [built.cell("payroll", n) for n in built.names]
    # verdict: one row per criterion, the status word first in every plan's cell
    (verdict,) = _tables(deck.slides[2])
    assert len(verdict.rows) == len(built.criteria) + 1
    for r, criterion in enumerate(built.criteria, start=1):
        for c, name in enumerate(built.names):
            assert verdict.cell(r, c + 2).text.startswith(built.status_word(built.status(name, criterion)))
    # charts as pictures, one a slide
    pictures = [s for s in deck.slides if any(sh.shape_type == 13 for sh in s.shapes)]
    assert len(pictures) == 3  # verdict metrics, pay distribution, pay against output (no simulated years)
    # winners and losers: the biggest losses first, the figures as in the report
    (moves,) = _tables(deck.slides[-1])
    rows = [[moves.cell(r, c).text for c in range(6)] for r in range(1, len(moves.rows))]
    losers = built.transition.losers
    assert [r[0] for r in rows[:len(losers)]] == list(losers["rep_id"])
    expected = {row[0]: row for row in built.transition_rows()}
    assert all(r == expected[r[0]] for r in rows)


def test_compare_command_brands_the_report_writes_slides_and_prints_winners_and_losers(tmp_path: Path) -> None:
    team = tmp_path / "team.csv"
    make_team(8, periods=3, seed=5).to_csv(team, index=False)
    logo = _png(tmp_path / "logo.png")
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8"}
    args = [sys.executable, "-m", "kpilab", "compare", "salary_only", "balanced_kpi", "--team", str(team),
            "--report", "out", "--lang", "ru", "-q", "--client", "ООО «Ромашка»", "--author", "А. Петрова",
            "--date", "2026-12-03", "--logo", str(logo), "--slides", "deck.pptx", "--guarantee-months", "6"]
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "Гарантия на переходный период (6 месяцев" in done.stdout or "Ни в одном месяце" in done.stdout
    assert "Выигрывают:" in done.stdout
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Подготовлено для: ООО «Ромашка»" in page and "data:image/png;base64," in page
    assert (tmp_path / "deck.pptx").stat().st_size > 10_000
    # a bad slides name is refused before any work, and nothing is written
    again = subprocess.run([*args[:args.index("--slides")], "--slides", "deck.ppt"], cwd=tmp_path / "out",
                           capture_output=True, text=True, timeout=300, env=env)
    assert again.returncode == 2 and "pptx" in again.stderr
    assert not (tmp_path / "out" / "out").exists()
