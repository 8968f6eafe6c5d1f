"""Money out: round to kopecks, half away from zero, with the rounded parts adding up to the rounded total."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

def round_money(values: Any) -> np.ndarray:
    """Round to kopecks/cents, half away from zero.

    The value is first cleaned to 1e-6 of a kopeck, so 1.005 computed as
    1.00499999999999989 still rounds to 1.01, as a person would round it.
    """
    cents = np.round(np.asarray(values, dtype=float) * 100.0, 6)
    return np.sign(cents) * np.floor(np.abs(cents) + 0.5) / 100.0


def _round_parts(table: pd.DataFrame, parts: list[str]) -> pd.DataFrame:
    """Round every money column; the rounded parts add up to the rounded total.

    Any difference (a kopeck or two) goes to the part with the largest absolute
    value other than ``base``; ``variable`` is then rounded total − rounded base.
    """
    out = table.copy()
    money = parts + ["variable", "total"]
    for col in money:
        out[col] = round_money(table[col].to_numpy(dtype=float))
    adjustable = [c for c in parts if c != "base"]
    kopecks = np.rint(out[parts].to_numpy(dtype=float) * 100.0)  # NaN = a scheme plan lacks the component
    total_k = np.rint(out["total"].to_numpy(dtype=float) * 100.0)
    gap = total_k - np.nansum(kopecks, axis=1)
    if adjustable and np.any(gap != 0):
        adj = out[adjustable].to_numpy(dtype=float)
        target = np.argmax(np.nan_to_num(np.abs(adj), nan=-1.0), axis=1)
        rows = np.flatnonzero(gap != 0)
        for_adj = adj.copy()
        for_adj[rows, target[rows]] = np.nan_to_num(for_adj[rows, target[rows]]) + gap[rows] / 100.0
        for i, col in enumerate(adjustable):
            out[col] = np.round(for_adj[:, i], 2)
    out["variable"] = np.round(out["total"] - out["base"], 2)
    return out

