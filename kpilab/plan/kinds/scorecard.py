"""``scorecard``: a weighted KPI matrix, paid as a share of the target bonus (or an amount) × its index."""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

from ...i18n.messages import msg
from ...curves import curve_values
from ...metrics import family
from .._base import WEIGHT_TOLERANCE, Problems, _check_keys, _check_number, _fmt, _is_number, _join, _num_out
from ..curve import Curve, parse_curve
from ._base import (ComponentKind, Facts, Note, RegulationWords, StatementItem, StatementWords, TraceLine, TraceWords,
                    Tunable, amount_at_target, amount_words, check_basis, check_metric, check_money, copy_keys,
                    money_tunables, register)


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


@register
@dataclass(frozen=True)
class Scorecard(ComponentKind):
    """``scorecard``: a weighted KPI matrix.

    Reads every KPI's metric. Produces ``name`` = amount × index_curve(Σ weight·curve(x));
    without ``index_curve`` the index is paid as it is.
    """

    kpis: tuple[Kpi, ...] = ()
    share: float | None = None
    amount: float | None = None
    index_curve: Curve | None = None

    kind: ClassVar[str] = "scorecard"
    keys: ClassVar[frozenset[str]] = frozenset({"name", "kind", "share", "amount", "kpis", "index_curve"})
    order: ClassVar[int] = 20

    def __post_init__(self) -> None:
        object.__setattr__(self, "kpis", tuple(self.kpis))
        super().__post_init__()

    def problems(self, path: str) -> Problems:
        out = super().problems(path)
        check_money(out, path, self.share, self.amount)
        kp = _join(path, "kpis")
        if not self.kpis:
            out.append((kp, msg("plan_errors.no_kpi")))
            return out
        for kpi in self.kpis:
            here = _join(kp, kpi.metric)
            check_metric(out, here, kpi.metric)
            _check_number(out, _join(here, "weight"), kpi.weight, what="weight")
            check_basis(out, here, kpi.basis)
        weights = [k.weight for k in self.kpis]
        if all(_is_number(w) for w in weights) and abs(sum(weights) - 1.0) > WEIGHT_TOLERANCE:
            listing = " + ".join(_fmt(w) for w in weights)
            out.append((kp, msg("plan_errors.weights_sum", total=f"{sum(weights):g}", listing=listing)))
        return out

    @classmethod
    def parse_fields(cls, data: Mapping[str, Any], path: str, problems: Problems) -> dict[str, Any]:
        args = copy_keys(data, ("share", "amount"))
        kpis = data.get("kpis")
        kp = _join(path, "kpis")
        parsed: list[Kpi] = []
        if not isinstance(kpis, Mapping) or not kpis:
            problems.append((kp, msg("plan_errors.kpis_required")))
        else:
            for metric, spec in kpis.items():
                here = _join(kp, str(metric))
                if not isinstance(spec, Mapping):
                    problems.append((here, msg("plan_errors.kpi_shape")))
                    continue
                _check_keys(spec, {"weight", "curve", "basis"}, here, problems)
                if "weight" not in spec:
                    problems.append((_join(here, "weight"), msg("plan_errors.required")))
                    continue
                if "curve" not in spec:
                    problems.append((_join(here, "curve"), msg("plan_errors.required")))
                    continue
                curve = parse_curve(spec["curve"], _join(here, "curve"), problems)
                if curve is not None:
                    parsed.append(Kpi(metric, spec["weight"], curve, spec.get("basis", "attainment")))
        args["kpis"] = tuple(parsed)
        if "index_curve" in data:
            args["index_curve"] = parse_curve(data["index_curve"], _join(path, "index_curve"), problems)
        return args

    def reading(self, columns: Mapping[str, str]) -> "Scorecard":
        """The scorecard with each KPI reading the column ``columns`` names for its metric (if any)."""
        kpis = tuple(dataclasses.replace(k, metric=columns.get(k.metric, k.metric)) for k in self.kpis)
        return self if kpis == self.kpis else dataclasses.replace(self, kpis=kpis)

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

    def pay(self, cols: Facts, note: Note) -> np.ndarray:
        index = np.zeros(cols.n)
        lines = []
        for kpi in self.kpis:
            x = cols.x(kpi.metric, kpi.basis)
            factor = curve_values(kpi.curve, x)
            index += kpi.weight * factor
            lines.append((kpi, x, factor))
        paid_index = index if self.index_curve is None else curve_values(self.index_curve, index)
        amount = amount_at_target(self, cols)
        if note:
            note({"kpis": lines, "index": index, "paid_index": paid_index, "amount": amount})
        return amount * paid_index

    def explain(self, step: Mapping[str, Any], words: TraceWords, paid: float) -> list[TraceLine]:
        out: list[TraceLine] = []
        for kpi, x, factor in step["kpis"]:
            x0, f0 = float(x[0]), float(factor[0])
            out.append(("kpi", f"{self.name}.{kpi.metric}", f"{words.reading(kpi.metric, kpi.basis, x0)}; curve "
                        f"{words.curve(kpi.curve, x0, kpi.basis == 'attainment')}; × weight {kpi.weight:g} "
                        f"= {kpi.weight * f0:.6g}", None))
        index, paid_index = float(step["index"][0]), float(step["paid_index"][0])
        amount = float(step["amount"][0])
        curve_words = "" if self.index_curve is None else \
            f"; index curve {words.curve(self.index_curve, index, False)}"
        out.append(("component", self.name, f"scorecard: index {index:.6g}{curve_words}; "
                    f"{amount_words(self, amount, words)} × {paid_index:.6g}", amount * paid_index))
        return out

    def statement(self, step: Mapping[str, Any], words: StatementWords) -> list[StatementItem]:
        index, paid = float(step["index"][0]), float(step["paid_index"][0])
        amount = float(step["amount"][0])
        out: list[StatementItem] = []
        for kpi, x, factor in step["kpis"]:
            ff = words.facts(kpi.metric, kpi.basis, float(x[0]))
            key = "explain.line.kpi" if "target" in ff else "explain.line.kpi_fact"
            out.append((key, {"metric": words.label(kpi.metric), "coef": words.coef(float(factor[0])),
                              "weight": words.rate(kpi.weight), **ff}, None, 1))
        title = words.title(self)
        if self.index_curve is None:
            out.append(("explain.line.scorecard", {"title": title, "index": words.coef(index),
                                                   "money": words.money(amount)}, amount * paid, 0))
        else:
            out.append(("explain.line.scorecard_curve", {"title": title, "index": words.coef(index),
                                                         "coef": words.coef(paid), "money": words.money(amount)},
                        amount * paid, 0))
        return out

    def title(self, words: StatementWords) -> str:
        activity = all(family(k.metric) == "activity" for k in self.kpis)
        return words.t("explain.title.scorecard_activity" if activity else "explain.title.scorecard")

    def tunables(self) -> list[Tunable]:
        out = money_tunables(self)
        if len(self.kpis) > 1:
            out += [Tunable(f"kpis.{kpi.metric}.weight", "weight", "weight", kpi.weight, metric=kpi.metric)
                    for kpi in self.kpis]
        if self.index_curve is not None:
            out.append(Tunable("index_curve", "curve", "", self.index_curve.to_dict(), metric="index",
                               by_value=True))
        return out

    def value_marks(self, metric: str) -> list[float]:
        return [x for k in self.kpis if k.metric == metric and k.basis == "value" for x in k.curve.xs]

    def pay_thresholds(self, metric: str) -> list[tuple[float, str]]:
        return [(x, k.basis) for k in self.kpis if k.metric == metric for x in k.curve.xs]

    def attainment_jumps(self, metric: str) -> list[float]:
        return [x for k in self.kpis if k.metric == metric and k.basis == "attainment" for x in k.curve.jumps()]

    def reads(self) -> list[tuple[str, str]]:
        return [(k.metric, k.basis) for k in self.kpis]

    def without(self, metrics: set[str]) -> "Scorecard | None":
        """The scorecard without the KPIs on ``metrics``, the others' weights renormalised to sum to 1
        (their proportions kept); None when no KPI is left."""
        kept = [k for k in self.kpis if k.metric not in metrics]
        if not kept:
            return None
        if len(kept) == len(self.kpis):
            return self
        total = sum(k.weight for k in kept)
        return replace(self, kpis=tuple(replace(k, weight=k.weight / total) for k in kept))

    def part_weights(self) -> dict[str, float]:
        return {k.metric: k.weight for k in self.kpis}

    def regulation_rows(self, words: RegulationWords) -> list[list[str]]:
        """One row per KPI."""
        share = words.weight(self)
        return [[words.title(self), words.label(k.metric), words.target(k.metric, k.basis),
                 words.t("regulation.kpi_weight", weight=words.pct(k.weight), share=share), words.at_target(self),
                 words.scale(k.curve, k.metric, k.basis)] for k in self.kpis]

    def metric_shares(self, x: np.ndarray, targets: Mapping[str, float]) -> list[tuple[str, np.ndarray]]:
        """Each KPI's weight × curve at ``x`` of plan, over their sum: the part of the pay each KPI brings."""
        parts = np.vstack([k.weight * curve_values(k.curve, x if k.basis == "attainment"
                                                   else x * float(targets.get(k.metric, 1.0)))
                           for k in self.kpis])
        tot = parts.sum(axis=0)
        shares = np.divide(parts, tot, out=np.zeros_like(parts), where=tot > 0)
        return [(k.metric, sh) for k, sh in zip(self.kpis, shares)]
