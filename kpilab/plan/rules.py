"""What gates, modifiers and limits of a plan say (contract section 6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from ..i18n.messages import msg
from ._base import Problems, _check_number, _fmt, _is_number, _join, _num_out, _raise
from .curve import Curve

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
            out.append((_join(path, "variable_cap"), msg("plan_errors.cap_both")))
        if self.variable_cap is not None:
            _check_number(out, _join(path, "variable_cap"), self.variable_cap, what="variable_cap")
        if self.variable_cap_share is not None:
            _check_number(out, _join(path, "variable_cap.share"), self.variable_cap_share, what="share")
        if not (self.floor is None or self.floor == "base" or _is_number(self.floor)):
            out.append((_join(path, "floor"), msg("plan_errors.floor_shape", value=_fmt(self.floor))))
        elif _is_number(self.floor) and self.floor < 0:
            out.append((_join(path, "floor"), msg("plan_errors.floor_negative", value=_fmt(self.floor))))
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

