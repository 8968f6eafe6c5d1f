"""Interactive widgets: the bonus tuner (the owners' dashboard) and a plan comparison.

Both are thin wiring, nothing more::

    slider moves ─► plan.paths.set_at / set_weight (a new Plan, never a mutation)
                 ─► kpilab.evaluate (once, on the whole scenario frame)
                 ─► kpilab.analysis.differentiation (verdict, cost, pay by archetype)
                 ─► kpilab.plots artists updated in place (set_data / set_offsets), one Agg draw

The controls are generated from the plan itself: salary and target bonus,
each component's share or amount, curve points, commission tiers, scorecard
weights (kept summing to 1: the others rescale), gate thresholds, caps and
fines. Each control is keyed by the plan's own key path
(``"components[0].kpis.calls.weight"``), so tests and notebooks can drive it.

Nothing here computes a business number: pay comes from the engine, every
judgement from :mod:`kpilab.analysis`, every chart from :mod:`kpilab.plots`.
"""

from __future__ import annotations

import math
import struct
import time
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as W
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from . import plots
from .analysis import compare, differentiation, payout_curve, profile_team
from .engine import evaluate
from .errors import KpilabError, PlanError
from .i18n import check_lang, format_money, format_number, has_label, label
from .plan import Bonus, Commission, Penalty, Plan, Scheme, Scorecard, TeamBonus, load_plan
from .plan.paths import get_at, numeric_paths, set_at, set_weight

__all__ = ["Tuner", "tuner", "PlanComparison", "comparison", "WORDS", "control_class"]

# --------------------------------------------------------------------------- words
# The tuner's own sentences (EN/RU). Metric, pay and criterion names come from kpilab.i18n.
WORDS: dict[str, dict[str, str]] = {
    "section_pay": {"en": "Salary and target bonus", "ru": "Оклад и целевой бонус"},
    "section_gates": {"en": "Conditions: when bonuses pay at all", "ru": "Условия: когда бонусы вообще платятся"},
    "section_limits": {"en": "Caps and floor", "ru": "Потолок и минимум"},
    "base": {"en": "Salary, per month (fixed)", "ru": "Оклад в месяц (фиксированный)"},
    "target_bonus": {"en": "Target bonus: variable pay at 100 % of every plan",
                     "ru": "Целевой бонус: переменная часть при 100 % всех планов"},
    "share": {"en": "Share of the target bonus", "ru": "Доля целевого бонуса"},
    "amount": {"en": "Amount at 100 % of plan, per month", "ru": "Сумма при 100 % плана в месяц"},
    "weight": {"en": "Weight of {metric} in the scorecard", "ru": "Вес показателя «{metric}»"},
    "point_x": {"en": "Point {n}: at", "ru": "Точка {n}: при"},
    "point_x_value": {"en": "Point {n}: at {metric}", "ru": "Точка {n}: при «{metric}»"},
    "point_y": {"en": "pays ×", "ru": "платит ×"},
    "tier_from": {"en": "Tier {n}: from", "ru": "Ступень {n}: от"},
    "tier_rate": {"en": "rate", "ru": "ставка"},
    "rate": {"en": "Commission rate", "ru": "Процент"},
    "component_cap": {"en": "Cap on this component, per month", "ru": "Потолок компонента в месяц"},
    "per_unit": {"en": "Fine per unit of {metric}", "ru": "Штраф за единицу: {metric}"},
    "free": {"en": "Units forgiven each month", "ru": "Прощается единиц в месяц"},
    "fine_cap": {"en": "Largest fine per month", "ru": "Максимальный штраф в месяц"},
    "gate_attainment": {"en": "{names} pay only if {metric} reaches (% of plan)",
                        "ru": "{names}: платится, только если «{metric}» не ниже (% плана)"},
    "gate_at_least": {"en": "{names} pay only if {metric} is at least",
                      "ru": "{names}: платится, только если «{metric}» не меньше"},
    "gate_at_most": {"en": "{names} pay only if {metric} is at most",
                     "ru": "{names}: платится, только если «{metric}» не больше"},
    "all_components": {"en": "All bonuses", "ru": "Все бонусы"},
    "modifier": {"en": "{names} multiplied by a factor of {metric}", "ru": "{names}: множитель от «{metric}»"},
    "cap_share": {"en": "Bonus cap: variable pay at most × target bonus",
                  "ru": "Потолок: переменная часть не больше × целевого бонуса"},
    "cap_amount": {"en": "Bonus cap: variable pay at most, per month", "ru": "Потолок переменной части в месяц"},
    "floor_amount": {"en": "Guaranteed minimum pay, per month", "ru": "Гарантированный минимум в месяц"},
    "kind_bonus": {"en": "{name}: bonus on {metric}", "ru": "{name}: бонус за «{metric}»"},
    "kind_scorecard": {"en": "{name}: KPI scorecard", "ru": "{name}: матрица KPI"},
    "kind_commission": {"en": "{name}: commission on {metric}", "ru": "{name}: процент от «{metric}»"},
    "kind_team": {"en": "{name}: team bonus on {metric}", "ru": "{name}: командный бонус за «{metric}»"},
    "kind_penalty": {"en": "{name}: fine for {metric}", "ru": "{name}: штраф за «{metric}»"},
    "curve_help": {"en": "Payout curve: at this % of plan the component pays this multiple of its amount.",
                   "ru": "Кривая выплат: при таком % плана компонент платит такую долю своей суммы."},
    "save": {"en": "Save plan", "ru": "Сохранить схему"},
    "reset": {"en": "Reset", "ru": "Сбросить"},
    "save_path": {"en": "File", "ru": "Файл"},
    "saved": {"en": "Saved to {path}.", "ru": "Сохранено в {path}."},
    "was_reset": {"en": "Back to the plan as loaded.", "ru": "Схема возвращена к исходной."},
    "rejected": {"en": "Not applied: {message}", "ru": "Не применено: {message}"},
    "updated": {"en": "Updated in {ms} ms.", "ru": "Пересчитано за {ms} мс."},
    "verdict_pass": {"en": "Verdict: PASS — this plan pays for performance",
                     "ru": "Вердикт: ПРОЙДЕНО — схема платит за результат"},
    "verdict_fail": {"en": "Verdict: FAIL — {n} of {m} checks fail",
                     "ru": "Вердикт: НЕ ПРОЙДЕНО — не выполнено {n} из {m} проверок"},
    "status_pass": {"en": "pass", "ru": "да"},
    "status_fail": {"en": "fail", "ru": "нет"},
    "status_na": {"en": "note", "ru": "справка"},
    "crit_rho": {"en": "Pay follows results", "ru": "Оплата следует за результатом"},
    "crit_top_to_minimum": {"en": "Best earn clearly more than minimum-doers",
                            "ru": "Лучшие получают заметно больше «минимальщиков»"},
    "crit_p90_target_multiple": {"en": "Real upside for top performers", "ru": "Реальный потенциал для лучших"},
    "crit_inversions": {"en": "Nobody who brings more earns less", "ru": "Кто приносит больше, не получает меньше"},
    "crit_cost_of_sales": {"en": "Cost of sales within the band", "ru": "Стоимость продаж в заданных пределах"},
    "crit_strength_coverage": {"en": "Specialists earn more than minimum-doers",
                               "ru": "Специалисты получают больше «минимальщиков»"},
    "cost_title": {"en": "What it costs", "ru": "Сколько это стоит"},
    "payroll_month": {"en": "Payroll per month", "ru": "ФОТ в месяц"},
    "payroll_year": {"en": "Payroll per year ({n} months)", "ru": "ФОТ за год ({n} мес.)"},
    "budget_band": {"en": "Likely range of the yearly payroll (P10–P90 of {n} simulated years)",
                    "ru": "Вероятный диапазон годового ФОТ (P10–P90 по {n} смоделированным годам)"},
    "variable_share": {"en": "Bonus share of payroll", "ru": "Доля бонусов в ФОТ"},
    "cost_of_sales_text": {"en": "Pay as % of revenue", "ru": "ФОТ в % от выручки"},
    "vs_baseline": {"en": "Change against “{name}”", "ru": "Изменение относительно «{name}»"},
    "per_year": {"en": "per year", "ru": "в год"},
    "no_change": {"en": "no change yet — move a slider", "ru": "пока без изменений — подвиньте ползунок"},
    "baseline": {"en": "Baseline: {name}", "ru": "База: {name}"},
    "now": {"en": "Tuned plan", "ru": "Настроенная схема"},
    "curve_title_all": {"en": "Bonus by % of plan (all KPIs together)",
                        "ru": "Бонус по % плана (все KPI вместе)"},
    "curve_title_metric": {"en": "Bonus by {metric}, % of plan (rest on plan)",
                           "ru": "Бонус по «{metric}», % плана (прочее по плану)"},
    "scatter_title": {"en": "Pay against {measure}: one dot per rep",
                      "ru": "Доход и «{measure}»: точка — менеджер"},
    "budget_title": {"en": "Payroll so far this year (P10–P90)",
                     "ru": "ФОТ с начала года (P10–P90)"},
    "groups_title": {"en": "Median pay by type of rep",
                     "ru": "Медианный доход по типам"},
    "quartile_n": {"en": "Quartile {n}", "ru": "Квартиль {n}"},
    "compare_pick": {"en": "Plans to compare (Ctrl/Cmd-click for several)",
                     "ru": "Схемы для сравнения (Ctrl/Cmd — несколько)"},
    "compare_none": {"en": "Pick at least one plan.", "ru": "Выберите хотя бы одну схему."},
    "metric": {"en": "Metric", "ru": "Показатель"},
    "overall": {"en": "Overall verdict", "ru": "Общий вердикт"},
    "share_losing": {"en": "Reps who lose pay vs the first plan", "ru": "Теряют в доходе относительно первой схемы"},
    "mean_delta": {"en": "Mean change in monthly pay vs the first plan",
                   "ru": "Среднее изменение дохода в месяц относительно первой схемы"},
    "variable_share_metric": {"en": "Bonus share of payroll", "ru": "Доля бонусов в ФОТ"},
    "payroll_metric": {"en": "Payroll per year", "ru": "ФОТ за год"},
}


