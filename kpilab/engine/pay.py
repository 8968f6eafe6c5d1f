"""Pay per component kind, then gates, modifiers, caps, penalties and the floor (contract section 7).

Each kind is one vectorised function over every row of one plan; ``_plan_pay`` runs section 7.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..curves import _reach_tolerance, curve_values
from ..plan import AnyOf, Bonus, Commission, Condition, Penalty, Plan, Scorecard, TeamBonus
from .resolve import _Columns

Note = Callable[[dict[str, Any]], None] | None


def _amount(comp: Any, cols: _Columns) -> np.ndarray:
    """The component's money at 100 %: ``amount``, or ``share`` × the row's target bonus
    (or, for a quarterly, annual or settled component, the opportunity of its period)."""
    if comp.name in cols.money:
        return cols.money[comp.name]
    return np.full(cols.n, comp.amount) if comp.amount is not None else comp.share * cols.target_bonus


def _curve_pay(comp: Bonus | TeamBonus, cols: _Columns, x: np.ndarray, note: Note) -> np.ndarray:
    """amount × curve(x): the shared arithmetic of a bonus and a team bonus."""
    factor = curve_values(comp.curve, x)
    amount = _amount(comp, cols)
    if note:
        note({"x": x, "factor": factor, "amount": amount})
    return amount * factor


def _pay_bonus(comp: Bonus, cols: _Columns, note: Note) -> np.ndarray:
    return _curve_pay(comp, cols, cols.x(comp.metric, comp.basis), note)


def _pay_scorecard(comp: Scorecard, cols: _Columns, note: Note) -> np.ndarray:
    index = np.zeros(cols.n)
    lines = []
    for kpi in comp.kpis:
        x = cols.x(kpi.metric, kpi.basis)
        factor = curve_values(kpi.curve, x)
        index += kpi.weight * factor
        lines.append((kpi, x, factor))
    paid_index = index if comp.index_curve is None else curve_values(comp.index_curve, index)
    amount = _amount(comp, cols)
    if note:
        note({"kpis": lines, "index": index, "paid_index": paid_index, "amount": amount})
    return amount * paid_index


def _tier_starts(comp: Commission, cols: _Columns) -> np.ndarray:
    """Tier starts as amounts, shape (rows, tiers): ``from`` or ``from × target``."""
    starts = np.array([t.start for t in comp.tiers])
    if comp.tiers_on == "attainment":
        return cols.targets[comp.metric][:, None] * starts[None, :]
    return np.broadcast_to(starts, (cols.n, len(starts)))


def _pay_commission(comp: Commission, cols: _Columns, note: Note) -> np.ndarray:
    value = cols.facts[comp.metric]
    detail: dict[str, Any] = {"value": value}
    if comp.rate is not None:
        pay = value * comp.rate
    else:
        rates = np.array([t.rate for t in comp.tiers])
        starts = _tier_starts(comp, cols)
        if comp.method == "marginal":
            widths = np.diff(starts, axis=1, append=np.inf)
            slices = np.clip(value[:, None] - starts, 0.0, widths)
            pay = slices @ rates
            detail["slices"] = slices
        else:
            # The band is decided where the contract states it (attainment or value), by the boundary rule.
            x = cols.attainment(comp.metric) if comp.tiers_on == "attainment" else value
            froms = np.array([t.start for t in comp.tiers])
            band = np.searchsorted(froms - _reach_tolerance(froms), x, side="right") - 1
            pay = np.where(band < 0, 0.0, rates[np.maximum(band, 0)] * value)
            detail["band"] = band
        detail["starts"] = starts
    if comp.cap is not None:
        detail["uncapped"] = pay
        pay = np.minimum(pay, comp.cap)
    if note:
        detail["pay"] = pay
        note(detail)
    return pay


def _pay_team(comp: TeamBonus, cols: _Columns, note: Note) -> np.ndarray:
    return _curve_pay(comp, cols, cols.team_attainment[comp.metric], note)


def _pay_penalty(comp: Penalty, cols: _Columns, note: Note) -> np.ndarray:
    units = cols.facts[comp.metric]
    charged = np.maximum(0.0, units - comp.free)
    deduction = comp.per_unit * charged
    if comp.cap is not None:
        deduction = np.minimum(deduction, comp.cap)
    if note:
        note({"units": units, "charged": charged, "deduction": deduction})
    return -deduction


_PAY: dict[type, Callable[[Any, _Columns, Note], np.ndarray]] = {
    Bonus: _pay_bonus, Scorecard: _pay_scorecard, Commission: _pay_commission,
    TeamBonus: _pay_team, Penalty: _pay_penalty,
}


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
        return [c.name for c in plan.components if c.kind != "penalty"]
    return list(names)


Adjust = Callable[[dict[str, np.ndarray]], None] | None


def _plan_pay(plan: Plan, cols: _Columns, trace: list[dict[str, Any]] | None = None,
              adjust: Adjust = None) -> dict[str, np.ndarray]:
    """Section 7 for every row of ``cols`` under one plan; ``trace`` collects the steps of an explanation.

    ``adjust`` (the period-aware pass) changes the components' pay in place after the modifiers and
    before the limits: a quarterly part pays only in its closing month, a true-up pays its settlement.
    """
    def noter(step: str, **fixed: Any) -> Note:
        if trace is None:
            return None
        return lambda detail: trace.append({"step": step, **fixed, **detail})

    pay: dict[str, np.ndarray] = {}
    for comp in plan.components:
        pay[comp.name] = _PAY[type(comp)](comp, cols, noter("component", component=comp))
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
    if adjust is not None:
        adjust(pay)
        if trace is not None:
            trace.append({"step": "settled", "pay": {n: v.copy() for n, v in pay.items()}})
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


