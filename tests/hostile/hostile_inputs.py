"""Builders of the hostile-input corpus: each file a case needs, made in the case's own folder.

A case names its files in ``corpus.yaml`` by a spec (a mapping with one kind key):

``copy``
    ``plan:NAME`` (a bundled plan), ``sample_team``, ``small_team`` (six rows: a
    senior R01 and a junior R08, three months each) or ``file:NAME`` (``files/NAME``).
``plan`` + ``replace``
    A bundled plan with text replacements ``[[old, new], ...]``.
``team`` + ``set`` / ``rename`` / ``extra_field``
    ``small`` or ``sample`` team with cells set: ``[[row, column, text], ...]``
    (row 0 is the first data row), headers renamed ``[[old, new], ...]``, or
    one field more on every data row.
``text`` / ``bytes_hex``
    Literal content (UTF-8 text, or bytes written as hex).
``build``
    A named builder below (workbooks, the billion laughs, deep nesting...).
``symlink``
    A symbolic link to another path of the case.

Any spec may add ``mode`` (octal text, e.g. ``"444"``) to chmod the file after writing.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kpilab import datasets

HERE = Path(__file__).parent
PLANS = datasets.DATA_DIR / "plans"
SAMPLE = datasets.DATA_DIR / "sample_team.csv"


def sample_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))


def small_rows() -> list[list[str]]:
    """Header + R01 (senior) and R08 (junior), three months each: every bundled plan pays them."""
    rows = sample_rows()
    return [rows[0], *rows[1:4], *rows[85:88]]


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def write_small_team(path: Path) -> Path:
    path.write_text(_csv_text(small_rows()), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- workbooks

def _workbook(path: Path, sheets: list[dict[str, Any]]) -> None:
    """An XLSX written with openpyxl: each sheet ``{title, rows, state?, hidden_rows?}``."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(spec["title"])
        for row in spec["rows"]:
            ws.append(row)
        for r in spec.get("hidden_rows", ()):
            ws.row_dimensions[r].hidden = True
        ws.sheet_state = spec.get("state", "visible")
    visible = [i for i, s in enumerate(sheets) if s.get("state", "visible") == "visible"]
    if visible:
        wb.active = visible[0]
    wb.save(path)


def _typed_rows(rows: list[list[str]]) -> list[list[Any]]:
    out: list[list[Any]] = [rows[0]]
    for row in rows[1:]:
        typed: list[Any] = []
        for i, cell in enumerate(row):
            if i < 5:
                typed.append(cell)
            else:
                try:
                    typed.append(float(cell) if "." in cell else int(cell))
                except ValueError:
                    typed.append(cell)
        out.append(typed)
    return out


def build_hidden_first_sheet(path: Path) -> None:
    """Item 4: a hidden first sheet of last year's data (rep OLD paid 9,999,990) and the visible «Продажи»."""
    rows = _typed_rows(small_rows())
    old = [rows[0]] + [["OLD", *r[1:13], 9_999_990.0, *r[14:]] for r in rows[1:2]]
    _workbook(path, [{"title": "old_hidden", "rows": old, "state": "hidden"},
                     {"title": "\u041f\u0440\u043e\u0434\u0430\u0436\u0438", "rows": rows}])


def build_two_visible_sheets(path: Path) -> None:
    rows = _typed_rows(small_rows())
    _workbook(path, [{"title": "2025", "rows": rows}, {"title": "2026", "rows": rows}])


def build_hidden_row(path: Path) -> None:
    rows = _typed_rows(small_rows())
    _workbook(path, [{"title": "data", "rows": rows, "hidden_rows": [3]}])


def build_uncached_formula(path: Path) -> None:
    """Item 14: a rep id that is a formula never calculated (openpyxl writes no cached value)."""
    rows = _typed_rows(small_rows())
    rows[2][0] = '=CONCATENATE("R","01")'
    _workbook(path, [{"title": "data", "rows": rows}])


def build_date_period(path: Path) -> None:
    import datetime

    rows = _typed_rows(small_rows())
    for r in rows[1:]:
        y, m = r[1].split("-")
        r[1] = datetime.datetime(int(y), int(m), 1)
    _workbook(path, [{"title": "data", "rows": rows}])


