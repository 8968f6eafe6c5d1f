"""The free numbers of a search: key paths of the plan with bounds, and the candidate plan they make.

:func:`parse_free` checks ``{key path: [low, high]}`` against the plan (the
paths :mod:`kpilab.plan.paths` reads and writes); :func:`candidate_plan`
rebuilds the plan with the numbers set, through the plan contract (KPI
weights of a scorecard kept summing to 1); :func:`falling_segments` counts the
curve segments that fall as their input rises (the ``monotone`` constraint).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...errors import PlanError
from ...i18n import fmt_number
from ...i18n.messages import message_lang, msg
from ...plan import Plan, Scheme
from ...plan._base import _fmt
from ...plan.paths import get_at, parse_path

__all__ = ["Free", "parse_free", "check_starts", "candidate_plan", "falling_segments", "cheaper_free"]

_WEIGHT = re.compile(r"^(?P<card>.*\.kpis)\.(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\.weight$")


@dataclass(frozen=True)
class Free:
    """One free number of the plan: its key path, its bounds, its starting value."""

    path: str
    low: float
    high: float
    start: float
    weight: bool = False  # a scorecard KPI weight (the card's weights are kept summing to 1)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def parse_free(free: Mapping[str, Any], plan: Plan | Scheme, *, source: str | None = None) -> list[Free]:
    """Check the free numbers against the plan: every path exists and is a number, bounds ``[low, high]``.

    Parameters
    ----------
    free
        ``{key path: [low, high]}``, e.g. ``{"target_bonus": [30000, 90000]}``.
    plan
        The starting plan.
    source
        The file ``free`` came from, for the message.

    Raises
    ------
    PlanError
        Every problem at once, each under ``free.<key path>``.
    """
    if not isinstance(free, Mapping) or not free:
        raise PlanError([("free", msg("plan_errors.free_required"))],
                        source=source)
    problems: list[tuple[str, str]] = []
    out: list[Free] = []
    for path, bounds in free.items():
        where = f"free.{path}"
        try:
            parse_path(str(path))
            value = get_at(plan, str(path))
        except (ValueError, KeyError) as exc:
            problems.append((where, str(exc.args[0]) if exc.args else msg("plan_errors.free_not_path")))
            continue
        if not _number(value):
            problems.append((where, msg("plan_errors.free_not_number")))
            continue
        if not (isinstance(bounds, (list, tuple)) and len(bounds) == 2 and all(_number(b) for b in bounds)):
            problems.append((where, msg("plan_errors.free_bounds", value=_fmt(bounds))))
            continue
        low, high = float(bounds[0]), float(bounds[1])
        if not low < high:
            problems.append((where, msg("plan_errors.free_order", low=f"{low:g}", high=f"{high:g}")))
            continue
        is_weight = bool(_WEIGHT.match(str(path)))
        if is_weight and not (0.0 <= low and high <= 1.0):
            problems.append((where, msg("plan_errors.free_weight", low=f"{low:g}", high=f"{high:g}")))
            continue
        out.append(Free(str(path), low, high, float(value), is_weight))
    problems.extend(_start_problems(out))
    if problems:
        raise PlanError(problems, source=source)
    return out


def _plain(value: float) -> str:
    """A number as written in a plan, in the session's language: 45 000, 0,1 (no trailing zeros)."""
    text = f"{value:.10g}"
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    return fmt_number(value, message_lang(), decimals)


def _start_problems(items: Sequence[Free]) -> list[tuple[str, str]]:
    """A free number whose starting value (the plan's own) lies outside its bounds, as ``(free.<path>, message)``.

    The search starts from the plan as it is; moving that start silently to the nearest bound would
    search around a plan the user never wrote, and report its changes against the wrong one.
    """
    return [(f"free.{f.path}", msg("optimize.error.start_outside", value=_plain(f.start),
                                   low=_plain(f.low), high=_plain(f.high)))
            for f in items if not f.low <= f.start <= f.high]


def check_starts(items: Sequence[Free], source: str | None = None) -> None:
    """Raise :class:`~kpilab.errors.PlanError` naming every free number that starts outside its bounds."""
    problems = _start_problems(items)
    if problems:
        raise PlanError(problems, source=source)


def _set(data: Any, path: str, value: float) -> None:
    keys = parse_path(path)
    node = data
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value


def _get(data: Any, path: str) -> Any:
    node = data
    for key in parse_path(path):
        node = node[key]
    return node


