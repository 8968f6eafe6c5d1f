"""Load a client's performance table safely, and validate any team DataFrame.

:func:`load_team` reads a CSV or XLSX file, renames the client's headers to
contract names, turns cells into numbers by one documented rule and validates
the table against section 1 of the plan-format contract. :func:`validate_team`
does the validation alone, for a DataFrame built in Python (the engine runs
its own, per-plan checks on whatever it is given). Neither guesses: anything that is not clearly a number, an empty cell
where a number is needed, a negative, a duplicate ``(rep_id, period)``, a
total row or a blank line raises :class:`kpilab.errors.DataError` naming the
file, row, rep, period and column of the first problem in file order, with a
count of how many more problems there are.

Row numbers are the ones a person sees in the file: the header is row 1, the
first data row is row 2 (for CSV and XLSX alike, and rows you skip keep their
numbers).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, mixed_script
from ..i18n.messages import msg
from ..i18n import client_words
from ..metrics import INPUT_METRICS

__all__ = ["load_team", "validate_team", "parse_number", "KEY_COLUMNS", "TEXT_COLUMNS",
           "KNOWN_METRICS", "OVERRIDE_COLUMNS"]

#: Columns every table must have.
KEY_COLUMNS: tuple[str, ...] = ("rep_id", "period")
#: Columns kept as text.
TEXT_COLUMNS: tuple[str, ...] = ("rep_id", "period", "role", "team", "archetype")
#: Metric names kpilab knows: always validated as numbers when present.
KNOWN_METRICS: tuple[str, ...] = INPUT_METRICS  # the registry in kpilab.metrics
#: Resource limits (stated in the README): a table beyond them is refused before any work.
MAX_FILE_BYTES: int = 512 * 2**20          # a CSV or XLSX file on disk
MAX_XLSX_EXPANDED_BYTES: int = 768 * 2**20  # an XLSX's XML once unzipped (a "zip bomb" is far bigger)
MAX_ROWS: int = 2_000_000                  # data rows of one table
MAX_CELLS: int = 60_000_000                # rows x columns of one table
MAX_CELL_CHARS: int = 32_767               # Excel's own limit for one cell's text
#: Non-``plan_`` columns where an empty cell means "use the plan's value".
OVERRIDE_COLUMNS: tuple[str, ...] = ("base", "target_bonus")

_TOTAL_WORDS = client_words()["total_rows"]
_SPACES = "\u00a0\u202f\u2009 "
# Plain numerals (the number rule; see parse_number).
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?")
_DOTTED = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")
_NUMBER_HELP = ("numbers may be written 12500, 12500.5, 12500,5 or 12 500 (a space or "
                "non-breaking space between thousands)")


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
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def _why_not_number(text: str) -> str:
    s = text.strip(_SPACES + "\t\r\n")
    shown = _clip(text)
    low = s.casefold()
    if low in ("nan", "+nan", "-nan", "na", "n/a", "null", "none"):
        return f"{shown} is a missing value, not a number; kpilab never treats it as zero"
    if low.lstrip("+-") in ("inf", "infinity"):
        return f"{shown} is not a finite number"
    if s in ("-", "—", "–"):
        return f"{shown} is a dash, not a number; write 0 if it means zero"
    if _DECIMAL_COMMA.fullmatch(s):
        return (f"{shown} is ambiguous: 12,500 may mean twelve thousand five hundred or "
                f"twelve and a half; write 12500 or 12,5")
    if _DOTTED.fullmatch(s):
        return (f"{shown} is ambiguous in a column of money or counts: a dot before three digits may "
                f"separate thousands ({s.replace('.', '')}) or mark decimals; write {s.replace('.', '')} "
                f"if it is thousands")
    if "," in s and "." in s:
        return f"{shown} mixes ',' and '.', so which is the decimal mark is ambiguous; {_NUMBER_HELP}"
    if s.endswith("%"):
        return f"{shown} is a percentage; write it as a fraction (85% -> 0.85)"
    return f"{shown} is not a number; {_NUMBER_HELP}"


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


# --------------------------------------------------------------------------- validation

def _show(raw: object) -> str:
    """A cell as the user typed it: -1.5, inf, 'abc' (never np.float64(-1.5))."""
    if isinstance(raw, (np.generic,)):
        raw = raw.item()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return _clip(raw) if isinstance(raw, str) else _clip(str(raw))[1:-1]


def _problem_text(kind: str, column: str, raw: object) -> str:
    if kind == "missing":
        return (f"empty cell in {column}; a metric must be a number and kpilab never treats an "
                f"empty cell as zero (write 0 if it is zero)")
    if kind == "bad":
        return _why_not_number(raw) if isinstance(raw, str) else (
            f"{_show(raw)} ({type(raw).__name__}) is not a number")
    shown = _show(raw)
    if kind == "nonfinite":
        return f"{shown} is not a finite number"
    if kind == "negative":
        return f"{shown} is negative; every metric must be >= 0"
    if kind == "not_integer":
        return f"{shown} is not a whole number >= 0 (scenario numbers are 0, 1, 2...)"
    raise AssertionError(kind)


def _whole_units(name: str) -> bool:
    """A column of money or counts (``revenue``, ``calls``, ``plan_deals``, ``base``): never three decimals."""
    from ..metrics import unit

    metric = name[5:] if name.startswith("plan_") else name
    return name in OVERRIDE_COLUMNS or unit(metric) in ("money", "count")


def _is_numeric_column(name: str, required: set[str]) -> bool:
    return (name in required or name in KNOWN_METRICS or name in OVERRIDE_COLUMNS
            or name.startswith("plan_"))


def _text_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Factorise a column: codes per row (-1 for NaN/None) and unique values.

    Text checks then run on the (few) unique values, not on every row.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _empty_cells(values: pd.Series) -> np.ndarray:
    """Mask of empty cells: None, NaN, or text of only spaces."""
    if not (pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)):
        return values.isna().to_numpy()
    codes, uniques = _text_codes(values)
    blank_u = np.fromiter((isinstance(u, str) and not u.strip(_SPACES + "\t\r\n") for u in uniques),
                          bool, len(uniques))
    return (codes < 0) | np.append(blank_u, True)[codes]


def _as_label(v: object) -> str:
    if isinstance(v, str):
        return v.strip(_SPACES + "\t\r\n")
    if isinstance(v, (float, np.floating)) and math.isfinite(v) and float(v).is_integer():
        return str(int(v))                      # employee number 1017.0 -> "1017"
    return str(v)


def _key_texts(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A key column as stripped text (None where empty) and its empty mask.

    Works on the unique values (``pandas.factorize``), so it is fast on a
    million rows with a few hundred reps and periods.
    """
    codes, uniques = _text_codes(values)
    labels = np.array([_as_label(u) for u in uniques] + [""], dtype=object)
    text = labels[codes]
    empty = (codes < 0) | (np.append(labels[:-1] == "", True)[codes])
    text[empty] = None
    return pd.Series(text, index=values.index, dtype=object), empty


