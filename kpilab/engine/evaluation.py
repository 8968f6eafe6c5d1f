"""The engine: a plan (or scheme) and a performance table in, the payout table out.

``evaluate`` turns a plan into array operations over every row at once (and
every scenario, when the table has a ``scenario`` column): curves are
``np.interp``/``np.searchsorted``, tiers are clipped bands, gates are boolean
masks, modifiers are multipliers, team attainment is a grouped sum broadcast
back to the rows. There is no per-row Python loop.

The order of evaluation is section 7 of the plan-format contract. The boundary
rule (when does an x "reach" a threshold t?) is written once, in
:func:`_reach_tolerance`, and every curve, tier and gate uses it.

This package never reads files, plots or prints.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..i18n.messages import msg, number_word
from ..plan import Plan, PlanVersions, Scheme, load_plan
from .pay import _plan_pay
from .payouts import Payouts
from .resolve import _KEY_COLUMNS, _check_keys, _Columns, _Locator, _resolve

#: The last columns of every payout table, in order (contract section 8).
OUTPUT_TAIL = ("cap_adjustment", "floor_adjustment", "variable", "total")


# --------------------------------------------------------------------------- parallel blocks

#: Below this many rows threads cost more than they save.
_PARALLEL_MIN_ROWS = 200_000
_WORKERS = max(1, min(4, os.cpu_count() or 1))


class _Done:
    """A finished computation with the ``result()`` of a future (the single-thread path)."""

    def __init__(self, func: Callable[..., Any], *args: Any) -> None:
        self._value = func(*args)

    def result(self) -> Any:
        return self._value


@contextmanager
def _pool(n_rows: int) -> Iterator[ThreadPoolExecutor | None]:
    if n_rows < _PARALLEL_MIN_ROWS or _WORKERS == 1:
        yield None
        return
    with ThreadPoolExecutor(max_workers=_WORKERS + 1, thread_name_prefix="kpilab") as pool:
        yield pool


def _plan_pay_chunked(plan: Plan, cols: _Columns, pool: ThreadPoolExecutor | None) -> dict[str, np.ndarray]:
    """:func:`_plan_pay` over contiguous row blocks, one per core; rows are independent after
    team attainment has been resolved, so the blocks give exactly the single-pass result."""
    if pool is None:
        return _plan_pay(plan, cols)
    bounds = np.linspace(0, cols.n, _WORKERS + 1).astype(int)
    parts = list(pool.map(lambda ab: _plan_pay(plan, cols.take(slice(ab[0], ab[1]))),
                          zip(bounds[:-1], bounds[1:])))
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def _empty_payouts(plan: Plan | Scheme, frame: pd.DataFrame, loc: _Locator) -> Payouts:
    """No rows in, no rows out: the payout table's columns, empty (a filter that matched nothing)."""
    for col in ("rep_id", "period"):
        if col not in frame.columns:
            raise loc.error(msg("data_errors.missing_key_column"), column=col)
    keys = {c: frame[c].reset_index(drop=True) for c in _KEY_COLUMNS if c in frame.columns}
    money = {c: np.zeros(0) for c in ["base", *plan.component_names, *OUTPUT_TAIL]}
    empty = np.zeros(0)
    cols = _Columns(0, {}, {}, {}, empty, empty)
    return Payouts(pd.DataFrame({**keys, **money}), plan, frame, empty, list(plan.component_names),
                   list(plan.penalty_names), cols, {r: np.zeros(0, bool) for r in plan.plans()})


def _evaluate_periods(plan: Plan | Scheme, frame: pd.DataFrame, loc: _Locator, carried: Any) -> Payouts:
    """A plan that pays across months (section 10): the period-aware pass, same table shape plus the ledger."""
    from .periods import BALANCES, evaluate_periods

    names = list(plan.component_names) if isinstance(plan, Plan) else []  # a scheme's columns may be empty
    with _pool(len(frame)) as pool:
        result, extra, cols, row_plan, trace = evaluate_periods(plan, frame, loc, carried, pool)
        _check_money({c: result[c] for c in ["base", *names, *extra, *OUTPUT_TAIL]}, None, loc, pool)
    table: dict[str, Any] = {c: frame[c].reset_index(drop=True) for c in _KEY_COLUMNS if c in frame.columns}
    for col in ["base", *plan.component_names, *extra, *OUTPUT_TAIL]:
        table[col] = result[col]
    out = pd.DataFrame(table, copy=False)
    parts = tuple(c for c in extra if c not in BALANCES)
    balances = tuple(c for c in extra if c in BALANCES)
    return Payouts(out, plan, frame, cols.target_bonus, list(plan.component_names), list(plan.penalty_names),
                   trace.paid_cols, row_plan, carried_parts=parts, balance_columns=balances, _periods=trace)


#: The largest amount of one pay column in one row: floats hold every kopeck exactly below 2**53 kopecks.
MAX_EXACT_MONEY = 2.0**53 / 100


