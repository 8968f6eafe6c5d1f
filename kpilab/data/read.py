"""Read a team table's file into a raw frame: CSV or XLSX, within limits, from the sheet meant.

Nothing here validates cells (that is :func:`kpilab.data.team.validate_team`); this module only
makes sure the frame is the file as a person sees it:

- CSV: UTF-8 (with or without BOM), Windows-1251 or UTF-16 with a BOM; any line endings;
  separator ``,``, ``;`` or tab; every line kept (blank ones too) so row numbers stay exact;
  a row with more fields than the header is an error, never a shifted table.
- XLSX: the sheet asked for, else the only visible sheet, else an error listing them; hidden
  rows and formula cells without a saved result are errors; read in openpyxl's read-only mode.
- Limits (the README states them): file size, expanded XML, rows, cells and one cell's text are
  checked before any work, so a zip bomb or a 4-million-row sheet is refused in seconds.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..i18n import fmt_number
from ..i18n.messages import message_lang, msg, names_list, os_reason
from .numbers import _clip
from .columns import TEXT_COLUMNS, _whole_units

__all__ = ["read_table", "MAX_FILE_BYTES", "MAX_XLSX_EXPANDED_BYTES", "MAX_ROWS", "MAX_CELLS", "MAX_CELL_CHARS"]

#: Resource limits (stated in the README): a table beyond them is refused before any work.
MAX_FILE_BYTES: int = 512 * 2**20          # a CSV or XLSX file on disk
MAX_XLSX_EXPANDED_BYTES: int = 768 * 2**20  # an XLSX's XML once unzipped (a "zip bomb" is far bigger)
MAX_ROWS: int = 2_000_000                  # data rows of one table
MAX_CELLS: int = 60_000_000                # rows x columns of one table
MAX_CELL_CHARS: int = 32_767               # Excel's own limit for one cell's text



def _n(value: float) -> str:
    """A count or size for a message: 1,000,000 in English, 1 000 000 in Russian."""
    return f"{value:,.0f}" if message_lang() == "en" else fmt_number(value, message_lang(), 0)


def _reason(key: str, exc: BaseException) -> str:
    """A library's reason: its own words in English, the catalog's ``key`` in another language."""
    return str(exc) if message_lang() == "en" else msg("data_errors." + key)


def _workbook_reason(exc: BaseException) -> str:
    """Why a workbook cannot be read, by the error's kind (a zip, its XML, a missing part, the disk)."""
    import zipfile
    from xml.parsers import expat

    if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile) and getattr(exc, "errno", None):
        return os_reason(exc) if message_lang() != "en" else str(exc)
    kind = ("bad_zip" if isinstance(exc, zipfile.BadZipFile) or "zip" in type(exc).__name__.lower()
            or "InvalidFile" in type(exc).__name__
            else "bad_xml" if isinstance(exc, (SyntaxError, expat.ExpatError))
            else "bad_part" if isinstance(exc, KeyError) else "bad_other")
    return _reason(kind, exc)


