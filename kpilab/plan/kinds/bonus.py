"""``bonus``: pays a share of the target bonus (or an amount) × a curve of one metric."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ...i18n.messages import msg
from ...curves import curve_values
from .._base import Problems, _join
from ..curve import Curve
from ._base import (ComponentKind, Facts, Note, RegulationWords, StatementItem, StatementWords, TraceLine, TraceWords,
                    Tunable, amount_at_target, amount_words, check_basis, check_metric, check_money, copy_keys,
                    curve_arg, money_tunables, register, require)


@register
@dataclass(frozen=True)
class Bonus(ComponentKind):
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

    kind: ClassVar[str] = "bonus"
    keys: ClassVar[frozenset[str]] = frozenset({"name", "kind", "metric", "share", "amount", "curve", "basis"})
    order: ClassVar[int] = 10

    def problems(self, path: str) -> Problems:
        out = super().problems(path)
        check_metric(out, path, self.metric)
        check_money(out, path, self.share, self.amount)
        check_basis(out, path, self.basis)
        if not isinstance(self.curve, Curve):
            out.append((_join(path, "curve"), msg("plan_errors.required")))
        return out

    @classmethod
    def parse_fields(cls, data: Mapping[str, Any], path: str, problems: Problems) -> dict[str, Any]:
        args = copy_keys(data, ("metric", "share", "amount", "basis"))
        require(data, "metric", path, problems)
        args["curve"] = curve_arg(data, "curve", path, problems)
        return args

    def attainment_metrics(self) -> set[str]:
        return {self.metric} if self.basis == "attainment" else set()

    def to_dict(self) -> dict[str, Any]:
        out = {"name": self.name, "kind": self.kind, "metric": self.metric, **self.money(),
               "curve": self.curve.to_dict()}
        if self.basis != "attainment":
            out["basis"] = self.basis
        return out

    def pay(self, cols: Facts, note: Note) -> np.ndarray:
        return curve_pay(self, cols, cols.x(self.metric, self.basis), note)

    def explain(self, step: Mapping[str, Any], words: TraceWords, paid: float) -> list[TraceLine]:
        x, factor, amount = float(step["x"][0]), float(step["factor"][0]), float(step["amount"][0])
        return [("component", self.name, f"bonus: {words.reading(self.metric, self.basis, x)}; curve "
                 f"{words.curve(self.curve, x, self.basis == 'attainment')}; "
                 f"{amount_words(self, amount, words)} × {factor:.6g}", amount * factor)]

    def statement(self, step: Mapping[str, Any], words: StatementWords) -> list[StatementItem]:
        x, factor, amount = float(step["x"][0]), float(step["factor"][0]), float(step["amount"][0])
        ff = words.facts(self.metric, self.basis, x)
        key = "explain.line.bonus" if "target" in ff else "explain.line.bonus_fact"
        return [(key, {"title": words.title(self), "coef": words.coef(factor), "money": words.money(amount), **ff},
                 amount * factor, 0)]

    def tunables(self) -> list[Tunable]:
        return money_tunables(self) + [Tunable("curve", "curve", "", self.curve.to_dict(), metric=self.metric,
                                               by_value=self.basis == "value")]

    def value_marks(self, metric: str) -> list[float]:
        return list(self.curve.xs) if metric == self.metric and self.basis == "value" else []

    def pay_thresholds(self, metric: str) -> list[tuple[float, str]]:
        return [(x, self.basis) for x in self.curve.xs] if metric == self.metric else []

    def attainment_jumps(self, metric: str) -> list[float]:
        return self.curve.jumps() if metric == self.metric and self.basis == "attainment" else []

    def regulation_rows(self, words: RegulationWords) -> list[list[str]]:
        return [[words.title(self), words.label(self.metric), words.target(self.metric, self.basis),
                 words.weight(self), words.at_target(self), words.scale(self.curve, self.metric, self.basis)]]


def curve_pay(comp: Any, cols: Facts, x: np.ndarray, note: Note) -> np.ndarray:
    """amount × curve(x): the arithmetic a bonus and a team bonus share."""
    factor = curve_values(comp.curve, x)
    amount = amount_at_target(comp, cols)
    if note:
        note({"x": x, "factor": factor, "amount": amount})
    return amount * factor
