"""Which controls a plan gets: one spec per tunable number, keyed by the plan's own key path.

Pure data (no widgets): :func:`control_specs` reads a plan and returns, in
display order, where each control writes (``"components[0].kpis.calls.weight"``),
what it says in the chosen language, its range, step and display format. The
controls module turns specs into sliders; tests read specs directly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..engine.explain import component_title, plan_title
from ..i18n import label, t
from ..plan import Plan, Tunable

__all__ = ["ControlSpec", "control_specs", "section_title", "control_class", "name_of", "words", "plan_name"]


def words(key: str, lang: str, **fields: Any) -> str:
    """The dashboard's text ``dashboard.<key>`` in ``lang``."""
    return t(f"dashboard.{key}", lang, **fields)


def name_of(key: Any, lang: str) -> str:
    """A metric / component / archetype name in ``lang``; unknown names humanised, first letter up."""
    text = label(str(key), lang)
    return text[:1].upper() + text[1:] if text else text


def plan_name(plan: Any, lang: str) -> str:
    """A plan's name in ``lang``: the plan file's own word for it when it has one (:func:`kpilab.engine.explain.plan_title`)."""
    return plan_title(plan, lang)


def control_class(path: str) -> str:
    """The CSS class the control for ``path`` carries (``"kp-ctl-components-0-share"``), for browser tests."""
    return "kp-ctl-" + "".join(ch if ch.isalnum() or ch == "_" else "-" for ch in path).strip("-").replace("--", "-")


@dataclass(frozen=True)
class ControlSpec:
    """One control: where it writes (a plan key path), what it says, its range and display format.

    ``fmt`` is a d3 format as ipywidgets reads it; a ``%`` format means the plan
    holds a fraction and a person types percent.
    """

    path: str
    section: str
    text: str
    low: float
    high: float
    step: float
    fmt: str
    row: str | None = None  # controls sharing a row (a curve point's x and y, a tier's from and rate)

    @property
    def percent(self) -> bool:
        return self.fmt.endswith("%")


def _nice_step(raw: float) -> float:
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    exp = math.floor(math.log10(raw))
    for mult in (1, 2, 5, 10):
        if mult * 10 ** exp >= raw:
            return float(mult * 10 ** exp)
    return float(10 ** (exp + 1))


def nice_ceiling(value: float, step: float) -> float:
    """``value`` rounded up to a round number of ``step``s with some headroom (a range extended by a typed value)."""
    top = max(value * 1.25, value + step)
    grain = max(_nice_step(top / 10), step)
    return math.ceil(top / grain) * grain


def _money(value: float, at_least: float = 10_000.0) -> tuple[float, float, float]:
    top = max(value * 2.5, at_least)
    step = max(_nice_step(top / 250), 100.0)
    return 0.0, math.ceil(top / step) * step, step


def _upto(value: float, at_least: float) -> float:
    return max(at_least, value * 2.0)


def _scaled(path: str, section: str, text: str, value: float, scale: float, row: str | None = None) -> ControlSpec:
    """A control for a raw value (revenue, deals, a CRM score) whose range and step follow its magnitude."""
    scale = max(abs(scale), abs(value))
    if scale >= 1000:
        low, high, step = _money(scale, at_least=scale)
        return ControlSpec(path, section, text, low, high, step, ",.0f", row=row)
    if scale >= 2:
        return ControlSpec(path, section, text, 0.0, float(math.ceil(max(2.0 * scale, 10.0))), 1.0, ".0f", row=row)
    return ControlSpec(path, section, text, 0.0, max(1.0, 2.0 * scale), 0.01, ".2f", row=row)


def _curve_specs(prefix: str, section: str, curve_dict: Mapping[str, Any], by_value: bool, metric: str,
                 lang: str) -> list[ControlSpec]:
    kind = "points" if "points" in curve_dict else "steps"
    pairs = curve_dict[kind]
    scale = max(abs(float(x)) for x, _ in pairs)
    out: list[ControlSpec] = []
    for j, (x, y) in enumerate(pairs):
        base = f"{prefix}.{kind}[{j}]"
        if by_value:
            xtext = words("point_x_value", lang, n=j + 1, metric=name_of(metric, lang).lower())
            out.append(_scaled(f"{base}[0]", section, xtext, float(x), scale, row=base))
        else:
            xtext = words("point_x", lang, n=j + 1)
            out.append(ControlSpec(f"{base}[0]", section, xtext, 0.0, _upto(x, 2.0), 0.01, ".0%", row=base))
        out.append(ControlSpec(f"{base}[1]", section, words("point_y", lang), 0.0, _upto(y, 2.0), 0.05, ".2f",
                               row=base))
    return out


def _money_spec(path: str, section: str, text: str, value: float) -> ControlSpec:
    low, high, step = _money(value)
    return ControlSpec(path, section, text, low, high, step, ",.0f")


def _leaf_conditions(node: Mapping[str, Any], path: str) -> list[tuple[str, str, str, float]]:
    """(path, op, metric, threshold) of every simple condition under a gate's ``when``."""
    for combo in ("all", "any"):
        if combo in node:
            return [leaf for i, sub in enumerate(node[combo]) for leaf in _leaf_conditions(sub, f"{path}.{combo}[{i}]")]
    op = next(k for k in ("attainment_at_least", "at_least", "at_most") if k in node)
    return [(f"{path}.{op}", op, node["metric"], float(node[op]))]


