"""Deliverables of a plan comparison: one self-contained HTML report, every chart as PNG and SVG, payouts.xlsx.

The flow is one way::

    plans + team ─► build_report() ─► ComparisonReport ─► write_report(directory)
                    (calls evaluate,    (results only)       report.html, charts/*.png|svg,
                     analysis.compare,                       payouts.xlsx
                     lint, tail)

This module computes nothing new. The numbers come from
:func:`kpilab.analysis.compare` (metrics and verdict), :func:`kpilab.analysis.lint`
(design findings), :func:`kpilab.analysis.tail` (reps who keep landing in the
bottom quartile) and :func:`kpilab.evaluate` (the payout tables, rounded with
:meth:`kpilab.engine.Payouts.rounded`, the same as ``kpilab payout`` writes).
The charts come from :mod:`kpilab.plots`. What is here is choosing, ordering,
wording (EN/RU) and formatting, plus two small rules that are documented where
they live: how a real team becomes simulated years (:func:`bootstrap_years`)
and which plan the summary recommends (:func:`recommend`).

Everything a user typed (plan names, rep ids, column headers, file names) is
HTML-escaped before it reaches the report; nothing is built from unescaped
input.

Simulated years
---------------
``--scenarios N`` turns the team into N possible years by a *department-month
bootstrap* (:func:`bootstrap_years`): every simulated year is built from the
team's own months, drawn with replacement, each drawn month bringing every
rep's row of that month (facts and that month's targets together). This keeps
what a month did to the whole department (seasonality of demand, a market dip,
team pools of a ``team`` component) and what a rep's metrics do together in a
month; it invents no behaviour the data does not show. It cannot produce a
month worse than the worst month on record, and it drops the order of months
(the tail list therefore always reads the real months). The same rule serves a
real client table and the bundled synthetic team, so a report never depends
on where its data came from.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .engine import Payouts, evaluate
from .errors import KpilabError
from .i18n import check_lang, currency_symbol, format_money, format_number, has_label, label
from .plan import Plan, Scheme
from .safe_write import check_report_folder, write_folder_atomically
from .spreadsheet_safe import defuse_workbook

__all__ = ["ComparisonReport", "build_report", "write_report", "check_report_dir", "bootstrap_years",
           "recommend", "metric_kind", "format_value", "text_table", "render_html", "write_xlsx",
           "sheet_names", "TEXT"]

Step = Callable[[str], None]

# --------------------------------------------------------------------------- words

#: Report words that kpilab.i18n does not have (yet); key -> {lang -> text}.
TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Sales pay plans compared", "ru": "Сравнение схем оплаты отдела продаж"},
    "recommended": {"en": "Recommended: {plan} — passes {n} of {m} criteria at {payroll} payroll/month",
                    "ru": "Рекомендуем: {plan} — выполнено {n} из {m} критериев при ФОТ {payroll} в месяц"},
    "all_pass": {"en": "It passes every assessed criterion.",
                 "ru": "Схема проходит все оцениваемые критерии."},
    "none_all": {"en": "No plan passes every criterion; this one comes closest (ties go to the lower payroll).",
                 "ru": "Ни одна схема не проходит все критерии; эта ближе всех (при равенстве — меньший ФОТ)."},
    "c_criteria": {"en": "Criteria passed", "ru": "Пройдено критериев"},
    "c_payroll_month": {"en": "Payroll per month", "ru": "ФОТ в месяц"},
    "c_budget": {"en": "Payroll for {months} months, P10 – P90", "ru": "ФОТ за {months} мес., P10 – P90"},
    "c_payroll_period": {"en": "Payroll for {months} months", "ru": "ФОТ за {months} мес."},
    "c_variable_share": {"en": "Variable share of pay", "ru": "Доля переменной части"},
    "budget_line": {"en": "Payroll for {months} months across {n} simulated years: P10 {p10}, median {p50}, "
                          "P90 {p90}.",
                    "ru": "ФОТ за {months} мес. по {n} смоделированным годам: P10 {p10}, медиана {p50}, "
                          "P90 {p90}."},
    "team_line": {"en": "Team: {source} — {reps} reps, {months} months ({first} – {last}).",
                  "ru": "Команда: {source} — {reps} менеджеров, {months} мес. ({first} – {last})."},
    "scen_line": {"en": "Figures are monthly means over {n} simulated years (department-month bootstrap, "
                        "seed {seed}).",
                  "ru": "Показатели — средние за месяц по {n} смоделированным годам (бутстрэп месяцев "
                        "отдела, seed {seed})."},
    "real_line": {"en": "Figures are monthly means over the months in the data.",
                  "ru": "Показатели — средние за месяц по месяцам из данных."},
    "baseline_line": {"en": "Baseline for pay changes: {plan}.", "ru": "База для сравнения выплат: {plan}."},
    "generated": {"en": "Prepared with kpilab {version} on {date}.",
                  "ru": "Подготовлено в kpilab {version}, {date}."},
    "sec_verdict": {"en": "Verdict", "ru": "Вердикт"},
    "sec_verdict_note": {"en": "Each criterion asks one question about pay for performance. Thresholds and "
                                "their sources are under “Method and sources”.",
                         "ru": "Каждый критерий отвечает на один вопрос об оплате за результат. Пороги и "
                               "их источники — в разделе «Методика и источники»."},
    "sec_table": {"en": "Plans compared", "ru": "Сравнение схем"},
    "sec_table_note": {"en": "Per-rep figures are monthly means; payroll and revenue are totals over "
                              "{months} months.",
                       "ru": "Показатели по менеджерам — средние за месяц; ФОТ и выручка — суммы за "
                             "{months} мес."},
    "sec_charts": {"en": "Charts", "ru": "Графики"},
    "sec_findings": {"en": "Design findings by plan", "ru": "Замечания к устройству схем"},
    "sec_findings_note": {"en": "Cliffs, flat zones, early caps, gates that zero most of the bonus, "
                                 "fines beyond the lawful limit.",
                          "ru": "Обрывы, плоские участки, ранние потолки, условия, обнуляющие бонус, "
                                "штрафы сверх законного предела."},
    "no_findings": {"en": "No design problems found.", "ru": "Замечаний нет."},
    "sec_tail": {"en": "Tail reps", "ru": "Устойчиво отстающие"},
    "tail_rule": {"en": "A rep is listed when {measure} was in the bottom {q} of the team in at least {k} of "
                        "the last {n} months (real months, not simulated).",
                  "ru": "Менеджер попадает в список, если показатель «{measure}» был в нижних {q} команды "
                        "не менее {k} из последних {n} месяцев (реальные месяцы, не смоделированные)."},
    "tail_pay": {"en": "Columns after the first three: the rep's mean monthly pay under each plan.",
                 "ru": "Столбцы после третьего: средняя выплата менеджера в месяц по каждой схеме."},
    "why": {"en": "Why {plan}:", "ru": "Почему {plan}:"},
    "tail_none": {"en": "Nobody is persistently in the tail.", "ru": "Устойчиво отстающих нет."},
    "g_performance": {"en": "Pay for performance", "ru": "Оплата за результат"},
    "g_levels": {"en": "Variable pay per rep and month", "ru": "Переменная часть на менеджера в месяц"},
    "g_cost": {"en": "Cost over the period", "ru": "Затраты за период"},
    "g_budget": {"en": "Budget across simulated years", "ru": "Бюджет по смоделированным годам"},
    "g_delta": {"en": "Change per rep and month vs the baseline", "ru": "Изменение на менеджера в месяц к базе"},
    "g_other": {"en": "Other", "ru": "Прочее"},
    "sec_pay": {"en": "Mean monthly pay per rep", "ru": "Средняя выплата в месяц по менеджерам"},
    "sec_method": {"en": "Method and sources", "ru": "Методика и источники"},
    "m_measure": {"en": "Output is measured as {measure}.", "ru": "Результат измеряется показателем «{measure}»."},
    "m_minimum": {"en": "Minimum-doers: {text}.", "ru": "«Минимальщики»: {text}."},
    "m_target": {"en": "Target bonus: {text}.", "ru": "Целевой бонус: {text}."},
    "m_boot": {"en": "Simulated years: each of the {n} years is twelve (as many as the data has) of the "
                     "department's real months drawn with replacement; a drawn month brings every rep's row "
                     "of that month, facts and targets together, so seasonality, market months and team pools "
                     "stay as they were. Seed {seed}. The budget P10/P50/P90 are quantiles of the yearly "
                     "payroll over these years. A bootstrap cannot produce a month worse than the worst "
                     "month on record.",
               "ru": "Смоделированные годы: каждый из {n} годов составлен из реальных месяцев отдела, "
                     "выбранных с возвращением (столько же месяцев, сколько в данных); выбранный месяц "
                     "приносит строки всех менеджеров за этот месяц — факты вместе с планами, поэтому "
                     "сезонность, рыночные месяцы и командные фонды сохраняются. Seed {seed}. Бюджет "
                     "P10/P50/P90 — квантили годового ФОТ по этим годам. Бутстрэп не может дать месяц "
                     "хуже худшего из реальных."},
    "m_no_boot": {"en": "No simulated years: the figures are those of the data as given.",
                  "ru": "Без моделирования: показатели рассчитаны по данным как есть."},
    "m_lint": {"en": "Design findings come from scanning each plan's payout curve from 0 % to 200 % of plan "
                     "with the engine. Lawful bonus cuts (Russia): Federal law of 7 June 2025 No. 144-FZ "
                     "(in force 1 September 2025) limits a disciplinary bonus cut to 20 % of monthly pay.",
               "ru": "Замечания получены сканированием кривой выплат каждой схемы от 0 до 200 % плана тем же "
                     "движком. Законное снижение премии (РФ): Федеральный закон от 7 июня 2025 г. № 144-ФЗ "
                     "(вступает в силу 1 сентября 2025 г.) ограничивает снижение за дисциплинарный проступок "
                     "20 % месячного заработка."},
    "m_recommend": {"en": "The recommended plan passes the most assessed criteria; a tie goes to the lower "
                          "payroll. It is a starting point for a conversation, not a decision.",
                    "ru": "Рекомендуемая схема проходит больше всего оцениваемых критериев; при равенстве "
                          "выбирается меньший ФОТ. Это отправная точка для обсуждения, а не решение."},
    "m_criteria": {"en": "Criteria, thresholds and where they come from", "ru": "Критерии, пороги и источники"},
    "criterion": {"en": "Criterion", "ru": "Критерий"},
    "threshold": {"en": "Threshold", "ru": "Порог"},
    "source": {"en": "Source", "ru": "Источник"},
    "metric": {"en": "Metric", "ru": "Показатель"},
    "severity": {"en": "Severity", "ru": "Важность"},
    "component": {"en": "Component", "ru": "Компонент"},
    "at": {"en": "At", "ru": "При"},
    "what": {"en": "What", "ru": "Что"},
    "periods_in_tail": {"en": "Months in the tail", "ru": "Месяцев в хвосте"},
    "share_flagged": {"en": "Share flagged", "ru": "Доля отмеченных"},
    "pass": {"en": "pass", "ru": "пройден"},
    "fail": {"en": "fail", "ru": "не пройден"},
    "not assessed": {"en": "not assessed", "ru": "не оценивался"},
    "baseline": {"en": "baseline", "ru": "база"},
    "recommended_tag": {"en": "recommended", "ru": "рекомендуем"},
    "ge": {"en": "≥ {v}", "ru": "≥ {v}"},
    "le": {"en": "≤ {v}", "ru": "≤ {v}"},
    "band": {"en": "{lo} – {hi}", "ru": "{lo} – {hi}"},
    "info_only": {"en": "for information", "ru": "для сведения"},
    "no_threshold": {"en": "no band given", "ru": "диапазон не задан"},
    "ch_verdict": {"en": "The verdict metrics side by side (each scaled to the highest plan; hatched = fails).",
                   "ru": "Метрики вердикта рядом (в долях от лучшей схемы; штриховка — не пройдено)."},
    "ch_payroll": {"en": "Payroll over the period, per plan.", "ru": "ФОТ за период по схемам."},
    "ch_distribution": {"en": "What reps take home under each plan: one dot per rep (mean monthly pay).",
                        "ru": "Сколько получают менеджеры при каждой схеме: точка — менеджер (средняя выплата "
                              "в месяц)."},
    "ch_budget": {"en": "Cumulative payroll by month: median and P10–P90 across simulated years.",
                  "ru": "ФОТ нарастающим итогом по месяцам: медиана и P10–P90 по смоделированным годам."},
    "ch_scatter": {"en": "Pay against output in the real months, one point per rep: a rising cloud pays for "
                         "performance.",
                   "ru": "Выплата и результат за реальные месяцы, точка — менеджер: растущее облако — оплата за "
                         "результат."},
    "ch_curve": {"en": "Payout curve of {plan}, with its design findings marked.",
                 "ru": "Кривая выплат схемы {plan} с отмеченными замечаниями."},
    "ch_tail": {"en": "Tail reps.", "ru": "Устойчиво отстающие."},
    "sh_summary": {"en": "Summary", "ru": "Сводка"},
    "sh_verdict": {"en": "Verdict", "ru": "Вердикт"},
    "sh_statements": {"en": "Statements", "ru": "Расчётные листки"},
    "sh_pay": {"en": "Pay by rep", "ru": "Выплаты по менеджерам"},
    "sh_findings": {"en": "Findings", "ru": "Замечания"},
    "statements_title": {"en": "Pay statements: {plan}, {period}", "ru": "Расчётные листки: {plan}, {period}"},
    "metric_id": {"en": "metric id", "ru": "код показателя"},
    "step": {"en": "Step", "ru": "Шаг"},
    "item": {"en": "Item", "ru": "Статья"},
    "detail": {"en": "Detail", "ru": "Расчёт"},
    "amount": {"en": "Amount", "ru": "Сумма"},
}

#: Rows of the comparison table: metric key -> {lang -> text}.

_MONEY = {"top_quartile_median_total", "minimum_median_total", "target_variable", "p10_variable", "p50_variable",
          "p90_variable", "payroll", "variable_payroll", "revenue", "budget_p10", "budget_p50", "budget_p90",
          "mean_delta", "median_delta", "max_gain", "max_loss"}
_SHARE = {"variable_share", "cost_of_sales", "cost_of_sales_p10", "cost_of_sales_p50", "cost_of_sales_p90",
          "share_gaining", "share_losing"}
_COUNT = {"n_reps", "n_minimum_doers", "inversions"}
_RATIO = {"rho", "top_to_minimum", "p90_target_multiple", "p90_p10_variable", "strength_coverage"}
_PVALUE = {"rho_pvalue"}

#: Excel number formats by kind.
XLSX_FORMATS: dict[str, str] = {"money": "#,##0.00", "share": "0.0%", "count": "0", "ratio": "0.00",
                                "pvalue": "0.000", "number": "#,##0.##"}


def _t(key: str, lang: str, **fields: Any) -> str:
    """A report word: from :data:`TEXT`, else :func:`kpilab.i18n.label`."""
    entry = TEXT.get(key)
    text = entry[lang] if entry is not None else label(key, lang)
    return text.format(**fields) if fields else text


def metric_label(key: str, lang: str) -> str:
    """Row label of a comparison metric."""
    if has_label(f"{key}_total"):  # payroll, revenue...: the row totals the whole period
        return label(f"{key}_total", lang)
    return label(key, lang) if has_label(key) else str(key).replace("_", " ")


def metric_kind(key: str, measure: str = "revenue") -> str:
    """How a metric is formatted: ``money``, ``share``, ``count``, ``ratio``, ``pvalue`` or ``number``."""
    if key in _MONEY or (key == "output" and measure in ("revenue", "margin", "repeat_revenue")):
        return "money"
    for kind, keys in (("share", _SHARE), ("count", _COUNT), ("ratio", _RATIO), ("pvalue", _PVALUE)):
        if key in keys:
            return kind
    return "number"


def format_value(value: Any, kind: str, lang: str = "en", currency: str | None = "RUB") -> str:
    """A table cell as a person reads it: ``1,234,567 ₽``, ``12.3%``, ``0.97``, ``—`` for nothing.

    Parameters
    ----------
    value
        A number (NaN or None print as a dash).
    kind
        See :func:`metric_kind`.
    lang
        ``"en"`` or ``"ru"`` (Russian: ``1 234 567 ₽``, ``12,3 %``).
    currency
        Currency code for money.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "—"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if kind == "money":
        return format_money(v, lang, currency, 0)
    if kind == "share":
        number = format_number(v * 100.0, lang, 1)
        return f"{number}\u00a0%" if lang == "ru" else f"{number}%"
    if kind == "count":
        return format_number(v, lang, 0)
    if kind == "ratio":
        return format_number(v, lang, 2)
    if kind == "pvalue":
        return "< " + format_number(0.001, lang, 3) if v < 0.001 else format_number(v, lang, 3)
    return format_number(v, lang, 0 if abs(v) >= 100 else 2)


