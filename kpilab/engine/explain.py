"""Statements: the engine's trace of one row, laid out for a rep with a calculator.

The engine (:func:`kpilab.engine.pay._plan_pay`) records every intermediate value
when asked; this module words them. The only arithmetic here re-states a
commission's slices × rates for the reader; it uses the engine's slices, bands
and curve bands, so the words can never describe a different band than the one
paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

import numpy as np

from ..curves import _reach_tolerance as reach_tolerance
from ..curves import curve_values, step_band
from .resolve import _Columns
from ..plan import Curve, Plan



@dataclass(frozen=True, eq=False)
class Explanation:
    """Why one rep got this pay in one period: as text and as a table.

    ``table`` has one line per step (``step``, ``item``, ``detail``,
    ``amount``); the amounts are the same numbers the payout table holds.
    """

    rep_id: str
    period: str
    text: str
    table: pd.DataFrame

    def __str__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython shows the statement
        printer.text(self.text)

    def to_frame(self) -> pd.DataFrame:
        return self.table


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


# --------------------------------------------------------------------------- statements a rep can read

#: Metric units as the statement prints them (the metric registry's units).
def _metric_value(metric: str, value: float, lang: str, currency: str) -> str:
    """A fact or a target as a person reads it: «1 380 000 ₽», «851», «93 %»."""
    from ..i18n import fmt_money, fmt_number, fmt_percent
    from ..metrics import unit

    kind = unit(metric)
    if kind == "money":
        return fmt_money(value, lang, currency, 0 if float(value).is_integer() else 2)
    if kind == "rate":
        return fmt_percent(value, lang, 0 if round(value * 100, 6).is_integer() else 1)
    return fmt_number(value, lang, 0 if float(value).is_integer() else 2)


def _coef(value: float, lang: str) -> str:
    """A coefficient with up to four decimals and no trailing zeros: «1,6798», «0,8125», «1»."""
    from ..i18n import fmt_number

    text = fmt_number(value, lang, 4)
    sep = "," if lang == "ru" else "."
    if sep in text:
        text = text.rstrip("0").rstrip(sep)
    return text


def _rate(value: float, lang: str) -> str:
    """A commission rate as a percentage: 0.035 -> «3,5 %»."""
    from ..i18n import fmt_percent

    pct = round(value * 100, 6)
    decimals = 0 if pct.is_integer() else (1 if round(pct * 10, 6).is_integer() else 2)
    return fmt_percent(value, lang, decimals)


def _lower_first(text: str) -> str:
    """Lower the first letter of a label ("Revenue" -> "revenue"), but keep an abbreviation ("CRM quality") as it is."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def metric_words(metric: str, lang: str, case: str = "nom") -> str:
    """A metric inside a sentence: nominative (``nom``), accusative (``acc``) or genitive (``gen``), lower case.

    >>> metric_words("revenue", "en", "gen"), metric_words("crm_quality", "en")
    ('revenue', 'CRM quality')
    """
    from ..i18n import has_text, label, t

    key = f"explain.{case}.{metric}"
    if case != "nom" and has_text(key, lang):
        return t(key, lang)
    return _lower_first(label(metric, lang))


def component_title(comp: Any, lang: str = "en", plan: Any = None) -> str:
    """The name of a pay part as a rep reads it: "Revenue bonus", "Commission on revenue" (and their Russian catalog forms).

    The plan file's own word for it in ``lang`` when it has one (its ``names``
    map), else built from the component's kind and metric, so a plan's internal
    names (``revenue_bonus``) never reach a statement or a document.
    """
    from ..i18n import t
    from ..metrics import family

    own = getattr(plan, "component_title", None)
    if callable(own):
        found = own(comp.name, lang)
        if found:
            return str(found)

    if comp.kind == "scorecard":
        activity = all(family(k.metric) == "activity" for k in comp.kpis)
        return t("explain.title.scorecard_activity" if activity else "explain.title.scorecard", lang)
    return t(f"explain.title.{comp.kind}", lang, acc=metric_words(comp.metric, lang, "acc"),
             gen=metric_words(comp.metric, lang, "gen"), nom=metric_words(comp.metric, lang))


