"""Verdict sentences in English and Russian, one plain sentence per criterion and outcome.

The numbers come from the analysis; this module only words them. Keys:
``(criterion, outcome)`` where outcome is ``pass``, ``fail``, ``na`` (not
assessed) or a special case (``flat``, ``none``, ``inf``).
"""

from __future__ import annotations

import math
from typing import Any

from ..i18n import has_label, label
from ._common import check_lang

__all__ = ["sentence", "fmt", "SENTENCES"]

SENTENCES: dict[tuple[str, str], dict[str, str]] = {
    ("rho", "pass"): {
        "en": "Pay follows output: reps' total pay ranks almost as their {measure} does (Spearman ρ = {value} ≥ {threshold}).",
        "ru": "Оплата следует за результатом: ранжирование по доходу почти совпадает с ранжированием по показателю «{measure}» (ρ Спирмена = {value} ≥ {threshold}).",
    },
    ("rho", "fail"): {
        "en": "Pay does not follow output closely enough: Spearman ρ between total pay and {measure} is {value}, below {threshold}.",
        "ru": "Оплата недостаточно следует за результатом: ρ Спирмена между доходом и показателем «{measure}» = {value}, ниже {threshold}.",
    },
    ("rho", "flat"): {
        "en": "Everyone is paid the same, so pay cannot follow output at all (ρ undefined, counted as a fail).",
        "ru": "Все получают одинаково, поэтому оплата никак не следует за результатом (ρ не определён, считается провалом).",
    },
    ("top_to_minimum", "pass"): {
        "en": "The top quarter by {measure} earns {value}× what minimum-doers earn (median total pay), at least {threshold}×.",
        "ru": "Лучшая четверть по показателю «{measure}» получает в {value} раза больше, чем «минимальщики» (медиана дохода), не меньше {threshold}.",
    },
    ("top_to_minimum", "fail"): {
        "en": "The top quarter by {measure} earns only {value}× what minimum-doers earn (median total pay); at least {threshold}× is needed.",
        "ru": "Лучшая четверть по показателю «{measure}» получает лишь в {value} раза больше «минимальщиков» (медиана дохода); нужно не меньше {threshold}.",
    },
    ("top_to_minimum", "na"): {
        "en": "Not assessed: no minimum-doers could be identified (no archetype labels and no activity plans to check).",
        "ru": "Не оценивалось: «минимальщиков» определить не удалось (нет меток архетипов и нет планов по активностям).",
    },
    ("p90_target_multiple", "pass"): {
        "en": "Real upside: the 90th-percentile rep earns {value}× the target bonus in variable pay, at least {threshold}×.",
        "ru": "Есть реальный потенциал роста: сотрудник на 90-м процентиле получает переменную часть в {value} раза больше целевого бонуса (нужно не меньше {threshold}).",
    },
    ("p90_target_multiple", "fail"): {
        "en": "Too little upside: the 90th-percentile rep earns only {value}× the target bonus in variable pay; at least {threshold}× is needed.",
        "ru": "Слишком мало потенциала роста: сотрудник на 90-м процентиле получает лишь {value} целевого бонуса; нужно не меньше {threshold}.",
    },
    ("p90_target_multiple", "none"): {
        "en": "The plan has no variable pay to speak of, so top performers have no upside at all.",
        "ru": "В плане нет переменной части, так что у лучших сотрудников нет никакого потенциала роста.",
    },
    ("inversions", "pass"): {
        "en": "No inversions: nobody with at least {ratio} more {measure} than a colleague earns less than that colleague.",
        "ru": "Инверсий нет: никто, у кого показатель «{measure}» выше коллеги хотя бы на {ratio}, не получает меньше него.",
    },
    ("inversions", "fail"): {
        "en": "{value} pair(s) of reps where one has at least {ratio} more {measure} but earns less (at most {threshold} allowed).",
        "ru": "{value} пар(а) сотрудников, где у одного показатель «{measure}» выше хотя бы на {ratio}, а доход ниже (допустимо не более {threshold}).",
    },
    ("cost_of_sales", "pass"): {
        "en": "Pay costs {value} of revenue, inside the band {threshold}.",
        "ru": "Фонд оплаты составляет {value} выручки — в пределах диапазона {threshold}.",
    },
    ("cost_of_sales", "fail"): {
        "en": "Pay costs {value} of revenue, outside the band {threshold}.",
        "ru": "Фонд оплаты составляет {value} выручки — вне диапазона {threshold}.",
    },
    ("cost_of_sales", "na"): {
        "en": "Not assessed: no cost-of-sales band was given (pay is {value} of revenue); pass cost_of_sales_band=(low, high) to judge it.",
        "ru": "Не оценивалось: диапазон доли ФОТ в выручке не задан (сейчас {value}); задайте cost_of_sales_band=(мин, макс).",
    },
    ("cost_of_sales", "norevenue"): {
        "en": "Not assessed: the team has no revenue column, so pay cannot be related to revenue.",
        "ru": "Не оценивалось: в данных нет выручки, поэтому долю ФОТ в выручке посчитать нельзя.",
    },
    ("strength_coverage", "pass"): {
        "en": "Every specialist type earns more variable pay than minimum-doers (lowest ratio {value}×).",
        "ru": "Каждый тип «специалиста» получает переменную часть больше, чем «минимальщики» (наименьшее отношение {value}).",
    },
    ("strength_coverage", "fail"): {
        "en": "A strength goes unpaid: {who} earn(s) no more variable pay than minimum-doers (ratio {value}×).",
        "ru": "Сильная сторона не оплачивается: {who} получает(ют) переменную часть не больше, чем «минимальщики» (отношение {value}).",
    },
    ("strength_coverage", "info"): {
        "en": "For information (not part of the verdict): {who} earn(s) no more variable pay than minimum-doers (ratio {value}×).",
        "ru": "Для сведения (не влияет на вердикт): {who} получает(ют) переменную часть не больше, чем «минимальщики» (отношение {value}).",
    },
    ("strength_coverage", "infopass"): {
        "en": "For information: every specialist type earns more variable pay than minimum-doers (lowest ratio {value}×).",
        "ru": "Для сведения: каждый тип «специалиста» получает переменную часть больше «минимальщиков» (наименьшее отношение {value}).",
    },
    ("strength_coverage", "na"): {
        "en": "Not assessed: the team has no archetype labels with specialists and minimum-doers.",
        "ru": "Не оценивалось: в данных нет меток архетипов со «специалистами» и «минимальщиками».",
    },
}


