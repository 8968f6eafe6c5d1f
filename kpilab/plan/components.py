"""Component kinds of a plan (contract section 5): curves, bonus, scorecard, commission, team, penalty.

Each class checks itself on construction and writes itself back with ``to_dict``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from ..curves import curve_values
from ..errors import mixed_script
from ..i18n.messages import msg
from ._base import (RESERVED_NAMES, WEIGHT_TOLERANCE, Problems, _check_number, _fmt, _is_number,
                    _join, _METRIC_RE, _NAME_RE, _num_out, _raise, _suggest)

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
        return curve_values(self, x)

    @classmethod
    def from_dict(cls, data: Any, path: str = "curve", problems: Problems | None = None) -> "Curve | None":
        own = problems is None
        problems = [] if own else problems
        from .parse import _parse_curve  # the parser builds curves, so it imports this module

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
    elif (mixed := mixed_script(metric)) is not None:
        out.append((_join(path, "metric"), msg("errors.mixed_script", name=metric, latin=mixed[0],
                                               letter=mixed[1], position=mixed[2])))


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

