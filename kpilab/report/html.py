"""The report as one self-contained HTML page, from a Jinja2 template with autoescape on.

:func:`page_context` turns a :class:`~kpilab.report.build.ComparisonReport`
into plain text and numbers (every figure already formatted, every word from
the catalog); ``templates/report.html.j2`` lays them out and
``templates/report.css`` styles them, for screen and for print. A consultant
changes the look by editing those two files, not Python. Because the
template escapes every value, user text (plan names, rep ids, file names, the
client's name) can never become markup.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ..i18n import catalog, fmt_date, has_label, label, placeholders, t
from .build import ComparisonReport
from .formatting import metric_label, period_text, row_label, word

__all__ = ["render_html", "page_context", "TEMPLATES"]

#: Folder of the report's templates and style sheet (package data).
TEMPLATES = Path(__file__).with_name("templates")

_STATUS_CLASS = {"pass": "pass", "fail": "fail"}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}  # what needs fixing first


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=False, lstrip_blocks=False)


def _words(lang: str) -> dict[str, str]:
    """Every ``report.*`` word that needs no field, by its short key (``words.sec_verdict``)."""
    out = {}
    for key, entry in catalog(lang).items():
        if key.startswith("report.") and isinstance(entry, str) and not placeholders(entry):
            out[key[len("report."):]] = entry
    return out


def _raw(value: Any) -> str:
    """The exact number behind a cell, for ``data-value`` (empty for nothing)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(v) else repr(v)


def _cell(text: str, value: Any = None, *, num: bool = False, cls: str = "") -> dict[str, Any]:
    return {"text": text, "raw": _raw(value) if num else "", "num": num, "cls": cls}


def _frame(report: ComparisonReport, frame: pd.DataFrame, header: list[str], kinds: list[str], table_id: str,
           rep_column: str | None = None) -> dict[str, Any]:
    """A small table for the template; ``kinds[i]`` is a format kind, or ``"text"``."""
    rows = []
    for rec in frame.itertuples(index=False):
        cells = [_cell(str(v)) if k == "text" else _cell(report.fmt(v, k), v, num=True) for v, k in zip(rec, kinds)]
        rep = str(getattr(rec, rep_column)) if rep_column else ""
        rows.append({"cells": cells, "rep": rep})
    return {"id": table_id, "header": [{"text": h, "num": k != "text"} for h, k in zip(header, kinds)], "rows": rows}


def _archetype_words(values: pd.Series, lang: str) -> list[str]:
    return [label(str(a), lang) if has_label(str(a)) else str(a) for a in values]


def _pay_table(report: ComparisonReport) -> dict[str, Any] | None:
    pay = getattr(report.comparison, "pay", None)
    if pay is None or len(pay) == 0:
        return None
    lang = report.lang
    frame = pay.reset_index()
    columns, header, kinds = [frame.columns[0]], [label("rep", lang)], ["text"]
    if "archetype" in frame.columns:
        frame["archetype"] = _archetype_words(frame["archetype"], lang)
        columns.append("archetype")
        header.append(label("archetype", lang))
        kinds.append("text")
    for name in report.names:
        if name in frame.columns:
            columns.append(name)
            header.append(report.title(name))
            kinds.append("money")
    return _frame(report, frame[columns], header, kinds, "pay-table")


def _transition_table(report: ComparisonReport) -> dict[str, Any] | None:
    moves = report.transition
    if moves is None or report.recommended == report.baseline:
        return None
    header = [{"text": h, "num": i not in (0, 5)} for i, h in enumerate(report.transition_header())]
    rows = []
    for rec, texts in zip(moves.table.itertuples(index=False), report.transition_rows()):
        values = [None, rec.before, rec.after, rec.change, rec.change_pct, None]
        cells = [_cell(texts[0]), *[_cell(texts[i], values[i], num=True) for i in range(1, 5)],
                 _cell(texts[5], cls=str(rec.status))]
        rows.append({"cells": cells, "rep": str(rec.rep_id)})
    return {"id": "transition-table", "header": header, "rows": rows}


