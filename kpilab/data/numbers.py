"""kpilab's number rule for the cells of a team table, and what to say of a cell that breaks it.

A cell is a number if the spreadsheet stores it as one, or if its text follows
:func:`parse_number` (plain numerals, a decimal comma, thousands grouped by spaces).
Nothing else is guessed: ``12,500``, ``85%``, ``-`` or ``n/a`` are refused with a message
that says why (:func:`_why_not_number`). :func:`_to_numbers` applies the rule to a whole
column at C speed, with only the unusual cells parsed one by one.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..i18n.messages import message_lang, msg

__all__ = ["parse_number"]

_SPACES = "\u00a0\u202f\u2009 "
# Plain numerals (the number rule; see parse_number).
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?")
_DOTTED = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")


# --------------------------------------------------------------------------- numbers

def parse_number(text: str) -> float | None:
    """Parse one text cell by kpilab's number rule; None when it is not a number.

    The rule (no guessing):

    - surrounding spaces are ignored (``" 7 "`` is 7);
    - a plain numeral: optional sign, digits, optional ``.`` decimal part,
      optional exponent (``12500``, ``12500.50``, ``1.2e6``);
    - a decimal comma, as Russian Excel writes it: ``12500,50`` is 12500.5;
    - thousands grouped by a space, a non-breaking space (U+00A0), a narrow
      non-breaking space (U+202F) or a thin space, in groups of exactly three
      digits, optionally with a decimal ``,`` or ``.``: ``12 500``,
      ``1 200 000,50``;
    - rejected as ambiguous: a comma followed by exactly three digits with a
      non-zero integer part and no space grouping (``12,500`` could be 12500
      or 12.5), and any mix of ``,`` and ``.`` (``1,234.5``);
    - rejected: everything else, e.g. currency signs (``12 500 ₽``), percent
      signs (``85%``: write 0.85), dashes used for zero (``-``, ``—``), words,
      ``nan`` and ``inf``.

    Parameters
    ----------
    text
        The cell's text.

    Returns
    -------
    float or None
    """
    s = text.strip(_SPACES + "\t\r\n")
    if not s:
        return None
    if _PLAIN.fullmatch(s):
        return float(s)
    if _DECIMAL_COMMA.fullmatch(s):
        whole, frac = s.lstrip("+-").split(",")
        if len(frac) == 3 and whole.strip("0") != "":
            return None  # "12,500": thousands or decimal? ambiguous
        return float(s.replace(",", "."))
    if _GROUPED.fullmatch(s):
        return float(re.sub(f"[{_SPACES}]", "", s).replace(",", "."))
    return None


def _clip(text: str, limit: int = 60) -> str:
    """A cell's text quoted for a message, cut to ``limit`` characters (a cell may hold 32 767)."""
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    return repr(text) if message_lang() == "en" else msg("data_errors.quoted", value=text)


def _why_not_number(text: str) -> str:
    s = text.strip(_SPACES + "\t\r\n")
    shown = _clip(text)
    low = s.casefold()
    if low in ("nan", "+nan", "-nan", "na", "n/a", "null", "none"):
        return msg("data_errors.missing_value", value=shown)
    if low.lstrip("+-") in ("inf", "infinity"):
        return msg("data_errors.not_finite", value=shown)
    if s in ("-", "—", "–"):
        return msg("data_errors.dash", value=shown)
    if _DECIMAL_COMMA.fullmatch(s):
        return msg("data_errors.decimal_comma", value=shown)
    if _DOTTED.fullmatch(s):
        return msg("data_errors.dotted", value=shown, whole=s.replace(".", ""))
    if "," in s and "." in s:
        return msg("data_errors.mixed_marks", value=shown, help=msg("data_errors.number_help"))
    if s.endswith("%"):
        return msg("data_errors.percentage", value=shown)
    return msg("data_errors.not_a_number_help", value=shown, help=msg("data_errors.number_help"))


def _dotted_thousands(text: str) -> bool:
    """``"1.234"``, ``"12.500"``: a dot before exactly three digits, after 1-3 digits (not 0)."""
    return _DOTTED.fullmatch(text.strip(_SPACES + "\t\r\n")) is not None


