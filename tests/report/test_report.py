"""The comparison report: numbers in the HTML are the comparison's, the XLSX adds up, user text is escaped.

Built in-process on a small synthetic team (12 reps x 6 months, 5 simulated
years) so the whole module runs in a few seconds. The backend is set here,
before pyplot is imported: the library never touches matplotlib's global state.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kpilab import KpilabError, datasets, make_team  # noqa: E402
from kpilab import report as rp  # noqa: E402
from kpilab.i18n import fmt_money  # noqa: E402
from kpilab.plan import Plan  # noqa: E402

EVIL_REP = "<script>alert(1)</script>"
EVIL_PLAN = "KPI <b>bold</b> & co"


def _team() -> pd.DataFrame:
    team = make_team(12, periods=6, seed=11)
    return team.assign(rep_id=team["rep_id"].replace({"R01": EVIL_REP}))


def _plans() -> dict[str, Plan]:
    balanced = datasets.load_plan("balanced_kpi")
    evil = Plan.from_dict({**balanced.to_dict(), "name": EVIL_PLAN})
    return {EVIL_PLAN: evil, "Tiered": datasets.load_plan("tiered_commission"),
            "Salary only": datasets.load_plan("salary_only")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[rp.ComparisonReport, Path]:
    report = rp.build_report(_plans(), _team(), n_scenarios=5, seed=3, lang="en",
                             criteria={"cost_of_sales_band": (0.03, 0.09)}, source="/some/where/team.csv")
    out = tmp_path_factory.mktemp("rep") / "report"
    path = rp.write_report(report, out)
    return report, path


class _Cells(HTMLParser):
    """Collects <td> cells of rows with a data-metric attribute, and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[tuple[str, str]]] = {}
        self.plans: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._metric: str | None = None
        self._cell: dict[str, str | None] | None = None
        self._text = ""
        self._in_comparison = False
        self._th_plan: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "table":
            self._in_comparison = a.get("id") == "comparison-table"
        if tag == "th" and self._in_comparison and a.get("data-plan") is not None:
            self.plans.append(str(a["data-plan"]))
        if tag == "tr" and self._in_comparison:
            self._metric = a.get("data-metric")
            if self._metric:
                self.rows[self._metric] = []
        if tag == "td" and self._metric and "num" in (a.get("class") or ""):
            self._cell, self._text = a, ""

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._metric:
            self.rows[self._metric].append((str(self._cell.get("data-value")), self._text))
            self._cell = None
        if tag == "tr":
            self._metric = None
        if tag == "table":
            self._in_comparison = False


def _parse(html_text: str) -> _Cells:
    parser = _Cells()
    parser.feed(html_text)
    return parser


# --------------------------------------------------------------------------- HTML

def test_html_holds_every_number_of_the_comparison_table_formatted(built) -> None:
    report, path = built
    cells = _parse(path.read_text(encoding="utf-8"))
    table = report.comparison.table
    assert cells.plans == list(report.names)
    shown = set(cells.rows)
    # every metric is shown, except 'output' (the revenue row again when the measure is revenue) and the
    # analysts' rows a client table leaves to the workbook (the p-value)
    assert shown == set(table.index) - {"output"} - set(rp.build.CLIENT_HIDDEN)
    assert report.measure == "revenue"
    for metric, row in cells.rows.items():
        assert len(row) == len(report.names)
        for (raw, text), name in zip(row, report.names):
            value = float(table.loc[metric, name])
            if np.isnan(value):
                assert raw == "" and text == "—"
                continue
            assert float(raw) == value  # the exact number behind the cell
            assert text == report.cell(metric, name)
            if metric not in ("max_gain", "max_loss") and name != report.baseline:
                assert text == rp.format_value(value, rp.metric_kind(metric), "en", "RUB")


def test_html_numbers_read_like_money_and_shares(built) -> None:
    report, path = built
    cells = _parse(path.read_text(encoding="utf-8"))
    payroll = cells.rows["payroll"][0][1]
    assert re.fullmatch(r"\d{1,3}(,\d{3})+\u00a0₽", payroll), payroll
    value = float(report.comparison.table.loc["payroll", EVIL_PLAN])
    assert int(payroll.replace(",", "").replace("\u00a0₽", "")) == round(value)
    share = cells.rows["variable_share"][0][1]
    assert re.fullmatch(r"\d+\.\d%", share)
    assert float(share[:-1]) == pytest.approx(100 * float(report.comparison.table.loc["variable_share", EVIL_PLAN]),
                                              abs=0.05)


