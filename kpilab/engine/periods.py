"""Pay across months: the period-aware pass (contract section 10, "Pay across months").

A plan whose :class:`~kpilab.plan.periods.PeriodRules` are active is paid here
instead of row by row. The pass loops over the **months** of the table, never
over reps: every rep × scenario present in a month is paid in one vectorised
call of the per-row payer (:func:`~kpilab.engine.pay._plan_pay`), and what a
month leaves to the next (period-to-date totals, what a true-up already paid,
draw, holdback and clawback balances) is carried in arrays indexed by series,
one series per (scenario, rep).

One month, in order:

1. the row-local rules: proration (salary and targets × days worked / days in
   the period) and the ramp (a newcomer's targets × the schedule's factor);
2. period-to-date totals of every metric a quarterly, annual or settled part
   reads (``aggregation``: sum by default), reset when its quarter or year starts;
3. section 7 for every row, where a quarterly or annual part reads its period's
   totals and pays only in the period's closing month, and a true-up pays the
   entitlement on the year-to-date totals minus what it already paid this year;
4. the ramp's guaranteed bonus (``ramp_guarantee``);
5. the sanction cut (``sanction_cut``): this month's bonus only, at most the
   stated share of this month's wage, never the salary;
6. the holdback (``holdback``): a share of the bonus held, released N months later;
7. the clawback (``clawback``): cancelled revenue × rate is owed, recovered
   from this and later months' variable pay only, never below the salary or floor;
8. the draw (``draw_adjustment``): variable pay at least the draw; a
   recoverable draw's shortfall is owed and repaid from later excess.

The balances after each month are the columns ``holdback_balance``,
``clawback_balance`` and ``draw_balance``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from ..errors import DataError

from ..plan import Commission, Penalty, Plan, Scheme, Scorecard, TeamBonus
from ..plan.periods import (CANCELLED_COLUMN, DAYS_IN_PERIOD_COLUMN, DAYS_WORKED_COLUMN, SANCTION_COLUMN,
                            TENURE_COLUMN, Timing)
from .evaluation import _PARALLEL_MIN_ROWS, _WORKERS
from .pay import _plan_pay
from .resolve import _KEY_COLUMNS, _check_keys, _codes, _combine, _Columns, _Locator, _numeric, _resolve

#: The money columns the carried mechanics add (parts of the total), in the order they apply.
CARRIED_PARTS = ("ramp_guarantee", "sanction_cut", "holdback", "clawback", "draw_adjustment")
#: The balances carried to the next month (not parts of the total).
BALANCES = ("holdback_balance", "clawback_balance", "draw_balance")

_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
_SCOPE_LEN = {"quarter": 3, "year": 12}


def uses_periods(plan: Plan | Scheme) -> bool:
    """True when any plan of ``plan`` says something about time (section 10)."""
    return any(p.periods.active for p in plan.plans().values())


# --------------------------------------------------------------------------- months and series

def _months(frame: pd.DataFrame, loc: _Locator, coded: tuple[np.ndarray, int]) -> np.ndarray:
    """Each row's month as one integer (year × 12 + month − 1); a label that is no YYYY-MM is an error.

    ``coded`` is the period column's codes from the key check: each distinct label is read once.
    """
    codes, count = coded
    first = np.full(count, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    values = np.zeros(count, dtype=np.int64)
    labels = frame["period"].to_numpy(dtype=object)
    for i in np.flatnonzero(first >= 0):
        label = str(labels[first[i]])
        hit = _MONTH_RE.match(label)
        if hit is None or not 1 <= int(hit.group(2)) <= 12:
            raise loc.error(f"period {label!r} is not a month written YYYY-MM: a plan that pays across months "
                            "(period, true_up, draw, sanction, clawback, holdback, proration, ramp) needs "
                            "monthly rows", int(first[i]), "period")
        values[i] = int(hit.group(1)) * 12 + int(hit.group(2)) - 1
    return values[codes]


def _series_codes(frame: pd.DataFrame, keys: dict[str, tuple[np.ndarray, int]]) -> np.ndarray:
    """One integer per (scenario, rep), numbered in order of first appearance: the index of its carried state."""
    coded = [keys[c] for c in ("scenario", "rep_id") if c in keys]
    combined = _combine(coded)
    n = len(combined)
    space = int(np.prod([count + 1 for _, count in coded], dtype=float))
    if space <= 8 * n + 4096:  # dense codes: the first row of each series by one reversed scatter, no sort
        first = np.full(space, n, dtype=np.int64)
        first[combined[::-1]] = np.arange(n - 1, -1, -1)
        present = np.flatnonzero(first < n)
        number = np.empty(space, dtype=np.int64)
        number[present[np.argsort(first[present], kind="stable")]] = np.arange(len(present))
        return number[combined]
    _, first_at, inverse = np.unique(combined, return_index=True, return_inverse=True)
    rank = np.empty(len(first_at), dtype=np.int64)
    rank[np.argsort(first_at, kind="stable")] = np.arange(len(first_at))
    return rank[inverse.ravel()]


def _grid(month: np.ndarray, sid: np.ndarray, n_series: int) -> int | None:
    """The number of months when the table is a grid (each series' rows together, the same months in the same
    increasing order for every series), else None. A grid's month j is rows j, j + M, j + 2M, ...: a view."""
    n = len(month)
    if n % n_series:
        return None
    m = n // n_series
    ss, mm = sid.reshape(n_series, m), month.reshape(n_series, m)
    if not (ss == ss[:, :1]).all() or not (mm == mm[:1]).all() or not (np.diff(mm[0]) > 0).all():
        return None
    return m


