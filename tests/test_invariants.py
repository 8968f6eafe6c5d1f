"""Invariants of the engine that hold for every valid plan (section 7 and 8 of the contract).

- without penalties and with non-decreasing curves, pay never falls when a metric rises;
- raising a cap (a commission's ``cap`` or ``limits.variable_cap``) never lowers pay;
- the floor holds: total >= floor (and with no floor, floor_adjustment is 0);
- row order changes nothing; rows in = rows out, in input order, keys as given;
- a ``scenario`` column evaluates every scenario on its own (team sums included).
"""

from __future__ import annotations

import copy
import os
import sys

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, os.path.dirname(__file__))

import kpilab  # noqa: E402
from plan_strategies import METRICS, plans, rows_for, schemes  # noqa: E402
from reference import plan_for_row, row_base  # noqa: E402

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NO_PENALTY = ["bonus", "scorecard", "commission", "team"]
MONEY = ["base", "cap_adjustment", "floor_adjustment", "variable", "total"]


def build(d: dict):
    return kpilab.Scheme.from_dict(d) if "scheme" in d else kpilab.Plan.from_dict(d)


def table(d: dict, rows: list[dict]) -> pd.DataFrame:
    return kpilab.evaluate(build(d), pd.DataFrame(rows)).table


def at_least(new: np.ndarray, old: np.ndarray) -> bool:
    return bool(np.all(new >= old - 1e-9 * np.maximum(1.0, np.abs(old))))


@SETTINGS
@given(st.data())
def test_pay_never_falls_when_a_metric_rises(data: st.DataObject) -> None:
    plan = data.draw(plans(kinds=NO_PENALTY, monotone=True))
    rows = data.draw(rows_for(plan))
    i = data.draw(st.integers(0, len(rows) - 1))
    metric = data.draw(st.sampled_from(METRICS))
    bump = data.draw(st.sampled_from([1e-6, 0.5, 1.0, 10.0, 0.1, 1000.0, 50000.0]))
    higher = copy.deepcopy(rows)
    higher[i][metric] = rows[i][metric] + bump
    old, new = table(plan, rows), table(plan, higher)
    # every row (team components make other reps' pay depend on this rep too)
    assert at_least(new["total"].to_numpy(float), old["total"].to_numpy(float)), (metric, i)
    assert at_least(new["variable"].to_numpy(float), old["variable"].to_numpy(float))
    for c in plan["components"]:
        assert at_least(new[c["name"]].to_numpy(float), old[c["name"]].to_numpy(float)), c["name"]


def test_pay_never_falls_grid_through_every_boundary() -> None:
    """A concrete plan walked through 0..2x target in fine steps, exact boundaries included."""
    plan = {"name": "grid", "base": 30000, "target_bonus": 40000, "targets": {"revenue": 1000000, "calls": 800},
            "components": [
                {"name": "rev", "kind": "bonus", "metric": "revenue", "share": 0.6,
                 "curve": {"steps": [[0.8, 0.5], [1.0, 1.0], [1.2, 1.5]], "closed": "right"}},
                {"name": "comm", "kind": "commission", "metric": "revenue", "method": "retroactive",
                 "tiers": [{"from": 500000, "rate": 0.01}, {"from": 1000000, "rate": 0.02}], "cap": 30000},
                {"name": "act", "kind": "scorecard", "share": 0.4,
                 "kpis": {"calls": {"weight": 1, "curve": {"points": [[0.5, 0.2], [1.0, 1.0]], "extend": True}}},
                 "index_curve": {"points": [[0, 0], [1, 1], [2, 1.5]]}}],
            "gates": [{"applies_to": ["act"], "when": {"metric": "revenue", "attainment_at_least": 0.7}}],
            "modifiers": [{"applies_to": "all", "metric": "calls", "curve": {"steps": [[0, 0.5], [0.9, 1.0]]}}],
            "limits": {"variable_cap": {"share": 2.5}}}
    revenue = np.unique(np.concatenate([np.linspace(0, 2000000, 401), [700000, 800000, 1000000, 1200000]]))
    rows = [{"rep_id": f"R{k}", "period": "2026-01", "revenue": float(v), "calls": 720.0}
            for k, v in enumerate(revenue)]
    total = table(plan, rows)["total"].to_numpy(float)
    assert np.all(np.diff(total) >= -1e-9)
    assert total[0] == 30000.0 and total[-1] > total[0]


