"""The dashboard's HTML panels, from Jinja2 templates with autoescape on.

Each function turns numbers the state computed into the words of one panel
(verdict, cost, messages, the one-rep what-if, the comparison table) and renders
its template. Nothing here is assembled by string concatenation, so a plan
named ``<b>`` or a rep called ``O'Brien & Sons`` shows as typed.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from ..i18n import fmt_money, fmt_number, fmt_percent
from .specs import plan_name, words
from .state import CostSummary, TunerState, WhatIf

__all__ = ["render", "verdict_html", "cost_html", "message_html", "header_html", "label_html", "whatif_html",
           "GREEN", "RED", "GREY"]

GREEN, RED, GREY = "#1a7f37", "#b42318", "#555"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
                              autoescape=True, trim_blocks=False, lstrip_blocks=False,
                              undefined=jinja2.StrictUndefined)


def render(template: str, **context: Any) -> str:
    """Render ``templates/<template>.html.j2`` (autoescaped) with ``context``."""
    return _env().get_template(f"{template}.html.j2").render(**context)


def pct(value: float, lang: str, digits: int = 1) -> str:
    return fmt_percent(value, lang, digits) if math.isfinite(value) else "—"


def header_html(name: str, description: str) -> str:
    return render("header", name=name, description=description)


def label_html(text: str) -> str:
    return render("label", text=text)


def message_html(text: str, tone: str = "info", data: dict[str, Any] | None = None) -> str:
    """A status line: ``tone`` is ``"info"``, ``"ok"`` or ``"error"``; ``data`` become ``data-*`` attributes."""
    return render("message", text=text, tone=tone, colour={"ok": GREEN, "error": RED}.get(tone, GREY),
                  data=data or {})


def criterion_name(criterion: str, lang: str) -> str:
    """A verdict criterion (or metric) as the dashboard names it; the label catalog for the rest."""
    from ..i18n import has_text, label

    key = f"dashboard.crit_{criterion}"
    return words(f"crit_{criterion}", lang) if has_text(key, lang) else label(criterion, lang)


def verdict_html(state: TunerState, revision: int = 0) -> str:
    """The verdict: a head line and one line per assessed criterion with the analysis' own sentence."""
    lang = state.lang
    v = state.report.verdict
    assessed = v[v["status"] != "not assessed"]
    n_fail = int((assessed["status"] == "fail").sum())
    ok = state.passed
    head = words("verdict_pass", lang) if ok else words("verdict_fail", lang, count=n_fail,
                                                         total=fmt_number(len(assessed), lang, 0))
    ranges, overall = _ranges(state)
    rows, notes = [], []
    for r in v.itertuples():
        name = criterion_name(str(r.criterion), lang)
        if r.status == "not assessed":
            notes.append({"criterion": r.criterion, "name": name, "sentence": r.explanation})
            continue
        good = r.status == "pass"
        rows.append({"criterion": r.criterion, "status_class": r.status, "name": name, "sentence": r.explanation,
                     "mark": "✔" if good else "✘", "colour": GREEN if good else RED,
                     "word": words("status_pass" if good else "status_fail", lang),
                     "range": ranges.get(str(r.criterion), "")})
    return render("verdict", passed=ok, colour=GREEN if ok else RED, head=head, rows=rows, notes=notes,
                  revision=revision, settled=state.settled, overall=overall,
                  updating=words("intervals_updating", lang))


def _ranges(state: TunerState) -> tuple[dict[str, str], str]:
    """Per criterion, its 90 % range and robustness over resampled teams; and the plan's. Empty while pending."""
    from ..i18n import t

    report, lang = state.report, state.lang
    if not state.settled or report.bootstrap is None:
        return {}, ""
    table = report.robustness_table(lang)
    ranges = {}
    for criterion, r in table.iterrows():
        if criterion != "overall" and r["share_passing"] != "—":
            share = t("verdict.share_passing", lang, share=r["share_passing"])
            ranges[str(criterion)] = (words("criterion_range", lang, interval=r["interval"], word=r["robustness"],
                                            share=share) if r["interval"]  # no interval for an undefined figure
                                      else words("criterion_range_none", lang, word=r["robustness"], share=share))
    row = table.loc["overall"]
    overall = ""
    if row["robustness"]:
        overall = words("overall_range", lang, word=row["robustness"],
                        share=t("verdict.share_passing", lang, share=row["share_passing"]))
    return ranges, overall


def cost_html(state: TunerState) -> str:
    """What the tuned plan costs, the change against the baseline, and the cost of sales against its band."""
    lang = state.lang
    c: CostSummary = state.cost()
    currency = state.plan.currency
    money = lambda v: fmt_money(v, lang, currency)  # noqa: E731
    rows: list[dict[str, Any]] = [
        {"name": words("payroll_month", lang), "value": money(c.payroll_month), "strong": "kp-payroll-month"},
        {"name": words("payroll_year", lang, count=c.n_periods), "value": money(c.payroll), "strong": "kp-payroll"},
    ]
    if c.band is not None:
        rows.append({"name": words("budget_band", lang, count=state.n_years),
                     "value": f"{money(c.band[0])} … {money(c.band[1])}"})
    rows.append({"name": words("variable_share", lang), "value": pct(c.variable_share, lang)})
    if math.isfinite(c.cost_of_sales):
        name = (words("cost_band", lang, low=pct(c.cost_band[0], lang), high=pct(c.cost_band[1], lang))
                if c.cost_band is not None else words("cost_of_sales", lang))
        value = pct(c.cost_of_sales, lang)
        if c.out_of_band:
            value = f"{value} — {words('cost_out_of_band', lang)}"
        rows.append({"name": name, "value": value, "css": "kp-cost-of-sales",
                     "colour": RED if c.out_of_band else (GREEN if c.cost_status == "pass" else None)})
    if abs(c.delta) < 0.5:
        rows.append({"name": words("vs_baseline", lang, name=plan_name(state.baseline, lang)), "value": words("no_change", lang),
                     "css": "kp-delta"})
    else:
        share = f" ({'+' if c.delta > 0 else ''}{pct(c.delta_share, lang)})" if math.isfinite(c.delta_share) else ""
        sign = "+" if c.delta > 0 else ""
        rows.append({"name": words("vs_baseline", lang, name=plan_name(state.baseline, lang)),
                     "value": f"{sign}{money(c.delta)} {words('per_year', lang, count=c.n_periods)}{share}",
                     "css": "kp-delta",
                     "colour": RED if c.delta > 0 else GREEN})
    for row in rows:
        row.setdefault("css", "")
        row.setdefault("strong", "")
        row.setdefault("colour", None)
    return render("cost", title=words("cost_title", lang), rows=rows, out_of_band=c.out_of_band)


def whatif_html(state: TunerState, result: WhatIf) -> str:
    """The one-rep what-if in plain words, with the engine's statement of the tuned pay."""
    lang = state.lang
    currency = state.plan.currency
    change = result.tuned - result.tuned_actual
    if abs(change) < 0.005:
        change_text = words("whatif_same", lang)
    else:
        change_text = ("+" if change > 0 else "") + fmt_money(change, lang, currency)
    summary = words("whatif_summary", lang, rep=result.rep_id, period=result.period,
                    tuned=fmt_money(result.tuned, lang, currency), tuned_change=change_text,
                    base=fmt_money(result.baseline, lang, currency), baseline=plan_name(state.baseline, lang))
    return render("whatif", summary=summary, why=words("whatif_why", lang), explanation=result.explanation)