def _tail(report: ComparisonReport) -> tuple[str, dict[str, Any] | None]:
    lang = report.lang
    tail = report.tail
    if tail is None:
        return "", None
    k, n, q = getattr(tail, "k", 3), getattr(tail, "n", 6), getattr(tail, "quantile", 0.25)
    measure = report.measure_name()
    rule = word("tail_rule", lang, count=n, k=k, q=report.fmt(q, "share"),
                measure=measure.lower() if lang == "en" else measure)
    table = tail.table
    flagged = table[table["flagged"].astype(bool)] if "flagged" in table.columns else table
    if flagged.empty:
        return rule, None
    shown = flagged.copy()
    columns, header, kinds = ["rep_id"], [label("rep", lang)], ["text"]
    if "archetype" in shown.columns:
        shown["archetype"] = _archetype_words(shown["archetype"], lang)
        columns.append("archetype")
        header.append(label("archetype", lang))
        kinds.append("text")
    if "periods_in_tail" in shown.columns:
        columns.append("periods_in_tail")
        header.append(word("periods_in_tail", lang))
        kinds.append("count")
    pay = getattr(report.comparison, "pay", None)
    if pay is not None:  # what each of them is paid now under each plan (mean monthly pay)
        by_rep = pay.copy()
        by_rep.index = by_rep.index.astype(str)
        for i, name in enumerate(report.names):
            if name in by_rep.columns:
                col = f"__pay_{i}"
                shown[col] = by_rep[name].reindex(shown["rep_id"].astype(str)).to_numpy()
                columns.append(col)
                header.append(report.title(name))
                kinds.append("money")
    return rule, _frame(report, shown[columns], header, kinds, "tail-table", rep_column="rep_id")


def _findings(report: ComparisonReport) -> list[dict[str, Any]]:
    out = []
    for name in report.names:
        found = sorted(getattr(report.lint[name], "findings", ()),
                       key=lambda f: _SEVERITY_ORDER.get(str(getattr(f, "severity", "info")), 3))
        items = []
        for f in found:
            severity = str(getattr(f, "severity", "info"))
            items.append({"cls": severity if severity in _SEVERITY_ORDER else "info",
                          "word": label(severity, report.lang), "text": str(getattr(f, "message", ""))})
        out.append({"title": report.title(name), "items": items})
    return out


def _method(report: ComparisonReport) -> list[str]:
    lang = report.lang
    first = report.comparison.reports[report.names[0]]
    out = [word("m_measure", lang, measure=report.measure_name())]
    if getattr(first, "minimum_doer_definition", ""):
        out.append(word("m_minimum", lang, text=str(first.minimum_doer_definition).rstrip(".")))
    if getattr(first, "target_definition", ""):
        out.append(word("m_target", lang, text=str(first.target_definition).rstrip(".")))
    if report.n_scenarios is not None:
        out.append(word("m_boot", lang, count=report.n_scenarios, seed=report.seed))
    else:
        out.append(word("m_no_boot", lang))
    out += [word("m_recommend", lang), word("m_transition", lang), word("m_lint", lang)]
    return out


