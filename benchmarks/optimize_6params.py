"""Wall time of a 6-parameter optimisation of a 50 reps × 12 months × 200 scenarios problem (goal: <= 120 s).

Balanced KPI, six free numbers (target bonus, two component shares, two points
of the payout curve, the gate threshold), every verdict criterion, monotone
pay and no rep losing more than 15 % as constraints, payroll minimised by
seeded differential evolution with ``--budget`` candidates, paid in this
process (``--workers 2``: on a local Dask cluster). The time includes
everything ``optimize`` does: resolving the team once, the team profile,
every candidate (paid, scored in chunks, the verdict figures vectorised
across the chunk's candidates) and the final verdict by ``differentiation``.

Run: ``.venv/bin/python benchmarks/optimize_6params.py [--budget 1000] [--workers 0]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kpilab  # noqa: E402
from kpilab.analysis.optimize import optimize  # noqa: E402
from kpilab.analysis.sweep import INLINE  # noqa: E402

FREE = {"target_bonus": [30000, 70000], "components[0].share": [0.05, 0.3], "components[1].share": [0.1, 0.3],
        "components[2].curve.points[0][1]": [0.0, 0.6], "components[2].curve.points[2][1]": [2.0, 4.0],
        "gates[0].when.at_least": [800000, 1100000]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--budget", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=0, help="0: in this process; N: a local Dask cluster")
    args = parser.parse_args()
    print("start: load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    data = kpilab.make_scenarios(args.reps, 12, args.scenarios, seed=1)
    plan = kpilab.datasets.load_plan("balanced_kpi")
    start = time.perf_counter()
    result = optimize(plan, data, FREE, seed=1, budget=args.budget, constraints={"max_loss": 0.15},
                      client=INLINE if args.workers == 0 else None, workers=args.workers or None)
    seconds = time.perf_counter() - start
    after = result.best_figures.get("payroll", float("nan"))
    print(f"6-parameter optimisation, {args.reps} x 12 x {args.scenarios} = {len(data):,} rows: "
          f"{result.evaluations} candidates in {seconds:.1f} s ({1000 * seconds / result.evaluations:.0f} ms "
          f"per candidate; goal <= 120 s)")
    print(f"payroll {result.start_figures['payroll']:,.0f} -> {after:,.0f}; verdict of the best plan: "
          f"{'pass' if result.verdict.passed else 'fail'}")
    print("end: load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
