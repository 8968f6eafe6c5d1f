"""payouts.xlsx: the comparison workbook (openpyxl), headers in the report's language.

Sheets: the summary (metrics × plans), the verdict, one payout sheet per plan
(the rounded payout table of the real team: its totals equal ``kpilab payout``
to the kopeck), pay by rep, winners and losers, the pay statements of the
recommended plan for the last month, and the design findings. Numbers are
numbers with Excel formats; every text a user supplied (rep ids, plan names)
is written as text, never as a live formula (:mod:`kpilab.spreadsheet_safe`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import has_label, label
from ..spreadsheet_safe import defuse_workbook
from .build import ComparisonReport
from .formatting import metric_label, period_text, row_label, word

__all__ = ["write_xlsx", "sheet_names", "XLSX_FORMATS", "FIXED_SHEETS"]

#: Excel number formats by kind.
XLSX_FORMATS: dict[str, str] = {"money": "#,##0.00", "share": "0.0%", "count": "0", "ratio": "0.00",
                                "pvalue": "0.000", "number": "#,##0.##"}

#: The workbook's fixed sheets (word keys), in order; plan sheets come after the verdict.
FIXED_SHEETS: tuple[str, ...] = ("sh_summary", "sh_verdict", "sh_pay", "sh_transition", "sh_statements",
                                 "sh_findings")

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
        candidate = _shortened(clean, 31)
        k = 2
        while candidate.lower() in used:
            suffix = f" ({k})"
            candidate = _shortened(clean, 31 - len(suffix)) + suffix
            k += 1
        used.add(candidate.lower())
        out.append(candidate)
    return out


def _shortened(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a word and marked with «…» rather than mid-word
    ("Balanced KPI matrix…", not "Balanced KPI matrix (fitt")."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" (-–—,.;:") + "…"


def _number(value: Any) -> Any:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    return None if math.isnan(v) or math.isinf(v) else v


def _text(value: Any, lang: str) -> Any:
    """A text cell: None for nothing, a known word (role ``senior``) in the report's language, else the text."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return value
    text = str(value)
    return label(text, lang) if text in ("junior", "senior") and has_label(text) else text


def _statement(payouts: Any, rep: Any, period: str, lang: str, title: str) -> list[str]:
    """The rep's statement in plain words, one line per pay part; none when it cannot be worded."""
    from ..engine.explain import statement_lines

    try:
        return list(statement_lines(payouts, rep, period, lang=lang, header=False, plan_title=title))
    except (KeyError, ValueError, TypeError):  # the numbers stay; only the words are left out
        return []


