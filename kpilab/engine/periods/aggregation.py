"""Quarterly, annual and settled parts: the plan as the period pass pays it, period-to-date totals, and
section 7 month by month (steps 2 and 3 of the pass)."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...plan import Plan
from ...plan.kinds import ComponentKind
from ...plan.periods import Timing
from ..evaluation import _PARALLEL_MIN_ROWS, _WORKERS
from ..pay import _limits_pay, _parts_pay, _plan_pay
from ..resolve import _Columns
from .state import _Month, _on_cores, _per_month, _series_groups, _State

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
    scalable: ComponentKind | None = None  # a settled part whose amounts of one period scale (over_periods)
    version: int = 0            # the plan version it belongs to (0 without versions)
    start: int | None = None    # that version's first month (None: no versions)
    end: int | None = None      # that version's last month (None: the last version, or no versions)

    @property
    def key(self) -> str:
        """Its name in the carried state: a version settles its own months."""
        return f"{self.version}:{self.name}"

    def closing(self, month: Any) -> Any:
        """True in the period's closing month, and in the last month of its version (a change closes it)."""
        def rule(m: Any) -> Any:
            shut = (m % 12 + 1) % self.every == 0
            return shut if self.end is None else shut | (m == self.end)

        return _per_month(rule, month)

    def periods_to_date(self, month: Any) -> Any:
        """Its opportunity in periods at ``month``: a true-up's periods closed this year (counted from its
        version's first month, whole periods or a part), an annual part's months of its version / 12,
        else one period."""
        if self.timing.true_up is False and (self.every != 12 or self.start is None):
            return 1.0  # one period, whatever the month

        def rule(m: Any) -> Any:
            year_start = m - m % 12
            first = year_start if self.start is None else np.maximum(year_start, self.start)
            return (m - first + 1) / self.every

        return _per_month(rule, month)


@dataclass
class _Internal:
    """A plan as the period pass pays it: period parts read period-to-date columns."""

    plan: Plan
    original: Plan
    parts: list[_Part]
    scaled: dict[Any, Plan] = field(default_factory=dict)

    def plan_for(self, month: int) -> Plan:
        """The internal plan of ``month``: a true-up commission's value tiers and cap × periods to date."""
        scal = [p for p in self.parts if p.scalable is not None]
        if not scal:
            return self.plan
        key = tuple(float(p.periods_to_date(month)) for p in scal)
        if key not in self.scaled:
            plan = self.plan
            for part in scal:  # each kind says which of its numbers are amounts of one period
                new = plan.component(part.name).over_periods(part.periods_to_date(month))
                plan = dataclasses.replace(plan, components=tuple(new if c.name == part.name else c
                                                                  for c in plan.components))
            self.scaled[key] = plan
        return self.scaled[key]


def _column_name(metric: str, scope: str, taken: set[str]) -> str:
    name = f"{metric}_{scope}_to_date"
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _internal(plan: Plan, columns: dict[tuple[str, str, str], str], taken: set[str], version: int = 0,
              start: int | None = None, end: int | None = None) -> _Internal:
    """The plan with every quarterly, annual or settled component reading period-to-date columns
    (``version``, ``start``, ``end``: the plan version it is and its months, for plan versions over time)."""
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
            key = (metric, scope, plan.periods.aggregation.get(metric, "sum"))  # plans may aggregate apart
            if key not in columns:
                columns[key] = _column_name(metric, scope, taken)
            return columns[key]

        # the kind is asked, not named: what it reads, whether it reads team attainment, what scales
        metrics = {metric: col(metric) for metric in sorted(comp.metrics())}
        new = comp.reading(metrics)
        settles = timing.true_up is not False and comp.over_periods(2.0) != comp
        parts.append(_Part(comp.name, timing, scope, every, getattr(comp, "share", None),
                           getattr(comp, "amount", None), metrics, bool(comp.team_metrics()),
                           comp if settles else None, version, start, end))
        comps.append(new)
    internal = dataclasses.replace(plan, components=tuple(comps))
    return _Internal(internal, plan, parts)