def _raw_xlsx(path: Path, sheet_xml: Callable[[Any], None], shared: list[str], dimension: str | None) -> None:
    """A minimal XLSX written by hand, streaming the sheet (for sizes openpyxl would take minutes to write)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
          '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
          'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
          'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.'
          'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
          '</Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
                   f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" '
                   f'xmlns:r="{rel}"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships '
                   f'xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        with z.open("xl/sharedStrings.xml", "w") as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}">'.encode())
            for text in shared:
                f.write(b"<si><t>")
                f.write(text.encode())
                f.write(b"</t></si>")
            f.write(b"</sst>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}">'.encode())
            if dimension:
                f.write(f'<dimension ref="{dimension}"/>'.encode())
            f.write(b"<sheetData>")
            sheet_xml(f)
            f.write(b"</sheetData></worksheet>")


def _header_row(f: Any) -> None:
    f.write(b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>')


def build_many_rows(path: Path, rows: int = 5000, dimension: bool = True) -> None:
    """Item 7: a small file that expands to many rows (the corpus lowers MAX_ROWS rather than write 4 M)."""
    def sheet(f: Any) -> None:
        _header_row(f)
        chunk = []
        for i in range(2, rows + 2):
            chunk.append(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>R{i}</t></is></c><c r="B{i}" '
                         f't="inlineStr"><is><t>2026-01</t></is></c><c r="C{i}"><v>5</v></c></row>')
            if len(chunk) >= 10_000:
                f.write("".join(chunk).encode())
                chunk = []
        f.write("".join(chunk).encode())

    _raw_xlsx(path, sheet, ["rep_id", "period", "calls"], f"A1:C{rows + 1}" if dimension else None)


def build_huge_cell(path: Path, chars: int = 100_000) -> None:
    """Item 7: one shared-string cell far beyond Excel's 32,767 characters (the issue's was 1 GiB)."""
    def sheet(f: Any) -> None:
        _header_row(f)
        f.write(b'<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="inlineStr"><is><t>2026-01</t></is></c>'
                b'<c r="C2"><v>5</v></c></row>')

    _raw_xlsx(path, sheet, ["rep_id", "period", "calls", "A" * chars], "A1:C2")


def build_zip_bomb(path: Path) -> None:
    """Item 7: a workbook whose XML expands far beyond its size on disk (the corpus lowers the limit)."""
    def sheet(f: Any) -> None:
        _header_row(f)
        f.write(b"<!--" + b" " * 4_000_000 + b"-->")

    _raw_xlsx(path, sheet, ["rep_id", "period", "calls"], "A1:C1")


def build_billion_laughs(path: Path) -> None:
    """Item 7: nine levels of nine aliases: 387 million strings from a 400-byte file."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join(f"*{prev}" for _ in range(9)) + "]")
        prev = name
    lines.append("name: laughs")
    lines.append("base: *i")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_deep_nesting(path: Path, depth: int = 500) -> None:
    path.write_text("name: deep\nbase: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")


def build_big_integer(path: Path) -> None:
    path.write_text("name: big\nbase: " + "9" * 400 + "\n", encoding="utf-8")


def build_cr_only_plan(path: Path) -> None:
    path.write_bytes((PLANS / "balanced_kpi.yaml").read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))


def build_cr_only_team(path: Path) -> None:
    path.write_bytes(_csv_text(small_rows()).replace("\n", "\r").encode())


def build_utf16_team(path: Path) -> None:
    path.write_bytes(_csv_text(small_rows()).encode("utf-16"))


def build_cp1251_bad_byte(path: Path) -> None:
    path.write_bytes("name: План\nbase: 100\n".encode("cp1251").replace("П".encode("cp1251"), b"\x98"))


def build_huge_revenue(path: Path) -> None:
    """Item 13: a revenue so large that the commission passes 2**53 kopecks (kopecks would drift)."""
    rows = small_rows()
    i = rows[0].index("revenue")
    rows[1][i] = "9000000000000000"
    path.write_text(_csv_text(rows), encoding="utf-8")


BUILDERS: dict[str, Callable[..., None]] = {
    name[len("build_"):]: fn for name, fn in globals().items() if name.startswith("build_") and callable(fn)
}


# --------------------------------------------------------------------------- specs

def make(folder: Path, name: str, spec: Any) -> Path:
    """Create file ``name`` of a case in ``folder`` from its spec; returns the path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if not isinstance(spec, dict):
        raise ValueError(f"{name}: a file spec is a mapping, got {spec!r}")
    if "copy" in spec:
        src = spec["copy"]
        if src.startswith("plan:"):
            path.write_bytes((PLANS / f"{src[5:]}.yaml").read_bytes())
        elif src == "sample_team":
            path.write_bytes(SAMPLE.read_bytes())
        elif src == "small_team":
            write_small_team(path)
        elif src.startswith("file:"):
            path.write_bytes((HERE / "files" / src[5:]).read_bytes())
        else:
            raise ValueError(f"{name}: unknown copy source {src!r}")
    elif "plan" in spec:
        text = (PLANS / f"{spec['plan']}.yaml").read_text(encoding="utf-8")
        for old, new in spec.get("replace", []):
            if old not in text:
                raise ValueError(f"{name}: {old!r} is not in plan {spec['plan']}")
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    elif "team" in spec:
        rows = small_rows() if spec["team"] == "small" else sample_rows()
        for r, col, value in spec.get("set", []):
            rows[1 + r][rows[0].index(col)] = value
        for old, new in spec.get("rename", []):
            rows[0][rows[0].index(old)] = new
        if spec.get("extra_field"):
            rows = [rows[0]] + [row + ["extra"] for row in rows[1:]]
        if "header" in spec:
            rows[0] = spec["header"]
        path.write_text(_csv_text(rows), encoding="utf-8")
    elif "text" in spec:
        path.write_text(spec["text"], encoding="utf-8")
    elif "bytes_hex" in spec:
        path.write_bytes(bytes.fromhex(spec["bytes_hex"]))
    elif "build" in spec:
        BUILDERS[spec["build"]](path, **spec.get("args", {}))
    elif "symlink" in spec:
        os.symlink(spec["symlink"], path)
    elif "folder" in spec:
        path.mkdir(exist_ok=True)
    else:
        raise ValueError(f"{name}: unknown file spec {spec!r}")
    if "mode" in spec:
        os.chmod(path, int(str(spec["mode"]), 8))
    return path


def like_a_terminal() -> None:
    """In the child, before it runs: Ctrl-C back to its default. A command started in the background by a
    non-interactive shell (``make test &``, some CI runners) inherits SIGINT ignored, and Python then
    rightly keeps ignoring it, as under nohup; a person pressing Ctrl-C at a terminal never has that."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
