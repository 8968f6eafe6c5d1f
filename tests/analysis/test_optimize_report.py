"""The comparison report's search section (kpilab/report/optimize_section.py, templates/optimize.html.j2)."""

from __future__ import annotations

import re

import pytest

import kpilab
from kpilab import datasets
from kpilab.errors import KpilabError
from kpilab.report import build_report
from kpilab.report.html import render_html

FREE = {"target_bonus": [40000, 90000]}


@pytest.fixture(scope="module")
def team():
    return kpilab.make_team(16, 6, seed=4)


def _section(page: str) -> str:
    start = page.index('<section id="optimize">')
    return page[start:page.index("</section>", start)]


def test_the_section_shows_the_plan_found_its_changes_conditions_and_chart(team) -> None:
    plans = {"balanced_kpi": datasets.load_plan("balanced_kpi"), "salary_only": datasets.load_plan("salary_only")}
    report = build_report(plans, team, lang="ru", criteria={"top_to_minimum_min": 1.2, "p90_target_multiple_min": 1.0,
                                                            "cost_of_sales_band": None},
                          optimize={"plan": "balanced_kpi", "free": FREE, "budget": 30, "seed": 2})
    page = render_html(report)
    section = _section(page)
    assert page.index('<section id="optimize">') < page.index('<section id="method">')
    assert "Более дешёвый план: что нашёл поиск" in section
    assert 'id="chart-pareto"' in section and 'src="data:image/png;base64,' in section
    rows = re.findall(r'data-condition="([a-z_0-9]+)"', section)
    assert rows[:4] == ["rho", "top_to_minimum", "p90_target_multiple", "inversions"] and "monotone" in rows
    assert "Целевой бонус: 45\u00a0000\u00a0₽ → " in section  # the change in plain words
    text = re.sub(r"<[^>]+>|src=\"[^\"]+\"", " ", section)
    assert not re.search(r"[A-Za-z]{3,}", text.replace("KPI", "")), text  # no English word, no code id


def test_the_section_needs_free_numbers_and_a_compared_plan(team) -> None:
    plans = {"balanced_kpi": datasets.load_plan("balanced_kpi")}
    with pytest.raises(KpilabError, match="needs 'free'"):
        build_report(plans, team, optimize={"budget": 10})
    with pytest.raises(KpilabError, match="not one of the plans compared"):
        build_report(plans, team, optimize={"plan": "tiered", "free": FREE})
    assert build_report(plans, team).sections == ()