# --------------------------------------------------------------------------- simulated years

def bootstrap_years(team: pd.DataFrame, n_scenarios: int, seed: int | np.random.Generator | None = 0
                    ) -> pd.DataFrame:
    """The team in ``n_scenarios`` simulated years: a department-month bootstrap.

    Year ``s``, month slot ``j`` (the j-th period of the data) is a month of
    the data drawn with replacement; it brings every rep's row of that month
    (facts and that month's targets together) and takes the label of slot
    ``j``. Drawing whole department-months keeps what a month did to everyone
    (seasonality, market dips, team pools) and how a rep's metrics move
    together; it invents no behaviour the data lacks. It cannot produce a month
    worse than the worst month on record, and it drops the order of months.

    Parameters
    ----------
    team
        A performance table without a ``scenario`` column.
    n_scenarios
        Number of simulated years (>= 1).
    seed
        An int or a ``numpy.random.Generator``.

    Returns
    -------
    pandas.DataFrame
        An int ``scenario`` column first, then the team's columns; ordered by
        scenario and month slot; ``(scenario, rep_id, period)`` unique when
        ``(rep_id, period)`` is unique in ``team``.
    """
    if isinstance(n_scenarios, bool) or not isinstance(n_scenarios, (int, np.integer)) or n_scenarios < 1:
        raise KpilabError(f"the number of scenarios must be an integer >= 1, got {n_scenarios!r}")
    if "scenario" in team.columns:
        raise KpilabError("the team already has a scenario column; do not ask for more scenarios")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    codes, periods = pd.factorize(team["period"].astype(str), sort=False)
    n_periods = len(periods)
    by_period = [np.flatnonzero(codes == j) for j in range(n_periods)]  # one array per month
    counts = np.array([len(rows) for rows in by_period])
    draws = rng.integers(0, n_periods, size=(int(n_scenarios), n_periods))  # source month per (year, slot)
    flat = draws.ravel()
    rows = np.concatenate([by_period[k] for k in flat])
    sizes = counts[flat]
    out = team.iloc[rows].reset_index(drop=True)
    out["period"] = np.repeat(np.tile(np.asarray(periods, dtype=object), int(n_scenarios)), sizes)
    out.insert(0, "scenario", np.repeat(np.repeat(np.arange(int(n_scenarios)), n_periods), sizes))
    out.attrs = {k: v for k, v in team.attrs.items() if k != "source"}
    return out


