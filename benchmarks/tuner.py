"""How fast does the bonus tuner react? One update = recompute + redraw.

Builds the tuner on 50 reps x 12 months x 200 simulated years (120 000 rows,
``kpilab.make_scenarios(50, 12, 200, seed=0)``), moves the target-bonus slider
N times and prints the median time of one update in the kernel, split into its
parts: ``kpilab.evaluate`` on every row, the analysis (``differentiation``) and
the view (panels rendered from templates, the chart arrays handed to bqplot,
the one-rep what-if). The browser's side is measured end to end by
``benchmarks/dashboard_latency.py``. Goal: <= 150 ms median per update.

Run: ``.venv/bin/python benchmarks/tuner.py [N]``.
"""

from __future__ import annotations

import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")

from kpilab import datasets, make_scenarios, widgets  # noqa: E402


def main(n: int = 15) -> None:
    """Print the median update time of the tuner over ``n`` slider moves."""
    t0 = time.perf_counter()
    data = make_scenarios(50, 12, 200, seed=0)
    t1 = time.perf_counter()
    tuner = widgets.tuner(datasets.load_plan("balanced_kpi"), data)
    t2 = time.perf_counter()
    print(f"data: {len(data):,} rows in {t1 - t0:.2f} s; tuner built in {t2 - t1:.2f} s")
    parts: dict[str, list[float]] = {k: [] for k in ("evaluate", "analysis", "view", "total")}
    wall, cpu = [], []
    slider = tuner.controls["target_bonus"]
    for i in range(n):
        value = 60000.0 + 1000.0 * (i % 2 + 1) * (1 if i % 4 < 2 else -1)
        w0, c0 = time.perf_counter(), time.process_time()
        slider.value = value
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
        for k in parts:
            parts[k].append(tuner.timings[k])
    ms = lambda xs: f"{1000 * statistics.median(xs):7.1f} ms"  # noqa: E731
    print(f"median over {n} updates (wall clock):")
    for k in ("evaluate", "analysis", "view"):
        print(f"  {k:<9}{ms(parts[k])}")
    print(f"  {'update':<9}{ms(wall)}   (CPU time of this process: {ms(cpu).strip()})")
    print(f"goal <= 150 ms: {'met' if statistics.median(wall) <= 0.150 else 'NOT met'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
