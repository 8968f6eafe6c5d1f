"""Known-answer tests of kpilab.analysis.call_economics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab.analysis import call_economics
from kpilab.plan import Plan


def team() -> pd.DataFrame:
    return pd.DataFrame({"rep_id": ["R1", "R2"], "period": "2026-01", "archetype": ["star", "laggard"],
                         "inbound_calls": [100.0, 50], "missed_calls": [10.0, 0], "calls": [200.0, 100],
                         "deals": [4.0, 1], "revenue": [500_000.0, 160_000], "repeat_revenue": [100_000.0, 0]})


def test_known_answers_team_deal_value() -> None:
    po = kpilab.evaluate(Plan.from_dict({"name": "s", "base": 10000}), team())
    e = call_economics(team(), po, marketing_spend=15000)
    assert e.team["cost_per_inbound_call"] == pytest.approx(100.0)
    assert e.team["deal_value"] == pytest.approx(112_000.0)          # (400k + 160k) / 5 deals
    r1 = e.per_rep.set_index("rep_id").loc["R1"]
    assert r1["deals_per_call"] == pytest.approx(0.02)
    assert r1["value_per_answered_call"] == pytest.approx(2240.0)
    assert r1["lost_value"] == pytest.approx(22400.0)
    assert r1["lost_marketing_spend"] == pytest.approx(1000.0)
    assert r1["value_per_pay"] == pytest.approx(50.0)
    assert r1["net_value"] == pytest.approx(490_000.0)
    assert e.team["lost_value"] == pytest.approx(22400.0)
    assert e.team["missed_share"] == pytest.approx(10 / 150)
    assert e.team["value_per_pay"] == pytest.approx(660_000 / 20_000)


def test_rep_deal_value_uplift_spend_by_period_and_no_pay() -> None:
    e = call_economics(team(), deal_value="rep", inbound_uplift=1.5, marketing_spend={"2026-01": 7500, "x": 7500})
    r1 = e.per_rep.set_index("rep_id").loc["R1"]
    assert r1["deal_value"] == pytest.approx(100_000.0)
    assert r1["lost_value"] == pytest.approx(10 * 0.02 * 100_000 * 1.5)
    assert e.team["cost_per_inbound_call"] == pytest.approx(100.0)
    assert np.isnan(r1["pay"])
    assert np.isnan(call_economics(team()).team["cost_per_inbound_call"])
    with pytest.raises(kpilab.KpilabError):
        call_economics(team().drop(columns="missed_calls"))


def test_scenarios_average_per_scenario() -> None:
    t = pd.concat([team().assign(scenario=0), team().assign(scenario=1)], ignore_index=True)
    e = call_economics(t, marketing_spend=30000)
    assert e.team["cost_per_inbound_call"] == pytest.approx(100.0)
    assert e.per_rep.set_index("rep_id").loc["R1", "lost_value"] == pytest.approx(22400.0)
