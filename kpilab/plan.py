"""The plan model: the contract of ``plan-format.md`` as frozen, validated data.

A plan is data, not code. Every class here is a frozen dataclass that checks
itself on construction; a variant of a plan is made with
:func:`dataclasses.replace`, never by mutation. Parsing from a mapping (or a
YAML file) collects *every* problem it finds, each with its key path, e.g.
``components[2].tiers[1].from: tiers must start in increasing order (50000 after 100000)``.

This module never touches a team's data: evaluation lives in
:mod:`kpilab.engine`.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml

from .errors import PlanError

__all__ = [
    "Curve", "Tier", "Kpi", "Bonus", "Scorecard", "Commission", "TeamBonus", "Penalty",
    "Condition", "AllOf", "AnyOf", "Gate", "Modifier", "Limits", "Plan", "Scheme",
    "load_plan", "RESERVED_NAMES", "WEIGHT_TOLERANCE",
]

#: Column names a component may not take: they are input or output columns.
RESERVED_NAMES = frozenset({
    "rep_id", "period", "role", "team", "scenario", "base", "target_bonus",
    "cap_adjustment", "floor_adjustment", "variable", "total",
})
#: Scorecard weights must sum to 1 within this tolerance (contract section 5).
WEIGHT_TOLERANCE = 1e-9
# Letters (any alphabet: «премия» is a fine name), digits and _, as section 5 says.
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


def _is_number(value: Any) -> bool:
    # YAML turns `yes` into True: a bool is never a number in a plan.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _raise(problems: Problems) -> None:
    if problems:
        raise PlanError(problems)


def _check_number(problems: Problems, path: str, value: Any, *, minimum: float | None = 0.0,
                  strict: bool = False, what: str = "") -> None:
    """Append a problem unless ``value`` is a finite number within bounds."""
    if not _is_number(value):
        problems.append((path, f"must be a number, got {_fmt(value)}"))
    elif minimum is not None and (value <= minimum if strict else value < minimum):
        sign = ">" if strict else ">="
        problems.append((path, f"{what or 'value'} must be {sign} {_fmt(minimum)}, got {_fmt(value)}"))


# --------------------------------------------------------------------------- curves

@dataclass(frozen=True)
class Curve:
    """A curve mapping an input x (attainment, value or index) to a factor y.

    Parameters
    ----------
    kind
        ``"points"`` (linear between points) or ``"steps"`` (y of the band x falls in).
    xs, ys
        Break points; ``xs`` strictly increasing.
    below
        y for x under the first point (default 0: ``xs[0]`` is a threshold).
    extend
        Points only: continue the last segment's slope past the last point
        instead of capping at ``ys[-1]``.
    closed
        Steps only: ``"left"`` bands are [xi, xi+1); ``"right"`` bands are (xi, xi+1].
    """

    kind: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    below: float = 0.0
    extend: bool = False
    closed: str = "left"

    def __post_init__(self) -> None:
        object.__setattr__(self, "xs", tuple(float(x) for x in self.xs))
        object.__setattr__(self, "ys", tuple(float(y) for y in self.ys))
        object.__setattr__(self, "below", float(self.below))
        _raise(self.problems(""))

    def problems(self, path: str) -> Problems:
        """Every way this curve breaks the contract, with key paths under ``path``."""
        out: Problems = []
        if self.kind not in ("points", "steps"):
            out.append((path, f"unknown curve kind '{self.kind}'{_suggest(self.kind, ('points', 'steps'))}"))
            return out
        key = _join(path, self.kind)
        if len(self.xs) == 0 or len(self.xs) != len(self.ys):
            out.append((key, "needs at least one [x, y] pair"))
        for i in range(1, len(self.xs)):
            if not self.xs[i] > self.xs[i - 1]:
                out.append((f"{key}[{i}]", f"x must be strictly increasing ({_fmt(self.xs[i])} after "
                                           f"{_fmt(self.xs[i - 1])})"))
        if self.closed not in ("left", "right"):
            out.append((_join(path, "closed"), f"must be 'left' or 'right', got {_fmt(self.closed)}"))
        if self.closed == "right" and self.kind != "steps":
            out.append((_join(path, "closed"), "only a 'steps' curve has closed bands"))
        if self.extend and self.kind != "points":
            out.append((_join(path, "extend"), "only a 'points' curve can extend its last segment"))
        if self.extend and len(self.xs) < 2:
            out.append((_join(path, "extend"), "extend needs at least two points to have a slope"))
        return out

    def __call__(self, x: Any) -> Any:
        """y for each x (array in, array out); the engine's boundary rule applies."""
        from .engine import curve_values  # compute lives in the engine

        return curve_values(self, x)

    @classmethod
    def from_dict(cls, data: Any, path: str = "curve", problems: Problems | None = None) -> "Curve | None":
        own = problems is None
        problems = [] if own else problems
        curve = _parse_curve(data, path, problems)
        if own:
            _raise(problems)
        return curve

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {self.kind: [[_num_out(x), _num_out(y)] for x, y in zip(self.xs, self.ys)]}
        if self.below != 0.0:
            out["below"] = _num_out(self.below)
        if self.extend:
            out["extend"] = True
        if self.closed != "left":
            out["closed"] = self.closed
        return out


