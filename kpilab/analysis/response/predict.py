"""Best responses and :func:`predict`: what reps would do under a new plan, with intervals.

Best response: family by family (coordinate ascent, :attr:`Assumptions.sweeps`
passes), every rep tries every effort level of a grid at once in every pay
period of the plan; all reps x pay periods x grid points x parameter draws x
simulated years are one engine call (stacked as scenarios), and each rep keeps,
per pay period, the level that maximises expected pay + benefit - cost there.
Then the timing: the split of new deals across each boundary between pay
periods (:func:`best_timing`), two more engine calls. The first pass tries the grid around the observed
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
from ...i18n import t
from ...plan import Plan, Scheme, load_plan
from ..differentiation import DifferentiationReport, differentiation
from .bunching import Bunching, bunching, thresholds
from .calibrate import Calibration, calibrate
from .model import FAMILIES, Assumptions, Funnel, Payer, decision_units, retime, simulate, unit_matrix
from .luck import LuckEvidence, read_luck
from .pacing import pace
from ...i18n.messages import msg

__all__ = ["Prediction", "predict", "best_response", "best_timing", "lived_year", "OUTCOMES"]

#: The team figures of a prediction, in table order (sums over reps and periods, except cost of sales).
OUTCOMES = ("calls", "meetings", "emails", "follow_ups", "deals", "revenue", "pay", "cost_of_sales",
            "profit_after_pay")
_REFINE = np.geomspace(0.8, 1.25, 9)


def best_response(plan: Plan | Scheme, funnel: Funnel, calib: Calibration, z: np.ndarray,
                  start: np.ndarray | None = None) -> np.ndarray:
    """Each rep's effort per pay period and family that maximises expected pay + benefit - cost under ``plan``.

    Effort is chosen per pay period of ``plan`` (:func:`~.model.decision_units`):
    a month where a threshold is out of reach gets little effort, one just
    below it gets more, and a rep at a cap stops. Pay periods are chosen
    together in one engine call, each from its own pay (exact when nothing
    carries from one pay period to the next; a draw or holdback is taken as
    it falls in the simulated year).

    Parameters
    ----------
    z
        The simulated years the reps expect over (:meth:`Funnel.noise`).
    start
        Effort to start from, shape (D, R, P, F) (default: the observed 1.0).

    Returns
    -------
    numpy.ndarray
        Shape (D, R, P, F): per parameter draw, rep, period and family.
    """
    a = funnel.assumptions
    d, r, f = calib.k.shape
    periods = funnel.shape[1]
    lo, hi = a.effort_bounds
    units = decision_units(plan, funnel.periods)
    onehot = unit_matrix(units)
    months = onehot.sum(0)
    effort = np.ones((d, r, periods, f)) if start is None else start.copy()
    first = np.asarray(a.grid, float)
    g = max(len(first), len(_REFINE))
    payer = Payer(plan, funnel, d * g, z.shape[1])
    gamma = calib.gamma[:, None, None, None]
    k, m = calib.k_by_period[:, None], calib.m[:, None]              # (D, 1, R, P, F) each
    for sweep in range(a.sweeps):
        # Every family together first (a threshold may be out of reach of one family alone: a coordinate
        # step would never see the jump), then family by family.
        for i in (None, *range(f)):
            if i is None:
                current = np.ones((d, r, len(months)))                # a common factor on today's choice
            else:
                current = (effort[..., i] @ onehot) / months          # (D, R, U)
            if sweep == 0:
                levels = np.broadcast_to(np.resize(first, g)[None, :, None, None], (d, g, r, len(months)))
            else:
                # Each refining pass halves the span (in logs): +-25 %, +-12 %, +-6 % ...
                levels = current[:, None] * (_REFINE ** (0.5 ** (sweep - 1)))[None, :, None, None]
            trial = np.repeat(effort[:, None], g, axis=1)            # (D, G, R, P, F)
            if i is None:
                trial = np.clip(trial * levels[..., units, None], lo, hi)
                e, kk, mm = trial, k, m
            else:
                levels = np.clip(levels, lo, hi)
                trial[..., i] = levels[..., units]
                e, kk, mm = trial[..., i], k[..., i], m[..., i]
            facts = simulate(funnel, trial.reshape(d * g, r, periods, f), z, np.repeat(calib.luck, g))
            pay = payer.period_pay(facts).reshape(d, g, r, periods)
            gam = gamma[..., None] if i is None else gamma
            own = mm * e - kk * e ** gam / gam                        # the cost that differs across the grid
            if i is None:
                own = own.sum(-1)
            u = (pay + own) @ onehot                                  # (D, G, R, U)
            pick = u.argmax(1)
            if i is None:
                factor = np.take_along_axis(levels, pick[:, None], 1)[:, 0][..., units]    # (D, R, P)
                effort = np.clip(effort * factor[..., None], lo, hi)
            else:
                best = np.take_along_axis(levels, pick[:, None], 1)[:, 0]
                effort[..., i] = best[..., units]
    return effort


def lived_year(plan: Plan | Scheme, funnel: Funnel, calib: Calibration, effort: np.ndarray, z_choice: np.ndarray,
               z: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The simulated years ``z`` at the effort chosen before each pay period, re-planned month by month
    within a pay period longer than a month (:func:`~.pacing.pace`, the policy taken over ``z_choice``).

    Returns
    -------
    (dict, numpy.ndarray)
        Facts of shape (D, S, R, P) (before any timing) and the effort lived, (D, R, P, F), the mean
        over the simulated years (``effort`` itself where nothing is re-planned).
    """
    policy = pace(plan, funnel, calib, effort, z_choice)
    if policy is None:
        return simulate(funnel, effort, z, calib.luck), effort
    facts, lived = policy.follow(funnel, z)
    return facts, lived.mean(1)


