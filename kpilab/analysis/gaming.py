"""What a rep could game under a plan, in roubles: timing, padding, windfalls, skipped activity.

Every check runs the engine itself on altered copies of the team's rows, all
candidates of all reps in one :func:`kpilab.evaluate` call (no loop over reps):

:func:`timing_gains`
    For each rep and each pair of adjacent months: the most the rep earns over
    the two months by moving up to ``shift`` of one month's revenue (and the
    deals that carry it) into the other, the two-month total unchanged. The
    candidates are an even grid of shifts plus every shift that puts either
    month exactly on a threshold the plan reads (curve points, tier starts,
    gate thresholds, at the rep's own target for attainment), so a gate's
    cliff is found exactly. Each pair is evaluated as two months on their own
    (year-to-date state before the pair is not carried; a team bonus reads the
    rep alone).
:func:`padding_gains`
    For each rep-month and each activity the plan pays for: the most that up to
    ``share`` of the plan in extra units (the cheapest activity: short calls,
    short emails) buys, with the same exact thresholds; the roubles and the
    roubles per unit.
:func:`windfall_months`
    Rep-months whose revenue is over 3x the rep's median month (and above the
    team's 90th percentile month): the pay they carry above the rep's median
    month's pay.
:func:`skipped_activity`
    Each rep-month sold exactly at plan, once with every activity at plan and
    once with none: the pay lost by skipping all activity, and its share of the
    variable pay at plan.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..engine import evaluate
from ..errors import KpilabError
from ..metrics import MANDATORY_ACTIVITY
from ..plan import AllOf, Condition, Plan, Scheme
from .profile import WINDFALL_FACTOR, windfall_rows
from ..i18n.messages import msg

__all__ = ["timing_gains", "padding_gains", "windfall_months", "skipped_activity", "thresholds"]


def _conditions(cond: Any) -> list[Condition]:
    if isinstance(cond, Condition):
        return [cond]
    if isinstance(cond, AllOf):
        return [c for sub in cond.conditions for c in _conditions(sub)]
    return []


def thresholds(plan: Plan, metric: str) -> list[tuple[float, str]]:
    """Every x at which the plan's pay for ``metric`` can change, with its basis ("value" or "attainment")."""
    # each component kind says where its own pay turns (curve points, tier starts...)
    out: list[tuple[float, str]] = [th for c in plan.components for th in c.pay_thresholds(metric)]
    for g in plan.gates:
        for cond in _conditions(g.when):
            if cond.metric == metric:
                out.append((cond.threshold, "attainment" if cond.op.startswith("attainment") else "value"))
    for m in plan.modifiers:
        if m.metric == metric:
            out += [(x, m.basis) for x in m.curve.xs]
    return sorted(set(out))


def _plans_of_rows(plan: Plan | Scheme, frame: pd.DataFrame) -> list[tuple[Plan, np.ndarray]]:
    if isinstance(plan, Plan):
        return [(plan, np.ones(len(frame), bool))]
    roles = frame["role"].astype(str).to_numpy() if "role" in frame else np.full(len(frame), "")
    return [(p, roles == str(r)) for r, p in plan.plans().items()]


def _row_thresholds(plan: Plan | Scheme, frame: pd.DataFrame, metric: str) -> np.ndarray:
    """(rows × k) the thresholds of ``metric`` in its own units for each row (NaN padded)."""
    parts: list[np.ndarray] = []
    width = 0
    per_plan = []
    for p, rows in _plans_of_rows(plan, frame):
        th = thresholds(p, metric)
        if f"plan_{metric}" in frame:
            target = pd.to_numeric(frame[f"plan_{metric}"], errors="coerce").to_numpy(float)
            target = np.where(np.isnan(target), float(p.targets.get(metric, np.nan)), target)
        else:
            target = np.full(len(frame), float(p.targets.get(metric, np.nan)))
        cols = [np.full(len(frame), x) if basis == "value" else x * target for x, basis in th]
        per_plan.append((rows, cols))
        width = max(width, len(cols))
    out = np.full((len(frame), width), np.nan)
    for rows, cols in per_plan:
        for k, c in enumerate(cols):
            out[rows, k] = c[rows]
    del parts
    return out