def _chunked(pay: Any, cols: _Columns, pool: ThreadPoolExecutor | None) -> dict[str, np.ndarray]:
    """``pay(cols_block, block)`` (row by row) over contiguous row blocks, one per core, when there are enough
    rows (``block``: the slice of ``cols`` handed)."""
    if pool is None or cols.n < _PARALLEL_MIN_ROWS:
        return pay(cols, slice(None))
    bounds = np.linspace(0, cols.n, _WORKERS + 1).astype(int)
    jobs = [pool.submit(pay, cols.take(slice(lo, hi)), slice(lo, hi)) for lo, hi in zip(bounds[:-1], bounds[1:])]
    parts = [job.result() for job in jobs]
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def _zero_open(it: _Internal, closing: dict[str, np.ndarray], pay: dict[str, np.ndarray], where: slice) -> None:
    """A period part pays nothing in a month that does not close its period (rows ``where`` of ``closing``)."""
    for part in it.parts:
        np.copyto(pay[part.name], 0.0, where=~closing[part.name][where])


def _pay_rows(it: _Internal, cols: _Columns, rows: np.ndarray, month: np.ndarray | None,
              out: dict[str, np.ndarray], pool: ThreadPoolExecutor | None) -> None:
    """Section 7 for one plan's ``rows`` of the table when no true-up settles them: each core takes its share
    of the rows, pays them and writes them into ``out`` (no gathered copy of the whole plan's columns, no
    joining of the parts)."""
    closing = {part.name: part.closing(month[rows]) for part in it.parts} if month is not None else {}

    def pay(lo: int, hi: int) -> None:
        mine = rows[lo:hi]

        adjust = (lambda paid: _zero_open(it, closing, paid, slice(lo, hi))) if closing else None
        for col, values in _plan_pay(it.plan, cols.take(mine), adjust=adjust).items():
            out[col][mine] = values

    if pool is None or len(rows) < _PARALLEL_MIN_ROWS:
        pay(0, len(rows))
        return
    bounds = np.linspace(0, len(rows), _WORKERS + 1).astype(int)
    list(pool.map(lambda ab: pay(*ab), zip(bounds[:-1], bounds[1:])))


def _pay_role(it: _Internal, cols: _Columns, month: np.ndarray, blocks: list[_Month], rows: np.ndarray | None,
              n: int, sid: np.ndarray, state: _State, paid_before: dict[str, np.ndarray],
              pool: ThreadPoolExecutor | None) -> dict[str, np.ndarray]:
    """Section 7 for one plan's rows (``rows`` of the table, None = all), every month in one call.

    A period part pays only in its closing month. A true-up pays the settlement to date: the components,
    gates and modifiers are paid for every row at once (split over cores), the settlement is taken month
    after month in order, each month's series at once, and the limits are paid for every row at once again.
    In a grid, each core takes its series' rows through all three.
    """
    closing = {part.name: part.closing(month) for part in it.parts}
    settled = [part for part in it.parts if part.timing.true_up is not False]
    scaled = [part for part in it.parts if part.scalable is not None]

    def zero_open(pay: dict[str, np.ndarray], where: slice) -> None:
        _zero_open(it, closing, pay, where)

    if not settled:
        return _chunked(lambda c, w: _plan_pay(it.plan, c, adjust=(lambda pay: zero_open(pay, w)) if it.parts
                                               else None), cols, pool)

    for part in settled:  # every carried array exists before the threads write their own series of it
        state.get(f"paid:{part.key}"), state.get(f"paid_year:{part.key}", -1)
        paid_before.setdefault(part.name, np.full(n, np.nan))

    def settle(part: _Part, due: np.ndarray, group: list[tuple[_Month, Any]]) -> None:
        """The settlement of ``part`` month after month over ``group`` (blocks and their positions in ``due``,
        the components' pay): the entitlement to date minus what was paid before this year."""
        paid, paid_year = state.get(f"paid:{part.key}"), state.get(f"paid_year:{part.key}", -1)
        before_all = paid_before[part.name]
        for blk, here in group:
            if not part.closing(blk.m):
                continue
            year = blk.m // 12
            before = np.where(paid_year[blk.s] == year, paid[blk.s], 0.0)
            value = due[here] - before
            if part.timing.true_up is True:
                value = np.maximum(value, 0.0)
            paid[blk.s] = before + value
            paid_year[blk.s] = year
            before_all[blk.rows] = before
            due[here] = value

    spans = _grid_spans(blocks, n) if rows is None and pool is not None and n >= _PARALLEL_MIN_ROWS else None
    if spans is not None and not scaled:
        # a grid: each core pays its series' rows from the components to the limits, its months settled in
        # between (its rows stay in its cache, and only the finished columns are joined)
        def fused(job: tuple[tuple[int, int], list[_Month]]) -> dict[str, np.ndarray]:
            (lo, hi), group = job
            mine = cols.take(slice(lo, hi))
            pay = _parts_pay(it.plan, mine)
            zero_open(pay, slice(lo, hi))
            local = [(blk, slice(blk.rows.start - lo, blk.rows.stop - lo, blk.rows.step)) for blk in group]
            for part in settled:
                settle(part, pay[part.name], local)
            return _limits_pay(it.plan, mine, pay)

        parts = list(pool.map(fused, spans))
        return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}

    # The components, gates and modifiers for every row; a commission whose value tiers and cap scale with
    # the periods to date is paid under each month's scaled plan.
    if scaled:
        keyed: dict[int, list[int]] = {}
        for m in np.unique(month):
            keyed.setdefault(id(it.plan_for(int(m))), []).append(int(m))
        pay: dict[str, np.ndarray] = {}
        for months in keyed.values():
            here = np.flatnonzero(np.isin(month, months))
            part_pay = _chunked(lambda c, _, p=it.plan_for(months[0]): _parts_pay(p, c), cols.take(here), pool)
            for key, values in part_pay.items():
                pay.setdefault(key, np.zeros(cols.n))[here] = values
    else:
        pay = _chunked(lambda c, _: _parts_pay(it.plan, c), cols, pool)
    zero_open(pay, slice(None))
    # The settlement, month after month (each part carries its own state, so the parts go one by one).
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
    groups = [local] if spans is None else [[(blk, blk.rows) for blk in group] for _, group in spans]
    for part in settled:
        _on_cores(lambda group, p=part: settle(p, pay[p.name], group), groups, pool)
    # the limits read each row alone: split over cores as the components were
    return _chunked(lambda c, w: _limits_pay(it.plan, c, {k: v[w] for k, v in pay.items()}), cols, pool)


