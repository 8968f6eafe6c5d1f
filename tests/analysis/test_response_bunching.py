"""Thresholds, the bunching table, its words and its chart (issue 15, item 3)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib import pyplot as plt

import kpilab
from kpilab.analysis.response import predict, thresholds
from kpilab.analysis.response.bunching import bunching
from kpilab.plots import plot_bunching

BALANCED = kpilab.load_plan("data/plans/balanced_kpi.yaml")


def test_thresholds_of_a_plan() -> None:
    """A step bonus at 100 % and 120 %, a curve that starts paying at 80 %, a gate at 90 %, an attainment tier
    from 110 %; a commission on value and a meetings gate are not revenue attainment thresholds."""
    plan = kpilab.load_plan({
        "name": "t", "base": 1, "target_bonus": 1, "targets": {"revenue": 100, "meetings": 10},
        "components": [
            {"name": "steps", "kind": "bonus", "metric": "revenue", "share": 0.5, "curve": {"steps": [[1.0, 1], [1.2, 2]]}},
            {"name": "curve", "kind": "bonus", "metric": "revenue", "share": 0.5, "curve": {"points": [[0.8, 0.5], [1.0, 1]]}},
            {"name": "over", "kind": "commission", "metric": "revenue", "tiers_on": "attainment",
             "tiers": [{"from": 0, "rate": 0}, {"from": 1.1, "rate": 0.02}]},
            {"name": "plain", "kind": "commission", "metric": "revenue", "rate": 0.01}],
        "gates": [{"applies_to": ["steps"], "when": {"metric": "revenue", "attainment_at_least": 0.9}},
                  {"applies_to": ["curve"], "when": {"metric": "meetings", "attainment_at_least": 0.5}}]})
    assert thresholds(plan) == [0.8, 0.9, 1.0, 1.1, 1.2]
    assert thresholds(plan, "meetings") == [0.5]


def test_bunching_table_counts_the_bands() -> None:
    """Before: 0.95, 0.97, 1.20, 0.50; after: 1.02, 1.05, 1.20, 0.40. At 100 %: just below (0.90-1.00) 2/4 ->
    0/4, just above (1.00-1.10) 0 -> 2/4, excess +0.5; the pay just above is 10 + 20."""
    b = bunching(np.array([0.95, 0.97, 1.20, 0.50]), np.array([1.02, 1.05, 1.20, 0.40]),
                 np.array([10.0, 20.0, 40.0, 0.0]), [1.0])
    row = b.thresholds.iloc[0]
    assert (row["below_baseline"], row["below_predicted"], row["above_baseline"], row["above_predicted"]) == (0.5, 0, 0, 0.5)
    assert row["excess"] == 0.5 and row["pay_above"] == 30.0
    shares = b.shares([0, 1, 2])
    assert shares["baseline"].tolist() == [0.75, 0.25] and shares["predicted"].tolist() == [0.25, 0.75]
    assert b.histogram["baseline"].sum() == pytest.approx(1.0)


@pytest.fixture(scope="module")
def gated() -> object:
    team = kpilab.make_team(16, 6, seed=2)
    current = kpilab.load_plan({"name": "c", "base": 50000, "targets": {"revenue": 1200000},
                                "components": [{"name": "c", "kind": "commission", "metric": "revenue", "rate": 0.04}]})
    new = kpilab.load_plan({"name": "g", "base": 50000, "targets": {"revenue": 1200000},
                            "components": [{"name": "c", "kind": "commission", "metric": "revenue", "rate": 0.04}],
                            "gates": [{"applies_to": ["c"], "when": {"metric": "revenue", "attainment_at_least": 0.8}}]})
    return predict(current, new, team, scenarios=20, seed=1, verdict=False)


def test_a_gate_pulls_periods_over_it(gated) -> None:
    """Rep months just below the 80 % gate move over it (effort and timing), and timing earns pay."""
    row = gated.bunching.thresholds.set_index("threshold").loc[0.8]
    assert row["below_predicted"] < row["below_baseline"]
    assert row["above_predicted"] > row["above_baseline"]
    assert gated.bunching.timing_pay > 0 and gated.bunching.moved_revenue > 0
    assert (gated.timing["moved_share"] > 0).any()
    assert set(gated.timing.columns) == {"rep_id", "period", "next_period", "shift", "moved_share", "revenue_moved"}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_bunching_in_words(gated, lang: str) -> None:
    text = gated.bunching_text(lang)
    assert "80\xa0%" in text or "80%" in text
    assert "{" not in text and "_" not in text
    assert ("piles results up" if lang == "en" else "скапливает") in text


def test_plot_bunching_draws_both_histograms_and_the_threshold(gated) -> None:
    ax = plot_bunching(gated, lang="ru")
    gids = {artist.get_gid() for artist in ax.get_children()}
    assert {"bunching_baseline", "bunching_predicted", "threshold:0.8"} <= gids
    steps = {a.get_gid(): a for a in ax.patches}
    shares = gated.bunching.histogram
    assert steps["bunching_predicted"].get_data().values.sum() == pytest.approx(shares["predicted"].sum())
    assert ax.get_ylabel() == "Доля периодов менеджеров"
    plt.close(ax.figure)