def _check_money(pay: Mapping[str, np.ndarray], rows: np.ndarray | None, loc: _Locator,
                 pool: ThreadPoolExecutor | None = None) -> None:
    """Every amount finite and exact to the kopeck, else a DataError naming the row (rep, period)
    and the first column, in payout-table order, that went wrong (issue 10, item 6). ``pool``: the columns
    are read on every core."""
    def exact(v: np.ndarray) -> bool:  # two reductions (NaN propagates through both): no temporary
        return not np.size(v) or bool(-MAX_EXACT_MONEY <= np.min(v) and np.max(v) <= MAX_EXACT_MONEY)

    if all(pool.map(exact, pay.values()) if pool is not None else map(exact, pay.values())):
        return
    bad_rows: np.ndarray | None = None
    for values in pay.values():
        bad = ~(np.abs(values) <= MAX_EXACT_MONEY)  # NaN and inf fail the comparison
        bad_rows = bad if bad_rows is None else bad_rows | bad
    if bad_rows is None or not bad_rows.any():
        return
    first = int(np.argmax(bad_rows))
    column, value = next((c, float(v[first])) for c, v in pay.items() if not abs(v[first]) <= MAX_EXACT_MONEY)
    if math.isfinite(value):
        text = msg("errors.pay_too_large", component=column, value=f"{value:,.0f}",
                   limit=f"{MAX_EXACT_MONEY:,.0f}")
    else:
        text = msg("errors.pay_not_finite", component=column, value=number_word(value))
    position = first if rows is None else int(rows[first])
    raise loc.error(text, position, column, more=int(bad_rows.sum()) - 1)


def evaluate(plan: Plan | Scheme | Mapping[str, Any], performance: pd.DataFrame, *,
             source: str | None = None, carried: Any = None) -> Payouts:
    """Pay every rep in every period (and scenario) under a plan or a scheme.

    Parameters
    ----------
    plan
        A :class:`~kpilab.plan.Plan`, a :class:`~kpilab.plan.Scheme`, plan
        versions over time (:class:`~kpilab.plan.PlanVersions`), or a
        plan-format mapping.
    performance
        One row per rep per period (contract section 1); an optional
        ``scenario`` column evaluates many simulated years in the same pass.
    source
        A file name for error messages (default: ``performance.attrs["source"]``).
    carried
        For a plan that pays across months (contract section 10): the
        :class:`~kpilab.engine.periods.CarriedState` of the months before
        (``Payouts.carried`` of their evaluation), to go on from.

    Returns
    -------
    Payouts
        ``.table`` is the payout table (section 8), unrounded.

    Raises
    ------
    DataError
        A missing, empty, non-numeric or negative metric, a duplicate key, a
        missing target, or a role the scheme lacks, naming file, row, rep,
        period and column; or pay that is not a finite amount exact to the
        kopeck (a target near zero, a huge fact), naming the row and component.
    """
    if isinstance(plan, Mapping):
        plan = load_plan(plan)
    if not isinstance(plan, (Plan, Scheme, PlanVersions)):
        raise TypeError(msg("api_errors.evaluate_needs_plan", plan_type=type(plan).__name__))
    if not isinstance(performance, pd.DataFrame):
        raise TypeError(msg("api_errors.evaluate_needs_frame", performance_type=type(performance).__name__))
    frame = performance
    loc = _Locator(frame, source)
    if len(frame) == 0:
        return _empty_payouts(plan, frame, loc)
    if isinstance(plan, PlanVersions) or any(p.periods.active for p in plan.plans().values()):
        return _evaluate_periods(plan, frame, loc, carried)
    plans = plan.plans()
    names = plan.component_names
    n = len(frame)
    with _pool(n) as pool, np.errstate(all="ignore"):  # overflow is checked below, row by row
        # The key check (hashing strings, GIL-bound) overlaps the numpy work (GIL released).
        keys = pool.submit(_check_keys, frame, loc) if pool else _Done(_check_keys, frame, loc)
        try:
            cols, row_plan = _resolve(plans, frame, loc, keys.result)
            result = _plan_pay_chunked(plan, cols, pool) if isinstance(plan, Plan) else None
        except DataError:
            keys.result()  # a key problem is reported first, as in a sequential check
            raise
        keys.result()
        if result is not None:
            _check_money(result, None, loc, pool)
    if result is None:
        result = {c: np.full(n, np.nan) for c in ["base", *names, *OUTPUT_TAIL]}
        for role, p in plans.items():
            rows = np.flatnonzero(row_plan[role])
            if rows.size == 0:
                continue
            with np.errstate(all="ignore"):
                part = _plan_pay(p, cols.take(rows))
            _check_money(part, rows, loc)
            for col, values in part.items():
                result[col][rows] = values
    # Key columns keep their dtype (no re-inference of a million strings).
    table: dict[str, Any] = {c: frame[c].reset_index(drop=True) for c in _KEY_COLUMNS if c in frame.columns}
    table["base"] = result["base"]
    for name in names:
        table[name] = result[name]
    for col in OUTPUT_TAIL:
        table[col] = result[col]
    out = pd.DataFrame(table, copy=False)
    penalties = plan.penalty_names
    return Payouts(out, plan, frame, cols.target_bonus, list(names), list(penalties), cols, row_plan)