def best_timing(plan: Plan | Scheme, funnel: Funnel, effort: np.ndarray, z: np.ndarray,
                facts: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Each rep's share of new deals moved across each boundary between pay periods, shape (D, S, R, P - 1).

    At every boundary of ``plan``'s pay periods (every month under a monthly
    plan, quarter ends under a quarterly one) the rep, knowing how the two
    periods went in simulated year ``s`` (a deal about to close is a deal the
    rep can see), chooses the split of their new deals from
    :attr:`Assumptions.shifts`, for the highest pay of the two periods minus
    the cost of moving deals (:attr:`Assumptions.timing_cost`). Effort is
    chosen first (:func:`best_response`, re-planned within the period by :func:`lived_year`, whose
    ``facts`` are then the years to time), timing then. Boundaries are taken in
    two passes (even, then odd), so the boundaries of one pass share no pay
    period and are chosen at once, each from its own two periods' pay.
    """
    a = funnel.assumptions
    d, r, periods, _ = effort.shape
    s = z.shape[1]
    shift = np.zeros((d, s, r, max(periods - 1, 0)))
    units = decision_units(plan, funnel.periods)
    edges = np.flatnonzero(units[1:] != units[:-1])                # pair (p, p + 1) crosses a boundary
    if edges.size == 0 or len(a.shifts) < 2:
        return shift
    onehot = unit_matrix(units)
    levels = np.asarray(a.shifts, float)
    g = len(levels)
    payer = Payer(plan, funnel, g, s)
    source = facts or simulate(funnel, effort, z)
    # Only what the plan reads and what moves is repeated per level (the rest the pay never looks at).
    needed = [k for k in source if payer.reads(k) or k in ("deals", "revenue", "repeat_revenue")]
    for draw in range(d):          # one draw at a time: the levels of one draw stay in cache
        drawn = {k: np.repeat(source[k][draw:draw + 1], g, axis=0) for k in needed}
        for part in (edges[0::2], edges[1::2]):
            trial = np.repeat(shift[draw][None], g, axis=0)             # (G, S, R, P - 1)
            trial[..., part] = levels[:, None, None, None]
            moved_facts, moved = retime(drawn, trial)
            pay = payer.pay(moved_facts)["total"].reshape(g, s, r, periods) @ onehot   # (G, S, R, U)
            cost = a.timing_cost * moved[..., part]
            u = pay[..., units[part]] + pay[..., units[part + 1]] - cost           # (G, S, R, pairs)
            shift[draw][..., part] = levels[u.argmax(0)]
    return shift


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
        Per rep, period and family: ``predicted``, ``low``, ``high`` effort (1.0 = observed).
    sensitivity
        Per assumption: team revenue, pay and profit at each end of its range and
        the swing (high - low end), largest swing first.
    verdict
        Per parameter draw: did the new plan pass the verdict under the predicted behaviour,
        with rho and top-to-minimum; the first row is the baseline behaviour.
    attainment
        Per rep and pay period of the new plan (month, quarter or year; ``period``
        names its first month), expected revenue over its target (the rep's own
        plan, else the new plan's) as now and as predicted.
    bunching
        :class:`~.bunching.Bunching`: the histogram of that attainment, what
        moves around each threshold of the new plan, and the pay at stake
        (None when no revenue target is known).
    timing
        Per rep and pair of adjacent periods: the share of new deals moved on
        average over the simulated years (positive: pulled into the earlier
        period), the share of years with a move, and the revenue moved.
    calibration
        The revealed cost of effort (:class:`~.calibrate.Calibration`).
    assumptions
        The numbers assumed (lasting luck as the team's months show it, :func:`~.luck.read_luck`).
    luck
        What the team's months say of luck that lasts (:class:`~.luck.LuckEvidence`).
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
    bunching: Bunching | None = None
    timing: pd.DataFrame = field(default_factory=pd.DataFrame)
    luck: LuckEvidence | None = None

    @property
    def table(self) -> pd.DataFrame:
        return self.team

    def to_frame(self) -> pd.DataFrame:
        return self.team.copy()

    def assumptions_text(self, lang: str = "en") -> str:
        """The model's assumptions and limits in plain words (:func:`.text.assumptions_text`)."""
        from .text import assumptions_text
        return assumptions_text(self, lang)

    def bunching_text(self, lang: str = "en") -> str:
        """What moves around each revenue threshold and the pay at stake, in plain words."""
        from .text import bunching_lines
        return "\n".join([t("response.bunching.title", lang), *bunching_lines(self, lang)])

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
        raise ValueError(msg("api_errors.response_scenarios", scenarios=scenarios))
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    funnel, luck = read_luck(Funnel.from_team(team, a))
    a = funnel.assumptions                                           # lasting luck as the months show it
    z_opt = funnel.noise(min(a.optimise_scenarios, scenarios), rng, stratified=True)
    z_out = funnel.noise(scenarios, rng)
    calib = calibrate(current, funnel, z_opt)
    effort = best_response(new, funnel, calib, z_opt)
    d, r, periods, f = effort.shape

    base_facts = simulate(funnel, np.ones((1, r, f)), z_out)
    base_pay = Payer(current, funnel, 1, scenarios).pay(base_facts)["total"].reshape(1, scenarios, r, periods)
    untimed, effort = lived_year(new, funnel, calib, effort, z_opt, z_out)   # re-planned as each year unfolds
    shift = best_timing(new, funnel, effort, z_out, untimed)        # decided in each simulated year, as it unfolds
    new_facts, moved = retime(untimed, shift)
    new_payer = Payer(new, funnel, d, scenarios)
    new_pay = new_payer.pay(new_facts)["total"].reshape(d, scenarios, r, periods)
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
    effort_table = pd.DataFrame({"rep_id": np.repeat(funnel.reps, periods * f),
                                 "period": np.tile(np.repeat(funnel.periods, f), r),
                                 "family": np.tile(FAMILIES, r * periods),
                                 "predicted": effort[0].ravel(), "low": effort.min(0).ravel(),
                                 "high": effort.max(0).ravel()})
    timing = pd.DataFrame({"rep_id": np.repeat(funnel.reps, periods - 1),
                           "period": np.tile(funnel.periods[:-1], r), "next_period": np.tile(funnel.periods[1:], r),
                           "shift": shift[0].mean(0).ravel(), "moved_share": (shift[0] != 0).mean(0).ravel(),
                           "revenue_moved": moved[0].mean(0).ravel()})

    sens = []
    for name in draws["assumption"].unique()[1:]:
        rows = draws.index[draws["assumption"] == name]
        # An end equal to the centre is the centre's own draw (Assumptions.draws does not repeat it).
        ends = {e: (rows[draws.loc[rows, "end"].eq(e)].tolist() or [0])[0] for e in ("low", "high")}
        lo, hi = ends["low"], ends["high"]
        entry = {"assumption": name, "low_value": draws.loc[lo, name], "high_value": draws.loc[hi, name]}
        for fig in ("revenue", "pay", "profit_after_pay"):
            entry[f"{fig}_low"] = after[fig][lo].sum()
            entry[f"{fig}_high"] = after[fig][hi].sum()
        entry["revenue_swing"] = abs(entry["revenue_high"] - entry["revenue_low"])
        entry["profit_swing"] = abs(entry["profit_after_pay_high"] - entry["profit_after_pay_low"])
        sens.append(entry)
    sensitivity = pd.DataFrame(sens).sort_values("revenue_swing", ascending=False, kind="stable")

    attainment = pd.DataFrame()
    bunch = None
    target = _revenue_target(new, funnel)
    if target is not None:
        # Attainment per pay period of the new plan (a month, a quarter, a year): what its thresholds read.
        units = decision_units(new, funnel.periods)
        onehot = unit_matrix(units)
        first = np.r_[True, units[1:] != units[:-1]]
        with np.errstate(all="ignore"):
            unit_target = target @ onehot
            now = (base_facts["revenue"][0].mean(0) @ onehot) / unit_target
            then = (new_facts["revenue"][0].mean(0) @ onehot) / unit_target
        attainment = pd.DataFrame({"rep_id": np.repeat(funnel.reps, onehot.shape[1]),
                                   "period": np.tile(funnel.periods[first], r),
                                   "baseline": now.ravel(), "predicted": then.ravel()})
        untimed_pay = Payer(new, funnel, 1, scenarios).pay({k: v[:1] for k, v in untimed.items()})[
            "total"].reshape(1, scenarios, r, periods)
        with np.errstate(all="ignore"):
            # Realised attainment in every simulated year: timing is decided as the year unfolds, so
            # bunching shows in what happens, not in the averages.
            seen_now = (base_facts["revenue"][0] @ onehot) / unit_target
            seen_then = (new_facts["revenue"][0] @ onehot) / unit_target
        bunch = bunching(seen_now, seen_then, (new_pay[0] @ onehot) / scenarios, thresholds(new),
                         timing_pay=float(new_pay[0].mean(0).sum() - untimed_pay[0].mean(0).sum()),
                         moved_revenue=float(moved[0].mean(0).sum()))

    reports: dict[str, DifferentiationReport] = {}
    verdict_rows = []
    if verdict:
        cases = [("baseline", "", current, base_facts, 0)] + [
            (draws.loc[i, "assumption"], draws.loc[i, "end"], new, new_facts, i) for i in range(d)]
        for name, end, plan, facts, block in cases:
            year = _expected_year(funnel, facts, block)
            # The interval is the range over the parameter draws: no bootstrap inside each one.
            rep = differentiation(evaluate(plan, year), lang=lang, n_boot=0)
            reports[f"{name}:{end}" if end else name] = rep
            verdict_rows.append({"case": name, "end": end, "passed": rep.passed,
                                 "rho": rep.metrics.get("rho"), "top_to_minimum": rep.metrics.get("top_to_minimum")})
    return Prediction(team_table, per_rep, effort_table, sensitivity, pd.DataFrame(verdict_rows), calib, a,
                      reports, attainment, bunch, timing, luck)


def _revenue_target(plan: Plan | Scheme, funnel: Funnel) -> np.ndarray | None:
    """The revenue target of each rep and period (R, P): the rep's own plan where the data has one, else the
    plan's (a scheme: the plan of the row's role); None when neither says."""
    team = funnel.team
    given = team["plan_revenue"].to_numpy(float) if "plan_revenue" in team.columns else np.full(len(team), np.nan)
    plans = plan.plans()
    if "role" in team.columns and len(plans) > 1:
        own = team["role"].map({role: p.targets.get("revenue", np.nan) for role, p in plans.items()})
        plan_target = own.to_numpy(float)
    else:
        plan_target = np.full(len(team), float(next(iter(plans.values())).targets.get("revenue", np.nan)))
    target = np.where(np.isnan(given), plan_target, given)
    if np.isnan(target).all():
        return None
    return target.reshape(funnel.shape)
