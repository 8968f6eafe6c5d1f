"""The carried mechanics (steps 1 and 4-8 of the pass): proration and ramp per row, then the ramp's
guarantee, the sanction cut, the holdback, the clawback and the draw on each month's variable pay."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...i18n.messages import msg
from ...plan import Plan
from ...plan.periods import (DAYS_IN_PERIOD_COLUMN, DAYS_WORKED_COLUMN, HIRE_DATE_COLUMN, LEAVE_DATE_COLUMN,
                             TENURE_COLUMN)
from ..resolve import _codes, _Columns, _Locator
from .state import _months, _optional, _State

def _parameters(plans: dict[Any, Plan], row_plan: dict[Any, np.ndarray], n: int) -> dict[str, Any]:
    """Each mechanic's parameters: a scalar where every plan (role, version) agrees, else per row (the plan of
    the row's role or month); zero/False where a plan does not use the mechanic."""
    values: dict[Any, dict[str, float]] = {}
    for role, p in plans.items():
        r = p.periods
        floor = p.limits.floor
        values[role] = {
            "draw_on": r.draw is not None, "draw_amount": r.draw.amount if r.draw else 0.0,
            "draw_recoverable": float(r.draw.recoverable) if r.draw else 0.0,
            "sanction_on": r.sanction is not None,
            "per_sanction": r.sanction.per_sanction if r.sanction else 0.0,
            "sanction_limit": r.sanction.limit if r.sanction else 0.0,
            "sanction_on_wage": float(r.sanction.limit_of == "wage") if r.sanction else 0.0,
            "clawback_on": r.clawback is not None,
            "clawback_rate": float(r.clawback.rate or 0.0) if r.clawback else 0.0,
            "clawback_earned": r.clawback is not None and r.clawback.basis == "earnings",
            "holdback_on": r.holdback is not None, "holdback_share": r.holdback.share if r.holdback else 0.0,
            "holdback_after": int(r.holdback.release_after or 0) if r.holdback else 0,
            "holdback_collect": r.holdback is not None and r.holdback.on_collection,
            "ramp_on": r.ramp is not None, "ramp_guarantee": r.ramp.guarantee if r.ramp else 0.0,
            "ramp_months": r.ramp.months if r.ramp else 0,
            "floor_number": float(floor) if floor not in (None, "base") else 0.0,
        }
    width = max(int(v["holdback_after"]) for v in values.values())
    out: dict[str, Any] = {}
    for key, sample in next(iter(values.values())).items():
        if all(v[key] == sample for v in values.values()):
            out[key] = sample  # every plan (or version) alike: one scalar, no pass over the rows
        else:
            # whole months stay whole; every amount or share is a float (a plan may write 1 where another writes 0.25)
            dtype = bool if isinstance(sample, bool) else np.int64 if key in ("holdback_after", "ramp_months") else float
            arr = np.zeros(n, dtype=dtype)
            for role, v in values.items():
                arr[row_plan[role]] = v[key]
            out[key] = arr
    out["holdback_width"] = width
    return out


def _tenure(frame: pd.DataFrame, loc: _Locator) -> np.ndarray:
    """The ``tenure_months`` column: whole months with the company before this one (0 in the first month, as
    :func:`kpilab.datasets.load_sample_team` counts); absent or empty = past any ramp. Without the column,
    the months since ``hire_date`` (0 in the month of hire)."""
    values = _optional(frame, TENURE_COLUMN, loc, np.inf)
    if values is None:
        if HIRE_DATE_COLUMN not in frame.columns:
            return np.full(len(frame), np.inf)
        hired = _dates(frame, HIRE_DATE_COLUMN, loc)
        month = _row_months(frame, loc)
        hire_month = hired.astype("datetime64[M]").astype(np.int64) + _EPOCH_MONTH
        known = ~np.isnat(hired)
        tenure = np.where(known, month - np.where(known, hire_month, 0), np.inf)
        loc.first(tenure < 0, msg("data_errors.before_hire"), HIRE_DATE_COLUMN)
        return tenure.astype(float)
    bad = (values != np.floor(values)) & np.isfinite(values)
    loc.first(bad, msg("data_errors.tenure_whole"), TENURE_COLUMN)
    return values


