"""``team``: pays a share of the target bonus (or an amount) × a curve of the team's attainment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ...i18n.messages import msg
from .._base import Problems, _join
from ..curve import Curve
from ._base import (ComponentKind, Facts, Note, RegulationWords, StatementItem, StatementWords, TraceLine, TraceWords,
                    Tunable, amount_words, check_metric, check_money, copy_keys, curve_arg, money_tunables, register,
                    require)
from .bonus import curve_pay


@register
@dataclass(frozen=True)
class TeamBonus(ComponentKind):
    """``team``: pays amount × curve(team attainment).

    Reads ``metric`` and its target on every row of the same ``team`` and
    ``period`` (and ``scenario``); team attainment = Σ fact / Σ target.
    Produces ``name``.
    """

    metric: str = ""
    curve: Curve = None  # type: ignore[assignment]
    share: float | None = None
    amount: float | None = None

    kind: ClassVar[str] = "team"
    keys: ClassVar[frozenset[str]] = frozenset({"name", "kind", "metric", "share", "amount", "curve"})
    order: ClassVar[int] = 40

    def problems(self, path: str) -> Problems:
        out = super().problems(path)
        check_metric(out, path, self.metric)
        check_money(out, path, self.share, self.amount)
        if not isinstance(self.curve, Curve):
            out.append((_join(path, "curve"), msg("plan_errors.required")))
        return out

    @classmethod
    def parse_fields(cls, data: Mapping[str, Any], path: str, problems: Problems) -> dict[str, Any]:
        args = copy_keys(data, ("metric", "share", "amount"))
        require(data, "metric", path, problems)
        args["curve"] = curve_arg(data, "curve", path, problems)
        return args

    def attainment_metrics(self) -> set[str]:
        return {self.metric}

    def team_metrics(self) -> set[str]:
        return {self.metric}

    def attainment_jumps(self, metric: str) -> list[float]:
        return self.curve.jumps() if metric == self.metric else []  # on the team's attainment

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "metric": self.metric, **self.money(),
                "curve": self.curve.to_dict()}

    def pay(self, cols: Facts, note: Note) -> np.ndarray:
        return curve_pay(self, cols, cols.team_attainment[self.metric], note)

    def explain(self, step: Mapping[str, Any], words: TraceWords, paid: float) -> list[TraceLine]:
        x, factor, amount = float(step["x"][0]), float(step["factor"][0]), float(step["amount"][0])
        return [("component", self.name, f"team bonus: team {self.metric} attainment {x:.1%}; curve "
                 f"{words.curve(self.curve, x, True)}; {amount_words(self, amount, words)} × {factor:.6g}",
                 amount * factor)]

    def statement(self, step: Mapping[str, Any], words: StatementWords) -> list[StatementItem]:
        x, factor, amount = float(step["x"][0]), float(step["factor"][0]), float(step["amount"][0])
        return [("explain.line.team", {"title": words.title(self), "pct": words.pct(x), "coef": words.coef(factor),
                                       "money": words.money(amount)}, amount * factor, 0)]

    def tunables(self) -> list[Tunable]:
        return money_tunables(self) + [Tunable("curve", "curve", "", self.curve.to_dict(), metric=self.metric)]

    def regulation_rows(self, words: RegulationWords) -> list[list[str]]:
        return [[words.title(self), words.t("regulation.team_metric", metric=words.metric(self.metric, "gen")),
                 words.target(self.metric, "attainment"), words.weight(self), words.at_target(self),
                 words.scale(self.curve, self.metric, "attainment")]]