def _grid_spans(blocks: list[_Month], n: int) -> list[tuple[tuple[int, int], list[_Month]]] | None:
    """A grid's blocks in one group per core (:func:`_series_groups`), each with the rows its series fill:
    one contiguous range, since a grid's series lie one after the other. None for any other table."""
    groups = _series_groups(blocks, _WORKERS)
    if len(groups) < 2:
        return None
    width = blocks[0].rows.step  # a grid's month j of a block is every M-th row (M months)
    spans = [((min(b.s.start for b in g) * width, min(n, max(b.s.stop for b in g) * width)), g) for g in groups]
    return spans if all(hi > lo for (lo, hi), _ in spans) else None


def _accumulate(state: _State, name: str, s: np.ndarray | slice, x: np.ndarray, how: str,
                reset: np.ndarray | bool) -> np.ndarray:
    """Add this month's ``x`` to the series' period-to-date ``name`` (restarting where ``reset``: an array, or
    one bool when every series of the block restarts or none does); returns the period-to-date value (the
    mean for ``mean``)."""
    value = state.get(f"{name}:value")
    count = state.get(f"{name}:count")
    if reset is True:  # a new period for every series: what they carried is not read
        new = 0.0 + x if how in ("sum", "mean") else np.asarray(x, dtype=float).copy()
        value[s] = new
        count[s] = 1.0
        return new
    fresh = count[s] == 0 if reset is False else reset | (count[s] == 0)
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
    counted = (count[s] if reset is False else np.where(reset, 0.0, count[s])) + 1.0
    count[s] = counted
    return new / counted if how == "mean" else new


_FOLD = {"sum": np.add, "mean": np.add, "min": np.minimum, "max": np.maximum}


