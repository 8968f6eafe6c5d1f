"""``commission``: a flat rate or tiers (marginal or retroactive) on a value such as revenue or margin."""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ...i18n.messages import msg
from ...curves import _reach_tolerance
from .._base import Problems, _check_keys, _check_number, _fmt, _is_number, _join, _num_out, _suggest
from ._base import (ComponentKind, Facts, Note, RegulationWords, StatementItem, StatementWords, TraceLine, TraceWords,
                    Tunable, check_metric, copy_keys, register, require)


@dataclass(frozen=True)
class Tier:
    """One commission tier: from ``start`` (a value, or a fraction of target) on, pay ``rate``."""

    start: float
    rate: float

    def to_dict(self) -> dict[str, Any]:
        return {"from": _num_out(self.start), "rate": _num_out(self.rate)}


@register
@dataclass(frozen=True)
class Commission(ComponentKind):
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

    kind: ClassVar[str] = "commission"
    keys: ClassVar[frozenset[str]] = frozenset({"name", "kind", "metric", "rate", "tiers", "tiers_on", "method",
                                                "cap"})
    order: ClassVar[int] = 30

    def __post_init__(self) -> None:
        object.__setattr__(self, "tiers", tuple(self.tiers))
        super().__post_init__()

    def problems(self, path: str) -> Problems:
        out = super().problems(path)
        check_metric(out, path, self.metric)
        if (self.rate is None) == (not self.tiers):
            out.append((path, msg("plan_errors.rate_or_tiers_both" if self.rate is not None
                                  else "plan_errors.rate_or_tiers_neither")))
        if self.rate is not None:
            _check_number(out, _join(path, "rate"), self.rate, what="rate")
        for i, tier in enumerate(self.tiers):
            tp = f"{_join(path, 'tiers')}[{i}]"
            _check_number(out, _join(tp, "from"), tier.start, what="tier start")
            _check_number(out, _join(tp, "rate"), tier.rate, what="rate")
            if i and _is_number(tier.start) and _is_number(self.tiers[i - 1].start) \
                    and not tier.start > self.tiers[i - 1].start:
                out.append((_join(tp, "from"), msg("plan_errors.tiers_order", value=_fmt(tier.start),
                                                   previous=_fmt(self.tiers[i - 1].start))))
        if self.tiers_on not in ("value", "attainment"):
            out.append((_join(path, "tiers_on"), msg("plan_errors.tiers_on", value=_fmt(self.tiers_on),
                                                     suggestion=_suggest(self.tiers_on, ("value", "attainment")))))
        if self.method not in ("marginal", "retroactive"):
            out.append((_join(path, "method"), msg("plan_errors.method", value=_fmt(self.method),
                                                   suggestion=_suggest(self.method, ("marginal", "retroactive")))))
        if self.cap is not None:
            _check_number(out, _join(path, "cap"), self.cap, what="cap")
        return out

    @classmethod
    def parse_fields(cls, data: Mapping[str, Any], path: str, problems: Problems) -> dict[str, Any]:
        args = copy_keys(data, ("metric", "rate", "tiers_on", "method", "cap"))
        require(data, "metric", path, problems)
        if "tiers" in data:
            tiers = data["tiers"]
            tp = _join(path, "tiers")
            parsed: list[Tier] = []
            if not isinstance(tiers, list) or not tiers:
                problems.append((tp, msg("plan_errors.tiers_list")))
            else:
                for i, tier in enumerate(tiers):
                    here = f"{tp}[{i}]"
                    if not isinstance(tier, Mapping):
                        problems.append((here, msg("plan_errors.tier_shape")))
                        continue
                    _check_keys(tier, {"from", "rate"}, here, problems)
                    missing = [k for k in ("from", "rate") if k not in tier]
                    for k in missing:
                        problems.append((_join(here, k), msg("plan_errors.required")))
                    if not missing:
                        parsed.append(Tier(tier["from"], tier["rate"]))
            args["tiers"] = tuple(parsed)
        return args

    def over_periods(self, k: float) -> "Commission":
        """Tiers on a value start at ``from`` × ``k`` and the cap is ``cap`` × ``k`` (amounts per period);
        tiers on attainment and a flat rate need no change."""
        changes: dict[str, Any] = {}
        if self.tiers and self.tiers_on == "value":
            changes["tiers"] = tuple(dataclasses.replace(t, start=t.start * k) for t in self.tiers)
        if self.cap is not None:
            changes["cap"] = self.cap * k
        return dataclasses.replace(self, **changes) if changes else self

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

    # -- pay
    def tier_starts(self, cols: Facts) -> np.ndarray:
        """Tier starts as amounts, shape (rows, tiers): ``from`` or ``from × target``."""
        starts = np.array([t.start for t in self.tiers])
        if self.tiers_on == "attainment":
            return cols.targets[self.metric][:, None] * starts[None, :]
        return np.broadcast_to(starts, (cols.n, len(starts)))

    def pay(self, cols: Facts, note: Note) -> np.ndarray:
        value = cols.facts[self.metric]
        detail: dict[str, Any] = {"value": value}
        if self.rate is not None:
            pay = value * self.rate
        else:
            rates = np.array([t.rate for t in self.tiers])
            starts = self.tier_starts(cols)
            if self.method == "marginal":
                widths = np.diff(starts, axis=1, append=np.inf)
                slices = np.clip(value[:, None] - starts, 0.0, widths)
                pay = slices @ rates
                detail["slices"] = slices
            else:
                # The band is decided where the contract states it (attainment or value), by the boundary rule.
                x = cols.attainment(self.metric) if self.tiers_on == "attainment" else value
                froms = np.array([t.start for t in self.tiers])
                band = np.searchsorted(froms - _reach_tolerance(froms), x, side="right") - 1
                pay = np.where(band < 0, 0.0, rates[np.maximum(band, 0)] * value)
                detail["band"] = band
            detail["starts"] = starts
        if self.cap is not None:
            detail["uncapped"] = pay
            pay = np.minimum(pay, self.cap)
        if note:
            detail["pay"] = pay
            note(detail)
        return pay

    # -- words
    def explain(self, step: Mapping[str, Any], words: TraceWords, paid: float) -> list[TraceLine]:
        num, money = words.number, words.money
        value = float(step["value"][0])
        if self.rate is not None:
            detail = f"commission: {self.metric} {num(value)} × rate {self.rate:g}"
            pay = value * self.rate
        elif self.method == "marginal":
            starts = step["starts"][0]
            slices = step["slices"][0]
            parts = [f"{num(s)} × {t.rate:g} (from {num(float(a))})"
                     for s, t, a in zip(slices, self.tiers, starts) if s > 0]
            detail = (f"commission, marginal tiers on {self.metric} {num(value)}: "
                      + (" + ".join(parts) if parts else f"below the first tier {num(float(starts[0]))}"))
            pay = float(slices @ [t.rate for t in self.tiers])
        else:
            band = int(step["band"][0])
            starts = step["starts"][0]
            if band < 0:
                detail = (f"commission, retroactive: {self.metric} {num(value)} is below the first tier "
                          f"{num(float(starts[0]))}")
                pay = 0.0
            else:
                rate = self.tiers[band].rate
                detail = (f"commission, retroactive: {self.metric} {num(value)} reached the tier from "
                          f"{num(float(starts[band]))}; the whole value × {rate:g}")
                pay = value * rate
        if "uncapped" in step:
            capped = min(pay, self.cap)
            detail += f"; component cap {money(self.cap)}" + (" reached" if capped < pay else " not reached")
            pay = capped
        return [("component", self.name, detail, pay)]

    def statement(self, step: Mapping[str, Any], words: StatementWords) -> list[StatementItem]:
        value = float(step["value"][0])
        shown = words.value(self.metric, value)
        pay = float(step["pay"][0])  # the engine's amount, after the component's own cap
        if self.rate is not None:
            key, fields = "explain.line.commission", {"value": shown, "rate": words.rate(self.rate)}
        elif self.method == "marginal":
            slices, starts = step["slices"][0], step["starts"][0]
            parts = [words.t("explain.tier_part", value=words.value(self.metric, float(s)),
                             rate=words.rate(tier.rate))
                     for s, tier in zip(slices, self.tiers) if s > 0]
            key, fields = ("explain.line.commission_tiers", {"parts": " + ".join(parts)}) if parts else \
                ("explain.line.commission_below",
                 {"value": shown, "start": words.value(self.metric, float(starts[0]))})
        else:
            band, starts = int(step["band"][0]), step["starts"][0]
            start = words.value(self.metric, float(starts[max(band, 0)]))
            key, fields = ("explain.line.commission_below", {"value": shown, "start": start}) if band < 0 \
                else ("explain.line.commission_retro",
                      {"value": shown, "start": start, "rate": words.rate(self.tiers[band].rate)})
        out: list[StatementItem] = [(key, {"title": words.title(self), **fields}, pay, 0)]
        if "uncapped" in step and float(step["uncapped"][0]) > self.cap:
            out.append(("explain.line.component_cap", {"cap": words.money(self.cap)}, None, 1))
        return out

    # -- tuning and design checks
    def tunables(self) -> list[Tunable]:
        out: list[Tunable] = []
        if self.rate is not None:
            out.append(Tunable("rate", "rate", "rate", self.rate))
        for j, tier in enumerate(self.tiers):
            row = f"tiers[{j}]"
            if self.tiers_on == "attainment":
                out.append(Tunable(f"{row}.from", "attainment", "tier_from", tier.start, n=j + 1, row=row))
            else:
                out.append(Tunable(f"{row}.from", "money", "tier_from", tier.start, n=j + 1, row=row,
                                   at_least=1_000_000.0))
            out.append(Tunable(f"{row}.rate", "rate", "tier_rate", tier.rate, row=row))
        if self.cap is not None:
            out.append(Tunable("cap", "money", "component_cap", self.cap))
        return out

    def value_marks(self, metric: str) -> list[float]:
        return [t.start for t in self.tiers] if metric == self.metric else []

    def pay_thresholds(self, metric: str) -> list[tuple[float, str]]:
        return [(tier.start, self.tiers_on) for tier in self.tiers] if metric == self.metric else []

    def attainment_jumps(self, metric: str) -> list[float]:
        on_attainment = metric == self.metric and self.tiers_on == "attainment"
        return [t.start for t in self.tiers if t.start > 0] if on_attainment else []

    def reads(self) -> list[tuple[str, str]]:
        return [(self.metric, "attainment" if self.tiers_on == "attainment" else "value")]

    def regulation_rows(self, words: RegulationWords) -> list[list[str]]:
        basis = "attainment" if self.tiers_on == "attainment" else "value"
        return [[words.title(self), words.label(self.metric), words.target(self.metric, basis), "—", "—",
                 self._regulation_scale(words)]]

    def _regulation_scale(self, words: RegulationWords) -> str:
        """The rate or the tiers, and the cap, as the regulation states them."""
        if self.rate is not None:
            text = words.t("regulation.commission.flat", rate=words.rate(self.rate),
                           metric=words.metric(self.metric, "gen"))
        else:
            start = (lambda v: words.t("regulation.of_plan", x=words.pct(v))) if self.tiers_on == "attainment" \
                else (lambda v: words.value(self.metric, v))
            tiers = "; ".join(words.t("regulation.commission.tier", start=start(tier.start), rate=words.rate(tier.rate))
                              for tier in self.tiers)
            key = "regulation.commission.marginal" if self.method == "marginal" else "regulation.commission.retroactive"
            text = words.t(key, tiers=tiers)
        if self.cap is not None:
            text += "; " + words.t("regulation.commission.cap", cap=words.money(self.cap))
        return text