def _num_out(value: float | None) -> float | int | None:
    """Numbers as a person writes them in YAML: 50000, not 50000.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


# --------------------------------------------------------------------------- components

@dataclass(frozen=True)
class Tier:
    """One commission tier: from ``start`` (a value, or a fraction of target) on, pay ``rate``."""

    start: float
    rate: float

    def to_dict(self) -> dict[str, Any]:
        return {"from": _num_out(self.start), "rate": _num_out(self.rate)}


def _check_money(out: Problems, path: str, share: float | None, amount: float | None) -> None:
    if share is None and amount is None:
        out.append((path, "needs exactly one of 'share' (of target_bonus) or 'amount' (per period); neither is given"))
    elif share is not None and amount is not None:
        out.append((path, "takes exactly one of 'share' or 'amount', not both"))
    if share is not None:
        _check_number(out, _join(path, "share"), share, what="share")
    if amount is not None:
        _check_number(out, _join(path, "amount"), amount, what="amount")


def _check_basis(out: Problems, path: str, basis: str) -> None:
    if basis not in ("attainment", "value"):
        out.append((_join(path, "basis"), f"must be 'attainment' or 'value', got {_fmt(basis)}"
                                          f"{_suggest(basis, ('attainment', 'value'))}"))


def _check_metric(out: Problems, path: str, metric: Any) -> None:
    if not isinstance(metric, str) or not _METRIC_RE.match(metric):
        out.append((_join(path, "metric"), f"must be a column name (letters, digits, _), got {_fmt(metric)}"))


@dataclass(frozen=True)
class _Component:
    name: str

    kind = ""

    def problems(self, path: str) -> Problems:
        out: Problems = []
        if not isinstance(self.name, str) or not _NAME_RE.match(self.name):
            out.append((_join(path, "name"), f"must be letters, digits and _, got {_fmt(self.name)}"))
        elif self.name in RESERVED_NAMES:
            out.append((_join(path, "name"), f"'{self.name}' is an input or output column; pick another name"))
        return out

    def __post_init__(self) -> None:
        _raise(self.problems(""))

    def metrics(self) -> set[str]:
        """Names of the input columns this component reads."""
        return {self.metric} if hasattr(self, "metric") else set()

    def attainment_metrics(self) -> set[str]:
        """Metrics whose target this component needs."""
        return set()

    def money(self) -> dict[str, Any]:
        share, amount = getattr(self, "share", None), getattr(self, "amount", None)
        return {"share": _num_out(share)} if share is not None else {"amount": _num_out(amount)}


@dataclass(frozen=True)
class Bonus(_Component):
    """``bonus``: pays amount × curve(x) for one metric.

    Reads ``metric`` (its attainment, or its raw value with ``basis: value``) and
    the row's ``target_bonus`` when paid as a ``share``. Produces one column,
    ``name``, with the raw pay before gates and modifiers.
    """

    metric: str = ""
    curve: Curve = None  # type: ignore[assignment]
    share: float | None = None
    amount: float | None = None
    basis: str = "attainment"
    kind = "bonus"

    def problems(self, path: str) -> Problems:
        out = super().problems(path)
        _check_metric(out, path, self.metric)
        _check_money(out, path, self.share, self.amount)
        _check_basis(out, path, self.basis)
        if not isinstance(self.curve, Curve):
            out.append((_join(path, "curve"), "is required"))
        return out

    def attainment_metrics(self) -> set[str]:
        return {self.metric} if self.basis == "attainment" else set()

    def to_dict(self) -> dict[str, Any]:
        out = {"name": self.name, "kind": self.kind, "metric": self.metric, **self.money(),
               "curve": self.curve.to_dict()}
        if self.basis != "attainment":
            out["basis"] = self.basis
        return out


@dataclass(frozen=True)
class Kpi:
    """One line of a scorecard: ``weight`` × curve(x of ``metric``)."""

    metric: str
    weight: float
    curve: Curve
    basis: str = "attainment"

    def to_dict(self) -> dict[str, Any]:
        out = {"weight": _num_out(self.weight), "curve": self.curve.to_dict()}
        if self.basis != "attainment":
            out["basis"] = self.basis
        return out


@dataclass(frozen=True)
class Scorecard(_Component):
    """``scorecard``: a weighted KPI matrix.

    Reads every KPI's metric. Produces ``name`` = amount × index_curve(Σ weight·curve(x));
    without ``index_curve`` the index is paid as it is.
    """

    kpis: tuple[Kpi, ...] = ()
    share: float | None = None
    amount: float | None = None
    index_curve: Curve | None = None
    kind = "scorecard"

    def __post_init__(self) -> None:
        object.__setattr__(self, "kpis", tuple(self.kpis))
        super().__post_init__()

    def problems(self, path: str) -> Problems:
        out = super().problems(path)
        _check_money(out, path, self.share, self.amount)
        kp = _join(path, "kpis")
        if not self.kpis:
            out.append((kp, "a scorecard needs at least one KPI"))
            return out
        for kpi in self.kpis:
            here = _join(kp, kpi.metric)
            _check_metric(out, here, kpi.metric)
            _check_number(out, _join(here, "weight"), kpi.weight, what="weight")
            _check_basis(out, here, kpi.basis)
        weights = [k.weight for k in self.kpis]
        if all(_is_number(w) for w in weights) and abs(sum(weights) - 1.0) > WEIGHT_TOLERANCE:
            listing = " + ".join(_fmt(w) for w in weights)
            out.append((kp, f"weights must sum to 1, they sum to {sum(weights):g} ({listing})"))
        return out

    def metrics(self) -> set[str]:
        return {k.metric for k in self.kpis}

    def attainment_metrics(self) -> set[str]:
        return {k.metric for k in self.kpis if k.basis == "attainment"}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, **self.money(),
                               "kpis": {k.metric: k.to_dict() for k in self.kpis}}
        if self.index_curve is not None:
            out["index_curve"] = self.index_curve.to_dict()
        return out


@dataclass(frozen=True)
class Commission(_Component):
    """``commission``: a flat rate or tiers on a value (revenue, margin, deals…).

    Reads ``metric`` (and its target with ``tiers_on: attainment``). Produces
    ``name`` = value × rate, or the tiered pay (``marginal``: each slice at its
    tier's rate; ``retroactive``: the whole value at the highest tier reached),
    never above ``cap``.
    """

    metric: str = ""
    rate: float | None = None
    tiers: tuple[Tier, ...] = ()
    tiers_on: str = "value"
    method: str = "marginal"
    cap: float | None = None
    kind = "commission"

    def __post_init__(self) -> None:
        object.__setattr__(self, "tiers", tuple(self.tiers))
        super().__post_init__()

    def problems(self, path: str) -> Problems:
        out = super().problems(path)
        _check_metric(out, path, self.metric)
        if (self.rate is None) == (not self.tiers):
            out.append((path, "needs exactly one of 'rate' or 'tiers'" +
                        (", not both" if self.rate is not None else "; neither is given")))
        if self.rate is not None:
            _check_number(out, _join(path, "rate"), self.rate, what="rate")
        for i, tier in enumerate(self.tiers):
            tp = f"{_join(path, 'tiers')}[{i}]"
            _check_number(out, _join(tp, "from"), tier.start, what="tier start")
            _check_number(out, _join(tp, "rate"), tier.rate, what="rate")
            if i and _is_number(tier.start) and _is_number(self.tiers[i - 1].start) \
                    and not tier.start > self.tiers[i - 1].start:
                out.append((_join(tp, "from"), f"tiers must start in increasing order "
                                                f"({_fmt(tier.start)} after {_fmt(self.tiers[i - 1].start)})"))
        if self.tiers_on not in ("value", "attainment"):
            out.append((_join(path, "tiers_on"), f"must be 'value' or 'attainment', got {_fmt(self.tiers_on)}"
                                                 f"{_suggest(self.tiers_on, ('value', 'attainment'))}"))
        if self.method not in ("marginal", "retroactive"):
            out.append((_join(path, "method"), f"must be 'marginal' or 'retroactive', got {_fmt(self.method)}"
                                               f"{_suggest(self.method, ('marginal', 'retroactive'))}"))
        if self.cap is not None:
            _check_number(out, _join(path, "cap"), self.cap, what="cap")
        return out

    def attainment_metrics(self) -> set[str]:
        return {self.metric} if self.tiers and self.tiers_on == "attainment" else set()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "metric": self.metric}
        if self.rate is not None:
            out["rate"] = _num_out(self.rate)
        else:
            out["tiers"] = [t.to_dict() for t in self.tiers]
            if self.tiers_on != "value":
                out["tiers_on"] = self.tiers_on
        if self.method != "marginal":
            out["method"] = self.method
        if self.cap is not None:
            out["cap"] = _num_out(self.cap)
        return out


@dataclass(frozen=True)
class TeamBonus(_Component):
    """``team``: pays amount × curve(team attainment).

    Reads ``metric`` and its target on every row of the same ``team`` and
    ``period`` (and ``scenario``); team attainment = Σ fact / Σ target.
    Produces ``name``.
    """

    metric: str = ""
    curve: Curve = None  # type: ignore[assignment]
    share: float | None = None
    amount: float | None = None
    kind = "team"

    def problems(self, path: str) -> Problems:
        out = super().problems(path)
        _check_metric(out, path, self.metric)
        _check_money(out, path, self.share, self.amount)
        if not isinstance(self.curve, Curve):
            out.append((_join(path, "curve"), "is required"))
        return out

    def attainment_metrics(self) -> set[str]:
        return {self.metric}

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "metric": self.metric, **self.money(),
                "curve": self.curve.to_dict()}


@dataclass(frozen=True)
class Penalty(_Component):
    """``penalty``: a bonus reduction of ``per_unit`` for each unit above ``free``.

    Reads ``metric`` (a count such as ``missed_calls``). Produces ``name`` =
    −per_unit × max(0, units − free), no deeper than ``cap``. It is never
    gated nor modified, and under the default floor it never reaches salary.
    """

    metric: str = ""
    per_unit: float = 0.0
    free: float = 0.0
    cap: float | None = None
    kind = "penalty"

    def problems(self, path: str) -> Problems:
        out = super().problems(path)
        _check_metric(out, path, self.metric)
        _check_number(out, _join(path, "per_unit"), self.per_unit, minimum=0.0, strict=True, what="per_unit")
        _check_number(out, _join(path, "free"), self.free, what="free")
        if self.cap is not None:
            _check_number(out, _join(path, "cap"), self.cap, what="cap")
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "metric": self.metric,
                               "per_unit": _num_out(self.per_unit)}
        if self.free:
            out["free"] = _num_out(self.free)
        if self.cap is not None:
            out["cap"] = _num_out(self.cap)
        return out


Component = Union[Bonus, Scorecard, Commission, TeamBonus, Penalty]
_KINDS: dict[str, type] = {"bonus": Bonus, "scorecard": Scorecard, "commission": Commission,
                           "team": TeamBonus, "penalty": Penalty}
_KIND_KEYS: dict[str, set[str]] = {
    "bonus": {"name", "kind", "metric", "share", "amount", "curve", "basis"},
    "scorecard": {"name", "kind", "share", "amount", "kpis", "index_curve"},
    "commission": {"name", "kind", "metric", "rate", "tiers", "tiers_on", "method", "cap"},
    "team": {"name", "kind", "metric", "share", "amount", "curve"},
    "penalty": {"name", "kind", "metric", "per_unit", "free", "cap"},
}


# --------------------------------------------------------------------------- gates, modifiers, limits

_OPS = ("attainment_at_least", "at_least", "at_most")


@dataclass(frozen=True)
class Condition:
    """``{metric: m, attainment_at_least | at_least | at_most: t}``."""

    metric: str
    op: str
    threshold: float

    def metrics(self) -> set[str]:
        return {self.metric}

    def attainment_metrics(self) -> set[str]:
        return {self.metric} if self.op == "attainment_at_least" else set()

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, self.op: _num_out(self.threshold)}

    def describe(self) -> str:
        word = {"attainment_at_least": "attainment ≥", "at_least": "≥", "at_most": "≤"}[self.op]
        return f"{self.metric} {word} {_fmt(self.threshold)}"


@dataclass(frozen=True)
class AllOf:
    """Every sub-condition holds."""

    conditions: tuple[Any, ...]

    def metrics(self) -> set[str]:
        return set().union(*(c.metrics() for c in self.conditions))

    def attainment_metrics(self) -> set[str]:
        return set().union(*(c.attainment_metrics() for c in self.conditions))

    def to_dict(self) -> dict[str, Any]:
        return {"all": [c.to_dict() for c in self.conditions]}

    def describe(self) -> str:
        return "all of (" + "; ".join(c.describe() for c in self.conditions) + ")"


@dataclass(frozen=True)
class AnyOf(AllOf):
    """At least one sub-condition holds."""

    def to_dict(self) -> dict[str, Any]:
        return {"any": [c.to_dict() for c in self.conditions]}

    def describe(self) -> str:
        return "any of (" + "; ".join(c.describe() for c in self.conditions) + ")"


Cond = Union[Condition, AllOf, AnyOf]


@dataclass(frozen=True)
class Gate:
    """Where ``when`` is false for a row, the components in ``applies_to`` pay 0 there."""

    applies_to: tuple[str, ...] | str
    when: Cond

    def to_dict(self) -> dict[str, Any]:
        return {"applies_to": _applies_out(self.applies_to), "when": self.when.to_dict()}


@dataclass(frozen=True)
class Modifier:
    """Multiplies the pay of ``applies_to`` by ``curve`` of ``metric`` (attainment or value)."""

    applies_to: tuple[str, ...] | str
    metric: str
    curve: Curve
    basis: str = "attainment"

    def to_dict(self) -> dict[str, Any]:
        out = {"applies_to": _applies_out(self.applies_to), "metric": self.metric, "curve": self.curve.to_dict()}
        if self.basis != "attainment":
            out["basis"] = self.basis
        return out


def _applies_out(applies: tuple[str, ...] | str) -> Any:
    return applies if isinstance(applies, str) else list(applies)


@dataclass(frozen=True)
class Limits:
    """Hard limits on one row's pay.

    ``variable_cap`` (absolute) or ``variable_cap_share`` (× target_bonus) caps the
    earned variable pay; ``floor`` is ``"base"`` (the default: penalties never
    reach salary), a number (a guaranteed total), or ``None`` (no floor).
    """

    variable_cap: float | None = None
    variable_cap_share: float | None = None
    floor: str | float | None = "base"

    def problems(self, path: str) -> Problems:
        out: Problems = []
        if self.variable_cap is not None and self.variable_cap_share is not None:
            out.append((_join(path, "variable_cap"), "give a number or {share: x}, not both"))
        if self.variable_cap is not None:
            _check_number(out, _join(path, "variable_cap"), self.variable_cap, what="variable_cap")
        if self.variable_cap_share is not None:
            _check_number(out, _join(path, "variable_cap.share"), self.variable_cap_share, what="share")
        if not (self.floor is None or self.floor == "base" or _is_number(self.floor)):
            out.append((_join(path, "floor"), f"must be 'base', a number or none, got {_fmt(self.floor)}"))
        elif _is_number(self.floor) and self.floor < 0:
            out.append((_join(path, "floor"), f"must be >= 0, got {_fmt(self.floor)}"))
        return out

    def __post_init__(self) -> None:
        _raise(self.problems(""))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.variable_cap is not None:
            out["variable_cap"] = _num_out(self.variable_cap)
        if self.variable_cap_share is not None:
            out["variable_cap"] = {"share": _num_out(self.variable_cap_share)}
        if self.floor != "base":
            out["floor"] = self.floor if self.floor is None else _num_out(self.floor)
        return out


# --------------------------------------------------------------------------- plan

@dataclass(frozen=True)
class Plan:
    """A compensation plan: salary, target bonus, targets and components.

    Build one with :meth:`from_dict` / :meth:`from_yaml` / :func:`load_plan`, or
    directly; it validates itself either way. Make variants with
    :func:`dataclasses.replace` (or :meth:`replace_component`).

    Examples
    --------
    >>> p = Plan.from_dict({"name": "x", "base": 100, "components": []})
    >>> Plan.from_dict(p.to_dict()) == p
    True
    """

    name: str
    components: tuple[Component, ...] = ()
    base: float = 0.0
    target_bonus: float = 0.0
    targets: Mapping[str, float] = field(default_factory=FrozenMap)
    gates: tuple[Gate, ...] = ()
    modifiers: tuple[Modifier, ...] = ()
    limits: Limits = field(default_factory=Limits)
    currency: str = "RUB"
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "components", tuple(self.components))
        object.__setattr__(self, "gates", tuple(self.gates))
        object.__setattr__(self, "modifiers", tuple(self.modifiers))
        if not isinstance(self.targets, FrozenMap):
            object.__setattr__(self, "targets", FrozenMap(self.targets))
        _raise(self.problems())

    # -- validation
    def problems(self) -> Problems:
        """Every cross-field problem of the plan (each part checks itself on construction)."""
        out: Problems = []
        if not isinstance(self.name, str) or not self.name.strip():
            out.append(("name", "a plan needs a non-empty name"))
        _check_number(out, "base", self.base, what="base")
        _check_number(out, "target_bonus", self.target_bonus, what="target_bonus")
        for metric, target in self.targets.items():
            _check_number(out, f"targets.{metric}", target, minimum=0.0, strict=True, what="target")
        names: dict[str, int] = {}
        for i, comp in enumerate(self.components):
            if comp.name in names:
                out.append((f"components[{i}].name", f"duplicate component name '{comp.name}' "
                                                     f"(also components[{names[comp.name]}])"))
            names.setdefault(comp.name, i)
        penalties = {c.name for c in self.components if c.kind == "penalty"}
        for label, items in (("gates", self.gates), ("modifiers", self.modifiers)):
            for i, item in enumerate(items):
                path = f"{label}[{i}].applies_to"
                if isinstance(item.applies_to, str):
                    if item.applies_to != "all":
                        out.append((path, f"must be 'all' or a list of component names, got '{item.applies_to}'"))
                    continue
                if not item.applies_to:
                    out.append((path, "names no component"))
                for j, name in enumerate(item.applies_to):
                    if name in penalties:
                        what = "gate" if label == "gates" else "modifier"
                        out.append((f"{path}[{j}]", f"'{name}' is a penalty; a {what} never applies to a penalty"))
                    elif name not in names:
                        out.append((f"{path}[{j}]", f"no component named '{name}'{_suggest(name, names)}"))
        return out

    # -- what it reads
    def metrics_needed(self) -> set[str]:
        """Every metric column the plan reads (facts)."""
        out: set[str] = set()
        for comp in self.components:
            out |= comp.metrics()
        for gate in self.gates:
            out |= gate.when.metrics()
        for mod in self.modifiers:
            out.add(mod.metric)
        return out

    def attainment_metrics(self) -> set[str]:
        """Metrics whose target the plan needs (attainment is read somewhere)."""
        out: set[str] = set()
        for comp in self.components:
            out |= comp.attainment_metrics()
        for gate in self.gates:
            out |= gate.when.attainment_metrics()
        for mod in self.modifiers:
            if mod.basis == "attainment":
                out.add(mod.metric)
        return out

    @property
    def component_names(self) -> list[str]:
        return [c.name for c in self.components]

    @property
    def penalty_names(self) -> list[str]:
        return [c.name for c in self.components if c.kind == "penalty"]

    def component(self, name: str) -> Component:
        """The component called ``name``."""
        for comp in self.components:
            if comp.name == name:
                return comp
        raise KeyError(f"no component named '{name}'{_suggest(name, self.component_names)}")

    def replace_component(self, name: str, **changes: Any) -> "Plan":
        """A new plan with component ``name`` changed by :func:`dataclasses.replace`."""
        comps = tuple(dataclasses.replace(c, **changes) if c.name == name else c for c in self.components)
        self.component(name)  # raise on an unknown name
        return dataclasses.replace(self, components=comps)

    def plans(self) -> dict[str, "Plan"]:
        """``{None: self}``: the same shape as :meth:`Scheme.plans`."""
        return {None: self}  # type: ignore[dict-item]

    # -- (de)serialisation
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> "Plan":
        """Build and validate a plan from a plan-format mapping; every problem is reported."""
        problems: Problems = []
        plan = _parse_plan(data, "", problems)
        if problems or plan is None:
            raise PlanError(problems or [("", "not a plan")], source=source)
        return plan

    def to_dict(self) -> dict[str, Any]:
        """The plan-format mapping; ``Plan.from_dict(p.to_dict()) == p``."""
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        out["currency"] = self.currency
        out["base"] = _num_out(self.base)
        out["target_bonus"] = _num_out(self.target_bonus)
        if self.targets:
            out["targets"] = {k: _num_out(v) for k, v in self.targets.items()}
        out["components"] = [c.to_dict() for c in self.components]
        if self.gates:
            out["gates"] = [g.to_dict() for g in self.gates]
        if self.modifiers:
            out["modifiers"] = [m.to_dict() for m in self.modifiers]
        limits = self.limits.to_dict()
        if limits:
            out["limits"] = limits
        return out

    @classmethod
    def from_yaml(cls, path_or_text: str | Path) -> "Plan":
        """A plan from a YAML file (or YAML text); a scheme file is refused here."""
        obj = load_plan(path_or_text)
        if not isinstance(obj, Plan):
            raise PlanError("scheme", "this file is a scheme, not a plan: use kpilab.load_plan")
        return obj

    def to_yaml(self, path: str | Path | None = None) -> str:
        """The plan as YAML text; also written to ``path`` when given."""
        return _dump_yaml(self.to_dict(), path)


@dataclass(frozen=True)
class Scheme:
    """Plans by role: every row's ``role`` picks its plan (contract section 7)."""

    name: str
    plans_by_role: Mapping[str, Plan]

    def __post_init__(self) -> None:
        if not isinstance(self.plans_by_role, FrozenMap):
            object.__setattr__(self, "plans_by_role", FrozenMap(self.plans_by_role))
        out: Problems = []
        if not isinstance(self.name, str) or not self.name.strip():
            out.append(("scheme", "a scheme needs a non-empty name"))
        if not self.plans_by_role:
            out.append(("plans", "a scheme needs at least one role"))
        _raise(out)

    def plans(self) -> dict[str, Plan]:
        return dict(self.plans_by_role)

    @property
    def component_names(self) -> list[str]:
        """The union of the plans' component names, in order of first appearance."""
        seen: dict[str, None] = {}
        for plan in self.plans_by_role.values():
            seen.update(dict.fromkeys(plan.component_names))
        return list(seen)

    @property
    def penalty_names(self) -> list[str]:
        return [n for n in self.component_names
                if any(n in p.penalty_names for p in self.plans_by_role.values())]

    def metrics_needed(self) -> set[str]:
        return set().union(*(p.metrics_needed() for p in self.plans_by_role.values()))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None,
                  base_dir: Path | None = None) -> "Scheme":
        problems: Problems = []
        scheme = _parse_scheme(data, problems, base_dir)
        if problems or scheme is None:
            raise PlanError(problems or [("", "not a scheme")], source=source)
        return scheme

    def to_dict(self) -> dict[str, Any]:
        return {"scheme": self.name, "plans": {role: p.to_dict() for role, p in self.plans_by_role.items()}}

    def to_yaml(self, path: str | Path | None = None) -> str:
        return _dump_yaml(self.to_dict(), path)