def fmt(value: Any, kind: str = "num") -> str:
    """A number for a sentence: ratios with 2 decimals, percents, counts, inf."""
    if value is None:
        return "—"
    if isinstance(value, tuple):
        return "–".join(fmt(v, kind) for v in value)
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return str(value)
    v = float(value)
    if math.isnan(v):
        return "n/a"
    if math.isinf(v):
        return "∞"
    if kind == "pct":
        return f"{v:.1%}"
    if kind == "int":
        return f"{v:.0f}"
    return f"{v:.2f}"


def sentence(criterion: str, outcome: str, lang: str = "en", **values: Any) -> str:
    """The sentence for ``(criterion, outcome)`` in ``lang`` with ``values`` filled in."""
    check_lang(lang)
    return SENTENCES[(criterion, outcome)][lang].format(**_metric_words(values, lang))


#: Lint findings, one sentence each (kind -> lang -> template).
LINT_SENTENCES: dict[str, dict[str, str]] = {
    "cliff": {
        "en": "Cliff: '{component}' pay {direction} by {amount} ({share} of the target bonus) within 1 % of attainment, at {metric} {x}.",
        "ru": "Обрыв: выплата «{component}» {direction_ru} на {amount} ({share} целевого бонуса) в пределах 1 % выполнения, при «{metric}» {x}.",
    },
    "flat_zone": {
        "en": "Flat zone: '{component}' pays nothing more for {metric} between {x} and {x_end}.",
        "ru": "Плоский участок: «{component}» не платит больше за рост «{metric}» от {x} до {x_end}.",
    },
    "early_cap": {
        "en": "Early cap: '{component}' stops growing at {metric} {x}, below {limit} of plan; more output earns nothing.",
        "ru": "Ранний потолок: «{component}» перестаёт расти при «{metric}» {x}, раньше {limit} плана; дальнейший рост результата не оплачивается.",
    },
    "cap_hit": {
        "en": "Cap reached in practice: '{component}' is at its maximum in {share} of rep-months of the team (more than 10 %), so top performers hit it.",
        "ru": "Потолок достигается на практике: «{component}» на максимуме в {share} сотрудник-месяцев (больше 10 %) — лучшие в него упираются.",
    },
    "gate_zeroes": {
        "en": "Gate '{condition}' stays closed in {share} of rep-months of a typical team, zeroing {component}.",
        "ru": "Условие «{condition}» не выполняется в {share} сотрудник-месяцев типичной команды и обнуляет «{component}».",
    },
    "unlawful_fine": {
        "en": "Fine too heavy: '{component}' can take {amount} a month, more than {limit} ({share} of base + target bonus); 144-FZ allows a bonus cut of at most that, and only in the month of a disciplinary sanction.",
        "ru": "Слишком большой штраф: «{component}» может снять {amount} в месяц — больше {limit} ({share} от оклада и целевого бонуса); по 144-ФЗ премию можно снизить не более чем на эту величину и только в месяце дисциплинарного взыскания.",
    },
    "fine_from_salary": {
        "en": "Fine out of salary: '{component}' can cut below the salary (floor is not 'base'); deductions from salary as a fine are unlawful in Russia (Labour Code arts. 137, 192).",
        "ru": "Штраф из оклада: «{component}» может уменьшить выплату ниже оклада (floor не 'base'); штрафы из оклада незаконны (ТК РФ ст. 137, 192).",
    },
    "activity_outweighs_sales": {
        "en": "Activity outweighs sales: at 100 % of plan activity KPIs pay {amount} against {limit} for sales ({component}).",
        "ru": "Активности весят больше продаж: при 100 % плана KPI по активностям дают {amount} против {limit} за продажи ({component}).",
    },
}


def lint_sentence(kind: str, lang: str = "en", **values: Any) -> str:
    """The lint finding sentence for ``kind`` in ``lang``."""
    check_lang(lang)
    return LINT_SENTENCES[kind][lang].format(**_metric_words(values, lang))


def _metric_words(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """Metric names in the sentence's language («выручка», not «revenue») where i18n knows them."""
    out = dict(values)
    for key in ("measure", "metric"):
        name = out.get(key)
        if lang != "en" and isinstance(name, str) and has_label(name):
            out[key] = label(name, lang).lower()
    return out
