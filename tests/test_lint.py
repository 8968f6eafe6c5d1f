"""Tests of kpilab.analysis.lint and payout_curve: each finding kind found where it is, and not where it is not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpilab.analysis import lint, payout_curve
from kpilab.plan import Plan


def plan(components, **extra) -> Plan:
    d = {"name": "t", "base": 50000, "target_bonus": 50000, "targets": {"revenue": 1_000_000, "calls": 800},
         "components": components}
    d.update(extra)
    return Plan.from_dict(d)


CLIFF = Plan.from_dict({"name": "cliff", "base": 50000, "targets": {"revenue": 1_000_000}, "components": [
    {"name": "com", "kind": "commission", "metric": "revenue", "method": "retroactive", "tiers_on": "attainment",
     "tiers": [{"from": 0.7, "rate": 0.1}]}]})
SMOOTH = Plan.from_dict({"name": "smooth", "base": 50000, "target_bonus": 50000, "targets": {"revenue": 1_000_000},
                         "components": [{"name": "rev", "kind": "bonus", "metric": "revenue", "share": 1,
                                         "curve": {"points": [[0, 0], [1, 1]], "extend": True}}]})


def test_finds_the_retroactive_cliff_at_70_percent() -> None:
    rep = lint(CLIFF)
    cliffs = [f for f in rep.findings if f.kind == "cliff"]
    assert len(cliffs) == 1
    f = cliffs[0]
    assert f.component == "com" and f.metric == "revenue"
    assert f.attainment == pytest.approx(0.7)
    assert f.value == pytest.approx(70_000 + 0.1 * 0.009 * 1_000_000, rel=0.02)  # 10 % of 700 000 appears at once
    assert "at revenue 70% of plan" in f.message  # a round percent without ".0"


DESIGN = {"cliff", "flat_zone", "early_cap", "cap_hit", "gate_zeroes", "unlawful_fine", "fine_over_wage",
          "activity_outweighs_sales"}


def test_smooth_plan_finds_nothing() -> None:
    """A linear, uncapped revenue bonus on one plan for everyone: no design risk, no timing gain.

    Moving revenue between months leaves the two-month pay unchanged (pay is linear
    in revenue); the only finding is that the plan pays for no activity.
    """
    team = pd.DataFrame({"rep_id": ["A"] * 3 + ["B"] * 3, "period": ["2026-01", "2026-02", "2026-03"] * 2,
                         "revenue": [900_000.0, 1_100_000, 1_000_000, 700_000, 1_300_000, 800_000]})
    rep = lint(SMOOTH, team)
    assert [f.kind for f in rep.findings] == ["no_activity_kpi"]
    assert rep.gaming["timing"]["gain"].max() == pytest.approx(0.0, abs=1e-6)
    assert not rep.kinds() & DESIGN
    smooth_commission = Plan.from_dict({"name": "m", "base": 1, "targets": {"revenue": 1_000_000}, "components": [
        {"name": "c", "kind": "commission", "metric": "revenue", "tiers_on": "attainment",
         "tiers": [{"from": 0, "rate": 0.02}, {"from": 0.8, "rate": 0.03}, {"from": 1.0, "rate": 0.05}]}]})
    assert not lint(smooth_commission).kinds() & DESIGN


def test_payout_curve_is_the_engine() -> None:
    c = payout_curve(SMOOTH, "revenue")
    assert c["attainment"].iloc[-1] == 2.0
    assert c.loc[c["attainment"] == 1.0, "rev"].iloc[0] == pytest.approx(50000.0)
    assert c.loc[c["attainment"] == 2.0, "rev"].iloc[0] == pytest.approx(100000.0)
    k = payout_curve(CLIFF, "revenue", np.array([0.69, 0.7, 1.0]))
    assert k["com"].tolist() == pytest.approx([0.0, 70000.0, 100000.0])


def test_early_cap_and_flat_zone() -> None:
    p = plan([{"name": "rev", "kind": "bonus", "metric": "revenue", "share": 1,
               "curve": {"points": [[0, 0], [1.1, 1.1]]}}])
    caps = [f for f in lint(p).findings if f.kind == "early_cap"]
    assert len(caps) == 1 and caps[0].attainment == pytest.approx(1.1) and caps[0].severity == "warning"
    steps = plan([{"name": "rev", "kind": "bonus", "metric": "revenue", "share": 1,
                   "curve": {"steps": [[0.5, 0.5], [1.0, 1.0], [1.6, 1.2]]}}])
    kinds = {(f.kind, round(f.attainment, 3)) for f in lint(steps, cliff_share=1.0).findings}
    assert ("flat_zone", 0.5) in kinds and ("flat_zone", 1.0) in kinds
    assert not any(k == "early_cap" for k, _ in kinds)  # the last step is at 160 %


def test_variable_cap_reached_early() -> None:
    p = plan([{"name": "rev", "kind": "bonus", "metric": "revenue", "share": 1,
               "curve": {"points": [[0, 0], [1, 1]], "extend": True}}], limits={"variable_cap": {"share": 1.2}})
    f = [f for f in lint(p).findings if f.component == "variable_cap" and f.kind == "early_cap"]
    assert len(f) == 1 and f[0].attainment == pytest.approx(1.201, abs=1e-3)


def test_cap_hit_and_gate_zeroes_on_a_team() -> None:
    team = pd.DataFrame({"rep_id": [f"R{i}" for i in range(10)], "period": "2026-01",
                         "revenue": np.linspace(500_000, 1_500_000, 10), "calls": 800.0})
    p = plan([{"name": "c", "kind": "commission", "metric": "revenue", "rate": 0.05, "cap": 30000}],
             gates=[{"applies_to": ["c"], "when": {"metric": "revenue", "attainment_at_least": 1.3}}])
    rep = lint(p, team)
    hit = [f for f in rep.findings if f.kind == "cap_hit"]
    assert len(hit) == 1 and hit[0].value == pytest.approx(0.2)  # 1 389k and 1 500k are at the cap, and open
    gz = [f for f in rep.findings if f.kind == "gate_zeroes"]
    assert len(gz) == 1 and gz[0].value == pytest.approx(0.8) and gz[0].attainment == pytest.approx(1.3)


def test_fines_against_the_lawful_limit() -> None:
    fine = {"name": "f", "kind": "penalty", "metric": "missed_calls", "per_unit": 1000, "free": 3}
    heavy = plan([dict(fine, cap=30000)])
    f = [x for x in lint(heavy).findings if x.kind == "unlawful_fine"]
    assert len(f) == 1 and f[0].value == 30000 and f[0].severity == "error"
    assert "20" in f[0].message
    assert not [x for x in lint(plan([dict(fine, cap=20000)])).findings if x.kind == "unlawful_fine"]
    assert [x for x in lint(plan([dict(fine, cap=20000)]), lawful_cut=0.1).findings if x.kind == "unlawful_fine"]
    salary = plan([dict(fine, cap=5000)], limits={"floor": None})
    assert any("salary" in x.message for x in lint(salary).findings if x.kind == "unlawful_fine")


def test_activity_outweighing_sales() -> None:
    sc = {"name": "act", "kind": "scorecard", "share": 0.6,
          "kpis": {"calls": {"weight": 1, "curve": {"points": [[0, 0], [1, 1]], "extend": True}}}}
    rev = {"name": "rev", "kind": "bonus", "metric": "revenue", "share": 0.4,
           "curve": {"points": [[0, 0], [1, 1]], "extend": True}}
    f = [x for x in lint(plan([sc, rev])).findings if x.kind == "activity_outweighs_sales"]
    assert len(f) == 1 and f[0].value == pytest.approx(1.5)
    balanced = plan([dict(sc, share=0.4), dict(rev, share=0.6)])
    assert not [x for x in lint(balanced).findings if x.kind == "activity_outweighs_sales"]


def test_bundled_plans_known_risks_and_russian() -> None:
    from kpilab.data.datasets import load_plan

    kinds = {(f.kind, f.component) for f in lint(load_plan("salary_fines")).findings}
    assert ("cliff", "plan_bonus") in kinds and ("early_cap", "plan_bonus") in kinds
    scheme = lint(load_plan("roles_scheme"))
    assert any(f.component.startswith("junior.") for f in scheme.findings)
    assert any(f.component.startswith("senior.") for f in scheme.findings)
    ru = lint(CLIFF, lang="ru")
    assert "Обрыв" in ru.findings[0].message


def test_activity_outweighing_sales_below_plan_is_found() -> None:
    """Activity (30 %, 15 000) pays in full from 50 % of the calls plan; sales (70 %) pay nothing up to 80 %
    of the revenue plan, then rise to 35 000 at plan. At plan sales outweigh activity (35 000 > 15 000),
    so a check at 100 % alone finds nothing; along the whole range, at 50 % of plan activity pays 15 000
    against 0 for sales (the worst gap, up to 80 %): an "info" finding at 0.5, ratio infinite.
    """
    sc = {"name": "act", "kind": "scorecard", "share": 0.3,
          "kpis": {"calls": {"weight": 1, "curve": {"points": [[0.5, 1], [1, 1]]}}}}
    rev = {"name": "rev", "kind": "bonus", "metric": "revenue", "share": 0.7,
           "curve": {"points": [[0.8, 0], [1, 1]], "extend": True}}
    f = [x for x in lint(plan([sc, rev])).findings if x.kind == "activity_outweighs_sales"]
    assert len(f) == 1 and f[0].attainment == pytest.approx(0.5) and f[0].value == np.inf
    assert f[0].severity == "info" and "15,000" in f[0].message and "at 50% of plan" in f[0].message
