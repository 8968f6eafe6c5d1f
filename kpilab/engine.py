"""The engine: a plan (or scheme) and a performance table in, the payout table out.

``evaluate`` turns a plan into array operations over every row at once (and
every scenario, when the table has a ``scenario`` column): curves are
``np.interp``/``np.searchsorted``, tiers are clipped bands, gates are boolean
masks, modifiers are multipliers, team attainment is a grouped sum broadcast
back to the rows. There is no per-row Python loop.

The order of evaluation is section 7 of the plan-format contract. The boundary
rule (when does an x "reach" a threshold t?) is written once, in
:func:`_reach_tolerance`, and every curve, tier and gate uses it.

This module never reads files, plots or prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError, PlanError
from .plan import AllOf, AnyOf, Bonus, Commission, Condition, Curve, Penalty, Plan, Scheme, Scorecard, TeamBonus

__all__ = ["evaluate", "Payouts", "Explanation", "curve_values", "round_money", "TOL_REL", "OUTPUT_TAIL"]

#: Relative tolerance of the boundary rule: x reaches t when x >= t - TOL_REL * max(1, |t|).
TOL_REL = 1e-9
#: The last columns of every payout table, in order (contract section 8).
OUTPUT_TAIL = ("cap_adjustment", "floor_adjustment", "variable", "total")
_KEY_COLUMNS = ("rep_id", "period", "scenario", "role", "team")

Note = Callable[[dict[str, Any]], None] | None


# --------------------------------------------------------------------------- the boundary rule

def _reach_tolerance(threshold: np.ndarray | float) -> np.ndarray | float:
    """How far below a threshold an x may fall and still count as reaching it.

    Floats cannot hold 0.7 or 1.1 exactly, so a rep exactly on plan may compute
    to 0.9999999999999999. One relative tolerance, used by every curve, tier
    and gate, makes "on the boundary" mean what a person means.
    """
    return TOL_REL * np.maximum(1.0, np.abs(threshold))


def curve_values(curve: Curve, x: Any) -> np.ndarray:
    """y = curve(x) for an array of x (contract section 3).

    Points: ``below`` under the first x, linear in between, the last y above
    the last x (or the last segment's slope continued with ``extend``).
    Steps: y of the largest xi reached; with ``closed: right`` y of the largest
    xi strictly passed.
    """
    x = np.asarray(x, dtype=float)
    xs = np.asarray(curve.xs)
    ys = np.asarray(curve.ys)
    tol = _reach_tolerance(xs)
    if curve.kind == "points":
        # A flat sliver [x0 - tol, x0] at y0 puts the boundary rule inside one np.interp call.
        y = np.interp(x, np.concatenate(([xs[0] - tol[0]], xs)), np.concatenate(([ys[0]], ys)),
                      left=curve.below)
        if curve.extend:
            slope = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
            y = np.where(x > xs[-1], ys[-1] + slope * (x - xs[-1]), y)
        return y
    # Steps: position 0 of the lookup is `below`, position i + 1 is band i.
    lookup = np.concatenate(([curve.below], ys))
    return lookup[step_band(curve, x) + 1]


def step_band(curve: Curve, x: Any) -> np.ndarray:
    """The band of a steps curve each x falls in: i for [xi, xi+1) ((xi, xi+1] with
    ``closed: right``), -1 below the first step; by the boundary rule."""
    xs = np.asarray(curve.xs)
    tol = _reach_tolerance(xs)
    if curve.closed == "right":
        return np.searchsorted(xs + tol, x, side="left") - 1  # largest i with x > xs[i]
    return np.searchsorted(xs - tol, x, side="right") - 1  # largest i with x >= xs[i]


# --------------------------------------------------------------------------- inputs

@dataclass
class _Columns:
    """The resolved input arrays of a set of rows (all rows, or one plan's rows)."""

    n: int
    facts: dict[str, np.ndarray]
    targets: dict[str, np.ndarray]      # the row's target (plan_<metric>, else its plan's)
    team_attainment: dict[str, np.ndarray]
    base: np.ndarray
    target_bonus: np.ndarray

    def take(self, rows: np.ndarray | slice) -> "_Columns":
        pick = lambda d: {k: v[rows] for k, v in d.items()}  # noqa: E731
        base = self.base[rows]
        return _Columns(len(base), pick(self.facts), pick(self.targets), pick(self.team_attainment),
                        base, self.target_bonus[rows])

    def attainment(self, metric: str) -> np.ndarray:
        return self.facts[metric] / self.targets[metric]

    def x(self, metric: str, basis: str) -> np.ndarray:
        return self.attainment(metric) if basis == "attainment" else self.facts[metric]


class _Locator:
    """Turns a row position into a DataError that names file, row, rep, period and column."""

    def __init__(self, frame: pd.DataFrame, source: str | None) -> None:
        self.frame = frame
        self.source = source if source is not None else frame.attrs.get("source")
        self.file_rows = frame.attrs.get("rows")  # load_team keeps each row's number in the file

    def error(self, message: str, position: int | None = None, column: str | None = None,
              more: int = 0) -> DataError:
        if more:
            message += f" ({more} more row{'s' if more > 1 else ''} like this)"
        if position is None:
            return DataError(message, file=self.source, column=column)
        row = self.frame.iloc[position]
        file_row = int(self.file_rows[position]) if self.file_rows is not None else position + 2
        return DataError(message, file=self.source, row=file_row,
                         rep=row.get("rep_id"), period=row.get("period"), column=column,
                         scenario=row.get("scenario") if "scenario" in self.frame.columns else None)

    def first(self, bad: np.ndarray, message: str, column: str) -> None:
        """Raise for the first True position of ``bad`` (if any)."""
        hits = np.flatnonzero(bad)
        if hits.size:
            raise self.error(message, int(hits[0]), column, more=hits.size - 1)


def _numeric(frame: pd.DataFrame, column: str, where: np.ndarray | None, loc: _Locator,
             optional: bool) -> np.ndarray:
    """A column as float64; text, NaN (unless optional) and negatives are errors."""
    series = frame[column]
    if pd.api.types.is_bool_dtype(series):
        raise loc.error("true/false is not a number", int(np.flatnonzero(where)[0]) if where is not None
                        and where.any() else 0, column)
    if not pd.api.types.is_numeric_dtype(series):
        # The slow path, for text columns only: a numeral stored as text is read, anything else is named.
        values = pd.to_numeric(series.where(~series.map(type).eq(bool).to_numpy(), "true/false"),
                               errors="coerce").to_numpy(dtype=float)
        text = np.isnan(values) & series.notna().to_numpy() & \
            ~series.astype(str).str.strip().isin(["", "nan", "NaN"]).to_numpy()
        if where is not None:
            text &= where
        hits = np.flatnonzero(text)
        if hits.size:
            raise loc.error(f"{str(series.iloc[hits[0]])!r} is not a number", int(hits[0]), column,
                            more=hits.size - 1)
    else:
        values = series.to_numpy(dtype=float)
    # One pass finds every bad cell (NaN, negative or infinite); the diagnosis runs only then.
    bad = ~(values >= 0) | (values == np.inf)
    if where is not None:
        bad &= where
    if optional:
        bad &= ~np.isnan(values)
    if bad.any():
        scope = np.ones(len(values), bool) if where is None else where
        if not optional:
            loc.first(np.isnan(values) & scope, "empty or NaN: a metric the plan uses needs a number in every row",
                      column)
        loc.first(np.isinf(values) & scope, "infinite value", column)
        loc.first((values < 0) & scope, "negative value: metrics and amounts must be >= 0", column)
    return values


def _codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes of a key column (-1 for an empty cell) and the number of distinct values."""
    if column.dtype.kind in "iu" and len(column):
        # Whole numbers in a modest range (scenario numbers) are their own codes: no hashing.
        values = column.to_numpy()
        low, high = int(values.min()), int(values.max())
        if high - low < 4 * len(values) + 1024:
            return values.astype(np.int64) - low, high - low + 1
    values = column.to_numpy(dtype=object) if column.dtype.kind not in "iub" else column.to_numpy()
    codes, uniques = pd.factorize(values, sort=False)
    codes = codes.astype(np.int64, copy=False)
    # Blank text is as empty as NaN; checked once per distinct value, not per row.
    blank = np.array([isinstance(u, str) and not u.strip() for u in uniques], dtype=bool)
    if blank.any():
        codes = np.where(blank[np.maximum(codes, 0)] & (codes >= 0), -1, codes)
    return codes, len(uniques)


def _combine(coded: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """One int64 code per distinct combination of already coded columns."""
    out = np.zeros(len(coded[0][0]), dtype=np.int64)
    for codes, count in coded:
        out = out * (count + 1) + (codes + 1)
    return out


def _check_keys(frame: pd.DataFrame, loc: _Locator) -> dict[str, tuple[np.ndarray, int]]:
    """Key columns present and filled, ``(scenario,) rep_id, period`` unique; returns their codes."""
    coded: dict[str, tuple[np.ndarray, int]] = {}
    for col in ("scenario", "rep_id", "period"):
        if col not in frame.columns:
            if col == "scenario":
                continue
            raise loc.error("missing required column", column=col)
        coded[col] = _codes(frame[col])
        loc.first(coded[col][0] < 0, "empty key: every row needs a rep_id and a period"
                  + (" and a scenario" if "scenario" in coded else ""), col)
    keys = list(coded)
    combined = _combine(list(coded.values()))
    key_space = int(np.prod([count + 1 for _, count in coded.values()], dtype=float))
    if key_space <= 8 * len(combined) + 4096:  # counting beats hashing when keys are dense
        seen = np.bincount(combined, minlength=key_space)
        dup = np.zeros(len(combined), bool) if seen.max(initial=0) <= 1 else \
            pd.Series(combined).duplicated(keep="first").to_numpy()
    else:
        dup = pd.Series(combined).duplicated(keep="first").to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero(combined == combined[pos])[0])
        raise loc.error(f"duplicate ({', '.join(keys)}): the same key is also on row "
                        f"{loc.error('', first).row}", pos, "rep_id")
    return coded


def _resolve(plans: dict[Any, Plan], frame: pd.DataFrame, loc: _Locator,
             key_codes: Callable[[], dict[str, tuple[np.ndarray, int]]]) -> tuple[_Columns, dict[Any, np.ndarray]]:
    """Check the table against what the plans need and resolve every input array.

    ``key_codes`` returns the checked key columns' codes (it may still be running in another thread).
    """
    n = len(frame)
    if None in plans:
        row_plan = {None: np.ones(n, bool)}
    else:
        if "role" not in frame.columns:
            raise loc.error(f"a scheme needs a role column (one of {', '.join(map(str, plans))})", column="role")
        roles = frame["role"].astype(str).where(frame["role"].notna(), None).to_numpy(dtype=object)
        known = np.isin(roles, np.array(list(plans), dtype=object))
        unknown = np.flatnonzero(~known)
        if unknown.size:
            raise loc.error(f"role {roles[unknown[0]]!r} is not in the scheme (roles: {', '.join(map(str, plans))})",
                            int(unknown[0]), "role", more=unknown.size - 1)
        row_plan = {role: roles == role for role in plans}

    team_metrics = {c.metric for p in plans.values() for c in p.components if isinstance(c, TeamBonus)}
    # Which rows read each metric: its plan's rows, or every row for a team metric (all roles count).
    need_rows: dict[str, np.ndarray] = {}
    for role, plan in plans.items():
        for metric in plan.metrics_needed():
            need_rows[metric] = need_rows.get(metric, np.zeros(n, bool)) | row_plan[role]
    for metric in team_metrics:
        need_rows[metric] = np.ones(n, bool)
    facts: dict[str, np.ndarray] = {}
    for metric in sorted(need_rows):
        rows = need_rows[metric]
        if not rows.any():
            continue
        if metric not in frame.columns:
            user = next(p.name for r, p in plans.items() if metric in p.metrics_needed() and row_plan[r].any()) \
                if metric not in team_metrics else "the team component"
            raise loc.error(f"missing column: plan '{user}' uses metric '{metric}'",
                            int(np.flatnonzero(rows)[0]), metric)
        facts[metric] = _numeric(frame, metric, rows, loc, optional=False)

    def override(column: str, default_by_plan: Callable[[Plan], float | None]) -> np.ndarray:
        out = np.full(n, np.nan)
        for role, plan in plans.items():
            value = default_by_plan(plan)
            if value is not None:
                out[row_plan[role]] = value
        if column in frame.columns:
            given = _numeric(frame, column, None, loc, optional=True)
            out = np.where(np.isnan(given), out, given)
        return out

    base = override("base", lambda p: p.base)
    target_bonus = override("target_bonus", lambda p: p.target_bonus)

    targets: dict[str, np.ndarray] = {}
    for metric in sorted(set().union(*(p.attainment_metrics() for p in plans.values())) | team_metrics):
        target = override(f"plan_{metric}", lambda p, m=metric: p.targets.get(m))
        plan_col = f"plan_{metric}" in frame.columns
        # Rows that read this metric's attainment; a team metric needs every row's target.
        needs = np.ones(n, bool) if metric in team_metrics else np.logical_or.reduce(
            [row_plan[r] for r, p in plans.items() if metric in p.attainment_metrics()] or [np.zeros(n, bool)])
        if plan_col:
            loc.first(needs & (target == 0), f"target for '{metric}' must be > 0", f"plan_{metric}")
        for role, plan in plans.items():
            where = f" and no plan_{metric} value in this row" if plan_col else f" and no plan_{metric} column"
            loc.first(needs & np.isnan(target) & row_plan[role],
                      f"no target for metric '{metric}': plan '{plan.name}' has no targets.{metric}{where}",
                      f"plan_{metric}" if plan_col else metric)
        targets[metric] = target

    team_attainment: dict[str, np.ndarray] = {}
    if team_metrics:
        known = key_codes()
        coded = [known.get(c) or _codes(frame[c]) for c in ("scenario", "team", "period") if c in frame.columns]
        _, group = np.unique(_combine(coded), return_inverse=True)
        for metric in sorted(team_metrics):
            fact_sum = np.bincount(group, weights=facts[metric])
            target_sum = np.bincount(group, weights=targets[metric])
            team_attainment[metric] = (fact_sum / target_sum)[group]
    cols = _Columns(n, facts, targets, team_attainment, base, target_bonus)
    return cols, row_plan


# --------------------------------------------------------------------------- components

def _amount(comp: Any, cols: _Columns) -> np.ndarray:
    """The component's money at 100 %: ``amount``, or ``share`` × the row's target bonus."""
    return np.full(cols.n, comp.amount) if comp.amount is not None else comp.share * cols.target_bonus


def _curve_pay(comp: Bonus | TeamBonus, cols: _Columns, x: np.ndarray, note: Note) -> np.ndarray:
    """amount × curve(x): the shared arithmetic of a bonus and a team bonus."""
    factor = curve_values(comp.curve, x)
    amount = _amount(comp, cols)
    if note:
        note({"x": x, "factor": factor, "amount": amount})
    return amount * factor


def _pay_bonus(comp: Bonus, cols: _Columns, note: Note) -> np.ndarray:
    return _curve_pay(comp, cols, cols.x(comp.metric, comp.basis), note)


def _pay_scorecard(comp: Scorecard, cols: _Columns, note: Note) -> np.ndarray:
    index = np.zeros(cols.n)
    lines = []
    for kpi in comp.kpis:
        x = cols.x(kpi.metric, kpi.basis)
        factor = curve_values(kpi.curve, x)
        index += kpi.weight * factor
        lines.append((kpi, x, factor))
    paid_index = index if comp.index_curve is None else curve_values(comp.index_curve, index)
    amount = _amount(comp, cols)
    if note:
        note({"kpis": lines, "index": index, "paid_index": paid_index, "amount": amount})
    return amount * paid_index


def _tier_starts(comp: Commission, cols: _Columns) -> np.ndarray:
    """Tier starts as amounts, shape (rows, tiers): ``from`` or ``from × target``."""
    starts = np.array([t.start for t in comp.tiers])
    if comp.tiers_on == "attainment":
        return cols.targets[comp.metric][:, None] * starts[None, :]
    return np.broadcast_to(starts, (cols.n, len(starts)))


def _pay_commission(comp: Commission, cols: _Columns, note: Note) -> np.ndarray:
    value = cols.facts[comp.metric]
    detail: dict[str, Any] = {"value": value}
    if comp.rate is not None:
        pay = value * comp.rate
    else:
        rates = np.array([t.rate for t in comp.tiers])
        starts = _tier_starts(comp, cols)
        if comp.method == "marginal":
            widths = np.diff(starts, axis=1, append=np.inf)
            slices = np.clip(value[:, None] - starts, 0.0, widths)
            pay = slices @ rates
            detail["slices"] = slices
        else:
            # The band is decided where the contract states it (attainment or value), by the boundary rule.
            x = cols.attainment(comp.metric) if comp.tiers_on == "attainment" else value
            froms = np.array([t.start for t in comp.tiers])
            band = np.searchsorted(froms - _reach_tolerance(froms), x, side="right") - 1
            pay = np.where(band < 0, 0.0, rates[np.maximum(band, 0)] * value)
            detail["band"] = band
        detail["starts"] = starts
    if comp.cap is not None:
        detail["uncapped"] = pay
        pay = np.minimum(pay, comp.cap)
    if note:
        note(detail)
    return pay


def _pay_team(comp: TeamBonus, cols: _Columns, note: Note) -> np.ndarray:
    return _curve_pay(comp, cols, cols.team_attainment[comp.metric], note)


def _pay_penalty(comp: Penalty, cols: _Columns, note: Note) -> np.ndarray:
    units = cols.facts[comp.metric]
    charged = np.maximum(0.0, units - comp.free)
    deduction = comp.per_unit * charged
    if comp.cap is not None:
        deduction = np.minimum(deduction, comp.cap)
    if note:
        note({"units": units, "charged": charged, "deduction": deduction})
    return -deduction


_PAY: dict[type, Callable[[Any, _Columns, Note], np.ndarray]] = {
    Bonus: _pay_bonus, Scorecard: _pay_scorecard, Commission: _pay_commission,
    TeamBonus: _pay_team, Penalty: _pay_penalty,
}


def _condition(cond: Any, cols: _Columns) -> np.ndarray:
    """Where a gate condition holds; every branch is evaluated (and so checked)."""
    if isinstance(cond, Condition):
        t = cond.threshold
        if cond.op == "attainment_at_least":
            return cols.attainment(cond.metric) >= t - _reach_tolerance(t)
        value = cols.facts[cond.metric]
        if cond.op == "at_least":
            return value >= t - _reach_tolerance(t)
        return value <= t + _reach_tolerance(t)
    parts = [_condition(c, cols) for c in cond.conditions]
    if isinstance(cond, AnyOf):
        return np.logical_or.reduce(parts)
    return np.logical_and.reduce(parts)


def _applies(names: tuple[str, ...] | str, plan: Plan) -> list[str]:
    if names == "all":
        return [c.name for c in plan.components if c.kind != "penalty"]
    return list(names)


def _plan_pay(plan: Plan, cols: _Columns, trace: list[dict[str, Any]] | None = None) -> dict[str, np.ndarray]:
    """Section 7 for every row of ``cols`` under one plan; ``trace`` collects the steps of an explanation."""
    def noter(step: str, **fixed: Any) -> Note:
        if trace is None:
            return None
        return lambda detail: trace.append({"step": step, **fixed, **detail})

    pay: dict[str, np.ndarray] = {}
    for comp in plan.components:
        pay[comp.name] = _PAY[type(comp)](comp, cols, noter("component", component=comp))
    for gate in plan.gates:
        passed = _condition(gate.when, cols)
        names = _applies(gate.applies_to, plan)
        if trace is not None:
            trace.append({"step": "gate", "gate": gate, "passed": passed, "names": names,
                          "before": {n: pay[n].copy() for n in names}})
        for name in names:  # every pay array is this row block's own: zero it in place
            np.copyto(pay[name], 0.0, where=~passed)
    for mod in plan.modifiers:
        x = cols.x(mod.metric, mod.basis)
        factor = curve_values(mod.curve, x)
        names = _applies(mod.applies_to, plan)
        if trace is not None:
            trace.append({"step": "modifier", "modifier": mod, "x": x, "factor": factor, "names": names})
        for name in names:
            pay[name] *= factor
    penalties = set(plan.penalty_names)
    earned = np.zeros(cols.n)
    for name, value in pay.items():
        if name not in penalties:
            earned += value
    cap = None
    if plan.limits.variable_cap is not None:
        cap = np.full(cols.n, plan.limits.variable_cap)
    elif plan.limits.variable_cap_share is not None:
        cap = plan.limits.variable_cap_share * cols.target_bonus
    cap_adjustment = np.zeros(cols.n) if cap is None else np.minimum(0.0, cap - earned)
    penalty_sum = np.zeros(cols.n)
    for name in penalties:
        penalty_sum += pay[name]
    before_floor = cols.base + earned
    before_floor += cap_adjustment
    before_floor += penalty_sum
    floor = plan.limits.floor
    if floor is None:
        floor_level = None
        floor_adjustment = np.zeros(cols.n)
    else:
        floor_level = cols.base if floor == "base" else np.full(cols.n, float(floor))
        floor_adjustment = np.maximum(0.0, floor_level - before_floor)
    total = before_floor + floor_adjustment
    if trace is not None:
        trace.append({"step": "limits", "earned": earned, "cap": cap, "cap_adjustment": cap_adjustment,
                      "penalties": penalty_sum, "before_floor": before_floor, "floor": floor_level,
                      "floor_adjustment": floor_adjustment, "total": total})
    return {"base": cols.base, **pay, "cap_adjustment": cap_adjustment, "floor_adjustment": floor_adjustment,
            "variable": total - cols.base, "total": total}


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


# --------------------------------------------------------------------------- money

def round_money(values: Any) -> np.ndarray:
    """Round to kopecks/cents, half away from zero.

    The value is first cleaned to 1e-6 of a kopeck, so 1.005 computed as
    1.00499999999999989 still rounds to 1.01, as a person would round it.
    """
    cents = np.round(np.asarray(values, dtype=float) * 100.0, 6)
    return np.sign(cents) * np.floor(np.abs(cents) + 0.5) / 100.0


def _round_parts(table: pd.DataFrame, parts: list[str]) -> pd.DataFrame:
    """Round every money column; the rounded parts add up to the rounded total.

    Any difference (a kopeck or two) goes to the part with the largest absolute
    value other than ``base``; ``variable`` is then rounded total − rounded base.
    """
    out = table.copy()
    money = parts + ["variable", "total"]
    for col in money:
        out[col] = round_money(table[col].to_numpy(dtype=float))
    adjustable = [c for c in parts if c != "base"]
    kopecks = np.rint(out[parts].to_numpy(dtype=float) * 100.0)  # NaN = a scheme plan lacks the component
    total_k = np.rint(out["total"].to_numpy(dtype=float) * 100.0)
    gap = total_k - np.nansum(kopecks, axis=1)
    if adjustable and np.any(gap != 0):
        adj = out[adjustable].to_numpy(dtype=float)
        target = np.argmax(np.nan_to_num(np.abs(adj), nan=-1.0), axis=1)
        rows = np.flatnonzero(gap != 0)
        for_adj = adj.copy()
        for_adj[rows, target[rows]] = np.nan_to_num(for_adj[rows, target[rows]]) + gap[rows] / 100.0
        for i, col in enumerate(adjustable):
            out[col] = np.round(for_adj[:, i], 2)
    out["variable"] = np.round(out["total"] - out["base"], 2)
    return out


# --------------------------------------------------------------------------- results

@dataclass(frozen=True, eq=False)
class Explanation:
    """Why one rep got this pay in one period: as text and as a table.

    ``table`` has one line per step (``step``, ``item``, ``detail``,
    ``amount``); the amounts are the same numbers the payout table holds.
    """

    rep_id: str
    period: str
    text: str
    table: pd.DataFrame

    def __str__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython shows the statement
        printer.text(self.text)

    def to_frame(self) -> pd.DataFrame:
        return self.table


@dataclass(frozen=True, eq=False)
class Payouts:
    """The result of :func:`evaluate`.

    Attributes
    ----------
    table
        The payout table of contract section 8, unrounded floats, one row per
        input row in input order.
    plan
        The plan or scheme evaluated.
    inputs
        The performance table as given.
    target_bonus
        Each row's target bonus (the plan's, or the row's override).
    component_names, penalty_names
        The component columns of ``table`` and which of them are penalties.
    """

    table: pd.DataFrame
    plan: Plan | Scheme
    inputs: pd.DataFrame
    target_bonus: np.ndarray
    component_names: list[str]
    penalty_names: list[str]
    _cols: _Columns = field(repr=False)
    _row_plan: dict[Any, np.ndarray] = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The payout table (same as :attr:`table`)."""
        return self.table

    def __len__(self) -> int:
        return len(self.table)

    def _repr_html_(self) -> str:
        return self.rounded().head(20)._repr_html_()

    def rounded(self) -> pd.DataFrame:
        """The table rounded to kopecks, with the parts adding up to the total (section 8)."""
        parts = ["base", *self.component_names, "cap_adjustment", "floor_adjustment"]
        return _round_parts(self.table, parts)

    def to_csv(self, path_or_buf: Any = None) -> str | None:
        """Write the rounded table as CSV (``None``: return the text).

        Text cells a spreadsheet would run as a formula (``=``, ``+``, ``-``,
        ``@``, tab, CR first) get a leading ``'`` (see :mod:`kpilab.spreadsheet_safe`).
        """
        from .spreadsheet_safe import csv_safe_frame

        return csv_safe_frame(self.rounded()).to_csv(path_or_buf, index=False, float_format="%.2f")

    def summary(self) -> pd.DataFrame:
        """Pay per rep over all periods (and scenarios): base, variable, total, mean total."""
        keys = ["rep_id"]
        grouped = self.table.groupby(keys, sort=False)[["base", "variable", "total"]]
        out = grouped.sum()
        out["mean_total"] = grouped["total"].mean()
        return out

    def position(self, rep_id: Any, period: Any, scenario: Any = None) -> int:
        """The row position of ``(scenario,) rep_id, period`` in the table."""
        t = self.table
        mask = (t["rep_id"].astype(str) == str(rep_id)) & (t["period"].astype(str) == str(period))
        if "scenario" in t.columns:
            if scenario is None:
                scenario = t["scenario"].iloc[0]
            mask &= t["scenario"].astype(str) == str(scenario)
        hits = np.flatnonzero(mask.to_numpy())
        if hits.size == 0:
            raise KeyError(f"no row for rep {rep_id}, period {period}"
                           + (f", scenario {scenario}" if "scenario" in t.columns else ""))
        return int(hits[0])

    def explain(self, rep_id: Any, period: Any, scenario: Any = None) -> Explanation:
        """A line-by-line statement of why this rep got this pay in this period.

        The statement re-runs the same functions as :func:`evaluate` on this one
        row and reports every intermediate value: attainment per metric, the
        curve band or tier used, each gate, modifier, cap, penalty and the
        floor. Its amounts equal the payout table's.
        """
        from .explain import build_explanation  # text layout lives apart from the arithmetic

        pos = self.position(rep_id, period, scenario)
        role = next(r for r, rows in self._row_plan.items() if rows[pos])
        plan = self.plan if isinstance(self.plan, Plan) else self.plan.plans()[role]
        trace: list[dict[str, Any]] = []
        one = _plan_pay(plan, self._cols.take(slice(pos, pos + 1)), trace)
        return build_explanation(plan, self.table.iloc[pos], self._cols.take(slice(pos, pos + 1)), trace, one)


def _empty_payouts(plan: Plan | Scheme, frame: pd.DataFrame, loc: _Locator) -> Payouts:
    """No rows in, no rows out: the payout table's columns, empty (a filter that matched nothing)."""
    for col in ("rep_id", "period"):
        if col not in frame.columns:
            raise loc.error("missing required column", column=col)
    keys = {c: frame[c].reset_index(drop=True) for c in _KEY_COLUMNS if c in frame.columns}
    money = {c: np.zeros(0) for c in ["base", *plan.component_names, *OUTPUT_TAIL]}
    empty = np.zeros(0)
    cols = _Columns(0, {}, {}, {}, empty, empty)
    return Payouts(pd.DataFrame({**keys, **money}), plan, frame, empty, list(plan.component_names),
                   list(plan.penalty_names), cols, {r: np.zeros(0, bool) for r in plan.plans()})


def evaluate(plan: Plan | Scheme | Mapping[str, Any], performance: pd.DataFrame, *,
             source: str | None = None) -> Payouts:
    """Pay every rep in every period (and scenario) under a plan or a scheme.

    Parameters
    ----------
    plan
        A :class:`~kpilab.plan.Plan`, a :class:`~kpilab.plan.Scheme`, or a
        plan-format mapping.
    performance
        One row per rep per period (contract section 1); an optional
        ``scenario`` column evaluates many simulated years in the same pass.
    source
        A file name for error messages (default: ``performance.attrs["source"]``).

    Returns
    -------
    Payouts
        ``.table`` is the payout table (section 8), unrounded.

    Raises
    ------
    DataError
        A missing, empty, non-numeric or negative metric, a duplicate key, a
        missing target, or a role the scheme lacks, naming file, row, rep,
        period and column.
    """
    if isinstance(plan, Mapping):
        from .plan import load_plan

        plan = load_plan(plan)
    if not isinstance(plan, (Plan, Scheme)):
        raise TypeError(f"evaluate() needs a Plan or Scheme, got {type(plan).__name__}")
    if not isinstance(performance, pd.DataFrame):
        raise TypeError(f"evaluate() needs a pandas DataFrame, got {type(performance).__name__}")
    frame = performance
    loc = _Locator(frame, source)
    if len(frame) == 0:
        return _empty_payouts(plan, frame, loc)
    plans = plan.plans()
    names = plan.component_names
    n = len(frame)
    with _pool(n) as pool:
        # The key check (hashing strings, GIL-bound) overlaps the numpy work (GIL released).
        keys = pool.submit(_check_keys, frame, loc) if pool else _Done(_check_keys, frame, loc)
        try:
            cols, row_plan = _resolve(plans, frame, loc, keys.result)
            result = _plan_pay_chunked(plan, cols, pool) if isinstance(plan, Plan) else None
        except DataError:
            keys.result()  # a key problem is reported first, as in a sequential check
            raise
        keys.result()
    if result is None:
        result = {c: np.full(n, np.nan) for c in ["base", *names, *OUTPUT_TAIL]}
        for role, p in plans.items():
            rows = np.flatnonzero(row_plan[role])
            if rows.size == 0:
                continue
            part = _plan_pay(p, cols.take(rows))
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