def _w(key: str, lang: str, **fields: Any) -> str:
    text = WORDS[key][lang]
    return text.format(**fields) if fields else text


def _name(key: Any, lang: str) -> str:
    """A metric / component / archetype name in ``lang``; unknown names humanised, first letter up."""
    text = label(str(key), lang)
    return text[:1].upper() + text[1:] if text else text


def control_class(path: str) -> str:
    """The CSS class the control for ``path`` carries (``"kp-ctl-components-0-share"``), for browser tests."""
    return "kp-ctl-" + "".join(ch if ch.isalnum() or ch == "_" else "-" for ch in path).strip("-").replace("--", "-")


# --------------------------------------------------------------------------- control specs

@dataclass(frozen=True)
class _Spec:
    """One slider: where it writes (a plan key path), what it says, its range."""

    path: str
    section: str
    text: str
    low: float
    high: float
    step: float
    fmt: str
    row: str | None = None          # controls sharing a row (a curve point's x and y, a tier's from and rate)


def _nice_step(raw: float) -> float:
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    exp = math.floor(math.log10(raw))
    for mult in (1, 2, 5, 10):
        if mult * 10 ** exp >= raw:
            return float(mult * 10 ** exp)
    return float(10 ** (exp + 1))


def _money(value: float, at_least: float = 10_000.0) -> tuple[float, float, float]:
    top = max(value * 2.5, at_least)
    step = max(_nice_step(top / 250), 100.0)
    return 0.0, math.ceil(top / step) * step, step


def _upto(value: float, at_least: float) -> float:
    return max(at_least, value * 2.0)


def _scaled(path: str, section: str, text: str, value: float, scale: float, row: str | None = None) -> _Spec:
    """A slider for a raw value (revenue, deals, a CRM score) whose range and step follow its magnitude."""
    scale = max(abs(scale), abs(value))
    if scale >= 1000:
        low, high, step = _money(scale, at_least=scale)
        return _Spec(path, section, text, low, high, step, ",.0f", row=row)
    if scale >= 2:
        return _Spec(path, section, text, 0.0, float(math.ceil(max(2.0 * scale, 10.0))), 1.0, ".0f", row=row)
    return _Spec(path, section, text, 0.0, max(1.0, 2.0 * scale), 0.01, ".2f", row=row)


def _curve_specs(prefix: str, section: str, curve_dict: Mapping[str, Any], by_value: bool, metric: str,
                 lang: str) -> list[_Spec]:
    kind = "points" if "points" in curve_dict else "steps"
    pairs = curve_dict[kind]
    scale = max(abs(float(x)) for x, _ in pairs)
    out: list[_Spec] = []
    for j, (x, y) in enumerate(pairs):
        base = f"{prefix}.{kind}[{j}]"
        if by_value:
            xtext = _w("point_x_value", lang, n=j + 1, metric=_name(metric, lang).lower())
            out.append(_scaled(f"{base}[0]", section, xtext, float(x), scale, row=base))
        else:
            xtext = _w("point_x", lang, n=j + 1)
            out.append(_Spec(f"{base}[0]", section, xtext, 0.0, _upto(x, 2.0), 0.01, ".0%", row=base))
        out.append(_Spec(f"{base}[1]", section, _w("point_y", lang), 0.0, _upto(y, 2.0), 0.05, ".2f", row=base))
    return out


def _money_spec(path: str, section: str, text: str, value: float) -> _Spec:
    low, high, step = _money(value)
    return _Spec(path, section, text, low, high, step, ",.0f")


def _leaf_conditions(node: Mapping[str, Any], path: str) -> list[tuple[str, str, str, float]]:
    """(path, op, metric, threshold) of every simple condition under a gate's ``when``."""
    for combo in ("all", "any"):
        if combo in node:
            return [leaf for i, sub in enumerate(node[combo]) for leaf in _leaf_conditions(sub, f"{path}.{combo}[{i}]")]
    op = next(k for k in ("attainment_at_least", "at_least", "at_most") if k in node)
    return [(f"{path}.{op}", op, node["metric"], float(node[op]))]


