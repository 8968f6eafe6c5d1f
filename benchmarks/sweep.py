"""Sweep throughput in steady state: resolve once, pay many, on 1 and 2 local Dask workers, against a
hand-written numpy kernel of the same plan.

For a 5-KPI plan with tiers, a gate, a modifier, a penalty, a cap and a floor
(``PLAN`` below) on 50 reps × 12 months × 200 simulated years (120,000 rows),
it prints:

1. the rate of the resolved-view engine in this process
   (:func:`kpilab.engine.pay_resolved`, one core) and of a hand-written numpy
   kernel of the same plan measured in the same run, and their ratio
   (goal >= 1: "at least the kernel's rate per core");
2. the steady-state rate of :func:`kpilab.sweep`'s :class:`~kpilab.analysis.sweep.Sweeper`
   on a LocalCluster of 1 and of 2 worker processes (one thread each, BLAS at one
   thread, the view scattered once to every worker), and the 2-worker / 1-worker
   ratio (goal >= 1.6). Both clusters are started, and every worker has imported
   kpilab, received the view and paid every candidate once, before any timing:
   the figure is throughput once running, not start-up. The two clusters are timed
   in alternation, best of ``--rounds``, so a change of machine load hits both;
3. what the workers reach when they only compute (the same loop run inside each
   worker at once, no scheduling), so the share lost to scheduling and moving
   plans and figures can be told from the share lost to the machine.

A rate is rep-month-scenario evaluations per second: candidates × rows / seconds.
Each task pays a chunk of candidates (:func:`~kpilab.analysis.sweep.chunk_size`)
and returns a few figures per candidate, not pay arrays.

The 6-parameter optimisation is timed by ``benchmarks/optimize_6params.py``.

Run: ``.venv/bin/python benchmarks/sweep.py [--reps 50] [--scenarios 200] [--candidates 96] [--rounds 5]``
(about a minute on an idle 2-core machine).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

# One BLAS/OpenMP thread here too: every figure below is per core, like the workers'.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kpilab  # noqa: E402
from kpilab.analysis.sweep import WORKER_ENVIRON, Sweeper, chunk_size, payroll_figures  # noqa: E402
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


def compute_only(view, candidates) -> float:
    """Seconds to pay every candidate inside a worker, with no scheduling (runs on the worker)."""
    start = time.perf_counter()
    for c in candidates:
        payroll_figures(c, pay_resolved(c, view), view)
    return time.perf_counter() - start


def load() -> str:
    """The load average, and a warning when other work shares the cores.

    With the kernel's autogroup scheduling (``/proc/sys/kernel/sched_autogroup_enabled`` = 1, the
    default of most distributions) the CPU is shared fairly between sessions, not processes: while
    other sessions keep the cores busy, a second worker of this session takes its time from the first
    instead of from them, and the 2/1 ratio tends to 1. Only a run on an idle machine measures scaling.
    """
    avg = os.getloadavg()
    text = "load average " + ", ".join(f"{x:.2f}" for x in avg)
    try:
        autogroup = Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        autogroup = False
    if avg[0] > 0.5 * (os.cpu_count() or 1):
        text += (" - the machine is busy" + (" and shares the CPU by session (autogroup)" if autogroup else "")
                 + ": the 2/1 ratio below is not the machine's; rerun it idle")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--candidates", type=int, default=96)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"start: {load()} on {os.cpu_count()} cores")

    data = kpilab.make_scenarios(args.reps, 12, args.scenarios, seed=1)
    rows = len(data)
    plan = kpilab.Plan.from_dict(PLAN)
    candidates = [set_at(plan, "target_bonus", float(tb)) for tb in np.linspace(30000, 90000, args.candidates)]
    view = resolve_team(plan, data)
    cols = view.columns
    facts = {m: cols.facts[m] for m in (*KPIS, "revenue", "crm_quality", "missed_calls")}
    targets = {m: cols.targets[m] for m in KPIS}
    n_eval = len(candidates) * rows
    print(f"table: {args.reps} reps x 12 months x {args.scenarios} scenarios = {rows:,} rows; "
          f"{len(candidates)} candidates = {n_eval / 1e6:.1f} M evaluations per sweep")

    # The kernel computes the engine's numbers (the engine's boundary sliver aside).
    check = pay_resolved(candidates[3], view)["total"]
    mine = kernel(facts, targets, candidates[3].target_bonus)
    print(f"kernel vs engine: max |difference| {np.max(np.abs(check - mine)):.2e} RUB per row")

    engine_s = best_of(args.rounds, lambda: [pay_resolved(c, view)["total"].sum() for c in candidates])
    kernel_s = best_of(args.rounds, lambda: [kernel(facts, targets, c.target_bonus).sum() for c in candidates])
    engine_rate, kernel_rate = n_eval / engine_s, n_eval / kernel_s

    import dask
    from distributed import Client, LocalCluster, wait

    logging.getLogger("distributed").setLevel(logging.ERROR)  # the clusters' start and stop chatter

    sizes = (1, 2)
    with dask.config.set(WORKER_ENVIRON):
        clusters = {w: LocalCluster(n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None,
                                    silence_logs=logging.ERROR) for w in sizes}
    clients = {w: Client(clusters[w]) for w in sizes}
    sweepers = {w: Sweeper(view, payroll_figures, client=clients[w]) for w in sizes}
    try:
        for w in sizes:  # warm-up, untimed: imports, the view on every worker, the allocator's arenas
            sweepers[w].run(candidates)
        best = {w: float("inf") for w in sizes}
        for _ in range(args.rounds):  # alternate, so a change of load hits both sizes
            for w in sizes:
                start = time.perf_counter()
                sweepers[w].run(candidates)
                best[w] = min(best[w], time.perf_counter() - start)
        rates = {w: n_eval / best[w] for w in sizes}
        # the same work with no scheduling at all: each worker loops over its share at the same moment
        compute = {}
        for w in sizes:
            workers = list(clients[w].scheduler_info()["workers"])
            shares = [candidates[i::w] for i in range(w)]
            seconds = []
            for _ in range(2):
                futures = [clients[w].submit(compute_only, sweepers[w]._view, share, workers=[addr], pure=False)
                           for addr, share in zip(workers, shares)]
                wait(futures)
                seconds.append(max(f.result() for f in futures))
            compute[w] = n_eval / min(seconds)
    finally:
        for w in sizes:
            sweepers[w].close()
            clients[w].close()
            clusters[w].close()

    print()
    print("| measure | rate, M evaluations/s | ratio | goal |")
    print("|---|---|---|---|")
    print(f"| engine in this process, one core | {engine_rate / 1e6:.2f} | | |")
    print(f"| hand-written numpy kernel, one core | {kernel_rate / 1e6:.2f} | | |")
    print(f"| engine / kernel | | {engine_rate / kernel_rate:.2f} | >= 1 |")
    for w in sizes:
        lost = 1.0 - rates[w] / compute[w]
        print(f"| sweep, {w} worker(s), steady state (chunk {chunk_size(len(candidates), w, rows)}) | "
              f"{rates[w] / 1e6:.2f} | | |")
        print(f"| the same {w} worker(s) computing only | {compute[w] / 1e6:.2f} | scheduling and transfer "
              f"{100 * lost:.1f} % | < 5 % |")
    print(f"| 2 workers / 1 worker | | {rates[2] / rates[1]:.2f} | >= 1.6 |")
    print(f"| 2 workers / kernel on one core | | {rates[2] / kernel_rate:.2f} | |")
    print(f"\nend: {load()}")


if __name__ == "__main__":
    main()
