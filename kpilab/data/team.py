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

The parts: :mod:`kpilab.data.read` reads the file (encodings, sheets, hidden rows, limits),
:mod:`kpilab.data.numbers` holds the number rule, :mod:`kpilab.data.columns` what each column is;
this module validates the table and ties them together.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, mixed_script
from ..i18n.messages import msg, names_list
from .columns import (KEY_COLUMNS, KNOWN_METRICS, OVERRIDE_COLUMNS, TEXT_COLUMNS, _is_numeric_column, _whole_units,
                      total_words)
from .numbers import _SPACES, _clip, _problem_text, _to_numbers, parse_number
from .read import MAX_CELL_CHARS, MAX_CELLS, MAX_FILE_BYTES, MAX_ROWS, MAX_XLSX_EXPANDED_BYTES, read_table

# The limits (kpilab.data.read) and the number rule (kpilab.data.numbers) are importable from here too,
# as before this module was split in three.
__all__ = ["load_team", "validate_team", "parse_number", "KEY_COLUMNS", "TEXT_COLUMNS",
           "KNOWN_METRICS", "OVERRIDE_COLUMNS", "MAX_FILE_BYTES", "MAX_XLSX_EXPANDED_BYTES", "MAX_ROWS",
           "MAX_CELLS", "MAX_CELL_CHARS"]


def __getattr__(name: str) -> object:
    if name == "_TOTAL_WORDS":  # the words of a total row, read from client_words.yaml on first use
        return total_words()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------- validation

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

    - ``rep_id`` / ``period`` empty (a row whose ``rep_id`` reads ``Total``,
      ``Grand total`` or their Russian twins, ``kpilab/i18n/client_words.yaml``, is reported as a total row; a fully empty row as a blank
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
        raise DataError(msg("data_errors.column_twice", name=_clip(dup)), file=source, row=row_offset - 1,
                        column=dup)
    for col in (*KEY_COLUMNS, *sorted(required_set - set(KEY_COLUMNS))):
        if col not in columns:
            what = "missing_required" if col in KEY_COLUMNS else "missing_needed"
            raise DataError(msg("data_errors." + what, name=_clip(col),
                                columns=names_list(columns) or msg("data_errors.no_columns")), kind="missing_column",
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
        # a scenario number is a key, never optional (an empty one would become a garbage int64)
        optional = c != "scenario" and (c in OVERRIDE_COLUMNS or c.startswith("plan_")
                                        or (empty_metrics_ok and c not in required_set))
        missing = empty & (not optional)
        cell_bad[c] = (nums, missing, bad, nonfinite, negative)

    # Blank lines and total rows are row-level problems reported on rep_id.
    rep_lower = rep_text.fillna("").astype(str).str.casefold().str.rstrip(":. ")
    total_row = rep_lower.isin(total_words()).to_numpy()
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
            text = msg("data_errors.blank_line")
            col_name, rep, period = None, None, None
        elif kind == "total":
            text = msg("data_errors.total_row", value=_clip(str(raw).strip()), row=int(rows[i]))
            col_name = "rep_id"
        elif kind == "key_empty":
            text = msg("data_errors.key_empty", column=col)
            col_name = col
        elif kind == "duplicate":
            first = int(np.flatnonzero(
                (keys.iloc[:i] == keys.iloc[i]).all(axis=1).to_numpy())[0])
            what = ", ".join(key_cols)
            text = msg("data_errors.duplicate_key", columns=what, row=int(rows[first]))
            col_name = what
        else:
            text = _problem_text(kind, col, raw)
            col_name = col
        if total > 1:
            text += msg("data_errors.more_problems", count=total - 1)
        raise DataError(text, file=source, row=int(rows[i]), rep=rep if rep else None,
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
        "Month": "period", "Calls": "calls"}`` (a Russian export's headers alike). Headers are compared after
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

    **Total rows, blank lines.** A row whose rep reads ``Total``, ``Grand total``
    or their Russian twins (:func:`kpilab.data.columns.total_words`) is reported as a total row; remove it or pass
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
        raise DataError(msg("data_errors.file_not_found"), file=source)
    if header_row < 1:
        raise DataError(msg("data_errors.header_row", value=header_row), file=source)
    frame = read_table(p, sheet, header_row, columns, frozenset(int(r) for r in skip_rows))

    frame.columns = [str(c).strip() for c in frame.columns]
    for name in frame.columns:
        mixed = mixed_script(name)
        if mixed is not None and mixed[0].isascii():  # a Latin name typed with a Cyrillic lookalike
            raise DataError(msg("errors.mixed_script", name=name, latin=mixed[0], letter=mixed[1],
                                position=mixed[2]), file=source, row=header_row, column=name)
    if columns:
        missing = [k for k in columns if str(k).strip() not in frame.columns]
        if missing:
            raise DataError(msg("data_errors.mapping_header_missing", name=_clip(str(missing[0])),
                                columns=names_list(frame.columns)),
                            file=source, row=header_row, column=str(missing[0]))
        frame = frame.rename(columns={str(k).strip(): v for k, v in columns.items()})
        names = list(frame.columns)
        for i, c in enumerate(names):
            if c in names[:i]:
                raise DataError(msg("data_errors.mapped_twice", name=_clip(c)),
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