def validate_team(df: pd.DataFrame, *, source: str | None = None, required: Iterable[str] = (),
                  row_offset: int = 2, row_numbers: Sequence[int] | np.ndarray | None = None,
                  whole_as_int: bool = False, empty_metrics_ok: bool = False) -> pd.DataFrame:
    """Check a performance table against section 1 of the contract.

    Vectorised: every check is a numpy/pandas mask over a whole column, so a
    table of 1,000,000 rows takes about a second (text cells in an unusual
    format, such as ``"12 500"``, go through a Python parser one by one).

    Checks, in this order: ``rep_id`` and ``period`` columns present, every
    ``required`` column present; then, cell by cell, reporting the first
    problem in file order (row, then column left to right):

    - ``rep_id`` / ``period`` empty (a row whose ``rep_id`` reads a total word
      (``Total``...) is reported as a total row; a fully empty row as a blank
      line);
    - in numeric columns (``required``, the known metrics such as ``calls`` or
      ``revenue``, ``plan_<metric>``, ``base``, ``target_bonus``): a value that
      is not a number (text by the rule of :func:`parse_number`, booleans,
      dates), not finite, or negative; an empty cell, except in the override
      columns ``plan_<metric>``, ``base`` and ``target_bonus`` where empty
      means "use the plan's value" (kept as NaN);
    - ``scenario``: a whole number >= 0;
    - duplicate ``(rep_id, period)``, or ``(scenario, rep_id, period)``.

    Other columns (``role``, ``team``, ``archetype``, notes...) are kept as
    they are; an unknown column is converted to numbers only if every
    non-empty cell is one, otherwise it stays text (it can only matter if a
    plan needs it, and then it is in ``required``).

    Parameters
    ----------
    df
        The table; never modified.
    source
        File name for messages.
    required
        Metric names the plan needs; they must be present and non-empty.
    row_offset
        Row number of ``df``'s first row (2: after a header in row 1).
    row_numbers
        Explicit row number of each row (``load_team`` passes the file's,
        so that skipped rows keep the numbering a person sees).
    empty_metrics_ok
        Keep empty cells of known metrics that are not ``required`` as NaN
        instead of refusing them. The CLI does, because only the plan knows
        which rows read which metric (in a scheme juniors may leave
        ``revenue`` empty); ``kpilab.evaluate`` then refuses an empty cell in
        any row whose plan reads it. Text, negatives and infinities are still
        refused everywhere.
    whole_as_int
        Turn numeric columns whose values are all whole numbers (none empty)
        into int64 (``load_team`` does, so ``calls`` read from a file are
        integers). Default: numeric input keeps its dtype; text input becomes
        float64, or int64 when all whole.

    Returns
    -------
    pandas.DataFrame
        A new frame: ``rep_id``, ``period``, ``role``, ``team`` as text,
        numeric columns as float64 (int64 where every value is a whole number
        and none is empty), ``scenario`` as int64; column order and index kept.

    Raises
    ------
    kpilab.errors.DataError
        At the first problem, with ``file``, ``row``, ``rep``, ``period``,
        ``column`` (and ``scenario``) set and a count of further problems.
    """
    required_set = {str(c) for c in required}
    columns = [str(c) for c in df.columns]
    if len(set(columns)) != len(columns):
        dup = next(c for i, c in enumerate(columns) if c in columns[:i])
        raise DataError(f"column {dup!r} appears twice in the header", file=source, row=row_offset - 1,
                        column=dup)
    for col in (*KEY_COLUMNS, *sorted(required_set - set(KEY_COLUMNS))):
        if col not in columns:
            what = "required column" if col in KEY_COLUMNS else "column needed by the plan"
            raise DataError(f"missing {what} {col!r}; the table has: {', '.join(columns) or 'no columns'}",
                            file=source, column=col)

    n = len(df)
    rows = (np.arange(n) + row_offset) if row_numbers is None else np.asarray(row_numbers)
    out = df.copy()
    out.columns = columns
    col_pos = {c: i for i, c in enumerate(columns)}
    # Each problem kind: (mask, column, kind, raw values accessor)

    rep_text, rep_empty = _key_texts(out["rep_id"])
    per_text, per_empty = _key_texts(out["period"])
    out["rep_id"] = rep_text.astype(object)
    out["period"] = per_text.astype(object)
    for col in ("role", "team"):
        if col in out.columns:
            out[col] = _key_texts(out[col])[0]

    cell_bad: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
    all_empty = rep_empty & per_empty
    for c in columns:
        if c in ("rep_id", "period"):
            continue
        s = out[c]
        if c in TEXT_COLUMNS:
            all_empty &= _empty_cells(s)
            continue
        nums, empty, bad = _to_numbers(s, whole_units=_whole_units(c))
        all_empty &= empty
        strict = _is_numeric_column(c, required_set) or c == "scenario"
        if not strict:
            if bad.any():
                continue        # an unknown text column: keep as it is
            none = np.zeros(n, bool)
            cell_bad[c] = (nums, none, none, none, none)
            continue
        nonfinite = ~empty & ~bad & ~np.isfinite(nums)
        negative = ~empty & ~bad & np.isfinite(nums) & (nums < 0)
        optional = c in OVERRIDE_COLUMNS or c.startswith("plan_") or (empty_metrics_ok and c not in required_set)
        missing = empty & (not optional)
        cell_bad[c] = (nums, missing, bad, nonfinite, negative)

    # Blank lines and total rows are row-level problems reported on rep_id.
    rep_lower = rep_text.fillna("").astype(str).str.casefold().str.rstrip(":. ")
    total_row = rep_lower.isin(_TOTAL_WORDS).to_numpy()
    findings: list[tuple[np.ndarray, str, str]] = [
        (all_empty, "rep_id", "blank"),
        (total_row & ~all_empty, "rep_id", "total"),
        (rep_empty & ~all_empty, "rep_id", "key_empty"),
        (per_empty & ~all_empty & ~total_row, "period", "key_empty"),
    ]
    scen_vals = None
    for c, (nums, missing, bad, nonfinite, negative) in cell_bad.items():
        findings += [(missing, c, "missing"), (bad, c, "bad"), (nonfinite, c, "nonfinite"),
                     (negative, c, "negative")]
        if c == "scenario":
            scen_vals = nums
            frac = ~missing & ~bad & np.isfinite(nums) & (nums != np.floor(nums))
            findings.append((frac & ~negative, c, "not_integer"))

    # Duplicates (only among rows with usable keys).
    key_cols = ["scenario", "rep_id", "period"] if "scenario" in columns else ["rep_id", "period"]
    usable = ~(rep_empty | per_empty)
    keys = pd.DataFrame({"rep_id": out["rep_id"], "period": out["period"]})
    if scen_vals is not None:
        keys.insert(0, "scenario", scen_vals)
    dup = keys.duplicated(keep="first").to_numpy() & usable
    findings.append((dup, "period", "duplicate"))

    findings = [(m if kind == "blank" else m & ~all_empty, c, kind) for m, c, kind in findings]
    counts = [int(m.sum()) for m, _, _ in findings]
    total = sum(counts)
    if total:
        best: tuple[int, int, int] | None = None
        for k, (mask, col, kind) in enumerate(findings):
            if counts[k]:
                i = int(np.argmax(mask))
                order = (i, -1 if kind in ("blank", "total") else col_pos[col], k)
                if best is None or order < best:
                    best = order
        assert best is not None
        i, _, k = best
        mask, col, kind = findings[k]
        rep = out["rep_id"].iat[i]
        period = out["period"].iat[i]
        scenario = None
        if scen_vals is not None and np.isfinite(scen_vals[i]):
            scenario = int(scen_vals[i]) if float(scen_vals[i]).is_integer() else scen_vals[i]
        raw = df.iat[i, col_pos[col]]
        if kind == "blank":
            msg = ("blank line inside the table; kpilab does not drop rows silently: delete it, "
                   "or pass drop_blank_rows=True to load_team")
            col_name, rep, period = None, None, None
        elif kind == "total":
            msg = (f"this looks like a total row ({_clip(str(raw).strip())}), not a rep; kpilab does not "
                   f"drop it silently: delete it or pass skip_rows=[{int(rows[i])}] to load_team")
            col_name = "rep_id"
        elif kind == "key_empty":
            msg = f"empty {col}; every row needs a rep_id and a period"
            col_name = col
        elif kind == "duplicate":
            first = int(np.flatnonzero(
                (keys.iloc[:i] == keys.iloc[i]).all(axis=1).to_numpy())[0])
            what = ", ".join(key_cols)
            msg = f"duplicate ({what}): the same key as row {int(rows[first])}"
            col_name = what
        else:
            msg = _problem_text(kind, col, raw)
            col_name = col
        if total > 1:
            msg += f" (and {total - 1} more problem{'s' if total > 2 else ''} in this table)"
        raise DataError(msg, file=source, row=int(rows[i]), rep=rep if rep else None,
                        period=period if period else None, column=col_name, scenario=scenario)

    # Clean conversion.
    for c, (nums, *_rest) in cell_bad.items():
        if pd.api.types.is_numeric_dtype(df[c].dtype) and not pd.api.types.is_bool_dtype(df[c].dtype) \
                and c != "scenario" and not (whole_as_int and df[c].dtype.kind == "f"):
            continue                            # already numbers: keep the caller's dtype
        whole = not np.isnan(nums).any() and bool(np.all(nums == np.floor(nums))) \
            and bool(np.all(np.abs(nums) < 2 ** 53))
        out[c] = nums.astype(np.int64) if (c == "scenario" or whole) else nums
    return out


