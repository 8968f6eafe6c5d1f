"""Labels in English and Russian: every axis title, legend, chart title and metric name.

All the words live here, as data, in one place: a chart, a report or a widget
asks :func:`label` for a key and a language and never spells a word itself.
Adding a language is adding one column to :data:`LABELS`.

>>> label("revenue", "ru")
'Выручка'
>>> label("total", "en")
'Total pay'

Keys that are not in the table (a component a consultant named
``quarterly_kicker``) come back humanised (``"quarterly kicker"``), so a
plan with new names still draws; an unknown *language* is an error, because
a silently English slide in a Russian deck is worse than a message.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["LANGS", "LABELS", "CURRENCY_SYMBOLS", "label", "has_label", "check_lang",
           "format_number", "format_money", "currency_symbol"]

#: Supported languages, in the order a language picker shows them.
LANGS: tuple[str, ...] = ("en", "ru")

# key -> {lang -> text}. Grouped by what the words are for; a key is unique across groups.
_METRICS: dict[str, dict[str, str]] = {
    "calls": {"en": "Calls", "ru": "Звонки"},
    "inbound_calls": {"en": "Inbound calls", "ru": "Входящие звонки"},
    "missed_calls": {"en": "Missed calls", "ru": "Пропущенные звонки"},
    "meetings": {"en": "Meetings", "ru": "Встречи"},
    "emails": {"en": "Emails", "ru": "Письма"},
    "follow_ups": {"en": "Follow-ups", "ru": "Повторные касания"},
    "deals": {"en": "Deals", "ru": "Сделки"},
    "revenue": {"en": "Revenue", "ru": "Выручка"},
    "repeat_revenue": {"en": "Repeat revenue", "ru": "Повторная выручка"},
    "margin": {"en": "Margin", "ru": "Маржа"},
    "crm_quality": {"en": "CRM quality", "ru": "Качество ведения CRM"},
    "tenure_months": {"en": "Tenure, months", "ru": "Стаж, мес."},
    "output": {"en": "Output", "ru": "Результат"},
    "cost": {"en": "Cost", "ru": "Затраты"},
}

_PAY: dict[str, dict[str, str]] = {
    "pay": {"en": "Pay", "ru": "Выплата"},
    "total": {"en": "Total pay", "ru": "Итого к выплате"},
    "variable": {"en": "Variable pay", "ru": "Переменная часть"},
    "base": {"en": "Base salary", "ru": "Оклад"},
    "target_bonus": {"en": "Target bonus", "ru": "Целевой бонус"},
    "earned": {"en": "Earned bonus", "ru": "Заработанный бонус"},
    "cap_adjustment": {"en": "Cap", "ru": "Ограничение (кэп)"},
    "floor_adjustment": {"en": "Floor top-up", "ru": "Доплата до минимума"},
    "penalties": {"en": "Penalties", "ru": "Штрафы"},
    "component_pay": {"en": "Component pay", "ru": "Выплата по компоненту"},
    "payroll": {"en": "Payroll", "ru": "Фонд оплаты труда"},
    "cumulative_payroll": {"en": "Cumulative payroll", "ru": "ФОТ нарастающим итогом"},
    "mean_monthly_pay": {"en": "Mean monthly pay", "ru": "Средняя выплата в месяц"},
}

_AXES: dict[str, dict[str, str]] = {
    "attainment": {"en": "Attainment", "ru": "Выполнение плана"},
    "attainment_pct": {"en": "Attainment, % of plan", "ru": "Выполнение плана, %"},
    "month": {"en": "Month", "ru": "Месяц"},
    "period": {"en": "Period", "ru": "Период"},
    "plan": {"en": "Plan", "ru": "Схема оплаты"},
    "rep": {"en": "Rep", "ru": "Менеджер"},
    "reps": {"en": "Reps", "ru": "Менеджеры"},
    "scenario": {"en": "Scenario", "ru": "Сценарий"},
    "value": {"en": "Value", "ru": "Значение"},
    "relative_to_best": {"en": "Relative to the highest plan", "ru": "Относительно лучшей схемы"},
    "archetype": {"en": "Archetype", "ru": "Тип менеджера"},
    "mean_per_period": {"en": "mean per period", "ru": "в среднем за период"},
}

_LEGEND: dict[str, dict[str, str]] = {
    "p10_p90": {"en": "P10–P90", "ru": "P10–P90"},
    "p50": {"en": "Median (P50)", "ru": "Медиана (P50)"},
    "median": {"en": "Median", "ru": "Медиана"},
    "with_replacement": {"en": "With replacement", "ru": "С заменой"},
    "without_replacement": {"en": "Without replacement", "ru": "Без замены"},
    "tail_reps": {"en": "Tail reps", "ru": "Отстающие менеджеры"},
    "rest_of_team": {"en": "Rest of the team", "ru": "Остальная команда"},
    "unlabelled": {"en": "Unlabelled", "ru": "Без типа"},
    "finding": {"en": "Finding", "ru": "Замечание"},
    "passed": {"en": "passed", "ru": "пройдено"},
    "failed": {"en": "failed", "ru": "не пройдено"},
    "criterion_failed": {"en": "Criterion failed", "ru": "Критерий не выполнен"},
    "not_available": {"en": "n/a", "ru": "н/д"},
    "million": {"en": "M", "ru": "млн"},
    "on_plan": {"en": "On plan (100 %)", "ru": "План (100 %)"},
}

_TITLES: dict[str, dict[str, str]] = {
    "payout_curve": {"en": "Payout curve", "ru": "Кривая выплат"},
    "payout_curve_of": {"en": "Payout curve: {name}", "ru": "Кривая выплат: {name}"},
    "pay_vs_performance": {"en": "Pay vs performance", "ru": "Выплата и результат"},
    "pay_distribution": {"en": "Distribution of pay", "ru": "Распределение выплат"},
    "budget_fan": {"en": "Payroll budget: P10–P90 across scenarios",
                   "ru": "Бюджет ФОТ: P10–P90 по сценариям"},
    "waterfall": {"en": "Pay statement: {rep}, {period}", "ru": "Расчёт выплаты: {rep}, {period}"},
    "comparison": {"en": "Plans compared", "ru": "Сравнение схем"},
    "tail": {"en": "Tail reps and replacement", "ru": "Отстающие и их замена"},
    "tail_reps_title": {"en": "Tail reps: months in the bottom {share}", "ru": "Отстающие: месяцы в нижних {share}"},
    "replacement_title": {"en": "Replacing the tail: {what}", "ru": "Замена отстающих: {what}"},
    "report_sheet": {"en": "{name}: key charts", "ru": "{name}: ключевые графики"},
    "whole_plan": {"en": "whole plan", "ru": "вся схема"},
}

_ARCHETYPES: dict[str, dict[str, str]] = {
    "star": {"en": "Star", "ru": "Звезда"},
    "hard_worker": {"en": "Hard worker", "ru": "Трудяга"},
    "minimum_doer": {"en": "Minimum doer", "ru": "Минимальщик"},
    "phone_specialist": {"en": "Phone specialist", "ru": "Телефонист"},
    "paperwork_specialist": {"en": "Paperwork specialist", "ru": "Документалист"},
    "account_manager": {"en": "Account manager", "ru": "Аккаунт-менеджер"},
    "laggard": {"en": "Laggard", "ru": "Отстающий"},
    "newcomer": {"en": "Newcomer", "ru": "Новичок"},
}

_ROLES: dict[str, dict[str, str]] = {
    "junior": {"en": "Junior", "ru": "Младший менеджер"},
    "senior": {"en": "Senior", "ru": "Старший менеджер"},
}

# Lint finding kinds (kpilab.analysis.lint) and severities: the short marks on a payout curve.
_FINDINGS: dict[str, dict[str, str]] = {
    "cliff": {"en": "Cliff", "ru": "Обрыв"},
    "flat_zone": {"en": "Flat zone", "ru": "Плоский участок"},
    "early_cap": {"en": "Early cap", "ru": "Ранний потолок"},
    "cap_hit": {"en": "Cap hit", "ru": "Упор в потолок"},
    "gate_zeroes": {"en": "Gate zeroes pay", "ru": "Условие обнуляет"},
    "unlawful_fine": {"en": "Fine over the lawful limit", "ru": "Штраф сверх законного предела"},
    "activity_outweighs_sales": {"en": "Activity outweighs sales", "ru": "Активность весит больше продаж"},
    "info": {"en": "Info", "ru": "Информация"},
    "warning": {"en": "Warning", "ru": "Предупреждение"},
    "error": {"en": "Error", "ru": "Ошибка"},
}

# Comparison and differentiation metrics (rows of Comparison.table, keys of DifferentiationReport.metrics).
_ANALYSIS: dict[str, dict[str, str]] = {
    "n_reps": {"en": "Reps", "ru": "Менеджеров"},
    "rho": {"en": "Pay follows output (Spearman ρ)", "ru": "Оплата следует за результатом (ρ Спирмена)"},
    "rho_pvalue": {"en": "ρ p-value", "ru": "p-значение ρ"},
    "top_quartile_median_total": {"en": "Top quarter: median monthly pay", "ru": "Лучшая четверть: медиана выплаты"},
    "minimum_median_total": {"en": "Minimum-doers: median monthly pay", "ru": "«Минимальщики»: медиана выплаты"},
    "n_minimum_doers": {"en": "Minimum-doers", "ru": "«Минимальщиков»"},
    "top_to_minimum": {"en": "Top quarter / minimum-doers pay", "ru": "Лучшая четверть / «минимальщики»"},
    "target_variable": {"en": "Target bonus per month", "ru": "Целевой бонус в месяц"},
    "p10_variable": {"en": "Variable pay, P10", "ru": "Переменная часть, P10"},
    "p50_variable": {"en": "Variable pay, median", "ru": "Переменная часть, медиана"},
    "p90_variable": {"en": "Variable pay, P90", "ru": "Переменная часть, P90"},
    "p90_target_multiple": {"en": "P90 variable / target bonus", "ru": "P90 переменной части / целевой бонус"},
    "p90_p10_variable": {"en": "Variable pay P90 / P10", "ru": "Переменная часть P90 / P10"},
    "inversions": {"en": "Pay inversions (pairs)", "ru": "Инверсии выплат (пар)"},
    "variable_payroll": {"en": "Variable payroll", "ru": "Переменный ФОТ"},
    "variable_share": {"en": "Variable share of payroll", "ru": "Доля переменной части в ФОТ"},
    "cost_of_sales": {"en": "Payroll / revenue", "ru": "ФОТ / выручка"},
    "strength_coverage": {"en": "Strengths paid (specialists vs minimum-doers)", "ru": "Оплата сильных сторон (специалисты / «минимальщики»)"},
    "performance": {"en": "Performance", "ru": "Результат"},
    "mean_delta": {"en": "Change vs baseline: mean per rep", "ru": "Изменение к базе: среднее на менеджера"},
    "median_delta": {"en": "Change vs baseline: median per rep", "ru": "Изменение к базе: медиана"},
    "share_gaining": {"en": "Reps gaining vs baseline", "ru": "Доля выигрывающих к базе"},
    "share_losing": {"en": "Reps losing vs baseline", "ru": "Доля теряющих к базе"},
    "max_gain": {"en": "Largest gain vs baseline", "ru": "Наибольший выигрыш к базе"},
    "max_loss": {"en": "Largest loss vs baseline", "ru": "Наибольшая потеря к базе"},
    "budget_p10": {"en": "Payroll P10 (simulated years)", "ru": "ФОТ P10 (смоделированные годы)"},
    "budget_p50": {"en": "Payroll median (simulated years)", "ru": "ФОТ, медиана (смоделированные годы)"},
    "budget_p90": {"en": "Payroll P90 (simulated years)", "ru": "ФОТ P90 (смоделированные годы)"},
    "periods_in_tail": {"en": "Months in the tail", "ru": "Месяцев в отстающих"},
    "flagged": {"en": "Flagged for replacement", "ru": "Кандидат на замену"},
    "not_flagged": {"en": "Not flagged", "ru": "Не кандидат"},
    "tail_threshold": {"en": "Threshold: {k} of the last {n} months", "ru": "Порог: {k} из последних {n} мес."},
    "output_gain": {"en": "Output gain from replacement", "ru": "Прирост результата от замены"},
    "cost_gain": {"en": "Extra cost of replacement", "ru": "Дополнительные затраты на замену"},
    "cum_output_gain": {"en": "Cumulative output gain", "ru": "Накопленный прирост результата"},
    "cum_cost_gain": {"en": "Cumulative extra cost", "ru": "Накопленные доп. затраты"},
    "cost_of_sales_p10": {"en": "Payroll / revenue, P10", "ru": "ФОТ / выручка, P10"},
    "cost_of_sales_p50": {"en": "Payroll / revenue, median", "ru": "ФОТ / выручка, медиана"},
    "cost_of_sales_p90": {"en": "Payroll / revenue, P90", "ru": "ФОТ / выручка, P90"},
    "overall": {"en": "Overall", "ru": "Итог"},
}

#: Comparison rows that total the whole period: "<label>, whole period".
_PERIOD_TOTALS: dict[str, dict[str, str]] = {
    "output_total": {"en": "Output, whole period", "ru": "Результат за период"},
    "payroll_total": {"en": "Payroll, whole period", "ru": "ФОТ за период"},
    "revenue_total": {"en": "Revenue, whole period", "ru": "Выручка за период"},
    "variable_payroll_total": {"en": "Variable payroll, whole period", "ru": "Переменная часть ФОТ за период"},
}

_PLANS: dict[str, dict[str, str]] = {
    "salary_only": {"en": "Salary only", "ru": "Только оклад"},
    "salary_fines": {"en": "Salary and fines", "ru": "Оклад и штрафы"},
    "tiered_commission": {"en": "Tiered commission", "ru": "Ступенчатый процент"},
    "balanced_kpi": {"en": "Balanced KPI", "ru": "Сбалансированные KPI"},
    "multi_condition": {"en": "Multi-condition bonus", "ru": "Бонус с условиями"},
    "roles_scheme": {"en": "Scheme by role", "ru": "Схема по ролям"},
}


def _merge(*groups: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for group in groups:
        for key, texts in group.items():
            # a key meaning two things, or a missing translation, would make a chart silently wrong
            if key in merged:
                raise RuntimeError(f"duplicate label key {key!r}")
            if set(texts) != set(LANGS):
                raise RuntimeError(f"label {key!r} must have exactly the languages {LANGS}")
            merged[key] = dict(texts)
    return merged


#: Every label: ``LABELS[key][lang]``.
LABELS: dict[str, dict[str, str]] = _merge(_METRICS, _PAY, _AXES, _LEGEND, _TITLES, _ARCHETYPES,
                                           _ROLES, _FINDINGS, _ANALYSIS, _PERIOD_TOTALS, _PLANS)

#: Currency code -> the sign a chart prints after amounts.
CURRENCY_SYMBOLS: dict[str, str] = {"RUB": "₽", "USD": "$", "EUR": "€", "KZT": "₸"}

# Thousands separators per language: Russian typesetting groups digits with a (no-break) space.
_THOUSANDS: dict[str, str] = {"en": ",", "ru": "\u00a0"}
_DECIMAL: dict[str, str] = {"en": ".", "ru": ","}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is supported.

    Raises
    ------
    ValueError
        Naming the supported languages.
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(repr(x) for x in LANGS)}")
    return lang


def has_label(key: str) -> bool:
    """Whether ``key`` has its own entry (rather than the humanised fallback)."""
    return key in LABELS


def label(key: str, lang: str = "en", **fields: object) -> str:
    """The text of ``key`` in ``lang``.

    Parameters
    ----------
    key
        A label key (``"revenue"``, ``"total"``, ``"star"``, ``"payout_curve_of"``).
    lang
        One of :data:`LANGS`.
    **fields
        Values for ``{placeholders}`` in the text (``label("waterfall", rep="R01", period="2026-03")``).

    Returns
    -------
    str
        The label; a key without an entry comes back humanised
        (``"quarterly_kicker"`` -> ``"quarterly kicker"``).

    Raises
    ------
    ValueError
        When ``lang`` is not one of :data:`LANGS`.
    """
    check_lang(lang)
    entry = LABELS.get(str(key))
    text = entry[lang] if entry is not None else str(key).replace("_", " ")
    return text.format(**fields) if fields else text


def currency_symbol(currency: str | None) -> str:
    """``"RUB"`` -> ``"₽"``; an unknown code is printed as is."""
    if not currency:
        return ""
    return CURRENCY_SYMBOLS.get(str(currency).upper(), str(currency))


def format_number(value: float, lang: str = "en", decimals: int = 0) -> str:
    """A number with the language's thousands separator: ``120,000`` / ``120 000``.

    The minus is the typographic ``−`` (U+2212), as on a printed slide.
    """
    check_lang(lang)
    text = f"{value:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":  # -0 and -0.00 print as 0
        text = text.lstrip("-")
    text = text.replace(",", "\0").replace(".", _DECIMAL[lang]).replace("\0", _THOUSANDS[lang])
    return text.replace("-", "−")


def format_money(value: float, lang: str = "en", currency: str | None = "RUB", decimals: int = 0) -> str:
    """An amount with separators and the currency sign: ``120,000 ₽`` / ``120 000 ₽``."""
    symbol = currency_symbol(currency)
    number = format_number(value, lang, decimals)
    return f"{number}\u00a0{symbol}" if symbol else number
