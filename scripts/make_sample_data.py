"""Write data/sample_team.csv (30 reps x 12 months, fixed seed).

Run from the repository top: ``python scripts/make_sample_data.py``.
"""

from __future__ import annotations

from kpilab.data.datasets import DATA_DIR, SAMPLE_SEED
from kpilab.data.synth import make_team


def main() -> None:
    team = make_team(30, periods=12, seed=SAMPLE_SEED, start="2026-01")
    out = DATA_DIR / "sample_team.csv"
    team.to_csv(out, index=False)
    print(f"wrote {out} {team.shape}")


if __name__ == "__main__":
    main()