def _grid_to_date(state: _State, scope: str, here: list[int], series: list[tuple[str, str, Any, np.ndarray]],
                  per_grid: int, a: int, b: int) -> None:
    """:func:`_accumulate` over every month of a grid's series ``a`` to ``b`` (whole ones) at once, no walk:
    month j is column j of the (series, month) view of each array, and its period-to-date value is column
    j - 1's folded with its own (a period starts afresh where ``here``, the period id of each month, changes).

    ``series``: (state name, aggregation, the months' values (an array in row order, or a number), the
    period-to-date output). The folds are the walk's, in its order: the same sums to the last bit.
    """
    m, rows = per_grid, slice(a * per_grid, b * per_grid)
    pid = state.get(f"period_id:{scope}", -1)
    start = [0] * m  # the first month of each month's period
    for j in range(1, m):
        start[j] = j if here[j] != here[j - 1] else start[j - 1]
    go_on = pid[a:b] == here[0]  # series whose carried period goes on into the first month
    for name, how, x, out in series:
        value, count = state.get(f"{name}:value"), state.get(f"{name}:count")
        xs = x[rows].reshape(b - a, m) if np.ndim(x) else np.broadcast_to(float(x), (b - a, m))
        out2 = out[rows].reshape(b - a, m)
        fresh = ~go_on | (count[a:b] == 0)
        carried_count = np.where(fresh, 0.0, count[a:b])
        np.copyto(out2[:, 0], xs[:, 0])
        if how != "last" and not fresh.all():  # what a series carried in is folded first, as the walk does
            carried = np.where(fresh, 0.0 if how in ("sum", "mean") else xs[:, 0], value[a:b])
            _FOLD[how](carried, xs[:, 0], out=out2[:, 0])
        for j in range(1, m):
            if how == "last" or start[j] == j:
                np.copyto(out2[:, j], xs[:, j])
            else:
                _FOLD[how](out2[:, j - 1], xs[:, j], out=out2[:, j])
        value[a:b] = out2[:, m - 1]
        count[a:b] = (m - start[-1]) + (carried_count if start[-1] == 0 else 0.0)
        if how == "mean":  # the walk returns the sum over the months counted so far
            for j in range(m):
                counted = j - start[j] + 1.0
                if start[j] == 0:
                    np.divide(out2[:, j], carried_count + counted, out=out2[:, j])
                else:
                    out2[:, j] /= counted
    pid[a:b] = here[-1]


def settled_adjust(it: _Internal, m: int, before: dict[str, np.ndarray]) -> Any:
    """Step 3's adjustment of month ``m`` as it was paid, from what each true-up had paid before the rows
    (``before``, by component): to pay those rows again (an explanation, a clawback on earnings) without
    touching the carried state. None when the plan has no period part."""
    if not it.parts:
        return None

    def adjust(pay: dict[str, np.ndarray]) -> None:
        for part in it.parts:
            if not part.closing(m):
                pay[part.name][:] = 0.0
            elif part.timing.true_up is not False:
                settle = pay[part.name] - before[part.name]
                pay[part.name][:] = np.maximum(settle, 0.0) if part.timing.true_up is True else settle

    return adjust


def earnings_of_cancelled(internal: dict[Any, _Internal], row_plan: dict[Any, np.ndarray], cols: _Columns,
                          month: np.ndarray, cancelled: np.ndarray, booked: np.ndarray, variable: np.ndarray,
                          columns: dict[tuple[str, str, str], str], aggregation: dict[str, str],
                          paid_before: dict[str, np.ndarray], revenue: str) -> np.ndarray:
    """What the cancelled revenue earned (``clawback: {basis: earnings}``), owed in each cancelling row: the
    variable pay of section 7 of the month it was booked in (row ``booked``, by default the row itself),
    minus that month paid again, under the plan that paid it, with its revenue, and the period-to-date
    revenue its parts read when summed, less the cancelled amount (at least 0). One vectorised call per
    plan and booked month; the carried state is not touched."""
    owed = np.zeros(len(month))
    if revenue not in cols.facts:
        return owed  # the plan pays nothing on revenue: cancelled revenue earned nothing
    hit = np.flatnonzero(cancelled > 0)
    at = booked[hit]
    for key, it in internal.items():
        clawback = it.original.periods.clawback
        if clawback is None or clawback.basis != "earnings":
            continue
        pick = np.ones(len(hit), bool) if len(internal) == 1 else row_plan[key][at]
        mine, where = hit[pick], at[pick]
        for m in np.unique(month[where]):
            same = month[where] == m
            cancelling, rows = mine[same], where[same]
            sub = cols.take(rows)
            cut = cancelled[cancelling]
            facts = dict(sub.facts)
            facts[revenue] = np.maximum(0.0, facts[revenue] - cut)
            for (metric, _, how), name in columns.items():
                if metric == revenue and how == "sum" and name in facts:
                    facts[name] = np.maximum(0.0, facts[name] - cut)
            again = _Columns(sub.n, facts, sub.targets, sub.team_attainment, sub.base, sub.target_bonus, sub.money)
            before = {name: values[rows] for name, values in paid_before.items()}
            pay = _plan_pay(it.plan_for(int(m)), again, adjust=settled_adjust(it, int(m), before))
            owed[cancelling] = np.maximum(0.0, variable[rows] - (pay["total"] - pay["base"]))
    return owed