# --------------------------------------------------------------------------- parsing

def _check_keys(data: Mapping, allowed: set[str], path: str, problems: Problems) -> None:
    for key in data:
        if key not in allowed:
            if key is True or key == "on":  # YAML 1.1 reads a bare `on` as true
                problems.append((_join(path, "on"), "unknown key 'on' (YAML reads a bare 'on' as true); "
                                                    "a curve's input is set with 'basis'"))
                continue
            problems.append((_join(path, str(key)), f"unknown key '{key}'{_suggest(key, allowed)}"))


def _parse_curve(data: Any, path: str, problems: Problems) -> Curve | None:
    if not isinstance(data, Mapping):
        problems.append((path, "a curve is a mapping with 'points' or 'steps'"))
        return None
    _check_keys(data, {"points", "steps", "below", "extend", "closed"}, path, problems)
    kinds = [k for k in ("points", "steps") if k in data]
    if len(kinds) != 1:
        problems.append((path, "a curve needs exactly one of 'points' or 'steps'"))
        return None
    kind = kinds[0]
    raw = data[kind]
    kp = _join(path, kind)
    if not isinstance(raw, list) or not raw:
        problems.append((kp, "must be a non-empty list of [x, y] pairs"))
        return None
    xs, ys = [], []
    ok = True
    for i, pair in enumerate(raw):
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2 and all(_is_number(v) for v in pair)):
            problems.append((f"{kp}[{i}]", f"must be a pair of numbers [x, y], got {_fmt(pair)}"))
            ok = False
            continue
        xs.append(float(pair[0]))
        ys.append(float(pair[1]))
    below = data.get("below", 0.0)
    if not _is_number(below):
        problems.append((_join(path, "below"), f"must be a number, got {_fmt(below)}"))
        ok = False
    extend = data.get("extend", False)
    if not isinstance(extend, bool):
        problems.append((_join(path, "extend"), f"must be true or false, got {_fmt(extend)}"))
        ok = False
    if not ok:
        return None
    try:
        return Curve(kind, tuple(xs), tuple(ys), below=below, extend=extend, closed=data.get("closed", "left"))
    except PlanError as exc:
        problems.extend((_reroot(p, path), m) for p, m in exc.problems)
        return None


