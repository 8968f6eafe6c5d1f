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

import numpy as np
import pandas as pd

from ..plan import Commission, Penalty, Plan, Scheme, Scorecard, TeamBonus
from ..plan.periods import (CANCELLED_COLUMN, DAYS_IN_PERIOD_COLUMN, DAYS_WORKED_COLUMN, SANCTION_COLUMN,
                            TENURE_COLUMN, Timing)
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

def _months(frame: pd.DataFrame, loc: _Locator) -> np.ndarray:
    """Each row's month as one integer (year × 12 + month − 1); a label that is no YYYY-MM is an error."""
    codes, uniques = pd.factorize(frame["period"].astype(str).to_numpy(dtype=object), sort=False)
    values = np.empty(len(uniques), dtype=np.int64)
    for i, label in enumerate(uniques):  # once per distinct label, not per row
        hit = _MONTH_RE.match(label)
        if hit is None or not 1 <= int(hit.group(2)) <= 12:
            raise loc.error(f"period {label!r} is not a month written YYYY-MM: a plan that pays across months "
                            "(period, true_up, draw, sanction, clawback, holdback, proration, ramp) needs "
                            "monthly rows", int(np.flatnonzero(codes == i)[0]), "period")
        values[i] = int(hit.group(1)) * 12 + int(hit.group(2)) - 1
    return values[codes]


def _series_codes(frame: pd.DataFrame, keys: dict[str, tuple[np.ndarray, int]]) -> np.ndarray:
    """One integer per (scenario, rep): the index of the row's carried state."""
    coded = [keys[c] for c in ("scenario", "rep_id") if c in keys]
    _, sid = np.unique(_combine(coded), return_inverse=True)
    return sid.astype(np.int64)


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
    sanction_count: np.ndarray
    paid_before: dict[str, np.ndarray]   # per true-up component: what it had paid this year before the row
    internal: dict[Any, _Internal]
    paid_cols: _Columns           # the columns each row was paid on (with period-to-date totals)
    month_of_row: np.ndarray
    carried: CarriedState