def _applies_text(applies: Any, lang: str) -> str:
    if isinstance(applies, str):
        return _w("all_components", lang)
    return ", ".join(_name(n, lang) for n in applies)


def control_specs(plan: Plan, lang: str = "en") -> list[_Spec]:
    """The sliders the tuner shows for ``plan``, in order (sections: pay, components, gates, limits)."""
    d = plan.to_dict()
    specs: list[_Spec] = [
        _money_spec("base", "section_pay", _w("base", lang), plan.base),
        _money_spec("target_bonus", "section_pay", _w("target_bonus", lang), plan.target_bonus),
    ]
    for i, (comp, cd) in enumerate(zip(plan.components, d["components"])):
        p = f"components[{i}]"
        sec = f"component:{i}"
        if "share" in cd:
            specs.append(_Spec(f"{p}.share", sec, _w("share", lang), 0.0, max(1.0, 2 * cd["share"]), 0.01, ".0%"))
        elif "amount" in cd:
            specs.append(_money_spec(f"{p}.amount", sec, _w("amount", lang), cd["amount"]))
        if isinstance(comp, (Bonus, TeamBonus)):
            by_value = getattr(comp, "basis", "attainment") == "value"
            specs += _curve_specs(f"{p}.curve", sec, cd["curve"], by_value, comp.metric, lang)
        elif isinstance(comp, Scorecard):
            if len(comp.kpis) > 1:
                for kpi in comp.kpis:
                    specs.append(_Spec(f"{p}.kpis.{kpi.metric}.weight", sec,
                                       _w("weight", lang, metric=_name(kpi.metric, lang)), 0.0, 1.0, 0.01, ".0%"))
            if "index_curve" in cd:
                specs += _curve_specs(f"{p}.index_curve", sec, cd["index_curve"], True, "index", lang)
        elif isinstance(comp, Commission):
            on_attainment = comp.tiers_on == "attainment"
            if comp.rate is not None:
                specs.append(_Spec(f"{p}.rate", sec, _w("rate", lang), 0.0, _upto(comp.rate, 0.1), 0.001, ".1%"))
            for j, tier in enumerate(comp.tiers):
                row = f"{p}.tiers[{j}]"
                text = _w("tier_from", lang, n=j + 1)
                if on_attainment:
                    specs.append(_Spec(f"{row}.from", sec, text, 0.0, _upto(tier.start, 2.0), 0.01, ".0%", row=row))
                else:
                    low, high, step = _money(tier.start, at_least=1_000_000.0)
                    specs.append(_Spec(f"{row}.from", sec, text, low, high, step, ",.0f", row=row))
                specs.append(_Spec(f"{row}.rate", sec, _w("tier_rate", lang), 0.0, _upto(tier.rate, 0.1), 0.001,
                                   ".1%", row=row))
            if comp.cap is not None:
                specs.append(_money_spec(f"{p}.cap", sec, _w("component_cap", lang), comp.cap))
        elif isinstance(comp, Penalty):
            low, high, step = _money(comp.per_unit, at_least=5_000.0)
            specs.append(_Spec(f"{p}.per_unit", sec, _w("per_unit", lang, metric=_name(comp.metric, lang).lower()),
                               low, high, max(step, 50.0), ",.0f"))
            if "free" in cd:
                specs.append(_Spec(f"{p}.free", sec, _w("free", lang), 0.0, _upto(comp.free, 20.0), 1.0, ".0f"))
            if comp.cap is not None:
                specs.append(_money_spec(f"{p}.cap", sec, _w("fine_cap", lang), comp.cap))
    for i, gd in enumerate(d.get("gates", [])):
        names = _applies_text(gd["applies_to"], lang)
        for path, op, metric, value in _leaf_conditions(gd["when"], f"gates[{i}].when"):
            mname = _name(metric, lang).lower()
            if op == "attainment_at_least":
                specs.append(_Spec(path, "section_gates", _w("gate_attainment", lang, names=names, metric=mname),
                                   0.0, _upto(value, 1.5), 0.01, ".0%"))
            else:
                specs.append(_scaled(path, "section_gates", _w(f"gate_{op}", lang, names=names, metric=mname),
                                     value, value))
    for i, md in enumerate(d.get("modifiers", [])):
        sec = f"modifier:{i}"
        specs += _curve_specs(f"modifiers[{i}].curve", sec, md["curve"], md.get("basis") == "value", md["metric"],
                              lang)
    limits = plan.limits
    if limits.variable_cap_share is not None:
        specs.append(_Spec("limits.variable_cap.share", "section_limits", _w("cap_share", lang), 0.0,
                           _upto(limits.variable_cap_share, 5.0), 0.1, ".1f"))
    elif limits.variable_cap is not None:
        specs.append(_money_spec("limits.variable_cap", "section_limits", _w("cap_amount", lang), limits.variable_cap))
    if isinstance(limits.floor, (int, float)) and not isinstance(limits.floor, bool):
        specs.append(_money_spec("limits.floor", "section_limits", _w("floor_amount", lang), float(limits.floor)))
    return specs


def _section_title(key: str, plan: Plan, lang: str) -> str:
    if key.startswith("component:"):
        comp = plan.components[int(key.split(":")[1])]
        metric = _name(getattr(comp, "metric", ""), lang).lower()
        return _w(f"kind_{comp.kind}", lang, name=_name(comp.name, lang), metric=metric)
    if key.startswith("modifier:"):
        mod = plan.modifiers[int(key.split(":")[1])]
        return _w("modifier", lang, names=_applies_text(mod.applies_to, lang), metric=_name(mod.metric, lang).lower())
    return _w(key, lang)


# --------------------------------------------------------------------------- data