@SETTINGS
@given(st.data())
def test_raising_a_cap_never_lowers_pay(data: st.DataObject) -> None:
    plan = data.draw(plans(monotone=True))
    rows = data.draw(rows_for(plan))
    raised = copy.deepcopy(plan)
    factor = data.draw(st.sampled_from([1.0001, 1.5, 3.0, None]))  # None = remove the cap
    touched = False
    for c in raised["components"]:
        if c["kind"] == "commission" and "cap" in c:
            touched = True
            if factor is None:
                del c["cap"]
            else:
                c["cap"] = c["cap"] * factor
    cap = (raised.get("limits") or {}).get("variable_cap")
    if cap is not None:
        touched = True
        if factor is None:
            del raised["limits"]["variable_cap"]
        elif isinstance(cap, dict):
            raised["limits"]["variable_cap"] = {"share": cap["share"] * factor}
        else:
            raised["limits"]["variable_cap"] = cap * factor + 1000
    old, new = table(plan, rows), table(raised, rows)
    assert at_least(new["total"].to_numpy(float), old["total"].to_numpy(float))
    if not touched:
        np.testing.assert_allclose(new["total"].to_numpy(float), old["total"].to_numpy(float), rtol=0, atol=0)


def test_raising_variable_cap_grid() -> None:
    plan = {"name": "cap grid", "base": 20000, "target_bonus": 30000, "targets": {"deals": 8},
            "components": [{"name": "b", "kind": "bonus", "metric": "deals", "share": 1,
                            "curve": {"points": [[0, 0], [1, 1]], "extend": True}},
                           {"name": "fine", "kind": "penalty", "metric": "missed_calls", "per_unit": 1000}]}
    rows = [{"rep_id": "A", "period": "p", "deals": 20.0, "missed_calls": 12.0}]  # raw bonus 75000, fines 12000
    totals = []
    for cap in [0, 10000, 30000, 60000, 75000, 90000]:
        p = copy.deepcopy(plan)
        p["limits"] = {"variable_cap": cap}
        totals.append(float(table(p, rows)["total"].iloc[0]))
    # floor base: 20000 until the capped bonus exceeds the fines, then base + min(cap, 75000) - 12000
    assert totals == [20000.0, 20000.0, 38000.0, 68000.0, 83000.0, 83000.0]


@SETTINGS
@given(st.data())
def test_the_floor_holds(data: st.DataObject) -> None:
    plan = data.draw(st.one_of(plans(), schemes()))
    rows = data.draw(rows_for(plan))
    out = table(plan, rows)
    for k, row in enumerate(rows):
        p = plan_for_row(plan, row)
        spec = (p.get("limits") or {}).get("floor", "base")
        got = out.iloc[k]
        if spec in ("none", None):
            assert float(got["floor_adjustment"]) == 0.0
            continue
        floor = row_base(p, row) if spec == "base" else float(spec)
        assert float(got["total"]) >= floor - 1e-6
        assert float(got["floor_adjustment"]) >= 0.0
        if float(got["floor_adjustment"]) > 0:
            assert abs(float(got["total"]) - floor) <= 1e-6


def test_floor_numbers() -> None:
    """A guaranteed minimum above base; floor base; no floor."""
    base = {"name": "fl", "base": 30000, "components": [
        {"name": "fine", "kind": "penalty", "metric": "missed_calls", "per_unit": 1000}]}
    rows = [{"rep_id": "A", "period": "p", "missed_calls": 7.0}]
    for floor, total, adj in [("base", 30000.0, 7000.0), (45000, 45000.0, 22000.0), ("none", 23000.0, 0.0),
                              (None, 23000.0, 0.0), (10000, 23000.0, 0.0)]:
        p = copy.deepcopy(base)
        p["limits"] = {"floor": floor}
        got = table(p, rows).iloc[0]
        assert (float(got["total"]), float(got["floor_adjustment"])) == (total, adj), floor
    got = table(base, rows).iloc[0]  # no limits at all: floor base
    assert float(got["total"]) == 30000.0


