"""Time make_scenarios: 1,000 scenarios x 50 reps x 12 months (best of 3).

Run: ``python benchmarks/scenarios.py``. Goal: <= 5 s on a 2-core machine.
"""

from __future__ import annotations

import time

from kpilab.data.synth import make_scenarios


def main(n_scenarios: int = 1000, n_reps: int = 50, periods: int = 12, repeat: int = 3) -> float:
    best = float("inf")
    for i in range(repeat):
        t0 = time.perf_counter()
        frame = make_scenarios(n_reps, periods, n_scenarios, seed=i)
        best = min(best, time.perf_counter() - t0)
    print(f"make_scenarios({n_reps} reps, {periods} months, {n_scenarios} scenarios): "
          f"{len(frame):,} rows, best of {repeat}: {best:.2f} s")
    return best


if __name__ == "__main__":
    main()
