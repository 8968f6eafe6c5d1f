"""Pay per component, then gates, modifiers, caps, penalties and the floor (contract section 7).

Each component kind pays itself (:meth:`kpilab.plan.kinds.ComponentKind.pay`, one
vectorised pass over every row of one plan, handed the resolved arrays);
``_plan_pay`` runs section 7 around them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..curves import _reach_tolerance, curve_values
from ..plan import AnyOf, Condition, Plan
from ..plan.kinds import Note
from .resolve import _Columns


def _condition(cond: Any, cols: _Columns) -> np.ndarray:
    """Where a gate condition holds; every branch is evaluated (and so checked)."""
    if isinstance(cond, Condition):
        t = cond.threshold
        if cond.op == "attainment_at_least":
            return cols.attainment(cond.metric) >= t - _reach_tolerance(t)
        value = cols.facts[cond.metric]
        if cond.op == "at_least":
            return value >= t - _reach_tolerance(t)
        return value <= t + _reach_tolerance(t)
    parts = [_condition(c, cols) for c in cond.conditions]
    if isinstance(cond, AnyOf):
        return np.logical_or.reduce(parts)
    return np.logical_and.reduce(parts)


def _applies(names: tuple[str, ...] | str, plan: Plan) -> list[str]:
    if names == "all":
        return [c.name for c in plan.components if not c.deduction]
    return list(names)


Adjust = Callable[[dict[str, np.ndarray]], None] | None


def _plan_pay(plan: Plan, cols: _Columns, trace: list[dict[str, Any]] | None = None,
              adjust: Adjust = None) -> dict[str, np.ndarray]:
    """Section 7 for every row of ``cols`` under one plan; ``trace`` collects the steps of an explanation.

    ``adjust`` (the period-aware pass) changes the components' pay in place after the modifiers and
    before the limits: a quarterly part pays only in its closing month, a true-up pays its settlement.
    """
    pay = _parts_pay(plan, cols, trace)
    if adjust is not None:
        adjust(pay)
        if trace is not None:
            trace.append({"step": "settled", "pay": {n: v.copy() for n, v in pay.items()}})
    return _limits_pay(plan, cols, pay, trace)


def _parts_pay(plan: Plan, cols: _Columns, trace: list[dict[str, Any]] | None = None) -> dict[str, np.ndarray]:
    """The first half of section 7, row by row: each component's pay, then the gates and the modifiers."""
    def noter(step: str, **fixed: Any) -> Note:
        if trace is None:
            return None
        return lambda detail: trace.append({"step": step, **fixed, **detail})

    pay: dict[str, np.ndarray] = {}
    for comp in plan.components:
        pay[comp.name] = comp.pay(cols, noter("component", component=comp))
    for gate in plan.gates:
        passed = _condition(gate.when, cols)
        names = _applies(gate.applies_to, plan)
        if trace is not None:
            trace.append({"step": "gate", "gate": gate, "passed": passed, "names": names,
                          "before": {n: pay[n].copy() for n in names}})
        for name in names:  # every pay array is this row block's own: zero it in place
            np.copyto(pay[name], 0.0, where=~passed)
    for mod in plan.modifiers:
        x = cols.x(mod.metric, mod.basis)
        factor = curve_values(mod.curve, x)
        names = _applies(mod.applies_to, plan)
        if trace is not None:
            trace.append({"step": "modifier", "modifier": mod, "x": x, "factor": factor, "names": names,
                          "before": {n: pay[n].copy() for n in names}})
        for name in names:
            pay[name] *= factor
    return pay


def _limits_pay(plan: Plan, cols: _Columns, pay: dict[str, np.ndarray],
                trace: list[dict[str, Any]] | None = None) -> dict[str, np.ndarray]:
    """The second half of section 7, row by row: the variable cap, the penalties and the floor."""
    penalties = set(plan.penalty_names)
    earned = np.zeros(cols.n)
    for name, value in pay.items():
        if name not in penalties:
            earned += value
    cap = None
    if plan.limits.variable_cap is not None:
        cap = np.full(cols.n, plan.limits.variable_cap)
    elif plan.limits.variable_cap_share is not None:
        cap = plan.limits.variable_cap_share * cols.target_bonus
    cap_adjustment = np.zeros(cols.n) if cap is None else np.minimum(0.0, cap - earned)
    penalty_sum = np.zeros(cols.n)
    for name in penalties:
        penalty_sum += pay[name]
    before_floor = cols.base + earned
    before_floor += cap_adjustment
    before_floor += penalty_sum
    floor = plan.limits.floor
    if floor is None:
        floor_level = None
        floor_adjustment = np.zeros(cols.n)
    else:
        floor_level = cols.base if floor == "base" else np.full(cols.n, float(floor))
        floor_adjustment = np.maximum(0.0, floor_level - before_floor)
    total = before_floor + floor_adjustment
    if trace is not None:
        trace.append({"step": "limits", "earned": earned, "cap": cap, "cap_adjustment": cap_adjustment,
                      "penalties": penalty_sum, "before_floor": before_floor, "floor": floor_level,
                      "floor_adjustment": floor_adjustment, "total": total})
    return {"base": cols.base, **pay, "cap_adjustment": cap_adjustment, "floor_adjustment": floor_adjustment,
            "variable": total - cols.base, "total": total}


