"""Acceptance run: on the sample team, from Balanced KPI, the cheapest plan that passes every criterion robustly.

Two searches, seeded, on the sample team's 200 simulated years (the scenario
rule of kpilab), each criterion required in the observed year and in at least
90 % of the simulated years (``robust_share=0.9``), no rep losing more than 15 %
of monthly pay, pay monotone in every input:

* ``six``: the six numbers of the README (target bonus, two shares, two points
  of the revenue curve, the revenue gate);
* ``cheaper``: what the tuner's button moves (:func:`kpilab.analysis.optimize.cheaper_free`).

The ``--finalists`` best feasible plans are then judged by the full verdict
(bootstrap of the reps); the plan kept is the first whose verdict is "robust".

Prints payroll before and after, the verdict figures of the plan found, its
changes in plain words, the time and the load; writes the Pareto charts and the
plans found to ``--out`` (default ``artifacts/optimize``).

Run: ``.venv/bin/python benchmarks/optimize_sample.py [--budget 1000] [--scenarios 200]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kpilab  # noqa: E402
from kpilab import datasets  # noqa: E402
from kpilab.analysis.optimize import cheaper_free, optimize  # noqa: E402
from kpilab.data.scenarios import bootstrap_years  # noqa: E402

SIX = {"target_bonus": [30000, 70000], "components[0].share": [0.05, 0.3], "components[1].share": [0.1, 0.3],
       "components[2].curve.points[0][1]": [0.0, 0.6], "components[2].curve.points[2][1]": [2.0, 4.0],
       "gates[0].when.at_least": [800000, 1100000]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=1000)
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--finalists", type=int, default=10,
                        help="best feasible plans judged by the full verdict; the first robust one is kept")
    parser.add_argument("--out", default=str(ROOT / "artifacts" / "optimize"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    team = datasets.load_sample_team()
    plan = datasets.load_plan("balanced_kpi")
    years = bootstrap_years(team, args.scenarios, 1)
    start_verdict = kpilab.differentiation(kpilab.evaluate(plan, years), years)
    print("start: load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"Balanced KPI on {args.scenarios} simulated years of the sample team: verdict "
          f"{'pass' if start_verdict.passed else 'fail'}, payroll {start_verdict.metrics['payroll']:,.0f} RUB")
    import matplotlib.pyplot as plt

    from kpilab.plots import plot_pareto, save

    for name, free in (("six", SIX), ("cheaper", cheaper_free(plan))):
        started = time.perf_counter()
        result = optimize(plan, years, free, seed=1, budget=args.budget, robust_share=0.9,
                          constraints={"max_loss": 0.15}, finalists=args.finalists)
        seconds = time.perf_counter() - started
        before = result.start_figures["payroll"]
        print(f"\n[{name}] {len(free)} free numbers, {result.evaluations} candidates in {seconds:.0f} s")
        judged = result.table[result.table.get("verdict_robustness", "") != ""] \
            if "verdict_robustness" in result.table else result.table.iloc[:0]
        for idx, row in judged.iterrows():
            print(f"  finalist {idx}: payroll {row['payroll']:,.0f}, full verdict {row['verdict_robustness']} "
                  f"({row['verdict_share']:.0%} of resamples pass every criterion)")
        if result.best is None:
            print("no plan within the bounds passes every criterion robustly")
        else:
            f = result.best_figures
            after = f["payroll"]
            robust = ", ".join(f"{k[:-6]} {f[k]:.0%}" for k in f if str(k).endswith("_share") and k != "inverted_share")
            print(f"payroll {before:,.0f} -> {after:,.0f} RUB ({after / before - 1:+.1%}); verdict "
                  f"{'pass' if result.verdict.passed else 'fail'}; rho {f['rho']:.2f}, top/minimum "
                  f"{f['top_to_minimum']:.2f}, P90 {f['p90_target_multiple']:.2f}x, inverted "
                  f"{f['inverted_share']:.1%}, cost of sales {f['cost_of_sales']:.1%}, worst loss "
                  f"{f['worst_loss']:.1%}; robust shares: {robust}")
            print(result.diff_text("en"))
            result.to_yaml(out / f"balanced_kpi_{name}.yaml")
        ax = plot_pareto(result, lang="ru")
        save(ax.figure, out / f"pareto_sample_{name}.png")
        plt.close(ax.figure)
        print(f"chart: {out / f'pareto_sample_{name}.png'}")
    print("\nend: load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