# --------------------------------------------------------------------------- files

def _read_csv(path: Path, header_row: int, columns: Mapping[str, str] | None) -> pd.DataFrame:
    """Read a CSV keeping every line (blank ones too) so row numbers stay exact.

    Text columns (``rep_id``, ``period``, ``role``, ``team``, ``archetype``
    after the mapping) are read as text, so ``2026-01`` or ``007`` stay as
    written; other columns are parsed by pandas' C reader, and a column it
    cannot read as numbers stays text for :func:`validate_team` to check.
    Only a truly empty field is missing (``NA``, ``nan``, ``-`` stay text and
    are reported).
    """
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DataError(f"the file is {size / 2**20:,.0f} MB, over kpilab's limit of "
                        f"{MAX_FILE_BYTES / 2**20:,.0f} MB for one table", file=str(path))
    text = _decode_table(path.read_bytes(), path)
    head_lines = text.split("\n", header_row)
    if len(head_lines) < header_row or not head_lines[header_row - 1].strip():
        raise DataError("no header line", file=str(path), row=header_row)
    head = head_lines[header_row - 1].rstrip("\r")
    counts = {sep: head.count(sep) for sep in (";", "\t", ",")}
    sep = max(counts, key=lambda k: counts[k]) if any(counts.values()) else ","
    try:
        names = next(csv.reader([head], delimiter=sep))
    except csv.Error as exc:
        raise DataError(f"cannot split the header line: {exc}", file=str(path), row=header_row) from None
    seen: set[str] = set()
    for name in names:  # pandas would rename a second 'calls' to 'calls.1' without a word
        if name.strip() in seen:
            raise DataError(f"column {name.strip()!r} appears twice in the header", file=str(path),
                            row=header_row, column=name.strip())
        seen.add(name.strip())
    mapping = {str(k).strip(): v for k, v in (columns or {}).items()}
    # Text columns stay text; money and count columns are read as text too, so that "12.500" (a dot
    # between thousands) is seen as written and refused as ambiguous, not read as twelve and a half.
    text_cols = {h for h in names if mapping.get(h.strip(), h.strip()) in TEXT_COLUMNS
                 or _whole_units(str(mapping.get(h.strip(), h.strip())))}
    n_lines = text.count("\n") + 1
    if n_lines > MAX_ROWS + header_row or n_lines * len(names) > MAX_CELLS:
        raise DataError(f"the table has {n_lines:,} lines of {len(names)} columns, over kpilab's limit of "
                        f"{MAX_ROWS:,} rows or {MAX_CELLS:,} cells; split it", file=str(path))
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype={h: str for h in text_cols},
                            keep_default_na=False, na_values=[""], skip_blank_lines=False,
                            skiprows=header_row - 1, header=0, engine="c")
    except pd.errors.ParserError as exc:  # e.g. a row with more fields than the header
        line = re.search(r"line (\d+)", str(exc))
        row = int(line.group(1)) + header_row - 1 if line else None
        found = re.search(r"saw (\d+)", str(exc))
        saw = f": it has {found.group(1)} fields" if found else ""
        raise DataError(f"cannot split this line into the header's {len(names)} columns{saw} "
                        f"(kpilab does not guess which column is which)", file=str(path), row=row) from None
    if not isinstance(frame.index, pd.RangeIndex):
        # Every data row has more fields than the header: pandas would silently make the first
        # column(s) the index and shift every column by one (reps read as periods).
        extra = frame.index.nlevels
        raise DataError(f"this line has {len(names) + extra} fields but the header has {len(names)} columns, "
                        f"so every column would shift by {extra}; kpilab does not guess which column is "
                        f"which: fix the header or the delimiter", file=str(path), row=header_row + 1)
    return frame


