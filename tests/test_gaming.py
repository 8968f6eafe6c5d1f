"""Gaming checks and the lint findings they raise, on small hand-built teams (arithmetic in each docstring)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab.analysis import differentiation, lint
from kpilab.analysis.gaming import padding_gains, skipped_activity, timing_gains, windfall_months
from kpilab.plan import Plan

GATED = Plan.from_dict({"name": "gated", "base": 50000, "target_bonus": 50000, "targets": {"revenue": 1_000_000},
                        "components": [{"name": "rev", "kind": "bonus", "metric": "revenue", "basis": "value",
                                        "share": 1, "curve": {"steps": [[800000, 1]]}}]})
LINEAR = Plan.from_dict({"name": "linear", "base": 50000, "target_bonus": 50000, "targets": {"revenue": 1_000_000},
                         "components": [{"name": "rev", "kind": "bonus", "metric": "revenue", "share": 1,
                                         "curve": {"points": [[0, 0], [1, 1]], "extend": True}}]})


def test_timing_gain_of_a_monthly_gate_in_roubles() -> None:
    """The bonus pays 50 000 in a month with revenue >= 800 000.

    Rep A sells 700 000 then 1 000 000: pay 50 000 + 100 000 = 150 000. Moving
    100 000 (10 % of February, within the 30 % allowed) into January puts both
    months at or above 800 000: pay 200 000, a gain of 50 000 (1/3 of 150 000).
    Rep B sells 1 000 000 twice: both months already pay, nothing to gain.
    """
    team = pd.DataFrame({"rep_id": ["A", "A", "B", "B"], "period": ["2026-01", "2026-02"] * 2,
                         "revenue": [700_000.0, 1_000_000, 1_000_000, 1_000_000]})
    tg = timing_gains(GATED, team).set_index("rep_id")
    assert tg.loc["A", "pay"] == pytest.approx(150_000)
    assert tg.loc["A", "gain"] == pytest.approx(50_000)
    assert tg.loc["A", "gain_share"] == pytest.approx(1 / 3)
    assert 100_000 - 1e-6 <= tg.loc["A", "moved"] <= 300_000
    assert tg.loc["B", "gain"] == 0
    found = [f for f in lint(GATED, team).findings if f.kind == "timing"]
    assert len(found) == 1 and found[0].value == pytest.approx(50_000) and found[0].severity == "warning"
    assert "50,000" in found[0].message and "A" in found[0].message
    ru = [f for f in lint(GATED, team, lang="ru").findings if f.kind == "timing"][0]
    assert "50\u00a0000\u00a0₽" in ru.message


def test_padding_buys_a_gate_with_cheap_extra_calls() -> None:
    """The revenue bonus (50 000 × attainment) is paid only with at least 800 calls in the month.

    A sells at plan (1 M) with 760 calls: 0 bonus. Padding may add up to 10 % of the calls plan
    (80 calls); the cheapest extra that pays is 800 − 760 = 40 calls, which open the gate: 50 000 more,
    1 250 per call. B already makes 900 calls: extra calls buy nothing. Lint names A, the 40 calls,
    the 50 000 and the 1 250 per call; a gain over 10 % of the target bonus is a warning.
    """
    plan = Plan.from_dict({"name": "calls gate", "base": 50000, "target_bonus": 50000,
                           "targets": {"revenue": 1_000_000, "calls": 800},
                           "components": [{"name": "rev", "kind": "bonus", "metric": "revenue", "share": 1,
                                           "curve": {"points": [[0, 0], [1, 1]], "extend": True}}],
                           "gates": [{"applies_to": ["rev"], "when": {"metric": "calls", "at_least": 800}}]})
    team = pd.DataFrame({"rep_id": ["A", "B"], "period": "2026-01", "revenue": [1e6, 1e6], "calls": [760.0, 900.0]})
    pg = padding_gains(plan, team).set_index("rep_id")
    assert (pg.loc["A", "units"], pg.loc["A", "gain"], pg.loc["A", "per_unit"]) == (40.0, 50_000.0, 1_250.0)
    assert (pg.loc["B", "units"], pg.loc["B", "gain"]) == (0.0, 0.0)
    found = [f for f in lint(plan, team).findings if f.kind == "padding"]
    assert len(found) == 1 and found[0].value == pytest.approx(50_000) and found[0].severity == "warning"
    assert "another 40 calls" in found[0].message and "A 50,000\u00a0₽" in found[0].message
    assert "1,250\u00a0₽ per call" in found[0].message


def test_windfall_flagged_with_roubles_and_kept_out_of_ranks() -> None:
    """W sells 1 M, 1 M, 1 M and then 12 M (one freak deal); X and Y sell 1 M every month.

    12 M is over 3 x W's median month (1 M) and over the team's P90 month (1 M):
    a windfall. Under the linear plan (50 000 per million) that month pays
    50 000 + 600 000 = 650 000 against W's median month of 100 000: 550 000 above it.
    Without the windfall month W's output and pay are X's and Y's: no inversion, and
    W ranks with them rather than as a star.
    """
    rows = []
    for rep, revs in {"W": [1e6, 1e6, 1e6, 12e6], "X": [1e6] * 4, "Y": [1e6] * 4}.items():
        rows += [{"rep_id": rep, "period": f"2026-0{k + 1}", "revenue": r} for k, r in enumerate(revs)]
    team = pd.DataFrame(rows)
    wf = windfall_months(LINEAR, team)
    assert list(zip(wf["rep_id"], wf["period"])) == [("W", "2026-04")]
    assert wf["extra_pay"].iloc[0] == pytest.approx(550_000)
    f = [x for x in lint(LINEAR, team).findings if x.kind == "windfall"]
    assert len(f) == 1 and f[0].value == pytest.approx(550_000) and "W, April 2026" in f[0].message
    r = differentiation(kpilab.evaluate(LINEAR, team), n_boot=0)
    assert r.metrics["windfall_months"] == 1
    ranked = r.per_rep.set_index("rep_id")
    assert ranked.loc["W", "performance_ranked"] == pytest.approx(1e6)
    assert ranked.loc["W", "total_ranked"] == pytest.approx(100_000)
    assert ranked.loc["W", "performance"] == pytest.approx(3.75e6)  # the plain mean still shows it
    assert any("W 2026-04" in n for n in r.notes)


def test_activity_plans_not_mandatory_in_effect() -> None:
    """Variable pay at plan is 50 000: 20 % activity (calls), 80 % revenue.

    Skipping every call while selling at plan loses the activity part only:
    10 000 = 20 % of variable pay at plan, under the 50 % that makes skipping costly.
    A plan with a calls gate on the revenue bonus loses everything: 100 %.
    """
    d = {"name": "act", "base": 50000, "target_bonus": 50000, "targets": {"revenue": 1_000_000, "calls": 800},
         "components": [{"name": "act", "kind": "scorecard", "share": 0.2,
                         "kpis": {"calls": {"weight": 1, "curve": {"points": [[0, 0], [1, 1]]}}}},
                        {"name": "rev", "kind": "bonus", "metric": "revenue", "share": 0.8,
                         "curve": {"points": [[0, 0], [1, 1]], "extend": True}}]}
    team = pd.DataFrame({"rep_id": ["A", "B"], "period": "2026-01", "revenue": [1.2e6, 0.9e6], "calls": [900.0, 500]})
    sk = skipped_activity(Plan.from_dict(d), team)
    assert sk["lost"].tolist() == pytest.approx([10_000, 10_000])
    assert sk["lost_share"].tolist() == pytest.approx([0.2, 0.2])
    f = [x for x in lint(Plan.from_dict(d), team).findings if x.kind == "not_mandatory"]
    assert len(f) == 1 and f[0].value == pytest.approx(10_000) and "20%" in f[0].message
    gated = dict(d, gates=[{"applies_to": ["rev"], "when": {"metric": "calls", "attainment_at_least": 0.9}}])
    assert skipped_activity(Plan.from_dict(gated), team)["lost_share"].tolist() == pytest.approx([1.0, 1.0])
    assert not [x for x in lint(Plan.from_dict(gated), team).findings if x.kind == "not_mandatory"]
    assert [x.kind for x in lint(LINEAR, team).findings if x.kind == "no_activity_kpi"] == ["no_activity_kpi"]


def test_cliff_written_as_a_modifier_on_missed_calls() -> None:
    """Bonus x 0 from 6 missed calls, written as a modifier on the raw count (steps: x1 from 0, x0 from 6).

    The linear plan pays 50 000 x revenue attainment; at plan (1 M) that is 50 000. With 5 missed calls
    the modifier is 1 (50 000), with 6 it is 0 (0 ₽): a drop of 50 000 = 100 % of the target bonus
    within one missed call, far over the 10 % a cliff is (lint's cliff_share), found at exactly 6.
    """
    plan = Plan.from_dict({**LINEAR.to_dict(), "modifiers": [
        {"applies_to": ["rev"], "metric": "missed_calls", "basis": "value", "curve": {"steps": [[0, 1], [6, 0]]}}]})
    cliffs = [f for f in lint(plan, pd.DataFrame({"rep_id": ["A"], "period": ["2026-01"], "revenue": [1e6],
                                                 "missed_calls": [2.0]})).findings
              if f.kind == "cliff" and f.metric == "missed_calls"]
    assert len(cliffs) == 1
    assert cliffs[0].attainment == pytest.approx(6.0) and cliffs[0].value == pytest.approx(-50_000)
    assert "drops by 50,000" in cliffs[0].message


def test_disciplinary_cut_over_a_fifth_of_the_actual_wage() -> None:
    """Base 30 000, target bonus 30 000, 1 000 per missed call up to 12 000 (20 % of base + target: lawful on paper).

    A: 500 000 of 1 M -> bonus 15 000, wage 45 000, 12 missed -> 12 000 cut > 9 000 (20 %): unlawful.
    B: at plan -> bonus 30 000, wage 60 000, 12 000 cut = exactly 20 %: lawful.
    """
    plan = Plan.from_dict({"name": "fines", "base": 30000, "target_bonus": 30000, "targets": {"revenue": 1_000_000},
                           "components": [{"name": "rev", "kind": "bonus", "metric": "revenue", "share": 1,
                                           "curve": {"points": [[0, 0], [1, 1]]}},
                                          {"name": "fine", "kind": "penalty", "metric": "missed_calls",
                                           "per_unit": 1000, "free": 0, "cap": 12000}],
                           "limits": {"floor": "base"}})
    team = pd.DataFrame({"rep_id": ["A", "B"], "period": "2026-03", "revenue": [500_000.0, 1_000_000],
                         "missed_calls": [12.0, 12.0]})
    rep = lint(plan, team)
    assert not [f for f in rep.findings if f.kind == "unlawful_fine"]
    over = [f for f in rep.findings if f.kind == "fine_over_wage"]
    assert len(over) == 1 and over[0].value == pytest.approx(12_000) and over[0].severity == "error"
    assert "A, March 2026" in over[0].message and "45,000" in over[0].message and "in 1 rep-month" in over[0].message
    np.testing.assert_allclose(kpilab.evaluate(plan, team).table["total"], [33_000, 48_000])


def test_findings_name_pay_parts_as_the_plan_file_does() -> None:
    """Lint words each finding with the pay part's name from the plan's ``names`` map, never its id.

    The gated plan pays its 50 000 bonus from 800 000 of revenue: a cliff of 50 000 (100 % of the
    target bonus) at 800 000 on «Бонус за выручку» (ru) / "Revenue bonus" (en), and 1 rep-month
    (A, January 2026 at 700 000) where the gate is closed.
    """
    plan = Plan.from_dict({**GATED.to_dict(), "names": {"ru": {"components": {"rev": "Бонус за выручку"}},
                                                        "en": {"components": {"rev": "Revenue bonus"}}}})
    team = pd.DataFrame({"rep_id": ["A", "A"], "period": ["2026-01", "2026-02"], "revenue": [700_000.0, 1e6]})
    for lang, word in (("ru", "«Бонус за выручку»"), ("en", "'Revenue bonus'")):
        found = lint(plan, team, lang=lang).findings
        cliffs = [f for f in found if f.kind == "cliff"]
        assert len(cliffs) == 1 and cliffs[0].component == "rev" and cliffs[0].value == pytest.approx(50_000)
        assert word in cliffs[0].message
        assert all("'rev'" not in f.message and "«rev»" not in f.message for f in found)
    ru = [f for f in lint(plan, team, lang="ru").findings if f.kind == "timing"][0]
    assert "январь 2026 и февраль 2026" in ru.message
