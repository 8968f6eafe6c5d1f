"""Sweep throughput: resolve once, pay many, on 1 and 2 local Dask workers, against a hand-written numpy kernel.

Prints, for a 5-KPI plan with tiers, a gate, a modifier, a penalty, a cap and
a floor (``PLAN`` below) on 50 reps × 12 months × 200 simulated years:

1. the rate of the resolved-view engine in this process
   (:func:`kpilab.engine.pay_resolved`, one core) and of a hand-written numpy
   kernel of the same plan measured in the same run, and their ratio
   (goal: >= 1, "at least the kernel's rate per core");
2. the rate of :func:`kpilab.sweep` on a LocalCluster of 1 and of 2 worker
   processes (one thread each; the view scattered once, the cluster already
   started and warmed up), and the 2-worker / 1-worker ratio (goal >= 1.6);
3. the wall time of a 6-parameter optimisation (differential evolution,
   ``--budget`` candidates) on the same 50 × 12 × 200 table (goal <= 120 s).

A rate is rep-month-scenario evaluations per second: candidates × rows / seconds.

Run: ``.venv/bin/python benchmarks/sweep.py [--reps 50] [--scenarios 200] [--candidates 64] [--budget 1000]``
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kpilab  # noqa: E402
from kpilab.analysis.optimize import optimize  # noqa: E402
from kpilab.analysis.sweep import WORKER_ENVIRON, Sweeper, payroll_figures  # noqa: E402
from kpilab.engine import pay_resolved, resolve_team  # noqa: E402
from kpilab.plan.paths import set_at  # noqa: E402

ACTIVITY = {"points": [[0.7, 0.5], [1.0, 1.0], [1.2, 1.1]]}
PLAN = {
    "name": "five kpis", "base": 45000, "target_bonus": 55000,
    "targets": {"calls": 800, "meetings": 20, "emails": 150, "follow_ups": 60},
    "components": [
        {"name": "activity", "kind": "scorecard", "share": 0.3, "kpis": {
            "calls": {"weight": 0.3, "curve": ACTIVITY}, "meetings": {"weight": 0.3, "curve": ACTIVITY},
            "emails": {"weight": 0.15, "curve": ACTIVITY}, "follow_ups": {"weight": 0.25, "curve": ACTIVITY}}},
        {"name": "sales", "kind": "commission", "metric": "revenue", "cap": 150000,
         "tiers": [{"from": 0, "rate": 0.01}, {"from": 1000000, "rate": 0.03}, {"from": 1500000, "rate": 0.05}]},
        {"name": "missed", "kind": "penalty", "metric": "missed_calls", "per_unit": 200, "free": 5, "cap": 5000},
    ],
    "gates": [{"applies_to": ["sales"], "when": {"metric": "revenue", "at_least": 600000}}],
    "modifiers": [{"applies_to": "all", "metric": "crm_quality", "basis": "value",
                   "curve": {"points": [[0.5, 0.8], [0.9, 1.0], [1.0, 1.1]]}}],
    "limits": {"variable_cap": {"share": 3}, "floor": "base"},
}
KPIS = ("calls", "meetings", "emails", "follow_ups")


def kernel(facts: dict[str, np.ndarray], targets: dict[str, np.ndarray], target_bonus: float) -> np.ndarray:
    """The same plan written by hand in numpy: total pay per row."""
    xs, ys = np.array([0.7, 1.0, 1.2]), np.array([0.5, 1.0, 1.1])
    weights = (0.3, 0.3, 0.15, 0.25)
    index = np.zeros(len(facts["revenue"]))
    for metric, weight in zip(KPIS, weights):
        index += weight * np.interp(facts[metric] / targets[metric], xs, ys, left=0.0)
    activity = 0.3 * target_bonus * index
    revenue = facts["revenue"]
    starts = np.array([0.0, 1e6, 1.5e6])
    slices = np.clip(revenue[:, None] - starts, 0.0, np.diff(starts, append=np.inf))
    sales = np.minimum(slices @ np.array([0.01, 0.03, 0.05]), 150000.0)
    sales = np.where(revenue >= 600000, sales, 0.0)
    factor = np.interp(facts["crm_quality"], [0.5, 0.9, 1.0], [0.8, 1.0, 1.1], left=0.0)
    earned = activity * factor + sales * factor
    earned = np.minimum(earned, 3 * target_bonus)
    penalty = np.minimum(200.0 * np.maximum(0.0, facts["missed_calls"] - 5), 5000.0)
    before = 45000.0 + earned - penalty
    return before + np.maximum(0.0, 45000.0 - before)


def best_of(runs: int, func) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--candidates", type=int, default=64)
    parser.add_argument("--budget", type=int, default=1000)
    args = parser.parse_args()

    data = kpilab.make_scenarios(args.reps, 12, args.scenarios, seed=1)
    rows = len(data)
    plan = kpilab.Plan.from_dict(PLAN)
    candidates = [set_at(plan, "target_bonus", float(tb)) for tb in np.linspace(30000, 90000, args.candidates)]
    view = resolve_team(plan, data)
    cols = view.columns
    facts = {m: cols.facts[m] for m in (*KPIS, "revenue", "crm_quality", "missed_calls")}
    targets = {m: cols.targets[m] for m in KPIS}
    print(f"table: {args.reps} reps x 12 months x {args.scenarios} scenarios = {rows:,} rows; "
          f"{len(candidates)} candidates; {os.cpu_count()} cores")

    # The kernel computes the engine's numbers (the engine's boundary sliver aside).
    check = pay_resolved(candidates[3], view)["total"]
    mine = kernel(facts, targets, candidates[3].target_bonus)
    print(f"kernel vs engine: max |difference| {np.max(np.abs(check - mine)):.2e} RUB per row")

    engine_s = best_of(3, lambda: [pay_resolved(c, view)["total"].sum() for c in candidates])
    kernel_s = best_of(3, lambda: [kernel(facts, targets, c.target_bonus).sum() for c in candidates])
    n_eval = len(candidates) * rows
    print(f"in process, one core: engine {n_eval / engine_s / 1e6:.2f} M/s, kernel {n_eval / kernel_s / 1e6:.2f} M/s, "
          f"engine / kernel = {kernel_s / engine_s:.2f}")

    import dask
    from distributed import Client, LocalCluster

    rates = {}
    for workers in (1, 2):
        with dask.config.set(WORKER_ENVIRON), LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            with Sweeper(view, payroll_figures, client=client, chunk=max(1, len(candidates) // (4 * workers))) as sw:
                sw.run(candidates[: 2 * workers])  # warm-up: workers import kpilab and receive the view
                seconds = best_of(3, lambda: sw.run(candidates))
        rates[workers] = n_eval / seconds
        print(f"sweep on {workers} local worker(s): {rates[workers] / 1e6:.2f} M evaluations/s "
              f"({len(candidates)} candidates in {seconds:.2f} s)")
    print(f"2 workers / 1 worker = {rates[2] / rates[1]:.2f}x (goal >= 1.6x)")

    balanced = kpilab.datasets.load_plan("balanced_kpi")
    free = {"target_bonus": [30000, 70000], "components[0].share": [0.05, 0.3], "components[1].share": [0.1, 0.3],
            "components[2].curve.points[0][1]": [0.1, 0.6], "components[2].curve.points[2][1]": [2.0, 4.0],
            "gates[0].when.at_least": [800000, 1100000]}
    start = time.perf_counter()
    result = optimize(balanced, data, free, seed=1, budget=args.budget, constraints={"max_loss": 0.15})
    seconds = time.perf_counter() - start
    after = result.best_figures.get("payroll", float("nan"))
    print(f"6-parameter optimisation, {args.reps} x 12 x {args.scenarios}: {result.evaluations} candidates in "
          f"{seconds:.1f} s (goal <= 120 s); payroll {result.start_figures['payroll']:,.0f} -> {after:,.0f}, "
          f"verdict {'pass' if result.verdict.passed else 'fail'}")


if __name__ == "__main__":
    main()
