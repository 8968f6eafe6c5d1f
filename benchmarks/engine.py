"""Engine speed: the balanced KPI plan on 1,000,000 rows.

Prints rows per second of ``kpilab.evaluate`` (best of 5, validation and the
output table included) and the ratio to the per-row reference evaluator of
``tests/reference.py`` (timed on a subsample, since it is plain Python).

Then the speed with carried state (issue 14, pay across months): the same plan with a recoverable
draw, with a quarterly bonus, with a quarterly true-up, and with every carried mechanic at once
(draw, sanction, clawback, holdback), each against the plan paid row by row on the same rows
(runs interleaved, best of N, so a busy machine slows both alike).

Run: ``.venv/bin/python benchmarks/engine.py [--rows N] [--carried-repeat N]``
Goal (issue 2): >= 5,000,000 rows/s and >= 100x the reference on 2 cores.
Goal (issue 14): carried state within 1.5x of the per-row time on 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import kpilab  # noqa: E402
from reference import reference_table  # noqa: E402

PLAN = ROOT / "data" / "plans" / "balanced_kpi.yaml"


def make_rows(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """A long table of scenario × rep × month with plausible activity and sales."""
    rng = np.random.default_rng(seed)
    n_reps, n_months = 50, 12
    n_scen = -(-n_rows // (n_reps * n_months))
    scenario = np.repeat(np.arange(n_scen), n_reps * n_months)[:n_rows]
    rep = np.tile(np.repeat(np.array([f"R{i:03d}" for i in range(n_reps)], dtype=object), n_months), n_scen)[:n_rows]
    period = np.tile(np.array([f"2026-{m:02d}" for m in range(1, 13)], dtype=object), n_reps * n_scen)[:n_rows]
    frame = pd.DataFrame({"scenario": scenario, "rep_id": rep, "period": period})
    for metric, mean in {"calls": 800, "meetings": 20, "emails": 150, "follow_ups": 60, "deals": 8}.items():
        frame[metric] = rng.poisson(mean * rng.uniform(0.5, 1.5, n_rows)).astype(float)
    frame["revenue"] = np.round(rng.lognormal(np.log(1.1e6), 0.4, n_rows), 2)
    return frame


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reference-rows", type=int, default=5_000)
    parser.add_argument("--carried-repeat", type=int, default=7)
    parser.add_argument("--carried-only", action="store_true",
                        help="only the carried-state ratios (issue 14), well under two minutes")
    args = parser.parse_args()
    if args.carried_only:
        carried_state(yaml.safe_load(PLAN.read_text()), make_rows(args.rows), args.carried_repeat)
        return

    plan_dict = yaml.safe_load(PLAN.read_text())
    plan = kpilab.Plan.from_dict(plan_dict)
    frame = make_rows(args.rows)
    kpilab.evaluate(plan, frame.head(1000))  # warm-up
    seconds = best_of(lambda: kpilab.evaluate(plan, frame), 7)
    engine_rate = args.rows / seconds

    sub = frame.head(args.reference_rows)
    records = sub.to_dict("records")
    ref_seconds = best_of(lambda: reference_table(plan_dict, records), 5)
    ref_rate = len(records) / ref_seconds

    # The two must agree on the subsample, or the ratio means nothing.
    ours = kpilab.evaluate(plan, sub).table["total"].to_numpy()
    theirs = np.array([r["total"] for r in reference_table(plan_dict, records)])
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-6)

    print(f"plan: {plan.name} ({PLAN.name})")
    print(f"rows: {args.rows:,}")
    print(f"engine: {seconds * 1000:.0f} ms best of 7 = {engine_rate:,.0f} rows/s")
    print(f"reference: {ref_rate:,.0f} rows/s (on {len(records):,} rows)")
    print(f"ratio engine/reference: {engine_rate / ref_rate:,.0f}x")
    print(f"goal: >= 5,000,000 rows/s and >= 100x: "
          f"{'met' if engine_rate >= 5e6 and engine_rate / ref_rate >= 100 else 'NOT met'}")
    carried_state(plan_dict, frame, args.carried_repeat)


def carried_state(plan_dict: dict, frame: pd.DataFrame, repeat: int) -> None:
    """Per-row pay against pay with carried state (contract section 10) on the same rows."""
    rng = np.random.default_rng(1)
    frame = frame.assign(sanction=(rng.random(len(frame)) < 0.02).astype(float),
                         cancelled_revenue=np.where(rng.random(len(frame)) < 0.05, frame["revenue"] * 0.3, 0.0))
    quarterly = {"name": "sales_quarter", "kind": "bonus", "metric": "revenue", "amount": 20000,
                 "curve": {"points": [[0.8, 0.5], [1, 1], [1.5, 2]]}, "period": "quarter"}
    variants = {
        "draw (recoverable)": {**plan_dict, "draw": {"amount": 20000, "recoverable": True}},
        "quarterly bonus": {**plan_dict, "components": plan_dict["components"] + [quarterly]},
        "quarterly true-up": {**plan_dict, "components": plan_dict["components"] + [{**quarterly, "true_up": True}]},
        "draw+sanction+clawback+holdback": {**plan_dict, "draw": {"amount": 20000}, "sanction": {"per_sanction": 0.5},
                                           "clawback": {"rate": 0.03}, "holdback": {"share": 0.2, "release_after": 2}},
    }
    # The quarterly variants pay one more component: their per-row counterpart pays it monthly.
    monthly = {**plan_dict, "components": plan_dict["components"] + [{k: v for k, v in quarterly.items()
                                                                      if k != "period"}]}
    plans = {"per row": kpilab.Plan.from_dict(plan_dict), "per row, sales bonus monthly": kpilab.Plan.from_dict(monthly)}
    plans.update({name: kpilab.Plan.from_dict(v) for name, v in variants.items()})
    # A plan change in July: two versions of the per-row plan (the second with a higher target bonus).
    plans["plan versions (July)"] = kpilab.load_plan({"name": "v", "versions": [
        {"from": "2026-01", "plan": plan_dict},
        {"from": "2026-07", "plan": {**plan_dict, "target_bonus": plan_dict.get("target_bonus", 0) * 1.1}}]})
    against = {name: "per row, sales bonus monthly" if name.startswith("quarterly") else "per row" for name in plans}
    best = {name: np.inf for name in plans}
    for _ in range(repeat):
        for name, p in plans.items():
            start = time.perf_counter()
            kpilab.evaluate(p, frame)
            best[name] = min(best[name], time.perf_counter() - start)
    print(f"carried state on {len(frame):,} rows (best of {repeat}, interleaved; load average "
          f"{os.getloadavg()[0]:.1f}):")
    for name, seconds in best.items():
        ratio = seconds / best[against[name]]
        print(f"  {name:<34} {seconds * 1000:7.0f} ms  ratio {ratio:4.2f}x (against {against[name]})")
    ratios = {name: best[name] / best[against[name]] for name in plans if not name.startswith("per row")}
    worst = max(ratios, key=ratios.get)
    print(f"goal: every carried variant within 1.5x of its per-row time: "
          f"{'met' if ratios[worst] <= 1.5 else 'NOT met'} (worst {ratios[worst]:.2f}x, {worst})")


if __name__ == "__main__":
    main()
