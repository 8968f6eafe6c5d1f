"""Statements: the engine's trace of one row, laid out for a rep with a calculator.

The engine (:func:`kpilab.engine.pay._plan_pay`) records every intermediate value
when asked; this module words them. The only arithmetic here re-states a
commission's slices × rates for the reader; it uses the engine's slices, bands
and curve bands, so the words can never describe a different band than the one
paid.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

import numpy as np

from .curves import _reach_tolerance as reach_tolerance
from .curves import curve_values, step_band
from .engine.payouts import Explanation
from .engine.resolve import _Columns
from .plan import Curve, Plan


def _money(value: float) -> str:
    """12 345.67 (a thin space between thousands, as Russian statements print it)."""
    text = f"{value:,.2f}".replace(",", " ")
    return text.replace("-", "−")


def number(value: float) -> str:
    """A count or an amount as a person writes it: 851, 1 084 150.5, 0.85."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    if abs(value) >= 1000:
        return f"{value:,.2f}".replace(",", " ")
    return f"{value:.6g}"


_num = number


def describe_curve(curve: Curve, x: float, percent: bool) -> str:
    """Which band or segment of ``curve`` a single x falls in, in words."""
    fx = (lambda v: f"{v:.1%}") if percent else number
    xs, ys = curve.xs, curve.ys
    y = float(curve_values(curve, [x])[0])
    if curve.kind == "points":
        if x < xs[0] - reach_tolerance(xs[0]):
            return f"below the first point {fx(xs[0])} → {curve.below:g}"
        if x > xs[-1]:
            if curve.extend:
                return f"past the last point {fx(xs[-1])}, the last slope continues → {y:g}"
            return f"past the last point {fx(xs[-1])}, capped → {ys[-1]:g}"
        i = min(int(np.searchsorted(xs, x, side="right")) - 1, len(xs) - 1)
        if i == len(xs) - 1 or x <= xs[0]:
            i = max(i, 0)
            return f"on the point ({fx(xs[i])}, {ys[i]:g}) → {y:g}"
        return (f"between ({fx(xs[i])}, {ys[i]:g}) and ({fx(xs[i + 1])}, {ys[i + 1]:g}), "
                f"linear → {y:.6g}")
    closed_right = curve.closed == "right"
    band = int(step_band(curve, np.asarray([x]))[0])  # the engine's own band, never a second rule
    if band < 0:
        return f"{'not above' if closed_right else 'below'} the first step {fx(xs[0])} → {curve.below:g}"
    lo = fx(xs[band])
    hi = fx(xs[band + 1]) if band + 1 < len(xs) else "∞"
    bracket = f"({lo}, {hi}]" if closed_right else f"[{lo}, {hi})"
    return f"step {bracket} → {ys[band]:g}"




def _amount_words(comp: Any, amount: float, currency: str) -> str:
    if comp.amount is not None:
        return f"amount {_money(amount)} {currency}"
    return f"share {comp.share:g} × target bonus = {_money(amount)} {currency}"


