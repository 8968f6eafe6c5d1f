"""The persistent bottom of the team, and what replacing it would do.

:func:`tail` finds reps in the bottom quantile of output in at least ``k`` of
the last ``n`` periods. :func:`simulate_replacement` replaces them with
newcomers who ramp up (kpilab.data.synth's newcomer archetype, generated with
``make_scenarios(mix={"newcomer": 1})``) and compares the team's output and
pay cost month by month with keeping them, in P10/P50/P90 bands over
scenarios. Everything is drawn at once as arrays of shape (scenarios, reps,
months).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..engine import Payouts, evaluate
from ..errors import KpilabError
from ..plan import Plan, Scheme
from ._common import Measure, Result, resolve_measure
from ..i18n.messages import msg

__all__ = ["tail", "TailReport", "simulate_replacement", "ReplacementResult"]


@dataclass(frozen=True, eq=False)
class TailReport(Result):
    """The result of :func:`tail`.

    ``table``: one row per rep: rep_id, [archetype], periods_in_tail (mean over
    scenarios with a scenario column), last_n, share_flagged (share of
    scenarios where the rep is flagged; 0/1 without scenarios), newcomer
    (on ramp: fewer than ``ramp_months`` months of tenure at the start of the
    window), flagged (never a newcomer). ``reps``: the flagged rep ids, worst
    first; ``newcomers``: the reps on ramp, reported apart (their place in the
    tail is their ramp, not their performance). ``measure``: what was ranked.
    """

    reps: tuple[str, ...] = ()
    k: int = 3
    n: int = 6
    quantile: float = 0.25
    periods: tuple[str, ...] = ()
    newcomers: tuple[str, ...] = ()
    measure: str = "revenue"
    ramp_months: int = 6


def _team_of(payouts_or_team: Payouts | pd.DataFrame) -> pd.DataFrame:
    if isinstance(payouts_or_team, Payouts):
        return payouts_or_team.inputs
    if isinstance(payouts_or_team, pd.DataFrame):
        return payouts_or_team
    raise KpilabError(msg("api_errors.tail_input_kind", payouts_or_team_type=type(payouts_or_team).__name__))


def _attainment(frame: pd.DataFrame) -> np.ndarray:
    """Revenue over the row's own revenue plan."""
    return frame["revenue"].to_numpy(float) / pd.to_numeric(frame["plan_revenue"], errors="coerce").to_numpy(float)


def tail(payouts_or_team: Payouts | pd.DataFrame, k: int = 3, n: int = 6, quantile: float = 0.25,
         measure: Measure = None, ramp_months: int = 6) -> TailReport:
    """Reps in the bottom ``quantile`` of output in at least ``k`` of the last ``n`` periods.

    Parameters
    ----------
    payouts_or_team
        A Payouts (its inputs are read) or a team table with rep_id, period and the measure.
    k, n
        At least ``k`` bad periods among the last ``n`` (periods sorted as text,
        which orders ``2026-01`` style labels).
    quantile
        Bottom share of the period: a rep is in the tail when its output's
        percentile rank within its period (and scenario) is <= quantile.
    measure
        As in :func:`differentiation`; default: attainment of the rep's own
        plan (revenue / ``plan_revenue``) when the team has a revenue plan on
        every row, so a small territory is not a weak rep; else margin, else revenue.
    ramp_months
        With a ``tenure_months`` column, reps with fewer months than this at the
        start of the window are newcomers on ramp: reported apart, never flagged.

    Returns
    -------
    TailReport
    """
    if not 1 <= k <= n:
        raise KpilabError(msg("api_errors.tail_k_n", k=k, n=n))
    if not 0 < quantile < 1:
        raise KpilabError(msg("api_errors.tail_quantile", quantile=quantile))
    team = _team_of(payouts_or_team)
    if measure is None and {"revenue", "plan_revenue"} <= set(team.columns) and bool(
            (pd.to_numeric(team["plan_revenue"], errors="coerce") > 0).all()):
        perf, name = _attainment(team), "attainment"
    else:
        perf, name = resolve_measure(team, measure)
    has_scen = "scenario" in team.columns
    f = pd.DataFrame({"rep_id": team["rep_id"].astype(str).to_numpy(), "period": team["period"].astype(str).to_numpy(),
                      "perf": perf, "scenario": team["scenario"].to_numpy() if has_scen else 0})
    periods = tuple(sorted(f["period"].unique())[-n:])
    last = f[f["period"].isin(periods)]
    pct = last.groupby(["scenario", "period"])["perf"].rank(method="average", pct=True)
    last = last.assign(in_tail=(pct <= quantile + 1e-12).to_numpy())
    per = last.groupby(["scenario", "rep_id"], sort=False)["in_tail"].sum().rename("count").reset_index()
    per["flag"] = per["count"] >= k
    reps = per.groupby("rep_id", sort=False).agg(periods_in_tail=("count", "mean"), share_flagged=("flag", "mean"))
    reps["last_n"] = len(periods)
    if "tenure_months" in team.columns:
        ten = pd.DataFrame({"rep_id": f["rep_id"], "period": f["period"],
                            "tenure": pd.to_numeric(team["tenure_months"], errors="coerce").to_numpy(float)})
        start = ten[ten["period"].isin(periods)].groupby("rep_id")["tenure"].min()
        reps["newcomer"] = (start.reindex(reps.index) < ramp_months).fillna(False).to_numpy(bool)
    else:
        reps["newcomer"] = False
    reps["flagged"] = (reps["share_flagged"] >= 0.5) & ~reps["newcomer"]
    if "archetype" in team.columns:
        arch = team.assign(rep_id=team["rep_id"].astype(str)).groupby("rep_id")["archetype"].first()
        reps.insert(0, "archetype", arch.reindex(reps.index))
    reps = reps.reset_index().sort_values(["flagged", "periods_in_tail", "rep_id"], ascending=[False, False, True])
    reps = reps.reset_index(drop=True)
    flagged = tuple(reps.loc[reps["flagged"], "rep_id"])
    ramp = tuple(reps.loc[reps["newcomer"], "rep_id"])
    return TailReport(table=reps, reps=flagged, k=k, n=n, quantile=quantile, periods=periods, newcomers=ramp,
                      measure=name, ramp_months=ramp_months)