@SETTINGS
@given(st.data())
def test_row_order_changes_nothing(data: st.DataObject) -> None:
    plan = data.draw(st.one_of(plans(), schemes()))
    rows = data.draw(rows_for(plan, min_rows=2, max_rows=8))
    perm = data.draw(st.permutations(range(len(rows))))
    a = table(plan, rows).set_index(["rep_id", "period"])
    b = table(plan, [rows[j] for j in perm]).set_index(["rep_id", "period"]).loc[a.index]
    assert list(a.columns) == list(b.columns)
    for col in a.columns:
        if col in ("role", "team"):
            assert list(a[col]) == list(b[col])
        else:
            np.testing.assert_allclose(b[col].to_numpy(float), a[col].to_numpy(float), rtol=1e-12, atol=1e-9,
                                       err_msg=col)


@SETTINGS
@given(st.data())
def test_rows_in_equal_rows_out_in_input_order(data: st.DataObject) -> None:
    plan = data.draw(st.one_of(plans(), schemes()))
    rows = data.draw(rows_for(plan, min_rows=1, max_rows=8))
    out = table(plan, rows)
    assert len(out) == len(rows)
    assert out["rep_id"].tolist() == [r["rep_id"] for r in rows]  # "007" stays text "007"
    assert out["period"].tolist() == [r["period"] for r in rows]
    names = []
    for p in (plan["plans"].values() if "plans" in plan else [plan]):
        names += [c["name"] for c in p["components"] if c["name"] not in names]
    keys = ["rep_id", "period"] + [k for k in ("role", "team") if k in rows[0]]
    assert list(out.columns[:len(keys)]) == keys
    assert set(out.columns) == set(keys) | set(names) | set(MONEY)
    assert list(out.columns[-4:]) == ["cap_adjustment", "floor_adjustment", "variable", "total"]
    if "role" in rows[0]:
        assert out["role"].tolist() == [r["role"] for r in rows]
    if "team" in rows[0]:
        assert out["team"].tolist() == [r["team"] for r in rows]
    # parts add up (unrounded)
    parts = out["base"].to_numpy(float) + out[["cap_adjustment", "floor_adjustment"]].to_numpy(float).sum(axis=1)
    parts = parts + np.nan_to_num(out[names].to_numpy(float)).sum(axis=1)
    np.testing.assert_allclose(parts, out["total"].to_numpy(float), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(out["variable"].to_numpy(float),
                               out["total"].to_numpy(float) - out["base"].to_numpy(float), rtol=1e-9, atol=1e-6)


def test_input_index_and_frame_are_left_alone() -> None:
    plan = {"name": "p", "base": 100, "targets": {"deals": 4},
            "components": [{"name": "b", "kind": "bonus", "metric": "deals", "amount": 1000,
                            "curve": {"points": [[0, 0], [1, 1]]}}]}
    df = pd.DataFrame({"rep_id": ["007", "B", "A"], "period": ["2026-02", "2026-01", "2026-01"],
                       "deals": [4.0, 2.0, 1.0]}, index=[10, 3, 7])
    before = df.copy()
    out = kpilab.evaluate(kpilab.Plan.from_dict(plan), df).table
    pd.testing.assert_frame_equal(df, before)
    assert out["rep_id"].tolist() == ["007", "B", "A"]
    assert out["b"].tolist() == [1000.0, 500.0, 250.0]
    assert out["total"].tolist() == [1100.0, 600.0, 350.0]


@SETTINGS
@given(st.data())
def test_scenarios_are_evaluated_each_on_its_own(data: st.DataObject) -> None:
    plan = data.draw(plans(kinds=["team", "bonus", "commission", "penalty"]))
    n = data.draw(st.integers(2, 3))
    per = [data.draw(rows_for(plan, min_rows=1, max_rows=5)) for _ in range(n)]
    long = [{"scenario": s, **r} for s, rows in enumerate(per) for r in rows]
    out = table(plan, long)
    assert out.columns[:3].tolist() == ["rep_id", "period", "scenario"] or \
        out.columns[:3].tolist() == ["scenario", "rep_id", "period"]
    assert out["scenario"].tolist() == [r["scenario"] for r in long]
    start = 0
    for s, rows in enumerate(per):
        alone = table(plan, rows)
        part = out.iloc[start:start + len(rows)]
        start += len(rows)
        for col in alone.columns:
            if col in ("rep_id", "period", "team"):
                assert part[col].tolist() == alone[col].tolist()
            else:
                np.testing.assert_allclose(part[col].to_numpy(float), alone[col].to_numpy(float),
                                           rtol=1e-12, atol=1e-9, err_msg=f"scenario {s} {col}")


def test_scenario_team_sums_do_not_mix() -> None:
    plan = {"name": "team", "target_bonus": 10000, "targets": {"deals": 10},
            "components": [{"name": "t", "kind": "team", "metric": "deals", "share": 1,
                            "curve": {"points": [[0, 0], [2, 2]]}}]}
    rows = [{"scenario": 0, "rep_id": "A", "period": "p", "deals": 10.0},
            {"scenario": 0, "rep_id": "B", "period": "p", "deals": 20.0},
            {"scenario": 1, "rep_id": "A", "period": "p", "deals": 0.0},
            {"scenario": 1, "rep_id": "B", "period": "p", "deals": 5.0}]
    out = table(plan, rows)
    assert out["t"].tolist() == [15000.0, 15000.0, 2500.0, 2500.0]


def _cents(x: float) -> int:
    """Integer kopecks of an already-rounded amount."""
    return int(round(x * 100))


@SETTINGS
@given(st.data())
def test_rounded_parts_add_up_to_the_rounded_total(data: st.DataObject) -> None:
    """Section 8: kopecks, half away from zero, the rounded parts add up, variable = total - base."""
    plan = data.draw(st.one_of(plans(), schemes()))
    rows = data.draw(rows_for(plan))
    pay = kpilab.evaluate(build(plan), pd.DataFrame(rows))
    raw, rnd = pay.table, pay.rounded()
    names = list(pay.component_names)
    money = ["base", *names, "cap_adjustment", "floor_adjustment", "variable", "total"]
    for k in range(len(rows)):
        r = rnd.iloc[k]
        vals = {c: float(r[c]) for c in money if not np.isnan(float(r[c]))}
        for c, v in vals.items():
            assert abs(v * 100 - round(v * 100)) < 1e-6, f"{c}={v!r} is not in kopecks"
        parts = sum(_cents(vals[c]) for c in vals if c not in ("variable", "total"))
        assert parts == _cents(vals["total"])
        assert _cents(vals["variable"]) == _cents(vals["total"]) - _cents(vals["base"])
        assert abs(vals["total"] - float(raw.iloc[k]["total"])) <= 0.005 + 1e-9
        assert vals["base"] == round(float(raw.iloc[k]["base"]), 2)


def test_rounding_is_half_away_from_zero() -> None:
    plan = {"name": "halves", "targets": {"deals": 1},
            "components": [{"name": "b", "kind": "bonus", "metric": "deals", "amount": 0.125,
                            "curve": {"points": [[0, 0], [1, 1]]}},
                           {"name": "fine", "kind": "penalty", "metric": "missed_calls", "per_unit": 0.375}],
            "limits": {"floor": "none"}}
    rows = [{"rep_id": "A", "period": "p", "deals": 1.0, "missed_calls": 1.0}]
    r = kpilab.evaluate(kpilab.Plan.from_dict(plan), pd.DataFrame(rows)).rounded().iloc[0]
    # 0.125 -> 0.13, -0.375 -> -0.38; total -0.25 stays -0.25 and the parts must still add up:
    # the kopeck of difference goes to the part with the largest absolute value (the fine)
    assert float(r["total"]) == -0.25
    assert float(r["b"]) == 0.13
    assert float(r["fine"]) == -0.38
    assert float(r["variable"]) == -0.25
    # 0.125 + 0.375 = 0.5: rounded alone 0.13 + 0.38 = 0.51, so the kopeck comes off the larger part
    plan["components"][1] = {"name": "fine", "kind": "bonus", "metric": "deals", "amount": 0.375,
                             "curve": {"points": [[0, 0], [1, 1]]}}
    r = kpilab.evaluate(kpilab.Plan.from_dict(plan), pd.DataFrame(rows)).rounded().iloc[0]
    assert (float(r["b"]), float(r["fine"]), float(r["total"])) == (0.13, 0.37, 0.5)
