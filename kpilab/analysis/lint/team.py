"""Checks on a team: fines against the lawful limit, caps hit in practice, gates that stay closed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...engine import evaluate
from ...engine.explain import describe_condition, period_words
from ...errors import KpilabError
from ...i18n import fmt_percent, t
from ...plan import Bonus, Condition, Curve, Gate, Plan
from ..verdict import fmt, lint_sentence
from .findings import _EPS, Finding, _kind_of, _money, _title, _titles


def _fines(plan: Plan, prefix: str, team: pd.DataFrame | None, lawful_cut: float, lang: str) -> list[Finding]:
    out: list[Finding] = []
    pens = [(c.name, terms) for c in plan.components if (terms := c.fine_terms()) is not None]  # any kind of fine
    if not pens:
        return out
    limit = lawful_cut * (plan.base + plan.target_bonus)
    total = 0.0
    for name, p in pens:
        if p.cap is not None:
            worst = float(p.cap)
        elif team is not None and p.metric in team.columns:
            units = float(np.percentile(pd.to_numeric(team[p.metric], errors="coerce").dropna(), 99))
            worst = p.per_unit * max(0.0, units - p.free)
        else:
            worst = np.inf
        total += worst
        if worst > limit + _EPS:
            out.append(Finding(f"{prefix}{name}", "unlawful_fine", p.metric, np.nan, worst, "error",
                               lint_sentence("unlawful_fine", lang, component=_title(plan, prefix, name, lang),
                                             amount=_money(worst, lang), limit=_money(limit, lang),
                                             share=fmt(lawful_cut, "pct", lang))))
        if plan.limits.floor != "base" and not (isinstance(plan.limits.floor, (int, float))
                                                and plan.limits.floor >= plan.base):
            out.append(Finding(f"{prefix}{name}", "unlawful_fine", p.metric, np.nan, worst, "error",
                               lint_sentence("fine_from_salary", lang, component=_title(plan, prefix, name, lang))))
    if len(pens) > 1 and total > limit + _EPS and not any(f.kind == "unlawful_fine" for f in out):
        names = "+".join(f"{prefix}{name}" for name, _ in pens)
        out.append(Finding(names, "unlawful_fine", ",".join(p.metric for _, p in pens), np.nan, total, "error",
                           lint_sentence("unlawful_fine", lang,
                                         component=_titles(plan, prefix, [name for name, _ in pens], lang),
                                         amount=_money(total, lang),
                                         limit=_money(limit, lang), share=fmt(lawful_cut, "pct", lang))))
    return out


def _first_metric(cond: Any) -> str:
    return cond.metric if isinstance(cond, Condition) else _first_metric(cond.conditions[0])


def _threshold(cond: Any) -> float:
    if isinstance(cond, Condition) and cond.op == "attainment_at_least":
        return float(cond.threshold)
    return float("nan")


def _team_findings(plan: Plan, prefix: str, team: pd.DataFrame, caps: dict[str, float],
                   gate_zero_share: float, lang: str, notes: list[str]) -> list[Finding]:
    out: list[Finding] = []
    missing = sorted(m for m in plan.metrics_needed() if m not in team.columns)
    if missing:
        notes.append(t("lint.missing_columns", lang, plan=prefix or plan.name, columns=", ".join(missing)))
        return out
    try:
        pay = evaluate(plan, team).table
    except KpilabError as exc:
        notes.append(t("lint.team_error", lang, plan=prefix or plan.name, error=str(exc)))
        return out
    n = len(pay)
    # caps reached in practice (the P90 rep-month at the component's maximum)
    for name, cap in caps.items():
        col = name[len(prefix):]
        if col == "variable_cap":
            share = float((pay["cap_adjustment"] < -_EPS).mean())
        elif np.isnan(cap) or cap <= _EPS:
            continue
        else:
            share = float((pay[col] >= cap - _EPS).mean())
        if share > 0.10:
            comp = next((c for c in plan.components if c.name == col), None)
            metric = comp.metric if comp is not None and hasattr(comp, "metric") else "all"
            sev = "warning" if _kind_of(metric) == "sales" or col == "variable_cap" else "info"
            out.append(Finding(name, "cap_hit", metric, np.nan, share, sev,
                               lint_sentence("cap_hit", lang, component=_title(plan, prefix, col, lang),
                                             share=fmt(share, "pct", lang))))
    # gates: how often each stays closed (a probe component that pays 1 wherever the gate opens)
    for gate in plan.gates:
        probe_metric = _first_metric(gate.when)
        probe = Plan(name="gate probe", targets=plan.targets,
                     components=(Bonus(name="probe", metric=probe_metric, basis="value", amount=1.0,
                                       curve=Curve("steps", (0.0,), (1.0,), below=1.0)),),
                     gates=(Gate(applies_to=("probe",), when=gate.when),))
        opened = evaluate(probe, team).table["probe"].to_numpy()
        closed = 1.0 - float(opened.mean()) if n else 0.0
        if closed >= gate_zero_share:
            names = "all" if gate.applies_to == "all" else ", ".join(f"{prefix}{a}" for a in gate.applies_to)
            out.append(Finding(names, "gate_zeroes", probe_metric, _threshold(gate.when), closed, "warning",
                               lint_sentence("gate_zeroes", lang,
                                             condition=describe_condition(gate.when, lang, plan.currency),
                                             share=fmt(closed, "pct", lang),
                                             component=(t("lint.all_parts", lang) if gate.applies_to == "all" else
                                                        _titles(plan, prefix, list(gate.applies_to), lang)))))
    out += _wage_cuts(plan, prefix, pay, 0.2, lang)
    return out


def _wage_cuts(plan: Plan, prefix: str, pay: pd.DataFrame, lawful_cut: float, lang: str) -> list[Finding]:
    """Fines actually taken in each rep-month against ``lawful_cut`` of that month's wage (144-FZ).

    The wage is the month's pay before the cut (what the rep would have got
    without it): total + fines actually taken (after the floor).
    """
    fines = [(c.name, terms) for c in plan.components if (terms := c.fine_terms()) is not None]
    pens = [name for name, _ in fines]
    if not pens:
        return []
    cut = -pay[pens].fillna(0.0).sum(axis=1).to_numpy(float) - pay["floor_adjustment"].to_numpy(float)
    cut = np.maximum(cut, 0.0)
    wage = pay["total"].to_numpy(float) + cut
    over = cut > lawful_cut * wage + _EPS
    if not over.any():
        return []
    i = np.flatnonzero(over)
    worst = int(i[np.argmax((cut - lawful_cut * wage)[i])])
    names = "+".join(f"{prefix}{p}" for p in pens)
    return [Finding(names, "fine_over_wage", ",".join(terms.metric for _, terms in fines),
                    np.nan, float(cut[worst]), "error",
                    lint_sentence("fine_over_wage", lang, count=int(over.sum()),
                                  component=_titles(plan, prefix, pens, lang),
                                  share=fmt_percent(lawful_cut, lang, 0), rep=str(pay["rep_id"].iloc[worst]),
                                  period=period_words(str(pay["period"].iloc[worst]), lang),
                                  amount=_money(cut[worst], lang),
                                  wage=_money(wage[worst], lang)))]