def _decode_table(raw: bytes, path: Path) -> str:
    """A CSV's text: UTF-16 with a byte-order mark, UTF-8 (with or without BOM) or Windows-1251;
    line endings of any system (CR LF, LF, or the old Mac's CR alone) become LF."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError(msg("errors.table_encoding"), file=str(path)) from None
    elif b"\x00" in raw:
        raise DataError(msg("errors.table_nul"), file=str(path))
    else:
        for enc in ("utf-8-sig", "cp1251"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # a byte Windows-1251 leaves undefined (0x98)
            raise DataError(msg("errors.table_encoding"), file=str(path))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


# The end of a row (</row>, or an empty <row .../>), with any namespace prefix; and a run of text
# between two tags longer than any cell kpilab reads (in bytes: up to 4 per character in UTF-8).
_ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?row>|<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*/>")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=\"[A-Z]+\d+:[A-Z]+(\d+)\"")
_LONG_TEXT = re.compile(rb">[^<>]{%d,}" % (4 * MAX_CELL_CHARS + 1))


def _sheet_prescan(path: Path, member: str, title: str) -> None:
    """Count a sheet's rows and look for an over-long text at C speed, before any XML is parsed.

    A 50 MB workbook can hold 4 million rows; parsing them before saying no took minutes.
    The bytes are searched with two regular expressions, a megabyte at a time (a few seconds for
    the largest sheet kpilab accepts), so an oversized sheet is refused before any work starts.
    """
    import zipfile

    rows = 0
    carry = b""
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        first = True
        while True:
            chunk = stream.read(1 << 20)
            if first:  # the sheet's own <dimension ref="A1:W4000001"/> says it at once
                first = False
                dim = _DIMENSION.search(chunk[:65536])
                if dim and int(dim.group(1)) > MAX_ROWS + 1:
                    raise DataError(f"sheet {title!r} holds {int(dim.group(1)):,} rows, more than kpilab's limit "
                                    f"of {MAX_ROWS:,} for one table; split it", file=str(path))
            buf = carry + chunk
            cut = buf.rfind(b">") + 1 if chunk else len(buf)
            body, carry = buf[:cut], buf[cut:]
            rows += len(_ROW_END.findall(body))
            if rows > MAX_ROWS + 1:
                raise DataError(f"sheet {title!r} holds more than {MAX_ROWS:,} rows, kpilab's limit for one "
                                f"table; split it", file=str(path))
            if _LONG_TEXT.search(body) or len(carry) > 4 * MAX_CELL_CHARS:
                raise DataError(msg("errors.cell_too_long", limit=f"{MAX_CELL_CHARS:,}"), file=str(path))
            if not chunk:
                break


def _sheet_scan(path: Path, member: str, header_row: int, title: str) -> tuple[list[int], list[str]]:
    """Stream a sheet's XML once: the hidden rows, and the formula cells with no saved result.

    openpyxl's read-only reader returns neither (a hidden row reads like any
    other; a formula never calculated reads as an empty cell), and both would
    pay the wrong person silently. It also counts rows and cells, so a sheet
    over :data:`MAX_ROWS` / :data:`MAX_CELLS` is refused before openpyxl
    builds a single row (this C-speed pass is several times faster).
    """
    import zipfile
    from xml.etree.ElementTree import iterparse

    _sheet_prescan(path, member, title)
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    hidden: list[int] = []
    uncached: list[str] = []
    row_no = 0
    n_rows = n_cells = 0
    sheet_data = None
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        for event, el in iterparse(stream, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == ns + "sheetData":
                    sheet_data = el
                continue
            if tag == ns + "c":
                n_cells += 1
                formula = el.find(ns + "f")
                if formula is not None and el.get("t") != "str":
                    value = el.find(ns + "v")
                    if value is None or not (value.text or "").strip():
                        uncached.append(el.get("r") or "?")
                el.clear()
            elif tag == ns + "row":
                row_no = int(float(el.get("r", row_no + 1)))
                if el.get("hidden") in ("1", "true") and row_no > header_row and len(el):
                    hidden.append(row_no)
                el.clear()
                if sheet_data is not None:
                    sheet_data.clear()  # keep memory flat: finished rows are not needed
                n_rows += 1
                if n_rows > MAX_ROWS + header_row or n_cells > MAX_CELLS:
                    raise DataError(f"sheet {title!r} holds more than {MAX_ROWS:,} rows or {MAX_CELLS:,} "
                                    f"cells, kpilab's limit for one table; split it", file=str(path))
    return hidden, uncached


def _check_workbook_size(path: Path) -> None:
    """Refuse a workbook that would expand past :data:`MAX_XLSX_EXPANDED_BYTES` before reading a cell."""
    import zipfile

    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DataError(f"the file is {size / 2**20:,.0f} MB, over kpilab's limit of "
                        f"{MAX_FILE_BYTES / 2**20:,.0f} MB for one table", file=str(path))
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataError(f"cannot read the workbook: {exc}", file=str(path)) from None
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise DataError(f"the workbook expands to {expanded / 2**20:,.0f} MB of XML, over kpilab's limit of "
                        f"{MAX_XLSX_EXPANDED_BYTES / 2**20:,.0f} MB; save the data sheet alone as CSV",
                        file=str(path))
    _check_shared_strings(path)


def _check_shared_strings(path: Path) -> None:
    """Refuse a workbook with a text cell over :data:`MAX_CELL_CHARS` before openpyxl reads it.

    openpyxl loads every shared string into memory, even in read-only mode; a
    1 MB file can hold one cell of a gigabyte. This pass streams the XML with
    expat, counting characters per ``<t>`` without keeping them.
    """
    import zipfile
    from xml.parsers import expat

    name = "xl/sharedStrings.xml"
    state = {"depth": 0, "length": 0, "index": -1}

    class _TooLong(Exception):
        pass

    def start(tag: str, _attrs: object) -> None:
        local = tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
        if local == "si":
            state["index"] += 1
            state["length"] = 0
        elif local == "t":
            state["depth"] += 1

    def end(tag: str) -> None:
        if tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1] == "t":
            state["depth"] -= 1

    def chars(data: str) -> None:
        if state["depth"] > 0:
            state["length"] += len(data)
            if state["length"] > MAX_CELL_CHARS:
                raise _TooLong()

    try:
        with zipfile.ZipFile(path) as archive:
            if name not in archive.namelist():
                return
            parser = expat.ParserCreate()
            parser.StartElementHandler, parser.EndElementHandler = start, end
            parser.CharacterDataHandler = chars
            with archive.open(name) as stream:
                while chunk := stream.read(1 << 20):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
    except _TooLong:
        raise DataError(msg("errors.cell_too_long", limit=f"{MAX_CELL_CHARS:,}"), file=str(path)) from None
    except (zipfile.BadZipFile, OSError, ValueError, expat.ExpatError) as exc:
        raise DataError(f"cannot read the workbook: {exc}", file=str(path)) from None


def _pick_sheet(wb: object, sheet: str | int | None, path: Path) -> object:
    """The sheet asked for; else the only visible sheet; else an error listing the sheets."""
    names = wb.sheetnames  # type: ignore[attr-defined]
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise DataError(f"no sheet number {sheet} (0-based); sheets: {', '.join(names)}", file=str(path))
        return wb[names[sheet]]  # type: ignore[index]
    if sheet is not None:
        if sheet not in names:
            raise DataError(f"no sheet {sheet!r}; sheets: {', '.join(names)}", file=str(path))
        return wb[sheet]  # type: ignore[index]
    visible = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]  # type: ignore[attr-defined]
    if len(visible) == 1:
        return visible[0]
    listed = ", ".join(f"{n!r}" + ("" if wb[n].sheet_state == "visible" else " (hidden)")  # type: ignore[index]
                       for n in names)
    raise DataError(f"the workbook has {len(visible)} visible sheets, so which one holds the data is "
                    f"ambiguous; name it with --sheet (load_team(sheet=...)); sheets: {listed}", file=str(path))


def _read_xlsx(path: Path, sheet: str | int | None, header_row: int,
               skip: frozenset[int] = frozenset()) -> pd.DataFrame:
    import openpyxl

    _check_workbook_size(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, InvalidFileException...
        raise DataError(f"cannot read the workbook: {exc}", file=str(path)) from None
    try:
        ws = _pick_sheet(wb, sheet, path)
        member = getattr(ws, "_worksheet_path", None)
        title = ws.title  # type: ignore[attr-defined]
        if member:
            try:
                hidden, uncached = _sheet_scan(path, member.lstrip("/"), header_row, title)
            except (SyntaxError, KeyError, OSError, ValueError) as exc:  # ParseError is a SyntaxError
                if isinstance(exc, DataError):
                    raise
                raise DataError(f"cannot read sheet {title!r}: {exc}", file=str(path)) from None
            hidden = [r for r in hidden if r not in skip]
            uncached = [c for c in uncached if int(re.sub(r"\D", "", c) or 0) not in skip]
            if uncached:
                more = f" (and {len(uncached) - 1} more)" if len(uncached) > 1 else ""
                raise DataError(f"cell {uncached[0]}{more} of sheet {title!r} holds a formula with no saved "
                                f"result (the file was written by a program that does not calculate); open "
                                f"and save it in Excel or LibreOffice, or paste the values", file=str(path),
                                row=int(re.sub(r"\D", "", uncached[0]) or 0) or None)
            if hidden:
                more = f" (and {len(hidden) - 1} more)" if len(hidden) > 1 else ""
                raise DataError(f"row {hidden[0]}{more} of sheet {title!r} is hidden; kpilab does not pay or "
                                f"drop hidden rows silently: unhide or delete it (load_team: skip_rows=[...])",
                                file=str(path), row=hidden[0])
        rows: list[tuple[object, ...]] = []
        cells = 0
        for r in ws.iter_rows(min_row=header_row, values_only=True):  # type: ignore[attr-defined]
            rows.append(r)
            cells += len(r)
            if len(rows) > MAX_ROWS + 1 or cells > MAX_CELLS:
                raise DataError(f"sheet {title!r} holds more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells, "
                                f"kpilab's limit for one table; split it", file=str(path))
    finally:
        wb.close()
    if not rows:
        raise DataError("the sheet is empty", file=str(path), row=header_row)
    header = list(rows[0])
    width = max((len(r) for r in rows), default=0)
    header += [None] * (width - len(header))
    body = [list(r) + [None] * (width - len(r)) for r in rows[1:]]
    cols: dict[str, list[object]] = {}
    for j in range(width):
        values = [r[j] for r in body]
        h = header[j]
        name = "" if h is None else str(h).strip()
        if not name:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue            # an unused, formatted column
            first = next(k for k, v in enumerate(values) if v is not None)
            raise DataError("a column without a header holds data", file=str(path),
                            row=header_row + 1 + first, column=openpyxl.utils.get_column_letter(j + 1))
        if name in cols:
            raise DataError(f"column {name!r} appears twice in the header", file=str(path),
                            row=header_row, column=name)
        cols[name] = values
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in cols.items()})


def _dates_in_period(frame: pd.DataFrame, source: str, rows: np.ndarray,
                     period_format: str | None) -> None:
    if "period" not in frame.columns:
        return
    vals = frame["period"].to_numpy(dtype=object)
    is_date = np.fromiter((isinstance(v, (datetime, date, time)) for v in vals), bool, len(vals))
    if not is_date.any():
        return
    if period_format is None:
        i = int(np.argmax(is_date))
        rep = frame["rep_id"].iat[i] if "rep_id" in frame.columns else None
        raise DataError(msg("errors.period_is_date", value=str(vals[i])),
                        file=source, row=int(rows[i]), rep=rep, column="period")
    frame.loc[is_date, "period"] = [v.strftime(period_format) for v in vals[is_date]]


def load_team(path: str | Path, sheet: str | int | None = None,
              columns: Mapping[str, str] | None = None, *, required: Iterable[str] = (),
              skip_rows: Iterable[int] = (), drop_blank_rows: bool = False, header_row: int = 1,
              period_format: str | None = None, empty_metrics_ok: bool = False) -> pd.DataFrame:
    """Read a performance table from CSV or Excel and validate it.

    Parameters
    ----------
    path
        A ``.csv`` (UTF-8, with or without BOM, or Windows-1251; separator
        ``,``, ``;`` or tab, whichever the header line has most of) or
        ``.xlsx``/``.xlsm`` file.
    sheet
        Excel sheet name or 0-based number; default the first sheet.
    columns
        The client's headers to contract names, e.g. ``{"Manager": "rep_id",
        "Month": "period", "Calls": "calls"}``. Headers are compared after
        stripping surrounding spaces. A mapped header missing from the file, or
        two headers ending up with one name, is an error. Unmapped columns keep
        their header (and are kept in the result).
    required
        Metric names that must be present and filled (e.g. what the plan
        needs); ``rep_id`` and ``period`` are always required.
    skip_rows
        Row numbers, as counted in the file (header = row 1), to leave out: a
        total row, a note line. Other rows keep their numbers in messages.
    drop_blank_rows
        Leave out rows where every cell is empty (they hold no data). Default
        False: a blank line inside the table is reported, because it often
        separates the data from a block of totals or notes below. Empty rows
        after the last row with data are always ignored.
    header_row
        Row of the header (default 1); rows above it (a title) are ignored.
    empty_metrics_ok
        Keep empty cells of metrics that are not ``required`` (see
        :func:`validate_team`); the engine then checks them per plan row.
    period_format
        How to turn a *date* cell in ``period`` into a label, e.g.
        ``"%Y-%m"``. Default: a date cell is an error, because Excel turns a
        typed ``2026-01`` into a date and kpilab does not guess the label.

    Returns
    -------
    pandas.DataFrame
        One row per data row, columns renamed: ``rep_id``, ``period``,
        ``role``, ``team`` as text (a numeric employee number 1017 becomes
        ``"1017"``); metrics as numbers; empty override cells
        (``plan_<metric>``, ``base``, ``target_bonus``) as NaN; other columns
        kept. ``kpilab.evaluate`` takes it as it is. ``df.attrs["source"]`` is
        the file and ``df.attrs["rows"]`` the file row number of each row.

    Raises
    ------
    kpilab.errors.DataError
        Naming file, row, rep, period and column of the first problem.

    Notes
    -----
    **Numbers stored as text.** Cells are numbers if the spreadsheet stores
    them as numbers, or if their text follows :func:`parse_number`: plain
    numerals, a decimal comma (``12500,50``), thousands separated by spaces or
    non-breaking spaces (``12 500``), surrounding spaces ignored. Anything
    else (``12,500``, ``12 500 ₽``, ``85%``, ``-``, ``n/a``) is an error,
    never a guess.

    **Total rows, blank lines.** A row whose rep reads a total word (``Total``,
    ``Grand total``...; the list of every language is ``kpilab/i18n/client_words.yaml``) is reported as a total row; remove it or pass
    ``skip_rows=[its row]``. A blank line inside the table is an error unless
    ``drop_blank_rows=True``.

    Examples
    --------
    >>> team = load_team("data/client_export.xlsx",
    ...                  columns={"Manager": "rep_id", "Month": "period", "Calls": "calls"},
    ...                  skip_rows=[20, 21])  # doctest: +SKIP
    """
    p = Path(path)
    source = str(path)
    if not p.exists():
        raise DataError("file not found", file=source)
    suffix = p.suffix.lower()
    if header_row < 1:
        raise DataError(f"header_row must be >= 1, got {header_row}", file=source)
    if suffix in (".csv", ".txt", ".tsv"):
        frame = _read_csv(p, header_row, columns)
    elif suffix in (".xlsx", ".xlsm"):
        frame = _read_xlsx(p, sheet, header_row, frozenset(int(r) for r in skip_rows))
    elif suffix == ".xls":
        raise DataError("old .xls workbooks are not supported; save it as .xlsx", file=source)
    else:
        raise DataError(f"unknown file type {suffix!r}; use .csv or .xlsx", file=source)

    frame.columns = [str(c).strip() for c in frame.columns]
    for name in frame.columns:
        mixed = mixed_script(name)
        if mixed is not None and mixed[0].isascii():  # a Latin name typed with a Cyrillic lookalike
            raise DataError(msg("errors.mixed_script", name=name, latin=mixed[0], letter=mixed[1],
                                position=mixed[2]), file=source, row=header_row, column=name)
    if columns:
        missing = [k for k in columns if str(k).strip() not in frame.columns]
        if missing:
            raise DataError(f"header {missing[0]!r} from the columns mapping is not in the file; "
                            f"the header has: {', '.join(frame.columns)}",
                            file=source, row=header_row, column=str(missing[0]))
        frame = frame.rename(columns={str(k).strip(): v for k, v in columns.items()})
        names = list(frame.columns)
        for i, c in enumerate(names):
            if c in names[:i]:
                raise DataError(f"two columns are both called {c!r} after the mapping",
                                file=source, row=header_row, column=c)

    rows = np.arange(len(frame)) + header_row + 1
    keep = np.ones(len(frame), bool)
    # Empty rows after the last row with data carry nothing (Excel's formatted tail).
    blank = _blank_mask(frame)
    if len(frame):
        last = np.flatnonzero(~blank)
        keep[(last[-1] + 1) if last.size else 0:] = False
    skip = {int(r) for r in skip_rows}
    if skip:
        keep &= ~np.isin(rows, list(skip))
    if drop_blank_rows:
        keep &= ~blank
    frame = frame.loc[keep].reset_index(drop=True)
    rows = rows[keep]
    _dates_in_period(frame, source, rows, period_format)
    frame.attrs = {}
    out = validate_team(frame, source=source, required=required, row_numbers=rows, whole_as_int=True,
                        empty_metrics_ok=empty_metrics_ok)
    out.attrs["source"] = source
    out.attrs["rows"] = rows
    return out


def _blank_mask(frame: pd.DataFrame) -> np.ndarray:
    """Rows where every cell is empty (None, NaN, '' or only spaces)."""
    mask = np.ones(len(frame), bool)
    for c in frame.columns:
        mask &= _empty_cells(frame[c])
    return mask
