"""Resolve a performance table once: facts, targets, team attainment, base and target bonus per row.

Every input problem is found here, in one pass, and reported with file, row, rep, period and column.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..data.numbers import _clip
from ..errors import DataError
from ..i18n.messages import msg, names_list
from ..plan import Plan

_KEY_COLUMNS = ("rep_id", "period", "scenario", "role", "team")


@dataclass
class _Columns:
    """The resolved input arrays of a set of rows (all rows, or one plan's rows)."""

    n: int
    facts: dict[str, np.ndarray]
    targets: dict[str, np.ndarray]      # the row's target (plan_<metric>, else its plan's)
    team_attainment: dict[str, np.ndarray]
    base: np.ndarray
    target_bonus: np.ndarray
    #: A component's money at 100 % per row, where it is not the plan's (a quarter's or a year-to-date
    #: opportunity, section 10 "Pay across months"); empty for a plan that pays each month on its own.
    money: dict[str, np.ndarray] = field(default_factory=dict)

    def take(self, rows: np.ndarray | slice) -> "_Columns":
        pick = lambda d: {k: v[rows] for k, v in d.items()}  # noqa: E731
        base = self.base[rows]
        return _Columns(len(base), pick(self.facts), pick(self.targets), pick(self.team_attainment),
                        base, self.target_bonus[rows], pick(self.money))

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
            message += msg("data_errors.more_rows", count=more)
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
        raise loc.error(msg("data_errors.bool_not_number"), int(np.flatnonzero(where)[0]) if where is not None
                        and where.any() else 0, column)
    first = int(np.flatnonzero(where)[0]) if where is not None and where.any() else 0
    if series.dtype.kind in "cmM":  # complex numbers, durations and dates are not amounts
        raise loc.error(msg("data_errors.cell_not_number", value=_clip(str(series.iloc[first]))), first, column)
    if series.dtype == object:
        odd = series.map(lambda v: isinstance(v, (complex, np.complexfloating, np.timedelta64, np.datetime64))
                         or type(v).__name__ in ("Timedelta", "Timestamp", "timedelta", "datetime", "date"))
        odd = odd.to_numpy(dtype=bool) & (where if where is not None else True)
        if odd.any():
            hit = int(np.argmax(odd))
            raise loc.error(msg("data_errors.cell_not_number", value=_clip(str(series.iloc[hit]))), hit, column,
                            more=int(odd.sum()) - 1)
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
            raise loc.error(msg("data_errors.cell_not_number", value=_clip(str(series.iloc[hits[0]]))), int(hits[0]), column,
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
            loc.first(np.isnan(values) & scope, msg("data_errors.empty_or_nan"),
                      column)
        loc.first(np.isinf(values) & scope, msg("data_errors.infinite"), column)
        loc.first((values < 0) & scope, msg("data_errors.negative_value"), column)
    return values


def _factorize_objects(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values)`` of an object array (same codes, same uniques), by object first.

    A key column repeats a few texts, and mostly the very same string objects (pandas' readers and
    ``np.tile`` reuse them). Factorizing the cells' addresses (integers: no string compared, the GIL
    released) and then the few distinct objects by value is several times faster than hashing a million
    strings, and holds the GIL far less while the numpy work runs beside it. Equal texts in different
    objects still get one code (the second step); a column of mostly distinct objects is factorized as is.
    """
    n = len(values)
    if n < 10_000:
        return pd.factorize(values, sort=False)
    values = np.ascontiguousarray(values)
    # The array's cells are object pointers: read them as integers (a view; ``values`` outlives it).
    address = np.frombuffer((ctypes.c_size_t * n).from_address(values.ctypes.data), dtype=np.uintp)
    by_object, objects = pd.factorize(address, sort=False)
    if len(objects) > n // 4:
        return pd.factorize(values, sort=False)
    first = np.empty(len(objects), dtype=np.int64)
    first[by_object[::-1]] = np.arange(n - 1, -1, -1)  # each object's first cell, in order of appearance
    by_value, uniques = pd.factorize(values[first], sort=False)
    return by_value[by_object], uniques


def _codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes of a key column (-1 for an empty cell) and the number of distinct values."""
    if column.dtype.kind in "iu" and len(column):
        # Whole numbers in a modest range (scenario numbers) are their own codes: no hashing.
        values = column.to_numpy()
        low, high = int(values.min()), int(values.max())
        if high - low < 4 * len(values) + 1024:
            return values.astype(np.int64) - low, high - low + 1
    values = column.to_numpy(dtype=object) if column.dtype.kind not in "iub" else column.to_numpy()
    codes, uniques = _factorize_objects(values) if values.dtype == object else pd.factorize(values, sort=False)
    codes = codes.astype(np.int64, copy=False)
    # Blank text is as empty as NaN; checked once per distinct value, not per row.
    blank = np.array([isinstance(u, str) and not u.strip() for u in uniques], dtype=bool)
    if blank.any():
        codes = np.where(blank[np.maximum(codes, 0)] & (codes >= 0), -1, codes)
    return codes, len(uniques)


def _combine(coded: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """One int64 code per distinct combination of already coded columns."""
    out = np.add(coded[0][0], 1, dtype=np.int64)  # then worked in place: one array for the whole table
    for codes, count in coded[1:]:
        out *= count + 1
        out += codes
        out += 1
    return out


def _check_keys(frame: pd.DataFrame, loc: _Locator,
                known: dict[str, tuple[np.ndarray, int]] | None = None) -> dict[str, tuple[np.ndarray, int]]:
    """Key columns present and filled, ``(scenario,) rep_id, period`` unique; returns their codes (``known``:
    the codes of some key columns, already worked out)."""
    coded: dict[str, tuple[np.ndarray, int]] = {}
    for col in ("scenario", "rep_id", "period"):
        if col not in frame.columns:
            if col == "scenario":
                continue
            raise loc.error(msg("data_errors.missing_key_column"), column=col)
        coded[col] = known[col] if known is not None and col in known else _codes(frame[col])
        loc.first(coded[col][0] < 0, msg("data_errors.empty_key_scenario" if "scenario" in coded
                                         else "data_errors.empty_key"), col)
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
        raise loc.error(msg("data_errors.duplicate_also", columns=", ".join(keys), row=loc.error("", first).row),
                        pos, "rep_id")
    return coded


def _resolve(plans: dict[Any, Plan], frame: pd.DataFrame, loc: _Locator,
             key_codes: Callable[[], dict[str, tuple[np.ndarray, int]]],
             row_plan: dict[Any, np.ndarray] | None = None) -> tuple[_Columns, dict[Any, np.ndarray]]:
    """Check the table against what the plans need and resolve every input array.

    ``key_codes`` returns the checked key columns' codes (it may still be running in another thread).
    ``row_plan`` (each plan's rows) is given when something other than the role picks a row's plan
    (plan versions over time); by default the role does.
    """
    n = len(frame)
    if row_plan is not None:
        pass
    elif None in plans:
        row_plan = {None: np.ones(n, bool)}
    else:
        if "role" not in frame.columns:
            raise loc.error(msg("data_errors.role_column", roles=names_list(plans)), column="role")
        roles = frame["role"].astype(str).where(frame["role"].notna(), None).to_numpy(dtype=object)
        known = np.isin(roles, np.array(list(plans), dtype=object))
        unknown = np.flatnonzero(~known)
        if unknown.size:
            raise loc.error(msg("data_errors.role_unknown", role=_clip(str(roles[unknown[0]])), roles=names_list(plans)),
                            int(unknown[0]), "role", more=unknown.size - 1)
        row_plan = {role: roles == role for role in plans}

    team_metrics = {m for p in plans.values() for c in p.components for m in c.team_metrics()}
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
                if metric not in team_metrics else msg("data_errors.team_component")
            raise loc.error(msg("data_errors.missing_metric", plan=user, metric=metric),
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
            loc.first(needs & (target == 0), msg("data_errors.target_zero", metric=metric), f"plan_{metric}")
        for role, plan in plans.items():
            loc.first(needs & np.isnan(target) & row_plan[role],
                      msg("data_errors.no_target_row" if plan_col else "data_errors.no_target_column", metric=metric,
                          plan=plan.name),
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

