"""The period pass: a loop over months, each month's rep × scenario series in one vectorised step."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from ...data.numbers import _clip
from ...errors import DataError
from ...i18n.messages import msg
from ...plan import Plan, PlanVersions, Scheme
from ...plan.periods import CANCELLED_COLUMN, CANCELLED_PERIOD_COLUMN, COLLECTED_COLUMN, REVENUE_METRIC, SANCTION_COLUMN
from ..evaluation import _PARALLEL_MIN_ROWS, _WORKERS
from ..resolve import _check_keys, _codes, _combine, _Columns, _Locator, _resolve
from .aggregation import _accumulate, _grid_to_date, _internal, _pay_role, _pay_rows, earnings_of_cancelled
from .mechanics import (_carried_steps, _holdback_rows, _holdback_timed, _optional, _parameters, _pick, _prepare_state,
                         _row_local, _row_steps, _tenure)
from .versions import version_bounds, version_of, version_rows
from .state import (_MONTH_RE, BALANCES, _SCOPE_LEN, CarriedState, PeriodTrace, _adopt, _key_labels, _Month,
                    _grid, _month_blocks, _months, _on_cores, _series_codes, _series_groups, _State)

#: Period ids of different plan versions never meet: a version's periods restart at its first month.
_VERSION_STRIDE = 1_000_000


def uses_periods(plan: Plan | Scheme | PlanVersions) -> bool:
    """True when any plan of ``plan`` says something about time (section 10)."""
    return isinstance(plan, PlanVersions) or any(p.periods.active for p in plan.plans().values())


def evaluate_periods(plan: Plan | Scheme | PlanVersions, frame: pd.DataFrame, loc: _Locator,
                     carried: CarriedState | None = None, pool: ThreadPoolExecutor | None = None
                     ) -> tuple[dict[str, np.ndarray], list[str], _Columns, dict[Any, np.ndarray], PeriodTrace]:
    """Pay every rep month by month with carried state; returns the money columns and what the ledger needs.

    Three passes, each a loop over months with every series of a month in one vectorised step: the
    period-to-date totals (they depend on the facts only); the pay of section 7 (all months in one call of
    the per-row payer, split over cores, when no true-up feeds a month's pay from the months before; with a
    true-up, the settlement of each month is taken in month order inside that call); the carried mechanics.
    """
    plans = plan.plans()
    columns: dict[tuple[str, str, str], str] = {}
    taken = set().union(*(p.metrics_needed() for p in plans.values()))
    versioned = isinstance(plan, PlanVersions)
    if versioned:  # a version's parts settle its own months (contract additions, 1.3)
        bounds = version_bounds(plan)
        internal = {key: _internal(p, columns, taken, key[0], *bounds[key[0]]) for key, p in plans.items()}
    else:
        internal = {role: _internal(p, columns, taken) for role, p in plans.items()}
    names = plan.component_names

    def pay_all(pay_cols: _Columns, month: np.ndarray | None, blocks: list[_Month] | None,
                sid: np.ndarray | None, state: _State | None) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Step 3 for every plan of the scheme (one call per plan over all its rows)."""
        n = pay_cols.n
        # one plan pays every row (its columns are taken as they come); a scheme's plans fill their own rows:
        # a column every plan pays, when each row has its plan, is all written (no fill), any other is NaN
        # where the row's plan lacks it
        out: dict[str, np.ndarray] = {}
        if len(plans) > 1:
            everywhere = sum(int(np.count_nonzero(r)) for r in row_plan.values()) == n
            common = set.intersection(*(set(p.component_names) for p in plans.values()))
            for c in ["base", *names, "cap_adjustment", "floor_adjustment", "variable", "total"]:
                out[c] = np.empty(n) if everywhere and (c in common or c not in names) else np.full(n, np.nan)
        paid_before: dict[str, np.ndarray] = {}
        for role, it in internal.items():
            rows = np.flatnonzero(row_plan[role]) if len(plans) > 1 else None
            if rows is not None and rows.size == 0:
                continue  # a role, or a plan version, with no row in this table
            if rows is not None and not any(part.timing.true_up is not False for part in it.parts):
                _pay_rows(it, pay_cols, rows, month, out, pool)
                continue
            role_cols = pay_cols if rows is None else pay_cols.take(rows)
            role_month = month if rows is None or month is None else month[rows]
            result = _pay_role(it, role_cols, role_month, blocks, rows, n, sid, state, paid_before, pool)
            for col, values in result.items():
                if rows is None:
                    out[col] = values
                else:
                    out[col][rows] = values
        return out, paid_before

    # the series and their months are numbered when something goes from month to month: totals to date, a
    # balance, or a state carried in (else only when the carried state's keys are asked for)
    rules = [p.periods for p in plans.values()]
    walked = bool(columns) or carried is not None or any(r.holdback is not None or r.clawback is not None or
                                                         r.draw is not None for r in rules)

    # one plan's optional columns of the mechanics are read beside the resolving too
    ahead = [c for c, on in ((SANCTION_COLUMN, rules[0].sanction is not None),
                             (CANCELLED_COLUMN, rules[0].clawback is not None)) if on] if len(plans) == 1 else []

    def keyed() -> tuple[dict[str, tuple[np.ndarray, int]], Any, dict[str, Any]]:
        """The key check, then the months and series it numbers and the columns read ahead (a bad month label
        or cell is kept, to be reported where a sequential pass would read it)."""
        checked = _check_keys(frame, loc, known)
        done: dict[str, Any] = {}
        for name, work in [("series", lambda: _series(frame, loc, checked, walked))] + \
                [(c, lambda c=c: _optional(frame, c, loc, 0.0)) for c in ahead]:
            try:
                done[name] = work()
            except DataError as error:
                done[name] = error
        return checked, done.pop("series"), done

    # The key check and the numbering of the series (hashing strings, GIL-bound) overlap the numpy work of
    # resolving, and of paying when no part of the plan depends on the month, as in evaluate.
    # plan versions read the period column before the key check is done: its codes are worked out once
    known = {"period": _codes(frame["period"])} if versioned and "period" in frame.columns else None
    keys_job = pool.submit(keyed) if pool is not None else None
    early = None
    try:
        keys = _check_keys(frame, loc, known) if keys_job is None else None
        given = version_rows(plan, frame, loc, known and known["period"]) if versioned else None
        cols, row_plan = _resolve(plans, frame, loc, (lambda: keys_job.result()[0]) if keys_job is not None
                                  else lambda: keys, given)
        # ---- 1. row-local rules: proration and the ramp scale salary and targets
        cols = _row_local(plans, row_plan, frame, loc, cols)
        if not columns:
            early = pay_all(cols, None, None, None, None)
    except DataError:
        if keys_job is not None:
            keys_job.result()  # a key problem is reported first, as in a sequential check
        raise
    keys, numbered, read_ahead = keys_job.result() if keys_job is not None else (keys, None, {})
    if numbered is None:
        numbered = _series(frame, loc, keys, walked)
    if isinstance(numbered, DataError):
        raise numbered
    n = cols.n
    month, sid, n_series, per_grid, blocks = numbered
    labels = _key_labels(frame, sid, n_series) if carried is not None else None
    state = _State(n_series, _adopt(carried, labels) if carried is not None else None)

    def keys_of_series() -> pd.DataFrame:
        codes = sid if sid is not None else _series_codes(frame, keys)
        return _key_labels(frame, codes, int(codes.max()) + 1)

    # ---- 2. period-to-date totals of what the period parts read
    aggregation: dict[str, str] = {}
    for p in plans.values():
        aggregation.update(p.periods.aggregation)
    scopes = sorted({sc for _, sc, _ in columns})
    read = [(metric, scope, how, name) for (metric, scope, how), name in columns.items() if metric in cols.facts]
    # each running total: (its carried state, its aggregation, the month's values, the period-to-date column)
    tracks: dict[str, list[tuple[str, str, str, str]]] = {scope: [] for scope in scopes}
    for metric, scope, how, name in read:
        tracks[scope].append((f"fact:{name}", how, f"fact:{metric}", f"fact:{name}"))
        if metric in cols.targets:
            tracks[scope].append((f"target:{name}", how, f"target:{metric}", f"target:{name}"))
    for scope in scopes:
        tracks[scope].append((f"target_bonus:{scope}", "sum", "target_bonus", f"bonus:{scope}"))
    inputs = {"target_bonus": cols.target_bonus, **{f"fact:{m}": cols.facts[m] for m, _, _, _ in read},
              **{f"target:{m}": cols.targets[m] for m, _, _, _ in read if m in cols.targets}}
    outputs = {dst: np.empty(n) for scope in scopes for _, _, _, dst in tracks[scope]}  # each row is written
    # (a metric without facts reads nothing to date, and a target without facts is no number)
    ptd_facts = {name: outputs[f"fact:{name}"] if f"fact:{name}" in outputs else np.zeros(n)
                 for name in columns.values()}
    ptd_targets = {name: outputs[f"target:{name}"] if f"target:{name}" in outputs else np.full(n, np.nan)
                   for (metric, _, _), name in columns.items() if metric in cols.targets}
    ptd_bonus = {scope: outputs[f"bonus:{scope}"] for scope in scopes}
    for scope in scopes:  # every carried array exists before the threads write their own series of it
        state.get(f"period_id:{scope}", -1)
        for name, _, _, _ in tracks[scope]:
            state.get(f"{name}:value"), state.get(f"{name}:count")

    def period_id(scope: str, m: int) -> int:
        """A period restarts with its quarter or year, and at a change of plan version."""
        return m // _SCOPE_LEN[scope] + _VERSION_STRIDE * int(version_of(plan, m))

    def to_date(rows: Any, si: Any, m: int, x: dict[str, Any], out: dict[str, np.ndarray]) -> None:
        for scope in scopes:
            pid = state.get(f"period_id:{scope}", -1)
            here = period_id(scope, m)
            reset = pid[si] != here
            reset = True if reset.all() else False if not reset.any() else reset  # (one bool: fewer passes)
            for name, how, src, dst in tracks[scope]:
                out[dst][rows] = _accumulate(state, name, si, x[src], how, reset)
            pid[si] = here

    if columns and per_grid is not None:  # a grid: every month of its whole series at once, no walk
        full = n // per_grid
        here = {scope: [period_id(scope, int(m)) for m in month[:per_grid]] for scope in scopes}

        def totals(spans: list[tuple[int, int]]) -> None:  # (a share of the series: one per core)
            for span in spans:
                for scope in scopes:
                    _grid_to_date(state, scope, here[scope], [(name, how, inputs[src], outputs[dst]) for
                                                              name, how, src, dst in tracks[scope]], per_grid, *span)

        whole = [(lo // per_grid, min(hi, full * per_grid) // per_grid) for lo, hi in _row_spans(n, per_grid, pool)]
        _on_cores(totals, [[span] for span in whole if span[1] > span[0]], pool)
        if n > full * per_grid:
            _SideBySide(to_date, per_grid, n, month[:per_grid], inputs, outputs).tail()
    elif columns:
        _months_walk(to_date, inputs, outputs, blocks, per_grid, month, pool, n)

    # ---- 3. section 7 on the period-to-date columns
    money: dict[str, np.ndarray] = {}
    ptd_team: dict[str, np.ndarray] = {}
    for key, it in internal.items():
        for part in it.parts:
            if part.share is not None:
                value = part.share * ptd_bonus[part.scope]
            elif part.amount is not None:
                periods = part.periods_to_date(month)  # (a fresh array, or one number)
                value = np.multiply(periods, part.amount, out=periods) if np.ndim(periods) else \
                    np.full(n, part.amount * periods)
            else:
                value = None
            if value is not None:  # each plan's rows get its own part's money (a name may recur across plans)
                if len(internal) == 1:
                    money[part.name] = value
                else:
                    np.copyto(money.setdefault(part.name, np.zeros(n)), value, where=row_plan[key])
            if part.team:
                name = next(iter(part.metrics.values()))
                coded = [keys[c] if c in keys else _codes(frame[c]) for c in ("scenario", "team")
                         if c in frame.columns] + [(month - month.min(), int(month.max() - month.min()) + 1)]
                _, g = np.unique(_combine(coded), return_inverse=True)
                g = g.ravel()
                ptd_team[name] = (np.bincount(g, weights=ptd_facts[name]) / np.bincount(g, weights=ptd_targets[name]))[g]
    if len(internal) > 1:  # where a name with period money is a plain monthly component, its own money
        for key, it in internal.items():
            parts = {part.name for part in it.parts}
            for comp in it.plan.components:
                if comp.name in money and comp.name not in parts and hasattr(comp, "share"):
                    own = comp.amount if comp.amount is not None else comp.share * cols.target_bonus
                    np.copyto(money[comp.name], own, where=row_plan[key])
    pay_cols = _Columns(n, {**cols.facts, **ptd_facts}, {**cols.targets, **ptd_targets},
                        {**cols.team_attainment, **ptd_team}, cols.base, cols.target_bonus, money)
    out, paid_before = early if early is not None else pay_all(pay_cols, month, blocks, sid, state)

    # ---- 4-8. the carried mechanics on each month's variable pay
    par = _parameters(plans, row_plan, n)
    def optional(column: str) -> np.ndarray | None:
        value = read_ahead[column] if column in read_ahead else _optional(frame, column, loc, 0.0)
        if isinstance(value, DataError):
            raise value
        return value

    sanction = optional(SANCTION_COLUMN) if np.any(par["sanction_on"]) else None
    owed_now = None
    earned = out["variable"]  # (total − base, as section 7 paid it)
    if np.any(par["clawback_on"]):
        cancelled = optional(CANCELLED_COLUMN)
        cancelled = np.zeros(n) if cancelled is None else cancelled
        owed_now = par["clawback_rate"] * cancelled
        if np.any(par["clawback_earned"]):
            booked = _booked_rows(frame, loc, month, sid, n_series, cancelled)
            by_earnings = earnings_of_cancelled(internal, row_plan, pay_cols, month, cancelled, booked, earned,
                                                columns, aggregation, paid_before, REVENUE_METRIC)
            owed_now = np.where(par["clawback_earned"], by_earnings, owed_now)
    collect = None
    pooled = "held_pool" in state.arrays and bool(state.arrays["held_pool"].any())
    if pooled and not np.any(par["holdback_collect"]):  # held on collection before, released as collected
        zeros = np.zeros(n)
        collect = (_optional(frame, REVENUE_METRIC, loc, 0.0) if REVENUE_METRIC in frame.columns else zeros,
                   _optional(frame, COLLECTED_COLUMN, loc, 0.0) if COLLECTED_COLUMN in frame.columns else zeros)
    elif np.any(par["holdback_collect"]):
        revenue = _optional(frame, REVENUE_METRIC, loc, 0.0)
        if revenue is None:
            raise loc.error(msg("data_errors.holdback_revenue", column=REVENUE_METRIC),
                            column=REVENUE_METRIC)
        collected = _optional(frame, COLLECTED_COLUMN, loc, 0.0)
        if collected is None:
            raise loc.error(msg("data_errors.holdback_collected", column=COLLECTED_COLUMN), column=COLLECTED_COLUMN)
        collect = (revenue, collected)
    tenure = _tenure(frame, loc) if np.any(par["ramp_on"]) else None
    # A mechanic's columns follow the plan (every version of it), not the rows of this table: months
    # evaluated in parts then have the same columns, and a balance carried into a version without the
    # mechanic is still settled.
    uses = {"ramp_guarantee": any(r.ramp is not None and r.ramp.guarantee > 0 for r in rules),
            "sanction_cut": any(r.sanction is not None for r in rules),
            "holdback": any(r.holdback is not None for r in rules),
            "clawback": any(r.clawback is not None for r in rules),
            "draw_adjustment": any(r.draw is not None for r in rules)}
    parts_used = [c for c, on in uses.items() if on]
    for c in parts_used:
        out[c] = np.zeros(n)
    for c, part in zip(BALANCES, ("holdback", "clawback", "draw_adjustment")):
        if uses[part]:
            out[c] = np.zeros(n)
    tr = {k: np.zeros(n) for k in ("reversed", "held", "released")}
    if parts_used:
        # steps 4-5 (and what step 6 holds) read each row alone: every row at once; steps 6-8 carry balances
        # from month to month: a walk over the blocks of months (each series meets its months in order)
        carried = [c for c in ("holdback", "clawback", "draw_adjustment") if uses[c]]
        # amounts a state from another plan held in slots past this plan's are released in their month too
        slots = sum(name.startswith("held_amount:") for name in state.arrays)
        par["holdback_width"] = max(par["holdback_width"], slots)
        # a grid's holdback by time: every month at once, no walk
        timed = uses["holdback"] and collect is None and np.ndim(par["holdback_on"]) == 0 and \
            bool(par["holdback_on"]) and _holdback_timed(month, per_grid, par["holdback_after"], state)
        var, held = np.empty(n), np.empty(n)
        if timed:
            release, out["holdback_balance"], out["holdback"] = np.zeros(n), np.empty(n), np.empty(n)
            tr["released"] = release
            carried.remove("holdback")
        own = [k for k in ("ramp_guarantee", "sanction_cut") if k in out]
        row_inputs = {"earned": earned, "base": out["base"], "sanction": sanction, "tenure": tenure}

        def row_steps(spans: list[tuple[int, int]]) -> None:
            """Steps 4-5 and what step 6 holds for rows lo to hi (each reads its own row), and a grid's
            holdback by time for those rows (whole series)."""
            for lo, hi in spans:
                w = slice(lo, hi)
                x = {k: (v[w] if np.ndim(v) else v) for k, v in row_inputs.items()}
                views = {k: out[k][w] for k in (*own, "holdback") if k in out}
                parts = dict(views)
                var[w], held[w] = _row_steps({k: (v[w] if np.ndim(v) else v) for k, v in par.items()}, x["earned"],
                                             x["base"], parts, x["sanction"], x["tenure"])
                for k in own:
                    if parts[k] is not views[k]:
                        out[k][w] = parts[k]  # (the step gave its part as a new array)
                if timed:
                    _holdback_rows(held, month, per_grid, par["holdback_after"], state, lo, hi, release,
                                   out["holdback_balance"])
                    np.subtract(release[w], held[w], out=out["holdback"][w])
                    var[w] += release[w]
                    var[w] -= held[w]

        _on_cores(row_steps, [[span] for span in _row_spans(n, per_grid, pool)], pool)
        tr["held"] = held
        if carried:
            reversal = room = None
            if uses["clawback"]:
                if owed_now is not None:
                    reversal = _pick(par["clawback_on"], owed_now, 0.0)
                    tr["reversed"] = reversal = np.broadcast_to(reversal, (n,)).astype(float, copy=False)
                # what recovery leaves of the pay: nothing below the floor (none, or the salary: the variable pay)
                floor = par["floor_number"]
                room = 0.0 if np.ndim(floor) == 0 and floor == 0 and out["base"].min() >= 0 else \
                    np.maximum(0.0, floor - out["base"])
            mo = {c: out[c] for c in carried}
            mo.update({b: out[b] for b, c in zip(BALANCES, ("holdback", "clawback", "draw_adjustment")) if c in mo})
            if "holdback" in mo:
                mo["released"] = tr["released"]
            _prepare_state(par, state, mo, collect is not None)
            paid = var  # (the walk writes each row once, after reading it; var is the row steps' own array)
            per_row = [k for k, v in par.items() if np.ndim(v)]  # a scheme's parameters differ by row

            def walk(rows: Any, si: Any, m: int, x: dict[str, Any], out: dict[str, np.ndarray]) -> None:
                p = {**par, **{k: x[k] for k in per_row}} if per_row else par
                out["paid"][rows] = _carried_steps(p, rows, si, m, x["var"], x.get("held"), x["room"], x["reversal"],
                                                   out, state, (x["revenue"], x["collected"]) if collect else None)

            inputs = {"var": var, "room": room if np.ndim(room) else 0.0, "reversal": reversal,
                      **{k: par[k] for k in per_row}}
            if "holdback" in carried:  # (what is held is read only where the walk holds it back)
                inputs["held"] = held
            if collect is not None:
                inputs["revenue"], inputs["collected"] = collect
            _months_walk(walk, inputs, {**mo, "paid": paid}, blocks, per_grid, month, pool, n)
            var = paid
        out["variable"] = var
        out["total"] = np.add(out["base"], var, out=out["total"] if len(plans) == 1 else None)  # (section 7's is read)

    carried_out = CarriedState(labels if labels is not None else keys_of_series, dict(state.arrays))
    trace = PeriodTrace(month, sid, earned, tr["reversed"], tr["held"], tr["released"], paid_before, internal,
                        pay_cols, carried_out)
    extra = parts_used + [c for c in BALANCES if c in out]
    return out, extra, cols, row_plan, trace



def _months_walk(step: Any, inputs: dict[str, Any], outputs: dict[str, np.ndarray], blocks: list[_Month],
                 per_grid: int | None, month: np.ndarray, pool: ThreadPoolExecutor | None, n: int) -> None:
    """``step(rows, series, m, x, out)`` for every block of months, each series meeting its months in order:
    ``x`` holds the block's rows of ``inputs`` (arrays in row order, or scalars), and the step writes
    ``out[name][rows]``. A grid's series blocks go to one thread per core (series never meet), each block's
    months copied side by side (month-major, each month's series contiguous, in the core's cache), walked,
    and copied back; any other table is walked block by block."""
    if per_grid is None:
        def by_blocks(group: list[_Month]) -> None:
            for blk in group:
                step(blk.rows, blk.s, blk.m, {k: (v[blk.rows] if np.ndim(v) else v) for k, v in inputs.items()},
                     outputs)
        work = by_blocks
    else:
        work = _SideBySide(step, per_grid, n, month[:per_grid], inputs, outputs)
    _on_cores(work, _series_groups(blocks, _WORKERS if pool is not None and n >= _PARALLEL_MIN_ROWS else 1), pool)


class _SideBySide:
    """:func:`_months_walk` over a grid's series blocks; a last series cut short is walked row by row."""

    def __init__(self, step: Any, per_grid: int, n: int, months: np.ndarray, inputs: dict[str, Any],
                 outputs: dict[str, np.ndarray]) -> None:
        self.step, self.m, self.n, self.months = step, per_grid, n, [int(m) for m in months]
        self.inputs, self.outputs, self.full = inputs, outputs, n // per_grid

    def __call__(self, group: list[_Month]) -> None:
        spans: dict[int, tuple[int, int]] = {}
        for blk in group:  # each series block's series: those its months' blocks name
            a, b = spans.get(blk.part, (blk.s.start, blk.s.stop))
            spans[blk.part] = (min(a, blk.s.start), max(b, blk.s.stop))
        for a, b in spans.values():
            if min(b, self.full) > a:
                self._block(a, min(b, self.full))
            if b > self.full:
                self.tail()

    def _block(self, a: int, b: int) -> None:
        m, lo, hi = self.m, a * self.m, b * self.m
        side = {k: (v[lo:hi].reshape(b - a, m).T.copy() if np.ndim(v) else v) for k, v in self.inputs.items()}
        out = {c: np.empty((m, b - a), dtype=v.dtype) for c, v in self.outputs.items()}
        for j in range(m):
            self.step(j, slice(a, b), self.months[j], {k: (v[j] if np.ndim(v) else v) for k, v in side.items()}, out)
        for c, values in out.items():
            self.outputs[c][lo:hi].reshape(b - a, m)[:] = values.T

    def tail(self) -> None:
        s = slice(self.full, self.full + 1)
        for j in range(self.n - self.full * self.m):
            rows = slice(self.full * self.m + j, self.full * self.m + j + 1)
            self.step(rows, s, self.months[j], {k: (v[rows] if np.ndim(v) else v) for k, v in self.inputs.items()},
                      self.outputs)


def _booked_rows(frame: pd.DataFrame, loc: _Locator, month: np.ndarray, sid: np.ndarray, n_series: int,
                 cancelled: np.ndarray) -> np.ndarray:
    """For each row, the row of the same rep (and scenario) in the month its cancelled revenue was booked:
    the ``cancelled_period`` column (YYYY-MM, not after the row's month), empty or absent = the row itself.
    That month must be in the table evaluated."""
    n = len(month)
    booked = np.arange(n)
    if CANCELLED_PERIOD_COLUMN not in frame.columns:
        return booked
    codes, uniques = pd.factorize(frame[CANCELLED_PERIOD_COLUMN].to_numpy(dtype=object), sort=False)
    value = np.full(len(uniques) + 1, -1, dtype=np.int64)  # the last slot: an empty cell
    for i, label in enumerate(uniques):
        text = str(label).strip()
        if not text or text.lower() == "nan":
            continue
        hit = _MONTH_RE.match(text)
        if hit is None or not 1 <= int(hit.group(2)) <= 12:
            loc.first(codes == i, msg("data_errors.cancelled_period", value=_clip(text)),
                      CANCELLED_PERIOD_COLUMN)
        value[i] = int(hit.group(1)) * 12 + int(hit.group(2)) - 1
    given = value[codes]
    use = (given >= 0) & (cancelled > 0)
    loc.first(use & (given > month), msg("data_errors.cancelled_after"), CANCELLED_PERIOD_COLUMN)
    low, span = int(month.min()), int(month.max() - month.min()) + 1
    index = np.full(n_series * span, -1, dtype=np.int64)
    index[sid * span + (month - low)] = np.arange(n)
    inside = use & (given >= low)
    found = np.full(n, -1, dtype=np.int64)
    found[inside] = index[sid[inside] * span + (given[inside] - low)]
    loc.first(use & (found < 0), msg("data_errors.cancelled_no_row"), CANCELLED_PERIOD_COLUMN)
    return np.where(use, found, booked)


def _row_spans(n: int, per_grid: int | None, pool: ThreadPoolExecutor | None) -> list[tuple[int, int]]:
    """Rows 0 to n in one contiguous range per core (whole series in a grid: its series lie one after the
    other), or one range when threads would cost more than they save."""
    if pool is None or n < _PARALLEL_MIN_ROWS:
        return [(0, n)]
    step = per_grid or 1
    whole = n // step
    cut = [whole * i // _WORKERS * step for i in range(_WORKERS)] + [n]
    return [(lo, hi) for lo, hi in zip(cut[:-1], cut[1:]) if hi > lo]


def _series(frame: pd.DataFrame, loc: _Locator, keys: dict[str, tuple[np.ndarray, int]], walked: bool) -> tuple:
    """Each row's month, and when something goes from month to month (``walked``) its series, their number,
    the grid's months (:func:`_grid`) and the blocks of months."""
    month = _months(frame, loc, keys["period"])
    if not walked:
        return month, None, 0, None, []
    sid = _series_codes(frame, keys)
    n_series = int(sid.max()) + 1
    per_grid = _grid(month, sid, n_series)
    return month, sid, n_series, per_grid, _month_blocks(month, sid, n_series, per_grid)