def _optional(frame: pd.DataFrame, column: str, loc: _Locator, default: float) -> np.ndarray | None:
    """An optional number column (``default`` where empty), or None when absent."""
    if column not in frame.columns:
        return None
    values = _numeric(frame, column, None, loc, optional=True)
    return np.where(np.isnan(values), default, values)


# --------------------------------------------------------------------------- the plan as the pass pays it

@dataclass
class _Part:
    """One quarterly, annual or settled component of one plan, as the pass pays it."""

    name: str
    timing: Timing
    scope: str                  # "quarter" or "year": the totals it reads
    every: int                  # it closes when (month + 1) % every == 0
    share: float | None
    amount: float | None
    metrics: dict[str, str]     # metric -> the period-to-date column the internal plan reads
    team: bool = False
    scalable: Commission | Penalty | None = None  # a commission whose value tiers and cap scale with a true-up

    def closing(self, month: int) -> bool:
        return (month % 12 + 1) % self.every == 0

    def periods_to_date(self, month: int) -> int:
        """How many of its periods the year has closed by ``month`` (for a true-up's opportunity)."""
        return (month % 12 + 1) // self.every if self.timing.true_up is not False else 1


@dataclass
class _Internal:
    """A plan as the period pass pays it: period parts read period-to-date columns."""

    plan: Plan
    original: Plan
    parts: list[_Part]
    scaled: dict[int, Plan] = field(default_factory=dict)

    def plan_for(self, month: int) -> Plan:
        """The internal plan of ``month``: a true-up commission's value tiers and cap × periods to date."""
        scal = [p for p in self.parts if p.scalable is not None]
        if not scal:
            return self.plan
        key = month % 12
        if key not in self.scaled:
            plan = self.plan
            for part in scal:
                k = part.periods_to_date(month)
                comp = plan.component(part.name)
                changes: dict[str, Any] = {}
                if isinstance(comp, Commission):
                    if comp.tiers and comp.tiers_on == "value":
                        changes["tiers"] = tuple(dataclasses.replace(t, start=t.start * k) for t in comp.tiers)
                    if comp.cap is not None:
                        changes["cap"] = comp.cap * k
                if changes:
                    plan = plan.replace_component(part.name, **changes)
            self.scaled[key] = plan
        return self.scaled[key]


def _column_name(metric: str, scope: str, taken: set[str]) -> str:
    name = f"{metric}_{scope}_to_date"
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _internal(plan: Plan, columns: dict[tuple[str, str], str], taken: set[str]) -> _Internal:
    """The plan with every quarterly, annual or settled component reading period-to-date columns."""
    parts: list[_Part] = []
    comps = []
    for comp in plan.components:
        timing = plan.periods.timing_of(comp.name)
        if not timing.carried:
            comps.append(comp)
            continue
        scope = "year" if timing.true_up is not False or timing.period == "year" else "quarter"
        every = {"month": 1, "quarter": 3, "year": 12}[timing.period]

        def col(metric: str) -> str:
            if (metric, scope) not in columns:
                columns[(metric, scope)] = _column_name(metric, scope, taken)
            return columns[(metric, scope)]

        if isinstance(comp, Scorecard):
            metrics = {k.metric: col(k.metric) for k in comp.kpis}
            new = dataclasses.replace(comp, kpis=tuple(dataclasses.replace(k, metric=metrics[k.metric])
                                                       for k in comp.kpis))
        else:
            metrics = {comp.metric: col(comp.metric)}
            new = dataclasses.replace(comp, metric=metrics[comp.metric])
        scalable = comp if isinstance(comp, Commission) and timing.true_up is not False else None
        parts.append(_Part(comp.name, timing, scope, every, getattr(comp, "share", None),
                           getattr(comp, "amount", None), metrics, isinstance(comp, TeamBonus), scalable))
        comps.append(new)
    internal = dataclasses.replace(plan, components=tuple(comps))
    return _Internal(internal, plan, parts)