def _row_local(plans: dict[Any, Plan], row_plan: dict[Any, np.ndarray], frame: pd.DataFrame, loc: _Locator,
               cols: _Columns) -> _Columns:
    """Proration and the ramp: salary and targets scaled per row (step 1)."""
    if all(p.periods.proration is None and p.periods.ramp is None for p in plans.values()):
        return cols  # nothing to scale
    prorate = np.zeros(cols.n, bool)
    ramp_factor = np.ones(cols.n)
    for role, p in plans.items():
        if p.periods.proration is not None:
            prorate |= row_plan[role]
        if p.periods.ramp is not None:
            tenure = _tenure(frame, loc)
            schedule = np.array(p.periods.ramp.schedule)
            inside = row_plan[role] & (tenure < len(schedule))
            ramp_factor[inside] = schedule[tenure[inside].astype(np.int64)]
    factor = np.ones(cols.n)
    worked = None
    if prorate.any():
        worked = _optional(frame, DAYS_WORKED_COLUMN, loc, np.nan)
        days = _optional(frame, DAYS_IN_PERIOD_COLUMN, loc, np.nan)
        if worked is not None or days is not None:
            if worked is None or days is None:
                missing = DAYS_IN_PERIOD_COLUMN if days is None else DAYS_WORKED_COLUMN
                raise loc.error(msg("data_errors.proration_both", worked=DAYS_WORKED_COLUMN, days=DAYS_IN_PERIOD_COLUMN),
                                column=missing)
            given = prorate & ~np.isnan(worked)
            loc.first(given & np.isnan(days), msg("data_errors.days_empty", worked=DAYS_WORKED_COLUMN, days=DAYS_IN_PERIOD_COLUMN),
                      DAYS_IN_PERIOD_COLUMN)
            loc.first(given & (days == 0), msg("data_errors.days_zero", worked=DAYS_WORKED_COLUMN, days=DAYS_IN_PERIOD_COLUMN), DAYS_IN_PERIOD_COLUMN)
            loc.first(given & (worked == 0), msg("data_errors.worked_zero", worked=DAYS_WORKED_COLUMN, days=DAYS_IN_PERIOD_COLUMN), DAYS_WORKED_COLUMN)
            loc.first(given & (worked > days), msg("data_errors.worked_more", worked=DAYS_WORKED_COLUMN, days=DAYS_IN_PERIOD_COLUMN),
                      DAYS_WORKED_COLUMN)
            factor = np.where(given, worked / np.where(given, days, 1.0), 1.0)
        if HIRE_DATE_COLUMN in frame.columns or LEAVE_DATE_COLUMN in frame.columns:
            by_dates = _days_from_dates(plans, row_plan, frame, loc, prorate)
            if worked is not None:
                by_dates &= np.isnan(worked)  # the days columns win where a row gives them
            if by_dates.any():
                worked_d, days_d = _date_days(plans, row_plan, frame, loc)
                loc.first(by_dates & (worked_d <= 0), msg("data_errors.no_day_worked"),
                          HIRE_DATE_COLUMN)
                factor = np.where(by_dates, worked_d / np.where(by_dates, days_d, 1.0), factor)
    if not prorate.any() and np.all(ramp_factor == 1.0):
        return cols
    target_factor = factor * ramp_factor  # > 0: days worked and ramp factors are
    targets = {m: t * target_factor for m, t in cols.targets.items()}
    return _Columns(cols.n, dict(cols.facts), targets, dict(cols.team_attainment), cols.base * factor,
                    cols.target_bonus, dict(cols.money))


#: numpy counts months from 1970-01.
_EPOCH_MONTH = 1970 * 12


def _row_months(frame: pd.DataFrame, loc: _Locator) -> np.ndarray:
    return _months(frame, loc, _codes(frame["period"]))


def _dates(frame: pd.DataFrame, column: str, loc: _Locator) -> np.ndarray:
    """A date column as datetime64[D] (NaT where empty); text that is no date is an error naming the row."""
    raw = frame[column]
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw.to_numpy().astype("datetime64[D]")
    text = raw.astype(object).map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v))
                                  or (isinstance(v, str) and not v.strip())
                                  else (v.isoformat() if hasattr(v, "isoformat") else str(v).strip()))
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    bad = parsed.isna().to_numpy() & text.notna().to_numpy()
    loc.first(bad, msg("data_errors.date_format", column=column), column)
    return parsed.to_numpy().astype("datetime64[D]")