# --------------------------------------------------------------------------- the report object

@dataclass(frozen=True, eq=False)
class ComparisonReport:
    """Everything a comparison report shows, computed once by :func:`build_report`.

    Attributes
    ----------
    comparison
        :func:`kpilab.analysis.compare` on the team (or on its simulated years).
    lint
        Plan name -> :func:`kpilab.analysis.lint` report.
    tail
        :func:`kpilab.analysis.tail` of the real team (None when it could not be run).
    payouts
        Plan name -> :class:`~kpilab.engine.Payouts` on the real team (the tables ``kpilab payout`` writes).
    plans
        Plan name -> plan, in the order given.
    team
        The real team.
    recommended
        Name of the recommended plan (:func:`recommend`).
    """

    comparison: Any
    lint: Mapping[str, Any]
    tail: Any
    payouts: Mapping[str, Payouts]
    plans: Mapping[str, Plan | Scheme]
    team: pd.DataFrame
    recommended: str
    lang: str = "en"
    n_scenarios: int | None = None
    seed: int | None = None
    source: str = ""
    currency: str = "RUB"
    statement_period: str = ""
    created: str = field(default_factory=lambda: _dt.date.today().isoformat())

    # --- small views used by every output
    @property
    def names(self) -> list[str]:
        """Plan names in the order given."""
        return list(self.plans)

    @property
    def periods(self) -> list[str]:
        """Period labels of the real team, in file order."""
        return [str(p) for p in pd.unique(self.team["period"].astype(str))]

    @property
    def measure(self) -> str:
        """The output measure the analysis used."""
        report = next(iter(self.comparison.reports.values()))
        return str(getattr(report, "measure", "revenue"))

    def kind(self, key: str) -> str:
        """Format kind of a comparison metric."""
        return metric_kind(key, self.measure)

    @property
    def criteria(self) -> list[str]:
        """The verdict's criteria (without its ``overall`` row)."""
        return [c for c in self.comparison.verdict.index if c != "overall"]

    def score(self, name: str) -> tuple[int, int]:
        """(criteria passed, criteria assessed) of a plan."""
        statuses = self.comparison.verdict.loc[self.criteria, name].astype(str)
        assessed = statuses[statuses != "not assessed"]
        return int((assessed == "pass").sum()), int(len(assessed))

    def payroll_per_month(self, name: str) -> float:
        """The comparison's payroll of a plan divided by the number of months."""
        return float(self.comparison.table.loc["payroll", name]) / max(1, len(self.periods))

    def summary_line(self) -> str:
        """``Recommended: <plan> — passes N of M criteria at X ₽ payroll/month`` (plain text)."""
        n, m = self.score(self.recommended)
        return _t("recommended", self.lang, plan=self.recommended, n=n, m=m,
                  payroll=format_money(self.payroll_per_month(self.recommended), self.lang, self.currency))

    def table_text(self) -> str:
        """The metrics × plans table, formatted, as aligned plain text (what ``kpilab compare`` prints)."""
        rows: list[list[str]] = []
        for group, keys in _groups(self):
            rows.append([_t(group, self.lang).upper(), *[""] * len(self.names)])
            rows.extend([metric_label(k, self.lang), *[format_value(self.comparison.table.loc[k, n], self.kind(k),
                                                                     self.lang, self.currency) for n in self.names]]
                        for k in keys)
        return text_table([_t("metric", self.lang), *self.names], rows)

    def verdict_text(self) -> str:
        """The criteria × plans verdict as aligned plain text."""
        verdict = self.comparison.verdict
        rows = [[metric_label(c, self.lang), *[_t(str(verdict.loc[c, n]), self.lang) for n in self.names]]
                for c in verdict.index]
        return text_table([_t("criterion", self.lang), *self.names], rows)


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the first column left-aligned, the others right-aligned."""
    cells = [list(map(str, header)), *[list(map(str, r)) for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for j, row in enumerate(cells):
        parts = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(parts).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def recommend(verdict: pd.DataFrame, payroll: Mapping[str, float]) -> str:
    """The plan the summary recommends: the most criteria passed, ties to the lower payroll, then to order.

    Parameters
    ----------
    verdict
        Criteria × plans of status strings (``Comparison.verdict``).
    payroll
        Plan name -> payroll.
    """
    rows = [c for c in verdict.index if c != "overall"]

    def key(item: tuple[int, str]) -> tuple[int, int, float, int]:
        i, name = item
        statuses = verdict.loc[rows, name].astype(str)
        return (-int((statuses == "pass").sum()), int((statuses == "fail").sum()), float(payroll[name]), i)

    return min(enumerate(verdict.columns), key=key)[1]


def _unique_names(plans: Sequence[tuple[str, Plan | Scheme]]) -> dict[str, Plan | Scheme]:
    """Plan display names, made unique: a second 'Balanced' becomes 'Balanced (file2)'."""
    out: dict[str, Plan | Scheme] = {}
    for hint, plan in plans:
        name = str(plan.name).strip() or hint
        if name in out:
            name = f"{name} ({hint})"
        k = 2
        base = name
        while name in out:
            name = f"{base} {k}"
            k += 1
        out[name] = plan
    return out


def build_report(plans: Mapping[str, Plan | Scheme] | Sequence[Plan | Scheme], team: pd.DataFrame, *,
                 baseline: str | None = None, n_scenarios: int | None = None, seed: int = 0,
                 lang: str = "en", criteria: Any = None, source: str | None = None,
                 step: Step | None = None) -> ComparisonReport:
    """Run everything a comparison report shows.

    Parameters
    ----------
    plans
        Plan name -> plan, or a sequence of plans (named by ``plan.name``).
    team
        The real performance table (no ``scenario`` column when ``n_scenarios`` is given).
    baseline
        The plan name pay changes are measured against (default: the first plan).
    n_scenarios
        Simulated years by :func:`bootstrap_years`; None: the data as given.
    seed
        Seed of the bootstrap.
    lang
        ``"en"`` or ``"ru"``.
    criteria
        :class:`kpilab.analysis.Criteria` or a dict of overrides.
    source
        Where the team came from (a file name), for the report and for error messages.
    step
        Called with a short description before each stage (a progress bar hook).

    Returns
    -------
    ComparisonReport

    Raises
    ------
    KpilabError
        Bad data (located), an unknown baseline, an unknown language.
    """
    from . import analysis

    check_lang(lang)
    tick: Step = step or (lambda _desc: None)
    if isinstance(plans, Mapping):
        named = dict(plans)
    else:
        named = _unique_names([(f"plan {i + 1}", p) for i, p in enumerate(plans)])
    if not named:
        raise KpilabError("no plans to compare")
    if baseline is not None and baseline not in named:
        raise KpilabError(f"baseline {baseline!r} is not one of the plans compared: {', '.join(named)}")
    source = source or str(team.attrs.get("source", "")) or "team"
    # The real team first: a data problem is reported against the rows of the file.
    payouts: dict[str, Payouts] = {}
    for name, plan in named.items():
        tick(f"pay: {name}")
        payouts[name] = evaluate(plan, team, source=source)
    data = team
    if n_scenarios is not None:
        tick("simulated years")
        data = bootstrap_years(team, n_scenarios, seed)
    tick("compare")
    comparison = analysis.compare(named, data, baseline=baseline, criteria=criteria, lang=lang)
    lint_reports: dict[str, Any] = {}
    for name, plan in named.items():
        tick(f"lint: {name}")
        lint_reports[name] = analysis.lint(plan, team, lang=lang)
    tick("tail")
    tail = analysis.tail(team)
    payroll = {n: float(comparison.table.loc["payroll", n]) for n in named}
    first = next(iter(named.values()))
    currency = getattr(first, "currency", None) or getattr(next(iter(first.plans().values())), "currency", "RUB")
    periods = pd.unique(team["period"].astype(str))
    return ComparisonReport(
        comparison=comparison, lint=lint_reports, tail=tail, payouts=payouts, plans=named, team=team,
        recommended=recommend(comparison.verdict, payroll), lang=lang, n_scenarios=n_scenarios,
        seed=seed if n_scenarios is not None else None, source=source, currency=currency or "RUB",
        statement_period=str(periods[-1]))


# --------------------------------------------------------------------------- charts

def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")[:40] or "plan"


def draw_charts(report: ComparisonReport) -> list[tuple[str, str, Any]]:
    """The report's charts as ``(file stem, caption, Figure)``, in the order the report shows them.

    The stems are ASCII and never contain user text verbatim (``curve_2_balanced_kpi``).
    """
    import matplotlib.pyplot as plt

    from . import plots

    lang = report.lang
    comp = report.comparison
    charts: list[tuple[str, str, Any]] = []

    def add(stem: str, caption: str, obj: Any) -> None:
        charts.append((stem, caption, obj.figure if hasattr(obj, "figure") and not hasattr(obj, "savefig")
                       else obj))

    criteria = [c for c in ("rho", "top_to_minimum", "p90_target_multiple") if c in comp.table.index]
    add("verdict_metrics", _t("ch_verdict", lang),
        plots.plot_comparison_bars(comp, metrics=criteria, lang=lang, ax=_new_ax(plt, (9.5, 4.8))))
    add("pay_distribution", _t("ch_distribution", lang),
        plots.plot_pay_distribution(comp.payouts, lang=lang, ax=_new_ax(plt, (9.5, 4.8))))
    if report.n_scenarios is not None:
        add("budget_fan", _t("ch_budget", lang),
            plots.plot_budget_fan({n: comp.payouts[n] for n in report.names}, lang=lang,
                                  ax=_new_ax(plt, (9.5, 5.2))))
    # pay against output, one panel per plan
    with plots.style():
        n = len(report.names)
        cols = 2 if n > 1 else 1  # two per row: the labels stay readable at the report's width
        rows = math.ceil(n / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.8 * rows), squeeze=False,
                                 sharex=True, sharey=True)
    for ax, name in zip(axes.ravel(), report.names):
        # the real months: what each rep would have been paid last year (the simulated years only resample them)
        plots.plot_pay_vs_performance(report.payouts[name], measure=report.measure, ax=ax, lang=lang)
        ax.set_title(name)
        if ax is not axes.ravel()[0] and ax.get_legend() is not None:
            ax.get_legend().remove()
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    add("pay_vs_performance", _t("ch_scatter", lang), fig)
    for i, name in enumerate(report.names, start=1):
        if not report.plans[name].component_names:  # salary only: no curve to draw
            continue
        add(f"curve_{i}_{_slug(name)}", _t("ch_curve", lang, plan=name),
            plots.plot_payout_curve(report.plans[name], findings=_on_curve(report.lint[name]), lang=lang,
                                    ax=_new_ax(plt, (6.2, 4.0))))
    return charts


def _on_curve(lint_report: Any, lo: float = 0.0, hi: float = 2.0) -> list[Any]:
    """The findings that sit on the curve's x axis (an attainment within the drawn 0–200 %)."""
    out = []
    for f in getattr(lint_report, "findings", ()):
        a = getattr(f, "attainment", None)
        if a is not None and np.isfinite(float(a)) and lo <= float(a) <= hi:
            out.append(f)
    return out