def write_xlsx(report: ComparisonReport, path: str | Path) -> Path:
    """Write the comparison workbook to ``path`` and return it.

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
    fixed = {k: word(k, lang) for k in FIXED_SHEETS}
    plan_sheets = dict(zip(report.names, sheet_names(report.titles, taken=fixed.values())))
    money = XLSX_FORMATS["money"]

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

    def formats(ws: Any, columns: Iterable[int], fmt: str, first_row: int = 2) -> None:
        for col in columns:
            for row in ws.iter_rows(min_row=first_row, min_col=col, max_col=col):
                row[0].number_format = fmt

    # Summary: the comparison table, every metric (analysts' rows included), in the table's order
    ws = wb.active
    ws.title = fixed["sh_summary"]
    header(ws, [word("metric", lang), *report.titles])
    for key in report.comparison.table.index:
        fmt = XLSX_FORMATS[report.kind(str(key))]
        ws.append([row_label(str(key), lang),
                   *[_number(report.comparison.table.loc[key, n]) for n in report.names]])
        for cell in ws[ws.max_row][1:1 + len(report.names)]:
            cell.number_format = fmt
    widths(ws, [44, *[22] * len(report.names)])

    # Verdict
    ws = wb.create_sheet(fixed["sh_verdict"])
    header(ws, [word("criterion", lang), word("threshold", lang), *report.titles])
    for criterion in report.criteria:
        ws.append([metric_label(criterion, lang), report.threshold_text(criterion),
                   *[report.status_word(report.status(n, criterion)) for n in report.names]])
    widths(ws, [44, 22, *[22] * len(report.names)])

    # One sheet per plan: the rounded payout table of the real team
    for name in report.names:
        ws = wb.create_sheet(plan_sheets[name])
        table = report.payouts[name].rounded()
        header(ws, [report.part_title(name, str(c)) for c in table.columns])
        money_cols = set(range(table.columns.get_loc("base"), len(table.columns)))
        for row in table.itertuples(index=False):
            ws.append([_number(v) if i in money_cols else _text(v, lang) for i, v in enumerate(row)])
        formats(ws, [c + 1 for c in money_cols], money)
        ws.auto_filter.ref = ws.dimensions
        widths(ws, [14 if c in ("rep_id", "period", "role", "team", "scenario") else 16 for c in table.columns])

    # Pay by rep: mean monthly total per plan (from the comparison)
    pay = getattr(report.comparison, "pay", None)
    ws = wb.create_sheet(fixed["sh_pay"])
    if pay is not None:
        frame = pay.reset_index()
        cols = [c for c in frame.columns if c not in report.names]
        header(ws, [label("rep" if c == frame.columns[0] else str(c), lang) for c in cols] + report.titles)
        for rec in frame.itertuples(index=False):
            values = dict(zip(frame.columns, rec))
            ws.append([_text(label(str(values[c]), lang) if c == "archetype" and has_label(str(values[c]))
                             else values[c], lang) for c in cols] + [_number(values[n]) for n in report.names])
        formats(ws, range(len(cols) + 1, len(cols) + len(report.names) + 1), money)
        widths(ws, [14] * len(cols) + [20] * len(report.names))

    # Winners and losers: the recommended plan against the baseline
    ws = wb.create_sheet(fixed["sh_transition"])
    for line in report.transition_lines():
        ws.append([line])
    moves = report.transition
    if moves is not None and report.recommended != report.baseline:
        ws.append([])
        header(ws, [*report.transition_header(), word("tr_guarantee_cost", lang)])
        start = ws.max_row + 1
        for rec in moves.table.itertuples(index=False):
            ws.append([str(rec.rep_id), _number(rec.before), _number(rec.after), _number(rec.change),
                       _number(rec.change_pct), word(f"tr_{rec.status}", lang), _number(rec.guarantee)])
        formats(ws, (2, 3, 4, 7), money, start)
        formats(ws, (5,), XLSX_FORMATS["share"], start)
    widths(ws, [16, 18, 18, 18, 14, 18, 20])

    # Statements of the recommended plan for the last real month: each pay part with its amount (they add up
    # to the rounded total) beside the plain-words line a rep reads (kpilab.engine.explain.statement_lines)
    ws = wb.create_sheet(fixed["sh_statements"])
    name = report.recommended
    ws.append([word("statements_title", lang, plan=report.title(name),
                    period=period_text(report.statement_period, lang))])
    ws["A1"].font = Font(bold=True, size=12)
    header(ws, [label("rep", lang), label("period", lang), word("item", lang), word("amount", lang),
                word("detail", lang)])
    payouts = report.payouts[name]
    table = payouts.rounded()
    in_period = table[table["period"].astype(str) == report.statement_period]
    parts = ["base", *payouts.component_names, "cap_adjustment", "floor_adjustment"]
    period = period_text(report.statement_period, lang)
    for rec in in_period.itertuples(index=False):
        values = rec._asdict()
        rep = str(values["rep_id"])
        titled = {report.part_title(name, part): float(values[part]) for part in parts
                  if part not in ("cap_adjustment", "floor_adjustment") or float(values[part]) != 0}
        total_title = label("total", lang)
        titled[total_title] = float(values["total"])
        rows: list[list[Any]] = []
        for line in _statement(payouts, values["rep_id"], report.statement_period, lang, report.title(name)):
            head = line.strip().split(":", 1)[0]
            if head in titled:
                rows.append([rep, period, head, titled.pop(head), line.strip()])
            else:
                rows.append([rep, period, None, None, line])
        total = next((r for r in rows if r[2] == total_title), None)  # the total goes last, in bold
        if total is None:
            total = [rep, period, total_title, titled.pop(total_title), None]
        rows = ([r for r in rows if r is not total] + [[rep, period, t, a, None] for t, a in titled.items()]
                + [total])
        for r in rows:
            ws.append(r)
            if r[3] is not None:
                ws.cell(row=ws.max_row, column=4).number_format = money
        for cell in ws[ws.max_row]:
            cell.font = bold
    widths(ws, [14, 16, 30, 16, 100])

    # Findings
    ws = wb.create_sheet(fixed["sh_findings"])
    header(ws, [label("plan", lang), word("severity", lang), word("what", lang), word("detail", lang)])
    for name in report.names:
        for f in getattr(report.lint[name], "findings", ()):
            kind = str(getattr(f, "kind", ""))
            ws.append([report.title(name), label(str(f.severity), lang), label(kind, lang) if has_label(kind) else kind,
                       str(f.message)])
    widths(ws, [28, 16, 24, 110])

    defuse_workbook(wb)  # user text (rep ids, plan names) is never a live formula
    path = Path(path)
    wb.save(path)
    return path