@dataclass(frozen=True, eq=False)
class ReplacementResult(Result):
    """The result of :func:`simulate_replacement`.

    ``table``: index month 1..horizon; for each series X in output_keep,
    output_replace, cost_keep, cost_replace, output_gain, cost_gain,
    cum_output_gain, cum_cost_gain the columns X_p10, X_p50, X_p90 (bands over
    scenarios; gains are replace − keep within the same scenario).
    ``summary``: cumulative gains at the horizon (p10/p50/p90) and the
    cumulative output gain per rouble of extra cost at the median.
    """

    reps: tuple[str, ...] = ()
    horizon: int = 18
    n_scenarios: int = 200
    summary: dict[str, float] = field(default_factory=dict)


def _next_month(period: str) -> str:
    try:
        y, m = (int(v) for v in str(period).split("-"))
        return f"{y + m // 12:04d}-{m % 12 + 1:02d}"
    except ValueError:
        return "2027-01"


def _bands(name: str, values: np.ndarray) -> dict[str, np.ndarray]:
    q = np.percentile(values, [10, 50, 90], axis=0)
    return {f"{name}_p10": q[0], f"{name}_p50": q[1], f"{name}_p90": q[2]}


def simulate_replacement(plan: Plan | Scheme, team: pd.DataFrame, reps: Sequence[str] | None = None,
                         horizon: int = 18, n_scenarios: int = 200, seed: int | np.random.Generator = 0, *,
                         k: int = 3, n: int = 6, quantile: float = 0.25, measure: Measure = None,
                         vacancy_months: int = 1, hiring_cost: float = 0.0,
                         newcomers: pd.DataFrame | None = None) -> ReplacementResult:
    """Team output and pay cost over ``horizon`` months, keeping vs replacing the tail.

    Model
    -----
    - **Keep**: every rep's future month is one of its own past months drawn
      at random (output and pay together, so the pay is what the plan paid for
      that output); drawn independently per scenario and month.
    - **Replace**: each replaced seat is empty for ``vacancy_months`` (no
      output, no pay, ``hiring_cost`` once in the first month), then filled by
      a newcomer from kpilab.data.synth (archetype ``newcomer``: joined 0-2 months
      before, ramps to ~94 % of conversion by month 6, reduced plans while
      ramping), paid by the same plan. The other reps are the same draws in
      both arms (common random numbers), so the gain is the replacement's.

    Parameters
    ----------
    plan
        The plan (or scheme) paying everyone; newcomers are juniors.
    team
        History: rep_id, period and the measure (and the plan's metrics).
    reps
        Reps to replace; default :func:`tail` (k of n periods in the bottom quantile).
    horizon
        Months to simulate (12-24 is typical).
    n_scenarios, seed
        Number of scenarios and the seed (int or Generator).
    k, n, quantile, measure
        Passed to :func:`tail`; ``measure`` also defines output.
    vacancy_months, hiring_cost
        Months a seat stays empty, and a one-off cost per hire (RUB).
    newcomers
        Optional newcomer performance table with ``scenario`` (0..n_scenarios-1),
        rep_id, period (``horizon`` periods each) instead of generating it.

    Returns
    -------
    ReplacementResult
    """
    if horizon < 1 or n_scenarios < 1 or vacancy_months < 0:
        raise KpilabError(msg("api_errors.tail_horizon"))
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if reps is None:
        reps = tail(team, k=k, n=n, quantile=quantile, measure=measure).reps
    reps = tuple(str(r) for r in reps)
    pay = evaluate(plan, team).table["total"].to_numpy(float)
    out, _ = resolve_measure(team, measure)
    hist = pd.DataFrame({"rep_id": team["rep_id"].astype(str).to_numpy(), "out": out, "pay": pay})
    unknown = sorted(set(reps) - set(hist["rep_id"]))
    if unknown:
        raise KpilabError(msg("api_errors.tail_unknown_reps", unknown=', '.join(unknown)))
    rep_ids = pd.unique(hist["rep_id"])
    R, S, H = len(rep_ids), n_scenarios, horizon
    hist["slot"] = hist.groupby("rep_id", sort=False).cumcount()
    code = pd.Categorical(hist["rep_id"], categories=rep_ids).codes
    counts = np.bincount(code, minlength=R)
    width = counts.max()
    out_m = np.zeros((R, width))
    pay_m = np.zeros((R, width))
    out_m[code, hist["slot"]] = hist["out"].to_numpy()
    pay_m[code, hist["slot"]] = hist["pay"].to_numpy()
    draw = (rng.random((S, R, H)) * counts[None, :, None]).astype(np.int64)
    r_idx = np.arange(R)[None, :, None]
    keep_out = out_m[r_idx, draw]
    keep_pay = pay_m[r_idx, draw]

    rep_out, rep_pay = keep_out.copy(), keep_pay.copy()
    if reps:
        m = len(reps)
        if newcomers is None:
            from ..data.synth import make_scenarios

            start = _next_month(max(team["period"].astype(str)))
            newcomers = make_scenarios(n_reps=m, periods=H, n_scenarios=S, seed=int(rng.integers(2**31)),
                                       mix={"newcomer": 1.0}, start=start)
        new_pay = evaluate(plan, newcomers).table["total"].to_numpy(float)
        new_out, _ = resolve_measure(newcomers, measure)
        if len(newcomers) != S * m * H:
            raise KpilabError(msg("api_errors.tail_newcomer_rows", m=m, expected=S * m * H, rows=len(newcomers)))
        order = newcomers.assign(_o=np.arange(len(newcomers))).sort_values(["scenario", "rep_id", "period"])["_o"]
        new_out = new_out[order.to_numpy()].reshape(S, m, H)
        new_pay = new_pay[order.to_numpy()].reshape(S, m, H)
        v = min(vacancy_months, H)
        seat_out = np.zeros((S, m, H))
        seat_pay = np.zeros((S, m, H))
        seat_out[:, :, v:] = new_out[:, :, :H - v]
        seat_pay[:, :, v:] = new_pay[:, :, :H - v]
        seat_pay[:, :, 0] += hiring_cost
        cols = np.array([np.flatnonzero(rep_ids == r)[0] for r in reps])
        rep_out[:, cols, :] = seat_out
        rep_pay[:, cols, :] = seat_pay

    ko, kp = keep_out.sum(axis=1), keep_pay.sum(axis=1)          # (S, H)
    ro, rp = rep_out.sum(axis=1), rep_pay.sum(axis=1)
    bands: dict[str, np.ndarray] = {}
    for name, arr in (("output_keep", ko), ("output_replace", ro), ("cost_keep", kp), ("cost_replace", rp),
                      ("output_gain", ro - ko), ("cost_gain", rp - kp),
                      ("cum_output_gain", np.cumsum(ro - ko, axis=1)), ("cum_cost_gain", np.cumsum(rp - kp, axis=1))):
        bands.update(_bands(name, arr))
    table = pd.DataFrame(bands, index=pd.RangeIndex(1, H + 1, name="month"))
    last = table.iloc[-1]
    summary = {f"cum_{s}_gain_p{q}": float(last[f"cum_{s}_gain_p{q}"]) for s in ("output", "cost") for q in (10, 50, 90)}
    summary["cum_output_keep_p50"] = float(np.percentile(ko.sum(axis=1), 50))
    summary["cum_output_replace_p50"] = float(np.percentile(ro.sum(axis=1), 50))
    summary["share_scenarios_output_gain"] = float(((ro - ko).sum(axis=1) > 0).mean())
    return ReplacementResult(table=table, reps=reps, horizon=H, n_scenarios=S, summary=summary)