# --------------------------------------------------------------------------- carried state

@dataclass(frozen=True, eq=False)
class CarriedState:
    """What the months evaluated leave to the next ones, per (scenario,) rep.

    Pass it to :func:`kpilab.evaluate` (``carried=``) to go on with the
    following months: evaluating a year month by month with the carried state
    gives the same payout table as evaluating it whole.

    Attributes
    ----------
    keys
        One row per (scenario,) rep: ``rep_id`` (and ``scenario``).
    arrays
        Each carried quantity, one value per row of ``keys`` (balances,
        period-to-date totals, what each true-up paid this year, held amounts).
    """

    keys: pd.DataFrame
    arrays: Mapping[str, np.ndarray]

    def balances(self) -> pd.DataFrame:
        """The balances owed or held per (scenario,) rep after the last month."""
        out = self.keys.copy()
        for name in BALANCES:
            if name in self.arrays:
                out[name] = self.arrays[name]
        return out


def _key_labels(frame: pd.DataFrame, sid: np.ndarray, n_series: int) -> pd.DataFrame:
    first = np.full(n_series, -1, dtype=np.int64)
    first[sid[::-1]] = np.arange(len(sid))[::-1]
    cols = [c for c in ("scenario", "rep_id") if c in frame.columns]
    return frame[cols].iloc[first].reset_index(drop=True)


def _adopt(carried: CarriedState, labels: pd.DataFrame) -> dict[str, np.ndarray]:
    """The carried arrays re-indexed to this table's series (a new rep starts from nothing)."""
    cols = [c for c in ("scenario", "rep_id") if c in labels.columns]
    if list(carried.keys.columns) != cols:
        raise ValueError(f"the carried state is keyed by {', '.join(carried.keys.columns)}, this table by "
                         f"{', '.join(cols)}")
    left = labels[cols].astype(str).reset_index(drop=True)
    right = carried.keys[cols].astype(str).reset_index(drop=True)
    right["__at"] = np.arange(len(right))
    at = left.merge(right, how="left", on=cols)["__at"].to_numpy()
    found = ~np.isnan(at)
    at = np.where(found, at, 0).astype(np.int64)
    out = {}
    for name, values in carried.arrays.items():
        fill = -1 if values.dtype.kind in "iu" else 0.0
        shape = (len(labels),) + values.shape[1:]
        arr = np.full(shape, fill, dtype=values.dtype)
        arr[found] = values[at[found]]
        out[name] = arr
    return out


class _State:
    """Carried arrays by name, created on first use with one slot per series."""

    def __init__(self, n_series: int, start: dict[str, np.ndarray] | None = None) -> None:
        self.n = n_series
        self.arrays: dict[str, np.ndarray] = dict(start or {})

    def get(self, name: str, fill: float | int = 0.0, width: int | None = None) -> np.ndarray:
        if name not in self.arrays:
            shape = (self.n,) if width is None else (self.n, width)
            self.arrays[name] = np.full(shape, fill, dtype=np.int64 if isinstance(fill, int) else float)
        return self.arrays[name]


# --------------------------------------------------------------------------- the pass

@dataclass
class PeriodTrace:
    """Per-row values of the pass, for the ledger and the explanation (arrays in table order)."""

    month: np.ndarray
    series: np.ndarray
    earned: np.ndarray            # variable pay of section 7 (before the carried mechanics)
    reversed: np.ndarray          # clawback owed this month (rate × cancelled revenue)
    held: np.ndarray
    released: np.ndarray
    paid_before: dict[str, np.ndarray]   # per true-up component: what it had paid this year before the row
    internal: dict[Any, _Internal]
    paid_cols: _Columns           # the columns each row was paid on (with period-to-date totals)
    carried: CarriedState


@dataclass
class _Month:
    """One month's rows: ``rows`` (a strided slice of a grid table, else positions) and their series ``s``
    (a slice when every series is present in order, so that its state is read and written as a view)."""

    m: int
    rows: slice | np.ndarray
    s: slice | np.ndarray


