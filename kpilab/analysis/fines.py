"""Fines vs bonus reduction at equal budget.

:func:`fines_vs_bonuses` takes a plan with penalties (fines) and builds its
lawful twin: the same plan without fines, where part of the salary, ``A``
roubles, becomes a *discipline bonus* paid in full at or under each fine's
forgiven units and reduced linearly to zero where the fine would have reached
its cap. ``A`` is calibrated (closed form, checked by the engine and refined
by bisection) so that expected payroll is equal. Then it reports who loses pay
under each, the differentiation of each, and the cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..engine import Payouts, evaluate
from ..i18n import fmt_money, fmt_number, fmt_percent, label, t
from ..errors import KpilabError
from ..plan import Bonus, Curve, Plan
from ..plan.kinds import FineTerms
from ._common import Measure, Result, check_lang
from .criteria import Criteria
from .differentiation import DifferentiationReport, differentiation
from ..i18n.messages import msg

__all__ = ["fines_vs_bonuses", "FinesVsBonuses", "bonus_twin"]


@dataclass(frozen=True, eq=False)
class FinesVsBonuses(Result):
    """The result of :func:`fines_vs_bonuses`.

    ``table``: metric rows × columns ``fines``, ``bonus`` (payroll, lost_pay,
    share_reps_losing, rho, top_to_minimum, p90_target_multiple, inversions,
    cost_of_sales, passed). ``per_rep``: monthly means per rep (total_fines,
    total_bonus, lost_fines, lost_bonus, delta = bonus − fines).
    ``by_archetype``: medians of those per archetype. ``amount``: the
    calibrated discipline bonus per month (RUB, summed over fines).
    """

    per_rep: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_archetype: pd.DataFrame | None = None
    amount: float = 0.0
    scale: float = 0.0
    bonus_plan: Plan | None = None
    reports: Mapping[str, DifferentiationReport] = field(default_factory=dict)
    payouts: Mapping[str, Payouts] = field(default_factory=dict)
    summary: str = ""

    def _html_parts(self) -> list[tuple[str, pd.DataFrame]]:
        return [(self.summary, self.table), ("by archetype", self.by_archetype)]

    def __str__(self) -> str:
        return self.summary


def _fines(plan: Plan) -> list[tuple[str, FineTerms]]:
    """(component name, its terms) of every component that is a fine, whatever its kind."""
    return [(c.name, terms) for c in plan.components if (terms := c.fine_terms()) is not None]


def _spans(plan: Plan, team: pd.DataFrame) -> list[tuple[str, FineTerms, float, float]]:
    """(name, terms, units from 'free' to the cap, money at the cap) for each fine."""
    out = []
    for name, p in _fines(plan):
        if p.cap is not None:
            span = p.cap / p.per_unit
        else:
            excess = np.maximum(0.0, pd.to_numeric(team[p.metric]).to_numpy(float) - p.free)
            span = max(1.0, float(np.percentile(excess, 95)))
        out.append((name, p, span, p.per_unit * span))
    return out


def bonus_twin(fines_plan: Plan, team: pd.DataFrame, scale: float) -> Plan:
    """The fines plan with each fine replaced by a discipline bonus worth ``scale`` × the fine's cap.

    The salary is lowered by the sum of those bonuses (the money moves from
    fixed to at-risk pay); each bonus pays in full up to the forgiven units
    and falls linearly to 0 where the fine reaches its cap.
    """
    spans = _spans(fines_plan, team)
    amount = scale * sum(m for _, _, _, m in spans)
    if amount > fines_plan.base + 1e-9:
        raise KpilabError(msg("api_errors.fines_bonus_over_salary", amount=amount, fines_plan_base=fines_plan.base))
    fines = {name for name, _, _, _ in spans}
    keep = tuple(c for c in fines_plan.components if c.name not in fines)
    bonuses = tuple(Bonus(name=f"discipline_{name}", metric=p.metric, basis="value", amount=scale * money,
                          curve=Curve("points", (p.free, p.free + span), (1.0, 0.0), below=1.0))
                    for name, p, span, money in spans)
    renamed = {name: f"discipline_{name}" for name in fines}
    names = {lang: replace(entry, components=type(entry.components)(
                 {renamed.get(k, k): v for k, v in entry.components.items()
                  if k in renamed or any(c.name == k for c in keep)}))
             for lang, entry in getattr(fines_plan, "names", {}).items()}
    return replace(fines_plan, name=f"{fines_plan.name} (bonus reduction twin)", base=fines_plan.base - amount,
                   components=keep + bonuses, **({"names": names} if names else {}))


def _payroll(plan: Plan, team: pd.DataFrame) -> float:
    t = evaluate(plan, team).table
    n_scen = t["scenario"].nunique() if "scenario" in t.columns else 1
    return float(t["total"].sum() / n_scen)


def fines_vs_bonuses(fines_plan: Plan, team: pd.DataFrame, bonus_plan: Plan | None = None, *,
                     measure: Measure = None, criteria: Criteria | Mapping[str, Any] | None = None,
                     lang: str = "en", tol: float = 1.0) -> FinesVsBonuses:
    """Compare a fines plan with a bonus-reduction plan of equal expected payroll on one team.

    Parameters
    ----------
    fines_plan
        A Plan with at least one ``penalty`` component.
    team
        The performance table (a ``scenario`` column is allowed).
    bonus_plan
        Your own alternative; default :func:`bonus_twin` calibrated to equal payroll.
        A given plan is compared as it is (its payroll gap shows in the table).
    measure, criteria, lang
        As in :func:`differentiation`.
    tol
        Payroll match tolerance in RUB for the calibration.

    Returns
    -------
    FinesVsBonuses
    """
    check_lang(lang)
    if not isinstance(fines_plan, Plan):
        raise KpilabError(msg("api_errors.fines_needs_plan"))
    if not _fines(fines_plan):
        raise KpilabError(msg("api_errors.fines_no_penalty", fines_plan_name=fines_plan.name))
    pf = evaluate(fines_plan, team)
    payroll_f = _payroll(fines_plan, team)
    scale = float("nan")
    if bonus_plan is None:
        # Closed form: payroll(s) = payroll(0) - s * D, D = money withheld at s = 1 (linear while no cap binds).
        p0 = _payroll(bonus_twin(fines_plan, team, 0.0), team)
        p1 = _payroll(bonus_twin(fines_plan, team, 1.0), team)
        d = p0 - p1
        scale = (p0 - payroll_f) / d if d > 0 else 0.0
        scale = max(0.0, scale)
        if abs(_payroll(bonus_twin(fines_plan, team, scale), team) - payroll_f) > tol:
            lo, hi = 0.0, max(1.0, 2 * scale)
            while _payroll(bonus_twin(fines_plan, team, hi), team) > payroll_f and hi < 1e3:
                hi *= 2
            for _ in range(100):
                mid = 0.5 * (lo + hi)
                if _payroll(bonus_twin(fines_plan, team, mid), team) > payroll_f:
                    lo = mid
                else:
                    hi = mid
                if hi - lo < 1e-12:
                    break
            scale = 0.5 * (lo + hi)
        bonus_plan = bonus_twin(fines_plan, team, scale)
    pb = evaluate(bonus_plan, team)
    rf = differentiation(pf, team, measure=measure, criteria=criteria, lang=lang)
    rb = differentiation(pb, team, measure=measure, criteria=criteria, lang=lang)

    # Lost pay: what the rep would get with no misconduct minus what it got.
    tf, tb = pf.table, pb.table
    fine_cols = pf.penalty_names
    lost_f = -(tf[fine_cols].sum(axis=1)) - tf["floor_adjustment"]  # fines actually taken (after the floor)
    disc = [c for c in pb.component_names if c.startswith("discipline_")]
    if disc:
        full = sum(c.amount for c in bonus_plan.components if c.name in disc)
        lost_b = full - tb[disc].sum(axis=1)
    else:
        lost_b = -(tb[pb.penalty_names].sum(axis=1)) - tb["floor_adjustment"] if pb.penalty_names else tb["total"] * 0
    rows = pd.DataFrame({"rep_id": tf["rep_id"].to_numpy(), "total_fines": tf["total"].to_numpy(),
                         "total_bonus": tb["total"].to_numpy(), "lost_fines": lost_f.to_numpy(),
                         "lost_bonus": np.asarray(lost_b, float)})
    per_rep = rows.groupby("rep_id", sort=False).mean()
    per_rep["delta"] = per_rep["total_bonus"] - per_rep["total_fines"]
    arch_src = team if "archetype" in team.columns else None
    by_arch = None
    if arch_src is not None:
        arch = pd.Series(team["archetype"].to_numpy(), index=team["rep_id"].to_numpy()).groupby(level=0).first()
        per_rep.insert(0, "archetype", arch.reindex(per_rep.index).to_numpy())
        by_arch = per_rep.groupby("archetype").median(numeric_only=True)
        by_arch.insert(0, "n_reps", per_rep.groupby("archetype").size())
    per_rep = per_rep.reset_index()

    def col(r: DifferentiationReport, lost: pd.Series, payroll: float, share_losing: float) -> dict[str, float]:
        m = r.metrics
        n_scen = tf["scenario"].nunique() if "scenario" in tf.columns else 1
        return {"payroll": payroll, "lost_pay": float(lost.sum() / n_scen), "share_reps_losing": share_losing,
                "rho": m["rho"], "top_to_minimum": m["top_to_minimum"], "p90_target_multiple": m["p90_target_multiple"],
                "inversions": m["inversions"], "inverted_share": m["inverted_share"],
                "cost_of_sales": m["cost_of_sales"], "passed": float(r.passed)}

    payroll_b = _payroll(bonus_plan, team)
    table = pd.DataFrame({
        "fines": col(rf, lost_f, payroll_f, float((per_rep["lost_fines"] > 0.005).mean())),
        "bonus": col(rb, pd.Series(np.asarray(lost_b, float)), payroll_b, float((per_rep["lost_bonus"] > 0.005).mean())),
    })
    table.index.name = "metric"
    amount = fines_plan.base - bonus_plan.base if disc else 0.0
    summary = _summary(table, by_arch, amount, lang)
    return FinesVsBonuses(table=table, per_rep=per_rep, by_archetype=by_arch, amount=float(amount),
                          scale=float(scale), bonus_plan=bonus_plan, reports={"fines": rf, "bonus": rb},
                          payouts={"fines": pf, "bonus": pb}, summary=summary)


def _summary(table: pd.DataFrame, by_arch: pd.DataFrame | None, amount: float, lang: str) -> str:
    f, b = table["fines"], table["bonus"]
    worst_f = worst_b = "—"
    if by_arch is not None and len(by_arch):
        worst_f = label(str(by_arch["lost_fines"].idxmax()), lang).lower()
        worst_b = label(str(by_arch["lost_bonus"].idxmax()), lang).lower()
    return t("verdict.fines_summary", lang, payroll_f=fmt_money(f["payroll"], lang), payroll_b=fmt_money(b["payroll"], lang),
             amount=fmt_money(amount, lang), share_f=fmt_percent(f["share_reps_losing"], lang, 0), worst_f=worst_f,
             share_b=fmt_percent(b["share_reps_losing"], lang, 0), worst_b=worst_b,
             rho_f=fmt_number(f["rho"], lang, 2), rho_b=fmt_number(b["rho"], lang, 2),
             inv_f=fmt_percent(f["inverted_share"], lang, 1), inv_b=fmt_percent(b["inverted_share"], lang, 1))