def read_table(path: Path, sheet: str | int | None, header_row: int, columns: Mapping[str, str] | None,
               skip: frozenset[int] = frozenset()) -> pd.DataFrame:
    """The file's table by its suffix (``.csv``/``.txt``/``.tsv`` or ``.xlsx``/``.xlsm``), header as read.

    ``skip``: file row numbers the caller leaves out (a hidden row or an uncalculated formula there is
    no error). ``columns`` only tells the CSV reader which columns to keep as text.
    """
    source = str(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path, header_row, columns)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet, header_row, skip)
    if suffix == ".xls":
        raise DataError(msg("data_errors.xls"), file=source)
    raise DataError(msg("data_errors.file_type", suffix=_clip(suffix)), file=source)


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
        raise DataError(msg("data_errors.file_too_big", size=_n(size / 2**20), limit=_n(MAX_FILE_BYTES / 2**20)),
                        file=str(path))
    text = _decode_table(path.read_bytes(), path)
    head_lines = text.split("\n", header_row)
    if len(head_lines) < header_row or not head_lines[header_row - 1].strip():
        raise DataError(msg("data_errors.no_header"), file=str(path), row=header_row)
    head = head_lines[header_row - 1].rstrip("\r")
    counts = {sep: head.count(sep) for sep in (";", "\t", ",")}
    sep = max(counts, key=lambda k: counts[k]) if any(counts.values()) else ","
    try:
        names = next(csv.reader([head], delimiter=sep))
    except csv.Error as exc:
        raise DataError(msg("data_errors.header_split", reason=_reason("csv_reason", exc)), file=str(path),
                        row=header_row) from None
    seen: set[str] = set()
    for name in names:  # pandas would rename a second 'calls' to 'calls.1' without a word
        if name.strip() in seen:
            raise DataError(msg("data_errors.column_twice", name=_clip(name.strip())), file=str(path),
                            row=header_row, column=name.strip())
        seen.add(name.strip())
    mapping = {str(k).strip(): v for k, v in (columns or {}).items()}
    # Text columns stay text; money and count columns are read as text too, so that "12.500" (a dot
    # between thousands) is seen as written and refused as ambiguous, not read as twelve and a half.
    text_cols = {h for h in names if mapping.get(h.strip(), h.strip()) in TEXT_COLUMNS
                 or _whole_units(str(mapping.get(h.strip(), h.strip())))}
    n_lines = text.count("\n") + 1
    if n_lines > MAX_ROWS + header_row or n_lines * len(names) > MAX_CELLS:
        raise DataError(msg("data_errors.too_many_lines", lines=_n(n_lines), columns=len(names), rows=_n(MAX_ROWS),
                            cells=_n(MAX_CELLS)), file=str(path))
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype={h: str for h in text_cols},
                            keep_default_na=False, na_values=[""], skip_blank_lines=False,
                            skiprows=header_row - 1, header=0, engine="c")
    except pd.errors.ParserError as exc:  # e.g. a row with more fields than the header
        line = re.search(r"line (\d+)", str(exc))
        row = int(line.group(1)) + header_row - 1 if line else None
        found = re.search(r"saw (\d+)", str(exc))
        saw = msg("data_errors.fields_saw", fields=found.group(1)) if found else ""
        raise DataError(msg("data_errors.line_split", columns=len(names), saw=saw), file=str(path),
                        row=row) from None
    if not isinstance(frame.index, pd.RangeIndex):
        # Every data row has more fields than the header: pandas would silently make the first
        # column(s) the index and shift every column by one (reps read as periods).
        extra = frame.index.nlevels
        raise DataError(msg("data_errors.line_shift", fields=len(names) + extra, columns=len(names), extra=extra),
                        file=str(path), row=header_row + 1)
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
                    raise DataError(msg("data_errors.sheet_rows", sheet=_clip(title), rows=_n(int(dim.group(1))),
                                        limit=_n(MAX_ROWS)), file=str(path))
            buf = carry + chunk
            cut = buf.rfind(b">") + 1 if chunk else len(buf)
            body, carry = buf[:cut], buf[cut:]
            rows += len(_ROW_END.findall(body))
            if rows > MAX_ROWS + 1:
                raise DataError(msg("data_errors.sheet_more_rows", sheet=_clip(title), limit=_n(MAX_ROWS)),
                                file=str(path))
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
                    raise DataError(msg("data_errors.sheet_more_cells", sheet=_clip(title), rows=_n(MAX_ROWS),
                                        cells=_n(MAX_CELLS)), file=str(path))
    return hidden, uncached