def _month_blocks(month: np.ndarray, sid: np.ndarray, n_series: int) -> list[_Month]:
    n = len(month)
    per_grid = _grid(month, sid, n_series)
    if per_grid is not None:
        return [_Month(int(month[j]), slice(j, n, per_grid), slice(None)) for j in range(per_grid)]
    out = []
    low = int(month.min())
    present = np.flatnonzero(np.bincount(month - low))
    for m in present + low:  # a few dozen months: one comparison pass each beats sorting a million rows
        rows = np.flatnonzero(month == m)
        s = sid[rows]
        full = len(s) == n_series and bool((s == np.arange(n_series)).all())
        out.append(_Month(int(month[rows[0]]), rows, slice(None) if full else s))
    return out


def evaluate_periods(plan: Plan | Scheme, frame: pd.DataFrame, loc: _Locator,
                     carried: CarriedState | None = None, pool: ThreadPoolExecutor | None = None
                     ) -> tuple[dict[str, np.ndarray], list[str], _Columns, dict[Any, np.ndarray], PeriodTrace]:
    """Pay every rep month by month with carried state; returns the money columns and what the ledger needs.

    Three passes, each a loop over months with every series of a month in one vectorised step: the
    period-to-date totals (they depend on the facts only); the pay of section 7 (all months in one call of
    the per-row payer, split over cores, when no true-up feeds a month's pay from the months before; with a
    true-up, the settlement of each month is taken in month order inside that call); the carried mechanics.
    """
    plans = plan.plans()
    columns: dict[tuple[str, str], str] = {}
    taken = set().union(*(p.metrics_needed() for p in plans.values()))
    internal = {role: _internal(p, columns, taken) for role, p in plans.items()}
    names = plan.component_names

    def pay_all(pay_cols: _Columns, month: np.ndarray | None, blocks: list[_Month] | None,
                sid: np.ndarray | None, state: _State | None) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Step 3 for every plan of the scheme (one call per plan over all its rows)."""
        n = pay_cols.n
        out = {c: np.full(n, np.nan) for c in ["base", *names, "cap_adjustment", "floor_adjustment", "variable",
                                               "total"]}
        paid_before: dict[str, np.ndarray] = {}
        for role, it in internal.items():
            rows = np.flatnonzero(row_plan[role]) if len(plans) > 1 else None
            role_cols = pay_cols if rows is None else pay_cols.take(rows)
            role_month = month if rows is None or month is None else month[rows]
            result = _pay_role(it, role_cols, role_month, blocks, rows, n, sid, state, paid_before, pool)
            for col, values in result.items():
                if rows is None:
                    out[col] = values
                else:
                    out[col][rows] = values
        return out, paid_before

    # The key check (hashing strings, GIL-bound) overlaps the numpy work of resolving, and of paying when no
    # part of the plan depends on the month, as in evaluate.
    keys_job = pool.submit(_check_keys, frame, loc) if pool is not None else None
    early = None
    try:
        keys = _check_keys(frame, loc) if keys_job is None else None
        cols, row_plan = _resolve(plans, frame, loc, keys_job.result if keys_job is not None else lambda: keys)
        # ---- 1. row-local rules: proration and the ramp scale salary and targets
        cols = _row_local(plans, row_plan, frame, loc, cols)
        if not columns:
            early = pay_all(cols, None, None, None, None)
    except DataError:
        if keys_job is not None:
            keys_job.result()  # a key problem is reported first, as in a sequential check
        raise
    keys = keys_job.result() if keys_job is not None else keys
    n = cols.n
    month = _months(frame, loc, keys["period"])
    sid = _series_codes(frame, keys)
    n_series = int(sid.max()) + 1
    labels = _key_labels(frame, sid, n_series)
    state = _State(n_series, _adopt(carried, labels) if carried is not None else None)
    blocks = _month_blocks(month, sid, n_series)

    # ---- 2. period-to-date totals of what the period parts read
    aggregation: dict[str, str] = {}
    for p in plans.values():
        aggregation.update(p.periods.aggregation)
    ptd_facts = {name: np.zeros(n) for name in columns.values()}
    ptd_targets = {name: np.full(n, np.nan) for (metric, _), name in columns.items() if metric in cols.targets}
    scopes = sorted({sc for _, sc in columns})
    ptd_bonus = {scope: np.zeros(n) for scope in scopes}
    if columns:
        for blk in blocks:
            rows, si, m = blk.rows, blk.s, blk.m
            for scope in scopes:
                pid = state.get(f"period_id:{scope}", -1)
                reset = pid[si] != m // _SCOPE_LEN[scope]
                for (metric, sc), name in columns.items():
                    if sc != scope:
                        continue
                    how = aggregation.get(metric, "sum")
                    ptd_facts[name][rows] = _accumulate(state, f"fact:{name}", si, cols.facts[metric][rows], how, reset)
                    if name in ptd_targets:
                        ptd_targets[name][rows] = _accumulate(state, f"target:{name}", si,
                                                              cols.targets[metric][rows], how, reset)
                ptd_bonus[scope][rows] = _accumulate(state, f"target_bonus:{scope}", si, cols.target_bonus[rows],
                                                     "sum", reset)
                pid[si] = m // _SCOPE_LEN[scope]

    # ---- 3. section 7 on the period-to-date columns
    money: dict[str, np.ndarray] = {}
    ptd_team: dict[str, np.ndarray] = {}
    for it in internal.values():
        for part in it.parts:
            if part.share is not None:
                money[part.name] = part.share * ptd_bonus[part.scope]
            elif part.amount is not None:
                money[part.name] = part.amount * np.broadcast_to(part.periods_to_date(month), (n,)).astype(float)
            if part.team:
                name = next(iter(part.metrics.values()))
                coded = [keys[c] if c in keys else _codes(frame[c]) for c in ("scenario", "team")
                         if c in frame.columns] + [(month - month.min(), int(month.max() - month.min()) + 1)]
                _, g = np.unique(_combine(coded), return_inverse=True)
                g = g.ravel()
                ptd_team[name] = (np.bincount(g, weights=ptd_facts[name]) / np.bincount(g, weights=ptd_targets[name]))[g]
    pay_cols = _Columns(n, {**cols.facts, **ptd_facts}, {**cols.targets, **ptd_targets},
                        {**cols.team_attainment, **ptd_team}, cols.base, cols.target_bonus, money)
    out, paid_before = early if early is not None else pay_all(pay_cols, month, blocks, sid, state)

    # ---- 4-8. the carried mechanics on each month's variable pay
    par = _parameters(plans, row_plan, n)
    sanction = _optional(frame, SANCTION_COLUMN, loc, 0.0) if np.any(par["sanction_on"]) else None
    cancelled = _optional(frame, CANCELLED_COLUMN, loc, 0.0) if np.any(par["clawback_on"]) else None
    if cancelled is None and np.any(par["clawback_on"]):
        cancelled = np.zeros(n)
    tenure = _tenure(frame, loc) if np.any(par["ramp_on"]) else None
    parts_used = [c for c, on in (("ramp_guarantee", np.any(par["ramp_guarantee"])),
                                  ("sanction_cut", np.any(par["sanction_on"])),
                                  ("holdback", np.any(par["holdback_on"])),
                                  ("clawback", np.any(par["clawback_on"])),
                                  ("draw_adjustment", np.any(par["draw_on"]))) if on]
    for c in parts_used:
        out[c] = np.zeros(n)
    for c in BALANCES:
        if np.any(par[c.split("_")[0] + "_on"]):
            out[c] = np.zeros(n)
    tr = {k: np.zeros(n) for k in ("reversed", "held", "released")}
    earned = out["total"] - out["base"]
    if parts_used:
        variable = earned.copy()
        for blk in blocks:
            rows = blk.rows
            p = {k: (v[rows] if np.ndim(v) else v) for k, v in par.items()}
            variable[rows] = _mechanics(p, rows, blk.s, blk.m, earned[rows], out["base"][rows], out, state,
                                        sanction, cancelled, tenure, tr)
        out["variable"] = variable
        out["total"] = out["base"] + variable

    carried_out = CarriedState(labels, dict(state.arrays))
    trace = PeriodTrace(month, sid, earned, tr["reversed"], tr["held"], tr["released"], paid_before, internal,
                        pay_cols, carried_out)
    extra = parts_used + [c for c in BALANCES if c in out]
    return out, extra, cols, row_plan, trace


def _pay_role(it: _Internal, cols: _Columns, month: np.ndarray, blocks: list[_Month], rows: np.ndarray | None,
              n: int, sid: np.ndarray, state: _State, paid_before: dict[str, np.ndarray],
              pool: ThreadPoolExecutor | None) -> dict[str, np.ndarray]:
    """Section 7 for one plan's rows (``rows`` of the table, None = all), every month in one call.

    A period part pays only in its closing month; a true-up pays the settlement to date, month after month
    in order, each month's series at once (so that call runs on one core). Without a true-up no month
    depends on another and the call is split over cores, as :func:`~kpilab.engine.evaluate` does.
    """
    closing = {part.name: part.closing(month) for part in it.parts}
    settled = [part for part in it.parts if part.timing.true_up is not False]
    scaled = [part for part in it.parts if part.scalable is not None]

    def zero_open(pay: dict[str, np.ndarray], where: slice) -> None:
        for part in it.parts:
            np.copyto(pay[part.name], 0.0, where=~closing[part.name][where])

    if not settled and not scaled:
        if pool is None or cols.n < _PARALLEL_MIN_ROWS:
            return _plan_pay(it.plan, cols, adjust=lambda pay: zero_open(pay, slice(None)) if it.parts else None)
        bounds = np.linspace(0, cols.n, _WORKERS + 1).astype(int)
        jobs = [pool.submit(_plan_pay, it.plan, cols.take(slice(lo, hi)),
                            None, (lambda pay, w=slice(lo, hi): zero_open(pay, w)) if it.parts else None)
                for lo, hi in zip(bounds[:-1], bounds[1:])]
        parts = [job.result() for job in jobs]
        return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}

    # A true-up (or a commission whose tiers scale with the periods to date) is paid month by month.
    if rows is None:
        local = [(blk, blk.rows) for blk in blocks]
    else:
        where = np.full(n, -1, dtype=np.int64)
        where[rows] = np.arange(len(rows))
        local = []
        for blk in blocks:
            block_rows = np.arange(n)[blk.rows] if isinstance(blk.rows, slice) else blk.rows
            at = where[block_rows]
            keep = at >= 0
            if keep.any():
                mine = block_rows[keep]
                local.append((_Month(blk.m, mine, sid[mine]), at[keep]))
    for part in settled:
        paid_before.setdefault(part.name, np.full(n, np.nan))
    out: dict[str, np.ndarray] | None = None
    for blk, here in local:
        sub = cols.take(here)
        m = blk.m
        year = m // 12

        def adjust(pay: dict[str, np.ndarray]) -> None:
            for part in it.parts:
                if not part.closing(m):
                    pay[part.name][:] = 0.0
                    continue
                if part.timing.true_up is False:
                    continue
                paid = state.get(f"paid:{part.name}")
                paid_year = state.get(f"paid_year:{part.name}", -1)
                before = np.where(paid_year[blk.s] == year, paid[blk.s], 0.0)
                settle = pay[part.name] - before
                if part.timing.true_up is True:
                    settle = np.maximum(settle, 0.0)
                paid[blk.s] = before + settle
                paid_year[blk.s] = year
                paid_before[part.name][blk.rows] = before
                pay[part.name][:] = settle

        result = _plan_pay(it.plan_for(m), sub, adjust=adjust)
        if out is None:
            out = {key: np.full(cols.n, np.nan) for key in result}
        for key, values in result.items():
            out[key][here] = values
    assert out is not None
    return out


def _accumulate(state: _State, name: str, s: np.ndarray | slice, x: np.ndarray, how: str,
                reset: np.ndarray) -> np.ndarray:
    """Add this month's ``x`` to the series' period-to-date ``name`` (restarting where ``reset``); returns the
    period-to-date value (the mean for ``mean``)."""
    value = state.get(f"{name}:value")
    count = state.get(f"{name}:count")
    fresh = reset | (count[s] == 0)
    old = np.where(fresh, 0.0, value[s])
    if how in ("sum", "mean"):
        new = old + x
    elif how == "last":
        new = np.asarray(x, dtype=float).copy()
    elif how == "min":
        new = np.where(fresh, x, np.minimum(old, x))
    else:
        new = np.where(fresh, x, np.maximum(old, x))
    value[s] = new
    counted = np.where(reset, 0.0, count[s]) + 1.0
    count[s] = counted
    return new / counted if how == "mean" else new


def _parameters(plans: dict[Any, Plan], row_plan: dict[Any, np.ndarray], n: int) -> dict[str, Any]:
    """Each mechanic's parameters: a scalar for one plan, per row (the plan of the row's role) for a scheme;
    zero/False where a plan does not use the mechanic."""
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
            "clawback_on": r.clawback is not None, "clawback_rate": r.clawback.rate if r.clawback else 0.0,
            "holdback_on": r.holdback is not None, "holdback_share": r.holdback.share if r.holdback else 0.0,
            "holdback_after": r.holdback.release_after if r.holdback else 0,
            "ramp_on": r.ramp is not None, "ramp_guarantee": r.ramp.guarantee if r.ramp else 0.0,
            "ramp_months": r.ramp.months if r.ramp else 0,
            "floor_number": float(floor) if floor not in (None, "base") else 0.0,
        }
    width = max(int(v["holdback_after"]) for v in values.values())
    if len(plans) == 1:
        out: dict[str, Any] = dict(next(iter(values.values())))
    else:
        out = {}
        for key, sample in next(iter(values.values())).items():
            dtype = bool if isinstance(sample, bool) else np.int64 if isinstance(sample, int) else float
            arr = np.zeros(n, dtype=dtype)
            for role, v in values.items():
                arr[row_plan[role]] = v[key]
            out[key] = arr
    out["holdback_width"] = width
    return out


def _tenure(frame: pd.DataFrame, loc: _Locator) -> np.ndarray:
    """The ``tenure_months`` column: whole months with the company before this one (0 in the first month, as
    :func:`kpilab.datasets.load_sample_team` counts); absent or empty = past any ramp."""
    values = _optional(frame, TENURE_COLUMN, loc, np.inf)
    if values is None:
        return np.full(len(frame), np.inf)
    bad = (values != np.floor(values)) & np.isfinite(values)
    loc.first(bad, "tenure_months must be a whole number of months (0 in the first month)", TENURE_COLUMN)
    return values


def _row_local(plans: dict[Any, Plan], row_plan: dict[Any, np.ndarray], frame: pd.DataFrame, loc: _Locator,
               cols: _Columns) -> _Columns:
    """Proration and the ramp: salary and targets scaled per row (step 1)."""
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
    if prorate.any():
        worked = _optional(frame, DAYS_WORKED_COLUMN, loc, np.nan)
        days = _optional(frame, DAYS_IN_PERIOD_COLUMN, loc, np.nan)
        if worked is not None or days is not None:
            if worked is None or days is None:
                missing = DAYS_IN_PERIOD_COLUMN if days is None else DAYS_WORKED_COLUMN
                raise loc.error(f"proration needs both {DAYS_WORKED_COLUMN} and {DAYS_IN_PERIOD_COLUMN}",
                                column=missing)
            given = prorate & ~np.isnan(worked)
            loc.first(given & np.isnan(days), f"{DAYS_WORKED_COLUMN} is given but {DAYS_IN_PERIOD_COLUMN} is empty",
                      DAYS_IN_PERIOD_COLUMN)
            loc.first(given & (days == 0), f"{DAYS_IN_PERIOD_COLUMN} must be > 0", DAYS_IN_PERIOD_COLUMN)
            loc.first(given & (worked == 0), f"{DAYS_WORKED_COLUMN} must be > 0: leave out a month with no day "
                      "worked (its salary and targets would be 0)", DAYS_WORKED_COLUMN)
            loc.first(given & (worked > days), f"{DAYS_WORKED_COLUMN} is more than {DAYS_IN_PERIOD_COLUMN}",
                      DAYS_WORKED_COLUMN)
            factor = np.where(given, worked / np.where(given, days, 1.0), 1.0)
    if not prorate.any() and np.all(ramp_factor == 1.0):
        return cols
    target_factor = factor * ramp_factor  # > 0: days worked and ramp factors are
    targets = {m: t * target_factor for m, t in cols.targets.items()}
    return _Columns(cols.n, dict(cols.facts), targets, dict(cols.team_attainment), cols.base * factor,
                    cols.target_bonus, dict(cols.money))


def _pick(flag: Any, yes: Any, no: Any) -> Any:
    """``np.where`` for a per-row flag; a plain choice for one plan's scalar flag (no pass over the rows)."""
    if np.ndim(flag) == 0:
        return yes if flag else no
    return np.where(flag, yes, no)