def _reroot(sub: str, path: str) -> str:
    if not sub:
        return path
    return f"{path}{sub}" if sub.startswith("[") else _join(path, sub)


def _parse_component(data: Any, path: str, problems: Problems) -> Component | None:
    if not isinstance(data, Mapping):
        problems.append((path, "a component is a mapping with 'name' and 'kind'"))
        return None
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in _KINDS:
        problems.append((_join(path, "kind"), f"unknown kind {_fmt(kind)}{_suggest(kind, _KINDS)}; "
                                             f"one of {', '.join(_KINDS)}" if kind is not None
                         else "is required (bonus, scorecard, commission, team or penalty)"))
        return None
    if "name" not in data:
        problems.append((_join(path, "name"), "is required"))
        return None
    start = len(problems)
    _check_keys(data, _KIND_KEYS[kind], path, problems)
    args: dict[str, Any] = {"name": data["name"]}
    for key in ("metric", "share", "amount", "basis", "rate", "tiers_on", "method", "cap", "per_unit", "free"):
        if key in data and key in _KIND_KEYS[kind]:
            args[key] = data[key]
    if kind in ("bonus", "team", "commission", "penalty") and "metric" not in data:
        problems.append((_join(path, "metric"), "is required"))
    if kind in ("bonus", "team"):
        if "curve" not in data:
            problems.append((_join(path, "curve"), "is required"))
        else:
            args["curve"] = _parse_curve(data["curve"], _join(path, "curve"), problems)
    if kind == "penalty" and "per_unit" not in data:
        problems.append((_join(path, "per_unit"), "is required (the deduction per unit, > 0)"))
    if kind == "scorecard":
        kpis = data.get("kpis")
        kp = _join(path, "kpis")
        parsed: list[Kpi] = []
        if not isinstance(kpis, Mapping) or not kpis:
            problems.append((kp, "is required: a mapping {metric: {weight, curve}}"))
        else:
            for metric, spec in kpis.items():
                here = _join(kp, str(metric))
                if not isinstance(spec, Mapping):
                    problems.append((here, "must be a mapping {weight, curve, basis}"))
                    continue
                _check_keys(spec, {"weight", "curve", "basis"}, here, problems)
                if "weight" not in spec:
                    problems.append((_join(here, "weight"), "is required"))
                    continue
                if "curve" not in spec:
                    problems.append((_join(here, "curve"), "is required"))
                    continue
                curve = _parse_curve(spec["curve"], _join(here, "curve"), problems)
                if curve is not None:
                    parsed.append(Kpi(metric, spec["weight"], curve, spec.get("basis", "attainment")))
        args["kpis"] = tuple(parsed)
        if "index_curve" in data:
            args["index_curve"] = _parse_curve(data["index_curve"], _join(path, "index_curve"), problems)
    if kind == "commission" and "tiers" in data:
        tiers = data["tiers"]
        tp = _join(path, "tiers")
        parsed_tiers: list[Tier] = []
        if not isinstance(tiers, list) or not tiers:
            problems.append((tp, "must be a non-empty list of {from, rate}"))
        else:
            for i, tier in enumerate(tiers):
                here = f"{tp}[{i}]"
                if not isinstance(tier, Mapping):
                    problems.append((here, "must be a mapping {from, rate}"))
                    continue
                _check_keys(tier, {"from", "rate"}, here, problems)
                missing = [k for k in ("from", "rate") if k not in tier]
                for k in missing:
                    problems.append((_join(here, k), "is required"))
                if not missing:
                    parsed_tiers.append(Tier(tier["from"], tier["rate"]))
        args["tiers"] = tuple(parsed_tiers)
    if len(problems) > start:
        return None
    try:
        return _KINDS[kind](**args)
    except PlanError as exc:  # the component's own checks, re-rooted at its path
        problems.extend((_reroot(p, path), m) for p, m in exc.problems)
        return None


