"""Tests of kpilab.analysis.tail and simulate_replacement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab.analysis import simulate_replacement, tail
from kpilab.plan import Plan

COMMISSION = Plan.from_dict({"name": "c", "base": 0, "components": [
    {"name": "c", "kind": "commission", "metric": "revenue", "rate": 10}]})


def history() -> pd.DataFrame:
    # 4 reps x 8 months; R1 is last in months 3, 4, 6, 8; R2 last in months 1, 2, 5, 7
    rows = []
    last = {1: "R2", 2: "R2", 3: "R1", 4: "R1", 5: "R2", 6: "R1", 7: "R2", 8: "R1"}
    for m in range(1, 9):
        for i, rep in enumerate(["R1", "R2", "R3", "R4"]):
            rev = 5.0 if rep == last[m] else 10.0 * (i + 1)
            rows.append({"rep_id": rep, "period": f"2026-{m:02d}", "revenue": rev})
    return pd.DataFrame(rows)


def test_tail_counts_last_n_periods() -> None:
    t = tail(history(), k=3, n=6, quantile=0.25)
    assert t.reps == ("R1",)
    counts = t.table.set_index("rep_id")["periods_in_tail"]
    assert counts["R1"] == 4 and counts["R2"] == 2 and counts["R3"] == 0
    assert t.periods == tuple(f"2026-{m:02d}" for m in range(3, 9))
    assert tail(history(), k=2, n=6).reps == ("R1", "R2")
    assert tail(history(), k=4, n=4).reps == ()           # R1 is last in 3 of the last 4 months
    po = kpilab.evaluate(COMMISSION, history())
    assert tail(po, k=3, n=6).reps == ("R1",)             # Payouts are read through their inputs
    with pytest.raises(kpilab.KpilabError):
        tail(history(), k=7, n=6)


def test_tail_with_scenarios_majority() -> None:
    h0, h1 = history().assign(scenario=0), history().assign(scenario=1)
    h1.loc[h1["rep_id"] == "R1", "revenue"] = 100.0      # in scenario 1 R1 is never last
    t = tail(pd.concat([h0, h1], ignore_index=True), k=3, n=6)
    row = t.table.set_index("rep_id").loc["R1"]
    assert row["share_flagged"] == pytest.approx(0.5) and bool(row["flagged"])


def test_tail_knows_tenure_and_own_plans() -> None:
    """4 reps x 6 months. N joined in month 1 (tenure 0..5) and sells 20, 30, ... while ramping;
    S sells 40 every month on a small territory (plan 40); L sells 50 of a 100 plan; B sells 100 of 100.

    By revenue N and S are the bottom two every month (quantile 0.5). By attainment of their own
    plan (the default with plan_revenue) S is at 100 % and L at 50 % is the bottom with N; N is on
    ramp (tenure 0 < 6 at the window's start), so it is reported apart and only L is flagged.
    """
    rows = []
    for m in range(6):
        for rep, rev, plan, ten in (("N", 20.0 + 10 * m, 100.0, m), ("S", 40.0, 40.0, 30 + m),
                                    ("L", 50.0, 100.0, 30 + m), ("B", 100.0, 100.0, 30 + m)):
            rows.append({"rep_id": rep, "period": f"2026-{m + 1:02d}", "revenue": rev, "plan_revenue": plan,
                         "tenure_months": ten})
    team = pd.DataFrame(rows)
    by_revenue = tail(team.drop(columns=["plan_revenue", "tenure_months"]), k=3, n=6, quantile=0.5)
    assert set(by_revenue.reps) == {"N", "S"} and by_revenue.measure == "revenue"
    t = tail(team, k=3, n=6, quantile=0.5)
    assert t.measure == "attainment"
    assert t.reps == ("L",) and t.newcomers == ("N",)
    assert not t.table.set_index("rep_id").loc["N", "flagged"]


def const_team() -> pd.DataFrame:
    return pd.DataFrame({"rep_id": np.repeat(["R1", "R2"], 3), "period": ["2026-01", "2026-02", "2026-03"] * 2,
                         "revenue": [10.0] * 3 + [20.0] * 3})


def newcomers(S: int, H: int) -> pd.DataFrame:
    return pd.DataFrame({"scenario": np.repeat(np.arange(S), H), "rep_id": "N1",
                         "period": [f"2027-{m + 1:02d}" for m in range(H)] * S, "revenue": 50.0})


def test_replacement_known_answer_with_given_newcomers() -> None:
    r = simulate_replacement(COMMISSION, const_team(), reps=["R1"], horizon=4, n_scenarios=5, seed=3,
                             vacancy_months=1, hiring_cost=7.0, newcomers=newcomers(5, 4))
    t = r.table
    assert t["output_keep_p50"].tolist() == pytest.approx([30.0] * 4)
    assert t["output_replace_p50"].tolist() == pytest.approx([20.0, 70.0, 70.0, 70.0])
    assert t["output_gain_p10"].tolist() == pytest.approx([-10.0, 40.0, 40.0, 40.0])
    assert t["cost_gain_p90"].tolist() == pytest.approx([-100.0 + 7.0, 400.0, 400.0, 400.0])
    assert t["cum_output_gain_p50"].iloc[-1] == pytest.approx(110.0)
    assert r.summary["cum_cost_gain_p50"] == pytest.approx(1107.0)
    assert r.summary["share_scenarios_output_gain"] == 1.0
    none = simulate_replacement(COMMISSION, const_team(), reps=[], horizon=4, n_scenarios=5)
    assert none.table["output_gain_p90"].abs().max() == 0


def test_replacement_with_synth_newcomers_is_seeded_and_banded() -> None:
    from kpilab.data.datasets import load_plan
    from kpilab.data.synth import make_team

    team = make_team(20, periods=12, seed=11)
    plan = load_plan("tiered_commission")
    a = simulate_replacement(plan, team, horizon=12, n_scenarios=50, seed=5)
    b = simulate_replacement(plan, team, horizon=12, n_scenarios=50, seed=5)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert len(a.reps) >= 1 and a.table.shape == (12, 24)
    for s in ("output_keep", "cost_replace", "cum_output_gain"):
        assert (a.table[f"{s}_p10"] <= a.table[f"{s}_p50"] + 1e-9).all()
        assert (a.table[f"{s}_p50"] <= a.table[f"{s}_p90"] + 1e-9).all()
    # the empty seat in month 1 costs output
    assert a.table["output_gain_p50"].iloc[0] < 0