def evaluate_periods(plan: Plan | Scheme, frame: pd.DataFrame, loc: _Locator,
                     carried: CarriedState | None = None) -> tuple[dict[str, np.ndarray], list[str],
                                                                      _Columns, dict[Any, np.ndarray], PeriodTrace]:
    """Pay every rep month by month with carried state; returns the money columns and what the ledger needs."""
    keys = _check_keys(frame, loc)
    plans = plan.plans()
    cols, row_plan = _resolve(plans, frame, loc, lambda: keys)
    n = cols.n
    month = _months(frame, loc)
    sid = _series_codes(frame, keys)
    n_series = int(sid.max()) + 1
    labels = _key_labels(frame, sid, n_series)
    state = _State(n_series, _adopt(carried, labels) if carried is not None else None)

    # ---- 1. row-local rules: proration and the ramp scale salary and targets
    cols = _row_local(plans, row_plan, frame, loc, cols)

    # ---- the internal plans: period parts read period-to-date columns
    columns: dict[tuple[str, str], str] = {}
    taken = set().union(*(p.metrics_needed() for p in plans.values()))
    internal = {role: _internal(p, columns, taken) for role, p in plans.items()}
    team_codes = None
    if any(part.team for it in internal.values() for part in it.parts):
        coded = [keys[c] if c in keys else _codes(frame[c]) for c in ("scenario", "team") if c in frame.columns]
        team_codes = _combine(coded) if coded else np.zeros(n, np.int64)

    # ---- per-row parameters of the carried mechanics (a scheme's roles may differ)
    par = _parameters(plans, row_plan, n)
    sanction = _optional(frame, SANCTION_COLUMN, loc, 0.0) if par["sanction_on"].any() else None
    cancelled = _optional(frame, CANCELLED_COLUMN, loc, 0.0) if par["clawback_on"].any() else None
    tenure = _tenure(frame, loc) if par["ramp_on"].any() else None

    names = plan.component_names
    out = {c: np.full(n, np.nan) for c in ["base", *names, "cap_adjustment", "floor_adjustment", "variable", "total"]}
    parts_used = [c for c, on in (("ramp_guarantee", par["ramp_guarantee"].any()),
                                  ("sanction_cut", par["sanction_on"].any()),
                                  ("holdback", par["holdback_on"].any()),
                                  ("clawback", par["clawback_on"].any()),
                                  ("draw_adjustment", par["draw_on"].any())) if on]
    for c in parts_used:
        out[c] = np.zeros(n)
    for c in BALANCES:
        if par[c.split("_")[0] + "_on"].any():
            out[c] = np.zeros(n)
    earned_all = np.zeros(n)
    reversed_all = np.zeros(n)
    held_all = np.zeros(n)
    released_all = np.zeros(n)
    paid_before: dict[str, np.ndarray] = {}
    paid_facts = {name: np.zeros(n) for name in columns.values()}
    paid_targets: dict[str, np.ndarray] = {}
    paid_team: dict[str, np.ndarray] = {}
    paid_money: dict[str, np.ndarray] = {}

    # Rows by month: one stable sort, then contiguous blocks.
    order = np.argsort(month, kind="stable")
    sorted_months = month[order]
    cuts = np.flatnonzero(np.diff(sorted_months)) + 1
    blocks = np.split(order, cuts)
    aggregation = {}
    for p in plans.values():
        aggregation.update(p.periods.aggregation)

    for rows in blocks:
        m = int(month[rows[0]])
        s = sid[rows]
        sub = cols.take(rows)
        # ---- 2. period-to-date totals
        for (metric, scope), name in columns.items():
            how = aggregation.get(metric, "sum")
            pid = state.get(f"period_id:{scope}", -1)
            _accumulate(state, f"fact:{name}", s, sub.facts[metric], how, pid[s] != m // _SCOPE_LEN[scope])
            if metric in sub.targets:
                _accumulate(state, f"target:{name}", s, sub.targets[metric], how,
                            pid[s] != m // _SCOPE_LEN[scope])
        for scope in {sc for _, sc in columns}:
            tb_name = f"target_bonus:{scope}"
            pid = state.get(f"period_id:{scope}", -1)
            _accumulate(state, tb_name, s, sub.target_bonus, "sum", pid[s] != m // _SCOPE_LEN[scope])
        for scope in {sc for _, sc in columns}:
            state.get(f"period_id:{scope}", -1)[s] = m // _SCOPE_LEN[scope]
        for (metric, scope), name in columns.items():
            sub.facts[name] = _read(state, f"fact:{name}", s, aggregation.get(metric, "sum"))
            paid_facts[name][rows] = sub.facts[name]
            if f"target:{name}:value" in state.arrays:
                sub.targets[name] = _read(state, f"target:{name}", s, aggregation.get(metric, "sum"))
                paid_targets.setdefault(name, np.full(n, np.nan))[rows] = sub.targets[name]
        # ---- 3. section 7, role by role
        for role, it in internal.items():
            mine = row_plan[role][rows]
            if not mine.any():
                continue
            local = np.flatnonzero(mine)
            part_cols = sub.take(local) if not mine.all() else sub
            ps = s[local]
            for part in it.parts:
                k = part.periods_to_date(m)
                if part.share is not None:
                    money = part.share * _read(state, f"target_bonus:{part.scope}", ps, "sum")
                else:
                    money = np.full(len(local), part.amount * k)
                part_cols.money[part.name] = money
                paid_money.setdefault(part.name, np.full(n, np.nan))[rows[local]] = money
                if part.team:
                    metric, name = next(iter(part.metrics.items()))
                    grp = team_codes[rows[local]]
                    _, g = np.unique(grp, return_inverse=True)
                    att = (np.bincount(g, weights=part_cols.facts[name])
                           / np.bincount(g, weights=part_cols.targets[name]))[g]
                    part_cols.team_attainment[name] = att
                    paid_team.setdefault(name, np.full(n, np.nan))[rows[local]] = att
            adjust = _adjuster(it, m, ps, state, paid_before, rows[local], n)
            result = _plan_pay(it.plan_for(m), part_cols, adjust=adjust)
            for col, values in result.items():
                out[col][rows[local]] = values
        # ---- 4-8. the carried mechanics on the month's variable pay
        base = out["base"][rows]
        var = out["total"][rows] - base
        earned_all[rows] = var
        var = _mechanics(par, rows, s, m, var, base, out, state, sanction, cancelled, tenure,
                         reversed_all, held_all, released_all)
        out["variable"][rows] = var
        out["total"][rows] = base + var

    arrays = dict(state.arrays)
    carried_out = CarriedState(labels, arrays)
    paid_cols = _Columns(n, {**cols.facts, **paid_facts}, {**cols.targets, **paid_targets},
                         {**cols.team_attainment, **paid_team}, cols.base, cols.target_bonus, paid_money)
    trace = PeriodTrace(month, sid, earned_all, reversed_all, held_all, released_all,
                        sanction if sanction is not None else np.zeros(n), paid_before, internal, paid_cols,
                        month, carried_out)
    extra = parts_used + [c for c in BALANCES if c in out]
    return out, extra, cols, row_plan, trace


def _accumulate(state: _State, name: str, s: np.ndarray, x: np.ndarray, how: str, reset: np.ndarray) -> None:
    """Add this month's ``x`` to the series' period-to-date ``name`` (restarting where ``reset``)."""
    value = state.get(f"{name}:value")
    count = state.get(f"{name}:count")
    fresh = reset | (count[s] == 0)
    old = np.where(fresh, 0.0, value[s])
    if how in ("sum", "mean"):
        value[s] = old + x
    elif how == "last":
        value[s] = x
    elif how == "min":
        value[s] = np.where(fresh, x, np.minimum(old, x))
    else:
        value[s] = np.where(fresh, x, np.maximum(old, x))
    count[s] = np.where(reset, 0.0, count[s]) + 1.0


def _read(state: _State, name: str, s: np.ndarray, how: str) -> np.ndarray:
    value = state.arrays[f"{name}:value"][s]
    if how == "mean":
        return value / state.arrays[f"{name}:count"][s]
    return value.copy()


def _adjuster(it: _Internal, month: int, s: np.ndarray, state: _State, paid_before: dict[str, np.ndarray],
              rows: np.ndarray, n: int):
    """Step 3's adjustment: a period part pays only when its period closes; a true-up settles to date."""
    if not it.parts:
        return None
    year = month // 12

    def adjust(pay: dict[str, np.ndarray]) -> None:
        for part in it.parts:
            if not part.closing(month):
                pay[part.name][:] = 0.0
                continue
            if part.timing.true_up is False:
                continue
            paid = state.get(f"paid:{part.name}")
            paid_year = state.get(f"paid_year:{part.name}", -1)
            before = np.where(paid_year[s] == year, paid[s], 0.0)
            settle = pay[part.name] - before
            if part.timing.true_up is True:
                settle = np.maximum(settle, 0.0)
            paid[s] = before + settle
            paid_year[s] = year
            paid_before.setdefault(part.name, np.full(n, np.nan))[rows] = before
            pay[part.name][:] = settle

    return adjust


def _parameters(plans: dict[Any, Plan], row_plan: dict[Any, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Each mechanic's parameters per row (the plan of the row's role), NaN/False where it is off."""
    par: dict[str, np.ndarray] = {k: np.zeros(n, bool) for k in
                                  ("draw_on", "sanction_on", "clawback_on", "holdback_on", "ramp_on")}
    for k in ("draw_amount", "draw_recoverable", "per_sanction", "sanction_limit", "sanction_on_wage",
              "clawback_rate", "holdback_share", "ramp_guarantee", "ramp_months", "floor_number"):
        par[k] = np.zeros(n)
    par["holdback_after"] = np.zeros(n, np.int64)
    for role, p in plans.items():
        rows = row_plan[role]
        r = p.periods
        if r.draw is not None:
            par["draw_on"][rows] = True
            par["draw_amount"][rows] = r.draw.amount
            par["draw_recoverable"][rows] = float(r.draw.recoverable)
        if r.sanction is not None:
            par["sanction_on"][rows] = True
            par["per_sanction"][rows] = r.sanction.per_sanction
            par["sanction_limit"][rows] = r.sanction.limit
            par["sanction_on_wage"][rows] = float(r.sanction.limit_of == "wage")
        if r.clawback is not None:
            par["clawback_on"][rows] = True
            par["clawback_rate"][rows] = r.clawback.rate
        if r.holdback is not None:
            par["holdback_on"][rows] = True
            par["holdback_share"][rows] = r.holdback.share
            par["holdback_after"][rows] = r.holdback.release_after
        if r.ramp is not None:
            par["ramp_on"][rows] = True
            par["ramp_guarantee"][rows] = r.ramp.guarantee
            par["ramp_months"][rows] = r.ramp.months
        floor = p.limits.floor
        par["floor_number"][rows] = float(floor) if floor not in (None, "base") else 0.0
    return par


def _tenure(frame: pd.DataFrame, loc: _Locator) -> np.ndarray:
    """The ``tenure_months`` column (1 = the first month); absent or empty = past any ramp."""
    values = _optional(frame, TENURE_COLUMN, loc, np.inf)
    if values is None:
        return np.full(len(frame), np.inf)
    bad = (values < 1) | ((values != np.floor(values)) & np.isfinite(values))
    loc.first(bad, "tenure_months must be a whole number of months, 1 for the first month", TENURE_COLUMN)
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
            inside = row_plan[role] & (tenure <= len(schedule))
            ramp_factor[inside] = schedule[(tenure[inside] - 1).astype(np.int64)]
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
            loc.first(given & (worked > days), f"{DAYS_WORKED_COLUMN} is more than {DAYS_IN_PERIOD_COLUMN}",
                      DAYS_WORKED_COLUMN)
            factor = np.where(given, worked / np.where(given, days, 1.0), 1.0)
    if not prorate.any() and np.all(ramp_factor == 1.0):
        return cols
    target_factor = factor * ramp_factor
    # A row that worked no day has no target to reach: its attainment reads 0, not 0/0.
    targets = {m: np.where(target_factor > 0, t * target_factor, np.inf) for m, t in cols.targets.items()}
    return _Columns(cols.n, dict(cols.facts), targets, dict(cols.team_attainment), cols.base * factor,
                    cols.target_bonus, dict(cols.money))


def _mechanics(par: dict[str, np.ndarray], rows: np.ndarray, s: np.ndarray, m: int, var: np.ndarray,
               base: np.ndarray, out: dict[str, np.ndarray], state: _State, sanction: np.ndarray | None,
               cancelled: np.ndarray | None, tenure: np.ndarray | None, reversed_all: np.ndarray,
               held_all: np.ndarray, released_all: np.ndarray) -> np.ndarray:
    """Steps 4-8 of one month on the month's variable pay ``var``; returns the variable pay paid."""
    p = {k: v[rows] for k, v in par.items()}
    # 4. the ramp's guaranteed bonus
    if "ramp_guarantee" in out and tenure is not None:
        ramp = p["ramp_on"] & (tenure[rows] <= p["ramp_months"])
        top_up = np.where(ramp, np.maximum(0.0, p["ramp_guarantee"] - var), 0.0)
        out["ramp_guarantee"][rows] = top_up
        var = var + top_up
    # 5. the sanction cut: this month's bonus only, at most limit × the month's wage, never the salary
    if sanction is not None and "sanction_cut" in out:
        bonus = np.maximum(var, 0.0)
        wage = np.where(p["sanction_on_wage"] > 0, base + bonus, base)
        count = sanction[rows]
        cut = np.minimum(np.minimum(p["per_sanction"] * count * bonus, p["sanction_limit"] * wage), bonus)
        cut = np.where(p["sanction_on"] & (count > 0), cut, 0.0)
        out["sanction_cut"][rows] = 0.0 - cut  # never −0.0 in a CSV
        var = var - cut
    # 6. the holdback: share of the bonus held, released after N months
    if "holdback" in out:
        width = int(par["holdback_after"].max())
        amounts = state.get("held_amount", 0.0, width)
        held_month = state.get("held_month", -1, width)
        after = p["holdback_after"]
        due = (held_month[s] >= 0) & (held_month[s] <= (m - after)[:, None])
        release = np.where(due, amounts[s], 0.0).sum(axis=1)
        a, hm = amounts[s], held_month[s]
        a[due] = 0.0
        hm[due] = -1
        held = np.where(p["holdback_on"], p["holdback_share"] * np.maximum(var, 0.0), 0.0)
        slot = m % np.maximum(after, 1)
        idx = np.arange(len(s))
        a[idx, slot] += held
        hm[idx, slot] = np.where(held > 0, m, hm[idx, slot])
        amounts[s], held_month[s] = a, hm
        out["holdback"][rows] = release - held
        out["holdback_balance"][rows] = a.sum(axis=1)
        held_all[rows], released_all[rows] = held, release
        var = var + release - held
    # 7. the clawback: owed from cancelled revenue, recovered from variable pay only, above salary and floor
    if "clawback" in out:
        balance = state.get("clawback_balance")
        owed = balance[s] + np.where(p["clawback_on"], p["clawback_rate"] * cancelled[rows], 0.0)
        floor = np.maximum(base, p["floor_number"])
        available = np.maximum(0.0, base + var - floor)
        recovered = np.minimum(owed, available)
        balance[s] = owed - recovered
        out["clawback"][rows] = 0.0 - recovered
        out["clawback_balance"][rows] = balance[s]
        reversed_all[rows] = np.where(p["clawback_on"], p["clawback_rate"] * cancelled[rows], 0.0)
        var = var - recovered
    # 8. the draw: variable pay at least the draw; a recoverable shortfall is owed, repaid from later excess
    if "draw_adjustment" in out:
        balance = state.get("draw_balance")
        owed = np.where(p["draw_recoverable"] > 0, balance[s], 0.0)
        paid = np.where(p["draw_on"], np.maximum(p["draw_amount"], var - owed), var)
        balance[s] = np.where(p["draw_on"] & (p["draw_recoverable"] > 0), owed + paid - var, 0.0)
        out["draw_adjustment"][rows] = paid - var
        out["draw_balance"][rows] = balance[s]
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