def _pairs(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (a, b) of each rep's adjacent months (periods sorted as text)."""
    keys = ["scenario"] if "scenario" in frame else []
    order = frame.assign(_i=np.arange(len(frame))).sort_values(keys + ["rep_id", "period"], kind="stable")["_i"]
    o = order.to_numpy()
    same = np.ones(len(o) - 1, bool) if len(o) > 1 else np.zeros(0, bool)
    for k in keys + ["rep_id"]:
        v = frame[k].astype(str).to_numpy()[o]
        same &= v[1:] == v[:-1]
    return o[:-1][same], o[1:][same]


def _rows(team: pd.DataFrame) -> pd.DataFrame:
    """The team's rows, index 0..n-1, without file metadata (row numbers do not survive reshaping)."""
    frame = team.reset_index(drop=True)
    frame.attrs = {}
    return frame


def _pay(plan: Plan | Scheme, frame: pd.DataFrame) -> np.ndarray:
    return evaluate(plan, frame).table["total"].to_numpy(float)


def timing_gains(plan: Plan | Scheme, team: pd.DataFrame, shift: float = 0.3, steps: int = 12) -> pd.DataFrame:
    """The best two-month pay gain from moving revenue (and deals) between adjacent months.

    Parameters
    ----------
    plan, team
        The plan and the team's rows (``rep_id``, ``period``, ``revenue``, the plan's metrics).
    shift
        Largest share of a month's revenue that may move out of it (0.3 = 30 %).
    steps
        Even grid points per direction (plus the exact threshold shifts).

    Returns
    -------
    DataFrame
        One row per rep and pair: rep_id, period_a, period_b, pay (the two
        months as they are), best_pay, gain, gain_share (gain / pay),
        moved (revenue moved into month a; negative: into month b).
    """
    if "revenue" not in team.columns:
        raise KpilabError(msg("api_errors.gaming_needs_revenue"))
    frame = _rows(team)
    a, b = _pairs(frame)
    cols = ["rep_id", "period_a", "period_b", "pay", "best_pay", "gain", "gain_share", "moved"]
    if a.size == 0:
        return pd.DataFrame(columns=cols)
    rev = frame["revenue"].to_numpy(float)
    ra, rb = rev[a], rev[b]
    grid = np.linspace(-1.0, 1.0, 2 * steps + 1)
    # delta > 0 moves revenue from b into a (at most shift x rb); < 0 from a into b.
    even = np.where(grid[None, :] >= 0, grid[None, :] * shift * rb[:, None], grid[None, :] * shift * ra[:, None])
    th = _row_thresholds(plan, frame, "revenue")
    exact = np.hstack([th[a] - ra[:, None], rb[:, None] - th[b]]) if th.shape[1] else np.zeros((a.size, 0))
    lo, hi = -shift * ra[:, None], shift * rb[:, None]
    exact = np.where((exact >= lo) & (exact <= hi), exact, 0.0)
    delta = np.hstack([even, exact])                     # (pairs, candidates); column `steps` is 0
    n_pair, n_cand = delta.shape
    deals = frame["deals"].to_numpy(float) if "deals" in frame else None
    ia = np.repeat(a, n_cand)
    ib = np.repeat(b, n_cand)
    d = delta.ravel()
    rows_a = frame.iloc[ia].reset_index(drop=True)
    rows_b = frame.iloc[ib].reset_index(drop=True)
    rows_a["revenue"] = ra.repeat(n_cand) + d
    rows_b["revenue"] = rb.repeat(n_cand) - d
    if deals is not None:
        # deals move with the revenue they carry, at the source month's mean deal
        src_rev = np.where(d >= 0, rev[ib], rev[ia])
        src_deals = np.where(d >= 0, deals[ib], deals[ia])
        with np.errstate(divide="ignore", invalid="ignore"):
            moved = np.where(src_rev > 0, np.rint(np.abs(d) / src_rev * src_deals), 0.0)
        moved = np.minimum(moved, src_deals) * np.sign(d)
        rows_a["deals"] = deals[ia] + moved
        rows_b["deals"] = deals[ib] - moved
    tag = np.arange(n_pair * n_cand).astype(str)
    both = pd.concat([rows_a, rows_b], ignore_index=True)
    both["rep_id"] = np.concatenate([tag, tag])
    both["team"] = both["rep_id"]
    if "scenario" in both:
        both = both.drop(columns="scenario")
    pay = _pay(plan, both)
    two = (pay[:n_pair * n_cand] + pay[n_pair * n_cand:]).reshape(n_pair, n_cand)
    base = two[:, steps]
    best = two.argmax(axis=1)
    best_pay = two[np.arange(n_pair), best]
    gain = np.maximum(0.0, best_pay - base)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(base > 0, gain / np.where(base > 0, base, 1.0), np.nan)
    return pd.DataFrame({"rep_id": frame["rep_id"].to_numpy()[a], "period_a": frame["period"].to_numpy()[a],
                         "period_b": frame["period"].to_numpy()[b], "pay": base, "best_pay": best_pay,
                         "gain": gain, "gain_share": share,
                         "moved": np.where(gain > 0, delta[np.arange(n_pair), best], 0.0)}, columns=cols)


def padding_gains(plan: Plan | Scheme, team: pd.DataFrame, share: float = 0.1, steps: int = 10) -> pd.DataFrame:
    """The most up to ``share`` of the plan in extra units of each paid activity buys, per rep-month.

    Returns
    -------
    DataFrame
        One row per rep-month and activity the plan reads: rep_id, period,
        metric, units (extra units of the best candidate), gain (RUB),
        per_unit (RUB per extra unit).
    """
    frame = _rows(team)
    read = set().union(*(p.metrics_needed() for p, _ in _plans_of_rows(plan, frame)))
    metrics = [m for m in MANDATORY_ACTIVITY if m in read and m in frame.columns]
    cols = ["rep_id", "period", "metric", "units", "gain", "per_unit"]
    if not metrics or frame.empty:
        return pd.DataFrame(columns=cols)
    n = len(frame)
    out = []
    for m in metrics:  # a handful of activity metrics; every rep-month of each at once
        fact = frame[m].to_numpy(float)
        if f"plan_{m}" in frame:
            target = pd.to_numeric(frame[f"plan_{m}"], errors="coerce").to_numpy(float)
        else:
            target = np.full(n, np.nan)
        fallback = max((float(p.targets.get(m, np.nan)) for p, _ in _plans_of_rows(plan, frame)), default=np.nan)
        target = np.where(np.isnan(target), fallback, target)
        target = np.where(np.isnan(target), np.maximum(fact, 1.0), target)
        room = np.ceil(share * target)
        even = np.ceil(np.linspace(0.0, 1.0, steps + 1)[None, :] * room[:, None])
        th = _row_thresholds(plan, frame, m)
        exact = np.ceil(th - fact[:, None]) if th.shape[1] else np.zeros((n, 0))
        exact = np.where((exact > 0) & (exact <= room[:, None]), exact, 0.0)
        extra = np.hstack([even, exact])
        k = extra.shape[1]
        rows = frame.iloc[np.repeat(np.arange(n), k)].reset_index(drop=True)
        rows[m] = fact.repeat(k) + extra.ravel()
        rows["rep_id"] = np.arange(n * k).astype(str)
        rows["team"] = rows["rep_id"]
        if "scenario" in rows:
            rows = rows.drop(columns="scenario")
        pay = _pay(plan, rows).reshape(n, k)
        gain = pay - pay[:, :1]
        best = gain.argmax(axis=1)
        g = gain[np.arange(n), best]
        u = extra[np.arange(n), best]
        with np.errstate(divide="ignore", invalid="ignore"):
            per = np.where(u > 0, g / np.where(u > 0, u, 1.0), 0.0)
        out.append(pd.DataFrame({"rep_id": frame["rep_id"].to_numpy(), "period": frame["period"].to_numpy(),
                                 "metric": m, "units": u, "gain": np.maximum(g, 0.0), "per_unit": per,
                                 "plan": target}))
    return pd.concat(out, ignore_index=True)


def windfall_months(plan: Plan | Scheme, team: pd.DataFrame, factor: float = WINDFALL_FACTOR) -> pd.DataFrame:
    """Windfall rep-months and the pay they carry above the rep's median month's pay.

    Returns
    -------
    DataFrame
        rep_id, period, revenue, rep_median_revenue, pay, rep_median_pay, extra_pay.
    """
    frame = _rows(team)
    cols = ["rep_id", "period", "revenue", "rep_median_revenue", "pay", "rep_median_pay", "extra_pay"]
    if "revenue" not in frame.columns or frame.empty:
        return pd.DataFrame(columns=cols)
    keys = [k for k in ("scenario", "rep_id") if k in frame]
    codes = frame.groupby(keys, sort=False).ngroup().to_numpy()
    rev = frame["revenue"].to_numpy(float)
    mask = windfall_rows(codes, rev, factor)
    if not mask.any():
        return pd.DataFrame(columns=cols)
    pay = _pay(plan, frame)
    med_rev = pd.Series(rev).groupby(codes).transform("median").to_numpy()
    med_pay = pd.Series(pay).groupby(codes).transform("median").to_numpy()
    i = np.flatnonzero(mask)
    return pd.DataFrame({"rep_id": frame["rep_id"].to_numpy()[i], "period": frame["period"].to_numpy()[i],
                         "revenue": rev[i], "rep_median_revenue": med_rev[i], "pay": pay[i],
                         "rep_median_pay": med_pay[i], "extra_pay": np.maximum(0.0, pay[i] - med_pay[i])},
                        columns=cols)


def skipped_activity(plan: Plan | Scheme, team: pd.DataFrame) -> pd.DataFrame:
    """Pay lost by doing no activity at all while selling exactly at plan, per rep-month.

    Results (revenue, deals, repeat revenue) are set to the row's plan
    (``plan_<metric>`` or the plan's target; the row's own value without
    either); activities (calls, meetings, emails, follow-ups) to their plan in
    one copy and to 0 in the other; everything else stays as it was.

    Returns
    -------
    DataFrame
        rep_id, period, pay_at_plan, variable_at_plan, pay_without_activity, lost, lost_share
        (lost / variable pay at plan).
    """
    frame = _rows(team).copy()
    plans = _plans_of_rows(plan, frame)
    for m in ("revenue", "deals", "repeat_revenue", *MANDATORY_ACTIVITY):
        target = np.full(len(frame), np.nan)
        for p, rows in plans:
            if m in p.targets:
                target[rows] = float(p.targets[m])
        if f"plan_{m}" in frame:
            given = pd.to_numeric(frame[f"plan_{m}"], errors="coerce").to_numpy(float)
            target = np.where(np.isnan(given), target, given)
        if m in frame.columns:
            frame[m] = np.where(np.isnan(target), frame[m].to_numpy(float), target)
        elif not np.isnan(target).all():
            frame[m] = np.where(np.isnan(target), 0.0, target)
    full = evaluate(plan, frame).table
    zero = frame.copy()
    for m in MANDATORY_ACTIVITY:
        if m in zero.columns:
            zero[m] = 0.0
    none = evaluate(plan, zero).table
    lost = full["total"].to_numpy(float) - none["total"].to_numpy(float)
    var = full["variable"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(var > 0, lost / np.where(var > 0, var, 1.0), np.nan)
    return pd.DataFrame({"rep_id": frame["rep_id"].to_numpy(), "period": frame["period"].to_numpy(),
                         "pay_at_plan": full["total"].to_numpy(float), "variable_at_plan": var,
                         "pay_without_activity": none["total"].to_numpy(float), "lost": lost, "lost_share": share})
