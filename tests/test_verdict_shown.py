"""The report, `compare` and the dashboard show each criterion's interval and robustness word (issue 11, item 4).

One hand-built team: eight reps (R1..R8) selling 10·i a month for three months, each labelled by hand;
the linear plan pays 1 000 + 10 × revenue. Every resample of reps (and of their months) ranks pay exactly
as revenue, so ρ is 1.00 with the interval 1.00 to 1.00 and "robust" (100 % of resamples pass); nobody
is out-earned by someone who sells less, so the inverted share is 0.0 % (0.0 % to 0.0 %), "robust".
The top quarter (R7, R8: pay 1 700, 1 800, median 1 750) earns 1 750 / 1 250 = 1.40 times the
minimum-doers' median (R2, R3: 1 200, 1 300), under 1.5: a fail, with an interval. Payroll over revenue
is 32.2 (3 222 %), far above the 9 % band: a fail. No rep is strong in one activity family, so the
strength criterion is "not assessed" and has no interval.
"""

from __future__ import annotations

import re
from pathlib import Path

import kpilab
from kpilab import widgets

from test_differentiation import linear_plan, team8

#: The criteria that have a figure on this team, and so an interval and a robustness word.
ASSESSED = ("rho", "top_to_minimum", "p90_target_multiple", "inversions", "cost_of_sales")


def _team():
    return team8(periods=3)


def test_compare_prints_interval_and_word_per_criterion() -> None:
    text = kpilab.compare({"lin": linear_plan()}, _team()).robustness_text("en").splitlines()
    row = {line.split("  ")[0]: line for line in text}
    assert "1.00 (1.00 to 1.00), robust, passes in 100% of resamples" in row["Pay follows output (Spearman ρ)"]
    assert "0% (0% to 0%), robust, passes in 100% of resamples" in row[
        "Pay inversions (share of comparable pairs)"]
    assert re.search(r"1\.40 \(1\.\d\d to 1\.\d\d\), (fails|borderline), passes in \d+% of resamples",
                     row["Top quarter / minimum-doers pay"])
    # an undefined figure gets no interval and no "— to —"
    assert row["Strengths paid (strong reps vs minimum-doers)"].rstrip().endswith("—, not assessed")
    assert "— to —" not in "\n".join(text) and "∞ to ∞" not in "\n".join(text)
    # the overall row does not say "FAIL, fails"
    assert row["overall"].split(None, 1)[1].strip() == "FAIL, passes in 0% of resamples"
    ru = kpilab.compare({"lin": linear_plan()}, _team()).robustness_text("ru")
    assert "1,00 (от 1,00 до 1,00), устойчиво, проходит в 100 % повторных выборок" in ru.replace("\u00a0", " ")


def test_report_shows_interval_and_word_per_criterion(tmp_path: Path) -> None:
    html = kpilab.report({"lin": linear_plan()}, _team(), tmp_path / "r", lang="en").read_text(encoding="utf-8")
    table = html[html.index('id="verdict-table"'):html.index("</table>", html.index('id="verdict-table"'))]
    rows = dict(re.findall(r'<tr data-criterion="([a-z_0-9]+)">(.*?)</tr>', table, re.S))
    for criterion in ASSESSED:
        assert 'class="cell-value interval"' in rows[criterion], criterion
        assert re.search(r'class="cell-value robustness">(robust|borderline|fails)<', rows[criterion]), criterion
    assert ">1.00 – 1.00<" in rows["rho"] and ">robust<" in rows["rho"]
    assert "interval" not in rows["strength_coverage"]


def test_dashboard_shows_interval_and_word_per_criterion() -> None:
    t = widgets.tuner(linear_plan(), _team())
    t.settle()
    t._render_text()
    ranges = re.findall(r'<div class="kp-range"[^>]*>([^<]*)</div>', t.verdict_html.value)
    assert len(ranges) == len(ASSESSED)
    assert all(re.search(r"90% range: .+ to .+; (robust|borderline|fails) \(passes in \d+% of resamples\)", r)
               for r in ranges), ranges
    assert "90% range: 1.00 to 1.00; robust (passes in 100% of resamples)" in ranges