def _png_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def page_context(report: ComparisonReport, images: Mapping[str, tuple[str, bytes]] | None = None
                 ) -> dict[str, Any]:
    """Everything the template shows, as text and numbers (no markup)."""
    lang = report.lang
    table = report.comparison.table
    reco = report.recommended
    plans = [{"name": n, "title": report.title(n), "reco": n == reco, "base": n == report.baseline}
             for n in report.names]
    byline = []
    if report.client:
        byline.append(word("prepared_for", lang, client=report.client))
    if report.author:
        byline.append(word("prepared_by", lang, author=report.author))
    byline.append(word("dated", lang, date=fmt_date(report.created, lang)))
    periods = report.periods
    n_met, m = report.score(reco)
    cards = [{"label": word("c_criteria", lang), "value": f"{n_met} / {m}"},
             {"label": word("c_payroll_month", lang), "value": report.money(report.payroll_per_month(reco))}]
    if "budget_p10" in table.index:
        lo, hi = (report.money(float(table.loc[k, reco])) for k in ("budget_p10", "budget_p90"))
        cards.append({"label": word("c_budget", lang, months=report.months()), "value": f"{lo} – {hi}"})
    else:
        cards.append({"label": word("c_payroll_period", lang, months=report.months()),
                      "value": report.money(float(table.loc["payroll", reco]))})
    if "variable_share" in table.index:
        cards.append({"label": word("c_variable_share", lang), "value": report.fmt(table.loc["variable_share", reco],
                                                                                   "share")})
    if report.transition is not None and reco != report.baseline:
        cards.append({"label": word("c_losers", lang),
                      "value": t("common.reps", lang, count=report.transition.counts["loses"])})
    verdict_rows = []
    for criterion in report.criteria:
        cells = []
        for name in report.names:
            status = report.status(name, criterion)
            row = report.verdict_row(name, criterion)
            value = row.get("value")
            cells.append({"status": str(report.comparison.verdict.loc[criterion, name]),
                          "cls": _STATUS_CLASS.get(status, "na"), "word": report.status_word(status),
                          "value": report.fmt(value, report.criterion_kind(criterion)) if value is not None else "",
                          "interval": report.interval_text(name, criterion),
                          "robustness": report.robustness_text(name, criterion),
                          "explanation": report.explanation(name, criterion), "reco": name == reco})
        verdict_rows.append({"key": criterion, "label": metric_label(criterion, lang),
                             "threshold": report.threshold_text(criterion), "cells": cells})
    why = [{"cls": _STATUS_CLASS.get(report.status(reco, c), "na"), "word": report.status_word(report.status(reco, c)),
            "text": report.explanation(reco, c)} for c in report.criteria]
    groups, has_dash = [], False
    for group, keys in report.groups():
        rows = []
        for key in keys:
            cells = [{"raw": _raw(table.loc[key, n]), "text": report.cell(key, n), "reco": n == reco}
                     for n in report.names]
            has_dash = has_dash or any(c["text"] == "—" and key not in ("mean_delta", "median_delta", "share_gaining",
                                                                          "share_losing", "max_gain", "max_loss")
                                       for c in cells)
            rows.append({"key": key, "label": row_label(key, lang), "cells": cells})
        groups.append({"label": word(group, lang), "rows": rows})
    charts, curves = [], []
    for stem, (caption, png) in (images or {}).items():
        (curves if stem.startswith("curve_") else charts).append({"stem": stem, "caption": caption,
                                                                  "src": _png_uri(png)})
    tail_rule, tail = _tail(report)
    sources = pd.DataFrame([(metric_label(c, lang), report.threshold_text(c), report.source_text(c))
                            for c in report.criteria])
    from .. import __version__

    return {
        "page": {
            "lang": lang, "title": word("title", lang), "logo": report.logo,
            "logo_alt": word("logo_alt", lang, client=report.client) if report.client else word("logo_alt_plain", lang),
            "byline": byline,
            "team_line": word("team_line", lang, source=Path(report.source).name or report.source,
                              reps=t("common.reps", lang, count=report.n_reps), months=report.months(),
                              first=period_text(periods[0], lang), last=period_text(periods[-1], lang)),
            "headline": report.summary_line(), "summary_notes": report.summary_notes(), "cards": cards,
            "data_line": (word("scen_line", lang, count=report.n_scenarios, seed=report.seed)
                          if report.n_scenarios else word("real_line", lang)),
            "baseline_line": word("baseline_line", lang, plan=report.title(report.baseline)),
            "plans": plans, "verdict": verdict_rows,
            "plan_list": [{"title": report.title(n), "description": report.description(n)} for n in report.names], "why_title": word("why", lang, plan=report.title(reco)),
            "why": why, "table_note": word("sec_table_note", lang, months=report.months()), "groups": groups,
            "has_dash": has_dash, "pay": _pay_table(report),
            "transition_lines": report.transition_lines(), "transition": _transition_table(report),
            "charts": charts, "curves": curves, "findings": _findings(report), "tail_rule": tail_rule, "tail": tail,
            "method": _method(report), "behaviour": report.behaviour,
            "sources": _frame(report, sources, [word(k, lang) for k in ("criterion", "threshold", "source")],
                              ["text", "text", "text"], "sources-table"),
            "footer": word("generated", lang, version=__version__, date=fmt_date(report.created, lang)),
        },
        "words": _words(lang),
        "sections": report.sections,  # extra sections, each rendered by its own partial (escaped there)
    }


def render_html(report: ComparisonReport, images: Mapping[str, tuple[str, bytes]] | None = None) -> str:
    """The report as one self-contained HTML page (inline CSS, images as base64 PNG).

    Parameters
    ----------
    report
        From :func:`kpilab.report.build_report`.
    images
        Chart stem -> (caption, PNG bytes), in the order to show them.

    Returns
    -------
    str
        The page. Every value in it is escaped by the template.
    """
    return _environment().get_template("report.html.j2").render(**page_context(report, images))