def plan_title(plan: Any, lang: str = "en") -> str:
    """The plan's name in ``lang``: the plan file's own word for it (``names``) when it has one."""
    own = getattr(plan, "title", None)
    return str(own(lang)) if callable(own) else plan.name


def describe_condition(cond: Any, lang: str = "en", currency: str = "RUB") -> str:
    """A gate condition in words: "revenue at least 960,000 ₽", "calls plan attainment at least 80 %" (in the statement's language)."""
    from ..i18n import fmt_percent, t
    from ..plan import AnyOf, Condition

    if isinstance(cond, Condition):
        if cond.op == "attainment_at_least":
            return t("explain.cond.attainment_at_least", lang, metric=metric_words(cond.metric, lang, "dat"),
                     value=fmt_percent(cond.threshold, lang, 0 if round(cond.threshold * 100, 6).is_integer() else 1))
        return t(f"explain.cond.{cond.op}", lang, metric=metric_words(cond.metric, lang),
                 value=_metric_value(cond.metric, cond.threshold, lang, currency))
    parts = "; ".join(describe_condition(c, lang, currency) for c in cond.conditions)
    return t("explain.cond.any" if isinstance(cond, AnyOf) else "explain.cond.all", lang, parts=parts)


def period_words(period: str, lang: str) -> str:
    """``2026-03`` as "March 2026" (or the Russian month name); any other label as it is."""
    import datetime as dt
    import re

    from babel.dates import format_date

    match = re.fullmatch(r"(\d{4})-(\d{2})", str(period))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return str(period)
    return format_date(dt.date(int(match.group(1)), int(match.group(2)), 1), "LLLL y", locale=lang)


def _row_trace(payouts: Any, pos: int) -> tuple[Plan, Any, list[dict[str, Any]], dict[str, Any]]:
    """The engine's own trace of one row: (plan, the row's columns, trace, result) — see Payouts.explain."""
    from .pay import _plan_pay

    role = next(r for r, rows in payouts._row_plan.items() if rows[pos])
    plan = payouts.plan if isinstance(payouts.plan, Plan) else payouts.plan.plans()[role]
    cols = payouts._cols.take(slice(pos, pos + 1))
    trace: list[dict[str, Any]] = []
    result = _plan_pay(plan, cols, trace)
    return plan, cols, trace, result


def _names_words(names: list[str], plan: Plan, lang: str) -> str:
    from ..i18n import t

    titles = [_lower_first(component_title(plan.component(n), lang, plan)) for n in names]
    if len(titles) == 1:
        return titles[0]
    return t("explain.and", lang, first=", ".join(titles[:-1]), last=titles[-1])