def build_explanation(plan: Plan, row: pd.Series, cols: _Columns, trace: list[dict[str, Any]],
                      result: dict[str, Any]) -> Explanation:
    """Word the trace of one row into text and a table (step, item, detail, amount)."""
    cur = plan.currency
    lines: list[tuple[str, str, str, float | None]] = []  # step, item, detail, amount

    def add(step: str, item: str, detail: str, amount: float | None = None) -> None:
        lines.append((step, item, detail, amount))

    def attainment_words(metric: str, basis: str, x: float) -> str:
        if basis == "value":
            return f"{metric} = {_num(x)} (raw value)"
        fact, target = float(cols.facts[metric][0]), float(cols.targets[metric][0])
        return f"{metric} {_num(fact)} / plan {_num(target)} = {x:.1%}"

    base = float(cols.base[0])
    add("base", "base", "fixed salary", base)
    add("input", "target_bonus", "target bonus (pay when every KPI is on plan)", float(cols.target_bonus[0]))
    raw: dict[str, float] = {}
    for step in trace:
        kind = step["step"]
        if kind == "component":
            comp = step["component"]
            name = comp.name
            if comp.kind == "bonus":
                x, factor, amount = float(step["x"][0]), float(step["factor"][0]), float(step["amount"][0])
                add("component", name, f"bonus: {attainment_words(comp.metric, comp.basis, x)}; curve "
                    f"{describe_curve(comp.curve, x, comp.basis == 'attainment')}; "
                    f"{_amount_words(comp, amount, cur)} × {factor:.6g}", amount * factor)
                raw[name] = amount * factor
            elif comp.kind == "scorecard":
                for kpi, x, factor in step["kpis"]:
                    x0, f0 = float(x[0]), float(factor[0])
                    add("kpi", f"{name}.{kpi.metric}", f"{attainment_words(kpi.metric, kpi.basis, x0)}; curve "
                        f"{describe_curve(kpi.curve, x0, kpi.basis == 'attainment')}; × weight {kpi.weight:g} "
                        f"= {kpi.weight * f0:.6g}", None)
                index, paid = float(step["index"][0]), float(step["paid_index"][0])
                amount = float(step["amount"][0])
                curve_words = "" if comp.index_curve is None else \
                    f"; index curve {describe_curve(comp.index_curve, index, False)}"
                add("component", name, f"scorecard: index {index:.6g}{curve_words}; "
                    f"{_amount_words(comp, amount, cur)} × {paid:.6g}", amount * paid)
                raw[name] = amount * paid
            elif comp.kind == "commission":
                value = float(step["value"][0])
                if comp.rate is not None:
                    detail = f"commission: {comp.metric} {_num(value)} × rate {comp.rate:g}"
                    pay = value * comp.rate
                elif comp.method == "marginal":
                    starts = step["starts"][0]
                    slices = step["slices"][0]
                    parts = [f"{_num(s)} × {t.rate:g} (from {_num(float(a))})"
                             for s, t, a in zip(slices, comp.tiers, starts) if s > 0]
                    detail = (f"commission, marginal tiers on {comp.metric} {_num(value)}: "
                              + (" + ".join(parts) if parts else f"below the first tier {_num(float(starts[0]))}"))
                    pay = float(slices @ [t.rate for t in comp.tiers])
                else:
                    band = int(step["band"][0])
                    starts = step["starts"][0]
                    if band < 0:
                        detail = (f"commission, retroactive: {comp.metric} {_num(value)} is below the first tier "
                                  f"{_num(float(starts[0]))}")
                        pay = 0.0
                    else:
                        rate = comp.tiers[band].rate
                        detail = (f"commission, retroactive: {comp.metric} {_num(value)} reached the tier from "
                                  f"{_num(float(starts[band]))}; the whole value × {rate:g}")
                        pay = value * rate
                if "uncapped" in step:
                    capped = min(pay, comp.cap)
                    detail += f"; component cap {_money(comp.cap)}" + (" reached" if capped < pay else " not reached")
                    pay = capped
                add("component", name, detail, pay)
                raw[name] = pay
            elif comp.kind == "team":
                x, factor, amount = float(step["x"][0]), float(step["factor"][0]), float(step["amount"][0])
                add("component", name, f"team bonus: team {comp.metric} attainment {x:.1%}; curve "
                    f"{describe_curve(comp.curve, x, True)}; {_amount_words(comp, amount, cur)} × {factor:.6g}",
                    amount * factor)
                raw[name] = amount * factor
            else:  # penalty: reported with the limits, after the cap (section 7 order)
                raw[name] = -float(step["deduction"][0])
                step_units = float(step["units"][0])
                charged = float(step["charged"][0])
                cap = "" if comp.cap is None else f", at most {_money(comp.cap)}"
                penalty_line = (f"penalty: {comp.metric} {_num(step_units)} − free {comp.free:g} = {_num(charged)} "
                                f"× {_money(comp.per_unit)}{cap}")
                step["_line"] = penalty_line
        elif kind == "gate":
            gate = step["gate"]
            passed = bool(step["passed"][0])
            names = ", ".join(step["names"])
            add("gate", gate.when.describe(), ("passed: " if passed else "FAILED: pay set to 0 for ") + names,
                None if passed else -sum(float(v[0]) for v in step["before"].values()))
        elif kind == "modifier":
            mod = step["modifier"]
            x, factor = float(step["x"][0]), float(step["factor"][0])
            add("modifier", mod.metric, f"{attainment_words(mod.metric, mod.basis, x)}; curve "
                f"{describe_curve(mod.curve, x, mod.basis == 'attainment')}; multiplies "
                f"{', '.join(step['names'])} by {factor:.6g}", None)
    limits = trace[-1]
    earned = float(limits["earned"][0])
    for name in plan.component_names:
        if name not in plan.penalty_names:
            add("paid", name, "after gates and modifiers", float(result[name][0]))
    add("earned", "earned", "sum of the bonus components", earned)
    if limits["cap"] is not None:
        cap = float(limits["cap"][0])
        adj = float(limits["cap_adjustment"][0])
        add("cap", "cap_adjustment", f"variable cap {_money(cap)}: " +
            (f"earned exceeds it by {_money(-adj)}" if adj < 0 else "not reached"), adj)
    for comp in plan.components:
        if comp.kind == "penalty":
            line = next(s.get("_line", "") for s in trace if s.get("component") is comp)
            add("penalty", comp.name, line, float(result[comp.name][0]))
    before = float(limits["before_floor"][0])
    floor_adj = float(limits["floor_adjustment"][0])
    if limits["floor"] is None:
        add("floor", "floor_adjustment", "no floor in this plan", 0.0)
    else:
        level = float(limits["floor"][0])
        what = "= salary: penalties never reach it" if plan.limits.floor == "base" else "= guaranteed minimum"
        add("floor", "floor_adjustment", f"floor {_money(level)} ({what}); total before floor {_money(before)}"
            + (" is under it: topped up" if floor_adj > 0 else " is not under it"), floor_adj)
    total = float(result["total"][0])
    add("total", "variable", "total − base", total - base)
    add("total", "total", "base + earned + cap_adjustment + penalties + floor_adjustment", total)

    table = pd.DataFrame(lines, columns=["step", "item", "detail", "amount"])
    header = f"{plan.name} — rep {row['rep_id']}, period {row['period']}"
    if "scenario" in row.index:
        header += f", scenario {row['scenario']}"
    text_lines = [header, f"Amounts in {cur}.", ""]
    for step, item, detail, amount in lines:
        money = f"{_money(amount):>16}" if amount is not None else " " * 16
        label = f"{item}"
        text_lines.append(f"{label:<22} {money}   {detail}")
    return Explanation(str(row["rep_id"]), str(row["period"]), "\n".join(text_lines), table)