def _new_ax(plt: Any, figsize: tuple[float, float]) -> Any:
    from . import plots

    with plots.style():
        _fig, ax = plt.subplots(figsize=figsize)
    return ax


# --------------------------------------------------------------------------- HTML

_CSS = """
:root{--ink:#1f2933;--muted:#616e7c;--line:#e4e7eb;--soft:#f5f7fa;--brand:#1f4e79;--pass:#1b7f3b;
--pass-bg:#e3f4e8;--fail:#b42318;--fail-bg:#fde8e6;--na:#616e7c;--na-bg:#eef1f4;--warn:#a15c00;--warn-bg:#fff4e0}
*{box-sizing:border-box}
body{margin:0;background:#fff;color:var(--ink);font:15px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",
Arial,"Noto Sans","Liberation Sans",sans-serif}
main{max-width:1180px;margin:0 auto;padding:36px 40px 64px}
header{border-bottom:3px solid var(--brand);padding-bottom:14px;margin-bottom:22px}
h1{font-size:28px;margin:0 0 6px;color:var(--brand);letter-spacing:-.01em}
h2{font-size:20px;margin:38px 0 10px;color:var(--brand);border-bottom:1px solid var(--line);padding-bottom:6px}
h3{font-size:16px;margin:22px 0 8px}
p{margin:6px 0}
.meta{color:var(--muted);font-size:14px}
.summary{background:var(--soft);border-left:5px solid var(--brand);border-radius:6px;padding:16px 20px;margin:18px 0}
.summary .headline{font-size:19px;font-weight:600;margin:0 0 6px}
.summary p{margin:4px 0}
.note{color:var(--muted);font-size:13.5px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0 8px}
.card{flex:1 1 200px;background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 14px}
.card-label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card-value{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums;margin-top:2px;white-space:nowrap}
.tablewrap{overflow-x:auto;margin:10px 0 4px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:var(--soft);text-align:left;font-weight:600;border-bottom:2px solid #cbd2d9;line-height:1.3}
table.wide{table-layout:fixed}table.wide th:first-child{width:25%}table.verdict th:nth-child(2){width:10%}
tr.group td{background:#fff !important;font-weight:700;color:var(--brand);padding-top:16px;font-size:13px;
text-transform:uppercase;letter-spacing:.04em;border-bottom:1px solid #cbd2d9}
thead th.num{text-align:right}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody tr:nth-child(even) td{background:#fafbfc}
td.label{font-weight:500}
th.reco,td.reco{background:#eef5fb !important}
.tags{display:block;margin-top:3px}
.tag{display:inline-block;font-size:10.5px;font-weight:600;text-transform:uppercase;letter-spacing:.03em;
padding:1px 6px;border-radius:9px;margin-left:4px;white-space:nowrap}
.tag.reco{background:var(--brand);color:#fff}.tag.base{background:var(--na-bg);color:var(--na)}
.badge{display:inline-block;min-width:74px;text-align:center;font-size:12.5px;font-weight:600;padding:2px 8px;
border-radius:11px;white-space:nowrap}
.badge.pass{background:var(--pass-bg);color:var(--pass)}.badge.fail{background:var(--fail-bg);color:var(--fail)}
.badge.na{background:var(--na-bg);color:var(--na)}
.badge.error{background:var(--fail-bg);color:var(--fail)}.badge.warning{background:var(--warn-bg);color:var(--warn)}
.badge.info{background:var(--na-bg);color:var(--na)}
.cell-value{display:block;font-size:12.5px;color:var(--muted);margin-top:2px;font-variant-numeric:tabular-nums}
td.verdict{text-align:center}
figure{margin:18px 0 26px;page-break-inside:avoid}
figure img{display:block;max-width:100%;height:auto;margin:0 auto;border:1px solid var(--line);border-radius:4px}
figcaption{color:var(--muted);font-size:13.5px;margin-top:6px;text-align:center}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:0 24px}
@media (max-width:900px){.grid2{grid-template-columns:1fr}main{padding:20px}}
ul.findings{list-style:none;padding:0;margin:6px 0}
ul.findings li{padding:6px 0;border-bottom:1px solid var(--line)}
ul.findings .badge{min-width:96px;margin-right:8px}
details{margin:10px 0}summary{cursor:pointer;color:var(--brand);font-weight:600}
footer{margin-top:44px;color:var(--muted);font-size:12.5px;border-top:1px solid var(--line);padding-top:10px}
@media print{main{padding:0}h2{page-break-after:avoid}}
"""


