"""Shared pieces of the plan model: problems with key paths, names, frozen mappings, numbers as written."""

from __future__ import annotations

import difflib
import math
import re
import reprlib
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import PlanError
from ..i18n import fmt_number, has_text
from ..i18n.messages import message_lang, msg, number_word

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
    """A value as the user wrote it, shortened: a huge list or text is never rendered whole.

    In English a text shows as Python writes it (``'lots'``); in any other language of messages as the
    plan file holds it, in the language's quotes and without Python's (``«lots»``, ``«[1, lots]»``).
    """
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**16:
        return _REPR.repr(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value) if message_lang() == "en" or math.isfinite(value) else number_word(value)
    if message_lang() == "en":
        return str(value) if isinstance(value, bool) else _REPR.repr(value)
    return msg("plan_errors.quoted", value=_as_written(value))


def _as_written(value: Any) -> str:
    """``value`` as YAML would show it, shortened, with no Python quotes or ``None``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, (int, float)):
        return _REPR.repr(value) if abs(value) >= 10**16 else str(value)
    if isinstance(value, str):
        return value if len(value) <= 60 else value[:57] + "..."
    if isinstance(value, Mapping):
        items = list(value.items())
        body = ", ".join(f"{_as_written(k)}: {_as_written(v)}" for k, v in items[:6])
        return "{" + body + (", ..." if len(items) > 6 else "") + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        body = ", ".join(_as_written(v) for v in items[:6])
        return "[" + body + (", ..." if len(items) > 6 else "") + "]"
    return _REPR.repr(value)


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return msg("plan_errors.did_you_mean", name=close[0]) if close else ""


def _raise(problems: Problems) -> None:
    if problems:
        raise PlanError(problems)


def _check_number(problems: Problems, path: str, value: Any, *, minimum: float | None = 0.0,
                  strict: bool = False, what: str = "") -> None:
    """Append a problem unless ``value`` is a finite number within bounds."""
    if _is_numeric(value) and not _in_range(value):
        problems.append((path, msg("errors.number_too_large", value=_fmt(value),
                                   limit=f"{MAX_PLAN_NUMBER:.0e}" if message_lang() == "en"
                                   else fmt_number(MAX_PLAN_NUMBER, message_lang(), 0))))
    elif isinstance(value, str) and any(ch.isdigit() for ch in value):
        problems.append((path, msg("errors.number_is_text", value=_fmt(value))))
    elif not _is_number(value):
        problems.append((path, msg("plan_errors.not_a_number", value=_fmt(value))))
    elif what == "target" and 0 < value < MIN_TARGET:
        problems.append((path, msg("errors.target_too_small", value=_fmt(value),
                                   limit=f"{MIN_TARGET:g}" if message_lang() == "en"
                                   else fmt_number(MIN_TARGET, message_lang(), 6))))
    elif minimum is not None and (value <= minimum if strict else value < minimum):
        key = "plan_errors.field_" + (what or "value").replace(" ", "_")
        field = msg(key) if has_text(key) else what  # a kind registered outside kpilab names its own field
        problems.append((path, msg("plan_errors.above" if strict else "plan_errors.at_least", what=field,
                                   minimum=_fmt(minimum), value=_fmt(value))))


def _num_out(value: float | None) -> float | int | None:
    """Numbers as a person writes them in YAML: 50000, not 50000.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)



def _check_keys(data: Mapping, allowed: set[str] | frozenset[str], path: str, problems: Problems) -> None:
    """Append a problem (with a "did you mean") for every key of ``data`` not in ``allowed``."""
    for key in data:
        if key not in allowed:
            if key is True or key == "on":  # YAML 1.1 reads a bare `on` as true
                problems.append((_join(path, "on"), msg("plan_errors.key_on")))
                continue
            problems.append((_join(path, str(key)), msg("plan_errors.unknown_key", name=key,
                                                        suggestion=_suggest(key, allowed))))


def _reroot(sub: str, path: str) -> str:
    """A problem's key path ``sub`` (relative to a part) as seen from ``path``, where the part sits."""
    if not sub:
        return path
    return f"{path}{sub}" if sub.startswith("[") else _join(path, sub)