def _parse_condition(data: Any, path: str, problems: Problems) -> Cond | None:
    if not isinstance(data, Mapping):
        problems.append((path, "a condition is a mapping: {metric, attainment_at_least | at_least | at_most} "
                               "or {all: [...]} or {any: [...]}"))
        return None
    for combo, cls in (("all", AllOf), ("any", AnyOf)):
        if combo in data:
            _check_keys(data, {combo}, path, problems)
            items = data[combo]
            if not isinstance(items, list) or not items:
                problems.append((_join(path, combo), "must be a non-empty list of conditions"))
                return None
            subs = [_parse_condition(c, f"{_join(path, combo)}[{i}]", problems) for i, c in enumerate(items)]
            return cls(tuple(subs)) if all(s is not None for s in subs) else None
    _check_keys(data, {"metric", *_OPS}, path, problems)
    ops = [op for op in _OPS if op in data]
    start = len(problems)
    if "metric" not in data:
        problems.append((_join(path, "metric"), "is required"))
    else:
        _check_metric(problems, path, data["metric"])
    if len(ops) != 1:
        problems.append((path, f"needs exactly one of {', '.join(_OPS)}"))
    else:
        _check_number(problems, _join(path, ops[0]), data[ops[0]], minimum=None)
    if len(problems) > start:
        return None
    return Condition(data["metric"], ops[0], float(data[ops[0]]))


