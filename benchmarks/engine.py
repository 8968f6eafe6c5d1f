"""Engine speed: the balanced KPI plan on 1,000,000 rows.

Prints rows per second of ``kpilab.evaluate`` (best of 5, validation and the
output table included) and the ratio to the per-row reference evaluator of
``tests/reference.py`` (timed on a subsample, since it is plain Python).

Run: ``.venv/bin/python benchmarks/engine.py [--rows N]``
Goal (issue 2): >= 5,000,000 rows/s and >= 100x the reference on 2 cores.
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args()

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


if __name__ == "__main__":
    main()