def _e(value: Any) -> str:
    """HTML-escape anything shown in the report (quotes too: values may land in attributes)."""
    return html.escape(str(value), quote=True)


def _num_cell(value: Any, kind: str, lang: str, currency: str, extra_class: str = "") -> str:
    raw = "" if value is None or (isinstance(value, float) and math.isnan(value)) else repr(float(value))
    cls = f"num {extra_class}".strip()
    return (f'<td class="{cls}" data-value="{_e(raw)}">'
            f"{_e(format_value(value, kind, lang, currency))}</td>")


def _status_class(status: str) -> str:
    return {"pass": "pass", "fail": "fail"}.get(str(status), "na")


def _plan_header(report: ComparisonReport, name: str) -> str:
    lang = report.lang
    tags = ""
    if name == report.recommended:
        tags += f'<span class="tag reco">{_e(_t("recommended_tag", lang))}</span>'
    if name == getattr(report.comparison, "baseline", None):
        tags += f'<span class="tag base">{_e(_t("baseline", lang))}</span>'
    cls = "num reco" if name == report.recommended else "num"
    tags = f'<span class="tags">{tags}</span>' if tags else ""
    return f'<th class="{cls}" scope="col" data-plan="{_e(name)}">{_e(name)}{tags}</th>'


def _threshold_text(report: ComparisonReport, criterion: str) -> str:
    """The threshold of a criterion in words, from the verdict's own threshold column."""
    lang = report.lang
    crit = getattr(next(iter(report.comparison.reports.values())), "criteria", None)
    kind = report.kind(criterion)
    if criterion == "cost_of_sales":
        band = getattr(crit, "cost_of_sales_band", None)
        if band is None:
            return _t("no_threshold", lang)
        return _t("band", lang, lo=format_value(band[0], "share", lang), hi=format_value(band[1], "share", lang))
    row = _verdict_row(report, report.names[0], criterion)
    threshold = None if row is None else row.get("threshold")
    if threshold is None or (isinstance(threshold, float) and math.isnan(threshold)):
        return "—"
    text = format_value(threshold, kind, lang, report.currency)
    if criterion == "inversions":
        return _t("le", lang, v=text)
    if criterion == "strength_coverage" and not getattr(crit, "require_strength_coverage", False):
        return f"{_t('ge', lang, v=text)} ({_t('info_only', lang)})"
    return _t("ge", lang, v=text)


def _verdict_row(report: ComparisonReport, name: str, criterion: str) -> dict[str, Any] | None:
    frame = report.comparison.reports[name].verdict
    hit = frame[frame["criterion"] == criterion]
    return None if hit.empty else hit.iloc[0].to_dict()