def _parse_applies(data: Mapping, path: str, problems: Problems) -> tuple[str, ...] | str | None:
    if "applies_to" not in data:
        problems.append((_join(path, "applies_to"), "is required: a list of component names, or all"))
        return None
    raw = data["applies_to"]
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list) and all(isinstance(n, str) for n in raw):
        return tuple(raw)
    problems.append((_join(path, "applies_to"), f"must be 'all' or a list of component names, got {_fmt(raw)}"))
    return None


def _parse_limits(data: Any, problems: Problems) -> Limits | None:
    if data is None:
        return Limits()
    if not isinstance(data, Mapping):
        problems.append(("limits", "must be a mapping {variable_cap, floor}"))
        return None
    _check_keys(data, {"variable_cap", "floor"}, "limits", problems)
    cap, cap_share = data.get("variable_cap"), None
    if isinstance(cap, Mapping):
        _check_keys(cap, {"share"}, "limits.variable_cap", problems)
        if "share" not in cap:
            problems.append(("limits.variable_cap.share", "is required in {share: x}"))
            return None
        cap, cap_share = None, cap["share"]
    floor = data.get("floor", "base")
    if isinstance(floor, str) and floor.lower() in ("none", "null"):
        floor = None
    try:
        return Limits(cap, cap_share, floor)
    except PlanError as exc:
        problems.extend((_reroot(p, "limits"), m) for p, m in exc.problems)
        return None