def _days_from_dates(plans: dict[Any, Plan], row_plan: dict[Any, np.ndarray], frame: pd.DataFrame,
                     loc: _Locator, prorate: np.ndarray) -> np.ndarray:
    """The prorated rows whose month is cut by a hire or a leave date."""
    month = _row_months(frame, loc)
    start = (month - _EPOCH_MONTH).astype("datetime64[M]").astype("datetime64[D]")
    end = (month - _EPOCH_MONTH + 1).astype("datetime64[M]").astype("datetime64[D]") - np.timedelta64(1, "D")
    cut = np.zeros(len(frame), bool)
    hired = _dates(frame, HIRE_DATE_COLUMN, loc) if HIRE_DATE_COLUMN in frame.columns else None
    left = _dates(frame, LEAVE_DATE_COLUMN, loc) if LEAVE_DATE_COLUMN in frame.columns else None
    if hired is not None and left is not None:
        loc.first(~np.isnat(hired) & ~np.isnat(left) & (left < hired), msg("data_errors.leave_before_hire"),
                  LEAVE_DATE_COLUMN)
    if hired is not None:
        cut |= ~np.isnat(hired) & (hired > start)
    if left is not None:
        cut |= ~np.isnat(left) & (left < end)
    return cut & prorate


def _date_days(plans: dict[Any, Plan], row_plan: dict[Any, np.ndarray], frame: pd.DataFrame,
               loc: _Locator) -> tuple[np.ndarray, np.ndarray]:
    """Days worked and days in the month from ``hire_date``/``leave_date``: calendar days, or working days
    (Monday to Friday less the plan's holidays, by :func:`numpy.busday_count`) as each row's plan says."""
    n = len(frame)
    month = _row_months(frame, loc)
    start = (month - _EPOCH_MONTH).astype("datetime64[M]").astype("datetime64[D]")
    after = (month - _EPOCH_MONTH + 1).astype("datetime64[M]").astype("datetime64[D]")  # the next month's 1st
    first, stop = start.copy(), after.copy()
    if HIRE_DATE_COLUMN in frame.columns:
        hired = _dates(frame, HIRE_DATE_COLUMN, loc)
        first = np.where(~np.isnat(hired) & (hired > start), hired, start)
    if LEAVE_DATE_COLUMN in frame.columns:
        left = _dates(frame, LEAVE_DATE_COLUMN, loc)
        stop = np.where(~np.isnat(left) & (left + np.timedelta64(1, "D") < after), left + np.timedelta64(1, "D"),
                        after)
    stop = np.maximum(stop, first)
    worked = (stop - first).astype(np.int64).astype(float)
    days = (after - start).astype(np.int64).astype(float)
    for role, p in plans.items():
        rule = p.periods.proration
        if rule is None or rule.days != "working":
            continue
        rows = row_plan[role]
        holidays = np.array(rule.holidays, dtype="datetime64[D]")
        worked[rows] = np.busday_count(first[rows], stop[rows], holidays=holidays)
        days[rows] = np.busday_count(start[rows], after[rows], holidays=holidays)
    loc.first(days <= 0, msg("data_errors.no_working_day"), "period")
    return worked, days


def _pick(flag: Any, yes: Any, no: Any) -> Any:
    """``np.where`` for a per-row flag; a plain choice for one plan's scalar flag (no pass over the rows)."""
    if np.ndim(flag) == 0:
        return yes if flag else no
    return np.where(flag, yes, no)