def _check_workbook_size(path: Path) -> None:
    """Refuse a workbook that would expand past :data:`MAX_XLSX_EXPANDED_BYTES` before reading a cell."""
    import zipfile

    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DataError(msg("data_errors.file_too_big", size=_n(size / 2**20), limit=_n(MAX_FILE_BYTES / 2**20)),
                        file=str(path))
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataError(msg("data_errors.workbook_unreadable", reason=_workbook_reason(exc)),
                        file=str(path)) from None
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise DataError(msg("data_errors.workbook_expands", size=_n(expanded / 2**20),
                            limit=_n(MAX_XLSX_EXPANDED_BYTES / 2**20)), file=str(path))
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
        raise DataError(msg("data_errors.workbook_unreadable", reason=_workbook_reason(exc)),
                        file=str(path)) from None


def _pick_sheet(wb: object, sheet: str | int | None, path: Path) -> object:
    """The sheet asked for; else the only visible sheet; else an error listing the sheets."""
    names = wb.sheetnames  # type: ignore[attr-defined]
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise DataError(msg("data_errors.no_sheet_number", number=sheet, sheets=names_list(names)),
                            file=str(path))
        return wb[names[sheet]]  # type: ignore[index]
    if sheet is not None:
        if sheet not in names:
            raise DataError(msg("data_errors.no_sheet", sheet=_clip(sheet), sheets=names_list(names)), file=str(path))
        return wb[sheet]  # type: ignore[index]
    visible = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]  # type: ignore[attr-defined]
    if len(visible) == 1:
        return visible[0]
    listed = ", ".join(_clip(n) + ("" if wb[n].sheet_state == "visible"  # type: ignore[index]
                                   else msg("data_errors.sheet_hidden_mark")) for n in names)
    raise DataError(msg("data_errors.sheets_ambiguous", count=len(visible), sheets=listed), file=str(path))


def _read_xlsx(path: Path, sheet: str | int | None, header_row: int,
               skip: frozenset[int] = frozenset()) -> pd.DataFrame:
    import openpyxl

    _check_workbook_size(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, InvalidFileException...
        raise DataError(msg("data_errors.workbook_unreadable", reason=_workbook_reason(exc)),
                        file=str(path)) from None
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
                raise DataError(msg("data_errors.sheet_unreadable", sheet=_clip(title), reason=_workbook_reason(exc)),
                                file=str(path)) from None
            hidden = [r for r in hidden if r not in skip]
            uncached = [c for c in uncached if int(re.sub(r"\D", "", c) or 0) not in skip]
            if uncached:
                more = msg("data_errors.and_more", count=len(uncached) - 1) if len(uncached) > 1 else ""
                raise DataError(msg("data_errors.formula_no_result", cell=uncached[0], more=more, sheet=_clip(title)),
                                file=str(path),
                                row=int(re.sub(r"\D", "", uncached[0]) or 0) or None)
            if hidden:
                more = msg("data_errors.and_more", count=len(hidden) - 1) if len(hidden) > 1 else ""
                raise DataError(msg("data_errors.row_hidden", row=hidden[0], more=more, sheet=_clip(title)),
                                file=str(path), row=hidden[0])
        rows: list[tuple[object, ...]] = []
        cells = 0
        for r in ws.iter_rows(min_row=header_row, values_only=True):  # type: ignore[attr-defined]
            rows.append(r)
            cells += len(r)
            if len(rows) > MAX_ROWS + 1 or cells > MAX_CELLS:
                raise DataError(msg("data_errors.sheet_more_cells", sheet=_clip(title), rows=_n(MAX_ROWS),
                                    cells=_n(MAX_CELLS)), file=str(path))
    finally:
        wb.close()
    if not rows:
        raise DataError(msg("data_errors.sheet_empty"), file=str(path), row=header_row)
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
            raise DataError(msg("data_errors.column_no_header"), file=str(path),
                            row=header_row + 1 + first, column=openpyxl.utils.get_column_letter(j + 1))
        if name in cols:
            raise DataError(msg("data_errors.column_twice", name=_clip(name)), file=str(path),
                            row=header_row, column=name)
        cols[name] = values
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in cols.items()})