_PLAN_KEYS = {"name", "currency", "description", "base", "target_bonus", "targets", "components",
              "gates", "modifiers", "limits"}


def _parse_plan(data: Any, path: str, problems: Problems) -> Plan | None:
    if not isinstance(data, Mapping):
        problems.append((path, "a plan is a mapping with at least 'name'"))
        return None
    if "scheme" in data and path == "":
        problems.append(("scheme", "this is a scheme (plans by role), not a plan: use kpilab.load_plan "
                                   "or Scheme.from_dict"))
        return None
    _check_keys(data, _PLAN_KEYS, path, problems)
    start = len(problems)
    if "name" not in data:
        problems.append((_join(path, "name"), "is required"))
    for key in ("base", "target_bonus"):
        if key in data:
            _check_number(problems, _join(path, key), data[key], what=key)
    targets = data.get("targets") or {}
    if not isinstance(targets, Mapping):
        problems.append((_join(path, "targets"), "must be a mapping {metric: target}"))
        targets = {}
    for metric, target in targets.items():
        _check_number(problems, _join(_join(path, "targets"), str(metric)), target, minimum=0.0, strict=True,
                      what="target")
    comps_raw = data.get("components") or []
    if not isinstance(comps_raw, list):
        problems.append((_join(path, "components"), "must be a list"))
        comps_raw = []
    comps = [_parse_component(c, f"{_join(path, 'components')}[{i}]", problems) for i, c in enumerate(comps_raw)]
    gates, mods = [], []
    for label, parsed in (("gates", gates), ("modifiers", mods)):
        raw = data.get(label) or []
        if not isinstance(raw, list):
            problems.append((_join(path, label), "must be a list"))
            continue
        for i, item in enumerate(raw):
            here = f"{_join(path, label)}[{i}]"
            if not isinstance(item, Mapping):
                problems.append((here, "must be a mapping"))
                continue
            if label == "gates":
                _check_keys(item, {"applies_to", "when"}, here, problems)
                applies = _parse_applies(item, here, problems)
                if "when" not in item:
                    problems.append((_join(here, "when"), "is required"))
                    continue
                when = _parse_condition(item["when"], _join(here, "when"), problems)
                if applies is not None and when is not None:
                    parsed.append(Gate(applies, when))
            else:
                _check_keys(item, {"applies_to", "metric", "basis", "curve"}, here, problems)
                applies = _parse_applies(item, here, problems)
                n = len(problems)
                if "metric" not in item:
                    problems.append((_join(here, "metric"), "is required"))
                else:
                    _check_metric(problems, here, item["metric"])
                _check_basis(problems, here, item.get("basis", "attainment"))
                curve = _parse_curve(item.get("curve"), _join(here, "curve"), problems) \
                    if "curve" in item else problems.append((_join(here, "curve"), "is required"))
                if applies is not None and curve is not None and len(problems) == n:
                    parsed.append(Modifier(applies, item["metric"], curve, item.get("basis", "attainment")))
    limits = _parse_limits(data.get("limits"), problems) if path == "" else \
        _parse_limits_at(data.get("limits"), path, problems)
    for key in ("currency", "description"):
        if key in data and not isinstance(data[key], str):
            problems.append((_join(path, key), f"must be text, got {_fmt(data[key])}"))
    if len(problems) > start:
        return None
    kwargs: dict[str, Any] = {"name": data["name"], "components": tuple(comps), "targets": FrozenMap(targets),
                              "gates": tuple(gates), "modifiers": tuple(mods), "limits": limits}
    for key in ("base", "target_bonus"):
        if key in data:
            kwargs[key] = float(data[key])
    for key in ("currency", "description"):
        if key in data:
            kwargs[key] = data[key]
    try:
        return Plan(**kwargs)
    except PlanError as exc:
        problems.extend((_reroot(p, path), m) for p, m in exc.problems)
        return None


