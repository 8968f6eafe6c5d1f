"""Does a plan's verdict swing with team size because of the inversion rule? (issue 11, item 3)

For every bundled plan, generated teams of 30, 100 and 300 reps (12 months,
seeds 0-9 by default) are judged by :func:`kpilab.differentiation`. The table
prints, per plan and size, the share of seeds where

- ``inv``: the inversion criterion passes (share of comparable pairs inverted
  <= 2 % and worst gap <= 25 %);
- ``inv_count0``: the old rule (no inverted pair at all) would pass;
- ``verdict``: the whole verdict passes;
- ``verdict_wo_inv``: the verdict passes with the inversion criterion left out;
- ``rho``, ``top_min``, ``p90``, ``cost``, ``strength``: each other criterion passes
  (so a failing verdict shows which criterion decided it);

and the medians of the inverted share and of the worst inversion gap.

The inversion rule does not make a plan swing with size when ``inv`` stays
flat across sizes (and ``verdict`` follows ``verdict_wo_inv``).

Run: ``python benchmarks/verdict_team_size.py [--seeds 10] [--sizes 30 100 300]``.
"""

from __future__ import annotations

import argparse

import pandas as pd

import kpilab
from kpilab.analysis import differentiation
from kpilab.data import datasets
from kpilab.data.synth import make_team


#: The verdict's other criteria and their column names in the table.
_CRITERIA = {"rho": "rho", "top_to_minimum": "top_min", "p90_target_multiple": "p90", "cost_of_sales": "cost",
             "strength_coverage": "strength"}


def table(sizes: list[int], seeds: int, plans: list[str] | None = None) -> pd.DataFrame:
    """Pass rates per plan × team size (see the module docstring)."""
    names = plans or datasets.plan_names()
    loaded = {n: datasets.load_plan(n) for n in names}
    rows = []
    for size in sizes:
        for seed in range(seeds):
            team = make_team(size, 12, seed=seed)
            for name, plan in loaded.items():
                r = differentiation(kpilab.evaluate(plan, team), team, n_boot=0, check_measures=False)
                v = r.verdict.set_index("criterion")
                decided = v[v["status"].isin(["pass", "fail"])]
                others = decided.drop(index="inversions", errors="ignore")
                rows.append({"plan": name, "reps": size, "seed": seed,
                             "inv": v.loc["inversions", "status"] == "pass",
                             "inv_count0": r.metrics["inversions"] == 0,
                             "verdict": r.passed,
                             "verdict_wo_inv": bool((others["status"] == "pass").all()),
                             **{short: v.loc[c, "status"] == "pass" if c in v.index else False
                                for c, short in _CRITERIA.items()},
                             "inverted_share": r.metrics["inverted_share"],
                             "worst_gap": r.metrics["worst_inversion_gap"]})
    frame = pd.DataFrame(rows)
    rates = {k: (k, "mean") for k in ("inv", "inv_count0", "verdict", "verdict_wo_inv", *_CRITERIA.values())}
    out = frame.groupby(["plan", "reps"]).agg(**rates, inverted_share=("inverted_share", "median"),
                                              worst_gap=("worst_gap", "median"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--sizes", type=int, nargs="+", default=[30, 100, 300])
    ap.add_argument("--plans", nargs="*", default=None)
    args = ap.parse_args()
    out = table(args.sizes, args.seeds, args.plans)
    with pd.option_context("display.width", 200, "display.max_rows", 200, "display.max_columns", 30):
        print(out.round(3).to_string())


if __name__ == "__main__":
    main()