def _verdict_html(report: ComparisonReport) -> str:
    lang = report.lang
    verdict = report.comparison.verdict
    head = "".join(_plan_header(report, n) for n in report.names)
    out = ['<div class="tablewrap"><table class="verdict wide" id="verdict-table"><thead><tr>',
           f'<th scope="col">{_e(_t("criterion", lang))}</th><th scope="col">{_e(_t("threshold", lang))}</th>',
           head, "</tr></thead><tbody>"]
    for criterion in verdict.index:
        out.append(f'<tr data-criterion="{_e(criterion)}"><td class="label">{_e(metric_label(criterion, lang))}</td>'
                   f"<td>{_e(_threshold_text(report, criterion))}</td>")
        for name in report.names:
            status = str(verdict.loc[criterion, name])
            row = _verdict_row(report, name, criterion) or {}
            value = row.get("value")
            explanation = str(row.get("explanation", ""))
            value_text = format_value(value, report.kind(criterion), lang, report.currency) if value is not None else ""
            reco = " reco" if name == report.recommended else ""
            out.append(f'<td class="verdict{reco}" title="{_e(explanation)}" data-status="{_e(status)}">'
                       f'<span class="badge {_status_class(status)}">{_e(_t(status, lang))}</span>'
                       f'<span class="cell-value">{_e(value_text)}</span></td>')
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _comparison_html(report: ComparisonReport) -> str:
    lang = report.lang
    table = report.comparison.table
    out = ['<div class="tablewrap"><table class="comparison wide" id="comparison-table"><thead><tr>',
           f'<th scope="col">{_e(_t("metric", lang))}</th>',
           "".join(_plan_header(report, n) for n in report.names), "</tr></thead><tbody>"]
    width = len(report.names) + 1
    for group, keys in _groups(report):
        out.append(f'<tr class="group"><td colspan="{width}">{_e(_t(group, lang))}</td></tr>')
        for key in keys:
            out.append(_metric_row(report, key))
    out.append("</tbody></table></div>")
    return "".join(out)


#: Sections of the comparison table: group label key -> metric keys, in the order shown.
METRIC_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("g_performance", ("rho", "rho_pvalue", "top_to_minimum", "top_quartile_median_total", "minimum_median_total",
                       "n_minimum_doers", "p90_target_multiple", "p90_p10_variable", "inversions")),
    ("g_levels", ("target_variable", "p10_variable", "p50_variable", "p90_variable")),
    ("g_cost", ("payroll", "variable_payroll", "variable_share", "revenue", "output", "cost_of_sales", "n_reps")),
    ("g_budget", ("budget_p10", "budget_p50", "budget_p90", "cost_of_sales_p10", "cost_of_sales_p50",
                  "cost_of_sales_p90")),
    ("g_delta", ("mean_delta", "median_delta", "share_gaining", "share_losing", "max_gain", "max_loss")),
)


def _groups(report: ComparisonReport) -> list[tuple[str, list[str]]]:
    """The comparison rows by section; a row the table lacks is skipped, one no section names goes last.

    ``output`` is left out when the measure is revenue (the two rows would be the same numbers).
    """
    index = [str(k) for k in report.comparison.table.index]
    skip = {"output"} if report.measure == "revenue" and "revenue" in index else set()
    placed: set[str] = set(skip)
    out = []
    for group, keys in METRIC_GROUPS:
        rows = [k for k in keys if k in index and k not in skip]
        placed.update(rows)
        if rows:
            out.append((group, rows))
    rest = [k for k in index if k not in placed]
    if rest:
        out.append(("g_other", rest))
    return out


def _metric_row(report: ComparisonReport, key: str) -> str:
    lang = report.lang
    table = report.comparison.table
    out = [f'<tr data-metric="{_e(key)}"><td class="label">{_e(metric_label(key, lang))}</td>']
    for name in report.names:
        out.append(_num_cell(table.loc[key, name], report.kind(key), lang, report.currency,
                             "reco" if name == report.recommended else ""))
    out.append("</tr>")
    return "".join(out)


def _frame_html(frame: pd.DataFrame, header: Sequence[str], kinds: Sequence[str], lang: str, currency: str,
                table_id: str) -> str:
    """A small table; ``kinds[i]`` is a format kind, or ``"text"``."""
    ths = "".join(f'<th scope="col" class="{"text" if k == "text" else "num"}">{_e(h)}</th>'
                  for h, k in zip(header, kinds))
    out = [f'<div class="tablewrap"><table id="{_e(table_id)}"><thead><tr>{ths}</tr></thead><tbody>']
    for row in frame.itertuples(index=False):
        cells = []
        for value, kind in zip(row, kinds):
            cells.append(f"<td>{_e(value)}</td>" if kind == "text" else _num_cell(value, kind, lang, currency))
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _findings_html(report: ComparisonReport) -> str:
    lang = report.lang
    out = []
    for name in report.names:
        lint_report = report.lint[name]
        order = {"error": 0, "warning": 1, "info": 2}  # what needs fixing first
        findings = sorted(getattr(lint_report, "findings", ()),
                          key=lambda f: order.get(str(getattr(f, "severity", "info")), 3))
        out.append(f"<h3>{_e(name)}</h3>")
        if not findings:
            out.append(f'<p class="note">{_e(_t("no_findings", lang))}</p>')
            continue
        out.append('<ul class="findings">')
        for f in findings:
            severity = str(getattr(f, "severity", "info"))
            sev_class = severity if severity in ("error", "warning", "info") else "info"
            out.append(f'<li><span class="badge {sev_class}">{_e(label(severity, lang))}</span>'
                       f"{_e(getattr(f, 'message', ''))}</li>")
        out.append("</ul>")
    return "".join(out)


def _tail_html(report: ComparisonReport) -> str:
    lang = report.lang
    tail = report.tail
    if tail is None:
        return f'<p class="note">{_e(_t("tail_none", lang))}</p>'
    k, n, q = getattr(tail, "k", 3), getattr(tail, "n", 6), getattr(tail, "quantile", 0.25)
    measure = _measure_name(report)
    measure = measure.lower() if lang == "en" else measure
    out = [f'<p>{_e(_t("tail_rule", lang, measure=measure, q=format_value(q, "share", lang), k=k, n=n))}</p>']
    table = tail.table
    flagged = table[table["flagged"].astype(bool)] if "flagged" in table.columns else table
    if flagged.empty:
        out.append(f'<p class="note">{_e(_t("tail_none", lang))}</p>')
        return "".join(out)
    columns = ["rep_id"]
    header = [label("rep", lang)]
    kinds = ["text"]
    shown = flagged.copy()
    if "archetype" in shown.columns:
        shown["archetype"] = [label(a, lang) if has_label(str(a)) else str(a) for a in shown["archetype"]]
        columns.append("archetype")
        header.append(label("archetype", lang))
        kinds.append("text")
    if "periods_in_tail" in shown.columns:
        columns.append("periods_in_tail")
        header.append(_t("periods_in_tail", lang))
        kinds.append("count")
    # what each of them is paid now under each plan (mean monthly pay, from the comparison)
    pay = getattr(report.comparison, "pay", None)
    if pay is not None:
        by_rep = pay.copy()
        by_rep.index = by_rep.index.astype(str)
        for name in report.names:
            if name in by_rep.columns:
                col = f"__pay_{report.names.index(name)}"
                shown[col] = by_rep[name].reindex(shown["rep_id"].astype(str)).to_numpy()
                columns.append(col)
                header.append(name)
                kinds.append("money")
        out.append(f'<p class="note">{_e(_t("tail_pay", lang))}</p>')
    out.append(_frame_html(shown[columns], header, kinds, lang, report.currency, "tail-table"))
    return "".join(out)


def _measure_name(report: ComparisonReport) -> str:
    m = report.measure
    return label(m, report.lang) if has_label(m) else m


def _pay_html(report: ComparisonReport) -> str:
    pay = getattr(report.comparison, "pay", None)
    if pay is None or len(pay) == 0:
        return ""
    lang = report.lang
    frame = pay.reset_index()
    rep_col = frame.columns[0]
    columns = [rep_col]
    header = [label("rep", lang)]
    kinds = ["text"]
    if "archetype" in frame.columns:
        frame["archetype"] = [label(a, lang) if has_label(str(a)) else str(a) for a in frame["archetype"]]
        columns.append("archetype")
        header.append(label("archetype", lang))
        kinds.append("text")
    for name in report.names:
        if name in frame.columns:
            columns.append(name)
            header.append(name)
            kinds.append("money")
    return (f'<details><summary>{_e(_t("sec_pay", lang))}</summary>'
            + _frame_html(frame[columns], header, kinds, lang, report.currency, "pay-table") + "</details>")