def _mechanics(p: dict[str, Any], rows: slice | np.ndarray, s: np.ndarray | slice, m: int, var: np.ndarray,
               base: np.ndarray, out: dict[str, np.ndarray], state: _State, sanction: np.ndarray | None,
               cancelled: np.ndarray | None, tenure: np.ndarray | None, tr: dict[str, np.ndarray]) -> np.ndarray:
    """Steps 4-8 of one month (rows ``rows`` of the table, series ``s``) on the month's variable pay ``var``;
    ``p`` holds the parameters (scalars for one plan, arrays of these rows for a scheme). Returns the
    variable pay paid."""
    # 4. the ramp's guaranteed bonus
    if "ramp_guarantee" in out and tenure is not None:
        top_up = np.maximum(0.0, p["ramp_guarantee"] - var)
        top_up *= p["ramp_on"] & (tenure[rows] < p["ramp_months"]) & (p["ramp_guarantee"] > 0)
        out["ramp_guarantee"][rows] = top_up
        var = var + top_up
    # 5. the sanction cut: this month's bonus only, at most limit × the month's wage, never the salary
    if sanction is not None and "sanction_cut" in out:
        bonus = np.maximum(var, 0.0)
        wage = base + bonus * p["sanction_on_wage"]          # limit_of: wage (salary + bonus) or base
        cut = np.minimum(np.minimum(p["per_sanction"] * sanction[rows] * bonus, p["sanction_limit"] * wage), bonus)
        cut = _pick(p["sanction_on"], cut, 0.0)
        out["sanction_cut"][rows] = 0.0 - cut  # never −0.0 in a CSV
        var = var - cut
    # 6. the holdback: share of the bonus held in slot (month mod N), released N months later
    if "holdback" in out:
        width = int(p["holdback_width"])
        after = p["holdback_after"]
        release = np.zeros(len(var))
        balance = np.zeros(len(var))
        held = _pick(p["holdback_on"], p["holdback_share"] * np.maximum(var, 0.0), 0.0)
        slot = m % np.maximum(after, 1)
        for k in range(width):
            amount = state.get(f"held_amount:{k}")
            when = state.get(f"held_month:{k}", -1)
            a, hm = amount[s], when[s]
            due = (hm >= 0) & (hm <= m - after)
            if due.any():
                release += a * due
                a = a * ~due
                hm = np.where(due, -1, hm)
            here = slot == k
            if np.ndim(here) == 0:
                if here:
                    a = a + held
                    hm = np.where(held > 0, m, hm)
            elif here.any():
                a = a + held * here
                hm = np.where(here & (held > 0), m, hm)
            amount[s], when[s] = a, hm
            balance += a
        out["holdback"][rows] = release - held
        out["holdback_balance"][rows] = balance
        tr["held"][rows], tr["released"][rows] = held, release
        var = var + release - held
    # 7. the clawback: owed from cancelled revenue, recovered from variable pay only, above salary and floor
    if "clawback" in out:
        ledger = state.get("clawback_balance")
        reversal = _pick(p["clawback_on"], p["clawback_rate"] * cancelled[rows], 0.0)
        owed = ledger[s] + reversal
        available = np.maximum(0.0, var - np.maximum(0.0, p["floor_number"] - base))
        recovered = np.minimum(owed, available)
        ledger[s] = owed - recovered
        out["clawback"][rows] = 0.0 - recovered
        out["clawback_balance"][rows] = owed - recovered
        tr["reversed"][rows] = reversal
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