def test_user_text_is_escaped_never_raw(built) -> None:
    _report, path = built
    text = path.read_text(encoding="utf-8")
    assert EVIL_REP not in text and "<script" not in text.lower()
    assert "<b>bold</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the rep is listed, as text
    assert "KPI &lt;b&gt;bold&lt;/b&gt; &amp; co" in text
    # the one absolute path the user gave is reduced to its file name
    assert "/some/where" not in text and "team.csv" in text


def test_html_is_self_contained_with_embedded_png_charts(built) -> None:
    report, path = built
    text = path.read_text(encoding="utf-8")
    cells = _parse(text)
    assert not [t for t, a in cells.tags if t in ("link", "script", "iframe", "object")]
    images = [a for t, a in cells.tags if t == "img"]
    assert images and all(str(a["src"]).startswith("data:image/png;base64,") for a in images)
    assert "http://" not in text and "https://" not in text.replace("https://www.", "")  # no fetches
    assert "url(" not in text
    stems = {p.stem for p in (path.parent / "charts").iterdir()}
    assert {p.suffix for p in (path.parent / "charts").iterdir()} == {".png", ".svg"}
    for stem in stems:  # every chart as PNG and SVG, and each one shown in the report
        assert (path.parent / "charts" / f"{stem}.png").stat().st_size > 1000
        assert (path.parent / "charts" / f"{stem}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
        assert f'id="chart-{stem}"' in text
    assert len(images) == len(stems)
    assert "budget_fan" in stems  # scenarios were asked for


def test_summary_recommends_and_states_its_score_and_payroll(built) -> None:
    report, path = built
    text = path.read_text(encoding="utf-8")
    n, m = report.score(report.recommended)
    payroll = fmt_money(float(report.comparison.table.loc["payroll", report.recommended]) / 6, "en", "RUB")
    line = f"Recommended: {report.recommended} — meets {n} of {m} criteria, payroll {payroll} a month"
    assert report.summary_line() == line
    assert m == len(report.criteria) == 6  # the score counts every criterion the verdict table shows
    import html

    assert html.escape(line) in text
    statuses = report.comparison.verdict.drop(index="overall")
    best = max((statuses[c] == "pass").sum() for c in statuses.columns)
    statuses = [report.status(report.recommended, c) for c in report.criteria]
    assert ("could not be assessed on this data" in text) == ("not_assessed" in statuses)
    assert ("shown for information only" in text) == ("info" in statuses)
    assert n == best


def test_verdict_badges_match_the_comparison_verdict(built) -> None:
    report, path = built
    text = path.read_text(encoding="utf-8")
    verdict_html = text[text.index('id="verdict-table"'):]
    verdict_html = verdict_html[:verdict_html.index("</table>")]
    found = re.findall(r'data-status="([^"]+)"><span class="badge (\w+)">', verdict_html)
    expected = [str(report.comparison.verdict.loc[c, n]) for c in report.criteria for n in report.names]
    assert [s for s, _ in found] == expected
    assert {b for s, b in found if s == "pass"} <= {"pass"} and {b for s, b in found if s == "fail"} <= {"fail"}


def test_method_section_names_the_sources_of_the_thresholds(built) -> None:
    _report, path = built
    text = path.read_text(encoding="utf-8")
    method = text[text.index('id="method"'):]
    for needle in ("SalesGlobe", "ZS", "144-FZ", "bootstrap", "3.0% – 9.0%", "≥ 0.80", "≥ 2.00"):
        assert needle in method, needle


def test_russian_report_uses_russian_words_and_number_format(tmp_path: Path) -> None:
    team = make_team(8, periods=4, seed=5)
    report = rp.build_report({"A": datasets.load_plan("tiered_commission")}, team, lang="ru")
    text = rp.render_html(report, {})
    assert "Рекомендуем схему «Ступенчатый процент с выручки»: выполнено критериев" in text  # the plan file's own name
    assert "Методика и источники" in text
    payroll = float(report.comparison.table.loc["payroll", "A"])
    assert fmt_money(payroll, "ru", "RUB") in text
    assert "\u00a0" in fmt_money(payroll, "ru", "RUB")  # 1 234 567 ₽ with no-break spaces


# --------------------------------------------------------------------------- XLSX

def _sheet_frame(ws) -> pd.DataFrame:
    rows = list(ws.iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_xlsx_plan_sheets_are_the_rounded_payouts_to_the_kopeck(built) -> None:
    report, path = built
    wb = openpyxl.load_workbook(path.parent / "payouts.xlsx")
    names = rp.sheet_names(report.titles, taken=[rp.word(k, "en") for k in rp.xlsx.FIXED_SHEETS])
    for name, sheet in zip(report.names, names):
        frame = _sheet_frame(wb[sheet])
        csv = pd.read_csv(io.StringIO(report.payouts[name].to_csv()), dtype={"rep_id": str, "period": str})
        assert list(frame.columns) == [report.part_title(name, c) for c in csv.columns]
        frame.columns = list(csv.columns)
        assert len(frame) == len(csv) == len(report.team)
        for col in ("base", "variable", "total"):
            kopecks_xlsx = np.rint(frame[col].astype(float).to_numpy() * 100)
            kopecks_csv = np.rint(csv[col].to_numpy(dtype=float) * 100)
            assert np.array_equal(kopecks_xlsx, kopecks_csv), col
        assert round(frame["total"].astype(float).sum(), 2) == round(float(csv["total"].sum()), 2)
        assert list(frame["rep_id"].astype(str)) == list(csv["rep_id"].astype(str))
        ws = wb[sheet]
        total_col = list(csv.columns).index("total") + 1
        assert ws.cell(row=2, column=total_col).number_format == "#,##0.00"


def test_xlsx_summary_is_the_comparison_table_with_real_number_formats(built) -> None:
    report, path = built
    wb = openpyxl.load_workbook(path.parent / "payouts.xlsx")
    ws = wb["Summary"]
    header = [c.value for c in ws[1]]
    assert header[1:1 + len(report.names)] == list(report.titles)
    keys = list(report.comparison.table.index)  # every metric, in the table's order, under its label
    rows = list(ws.iter_rows(min_row=2))
    assert [r[0].value for r in rows] == [rp.row_label(k, "en") for k in keys]
    seen = set()
    for key, row in zip(keys, rows):
        seen.add(key)
        for cell, name in zip(row[1:1 + len(report.names)], report.names):
            value = float(report.comparison.table.loc[key, name])
            if np.isnan(value) or np.isinf(value):
                assert cell.value is None
            else:
                assert cell.value == pytest.approx(value)
            assert cell.number_format == rp.XLSX_FORMATS[rp.metric_kind(key)]
    assert seen == set(report.comparison.table.index)
    fmt = {key: row[1].number_format for key, row in zip(keys, rows)}
    assert fmt["payroll"] == "#,##0.00" and fmt["variable_share"] == "0.0%" and fmt["cost_of_sales"] == "0.0%"


def test_xlsx_statements_add_up_to_each_reps_total(built) -> None:
    report, path = built
    wb = openpyxl.load_workbook(path.parent / "payouts.xlsx")
    rows = list(wb["Statements"].iter_rows(values_only=True))
    assert report.title(report.recommended) in str(rows[0][0])
    frame = pd.DataFrame(rows[2:], columns=rows[1])
    table = report.payouts[report.recommended].rounded()
    last = table[table["period"] == report.statement_period].set_index("rep_id")
    assert set(frame["Rep"]) == set(last.index)
    totals = frame[frame["Pay part"] == "Total pay"].set_index("Rep")["Amount"]
    parts = frame[frame["Pay part"] != "Total pay"].groupby("Rep")["Amount"].sum()
    assert len(totals) == len(last)
    for rep, total in totals.items():
        assert total == float(last.loc[rep, "total"])  # the rounded total, to the kopeck
        assert round(parts[rep], 2) == total  # and the lines add up to it


def test_xlsx_sheet_names_are_valid_and_unique(built) -> None:
    _report, path = built
    wb = openpyxl.load_workbook(path.parent / "payouts.xlsx")
    names = wb.sheetnames
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)


def test_sheet_names_clean_truncate_and_deduplicate() -> None:
    names = rp.sheet_names(["a/b:c*d?e[f]g\\h", "x" * 40, "x" * 40, "Summary", "'quoted'", ""], taken=["summary"])
    assert names[0] == "abcdefgh"
    assert names[1] == "x" * 30 + "…" and len(names[2]) <= 31 and names[2] != names[1] and names[2].endswith("(2)")
    assert names[3].lower() != "summary" and names[3].startswith("Summary")
    assert names[4] == "quoted" and names[5] == "Sheet"


# --------------------------------------------------------------------------- helpers and safety

def test_bootstrap_years_draws_whole_real_months() -> None:
    team = make_team(5, periods=4, seed=2)
    years = rp.bootstrap_years(team, 30, seed=9)
    assert list(years.columns) == ["scenario", *team.columns]
    assert len(years) == 30 * len(team)
    assert not years.duplicated(["scenario", "rep_id", "period"]).any()
    real = team.set_index(["rep_id", "period"])
    for (s, slot), block in years.groupby(["scenario", "period"]):
        # the block is one real month of the whole department, relabelled as this slot
        months = {p for p in team["period"] if np.array_equal(
            real.xs(p, level="period")["revenue"].to_numpy(), block["revenue"].to_numpy())}
        assert months, (s, slot)
    assert rp.bootstrap_years(team, 30, seed=9).equals(years)  # seeded
    assert not rp.bootstrap_years(team, 30, seed=10).equals(years)
    with pytest.raises(KpilabError):
        rp.bootstrap_years(team, 0)
    with pytest.raises(KpilabError):
        rp.bootstrap_years(years, 2)


def test_recommend_most_passes_then_lower_payroll() -> None:
    verdict = pd.DataFrame({"A": ["pass", "fail", "fail"], "B": ["fail", "pass", "fail"], "C": ["fail", "fail", "pass"]},
                           index=["rho", "inversions", "overall"])  # 'overall' is not a criterion
    assert rp.recommend(verdict, {"A": 10.0, "B": 20.0, "C": 1.0}) == "A"
    assert rp.recommend(verdict, {"A": 30.0, "B": 20.0, "C": 1.0}) == "B"


def test_format_value_kinds() -> None:
    assert rp.format_value(1234567.4, "money") == "1,234,567\u00a0₽"
    assert rp.format_value(-5, "money") == "−5\u00a0₽"
    assert rp.format_value(0.1234, "share") == "12.3%"
    assert rp.format_value(0.1234, "share", "ru") == "12,3\u00a0%"
    assert rp.format_value(2.0, "ratio") == "2.00"
    assert rp.format_value(float("nan"), "ratio") == "—"
    assert rp.format_value(1e-9, "pvalue") == "< 0.001"


def test_a_failed_write_leaves_nothing_and_keeps_the_old_report(built, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    report, _path = built
    target = tmp_path / "out"

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rp.xlsx, "write_xlsx", boom)
    with pytest.raises(RuntimeError):
        rp.write_report(report, target)
    assert list(tmp_path.iterdir()) == []  # no folder, no temporary left behind
    target.mkdir()
    (target / "report.html").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        rp.write_report(report, target)
    assert (target / "report.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_report_folder_checks(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(KpilabError, match="is a file"):
        rp.check_report_dir(tmp_path / "file")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "thesis.docx").write_text("x", encoding="utf-8")
    with pytest.raises(KpilabError, match="not empty"):
        rp.check_report_dir(tmp_path / "busy")
    (tmp_path / "empty").mkdir()
    assert rp.check_report_dir(tmp_path / "empty") == tmp_path / "empty"


def test_build_report_refuses_an_unknown_baseline_and_language() -> None:
    team = make_team(4, periods=2, seed=1)
    with pytest.raises(KpilabError, match="baseline"):
        rp.build_report({"A": datasets.load_plan("salary_only")}, team, baseline="B")
    with pytest.raises(ValueError, match="language"):
        rp.build_report({"A": datasets.load_plan("salary_only")}, team, lang="de")


def test_a_change_nobody_suffers_reads_nobody_not_a_positive_loss() -> None:
    """Salary 80 000 -> 90 000: every rep gains 10 000, so the largest loss is 'nobody', not '+10 000'."""
    team = make_team(6, periods=2, seed=3)
    low = Plan.from_dict({"name": "Low", "base": 80_000})
    high = Plan.from_dict({"name": "High", "base": 90_000})
    report = rp.build_report([low, high], team, lang="en")
    assert float(report.comparison.table.loc["max_loss", "High"]) == pytest.approx(10_000)
    assert report.cell("max_loss", "High") == "nobody" and report.cell("max_gain", "High") == "10,000\u00a0₽"
    assert report.cell("max_loss", "Low") == "—"  # the baseline against itself
    # both plans meet the same criteria, so the lower payroll is recommended: the baseline itself
    assert report.recommended == "Low" and report.transition.counts == {"gains": 0, "loses": 0, "same": 6}
    assert report.transition_text() == "The recommended plan is the baseline itself; nobody's pay changes."
    page = rp.render_html(report, {})
    assert ">nobody<" in page and 'id="transition-table"' not in page


def test_templates_and_styles_ship_with_the_package() -> None:
    """The page needs its template and CSS at run time: they sit inside kpilab/ (hatch puts every file of the
    package in the wheel), and the wheel target names the package without excluding them."""
    import tomllib

    from kpilab.report.html import TEMPLATES

    assert (TEMPLATES / "report.html.j2").is_file() and (TEMPLATES / "report.css").is_file()
    root = Path(__file__).resolve().parents[2]
    assert TEMPLATES.resolve().is_relative_to(root / "kpilab")
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert "kpilab" in wheel["packages"] and not wheel.get("exclude")
    assert not config["tool"]["hatch"]["build"].get("exclude") if "build" in config["tool"]["hatch"] else True