def _method_html(report: ComparisonReport) -> str:
    from .analysis import SOURCES

    lang = report.lang
    first = report.comparison.reports[report.names[0]]
    out = [f'<p>{_e(_t("m_measure", lang, measure=_measure_name(report)))}</p>']
    if getattr(first, "minimum_doer_definition", ""):
        out.append(f'<p>{_e(_t("m_minimum", lang, text=first.minimum_doer_definition))}</p>')
    if getattr(first, "target_definition", ""):
        out.append(f'<p>{_e(_t("m_target", lang, text=first.target_definition))}</p>')
    if report.n_scenarios is not None:
        out.append(f'<p>{_e(_t("m_boot", lang, n=report.n_scenarios, seed=report.seed))}</p>')
    else:
        out.append(f'<p>{_e(_t("m_no_boot", lang))}</p>')
    out.append(f'<p>{_e(_t("m_recommend", lang))}</p>')
    out.append(f'<p>{_e(_t("m_lint", lang))}</p>')
    out.append(f'<h3>{_e(_t("m_criteria", lang))}</h3>')
    rows = [(metric_label(c, lang), _threshold_text(report, c), SOURCES.get(str(c), "")) for c in report.criteria]
    out.append(_frame_html(pd.DataFrame(rows), [_t("criterion", lang), _t("threshold", lang), _t("source", lang)],
                           ["text", "text", "text"], lang, report.currency, "sources-table"))
    return "".join(out)


