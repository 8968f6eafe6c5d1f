"""Months, series and the carried state of the period pass (one array slot per (scenario, rep) series)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ...data.numbers import _clip
from ...i18n.messages import msg
from ..resolve import _Columns, _combine, _Locator, _numeric

if TYPE_CHECKING:
    from .aggregation import _Internal

#: The money columns the carried mechanics add (parts of the total), in the order they apply.
CARRIED_PARTS = ("ramp_guarantee", "sanction_cut", "holdback", "clawback", "draw_adjustment")
#: The balances carried to the next month (not parts of the total).
BALANCES = ("holdback_balance", "clawback_balance", "draw_balance")

_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
_SCOPE_LEN = {"quarter": 3, "year": 12}

# --------------------------------------------------------------------------- months and series

def _months(frame: pd.DataFrame, loc: _Locator, coded: tuple[np.ndarray, int]) -> np.ndarray:
    """Each row's month as one integer (year × 12 + month − 1); a label that is no YYYY-MM is an error.

    ``coded`` is the period column's codes from the key check: each distinct label is read once.
    """
    codes, count = coded
    first = np.full(count, -1, dtype=np.int64)
    head = codes[:4096]  # most tables name every month in their first rows: no pass over the whole table
    first[head[::-1]] = np.arange(len(head))[::-1]
    if (first < 0).any():
        first[codes[::-1]] = np.arange(len(codes))[::-1]
    values = np.zeros(count, dtype=np.int64)
    labels = frame["period"].to_numpy(dtype=object)
    for i in np.flatnonzero(first >= 0):
        label = str(labels[first[i]])
        hit = _MONTH_RE.match(label)
        if hit is None or not 1 <= int(hit.group(2)) <= 12:
            raise loc.error(msg("data_errors.period_not_month", label=_clip(label)), int(first[i]), "period")
        values[i] = int(hit.group(1)) * 12 + int(hit.group(2)) - 1
    return values[codes]


def _per_month(rule: Any, month: Any) -> Any:
    """``rule(month)``; for many rows, worked out once per month of their span and looked up."""
    if np.ndim(month) == 0 or len(month) < 4096:
        return rule(month)
    low, high = int(month.min()), int(month.max())
    return np.asarray(rule(np.arange(low, high + 1)))[month - low]


def _series_codes(frame: pd.DataFrame, keys: dict[str, tuple[np.ndarray, int]]) -> np.ndarray:
    """One integer per (scenario, rep), numbered in order of first appearance: the index of its carried state."""
    coded = [keys[c] for c in ("scenario", "rep_id") if c in keys]
    combined = _combine(coded)
    n = len(combined)
    if n > 1 and (combined[1:] >= combined[:-1]).all():  # rows sorted by series: number each run, no scatter
        step = combined[1:] != combined[:-1]
        np.cumsum(step, out=combined[1:])  # (the codes are read for the last time above)
        combined[0] = 0
        return combined
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
    """The number of months M when the table is a grid (each series' rows together, the same months in the
    same increasing order for every series, the last series perhaps cut short), else None. A grid's month j
    is rows j, j + M, j + 2M, ...: a view; its series are the first ``len(range(j, n, M))``."""
    n = len(month)
    if n == 0 or sid[0] != 0:
        return None
    other = sid != 0
    m = int(np.argmax(other)) if other.any() else n
    if m == n:
        return m if n_series == 1 and (np.diff(month) > 0).all() else None
    if -(-n // m) != n_series or not (np.diff(month[:m]) > 0).all():
        return None
    full = n // m
    ss, mm = sid[: full * m].reshape(full, m), month[: full * m].reshape(full, m)
    if not (ss[:, 0] == np.arange(full)).all():
        return None  # (cheap checks first: most tables that are no grid fail here)
    if not (ss == ss[:, :1]).all() or not (mm == mm[:1]).all():
        return None
    tail = n - full * m
    if tail and (not (sid[full * m:] == full).all() or not (month[full * m:] == month[:tail]).all()):
        return None
    return m


def _optional(frame: pd.DataFrame, column: str, loc: _Locator, default: float) -> np.ndarray | None:
    """An optional number column (``default`` where empty), or None when absent."""
    if column not in frame.columns:
        return None
    values = _numeric(frame, column, None, loc, optional=True)
    empty = np.isnan(values)
    return np.where(empty, default, values) if empty.any() else values  # (read only: no copy needed)



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

    __slots__ = ("_keys", "arrays")

    def __init__(self, keys: pd.DataFrame | Callable[[], pd.DataFrame], arrays: Mapping[str, np.ndarray]) -> None:
        self._keys = keys  # or how to read them off the table, when first asked (most evaluations never ask)
        self.arrays = arrays

    @property
    def keys(self) -> pd.DataFrame:
        if callable(self._keys):
            self._keys = self._keys()
        return self._keys

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
        raise ValueError(msg("api_errors.periods_carried_keys",
                             carried_keys_columns=', '.join(carried.keys.columns), cols=', '.join(cols)))
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
    part: int = -1  # a grid's block of series (its blocks touch no other series), -1 in any other table


def _series_groups(blocks: list[_Month], k: int) -> list[list[_Month]]:
    """A grid's blocks in ``k`` groups of whole series blocks (each group's series apart from the others', its
    months still in order): one group per core. Any other table: one group."""
    if k < 2 or not blocks or any(blk.part < 0 for blk in blocks):
        return [blocks]
    parts = blocks[-1].part + 1
    cut = [parts * i // k for i in range(k + 1)]
    groups = [[blk for blk in blocks if lo <= blk.part < hi] for lo, hi in zip(cut[:-1], cut[1:])]
    return [g for g in groups if g]


def _on_cores(work: Any, groups: list[list[Any]], pool: Any) -> None:
    """``work(group)`` for each group, one thread per group when there are several (their series apart)."""
    if len(groups) > 1:
        list(pool.map(work, groups))
    else:
        work(groups[0])


#: Rows of one month handled at once. A block's temporaries (64 KiB) stay under glibc's mmap threshold and in
#: the core's cache: a month of 83,000 series in one piece made every temporary a fresh mapping whose page
#: faults cost more than its arithmetic (most of the carried mechanics' time was system time).
_BLOCK = 8192


#: Series walked together in a grid table: a block of every month of 4096 series is 384 KiB per column.
_GRID_BLOCK = 4096


def _month_blocks(month: np.ndarray, sid: np.ndarray, n_series: int, per_grid: int | None) -> list[_Month]:
    """Each month's rows in blocks of at most :data:`_BLOCK` rows; each series meets its months in increasing
    order (the blocks of one month touch distinct series, so their order within the month does not matter,
    and a grid's blocks go series block by series block). ``per_grid``: :func:`_grid`'s answer."""
    n = len(month)
    out = []
    if per_grid is not None:
        # series block by series block, each block's months in order: the series are independent, and a block's
        # rows (every month of _GRID_BLOCK series) stay in the core's cache while its months are walked
        for a in range(0, n_series, _GRID_BLOCK):
            b = min(a + _GRID_BLOCK, n_series)
            for j in range(per_grid):
                last = min(b, len(range(j, n, per_grid)))  # a last series cut short misses the last months
                if last > a:
                    out.append(_Month(int(month[j]), slice(j + a * per_grid, j + last * per_grid, per_grid),
                                      slice(a, last), a // _GRID_BLOCK))
        return out
    low = int(month.min())
    offset = month - low
    span = int(offset.max()) + 1
    # a few dozen months: a stable sort of small integers (a radix sort) puts each month's rows together
    order = np.argsort(offset.astype(np.uint16) if span < 2**16 else offset, kind="stable")
    ends = np.cumsum(np.bincount(offset, minlength=span))
    lo = 0
    for k in np.flatnonzero(np.diff(ends, prepend=0)):
        hi = int(ends[k])
        rows = order[lo:hi]
        s = sid[rows]
        full = hi - lo == n_series and bool((s == np.arange(n_series)).all())
        for a in range(0, hi - lo, _BLOCK):
            b = min(a + _BLOCK, hi - lo)
            out.append(_Month(int(k) + low, rows[a:b], slice(a, b) if full else s[a:b]))
        lo = hi
    return out