def candidate_plan(plan: Plan | Scheme, free: Sequence[Free], x: Sequence[float]) -> Plan | Scheme:
    """The plan with the free numbers set to ``x`` (one rebuild, validated by the contract).

    Free KPI weights take their values; the card's other KPIs share what is
    left of 1 in their starting proportions (all free: the weights are scaled
    to sum to 1).

    Raises
    ------
    PlanError
        When the values break the contract (the reason names the key path).
    """
    data = plan.to_dict()
    cards: dict[str, list[tuple[str, float]]] = {}
    for item, value in zip(free, x):
        value = float(value)
        if item.weight:
            match = _WEIGHT.match(item.path)
            cards.setdefault(match["card"], []).append((match["metric"], value))
        else:
            _set(data, item.path, value)
    for card, chosen in cards.items():
        kpis = _get(data, card)
        fixed = [m for m in kpis if m not in dict(chosen)]
        taken = math.fsum(v for _, v in chosen)
        if not fixed:
            for metric, value in chosen:
                kpis[metric]["weight"] = value / taken if taken > 0 else 1.0 / len(chosen)
            continue
        if taken > 1.0 + 1e-12:
            raise PlanError([(card, msg("plan_errors.free_weights_sum", total=f"{taken:.4g}"))])
        rest = 1.0 - taken
        was = math.fsum(float(kpis[m]["weight"]) for m in fixed)
        for metric, value in chosen:
            kpis[metric]["weight"] = value
        for metric in fixed[:-1]:
            kpis[metric]["weight"] = float(kpis[metric]["weight"]) / was * rest if was > 0 else rest / len(fixed)
        kpis[fixed[-1]]["weight"] = max(0.0, 1.0 - math.fsum(float(kpis[m]["weight"]) for m in kpis
                                                              if m != fixed[-1]))
    return type(plan).from_dict(data)


def _curves(plan: Plan | Scheme) -> list[tuple[str, Any]]:
    out = []
    for role, p in plan.plans().items():
        pre = "" if role is None else f"plans.{role}."
        for i, comp in enumerate(p.components):
            for attr in ("curve", "index_curve"):
                if getattr(comp, attr, None) is not None:
                    out.append((f"{pre}components[{i}].{attr}", getattr(comp, attr)))
            for kpi in getattr(comp, "kpis", ()):
                out.append((f"{pre}components[{i}].kpis.{kpi.metric}.curve", kpi.curve))
        for i, mod in enumerate(p.modifiers):
            out.append((f"{pre}modifiers[{i}].curve", mod.curve))
    return out


def falling_segments(plan: Plan | Scheme) -> int:
    """How many curve segments of the plan fall as their input rises (0: pay is monotone in every input)."""
    count = 0
    for _, curve in _curves(plan):
        ys = (curve.below, *curve.ys)
        count += sum(1 for a, b in zip(ys, ys[1:]) if b < a - 1e-12)
    return count


def cheaper_free(plan: Plan) -> dict[str, list[float]]:
    """The free numbers of "find the cheapest plan that still passes": what sets how much the plan pays.

    The target bonus from half its value up to its value (the plan may only get
    cheaper there); each component's share of it, and the payout at the first and
    at the last point of each component's payout curve (the entry and the top),
    from half to one and a half times their value, so pay can move between
    components and along the curves; each gate threshold within 20 % of its
    value. About ten numbers for a usual plan: a search of a few hundred plans
    moves them all. Base pay, targets, KPI weights and curves, tiers and limits
    stay as they are: the search reshapes the bonus, it does not rewrite the
    plan. A number at zero stays where it is.
    """
    data = plan.to_dict()
    out: dict[str, list[float]] = {}
    if plan.target_bonus > 0:
        out["target_bonus"] = [0.5 * plan.target_bonus, float(plan.target_bonus)]

    def around(path: str, value: float, low: float, high: float) -> None:
        if _number(value) and value > 0:
            out[path] = [low * value, high * value]

    for i, comp in enumerate(data.get("components", [])):
        if "share" in comp:
            around(f"components[{i}].share", float(comp["share"]), 0.5, 1.5)
        points = comp.get("curve", {}).get("points", []) if isinstance(comp.get("curve"), dict) else []
        for j in sorted({0, len(points) - 1}) if len(points) >= 2 else ():
            around(f"components[{i}].curve.points[{j}][1]", float(points[j][1]), 0.5, 1.5)
    for i, gate in enumerate(data.get("gates", [])):
        when = gate.get("when", {})
        for op in ("at_least", "above"):
            if op in when:
                around(f"gates[{i}].when.{op}", float(when[op]), 0.8, 1.2)
    return out