# --------------------------------------------------------------------------- the ledger

#: The ledger's columns, in order; a plan shows those of the mechanics it uses.
LEDGER_COLUMNS = ("period", "base", "earned", "ramp_guarantee", "sanction_cut", "held", "released",
                  "holdback_balance", "clawback_owed", "clawback_recovered", "clawback_balance",
                  "draw_adjustment", "draw_balance", "variable", "total")


def ledger_frame(table: pd.DataFrame, trace: PeriodTrace, rows: np.ndarray) -> pd.DataFrame:
    """The carried balances of one series (rows in month order), month by month."""
    rows = rows[np.argsort(trace.month[rows], kind="stable")]
    data: dict[str, Any] = {"period": table["period"].to_numpy()[rows],
                            "base": table["base"].to_numpy(dtype=float)[rows],
                            "earned": trace.earned[rows]}
    cols = set(table.columns)
    if "ramp_guarantee" in cols:
        data["ramp_guarantee"] = table["ramp_guarantee"].to_numpy(dtype=float)[rows]
    if "sanction_cut" in cols:
        data["sanction_cut"] = table["sanction_cut"].to_numpy(dtype=float)[rows]
    if "holdback" in cols:
        data["held"] = trace.held[rows]
        data["released"] = trace.released[rows]
        data["holdback_balance"] = table["holdback_balance"].to_numpy(dtype=float)[rows]
    if "clawback" in cols:
        data["clawback_owed"] = trace.reversed[rows]
        data["clawback_recovered"] = -table["clawback"].to_numpy(dtype=float)[rows]
        data["clawback_balance"] = table["clawback_balance"].to_numpy(dtype=float)[rows]
    if "draw_adjustment" in cols:
        data["draw_adjustment"] = table["draw_adjustment"].to_numpy(dtype=float)[rows]
        data["draw_balance"] = table["draw_balance"].to_numpy(dtype=float)[rows]
    data["variable"] = table["variable"].to_numpy(dtype=float)[rows]
    data["total"] = table["total"].to_numpy(dtype=float)[rows]
    return pd.DataFrame(data)


def explain_inputs(trace: PeriodTrace, role: Any, pos: int) -> tuple[Plan, Any]:
    """The plan and the step-3 adjustment that paid row ``pos``, to re-run it for an explanation."""
    it = trace.internal[role]
    m = int(trace.month[pos])

    def adjust(pay: dict[str, np.ndarray]) -> None:
        for part in it.parts:
            if not part.closing(m):
                pay[part.name][:] = 0.0
            elif part.timing.true_up is not False:
                before = trace.paid_before[part.name][pos]
                settle = pay[part.name] - before
                pay[part.name][:] = np.maximum(settle, 0.0) if part.timing.true_up is True else settle

    return it.plan_for(m), (adjust if it.parts else None)
