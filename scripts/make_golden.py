"""Write the golden payout files: every bundled plan on the bundled sample team.

``tests/golden/<plan>.csv`` is exactly what ``kpilab payout data/plans/<plan>.yaml
data/sample_team.csv`` writes. Regenerate only after checking a change on purpose:
``tests/test_golden.py`` also checks every golden file against the independent
reference evaluator, so a wrong golden file cannot pass.

Run: ``.venv/bin/python scripts/make_golden.py``
"""

from __future__ import annotations

from pathlib import Path

import kpilab
from kpilab import datasets

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "golden"


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    team = datasets.load_sample_team()
    for name in datasets.plan_names():
        path = GOLDEN / f"{name}.csv"
        kpilab.evaluate(datasets.load_plan(name), team).to_csv(path)
        print(f"wrote {path.relative_to(GOLDEN.parents[1])}")


if __name__ == "__main__":
    main()