def _parse_limits_at(data: Any, path: str, problems: Problems) -> Limits | None:
    sub: Problems = []
    limits = _parse_limits(data, sub)
    problems.extend((_reroot(p, path), m) for p, m in sub)
    return limits


def _parse_scheme(data: Any, problems: Problems, base_dir: Path | None) -> Scheme | None:
    if not isinstance(data, Mapping):
        problems.append(("", "a scheme is a mapping {scheme: NAME, plans: {role: plan}}"))
        return None
    _check_keys(data, {"scheme", "plans", "description"}, "", problems)
    plans_raw = data.get("plans")
    if not isinstance(plans_raw, Mapping) or not plans_raw:
        problems.append(("plans", "is required: a mapping {role: plan file or plan}"))
        return None
    plans: dict[str, Plan] = {}
    for role, spec in plans_raw.items():
        here = f"plans.{role}"
        if isinstance(spec, str):
            target = (base_dir or Path.cwd()) / spec
            try:
                plans[str(role)] = Plan.from_yaml(target)
            except PlanError as exc:
                problems.extend((f"{here} ({spec}): {p}" if p else f"{here} ({spec})", m) for p, m in exc.problems)
            except OSError as exc:
                problems.append((here, f"cannot read plan file {spec}: {exc.strerror}"))
            continue
        plan = _parse_plan(spec, here, problems)
        if plan is not None:
            plans[str(role)] = plan
    if problems:
        return None
    return Scheme(data.get("scheme"), plans)


# --------------------------------------------------------------------------- YAML

class _StrictLoader(yaml.SafeLoader):
    """yaml's SafeLoader (no object-building tags), and duplicate keys are an error."""


def _mapping_no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}' (first on line {seen[key] + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_no_duplicates)


def _read_yaml(text: str, source: str | None) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        what = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in (exc.problem or ""):
            what = f"{exc.problem}: plan files may not contain tags that build objects; nothing in a plan is run"
        raise PlanError([(where, what)], source=source) from None
    except yaml.YAMLError as exc:
        raise PlanError([("", f"invalid YAML: {exc}")], source=source) from None


def _dump_yaml(data: dict[str, Any], path: str | Path | None) -> str:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def _decode(raw: bytes) -> str:
    """Plan text: UTF-8 (with or without BOM), else Windows-1251, which Russian editors often save."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251")


def load_plan(source: str | Path | Mapping[str, Any]) -> Plan | Scheme:
    """Load a plan or a scheme from a YAML file, YAML text, or a mapping.

    Parameters
    ----------
    source
        A path to a ``.yaml``/``.yml`` file, YAML text, or a plan-format mapping.

    Returns
    -------
    Plan or Scheme
        A scheme when the mapping has a ``scheme`` key.

    Raises
    ------
    PlanError
        Every problem found, each with its key path (and the file).
    """
    base_dir: Path | None = None
    label: str | None = None
    if isinstance(source, Mapping):
        data: Any = source
    else:
        text_source = str(source)
        is_path = isinstance(source, Path) or ("\n" not in text_source and text_source.endswith((".yaml", ".yml")))
        if is_path:
            path = Path(source)
            label = str(source)
            try:
                text = _decode(path.read_bytes())
            except OSError as exc:
                raise PlanError([("", f"cannot read plan file: {exc.strerror}")], source=label) from None
            base_dir = path.parent
        else:
            text = text_source
        data = _read_yaml(text, label)
    if isinstance(data, Mapping) and "scheme" in data:
        return Scheme.from_dict(data, source=label, base_dir=base_dir)
    if not isinstance(data, Mapping):
        raise PlanError([("", "a plan file must hold a mapping (name, base, components, ...)")], source=label)
    return Plan.from_dict(data, source=label)
