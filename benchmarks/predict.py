"""How long `predict` takes for 50 reps x 12 months x 200 simulated years (goal: at most 10 s on 2 cores).

Run: ``PYTHONPATH=. python benchmarks/predict.py``. Prints the time of each
run, the best, and its ratio to the 10 s goal; also the time of the one
engine pass of the same size (``evaluate`` on the stacked table) as the
reference of what a single payout costs.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import kpilab
from kpilab.analysis.response import predict

GOAL_SECONDS = 10.0


def main(repeats: int = 2) -> None:
    team = kpilab.make_team(50, 12, seed=1)
    current = kpilab.load_plan("data/plans/balanced_kpi.yaml")
    new = kpilab.load_plan("data/plans/tiered_commission.yaml")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = predict(current, new, team, scenarios=200, seed=0)
        times.append(time.perf_counter() - start)
    stacked = pd.concat([team.assign(scenario=s) for s in range(200)], ignore_index=True)
    start = time.perf_counter()
    kpilab.evaluate(new, stacked)
    engine = time.perf_counter() - start
    best = min(times)
    print(f"predict 50 reps x 12 months x 200 scenarios: runs {', '.join(f'{t:.2f}' for t in times)} s; "
          f"best {best:.2f} s = {best / GOAL_SECONDS:.2f} x the {GOAL_SECONDS:.0f} s goal")
    print(f"one evaluate() of the same 120 000 rows: {engine:.2f} s; predict = {best / engine:.1f} x that")
    print(f"team revenue change (centre): {result.team.loc['revenue', 'change']:+.1%}, "
          f"range {result.team.loc['revenue', 'low'] / result.team.loc['revenue', 'baseline'] - 1:+.1%} "
          f"to {result.team.loc['revenue', 'high'] / result.team.loc['revenue', 'baseline'] - 1:+.1%}")
    assert np.isfinite(best)


if __name__ == "__main__":
    main()
