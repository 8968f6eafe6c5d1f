"""The ledger of one rep and the inputs to re-run one paid month for an explanation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...plan import Plan
from .aggregation import settled_adjust
from .state import PeriodTrace


#: The ledger's columns, in order; a plan shows those of the mechanics it uses.
LEDGER_COLUMNS = ("period", "base", "earned", "ramp_guarantee", "sanction_cut", "held", "released",
                  "holdback_balance", "clawback_owed", "clawback_recovered", "clawback_balance",
                  "draw_adjustment", "draw_balance", "variable", "total")


def ledger_frame(table: pd.DataFrame, trace: PeriodTrace, rows: np.ndarray) -> pd.DataFrame:
    """The carried balances of one series (rows in month order), month by month."""
    rows = rows[np.argsort(trace.month[rows], kind="stable")]
    data: dict[str, Any] = {"period": table["period"].to_numpy()[rows],
                            "base": table["base"].to_numpy(dtype=float)[rows],
                            "earned": trace.earned[rows]}
    cols = set(table.columns)
    if "ramp_guarantee" in cols:
        data["ramp_guarantee"] = table["ramp_guarantee"].to_numpy(dtype=float)[rows]
    if "sanction_cut" in cols:
        data["sanction_cut"] = table["sanction_cut"].to_numpy(dtype=float)[rows]
    if "holdback" in cols:
        data["held"] = trace.held[rows]
        data["released"] = trace.released[rows]
        data["holdback_balance"] = table["holdback_balance"].to_numpy(dtype=float)[rows]
    if "clawback" in cols:
        data["clawback_owed"] = trace.reversed[rows]
        data["clawback_recovered"] = -table["clawback"].to_numpy(dtype=float)[rows]
        data["clawback_balance"] = table["clawback_balance"].to_numpy(dtype=float)[rows]
    if "draw_adjustment" in cols:
        data["draw_adjustment"] = table["draw_adjustment"].to_numpy(dtype=float)[rows]
        data["draw_balance"] = table["draw_balance"].to_numpy(dtype=float)[rows]
    data["variable"] = table["variable"].to_numpy(dtype=float)[rows]
    data["total"] = table["total"].to_numpy(dtype=float)[rows]
    return pd.DataFrame(data)


def explain_inputs(trace: PeriodTrace, role: Any, pos: int) -> tuple[Plan, Any]:
    """The plan and the step-3 adjustment that paid row ``pos``, to re-run it for an explanation."""
    it = trace.internal[role]
    m = int(trace.month[pos])
    before = {name: values[pos] for name, values in trace.paid_before.items()}
    return it.plan_for(m), settled_adjust(it, m, before)
