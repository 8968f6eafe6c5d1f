"""The inversion criterion does not swing with team size (issue 11, item 3), on small inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab.analysis import differentiation
from kpilab.plan import Plan

LINEAR = Plan.from_dict({"name": "linear", "base": 50000, "target_bonus": 50000, "targets": {"revenue": 1_000_000},
                         "components": [{"name": "rev", "kind": "bonus", "metric": "revenue", "share": 1,
                                         "curve": {"points": [[0, 0], [1, 1]], "extend": True}}]})


def _team(n: int) -> pd.DataFrame:
    """Rep i (1..n) sells i x 100 000 and earns 50 000 + 5 000 i; every tenth rep's target bonus is 75 %: 50 000 + 3 750 i.

    A penalised rep i inverts against rep j when 3 750 i < 5 000 j (j > 0.75 i) while i >= 1.2 j
    (j <= 0.833 i): about 0.083 i pairs. Summed over i = 10, 20, ..., n that is about 0.0042 n²
    inverted pairs, against about n² / 2.4 comparable pairs: a share of about 1 % at any n, while
    the count grows with n² (about 4, 42 and 375 pairs). The worst gap, at j = 0.833 i, is
    417 i / (50 000 + 3 750 i): under 11 % even at i = 300.
    """
    i = np.arange(1, n + 1)
    return pd.DataFrame({"rep_id": [f"R{k:03d}" for k in i], "period": "2026-01", "revenue": i * 100_000.0,
                         "target_bonus": np.where(i % 10 == 0, 37_500.0, 50_000.0)})


def test_inverted_share_does_not_grow_with_the_team() -> None:
    counts, shares = [], []
    for n in (30, 100, 300):
        r = differentiation(kpilab.evaluate(LINEAR, _team(n)), n_boot=0, check_measures=False)
        counts.append(r.metrics["inversions"])
        shares.append(r.metrics["inverted_share"])
        assert r.metrics["worst_inversion_gap"] < 0.11
        assert r.verdict.set_index("criterion").loc["inversions", "status"] == "pass"
    assert counts[0] < counts[1] < counts[2] and counts[2] > 300   # the old 'no inverted pair' rule fails all
    assert all(0.005 < s < 0.015 for s in shares)
    assert max(shares) - min(shares) < 0.005
