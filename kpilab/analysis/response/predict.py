"""Best responses and :func:`predict`: what reps would do under a new plan, with intervals.

Best response: family by family (coordinate ascent, :attr:`Assumptions.sweeps`
passes), every rep tries every effort level of a grid at once; all reps x
grid points x parameter draws x simulated years are one engine call (stacked
as scenarios), and each rep keeps the level that maximises expected monthly
pay + benefit - cost. The first pass tries the grid around the observed
effort; later passes refine around the current choice (the current level is
always on the grid, so a pass never makes a rep worse off); each refining pass halves the span.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...engine import evaluate
from ...plan import Plan, Scheme, load_plan
from ..differentiation import DifferentiationReport, differentiation
from .calibrate import Calibration, calibrate
from .model import FAMILIES, Assumptions, Funnel, Payer, simulate

__all__ = ["Prediction", "predict", "best_response", "OUTCOMES"]

#: The team figures of a prediction, in table order (sums over reps and periods, except cost of sales).
OUTCOMES = ("calls", "meetings", "emails", "follow_ups", "deals", "revenue", "pay", "cost_of_sales",
            "profit_after_pay")
_REFINE = np.geomspace(0.8, 1.25, 9)


def _utility(pay: np.ndarray, effort: np.ndarray, calib: Calibration) -> np.ndarray:
    """Expected monthly pay + benefit - cost; pay (D, G, R), effort (D, G, R, F)."""
    gamma = calib.gamma[:, None, None, None]
    k, m = calib.k[:, None], calib.m[:, None]
    return pay + (m * effort - k * effort ** gamma / gamma).sum(-1)


def best_response(plan: Plan | Scheme, funnel: Funnel, calib: Calibration, z: np.ndarray,
                  start: np.ndarray | None = None) -> np.ndarray:
    """Each rep's effort per family that maximises expected pay + benefit - cost under ``plan``.

    Parameters
    ----------
    z
        The simulated years the reps expect over (:meth:`Funnel.noise`).
    start
        Effort to start from, shape (D, R, F) (default: the observed 1.0).

    Returns
    -------
    numpy.ndarray
        Shape (D, R, F): per parameter draw, rep and family.
    """
    a = funnel.assumptions
    d, r, f = calib.k.shape
    lo, hi = a.effort_bounds
    effort = np.ones((d, r, f)) if start is None else start.copy()
    first = np.asarray(a.grid, float)
    g = max(len(first), len(_REFINE))
    payer = Payer(plan, funnel, d * g, z.shape[1])
    for sweep in range(a.sweeps):
        for i in range(f):
            levels = np.empty((d, g, r))
            if sweep == 0:
                levels[:] = np.resize(first, g)[None, :, None]   # pads a short grid with repeats
            else:
                # Each refining pass halves the span (in logs): +-25 %, +-12 %, +-6 % ...
                levels[:] = effort[:, None, :, i] * (_REFINE ** (0.5 ** (sweep - 1)))[None, :, None]
            levels = np.clip(levels, lo, hi)
            trial = np.repeat(effort[:, None], g, axis=1)
            trial[..., i] = levels
            facts = simulate(funnel, trial.reshape(d * g, r, f), z)
            pay = payer.monthly_pay(facts).reshape(d, g, r)
            u = _utility(pay, trial, calib)
            effort[..., i] = np.take_along_axis(levels, u.argmax(1)[:, None], 1)[:, 0]
    return effort


@dataclass(frozen=True, eq=False)
class Prediction:
    """What reps would do under a new plan: team and per-rep figures, intervals, sensitivity, verdicts.

    Attributes
    ----------
    team
        One row per figure (:data:`OUTCOMES`): ``baseline`` (the observed effort
        under the current plan, in the same model), ``predicted`` (centre of the
        assumptions), ``low``/``high`` (the range over the parameter draws),
        ``change`` (predicted / baseline - 1). Activity, deals, revenue, pay and
        profit are yearly team totals in the data's units; cost of sales is pay / revenue.
    per_rep
        The same figures per rep (rows rep x figure).
    effort
        Per rep and family: ``predicted``, ``low``, ``high`` effort (1.0 = observed).
    sensitivity
        Per assumption: team revenue, pay and profit at each end of its range and
        the swing (high - low end), largest swing first.
    verdict
        Per parameter draw: did the new plan pass the verdict under the predicted behaviour,
        with rho and top-to-minimum; the first row is the baseline behaviour.
    attainment
        Per rep and period, expected revenue over its target (the rep's own
        plan, else the new plan's) as now and as predicted: where mass piles
        up just above a threshold, the plan creates bunching.
    calibration
        The revealed cost of effort (:class:`~.calibrate.Calibration`).
    assumptions
        The numbers assumed.
    """

    team: pd.DataFrame
    per_rep: pd.DataFrame
    effort: pd.DataFrame
    sensitivity: pd.DataFrame
    verdict: pd.DataFrame
    calibration: Calibration
    assumptions: Assumptions
    reports: dict[str, DifferentiationReport] = field(default_factory=dict)
    attainment: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def table(self) -> pd.DataFrame:
        return self.team

    def to_frame(self) -> pd.DataFrame:
        return self.team.copy()

    def assumptions_text(self, lang: str = "en") -> str:
        """The model's assumptions and limits in plain words (:func:`.text.assumptions_text`)."""
        from .text import assumptions_text
        return assumptions_text(self, lang)

    def __str__(self) -> str:
        from .text import summary_text
        return summary_text(self, "en")


def _as_plan(plan: Plan | Scheme | Mapping[str, Any]) -> Plan | Scheme:
    return load_plan(plan) if isinstance(plan, Mapping) else plan


def _figures(facts: Mapping[str, np.ndarray], pay: np.ndarray, periods: int) -> dict[str, np.ndarray]:
    """Yearly figures per block and rep from facts and pay of shape (B, S, R, P): mean over scenarios."""
    out = {m: facts[m].mean(axis=1).sum(-1) for m in ("calls", "meetings", "emails", "follow_ups", "deals",
                                                      "revenue")}
    out["pay"] = pay.mean(axis=1).sum(-1)
    with np.errstate(all="ignore"):
        out["cost_of_sales"] = out["pay"] / out["revenue"]
    out["profit_after_pay"] = out["revenue"] - out["pay"]
    return out


def _expected_year(funnel: Funnel, facts: Mapping[str, np.ndarray], block: int) -> pd.DataFrame:
    """The team table with the block's facts averaged over the simulated years (one row per rep-period)."""
    year = funnel.team.copy()
    for metric, values in facts.items():
        if metric in year.columns:
            year[metric] = values[block].mean(axis=0).ravel()
    return year


def predict(current_plan: Plan | Scheme | Mapping[str, Any], new_plan: Plan | Scheme | Mapping[str, Any],
            team: pd.DataFrame, *, scenarios: int = 200, seed: int | np.random.Generator | None = 0,
            assumptions: Assumptions | None = None, verdict: bool = True, lang: str = "en") -> Prediction:
    """Predict activity, deals, revenue, pay, cost and the verdict when ``new_plan`` replaces ``current_plan``.

    The observed year is taken as the reps' best response to the current plan
    (revealed preference, :func:`~.calibrate.calibrate`); under the new plan each
    rep chooses effort per activity family to maximise expected pay + benefit -
    cost of effort (:func:`best_response`). Both sides are simulated over the
    same ``scenarios`` years (common random numbers), so the change is the
    plan's, not the luck's. Every figure is given for the centre of the
    assumptions and as a range over the parameter draws
    (:meth:`Assumptions.draws`); the sensitivity table names the assumption
    that moves the answer most.

    Parameters
    ----------
    current_plan, new_plan
        Plans (or schemes, or plan mappings).
    team
        One observed year: one row per rep per period, no scenario column.
    scenarios
        Simulated years for the predicted figures.
    seed
        Seed or Generator (deterministic).
    assumptions
        :class:`Assumptions` (default: the stated defaults).
    verdict
        Also judge the new plan (:func:`~kpilab.analysis.differentiation`) under
        the predicted behaviour of every draw.
    """
    a = assumptions or Assumptions()
    current, new = _as_plan(current_plan), _as_plan(new_plan)
    if scenarios < 1:
        raise ValueError(f"scenarios must be at least 1, got {scenarios}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    funnel = Funnel.from_team(team, a)
    z_opt = funnel.noise(min(a.optimise_scenarios, scenarios), rng)
    z_out = funnel.noise(scenarios, rng)
    calib = calibrate(current, funnel, z_opt)
    effort = best_response(new, funnel, calib, z_opt)
    d, r, f = effort.shape
    periods = funnel.shape[1]

    base_facts = simulate(funnel, np.ones((1, r, f)), z_out)
    base_pay = Payer(current, funnel, 1, scenarios).pay(base_facts)["total"].reshape(1, scenarios, r, periods)
    new_facts = simulate(funnel, effort, z_out)
    new_pay = Payer(new, funnel, d, scenarios).pay(new_facts)["total"].reshape(d, scenarios, r, periods)
    before, after = _figures(base_facts, base_pay, periods), _figures(new_facts, new_pay, periods)

    draws = calib.draws
    team_rows = []
    for name in OUTCOMES:
        if name == "cost_of_sales":
            b = before["pay"].sum() / before["revenue"].sum()
            per_draw = after["pay"].sum(1) / after["revenue"].sum(1)
        else:
            b, per_draw = before[name].sum(), after[name].sum(1)
        team_rows.append({"figure": name, "baseline": b, "predicted": per_draw[0], "low": per_draw.min(),
                          "high": per_draw.max(), "change": per_draw[0] / b - 1 if b else np.nan})
    team_table = pd.DataFrame(team_rows).set_index("figure")

    per_rep = pd.concat([pd.DataFrame({"rep_id": funnel.reps, "figure": name, "baseline": before[name][0],
                                       "predicted": after[name][0], "low": after[name].min(0),
                                       "high": after[name].max(0)}) for name in OUTCOMES], ignore_index=True)
    effort_table = pd.DataFrame({"rep_id": np.repeat(funnel.reps, f), "family": np.tile(FAMILIES, r),
                                 "predicted": effort[0].ravel(), "low": effort.min(0).ravel(),
                                 "high": effort.max(0).ravel()})

    sens = []
    for name in draws["assumption"].unique()[1:]:
        rows = draws.index[draws["assumption"] == name]
        lo, hi = rows[draws.loc[rows, "end"].eq("low")][0], rows[draws.loc[rows, "end"].eq("high")][0]
        entry = {"assumption": name, "low_value": draws.loc[lo, name], "high_value": draws.loc[hi, name]}
        for fig in ("revenue", "pay", "profit_after_pay"):
            entry[f"{fig}_low"] = after[fig][lo].sum()
            entry[f"{fig}_high"] = after[fig][hi].sum()
        entry["revenue_swing"] = abs(entry["revenue_high"] - entry["revenue_low"])
        entry["profit_swing"] = abs(entry["profit_after_pay_high"] - entry["profit_after_pay_low"])
        sens.append(entry)
    sensitivity = pd.DataFrame(sens).sort_values("revenue_swing", ascending=False, kind="stable")

    attainment = pd.DataFrame()
    if "plan_revenue" in funnel.team.columns or "revenue" in getattr(new, "targets", {}):
        # The revenue target of each row: the rep's own plan where the data has one, else the new plan's.
        plan_target = float(getattr(new, "targets", {}).get("revenue", np.nan))
        given = (funnel.team["plan_revenue"].to_numpy(float) if "plan_revenue" in funnel.team.columns
                 else np.full(len(funnel.team), np.nan))
        target = np.where(np.isnan(given), plan_target, given).reshape(r, periods)
        with np.errstate(all="ignore"):
            attainment = pd.DataFrame({
                "rep_id": np.repeat(funnel.reps, periods), "period": np.tile(funnel.periods, r),
                "baseline": (base_facts["revenue"][0].mean(0) / target).ravel(),
                "predicted": (new_facts["revenue"][0].mean(0) / target).ravel()})

    reports: dict[str, DifferentiationReport] = {}
    verdict_rows = []
    if verdict:
        cases = [("baseline", "", current, base_facts, 0)] + [
            (draws.loc[i, "assumption"], draws.loc[i, "end"], new, new_facts, i) for i in range(d)]
        for name, end, plan, facts, block in cases:
            year = _expected_year(funnel, facts, block)
            rep = differentiation(evaluate(plan, year), lang=lang)
            reports[f"{name}:{end}" if end else name] = rep
            verdict_rows.append({"case": name, "end": end, "passed": rep.passed,
                                 "rho": rep.metrics.get("rho"), "top_to_minimum": rep.metrics.get("top_to_minimum")})
    return Prediction(team_table, per_rep, effort_table, sensitivity, pd.DataFrame(verdict_rows), calib, a,
                      reports, attainment)