def statement_lines(payouts: Any, rep_id: Any, period: Any, scenario: Any = None, lang: str = "en",
                    *, header: bool = True, plan_title: str | None = None) -> list[str]:
    """One rep's pay in one period in plain words, one line per pay part, from the engine's trace.

    Lines: the plan and the rep (when ``header``), the salary, each bonus with
    its plan, fact, attainment, coefficient and amount (a scorecard's KPIs
    indented under it), each gate that applied (met or not, and what it took
    away), each modifier, the cap, each bonus reduction (penalty), the top-up
    to the floor, and the total. Every amount is the engine's; they are
    rounded to kopecks so that they add up to the payout table's rounded total
    (a difference of a kopeck goes to the largest line, as in the table).
    ``plan_title`` names the plan in the header (default: the plan's name).

    The XLSX statements sheet and ``kpilab explain`` print these lines.

    Raises
    ------
    KeyError
        When the table has no such rep and period.
    """
    from .rounding import round_money
    from ..i18n import check_lang, fmt_money, fmt_number, t

    check_lang(lang)
    pos = payouts.position(rep_id, period, scenario)
    plan, cols, trace, result = _row_trace(payouts, pos)
    cur = plan.currency
    items: list[tuple[str, dict[str, Any], float | None, int]] = []  # key, fields, amount, indent

    def add(key: str, amount: float | None = None, indent: int = 0, **fields: Any) -> None:
        items.append((key, fields, amount, indent))

    def fact_fields(metric: str, basis: str, x: float) -> dict[str, Any]:
        fact = float(cols.facts[metric][0])
        target = float(cols.targets[metric][0]) if metric in cols.targets else plan.targets.get(metric)
        out: dict[str, Any] = {"fact": _metric_value(metric, fact, lang, cur)}
        if target:
            out["target"] = _metric_value(metric, float(target), lang, cur)
            from ..i18n import fmt_percent
            out["pct"] = fmt_percent(fact / float(target), lang, 0)
        return out

    add("explain.line.salary", float(cols.base[0]))
    for step in trace:
        kind = step["step"]
        if kind == "component":
            comp = step["component"]
            title = component_title(comp, lang, plan)
            if comp.kind in ("bonus", "team"):
                x, factor, amount = float(step["x"][0]), float(step["factor"][0]), float(step["amount"][0])
                money = fmt_money(amount, lang, cur)
                if comp.kind == "team":
                    add("explain.line.team", amount * factor, title=title, pct=_pct(x, lang),
                        coef=_coef(factor, lang), money=money)
                else:
                    ff = fact_fields(comp.metric, comp.basis, x)
                    key = "explain.line.bonus" if "target" in ff else "explain.line.bonus_fact"
                    add(key, amount * factor, title=title, coef=_coef(factor, lang), money=money, **ff)
            elif comp.kind == "scorecard":
                index, paid = float(step["index"][0]), float(step["paid_index"][0])
                amount = float(step["amount"][0])
                for kpi, x, factor in step["kpis"]:
                    ff = fact_fields(kpi.metric, kpi.basis, float(x[0]))
                    key = "explain.line.kpi" if "target" in ff else "explain.line.kpi_fact"
                    add(key, None, 1, metric=label_cap(kpi.metric, lang), coef=_coef(float(factor[0]), lang),
                        weight=_rate(kpi.weight, lang), **ff)
                if comp.index_curve is None:
                    add("explain.line.scorecard", amount * paid, title=title, index=_coef(index, lang),
                        money=fmt_money(amount, lang, cur))
                else:
                    add("explain.line.scorecard_curve", amount * paid, title=title, index=_coef(index, lang),
                        coef=_coef(paid, lang), money=fmt_money(amount, lang, cur))
            elif comp.kind == "commission":
                value = float(step["value"][0])
                shown = _metric_value(comp.metric, value, lang, cur)
                pay = float(step["pay"][0])  # the engine's amount, after the component's own cap
                if comp.rate is not None:
                    key, fields = "explain.line.commission", {"value": shown, "rate": _rate(comp.rate, lang)}
                elif comp.method == "marginal":
                    slices, starts = step["slices"][0], step["starts"][0]
                    parts = [t("explain.tier_part", lang, value=_metric_value(comp.metric, float(s), lang, cur),
                               rate=_rate(tier.rate, lang))
                             for s, tier in zip(slices, comp.tiers) if s > 0]
                    key, fields = ("explain.line.commission_tiers", {"parts": " + ".join(parts)}) if parts else \
                        ("explain.line.commission_below",
                         {"value": shown, "start": _metric_value(comp.metric, float(starts[0]), lang, cur)})
                else:
                    band, starts = int(step["band"][0]), step["starts"][0]
                    start = _metric_value(comp.metric, float(starts[max(band, 0)]), lang, cur)
                    key, fields = ("explain.line.commission_below", {"value": shown, "start": start}) if band < 0 \
                        else ("explain.line.commission_retro",
                              {"value": shown, "start": start, "rate": _rate(comp.tiers[band].rate, lang)})
                add(key, pay, title=title, **fields)
                if "uncapped" in step and float(step["uncapped"][0]) > comp.cap:
                    add("explain.line.component_cap", None, 1, cap=fmt_money(comp.cap, lang, cur))
            # penalties are reported after the cap (contract section 7 order)
        elif kind == "gate":
            gate = step["gate"]
            passed = bool(step["passed"][0])
            what = describe_condition(gate.when, lang, cur)
            names = _names_words(step["names"], plan, lang)
            if passed:
                add("explain.line.gate_met", None, cond=what, names=names)
            else:
                lost = -sum(float(v[0]) for v in step["before"].values())
                if lost:
                    add("explain.line.gate_failed", lost, cond=what, names=names)
                else:  # nothing was earned there anyway: no amount to take away
                    add("explain.line.gate_failed_nothing", None, cond=what, names=names)
        elif kind == "modifier":
            mod = step["modifier"]
            factor = float(step["factor"][0])
            change = sum(float(v[0]) * (factor - 1.0) for v in step["before"].values())
            ff = fact_fields(mod.metric, mod.basis, float(step["x"][0]))
            add("explain.line.modifier", change, metric=metric_words(mod.metric, lang, "dat"),
                fact=ff["fact"], coef=_coef(factor, lang),
                names=_names_words(step["names"], plan, lang))
    limits = trace[-1]
    if limits["cap"] is not None and float(limits["cap_adjustment"][0]) < 0:
        add("explain.line.cap", float(limits["cap_adjustment"][0]), cap=fmt_money(float(limits["cap"][0]), lang, cur))
    for comp in plan.components:
        if comp.kind == "penalty":
            step = next(s for s in trace if s.get("component") is comp)
            units, charged = float(step["units"][0]), float(step["charged"][0])
            deduction = float(step["deduction"][0])
            add("explain.line.penalty", -deduction, title=component_title(comp, lang, plan),
                units=_metric_value(comp.metric, units, lang, cur), free=fmt_number(comp.free, lang),
                charged=_metric_value(comp.metric, charged, lang, cur), per_unit=fmt_money(comp.per_unit, lang, cur))
            if comp.cap is not None and deduction < comp.per_unit * charged:
                add("explain.line.penalty_cap", None, 1, cap=fmt_money(comp.cap, lang, cur))
    floor_adj = float(limits["floor_adjustment"][0])
    if floor_adj > 0:
        add("explain.line.floor_base" if plan.limits.floor == "base" else "explain.line.floor", floor_adj,
            level=fmt_money(float(limits["floor"][0]), lang, cur))

    # Round to kopecks so that the lines add up to the payout table's rounded total.
    total = float(round_money([float(result["total"][0])])[0])
    amounts = [a for _, _, a, _ in items if a is not None]
    rounded = list(round_money(amounts)) if amounts else []
    gap = round(total - sum(rounded), 2)
    if gap and rounded:
        biggest = max(range(1, len(rounded)), key=lambda i: abs(rounded[i]), default=0)
        rounded[biggest] = round(rounded[biggest] + gap, 2)
    whole = all(float(a).is_integer() for a in [*rounded, total])
    decimals = 0 if whole else 2
    lines: list[str] = []
    if header:
        row = payouts.table.iloc[pos]
        lines.append(t("explain.header", lang, rep=row["rep_id"], period=period_words(row["period"], lang)))
        lines.append(t("explain.plan", lang, plan=plan_title or _title_of(payouts.plan, lang)))
    it = iter(rounded)
    for key, fields, amount, indent in items:
        if amount is not None:
            value = next(it)
            fields = {**fields, "amount": fmt_money(value, lang, cur, decimals),
                      "signed": ("+" if value > 0 else "") + fmt_money(value, lang, cur, decimals)}
        lines.append("    " * indent + t(key, lang, **fields))
    lines.append(t("explain.line.total", lang, amount=fmt_money(total, lang, cur, decimals),
                   base=fmt_money(float(rounded[0]), lang, cur, decimals),
                   variable=fmt_money(total - float(rounded[0]), lang, cur, decimals)))
    return lines


def _title_of(plan: Any, lang: str) -> str:
    return plan_title(plan, lang)


def _pct(x: float, lang: str) -> str:
    from ..i18n import fmt_percent

    return fmt_percent(x, lang, 0)


def label_cap(metric: str, lang: str) -> str:
    """A metric's label as a line starts with it: "Calls"."""
    from ..i18n import label

    return label(metric, lang)


def statement(payouts: Any, rep_id: Any, period: Any, scenario: Any = None, lang: str = "en",
              *, plan_title: str | None = None) -> str:
    """:func:`statement_lines` joined into one text."""
    return "\n".join(statement_lines(payouts, rep_id, period, scenario, lang, plan_title=plan_title))
