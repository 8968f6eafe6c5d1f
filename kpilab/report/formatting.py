"""How the report words and formats a figure: one place for cells, labels, periods, plan names and the logo.

Every word comes from the ``report.*`` catalog keys (:func:`word`); every
figure is formatted by :mod:`kpilab.i18n.format` (Babel), so a table, a
sentence and a slide of the same report never disagree.
"""

from __future__ import annotations

import base64
import datetime as _dt
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import KpilabError
from ..i18n import fmt_money, fmt_number, fmt_percent, has_label, label, t
from ..i18n.messages import message_lang, msg, os_reason
from ..plan import Plan, Scheme

__all__ = ["word", "metric_label", "metric_kind", "format_value", "period_text", "plan_title", "text_table",
           "read_logo", "row_label", "METRIC_GROUPS", "CLIENT_HIDDEN", "DELTA_ROWS", "PAY_EPS", "Step"]

Step = Callable[[str], None]

_MONEY = {"top_quartile_median_total", "minimum_median_total", "target_variable", "p10_variable", "p50_variable",
          "p90_variable", "payroll", "variable_payroll", "revenue", "budget_p10", "budget_p50", "budget_p90",
          "mean_delta", "median_delta", "max_gain", "max_loss"}
_SHARE = {"variable_share", "cost_of_sales", "cost_of_sales_p10", "cost_of_sales_p50", "cost_of_sales_p90",
          "share_gaining", "share_losing", "inverted_share", "worst_inversion_gap"}
_COUNT = {"n_reps", "n_minimum_doers", "inversions", "comparable_pairs", "windfall_months"}
_RATIO = {"rho", "top_to_minimum", "p90_target_multiple", "p90_p10_variable", "strength_coverage"}
_PVALUE = {"rho_pvalue"}
PAY_EPS = 0.005  # half a kopeck: smaller pay changes are no change

#: Metrics an analyst reads but a client table does not show (they stay in the workbook).
#: ``inversions`` is the count of inverted pairs; the client reads the share (``inverted_share``), which is
#: what the verdict's inversion criterion judges.
CLIENT_HIDDEN: frozenset[str] = frozenset({"rho_pvalue", "inversions"})

#: Sections of the comparison table: group word key -> metric keys, in the order shown.
METRIC_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("g_performance", ("rho", "rho_pvalue", "top_to_minimum", "top_quartile_median_total", "minimum_median_total",
                       "n_minimum_doers", "p90_target_multiple", "p90_p10_variable", "inverted_share",
                       "worst_inversion_gap", "comparable_pairs", "windfall_months", "strength_coverage")),
    ("g_levels", ("target_variable", "p10_variable", "p50_variable", "p90_variable")),
    ("g_cost", ("payroll", "variable_payroll", "variable_share", "revenue", "output", "cost_of_sales", "n_reps")),
    ("g_budget", ("budget_p10", "budget_p50", "budget_p90", "cost_of_sales_p10", "cost_of_sales_p50",
                  "cost_of_sales_p90")),
    ("g_delta", ("mean_delta", "median_delta", "share_gaining", "share_losing", "max_gain", "max_loss")),
)
DELTA_ROWS = frozenset(METRIC_GROUPS[-1][1])


# --------------------------------------------------------------------------- words and figures

def word(key: str, lang: str, *, count: float | None = None, **fields: Any) -> str:
    """A report word: the catalog entry ``report.<key>``."""
    return t(f"report.{key}", lang, count=count, **fields)


def metric_label(key: str, lang: str) -> str:
    """Row label of a comparison metric."""
    if has_label(f"{key}_total"):  # payroll, revenue...: the row totals the whole period
        return label(f"{key}_total", lang)
    return label(key, lang)


#: Table rows whose figure is not the one the criterion of the same name judges: their own label.
_ROW_LABELS = {"inversions": "inverted_pairs"}