def _applies_text(applies: Any, lang: str, plan: Plan) -> str:
    """The pay parts a gate or modifier applies to, as a rep reads them (never the plan's internal names)."""
    if isinstance(applies, str):
        return words("all_components", lang)
    by_name = {c.name: c for c in plan.components}
    titles = [component_title(by_name[n], lang, plan) if n in by_name else name_of(n, lang) for n in applies]
    return ", ".join([titles[0], *map(_lower_first, titles[1:])]) if titles else ""


def _lower_first(text: str) -> str:
    """``Bonus for revenue`` -> ``bonus for revenue`` inside a list; ``KPI bonus`` keeps its capitals."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _tunable_specs(tunable: Tunable, p: str, sec: str, lang: str) -> list[ControlSpec]:
    """The controls of one tunable number of a component (its kind says which: :meth:`ComponentKind.tunables`)."""
    path = f"{p}.{tunable.path}"
    if tunable.scale == "curve":
        return _curve_specs(path, sec, tunable.value, tunable.by_value, tunable.metric, lang)
    row = f"{p}.{tunable.row}" if tunable.row else None
    fields: dict[str, Any] = {} if tunable.n is None else {"n": tunable.n}
    if tunable.metric is not None:
        name = name_of(tunable.metric, lang)
        fields["metric"] = name.lower() if tunable.lower else name
    text, v = words(tunable.text, lang, **fields), tunable.value
    if tunable.scale == "money":
        low, high, step = _money(v, at_least=tunable.at_least)
        return [ControlSpec(path, sec, text, low, high, step, ",.0f", row=row)]
    low, high, step, fmt = {"share": (0.0, max(1.0, 2 * v), 0.01, ".0%"),
                            "rate": (0.0, _upto(v, 0.1), 0.001, ".1%"),
                            "weight": (0.0, 1.0, 0.01, ".0%"),
                            "attainment": (0.0, _upto(v, 2.0), 0.01, ".0%"),
                            "count": (0.0, _upto(v, 20.0), 1.0, ".0f")}[tunable.scale]
    return [ControlSpec(path, sec, text, low, high, step, fmt, row=row)]


def _component_specs(i: int, comp: Any, lang: str) -> list[ControlSpec]:
    return [spec for tunable in comp.tunables() for spec in _tunable_specs(tunable, f"components[{i}]",
                                                                          f"component:{i}", lang)]


def control_specs(plan: Plan, lang: str = "en") -> list[ControlSpec]:
    """The controls the tuner shows for ``plan``, in order (sections: pay, components, gates, limits)."""
    d = plan.to_dict()
    specs: list[ControlSpec] = [
        _money_spec("base", "section_pay", words("base", lang), plan.base),
        _money_spec("target_bonus", "section_pay", words("target_bonus", lang), plan.target_bonus),
    ]
    for i, comp in enumerate(plan.components):
        specs += _component_specs(i, comp, lang)
    for i, gd in enumerate(d.get("gates", [])):
        names = _applies_text(gd["applies_to"], lang, plan)
        for path, op, metric, value in _leaf_conditions(gd["when"], f"gates[{i}].when"):
            mname = name_of(metric, lang).lower()
            if op == "attainment_at_least":
                specs.append(ControlSpec(path, "section_gates",
                                         words("gate_attainment", lang, names=names, metric=mname),
                                         0.0, _upto(value, 1.5), 0.01, ".0%"))
            else:
                specs.append(_scaled(path, "section_gates", words(f"gate_{op}", lang, names=names, metric=mname),
                                     value, value))
    for i, md in enumerate(d.get("modifiers", [])):
        specs += _curve_specs(f"modifiers[{i}].curve", f"modifier:{i}", md["curve"], md.get("basis") == "value",
                              md["metric"], lang)
    limits = plan.limits
    if limits.variable_cap_share is not None:
        specs.append(ControlSpec("limits.variable_cap.share", "section_limits", words("cap_share", lang), 0.0,
                                 _upto(limits.variable_cap_share, 5.0), 0.1, ".1f"))
    elif limits.variable_cap is not None:
        specs.append(_money_spec("limits.variable_cap", "section_limits", words("cap_amount", lang),
                                 limits.variable_cap))
    if isinstance(limits.floor, (int, float)) and not isinstance(limits.floor, bool):
        specs.append(_money_spec("limits.floor", "section_limits", words("floor_amount", lang), float(limits.floor)))
    return specs


def section_title(key: str, plan: Plan, lang: str) -> str:
    """The heading of a group of controls (``"section_pay"``, ``"component:2"``, ``"modifier:0"``)."""
    if key.startswith("component:"):
        return component_title(plan.components[int(key.split(":")[1])], lang, plan)
    if key.startswith("modifier:"):
        mod = plan.modifiers[int(key.split(":")[1])]
        return words("modifier", lang, names=_applies_text(mod.applies_to, lang, plan),
                     metric=name_of(mod.metric, lang).lower())
    return words(key, lang)