def _to_numbers(values: pd.Series, whole_units: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numbers from a column of any dtype.

    Returns ``(numbers, empty, bad)``: floats (NaN where empty or bad), a mask
    of empty cells (None, NaN, '' or spaces) and a mask of cells that are not
    numbers by the rule of :func:`parse_number` (booleans and dates included).

    ``whole_units``: the column holds money or counts, so a text cell such as
    ``"12.500"`` is ambiguous (twelve thousand five hundred with a dot between
    thousands, or twelve and a half) and is reported, as ``"12,500"`` is
    everywhere: money has two decimals and counts none, so such a cell is never
    a plain decimal there.

    Fast path: numeric dtypes directly; text through ``pandas.to_numeric`` (C)
    and only the cells it cannot read as a finite number (empty cells, "12 500",
    "12500,5", words...) go through the Python rule one by one.
    """
    n = len(values)
    none = np.zeros(n, bool)
    if pd.api.types.is_bool_dtype(values.dtype) or values.dtype.kind == "c":  # true/false, complex numbers
        return np.full(n, np.nan), none, ~none
    if pd.api.types.is_numeric_dtype(values.dtype):
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        return arr, np.isnan(arr), none
    if not (pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)):
        empty = values.isna().to_numpy()
        return np.full(n, np.nan), empty, ~empty       # dates, timedeltas...: not numbers

    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("integer", "floating", "mixed-integer-float", "decimal", "empty"):
        arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return arr, np.isnan(arr), none
    out = np.full(n, np.nan)
    bad = none.copy()
    empty = values.isna().to_numpy().copy()  # written below: never a read-only view
    if kind == "string":
        fast = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        # Finite results of the C reader are plain numerals (it also reads 'inf'
        # and 'nan', which are not finite and go to the slow path below).
        ok = np.isfinite(fast)
        if whole_units:  # only a fractional value under 1000 can be a dotted thousands group
            suspect = np.flatnonzero(ok & (np.abs(fast) < 1000) & (fast != np.floor(fast)))
            if suspect.size:
                raw = values.to_numpy(dtype=object)
                dotted = [i for i in suspect if isinstance(raw[i], str) and _dotted_thousands(raw[i])]
                ok[dotted] = False
                bad[dotted] = True
        out[ok] = fast[ok]
        todo = np.flatnonzero(~ok & ~empty & ~bad)
    else:                                       # mixed cells, e.g. from a messy workbook
        todo = np.flatnonzero(~empty)
    obj = values.to_numpy(dtype=object)
    for i in todo:                              # only cells in an unusual format
        v = obj[i]
        if isinstance(v, str):
            if not v.strip(_SPACES + "\t\r\n"):
                empty[i] = True
                continue
            num = None if whole_units and _dotted_thousands(v) else parse_number(v)
        elif isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)):
            num = float(v)
        else:
            num = None
        if num is None:
            bad[i] = True
        else:
            out[i] = num
    return out, empty, bad



def _show(raw: object) -> str:
    """A cell as the user typed it: -1.5, inf, 'abc' (never np.float64(-1.5))."""
    if isinstance(raw, (np.generic,)):
        raw = raw.item()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return _clip(raw) if isinstance(raw, str) else _clip(str(raw))[1:-1]


def _kind(raw: object) -> str:
    """What a typed cell holds (a date, a time...), for the message: Python's name in English."""
    name = type(raw).__name__
    word = {"datetime": "date", "date": "date", "Timestamp": "date", "time": "time", "timedelta": "time",
            "bool": "bool", "bool_": "bool"}.get(name, "other")
    # English names Python's type, as it always did; other languages say what the cell holds
    return name if message_lang() == "en" else msg("data_errors.kind_" + word)


def _problem_text(kind: str, column: str, raw: object) -> str:
    if kind == "missing":
        return msg("data_errors.empty_cell", column=column)
    if kind == "bad":
        return _why_not_number(raw) if isinstance(raw, str) else (
            msg("data_errors.typed_not_a_number", value=_show(raw), kind=_kind(raw)))
    shown = _show(raw)
    if kind == "nonfinite":
        return msg("data_errors.not_finite", value=shown)
    if kind == "negative":
        return msg("data_errors.negative", value=shown)
    if kind == "not_integer":
        return msg("data_errors.not_scenario", value=shown)
    raise AssertionError(kind)
