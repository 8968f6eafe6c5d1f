"""Shared pieces of the plan model: problems with key paths, names, frozen mappings, numbers as written."""

from __future__ import annotations

import difflib
import math
import re
import reprlib
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import PlanError
from ..i18n.messages import msg

#: Column names a component may not take: they are input or output columns.
RESERVED_NAMES = frozenset({
    "rep_id", "period", "role", "team", "scenario", "base", "target_bonus",
    "cap_adjustment", "floor_adjustment", "variable", "total",
})
#: Scorecard weights must sum to 1 within this tolerance (contract section 5).
WEIGHT_TOLERANCE = 1e-9
#: The largest number a plan may hold (a trillion): beyond it an amount is a typo or an attack, and pay
#: computed from it could overflow or lose the kopecks (floats are exact to the kopeck below ~9e13).
MAX_PLAN_NUMBER = 1e12
#: The smallest positive target: below it a fact / target attainment can overflow to infinity.
MIN_TARGET = 1e-6
# Letters (any alphabet: a Cyrillic word is a fine name), digits and _, as section 5 says.
_NAME_RE = re.compile(r"^\w+$")
_METRIC_RE = _NAME_RE

Problems = list[tuple[str, str]]


# --------------------------------------------------------------------------- helpers

class FrozenMap(Mapping):
    """An immutable, hashable mapping (plan targets, scorecard KPIs, scheme plans)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping | None = None) -> None:
        object.__setattr__(self, "_data", dict(data or {}))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(tuple(self._data.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._data) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FrozenMap is immutable")

    def __reduce__(self):  # pickling (e.g. for multiprocessing) keeps it frozen
        return (FrozenMap, (self._data,))


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _is_numeric(value: Any) -> bool:
    """An int or float (never a bool: true/false is not a number in a plan), whatever its size."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _in_range(value: Any) -> bool:
    """Finite and within :data:`MAX_PLAN_NUMBER` (a 400-digit integer included, without overflowing)."""
    if isinstance(value, int):
        return abs(value) <= MAX_PLAN_NUMBER
    return math.isfinite(value) and abs(value) <= MAX_PLAN_NUMBER


def _is_number(value: Any) -> bool:
    return _is_numeric(value) and _in_range(value)


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 3, 6, 6, 60, 60
_REPR.maxlong = 30


def _fmt(value: Any) -> str:
    """A value as the user wrote it, shortened: a huge list or text is never rendered whole."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**16:
        return _REPR.repr(value)
    if isinstance(value, (int, float)):
        return str(value)
    return _REPR.repr(value)


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _raise(problems: Problems) -> None:
    if problems:
        raise PlanError(problems)


def _check_number(problems: Problems, path: str, value: Any, *, minimum: float | None = 0.0,
                  strict: bool = False, what: str = "") -> None:
    """Append a problem unless ``value`` is a finite number within bounds."""
    if _is_numeric(value) and not _in_range(value):
        problems.append((path, msg("errors.number_too_large", value=_fmt(value),
                                   limit=f"{MAX_PLAN_NUMBER:.0e}")))
    elif isinstance(value, str) and any(ch.isdigit() for ch in value):
        problems.append((path, msg("errors.number_is_text", value=_fmt(value))))
    elif not _is_number(value):
        problems.append((path, f"must be a number, got {_fmt(value)}"))
    elif what == "target" and 0 < value < MIN_TARGET:
        problems.append((path, msg("errors.target_too_small", value=_fmt(value), limit=f"{MIN_TARGET:g}")))
    elif minimum is not None and (value <= minimum if strict else value < minimum):
        sign = ">" if strict else ">="
        problems.append((path, f"{what or 'value'} must be {sign} {_fmt(minimum)}, got {_fmt(value)}"))


def _num_out(value: float | None) -> float | int | None:
    """Numbers as a person writes them in YAML: 50000, not 50000.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)