def row_label(key: str, lang: str) -> str:
    """Row label of a comparison-table metric (``inversions`` there counts pairs; the criterion is a share)."""
    return metric_label(_ROW_LABELS.get(key, key), lang)


def metric_kind(key: str, measure: str = "revenue") -> str:
    """How a metric is formatted: ``money``, ``share``, ``count``, ``ratio``, ``pvalue`` or ``number``."""
    if key in _MONEY or (key == "output" and measure in ("revenue", "margin", "repeat_revenue")):
        return "money"
    for kind, keys in (("share", _SHARE), ("count", _COUNT), ("ratio", _RATIO), ("pvalue", _PVALUE)):
        if key in keys:
            return kind
    return "number"


def format_value(value: Any, kind: str, lang: str = "en", currency: str | None = "RUB") -> str:
    """A table cell as a person reads it: ``1,234,567 ₽``, ``12.3%``, ``0.97``; a dash for nothing.

    A value that cannot be computed (NaN, or an infinite ratio to a zero
    denominator) prints as ``—``; the report explains the dash once under the table.

    Parameters
    ----------
    value
        A number.
    kind
        See :func:`metric_kind`.
    lang
        ``"en"`` or ``"ru"`` (Russian: ``1 234 567 ₽``, ``12,3 %``).
    currency
        Currency code for money.

    Examples
    --------
    >>> format_value(1234567.4, "money")
    '1,234,567\\xa0₽'
    >>> format_value(float("inf"), "ratio")
    '—'
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return "—"
    if kind == "money":
        return fmt_money(v, lang, currency, 0)
    if kind == "share":
        return fmt_percent(v, lang, 1)
    if kind == "count":
        return fmt_number(v, lang, 0)
    if kind == "ratio":
        return fmt_number(v, lang, 2)
    if kind == "pvalue":
        return "< " + fmt_number(0.001, lang, 3) if v < 0.001 else fmt_number(v, lang, 3)
    return fmt_number(v, lang, 0 if abs(v) >= 100 else 2)


def period_text(period: str, lang: str) -> str:
    """A ``YYYY-MM`` period as a document names it (``March 2026``, or the Russian month name with the year mark); anything else as is.

    >>> period_text("2026-03", "en"), period_text("Q1", "en")
    ('March 2026', 'Q1')
    """
    from babel.dates import format_skeleton

    match = re.fullmatch(r"(\d{4})-(\d{2})", str(period))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return str(period)
    date = _dt.date(int(match.group(1)), int(match.group(2)), 1)
    return format_skeleton("yMMMM", date, locale=lang)


def plan_title(plan: Plan | Scheme, lang: str, fallback: str | None = None) -> str:
    """The plan's name in ``lang`` from the plan file's ``names`` map, else ``fallback`` (or its own name)."""
    entry = (getattr(plan, "names", None) or {}).get(lang)
    if entry is not None and getattr(entry, "name", ""):
        return str(entry.name)
    return fallback if fallback is not None else str(plan.name)


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


_LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF87a": "image/gif",
               b"GIF89a": "image/gif"}
_LOGO_MAX_BYTES = 2_000_000


def read_logo(path: str | Path) -> str:
    """A logo file as a ``data:`` URI to embed in the report (PNG, JPEG or GIF, at most 2 MB).

    The bytes are checked, not the file name: anything else is refused, so
    the report never embeds markup or a script passed off as a logo.

    Raises
    ------
    KpilabError
        Naming the file when it is missing, too large or not an image.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KpilabError(msg("output_errors.logo", path=path, reason=os_reason(exc))) from None
    if len(data) > _LOGO_MAX_BYTES:
        raise KpilabError(msg("api_errors.report_logo_size", path=path, count=len(data),
                              limit=fmt_number(_LOGO_MAX_BYTES, message_lang())))
    mime = next((m for magic, m in _LOGO_TYPES.items() if data.startswith(magic)), None)
    if mime is None:
        raise KpilabError(msg("api_errors.report_logo_format", path=path))
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
