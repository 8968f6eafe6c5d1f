"""The period-aware engine agrees with the month-by-month reference (``tests/reference.py``,
``reference_periods``) on random plans that pay across months.

Hypothesis draws a plan (components that pay monthly, quarterly or yearly, with or without a true-up, and
any mix of draw, sanction, clawback at a rate or on earnings, holdback after N months or on collection,
ramp and proration by days or by hire and leave dates in calendar or working days), or two such plans
as versions over time, and a seed; the seed draws the histories: several scenarios of one or two reps
over up to eight months, possibly across a year end, with months missing, hire and leave dates,
collections, cancellations of an earlier month's revenue, and the rows shuffled. Each scenario is one multi-period case; 125 plans × 16
scenarios = 2,000 cases.
"""

from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, os.path.dirname(__file__))

import kpilab  # noqa: E402
from reference import reference_periods  # noqa: E402

TOL = 1e-6
SCENARIOS = 16
EXAMPLES = 125

TIMING = st.sampled_from([{}, {}, {"period": "quarter"}, {"period": "year"}, {"true_up": True},
                          {"period": "quarter", "true_up": True}, {"period": "quarter", "true_up": "allow_negative"}])


@st.composite
def component(draw: st.DrawFn, i: int) -> dict:
    kind = draw(st.sampled_from(["bonus", "commission", "scorecard", "penalty"]))
    name = f"c{i}"
    if kind == "bonus":
        money = draw(st.sampled_from([{"amount": 5000}, {"amount": 12000}, {"share": 0.5}, {"share": 1}]))
        curve = draw(st.sampled_from([{"points": [[0.5, 0], [1, 1], [1.5, 2]]},
                                      {"steps": [[0.8, 0.5], [1, 1], [1.2, 1.5]]},
                                      {"points": [[0, 0], [1, 1]], "extend": True}]))
        comp = {"name": name, "kind": "bonus", "metric": draw(st.sampled_from(["deals", "revenue"])),
                **money, "curve": curve}
    elif kind == "commission":
        comp = {"name": name, "kind": "commission", "metric": "revenue"}
        comp.update(draw(st.sampled_from([{"rate": 0.05}, {"tiers": [{"from": 0, "rate": 0.03},
                                                                     {"from": 100000, "rate": 0.06}]},
                                          {"tiers": [{"from": 0.5, "rate": 0.02}, {"from": 1, "rate": 0.05}],
                                           "tiers_on": "attainment"},
                                          {"tiers": [{"from": 50000, "rate": 0.04}], "method": "retroactive",
                                           "cap": 9000}])))
    elif kind == "scorecard":
        comp = {"name": name, "kind": "scorecard", "share": 1,
                "kpis": {"deals": {"weight": 0.6, "curve": {"points": [[0, 0], [1, 1], [2, 1.5]]}},
                         "crm_quality": {"weight": 0.4, "basis": "value",
                                         "curve": {"steps": [[0.5, 0.5], [0.8, 1]]}}}}
    else:
        comp = {"name": name, "kind": "penalty", "metric": "missed", "per_unit": 500, "free": 1}
        comp.update(draw(st.sampled_from([{}, {"period": "quarter"}])))
        return comp
    comp.update(draw(TIMING))
    return comp


@st.composite
def period_plans(draw: st.DrawFn) -> dict:
    n = draw(st.integers(1, 3))
    plan = {"name": "p", "base": draw(st.sampled_from([0, 30000])),
            "target_bonus": draw(st.sampled_from([0, 20000])),
            "targets": {"deals": 10, "revenue": 100000},
            "components": [draw(component(i)) for i in range(n)]}
    if draw(st.booleans()):
        plan["gates"] = [{"applies_to": "all", "when": {"metric": "deals", "at_least": 2}}]
    floor = draw(st.sampled_from(["base", "none", 35000]))
    plan["limits"] = {"floor": floor}
    if draw(st.booleans()):
        plan["aggregation"] = {"crm_quality": draw(st.sampled_from(["mean", "last", "min", "max"]))}
    if draw(st.booleans()):
        plan["draw"] = {"amount": draw(st.sampled_from([1000, 8000, 15000])), "recoverable": draw(st.booleans())}
    if draw(st.booleans()):
        plan["sanction"] = {"per_sanction": draw(st.sampled_from([0.25, 1])),
                            "limit": draw(st.sampled_from([0.1, 0.2])),
                            "limit_of": draw(st.sampled_from(["wage", "base"]))}
    if draw(st.booleans()):
        plan["clawback"] = draw(st.sampled_from([{"rate": 0.02}, {"rate": 0.05}, {"basis": "earnings"}]))
    if draw(st.booleans()):
        plan["holdback"] = draw(st.sampled_from([
            {"share": 0.2, "release_after": 1}, {"share": 0.5, "release_after": 2}, {"share": 0.2, "release_after": 3},
            {"share": 0.3, "release_on": "collection"}]))
    if draw(st.booleans()):
        plan["ramp"] = {"schedule": [0.5, 0.8], "guarantee": draw(st.sampled_from([0, 5000]))}
    if draw(st.booleans()):
        plan["proration"] = draw(st.sampled_from([{"days": "calendar"}, {"days": "working"},
                                                  {"days": "working", "holidays": ["2026-01-01", "2026-01-02",
                                                                                   "2026-03-09", "2026-05-01"]}]))
    return plan


