"""The synthetic sweep: one-rep rows along a metric, paid by the engine itself."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...engine import evaluate
from ...errors import KpilabError
from ...plan import Condition, Plan, Scheme
from ...i18n.messages import msg

__all__ = ["payout_curve", "GRID"]

#: Default attainment grid: 0 to 200 % in steps of 0.1 %.
GRID: np.ndarray = np.round(np.linspace(0.0, 2.0, 2001), 10)


def _gate_values(plan: Plan) -> dict[str, float]:
    """For value metrics read by gates: a value that opens every gate on it."""
    lo: dict[str, float] = {}
    hi: dict[str, float] = {}

    def walk(cond: Any) -> None:
        if isinstance(cond, Condition):
            if cond.op == "at_least":
                lo[cond.metric] = max(lo.get(cond.metric, 0.0), cond.threshold)
            elif cond.op == "at_most":
                hi[cond.metric] = min(hi.get(cond.metric, np.inf), cond.threshold)
        else:
            for c in cond.conditions:
                walk(c)

    for gate in plan.gates:
        walk(gate.when)
    out = {m: v for m, v in hi.items()}
    out.update({m: v for m, v in lo.items()})
    return out


def _value_span(plan: Plan, metric: str) -> float:
    """Upper end of the sweep for a metric read as a raw value."""
    xs: list[float] = [x for c in plan.components for x in c.value_marks(metric)]  # each kind knows its marks
    xs.extend(x for m in plan.modifiers if m.metric == metric and m.basis == "value" for x in m.curve.xs)
    xs.extend(v for m, v in _gate_values(plan).items() if m == metric)
    return max(2.0, 2.0 * max(xs)) if xs else 2.0


def _targets(plan: Plan) -> dict[str, float]:
    metrics = plan.attainment_metrics() | {m for c in plan.components for m in c.team_metrics()}
    return {m: float(plan.targets.get(m, 1.0)) for m in metrics}


def _typical(plan: Plan) -> dict[str, float]:
    """Every metric the plan reads at a typical 'on plan' value."""
    targets = _targets(plan)
    gates = _gate_values(plan)
    out: dict[str, float] = {}
    for m in plan.metrics_needed():
        if m in targets:
            out[m] = targets[m]
        elif m in plan.targets:  # a value-basis metric with a stated target: 'on plan' is the target
            out[m] = float(plan.targets[m])
        elif m in gates:
            out[m] = gates[m]
        else:
            implied = [v for c in plan.components if (v := c.typical_value(m)) is not None]  # a penalty's free units
            out[m] = min(implied) if implied else 1.0
    # a gate on an attainment metric above 100 % must still open at 'typical'
    return out


def payout_curve(plan: Plan, metric: str | None = None, attainments: np.ndarray | None = None,
                 others: float = 1.0) -> pd.DataFrame:
    """Pay along one metric (or every attainment metric together), computed by the engine.

    Parameters
    ----------
    plan
        A :class:`~kpilab.plan.Plan` (for a scheme pass ``scheme.plans()[role]``).
    metric
        The metric to sweep. Metrics read by attainment sweep ``x × target``
        (target from ``plan.targets``, else 1); metrics read as raw values
        (``basis: value``, gate counts, penalty units) sweep ``x`` itself.
        None: every metric with a target moves together (x = attainment), those read as
        raw values too, as a fraction of the plan's stated target.
    attainments
        The grid of x (default 0 to 2 by 0.001; for a value metric default 0 to
        twice its largest curve point/threshold).
    others
        Attainment of the metrics that do not move (default 1.0 = on plan);
        value metrics stay at a value that opens their gates.

    Returns
    -------
    DataFrame
        Columns ``metric``, ``attainment`` (the x), one column per component,
        ``cap_adjustment``, ``floor_adjustment``, ``variable``, ``total``.
    """
    if isinstance(plan, Scheme):
        raise KpilabError(msg("api_errors.payout_curve_needs_plan"))
    targets = _targets(plan)
    typical = _typical(plan)
    if metric is not None and metric not in plan.metrics_needed():
        raise KpilabError(msg("api_errors.payout_curve_metric_unread", plan_name=plan.name, metric=metric))
    by_value = metric is not None and metric not in targets
    if attainments is None:
        attainments = np.round(np.linspace(0.0, _value_span(plan, metric), 2001), 10) if by_value else GRID
    x = np.asarray(attainments, dtype=float)
    n = x.size
    # One synthetic rep per point, each in one calendar month, so a plan that pays across months reads
    # every point as its own first month (no state carried from one point to the next).
    frame: dict[str, Any] = {"rep_id": np.array([f"scan{i:05d}" for i in range(n)], dtype=object),
                             "period": np.full(n, "2026-01", dtype=object)}
    frame["team"] = frame["rep_id"]  # every row its own team: team attainment = the row's own
    for m, v in typical.items():
        frame[m] = np.full(n, v * others if m in targets else v)
    for m, t in targets.items():
        frame[f"plan_{m}"] = np.full(n, t)
    # The whole plan moves every metric that has a target, including those read as raw
    # values against the plan's stated target (x = fraction of that target).
    stated = {m: float(plan.targets[m]) for m in plan.metrics_needed() if m in plan.targets}
    moving = [metric] if metric is not None else sorted(set(targets) | set(stated))
    for m in moving:
        scale = targets.get(m, stated.get(m)) if metric is None or m in targets else None
        frame[m] = x * scale if scale is not None else x.copy()
    res = evaluate(plan, pd.DataFrame(frame)).table
    out = res.drop(columns=["rep_id", "period", "team"])
    out.insert(0, "attainment", x)
    out.insert(0, "metric", metric if metric is not None else "all")
    return out


def _locate_jump(plan: Plan, metric: str, component: str, lo: float, hi: float, rounds: int = 4) -> float:
    """Where a jump seen between two grid points really is: the engine on ever finer grids.

    Reads the plan only; returns the first x at which the new pay level holds
    (to about (hi - lo) / 64**rounds), so a cliff at a 960 000 gate is reported
    at 960 000, not at the next grid point.
    """
    for _ in range(rounds):
        grid = np.linspace(lo, hi, 65)
        pay = payout_curve(plan, metric, attainments=grid)[component].to_numpy()
        k = int(np.argmax(np.abs(np.diff(pay))))
        lo, hi = float(grid[k]), float(grid[k + 1])
    return float(f"{hi:.8g}")  # the boundary rule's 1e-9 tolerance is not a location


def _reference(plan: Plan) -> float:
    """Money of 'the target bonus': the plan's, or its variable pay with everything on plan."""
    if plan.target_bonus > 0:
        return float(plan.target_bonus)
    if not plan.components:
        return 0.0
    at = payout_curve(plan, None, np.array([1.0]))
    earned = [c.name for c in plan.components if not c.deduction]
    return float(at[earned].sum(axis=1).iloc[0]) if earned else 0.0
