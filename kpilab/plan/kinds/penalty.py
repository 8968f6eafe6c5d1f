"""``penalty``: a bonus reduction per unit of a count (missed calls…) above a free allowance."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .._base import Problems, _check_number, _join, _num_out
from ._base import (ComponentKind, Facts, FineTerms, Note, StatementItem, StatementWords, TraceLine,
                    TraceWords, Tunable, check_metric, copy_keys, register, require)


@register
@dataclass(frozen=True)
class Penalty(ComponentKind):
    """``penalty``: a bonus reduction of ``per_unit`` for each unit above ``free``.

    Reads ``metric`` (a count such as ``missed_calls``). Produces ``name`` =
    −per_unit × max(0, units − free), no deeper than ``cap``. It is never
    gated nor modified, and under the default floor it never reaches salary.
    """

    metric: str = ""
    per_unit: float = 0.0
    free: float = 0.0
    cap: float | None = None

    kind: ClassVar[str] = "penalty"
    keys: ClassVar[frozenset[str]] = frozenset({"name", "kind", "metric", "per_unit", "free", "cap"})
    deduction: ClassVar[bool] = True
    order: ClassVar[int] = 50

    def problems(self, path: str) -> Problems:
        out = super().problems(path)
        check_metric(out, path, self.metric)
        _check_number(out, _join(path, "per_unit"), self.per_unit, minimum=0.0, strict=True, what="per_unit")
        _check_number(out, _join(path, "free"), self.free, what="free")
        if self.cap is not None:
            _check_number(out, _join(path, "cap"), self.cap, what="cap")
        return out

    @classmethod
    def parse_fields(cls, data: Mapping[str, Any], path: str, problems: Problems) -> dict[str, Any]:
        args = copy_keys(data, ("metric", "cap", "per_unit", "free"))
        require(data, "metric", path, problems)
        require(data, "per_unit", path, problems, "per_unit")
        return args

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "metric": self.metric,
                               "per_unit": _num_out(self.per_unit)}
        if self.free:
            out["free"] = _num_out(self.free)
        if self.cap is not None:
            out["cap"] = _num_out(self.cap)
        return out

    def pay(self, cols: Facts, note: Note) -> np.ndarray:
        units = cols.facts[self.metric]
        charged = np.maximum(0.0, units - self.free)
        deduction = self.per_unit * charged
        if self.cap is not None:
            deduction = np.minimum(deduction, self.cap)
        if note:
            note({"units": units, "charged": charged, "deduction": deduction})
        return -deduction

    def explain(self, step: Mapping[str, Any], words: TraceWords, paid: float) -> list[TraceLine]:
        units, charged = float(step["units"][0]), float(step["charged"][0])
        cap = "" if self.cap is None else f", at most {words.money(self.cap)}"
        return [("penalty", self.name, f"penalty: {self.metric} {words.number(units)} − free {self.free:g} = "
                 f"{words.number(charged)} × {words.money(self.per_unit)}{cap}", paid)]

    def statement(self, step: Mapping[str, Any], words: StatementWords) -> list[StatementItem]:
        units, charged = float(step["units"][0]), float(step["charged"][0])
        deduction = float(step["deduction"][0])
        out: list[StatementItem] = [("explain.line.penalty", {
            "title": words.title(self), "units": words.value(self.metric, units), "free": words.number(self.free),
            "charged": words.value(self.metric, charged), "per_unit": words.money(self.per_unit)}, -deduction, 0)]
        if self.cap is not None and deduction < self.per_unit * charged:
            out.append(("explain.line.penalty_cap", {"cap": words.money(self.cap)}, None, 1))
        return out

    def tunables(self) -> list[Tunable]:
        out = [Tunable("per_unit", "money", "per_unit", self.per_unit, metric=self.metric, lower=True,
                       at_least=5_000.0)]
        if self.free:
            out.append(Tunable("free", "count", "free", self.free))
        if self.cap is not None:
            out.append(Tunable("cap", "money", "fine_cap", self.cap))
        return out

    def value_marks(self, metric: str) -> list[float]:
        return [self.free + (self.cap / self.per_unit if self.cap else 10.0)] if metric == self.metric else []

    def typical_value(self, metric: str) -> float | None:
        return self.free if metric == self.metric else None

    def fine_terms(self) -> FineTerms:
        return FineTerms(self.metric, self.per_unit, self.free, self.cap)

    def pay_thresholds(self, metric: str) -> list[tuple[float, str]]:
        return []  # a fine only deepens with more units: nothing a rep would aim at