def _quarterly(plan: dict) -> bool:
    return any(c.get("period") == "quarter" for c in plan["components"])


@st.composite
def any_plans(draw: st.DrawFn) -> dict:
    """A plan, or (one time in three) two plan versions, the second from a month of 2026-2027 (a quarter's
    first month when either version pays by quarter)."""
    first = draw(period_plans())
    if draw(st.integers(0, 2)) > 0:
        return first
    second = draw(period_plans())
    months = range(2026 * 12, 2027 * 12 + 6, 3 if _quarterly(first) or _quarterly(second) else 1)
    m = draw(st.sampled_from(list(months)))
    return {"name": "versions", "versions": [{"from": "2025-01", "plan": first},
                                             {"from": f"{m // 12}-{m % 12 + 1:02d}", "plan": second}]}


def histories(seed: int) -> pd.DataFrame:
    """Scenarios × reps × months from a seed: values near the plan's boundaries, gaps, shuffled rows."""
    rng = np.random.default_rng(seed)
    rows = []
    for scen in range(SCENARIOS):
        start = int(rng.integers(0, 12))
        length = int(rng.integers(1, 9))
        for rep in ("A", "B")[: int(rng.integers(1, 3))]:
            first_m, last_m = 2026 * 12 + start, 2026 * 12 + start + length - 1
            # hired in the first month (or before), maybe leaving in the last: never a month with no day worked
            hire = f"{first_m // 12}-{first_m % 12 + 1:02d}-{int(rng.integers(1, 15)):02d}" \
                if rng.random() < 0.5 else "2025-06-02"
            leave = f"{last_m // 12}-{last_m % 12 + 1:02d}-{int(rng.integers(15, 29)):02d}" \
                if rng.random() < 0.3 else np.nan
            booked: list[str] = []
            for k in range(length):
                if length > 1 and rng.random() < 0.15:
                    continue  # a month the rep was not on the team
                m = 2026 * 12 + start + k
                row = {"scenario": scen, "rep_id": rep, "period": f"{m // 12}-{m % 12 + 1:02d}",
                       "deals": float(rng.choice([0, 1, 2, 5, 8, 10, 12, 15, 20])),
                       "revenue": float(rng.choice([0, 40000, 50000, 99999.99, 100000, 150000, 260000])),
                       "missed": float(rng.integers(0, 6)), "crm_quality": float(rng.choice([0.3, 0.5, 0.8, 0.95])),
                       "sanction": float(rng.choice([0, 0, 0, 1, 2])),
                       "cancelled_revenue": float(rng.choice([0, 0, 0, 50000, 300000])),
                       "tenure_months": float(rng.choice([0, 1, 2, 5, np.nan])),
                       "days_worked": np.nan, "days_in_period": np.nan}
                if rng.random() < 0.3:
                    row["days_in_period"] = 30.0
                    row["days_worked"] = float(rng.integers(1, 31))
                row["hire_date"], row["leave_date"] = hire, leave
                row["collected_revenue"] = float(rng.choice([0, 0, 30000, 100000, 400000]))
                row["cancelled_period"] = str(rng.choice(booked)) if booked and rng.random() < 0.5 else ""
                booked.append(row["period"])
                rows.append(row)
    if not rows:
        rows.append({"scenario": 0, "rep_id": "A", "period": "2026-01", "deals": 1.0, "revenue": 1.0, "missed": 0.0,
                     "crm_quality": 0.5, "sanction": 0.0, "cancelled_revenue": 0.0, "tenure_months": np.nan,
                     "days_worked": np.nan, "days_in_period": np.nan, "hire_date": np.nan, "leave_date": np.nan,
                     "collected_revenue": 0.0, "cancelled_period": ""})
    frame = pd.DataFrame(rows)
    if seed % 3 == 0:
        frame = frame.drop(columns=["tenure_months"])  # tenure from hire_date
    return frame.sample(frac=1.0, random_state=seed % (2**32)).reset_index(drop=True)


def assert_agrees(plan: dict, frame: pd.DataFrame) -> None:
    table = kpilab.evaluate(kpilab.load_plan(plan), frame).table
    want = reference_periods(plan, frame.to_dict("records"))
    for i, ref in enumerate(want):
        for col, value in ref.items():
            got = float(table[col].iloc[i]) if col in table.columns else 0.0
            assert abs(got - value) <= TOL + TOL * abs(value), (
                f"row {i} ({frame['scenario'].iloc[i]}, {frame['rep_id'].iloc[i]}, {frame['period'].iloc[i]}) "
                f"{col}: engine {got!r}, reference {value!r}")


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(any_plans(), st.integers(0, 2**31 - 1))
def test_engine_agrees_with_reference_across_months(plan: dict, seed: int) -> None:
    assert_agrees(plan, histories(seed))


def test_case_count() -> None:
    """The acceptance asks for at least 2,000 multi-period cases."""
    assert EXAMPLES * SCENARIOS >= 2000
