"""The comparison report's "predicted behaviour" section (issue 15, item 5): on request, RU and EN."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import kpilab
from html import unescape as html_unescape

from kpilab.i18n.format import fmt_money
from kpilab.report import build_report, render_html

BALANCED = kpilab.load_plan("data/plans/balanced_kpi.yaml")
TIERED = kpilab.load_plan("data/plans/tiered_commission.yaml")


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    return kpilab.make_team(10, 6, seed=4)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_section_states_figures_ranges_and_assumptions(team: pd.DataFrame, lang: str) -> None:
    report = build_report({"balanced": BALANCED, "tiered": TIERED}, team, lang=lang, predict=True)
    html = render_html(report)
    section = html[html.index('<section id="behaviour">'):]
    section = section[:section.index("</section>")]
    p = report.behaviour["predictions"]["tiered"]
    words = {"en": ("Predicted behaviour", "This is a model, not a forecast", "What reps would do"),
             "ru": ("Прогноз поведения", "Это модель, а не прогноз", "Что менеджеры стали бы делать")}[lang]
    for word in words:
        assert word in section
    # the revenue row: as now, predicted, the range, as the prediction's own numbers say
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", section)
    assert len(rows) == 6
    revenue = dict(rows)[{"en": "Revenue", "ru": "Выручка"}[lang]]
    cells = re.findall(r'<td class="num">(.*?)</td>', revenue)
    assert len(cells) == 4 and " – " in cells[2]
    money = [fmt_money(p.team.loc["revenue", k], lang) for k in ("baseline", "predicted", "low", "high")]
    assert [html_unescape(c) for c in cells[:3]] == [money[0], money[1], f"{money[2]} – {money[3]}"]
    assert "{" not in section and "response." not in section


def test_the_section_is_off_unless_asked(team: pd.DataFrame) -> None:
    report = build_report({"balanced": BALANCED, "tiered": TIERED}, team)
    assert report.behaviour is None
    assert 'id="behaviour"' not in render_html(report)


def test_compare_predict_writes_the_section(team: pd.DataFrame, tmp_path) -> None:
    from kpilab.cli.app import main

    path = tmp_path / "team.csv"
    team.to_csv(path, index=False)
    code = main(["compare", "data/plans/tiered_commission.yaml", "--baseline", "data/plans/balanced_kpi.yaml",
                 "--team", str(path), "--report", str(tmp_path / "out"), "--predict", "--lang", "ru", "-q"])
    assert code == 0
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert 'id="behaviour"' in html and "Это модель, а не прогноз" in html