def _simulated_like(team: pd.DataFrame, n_scenarios: int, seed: int) -> pd.DataFrame:
    """``n_scenarios`` simulated years of a department the size and archetype mix of ``team``."""
    from .data.synth import make_scenarios

    n_reps = int(team["rep_id"].nunique())
    periods = int(team["period"].nunique())
    mix = None
    if "archetype" in team.columns:
        counts = team.groupby("rep_id", sort=False)["archetype"].first().value_counts()
        mix = {str(k): float(v) for k, v in counts.items()}
    start = str(team["period"].iloc[0])
    kwargs: dict[str, Any] = {"mix": mix}
    if len(start) == 7 and start[4] == "-":
        kwargs["start"] = start
    return make_scenarios(n_reps, periods, n_scenarios, seed, **kwargs)


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, tag, data, CRC of tag and data."""
    body = tag + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def _png(fig: Figure) -> bytes:
    """The figure as PNG bytes (8-bit RGB), from the canvas just drawn (no second draw).

    Written directly: every row with filter type 0 ("none") and one zlib pass
    at level 1. Charts are large flat areas that deflate well unfiltered, so
    the file is as small as Pillow's (which tries every PNG filter on every row)
    in under half the time; the pixels are the same.
    """
    buf = np.asarray(fig.canvas.buffer_rgba())
    height, width = buf.shape[:2]
    rows = np.empty((height, 1 + 3 * width), np.uint8)
    rows[:, 0] = 0  # each row's filter byte
    rgb = rows[:, 1:].reshape(height, width, 3)
    for channel in range(3):  # one plane at a time: several times faster than one strided RGBA -> RGB copy
        rgb[..., channel] = buf[..., channel]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, truecolour, deflate, no interlace
    return b"".join((b"\x89PNG\r\n\x1a\n", _png_chunk(b"IHDR", header),
                     _png_chunk(b"IDAT", zlib.compress(memoryview(rows).cast("B"), 1)), _png_chunk(b"IEND", b"")))


def _fit(ax: Axes, axis: str, lo: float, hi: float, zero: bool = True, force: bool = False) -> bool:
    """Keep an axis' limits while the data fit them well; otherwise set new ones. True when changed.

    Steady axes while a slider moves make the change visible (the curve moves,
    not the ruler) and let the redraw skip the static parts.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return False
    cur_lo, cur_hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    span = max(hi - lo, abs(hi) * 0.05, 1e-9)
    fits = not force and lo >= cur_lo and hi <= cur_hi and span >= 0.35 * (cur_hi - cur_lo)
    if fits:
        return False
    new_lo = min(0.0, lo - 0.1 * span) if zero else lo - 0.25 * span
    new_hi = hi + 0.3 * span
    if zero and lo >= 0:
        new_lo = 0.0
    (ax.set_ylim if axis == "y" else ax.set_xlim)(new_lo, new_hi)
    return True


# --------------------------------------------------------------------------- the tuner