def render_html(report: ComparisonReport, images: Mapping[str, tuple[str, bytes]] | None = None) -> str:
    """The report as one self-contained HTML page (inline CSS, images as base64 PNG).

    Parameters
    ----------
    report
        From :func:`build_report`.
    images
        Chart stem -> (caption, PNG bytes), in the order to show them.

    Returns
    -------
    str
        The page. Every user-supplied string in it is escaped.
    """
    from . import __version__

    lang = report.lang
    comp = report.comparison
    periods = report.periods
    n_reps = int(report.team["rep_id"].astype(str).nunique())
    n, m = report.score(report.recommended)
    parts = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
             '<meta name="viewport" content="width=device-width, initial-scale=1">'
             f"<title>{_e(_t('title', lang))}</title><style>{_CSS}</style></head><body><main>",
             f"<header><h1>{_e(_t('title', lang))}</h1>",
             f'<p class="meta">{_e(_t("team_line", lang, source=Path(report.source).name or report.source, reps=n_reps, months=len(periods), first=periods[0], last=periods[-1]))}</p>',
             "</header>",
             '<section class="summary" id="summary">',
             f'<p class="headline">{_e(report.summary_line())}</p>',
             f"<p>{_e(_t('all_pass' if n == m else 'none_all', lang))}</p>"]
    parts.append(_cards(report))
    parts.append(f'<p class="note">{_e(_t("scen_line", lang, n=report.n_scenarios, seed=report.seed) if report.n_scenarios else _t("real_line", lang))} '
                 f'{_e(_t("baseline_line", lang, plan=getattr(comp, "baseline", report.names[0])))}</p>')
    parts.append("</section>")
    parts.append(f'<section id="verdict"><h2>{_e(_t("sec_verdict", lang))}</h2>'
                 f'<p class="note">{_e(_t("sec_verdict_note", lang))}</p>{_verdict_html(report)}'
                 f"{_why_html(report)}</section>")
    parts.append(f'<section id="comparison"><h2>{_e(_t("sec_table", lang))}</h2>'
                 f'<p class="note">{_e(_t("sec_table_note", lang, months=len(periods)))}</p>'
                 f"{_comparison_html(report)}{_pay_html(report)}</section>")
    if images:
        parts.append(f'<section id="charts"><h2>{_e(_t("sec_charts", lang))}</h2>')
        curves = [(s, c, b) for s, (c, b) in images.items() if s.startswith("curve_")]
        for stem, (caption, png) in images.items():
            if stem.startswith("curve_"):
                continue
            parts.append(_figure(stem, caption, png))
        if curves:
            parts.append('<div class="grid2">' + "".join(_figure(s, c, b) for s, c, b in curves) + "</div>")
        parts.append("</section>")
    parts.append(f'<section id="findings"><h2>{_e(_t("sec_findings", lang))}</h2>'
                 f'<p class="note">{_e(_t("sec_findings_note", lang))}</p>{_findings_html(report)}</section>')
    parts.append(f'<section id="tail"><h2>{_e(_t("sec_tail", lang))}</h2>{_tail_html(report)}</section>')
    parts.append(f'<section id="method"><h2>{_e(_t("sec_method", lang))}</h2>{_method_html(report)}</section>')
    parts.append(f"<footer>{_e(_t('generated', lang, version=__version__, date=report.created))}</footer>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _why_html(report: ComparisonReport) -> str:
    """The verdict sentences of the recommended plan, one per criterion."""
    lang = report.lang
    name = report.recommended
    items = []
    for criterion in report.criteria:
        row = _verdict_row(report, name, criterion) or {}
        status = str(report.comparison.verdict.loc[criterion, name])
        items.append(f'<li><span class="badge {_status_class(status)}">{_e(_t(status, lang))}</span>'
                     f'{_e(row.get("explanation", ""))}</li>')
    return f'<h3>{_e(_t("why", lang, plan=name))}</h3><ul class="findings">{"".join(items)}</ul>'


def _cards(report: ComparisonReport) -> str:
    """Key figures of the recommended plan as a row of cards."""
    lang = report.lang
    name = report.recommended
    table = report.comparison.table
    n, m = report.score(name)
    cards = [(_t("c_criteria", lang), f"{n} / {m}"),
             (_t("c_payroll_month", lang), format_money(report.payroll_per_month(name), lang, report.currency))]
    if "budget_p10" in table.index:
        lo = format_money(float(table.loc["budget_p10", name]), lang, report.currency)
        hi = format_money(float(table.loc["budget_p90", name]), lang, report.currency)
        cards.append((_t("c_budget", lang, months=len(report.periods)), f"{lo} – {hi}"))
    else:
        cards.append((_t("c_payroll_period", lang, months=len(report.periods)),
                      format_money(float(table.loc["payroll", name]), lang, report.currency)))
    if "variable_share" in table.index:
        cards.append((_t("c_variable_share", lang), format_value(table.loc["variable_share", name], "share", lang)))
    body = "".join(f'<div class="card"><div class="card-label">{_e(k)}</div><div class="card-value">{_e(v)}</div></div>'
                   for k, v in cards)
    return f'<div class="cards">{body}</div>'


def _figure(stem: str, caption: str, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure id="chart-{_e(stem)}"><img alt="{_e(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{_e(caption)}</figcaption></figure>")


# --------------------------------------------------------------------------- XLSX

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def sheet_names(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Excel-safe sheet names: invalid characters removed, at most 31 characters, unique (case-insensitive).

    Parameters
    ----------
    names
        Wanted names, e.g. plan names.
    taken
        Names already used in the workbook.
    """
    used = {t.lower() for t in taken}
    out = []
    for wanted in names:
        clean = _BAD_SHEET_CHARS.sub("", str(wanted)).strip().strip("'").strip() or "Sheet"
        candidate = clean[:31]
        k = 2
        while candidate.lower() in used:
            suffix = f" ({k})"
            candidate = clean[:31 - len(suffix)].rstrip() + suffix
            k += 1
        used.add(candidate.lower())
        out.append(candidate)
    return out


def write_xlsx(report: ComparisonReport, path: str | Path) -> Path:
    """payouts.xlsx: the summary, the verdict, one payout sheet per plan, pay by rep, statements, findings.

    Money cells carry ``#,##0.00``, shares ``0.0%``. The plan sheets hold
    :meth:`Payouts.rounded` of the real team: their totals equal the CSV of
    ``kpilab payout`` to the kopeck.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    lang = report.lang
    wb = Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="E9EEF4")
    fixed = [_t(k, lang) for k in ("sh_summary", "sh_verdict", "sh_pay", "sh_statements", "sh_findings")]
    plan_sheets = dict(zip(report.names, sheet_names(report.names, taken=fixed)))

    def header(ws: Any, values: Sequence[Any]) -> None:
        ws.append([str(v) for v in values])
        for cell in ws[ws.max_row]:
            cell.font = bold
            cell.fill = head_fill
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.freeze_panes = f"B{ws.max_row + 1}"  # a coordinate, not ws.cell(): that would create an empty row

    def widths(ws: Any, sizes: Sequence[float]) -> None:
        for i, w in enumerate(sizes, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w

    def number(value: Any) -> Any:
        if value is None:
            return None
        try:
            v = float(value)
        except (TypeError, ValueError):
            return str(value)
        return None if math.isnan(v) or math.isinf(v) else v

    # Summary: the comparison table
    ws = wb.active
    ws.title = fixed[0]
    header(ws, [_t("metric", lang), *report.names, _t("metric_id", lang)])
    for key in report.comparison.table.index:
        fmt = XLSX_FORMATS[report.kind(str(key))]
        ws.append([metric_label(str(key), lang), *[number(report.comparison.table.loc[key, n]) for n in report.names],
                   str(key)])
        for cell in ws[ws.max_row][1:1 + len(report.names)]:
            cell.number_format = fmt
    widths(ws, [44, *[22] * len(report.names), 26])

    # Verdict
    ws = wb.create_sheet(fixed[1])
    header(ws, [_t("criterion", lang), _t("threshold", lang), *report.names])
    for criterion in report.comparison.verdict.index:
        ws.append([metric_label(str(criterion), lang), _threshold_text(report, str(criterion)),
                   *[_t(str(report.comparison.verdict.loc[criterion, n]), lang) for n in report.names]])
    widths(ws, [44, 22, *[22] * len(report.names)])

    # One sheet per plan: the rounded payout table of the real team
    for name in report.names:
        ws = wb.create_sheet(plan_sheets[name])
        table = report.payouts[name].rounded()
        header(ws, list(table.columns))
        money_cols = set(range(table.columns.get_loc("base"), len(table.columns)))
        for row in table.itertuples(index=False):
            ws.append([number(v) if i in money_cols else (None if pd.isna(v) else str(v) if not isinstance(v, (int, float, np.integer, np.floating)) else v)
                       for i, v in enumerate(row)])
        for col in money_cols:
            letter = get_column_letter(col + 1)
            for cell in ws[letter][1:]:
                cell.number_format = XLSX_FORMATS["money"]
        ws.auto_filter.ref = ws.dimensions
        widths(ws, [12 if c in ("rep_id", "period", "role", "team", "scenario") else 16 for c in table.columns])

    # Pay by rep: mean monthly total per plan (from the comparison)
    pay = getattr(report.comparison, "pay", None)
    ws = wb.create_sheet(fixed[2])
    if pay is not None:
        frame = pay.reset_index()
        cols = [c for c in frame.columns if c not in report.names]
        header(ws, [*cols, *report.names])
        for row in frame.itertuples(index=False):
            rec = dict(zip(frame.columns, row))
            ws.append([str(rec[c]) for c in cols] + [number(rec[n]) for n in report.names])
            for cell in ws[ws.max_row][len(cols):]:
                cell.number_format = XLSX_FORMATS["money"]
        widths(ws, [14] * len(cols) + [20] * len(report.names))

    # Statements of the recommended plan for the last real month
    ws = wb.create_sheet(fixed[3])
    ws.append([_t("statements_title", lang, plan=report.recommended, period=report.statement_period)])
    ws["A1"].font = Font(bold=True, size=12)
    header(ws, [label("rep", lang), label("period", lang), _t("step", lang), _t("item", lang), _t("detail", lang),
                _t("amount", lang)])
    payouts = report.payouts[report.recommended]
    table = payouts.table
    in_period = table[table["period"].astype(str) == report.statement_period]
    for rep in pd.unique(in_period["rep_id"]):
        statement = payouts.explain(rep, report.statement_period)
        for line in statement.table.itertuples(index=False):
            rec = line._asdict()
            ws.append([str(rep), report.statement_period, str(rec.get("step", "")), str(rec.get("item", "")),
                       str(rec.get("detail", "")), number(rec.get("amount"))])
            ws.cell(row=ws.max_row, column=6).number_format = XLSX_FORMATS["money"]
    widths(ws, [12, 12, 12, 24, 90, 16])

    # Findings
    ws = wb.create_sheet(fixed[4])
    header(ws, [label("plan", lang), _t("severity", lang), _t("component", lang), _t("what", lang),
                _t("metric", lang), _t("detail", lang)])
    for name in report.names:
        for f in getattr(report.lint[name], "findings", ()):
            ws.append([name, label(str(f.severity), lang), str(f.component), str(f.kind), str(f.metric),
                       str(f.message)])
    widths(ws, [28, 16, 24, 16, 16, 110])

    defuse_workbook(wb)  # user text (rep ids, plan names) is never a live formula
    path = Path(path)
    wb.save(path)
    return path


# --------------------------------------------------------------------------- writing it all

def check_report_dir(directory: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse a report folder that cannot be (re)written, before any work is done.

    The rules live in :func:`kpilab.safe_write.check_report_folder`: a file in
    its place, or a folder holding files kpilab did not write (unless
    ``force``), is an error naming them.
    """
    check_report_folder(directory, force=force, inputs=inputs)
    return Path(directory)


def write_report(report: ComparisonReport, directory: str | Path, *, step: Step | None = None,
                 force: bool = False, inputs: Iterable[str | Path] = ()) -> Path:
    """Write report.html, charts/*.png and *.svg and payouts.xlsx into ``directory``, all or nothing.

    Everything is written into a temporary folder first and moved into place
    at the end (:func:`kpilab.safe_write.write_folder_atomically`), so a
    failure leaves nothing behind and an old report intact; only files kpilab
    wrote are ever replaced.

    Returns
    -------
    Path
        The path of report.html.
    """
    import matplotlib.pyplot as plt

    from . import plots

    tick: Step = step or (lambda _desc: None)

    def fill(tmp: Path) -> None:
        charts_dir = tmp / "charts"
        charts_dir.mkdir()
        tick("charts")
        images: dict[str, tuple[str, bytes]] = {}
        try:
            for stem, caption, fig in draw_charts(report):
                tick(f"chart: {stem}")
                # constrained layout already fits the figure: no second "tight" layout pass (half the time)
                plots.save(fig, charts_dir / f"{stem}.svg", bbox_inches=None)
                png = plots.save(fig, charts_dir / f"{stem}.png", dpi=150, bbox_inches=None)
                images[stem] = (caption, png.read_bytes())
                plt.close(fig)
        finally:
            plt.close("all")
        tick("payouts.xlsx")
        write_xlsx(report, tmp / "payouts.xlsx")
        tick("report.html")
        (tmp / "report.html").write_text(render_html(report, images), encoding="utf-8")

    write_folder_atomically(directory, fill, force=force, inputs=inputs)
    return Path(directory) / "report.html"