def _row_steps(p: dict[str, Any], var: np.ndarray, base: np.ndarray, out: dict[str, np.ndarray],
               sanction: np.ndarray | None, tenure: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Steps 4-5 and what step 6 holds, for every row at once (each reads its own row only): the ramp's
    guaranteed bonus, the sanction cut, and the share of the bonus held back. Returns the variable pay
    after the cut and the amount held."""
    # 4. the ramp's guaranteed bonus
    if "ramp_guarantee" in out and tenure is not None:
        top_up = np.maximum(0.0, p["ramp_guarantee"] - var)
        top_up *= p["ramp_on"] & (tenure < p["ramp_months"]) & (p["ramp_guarantee"] > 0)
        out["ramp_guarantee"] = top_up
        var = var + top_up
    # 5. the sanction cut: this month's bonus only, at most limit × the month's wage, never the salary
    if sanction is not None and "sanction_cut" in out:
        bonus = np.maximum(var, 0.0)
        on_wage = np.ndim(p["sanction_on_wage"]) or p["sanction_on_wage"]
        wage = base + bonus * p["sanction_on_wage"] if on_wage else base  # limit_of: wage (salary + bonus) or base
        cut = p["per_sanction"] * sanction
        cut *= bonus
        limit = np.multiply(p["sanction_limit"], wage, out=wage if on_wage else None)
        np.minimum(cut, limit, out=cut)
        np.minimum(cut, bonus, out=cut)
        if np.ndim(p["sanction_on"]):
            cut *= p["sanction_on"]
        elif not p["sanction_on"]:
            cut[:] = 0.0
        var = np.subtract(var, cut, out=bonus)  # (the bonus is read for the last time above)
        np.subtract(0.0, cut, out=cut)  # never −0.0 in a CSV
        out["sanction_cut"] = cut
        spare = limit
    else:
        spare = None
    # 6. (the part of it that reads the row only) the share of the bonus held
    if "holdback" in out:
        held = np.maximum(var, 0.0, out=spare)
        held *= p["holdback_share"]
        if np.ndim(p["holdback_on"]):
            held *= p["holdback_on"]
        elif not p["holdback_on"]:
            held[:] = 0.0
    else:
        held = np.zeros(len(var))
    return var, held


def _prepare_state(p: dict[str, Any], state: _State, out: dict[str, np.ndarray], collect: bool) -> None:
    """Create every carried array steps 6-8 use before the walk (threads then only write their own series)."""
    if "holdback" in out:
        for k in range(int(p["holdback_width"])):
            state.get(f"held_amount:{k}")
            state.get(f"held_due:{k}", -1)
        if collect:
            state.get("held_pool")
            state.get("outstanding_revenue")
    if "clawback" in out:
        state.get("clawback_balance")
    if "draw_adjustment" in out:
        state.get("draw_balance")


def _holdback_timed(month: np.ndarray, per_grid: int | None, after: Any, state: _State) -> bool:
    """True where step 6 can be taken for every month at once (:func:`_holdback_rows`): the table is a grid of
    consecutive months and one plan holds back for ``after`` months; False where the walk month by month is
    needed (another table, or a carried amount that would still sit in its slot when the slot is next filled,
    which only a state from another plan leaves). Creates the slots the rows will fill."""
    if per_grid is None or np.ndim(after) or after < 1:
        return False
    months = month[:per_grid]
    if (np.diff(months) != 1).any():
        return False
    column = np.arange(per_grid)
    if any(name.startswith("held_due:") and int(name.split(":")[1]) >= after and (due >= 0).any()
           for name, due in state.arrays.items()):
        return False  # amounts in slots this plan does not fill: the walk releases them
    for k in range(after):
        filled = column[(months % after) == k]
        due = state.get(f"held_due:{k}", -1)
        state.get(f"held_amount:{k}")
        if filled.size and ((due >= 0) & (due > months[filled[0]])).any():
            return False
    return True


def _holdback_rows(held: np.ndarray, month: np.ndarray, per_grid: int, after: int, state: _State, lo: int, hi: int,
                   release: np.ndarray, balance: np.ndarray) -> None:
    """Step 6 for rows ``lo`` to ``hi`` of a grid at once (whole series from ``lo``, a multiple of ``per_grid``;
    the last series may be cut short), where :func:`_holdback_timed` said so: what month j holds is released
    in month j + ``after``, what the state carried in is released in its due month. Writes ``release``
    (zeros before) and ``balance`` of those rows, and leaves their slots as the walk month by month would."""
    n = len(held)
    full = n // per_grid
    end = min(hi, full * per_grid)  # (the whole series end here)
    pieces = []
    if end > lo:
        pieces.append((slice(lo, end), slice(lo // per_grid, end // per_grid), per_grid))
    if hi > full * per_grid:  # a last series cut short: its months are the first ones
        pieces.append((slice(full * per_grid, n), slice(full, full + 1), n - full * per_grid))
    for rows, series, width in pieces:
        _held_block(held[rows].reshape(-1, width), month[:width], after, state, series,
                    release[rows].reshape(-1, width), balance[rows].reshape(-1, width))


def _held_block(held: np.ndarray, months: np.ndarray, after: int, state: _State, series: slice,
                release: np.ndarray, balance: np.ndarray) -> None:
    """:func:`_holdback_rows` for the series ``series`` (``held`` shaped series × their months), into
    ``release`` (zeros) and ``balance`` of the same shape."""
    n_months = held.shape[1]
    if after < n_months:
        release[:, after:] = held[:, :-after]
    balance[:] = held
    for lag in range(1, min(after, n_months)):
        balance[:, lag:] += held[:, :-lag]  # what months j - lag held is still held in month j
    column = np.arange(n_months)
    for k in range(after):
        amount, due = state.get(f"held_amount:{k}"), state.get(f"held_due:{k}", -1)
        a, d = amount[series], due[series]
        waiting = d >= 0
        if waiting.any():  # carried in: released in its due month (the first month, if that is past)
            at = np.where(waiting, np.maximum(d - int(months[0]), 0), n_months)
            inside = np.flatnonzero(at < n_months)
            release[inside, at[inside]] += a[inside]
            balance += np.where(column[None, :] < at[:, None], a[:, None], 0.0)
        filled = column[(months % after) == k]
        if filled.size:  # the slot holds what its last month held (a later month would have released it)
            last = int(filled[-1])
            amount[series] = held[:, last]
            due[series] = np.where(held[:, last] > 0, int(months[last]) + after, -1)
        elif waiting.any():  # (fewer months than slots) what was carried in stays until its due month
            gone = waiting & (d <= int(months[-1]))
            amount[series] = np.where(gone, 0.0, a)
            due[series] = np.where(gone, -1, d)


def _carried_steps(p: dict[str, Any], rows: slice, s: np.ndarray | slice, m: int, var: np.ndarray,
                   held: np.ndarray | None, room: np.ndarray, reversal: np.ndarray | None, out: dict[str, np.ndarray],
                   state: _State, collect: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Steps 6-8 of one month's block (rows ``rows`` of ``out``, series ``s``) on the variable
    pay ``var`` after the row steps; ``held`` is what step 6 holds, ``room`` what the salary leaves of the
    floor (pay recovered never goes below it), ``reversal`` the clawback owed by the cancelled revenue,
    ``collect`` the revenue and collected revenue (a holdback released on collection); ``p`` holds the
    parameters (scalars for one plan, arrays of these rows for a scheme). Writes the parts and balances
    into ``out`` and returns the variable pay paid."""
    # 6. the holdback: released N months later (slot month mod N, with its due month), or as the
    #    outstanding revenue is collected (one pool per series)
    if "holdback" in out:
        width = int(p["holdback_width"])
        after = p["holdback_after"]
        release = np.zeros(len(var))
        balance = np.zeros(len(var))
        by_time = _pick(p["holdback_collect"], 0.0, held)
        slot = m % np.maximum(after, 1)
        for k in range(width):
            amount = state.get(f"held_amount:{k}")
            when = state.get(f"held_due:{k}", -1)
            a, due_at = amount[s], when[s]
            due = (due_at >= 0) & (due_at <= m)
            if due.any():
                release += a * due
                a = a * ~due
                due_at = np.where(due, -1, due_at)
            here = (slot == k) & (after > 0)
            if np.ndim(here) == 0:
                if here:
                    a = a + by_time
                    due_at = np.where(by_time > 0, m + after, due_at)
            elif here.any():
                a = a + by_time * here
                due_at = np.where(here & (by_time > 0), m + after, due_at)
            amount[s], when[s] = a, due_at
            balance += a
        if collect is not None:
            # only the months of a plan that releases on collection add revenue to what is outstanding; what
            # was held so goes on being released as that revenue is collected, after a change of plan too
            revenue, collected = collect
            pool = state.get("held_pool")
            outstanding = state.get("outstanding_revenue")
            on = p["holdback_collect"]
            kept = pool[s] + _pick(on, held, 0.0)
            open_revenue = outstanding[s] + _pick(on, revenue, 0.0)
            share = np.where(open_revenue > 0,
                             np.minimum(1.0, collected / np.where(open_revenue > 0, open_revenue, 1.0)), 1.0)
            freed = kept * share
            pool[s] = kept - freed
            outstanding[s] = np.maximum(0.0, open_revenue - collected)
            release += freed
            balance += kept - freed
        out["holdback"][rows] = release - held
        out["holdback_balance"][rows] = balance
        out["released"][rows] = release
        var = var + release - held
    # 7. the clawback: owed from cancelled revenue (rate × amount, or what it earned, computed by the pass),
    #    recovered from variable pay only, above salary and floor
    if "clawback" in out:
        ledger = state.get("clawback_balance")
        owed = ledger[s] + reversal if reversal is not None else ledger[s].copy()
        recovered = np.maximum(0.0, var - room)
        np.minimum(owed, recovered, out=recovered)
        owed -= recovered  # (what is still owed)
        ledger[s] = owed
        out["clawback"][rows] = 0.0 - recovered
        out["clawback_balance"][rows] = owed
        var = var - recovered
    # 8. the draw: variable pay at least the draw; a recoverable shortfall is owed, repaid from later excess
    if "draw_adjustment" in out:
        ledger = state.get("draw_balance")
        recoverable = p["draw_on"] & (p["draw_recoverable"] > 0)
        owed = _pick(recoverable, ledger[s], 0.0)
        paid = _pick(p["draw_on"], np.maximum(p["draw_amount"], var - owed), var)
        new = _pick(recoverable, owed + paid - var, 0.0)
        ledger[s] = new
        out["draw_adjustment"][rows] = paid - var
        out["draw_balance"][rows] = new
        var = paid
    return var