class Tuner:
    """The bonus tuner: sliders generated from a plan, live charts, verdict and cost.

    Build it with :func:`tuner`. Every slider change makes a new plan
    (:func:`kpilab.plan.paths.set_at`, never a mutation), evaluates it once on
    the whole frame (all scenarios), runs :func:`kpilab.analysis.differentiation`,
    and updates the chart artists in place.

    Attributes
    ----------
    plan : Plan
        The current (tuned) plan.
    original : Plan
        The plan as given; :meth:`reset` returns to it.
    baseline : Plan
        What changes are measured against (default: ``original``).
    data : DataFrame
        The performance frame evaluated (with a ``scenario`` column when simulated).
    payouts : Payouts
        The engine's result for :attr:`plan` on :attr:`data`.
    report, baseline_report : DifferentiationReport
        The analysis of :attr:`plan` and of :attr:`baseline`.
    profile : kpilab.analysis.TeamProfile
        What the analysis reads from :attr:`data` alone (performance, quartiles,
        archetypes, minimum-doers, row groupings), computed once: an update
        only aggregates the pay of the new plan.
    controls : dict
        Key path -> slider (``"target_bonus"``, ``"components[0].kpis.calls.weight"``, ...).
    figure : matplotlib.figure.Figure
        The 2 × 2 chart sheet (Agg canvas), shown through :attr:`image`.
    verdict_html, cost_html, status : ipywidgets.HTML
        The verdict (one line per criterion with its sentence), the cost, messages.
    widget : ipywidgets.Widget
        The whole tuner, ready to display.
    timings : dict
        Seconds spent in the last update: ``plan``, ``evaluate``, ``analysis``, ``draw``, ``total``.
    """

    def __init__(self, plan: Plan, team: pd.DataFrame, baseline: Plan | Scheme | None = None, lang: str = "en",
                 n_scenarios: int = 0, seed: int = 0, save_path: str | Path = "tuned_plan.yaml",
                 figsize: tuple[float, float] = (13.0, 7.2), dpi: int = 85) -> None:
        check_lang(lang)
        if isinstance(plan, Scheme):
            raise KpilabError(f"the tuner tunes one plan; pick a role of scheme '{plan.name}', "
                              f"e.g. scheme.plans()['{next(iter(plan.plans()))}']")
        if not isinstance(plan, Plan):
            raise KpilabError(f"tuner() needs a Plan, got {type(plan).__name__}")
        if not isinstance(team, pd.DataFrame):
            raise KpilabError(f"tuner() needs the team as a DataFrame, got {type(team).__name__}")
        self.lang = lang
        self.original: Plan = plan
        self.plan: Plan = plan
        self.baseline: Plan | Scheme = plan if baseline is None else baseline
        if n_scenarios and "scenario" not in team.columns:
            self.data = _simulated_like(team, int(n_scenarios), seed)
        else:
            self.data = team
        self.n_periods = int(self.data["period"].nunique())
        self.n_scenarios = int(self.data["scenario"].nunique()) if "scenario" in self.data.columns else 0
        self.timings: dict[str, float] = {}
        self._busy = False

        #: what the analysis reads from the team alone, computed once for every plan the sliders make
        self.profile = profile_team(self.data)
        self.baseline_payouts = evaluate(self.baseline, self.data)
        self.baseline_report = differentiation(self.baseline_payouts, lang=lang, profile=self.profile)
        if self.baseline is plan:
            self.payouts, self.report = self.baseline_payouts, self.baseline_report
        else:
            self.payouts = evaluate(plan, self.data)
            self.report = differentiation(self.payouts, lang=lang, profile=self.profile)

        self._background: Any = None
        self._base_curve: Any = None
        self._specs = {s.path: s for s in control_specs(plan, lang)}
        self.controls: dict[str, W.FloatSlider] = {}
        self._build_figure(figsize, dpi)
        self._build_widgets(save_path)
        self._render_text()
        self._draw()

    # ------------------------------------------------------------------ controls
    def _make_slider(self, spec: _Spec) -> W.Widget:
        value = float(get_at(self.plan, spec.path))
        common = {"min": spec.low, "max": max(spec.high, value), "step": spec.step, "continuous_update": False,
                  "readout": True, "description": "", "layout": W.Layout(width="auto", flex="1 1 auto", min_width="120px")}
        slider = W.FloatSlider(value=value, readout_format=spec.fmt, **common)
        slider.add_class("kp-control")
        slider.add_class(control_class(spec.path))
        slider.observe(lambda change, path=spec.path: self._on_slider(path, change), names="value")
        self.controls[spec.path] = slider
        return slider

    def _label(self, text: str, width: str) -> W.HTML:
        return W.HTML(f"<span style='line-height:1.25'>{text}</span>",
                      layout=W.Layout(width=width, min_width=width, margin="0 6px 0 0"))

    def _build_controls(self) -> W.Widget:
        sections: dict[str, list[W.Widget]] = {}
        rows: dict[str, list[_Spec]] = {}
        order: list[tuple[str, str | None, _Spec]] = []
        for spec in self._specs.values():
            if spec.row is not None:
                if spec.row not in rows:
                    order.append((spec.section, spec.row, spec))
                rows.setdefault(spec.row, []).append(spec)
            else:
                order.append((spec.section, None, spec))
        for section, row, spec in order:
            items = sections.setdefault(section, [])
            if row is None:
                items.append(W.HBox([self._label(spec.text, "210px"), self._make_slider(spec)],
                                    layout=W.Layout(align_items="center", width="100%")))
            else:
                parts: list[W.Widget] = []
                for k, s in enumerate(rows[row]):
                    parts += [self._label(s.text, "78px" if k == 0 else "52px"), self._make_slider(s)]
                items.append(W.HBox(parts, layout=W.Layout(align_items="center", width="100%")))
        children, titles = [], []
        for section, items in sections.items():
            if section.startswith(("component:", "modifier:")) and any(
                    self._specs[p].row for p in self._specs if self._specs[p].section == section):
                items.insert(sum(1 for s in self._specs.values() if s.section == section and s.row is None
                                 and ".kpis." not in s.path and not s.path.endswith(".cap")),
                             W.HTML(f"<i style='color:#555'>{_w('curve_help', self.lang)}</i>"))
            children.append(W.VBox(items, layout=W.Layout(width="100%")))
            titles.append(_section_title(section, self.plan, self.lang))
        acc = W.Accordion(children=children, titles=tuple(titles), selected_index=0 if children else None)
        acc.add_class("kp-controls")
        return acc

    def _build_widgets(self, save_path: str | Path) -> None:
        lang = self.lang
        self.title = W.HTML(f"<h3 style='margin:4px 0'>{self.plan.name}</h3>"
                            + (f"<div style='color:#555'>{self.plan.description}</div>" if self.plan.description else ""))
        self.accordion = self._build_controls()
        self.image = W.Image(format="png", layout=W.Layout(width="auto", max_width="100%", height="auto",
                                                           margin="8px auto 0 auto"))
        self.image.add_class("kp-figure")
        self.verdict_html = W.HTML()
        self.verdict_html.add_class("kp-verdict")
        self.cost_html = W.HTML()
        self.cost_html.add_class("kp-cost")
        self.status = W.HTML()
        self.status.add_class("kp-status")
        self.path_box = W.Text(value=str(save_path), description=_w("save_path", lang),
                               layout=W.Layout(width="320px"))
        self.save_button = W.Button(description=_w("save", lang), icon="save", button_style="primary")
        self.reset_button = W.Button(description=_w("reset", lang), icon="undo")
        self.save_button.on_click(lambda _b: self.save())
        self.reset_button.on_click(lambda _b: self.reset())
        buttons = W.HBox([self.path_box, self.save_button, self.reset_button])
        left = W.VBox([self.accordion, buttons, self.status], layout=W.Layout(width="46%", min_width="440px"))
        right = W.VBox([self.cost_html, self.verdict_html], layout=W.Layout(width="54%", padding="0 0 0 12px"))
        top = W.HBox([left, right], layout=W.Layout(width="100%", align_items="flex-start"))
        self.widget = W.VBox([self.title, top, self.image], layout=W.Layout(width="100%"))
        self.widget.add_class("kp-tuner")

    # ------------------------------------------------------------------ figure
    @staticmethod
    def _metric_for(plan: Plan) -> str | None:
        """The metric the payout curve sweeps: revenue when the plan has a revenue target, else every KPI."""
        return "revenue" if "revenue" in plan.targets and "revenue" in plan.metrics_needed() else None

    def _curve_input(self, plan: Plan) -> np.ndarray:
        """The sweep handed to ``payout_curve``: attainments, or raw values where the plan reads the metric's value."""
        m = self.curve_metric
        if m is not None and m not in plan.attainment_metrics():
            return self.curve_x * float(plan.targets[m])
        return self.curve_x

    def _build_figure(self, figsize: tuple[float, float], dpi: int) -> None:
        lang = self.lang
        self.curve_metric = self._metric_for(self.plan)
        #: x of the payout curve as drawn: fraction of plan (the target of ``curve_metric``)
        self.curve_x = np.linspace(0.0, 2.0, 401)
        with plots.style():
            fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
            FigureCanvasAgg(fig)
            (ax_curve, ax_scatter), (ax_budget, ax_groups) = fig.subplots(2, 2)
            plots.plot_payout_curve(self.plan, ax=ax_curve, lang=lang, metric=self.curve_metric,
                                    attainments=self._curve_input(self.plan))
            self._curve_line = next(l for l in ax_curve.get_lines() if l.get_gid() == "payout_curve")
            self._curve_line.set_xdata(self.curve_x)  # always in % of plan, whatever the plan reads
            ax_curve.set_xlim(0.0, 2.0)
            ax_curve.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
            for line in ax_curve.get_lines():
                if line is not self._curve_line and line.get_gid() != "payout_curve":
                    xd = np.asarray(line.get_xdata(), float)
                    if xd.size == 2 and xd[0] == xd[1]:  # the 'on plan' marker
                        line.set_xdata([1.0, 1.0])
            if self.curve_metric is not None:
                target = format_money(float(self.plan.targets[self.curve_metric]), lang, self.plan.currency)
                ax_curve.set_xlabel(f"{_name(self.curve_metric, lang)}, % " + ("of plan" if lang == "en" else "плана")
                                    + f" (100 % = {target})")
            base_plan = self.baseline if isinstance(self.baseline, Plan) else None
            if base_plan is not None and self._metric_for(base_plan) != self.curve_metric:
                base_plan = None  # a curve over another x would mislead
            if base_plan is not None:
                x = self.curve_x
                y = payout_curve(base_plan, metric=self.curve_metric,
                                 attainments=self._curve_input(base_plan))["variable"].to_numpy(float)
                self._base_curve, = ax_curve.plot(x, y, color="0.55", linestyle="--", linewidth=1.4, zorder=1,
                                                  label=_w("baseline", lang, name=base_plan.name), gid="baseline_curve")
            self._curve_line.set_label(_w("now", lang))
            ax_curve.legend(loc="upper left")
            ax_curve.set_title(_w("curve_title_all", lang) if self.curve_metric is None else
                               _w("curve_title_metric", lang, metric=_name(self.curve_metric, lang).lower()))

            plots.plot_pay_vs_performance(self.payouts, measure=self.report.measure, ax=ax_scatter, lang=lang)
            self._scatter = {c.get_gid().split(":", 1)[1]: c for c in ax_scatter.collections
                             if str(c.get_gid()).startswith("reps:")}
            ax_scatter.set_title(_w("scatter_title", lang, measure=_name(self.report.measure, lang).lower()))

            plots.plot_budget_fan(self.payouts, ax=ax_budget, lang=lang)
            self._band = next(c for c in ax_budget.collections if c.get_gid() == "budget_band")
            self._p50 = next(l for l in ax_budget.get_lines() if l.get_gid() == "budget_p50")
            q = plots.budget_quantiles(self.baseline_payouts)
            self._base_p50, = ax_budget.plot(np.arange(len(q)), q["p50"].to_numpy(float), color="0.55",
                                             linestyle="--", linewidth=1.4, gid="baseline_budget_p50",
                                             label=_w("baseline", lang, name=self.baseline.name))
            ax_budget.legend(loc="upper left")
            ax_budget.set_title(_w("budget_title", lang))

            self._build_groups(ax_groups)
            # fewer tick labels: text is most of what a redraw costs
            for ax in (ax_curve, ax_scatter, ax_budget, ax_groups):
                ax.yaxis.set_major_locator(MaxNLocator(5)) if ax is not ax_groups else None
            ax_scatter.xaxis.set_major_locator(MaxNLocator(5))
            ax_groups.xaxis.set_major_locator(MaxNLocator(4))
            ax_scatter.legend(loc="upper left", fontsize=7, ncol=2, title=label("archetype", lang), title_fontsize=7,
                              handletextpad=0.2, columnspacing=0.8)
            ticks = np.arange(self.n_periods)
            names = [t.get_text() for t in ax_budget.get_xticklabels()]
            if len(names) == len(ticks) and len(ticks) > 6:
                step = 3 if len(ticks) > 9 else 2
                ax_budget.set_xticks(ticks[::step], names[::step], rotation=0, ha="center")
        self.figure = fig
        self.axes = {"curve": ax_curve, "scatter": ax_scatter, "budget": ax_budget, "groups": ax_groups}
        for artist in self._dynamic_artists():
            artist.set_animated(True)  # drawn over a cached background (savefig still draws them)

    def _group_frames(self) -> tuple[pd.DataFrame, str]:
        now, base = self.report.by_archetype, self.baseline_report.by_archetype
        if now is not None and base is not None:
            order = [a for a in plots.ARCHETYPE_ORDER if a in now.index] + \
                    [a for a in now.index if a not in plots.ARCHETYPE_ORDER]
            return pd.DataFrame({"now": now["median_total"].reindex(order),
                                 "base": base["median_total"].reindex(order)}), "archetype"
        now, base = self.report.by_quartile, self.baseline_report.by_quartile
        order = sorted(now.index, reverse=True)
        return pd.DataFrame({"now": now["median_total"].reindex(order),
                             "base": base["median_total"].reindex(order)}), "quartile"

    def _group_label(self, key: Any, kind: str) -> str:
        return _name(key, self.lang) if kind == "archetype" else _w("quartile_n", self.lang, n=key)

    def _build_groups(self, ax: Axes) -> None:
        lang = self.lang
        frame, kind = self._group_frames()
        y = np.arange(len(frame))
        colours = [plots.archetype_color(k) if kind == "archetype" else plots.palette()[0] for k in frame.index]
        self._bars_base = ax.barh(y + 0.2, frame["base"].to_numpy(float), height=0.38, color="0.8",
                                  label=_w("baseline", lang, name=self.baseline.name), gid="groups:baseline")
        self._bars_now = ax.barh(y - 0.2, frame["now"].to_numpy(float), height=0.38, color=colours,
                                 label=_w("now", lang), gid="groups:now")
        ax.set_yticks(y, [self._group_label(k, kind) for k in frame.index])
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(plots.money_formatter(lang))
        ax.grid(False, axis="y")
        ax.set_title(_w("groups_title", lang))
        ax.legend(loc="lower right", fontsize=8)
        ax.set_xlabel(plots._style._money_title("total", lang, self.plan.currency, label("mean_per_period", lang)))
        self._group_index = list(frame.index)

    def _update_figure(self) -> bool:
        """Put the current numbers into the chart artists; True when an axis had to rescale."""
        ax = self.axes
        rescaled = False
        force = self._background is None  # the first draw sets every axis with headroom
        # payout curve: the engine's own sweep of the tuned plan
        y = payout_curve(self.plan, metric=self.curve_metric,
                         attainments=self._curve_input(self.plan))["variable"].to_numpy(float)
        self._curve_line.set_ydata(y)
        lows, highs = [0.0, float(np.nanmin(y))], [float(np.nanmax(y))]
        if self._base_curve is not None:
            lows.append(float(np.nanmin(self._base_curve.get_ydata())))
            highs.append(float(np.nanmax(self._base_curve.get_ydata())))
        rescaled |= _fit(ax["curve"], "y", min(lows), max(highs), force=force)
        # pay against performance: the analysis' per-rep monthly means
        per_rep = self.report.per_rep
        groups = (per_rep["archetype"].fillna("unlabelled") if "archetype" in per_rep
                  else pd.Series("unlabelled", index=per_rep.index)).to_numpy()
        points = np.column_stack([per_rep["performance"].to_numpy(float), per_rep["total"].to_numpy(float)])
        for arch, coll in self._scatter.items():
            coll.set_offsets(points[groups == arch])
        rescaled |= _fit(ax["scatter"], "y", float(per_rep["total"].min()), float(per_rep["total"].max()),
                         zero=False, force=force)
        # budget band: payroll by month across scenarios
        q = plots.budget_quantiles(self.payouts, profile=self.profile)
        self._band.set_data(np.arange(len(q)), q["p10"].to_numpy(float), q["p90"].to_numpy(float))
        self._p50.set_ydata(q["p50"].to_numpy(float))
        rescaled |= _fit(ax["budget"], "y", 0.0, max(float(q["p90"].max()), float(np.nanmax(self._base_p50.get_ydata()))),
                         force=force)
        # median pay by type of rep, tuned against baseline
        frame, _kind = self._group_frames()
        now = frame["now"].to_numpy(float)
        for bar, v in zip(self._bars_now, now):
            bar.set_width(v)
        hi = float(np.nanmax(frame[["now", "base"]].to_numpy(float)))
        rescaled |= _fit(ax["groups"], "x", 0.0, hi, force=force)
        return rescaled

    def _dynamic_artists(self) -> list[Any]:
        return [self._band, self._p50, self._curve_line, *self._scatter.values(), *self._bars_now]

    def _draw(self, full: bool = False) -> None:
        """Redraw the Agg canvas: everything when an axis rescaled, else only what moves (blitting)."""
        fig = self.figure
        canvas = fig.canvas
        rescaled = self._update_figure()
        if full or rescaled or self._background is None:
            canvas.draw()  # static parts; the moving artists are 'animated' and drawn below
            if fig.get_layout_engine() is not None:
                # the layout is solved once, on the first draw; later draws keep those positions
                fig.set_layout_engine("none")
            self._background = canvas.copy_from_bbox(fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._dynamic_artists():
            fig.draw_artist(artist)
        self.image.value = _png(fig)

    # ------------------------------------------------------------------ text
    def _render_text(self) -> None:
        self.verdict_html.value = self._verdict_html()
        self.cost_html.value = self._cost_html()

    def _verdict_html(self) -> str:
        lang = self.lang
        v = self.report.verdict
        assessed = v[v["status"] != "not assessed"]
        n_fail = int((assessed["status"] == "fail").sum())
        ok = self.report.passed
        head = _w("verdict_pass", lang) if ok else _w("verdict_fail", lang, n=n_fail, m=len(assessed))
        colour = "#1a7f37" if ok else "#b42318"
        rows, notes = [], []
        for r in v.itertuples():
            key = f"crit_{r.criterion}"
            name = _w(key, lang) if key in WORDS else _name(r.criterion, lang)
            if r.status == "not assessed":
                if r.criterion != "cost_of_sales":  # the cost panel shows pay as % of revenue
                    notes.append(f"<div class='kp-criterion kp-not-assessed' data-criterion='{r.criterion}' "
                                 f"style='color:#666;font-size:0.88em;margin-top:2px'>{name}: {r.explanation}</div>")
                continue
            mark, tone, word = {"pass": ("✔", "#1a7f37", "status_pass")}.get(r.status, ("✘", "#b42318", "status_fail"))
            rows.append(
                f"<tr class='kp-criterion kp-{r.status}' data-criterion='{r.criterion}'>"
                f"<td style='color:{tone};font-weight:bold;padding:3px 8px 3px 0;white-space:nowrap;"
                f"vertical-align:top'>{mark} {_w(word, lang)}</td>"
                f"<td style='padding:3px 8px;vertical-align:top;width:30%'><b>{name}</b></td>"
                f"<td style='padding:3px 0;color:#333;vertical-align:top'>{r.explanation}</td></tr>")
        return (f"<div style='border-left:5px solid {colour};padding:4px 10px;margin:4px 0;line-height:1.3'>"
                f"<div class='kp-verdict-head' style='font-size:1.15em;font-weight:bold;color:{colour};"
                f"margin-bottom:4px'>{head}</div>"
                f"<table style='border-collapse:collapse;font-size:0.92em;width:100%'>{''.join(rows)}</table>"
                f"{''.join(notes)}</div>")

    def _cost_html(self) -> str:
        lang = self.lang
        m, b = self.report.metrics, self.baseline_report.metrics
        currency = self.plan.currency
        n = self.n_periods
        money = lambda v: format_money(v, lang, currency)  # noqa: E731
        pct = lambda v: f"{format_number(100 * v, lang, 1)} %" if math.isfinite(v) else "—"  # noqa: E731
        parts = [
            (_w("payroll_month", lang), f"<b class='kp-payroll-month'>{money(m['payroll'] / n)}</b>"),
            (_w("payroll_year", lang, n=n), f"<b class='kp-payroll'>{money(m['payroll'])}</b>"),
        ]
        if "budget_p10" in m:
            parts.append((_w("budget_band", lang, n=self.n_scenarios),
                          f"{money(m['budget_p10'])} … {money(m['budget_p90'])}"))
        parts.append((_w("variable_share", lang), pct(m["variable_share"])))
        if math.isfinite(m.get("cost_of_sales", float("nan"))):
            parts.append((_w("cost_of_sales_text", lang), pct(m["cost_of_sales"])))
        delta = m["payroll"] - b["payroll"]
        if abs(delta) < 0.5:
            change = f"<span class='kp-delta'>{_w('no_change', lang)}</span>"
        else:
            colour = "#b42318" if delta > 0 else "#1a7f37"
            sign = "+" if delta > 0 else "−"
            rel = f" ({sign}{format_number(abs(delta) / b['payroll'] * 100, lang, 1)} %)" if b["payroll"] else ""
            change = (f"<span class='kp-delta' style='color:{colour};font-weight:bold'>{sign}"
                      f"{money(abs(delta))} {_w('per_year', lang)}{rel}</span>")
        parts.append((_w("vs_baseline", lang, name=self.baseline.name), change))
        cells = "".join(f"<tr><td style='padding:1px 8px 1px 0;color:#444'>{k}</td><td>{v}</td></tr>" for k, v in parts)
        return (f"<div style='padding:2px 10px;margin:2px 0;background:#f6f8fa;border-radius:4px'>"
                f"<div style='font-weight:bold;font-size:1.05em'>{_w('cost_title', lang)}</div>"
                f"<table style='font-size:0.95em'>{cells}</table></div>")

    # ------------------------------------------------------------------ updates
    def _on_slider(self, path: str, change: Mapping[str, Any]) -> None:
        if self._busy:
            return
        value = change["new"]
        spec = self._specs[path]
        current = float(get_at(self.plan, path))
        if abs(float(value) - current) < spec.step / 2 - 1e-12:
            return  # the slider only rounded the plan's own value for display
        try:
            if ".kpis." in path and path.endswith(".weight"):
                new = set_weight(self.plan, path, float(value))
            else:
                new = set_at(self.plan, path, float(value))
        except (PlanError, KeyError, ValueError) as exc:
            self._set_slider(path, current)
            text = "; ".join(f"{p}: {m}" for p, m in exc.problems) if isinstance(exc, PlanError) else str(exc)
            self.status.value = f"<span style='color:#b42318'>{_w('rejected', self.lang, message=text)}</span>"
            return
        self.update(new)
        self.status.value = f"<span style='color:#555'>{_w('updated', self.lang, ms=round(self.timings['total'] * 1000))}</span>"

    def _set_slider(self, path: str, value: float) -> None:
        slider = self.controls[path]
        self._busy = True
        try:
            if value > slider.max:
                slider.max = value
            slider.value = float(value)
        finally:
            self._busy = False

    def _sync_controls(self) -> None:
        values = numeric_paths(self.plan)  # one to_dict for all the controls, not one per control
        for path, slider in self.controls.items():
            value = values[path] if path in values else float(get_at(self.plan, path))
            if abs(float(slider.value) - value) > 1e-12:
                self._set_slider(path, value)

    def set(self, path: str, value: float) -> None:
        """Move the control at ``path`` to ``value``, exactly as a user would (triggers an update)."""
        if path not in self.controls:
            raise KeyError(f"no control {path!r}; controls: {', '.join(self.controls)}")
        self.controls[path].value = value

    def update(self, plan: Plan) -> None:
        """Make ``plan`` the current plan: evaluate it, analyse it, redraw.

        Parameters
        ----------
        plan
            A plan with the same structure as the tuner's (the controls keep their paths).
        """
        t0 = time.perf_counter()
        self.plan = plan
        t1 = time.perf_counter()
        self.payouts = evaluate(plan, self.data)
        t2 = time.perf_counter()
        self.report = differentiation(self.payouts, lang=self.lang, profile=self.profile)
        t3 = time.perf_counter()
        self._sync_controls()
        self._render_text()
        self._draw()
        t4 = time.perf_counter()
        self.timings = {"plan": t1 - t0, "evaluate": t2 - t1, "analysis": t3 - t2, "draw": t4 - t3, "total": t4 - t0}

    def reset(self) -> None:
        """Back to the plan as given (controls, numbers and charts)."""
        self.update(self.original)
        self.status.value = f"<span style='color:#555'>{_w('was_reset', self.lang)}</span>"

    def save(self, path: str | Path | None = None) -> Path:
        """Write the tuned plan as YAML (to ``path``, default the file box) and return the path."""
        target = Path(path if path is not None else self.path_box.value).expanduser()
        if target.parent and not target.parent.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
        self.plan.to_yaml(target)
        self.status.value = f"<span style='color:#1a7f37'>{_w('saved', self.lang, path=target)}</span>"
        return target

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def tuner(plan: Plan | str | Path, team: pd.DataFrame, baseline: Plan | Scheme | None = None, lang: str = "en",
          n_scenarios: int = 0, seed: int = 0, **kwargs: Any) -> Tuner:
    """The interactive bonus tuner for ``plan`` on ``team``.

    Parameters
    ----------
    plan
        A :class:`~kpilab.plan.Plan` (or a path to its YAML).
    team
        The performance table. With a ``scenario`` column it is used as it is.
    baseline
        The plan changes are measured against (default: ``plan`` as given).
    lang
        ``"en"`` or ``"ru"``.
    n_scenarios
        When > 0 and ``team`` has no ``scenario`` column: tune on that many
        simulated years of a department with the team's size, months and
        archetype mix (:func:`kpilab.make_scenarios` with ``seed``), so the
        cost shows as a P10–P90 band.
    seed
        Seed of the simulation.
    **kwargs
        ``save_path``, ``figsize``, ``dpi`` (see :class:`Tuner`).

    Returns
    -------
    Tuner
        Display it (or its ``.widget``) in a notebook.
    """
    if isinstance(plan, (str, Path)):
        plan = load_plan(plan)  # type: ignore[assignment]
    return Tuner(plan, team, baseline=baseline, lang=lang, n_scenarios=n_scenarios, seed=seed,  # type: ignore[arg-type]
                 **kwargs)


# --------------------------------------------------------------------------- plan comparison

_COMPARE_ROWS: tuple[tuple[str, str], ...] = (
    ("payroll", "money"), ("variable_share", "pct"), ("cost_of_sales", "pct"), ("rho", "num"),
    ("top_to_minimum", "num"), ("p90_target_multiple", "num"), ("inversions", "int"),
    ("mean_delta", "money"), ("share_losing", "pct"),
)


class PlanComparison:
    """Pick plans, see them side by side: a table of key figures, the verdicts and two charts.

    Attributes
    ----------
    plans : dict
        Name -> plan, as offered.
    select : ipywidgets.SelectMultiple
        The plans picked (the first picked is the baseline of the deltas).
    comparison : kpilab.analysis.Comparison or None
        The latest :func:`kpilab.analysis.compare` result.
    table_html : ipywidgets.HTML
        Key figures and verdicts, plans in columns.
    figure : matplotlib.figure.Figure
        Payroll bars and the distribution of pay per plan.
    widget : ipywidgets.Widget
    """

    def __init__(self, plans: Mapping[str, Plan | Scheme] | Sequence[Plan | Scheme], team: pd.DataFrame,
                 lang: str = "en", selected: Sequence[str] | None = None,
                 figsize: tuple[float, float] = (12.0, 4.2), dpi: int = 80) -> None:
        check_lang(lang)
        self.lang = lang
        self.team = team
        if isinstance(plans, Mapping):
            self.plans: dict[str, Plan | Scheme] = dict(plans)
        else:
            self.plans = {p.name: p for p in plans}
        if not self.plans:
            raise KpilabError("comparison() needs at least one plan")
        names = list(self.plans)
        chosen = list(selected) if selected is not None else names
        self.select = W.SelectMultiple(options=[(str(n), n) for n in names], value=tuple(chosen),
                                       rows=min(8, len(names)), description="",
                                       layout=W.Layout(width="320px"))
        self.select.add_class("kp-compare-select")
        self.table_html = W.HTML()
        self.image = W.Image(format="png", layout=W.Layout(width="100%", height="auto"))
        self.comparison = None
        with plots.style():
            self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
            FigureCanvasAgg(self.figure)
        self.select.observe(lambda _c: self.refresh(), names="value")
        pick = W.VBox([W.HTML(f"<b>{_w('compare_pick', lang)}</b>"), self.select])
        self.widget = W.VBox([pick, self.table_html, self.image])
        self.refresh()

    def refresh(self) -> None:
        """Recompute the comparison of the selected plans and redraw."""
        lang = self.lang
        chosen = list(self.select.value)
        self.figure.clear()
        if not chosen:
            self.comparison = None
            self.table_html.value = f"<i>{_w('compare_none', lang)}</i>"
            self.image.value = b""
            return
        self.comparison = compare({n: self.plans[n] for n in chosen}, self.team, lang=lang)
        self.table_html.value = self._table()
        with plots.style():
            ax1, ax2 = self.figure.subplots(1, 2)
            plots.plot_comparison_bars(self.comparison, metrics="payroll", ax=ax1, lang=lang)
            plots.plot_pay_distribution(self.comparison, ax=ax2, lang=lang)
            self.figure.canvas.draw()
        self.image.value = _png(self.figure)

    def _table(self) -> str:
        lang = self.lang
        c = self.comparison
        assert c is not None
        currency = "RUB"
        head = "".join(f"<th style='padding:2px 10px'>{n}</th>" for n in c.table.columns)
        body = []
        for key, kind in _COMPARE_ROWS:
            if key not in c.table.index:
                continue
            cells = []
            for v in c.table.loc[key].to_numpy(float):
                text = (format_money(v, lang, currency) if kind == "money" else
                        f"{format_number(100 * v, lang, 1)} %" if kind == "pct" else
                        format_number(v, lang, 0) if kind == "int" else format_number(v, lang, 2)) \
                    if math.isfinite(v) else "—"
                cells.append(f"<td style='padding:2px 10px;text-align:right'>{text}</td>")
            name = {"payroll": _w("payroll_metric", lang), "variable_share": _w("variable_share_metric", lang),
                    "mean_delta": _w("mean_delta", lang), "share_losing": _w("share_losing", lang)}.get(
                key, label(key, lang))
            body.append(f"<tr><td style='padding:2px 10px'>{name}</td>{''.join(cells)}</tr>")
        for crit in c.verdict.index:
            marks = []
            for status in c.verdict.loc[crit]:
                colour = {"pass": "#1a7f37", "fail": "#b42318"}.get(status, "#777")
                text = _w({"pass": "status_pass", "fail": "status_fail"}.get(status, "status_na"), lang)
                marks.append(f"<td style='padding:2px 10px;text-align:right;color:{colour}'>{text}</td>")
            name = _w("overall", lang) if crit == "overall" else label(crit, lang)
            weight = "bold" if crit == "overall" else "normal"
            body.append(f"<tr style='font-weight:{weight}'><td style='padding:2px 10px'>{name}</td>"
                        f"{''.join(marks)}</tr>")
        return (f"<table style='border-collapse:collapse'><tr><th style='text-align:left;padding:2px 10px'>"
                f"{_w('metric', lang)}</th>{head}</tr>{''.join(body)}</table>")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def comparison(plans: Mapping[str, Plan | Scheme] | Sequence[Plan | Scheme], team: pd.DataFrame,
               lang: str = "en", selected: Sequence[str] | None = None, **kwargs: Any) -> PlanComparison:
    """A plan comparison widget: pick plans (SelectMultiple), see the table and charts.

    Parameters
    ----------
    plans
        ``{name: plan}`` or a list of plans (named by ``plan.name``).
    team
        The performance table.
    lang
        ``"en"`` or ``"ru"``.
    selected
        Names selected at first (default: all).

    Returns
    -------
    PlanComparison
    """
    return PlanComparison(plans, team, lang=lang, selected=selected, **kwargs)
