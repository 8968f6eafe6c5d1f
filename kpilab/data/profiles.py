"""Client profiles: how to read one client's export, saved once and reused by every command.

A consultant receives the same export every month: Russian headers, a title row,
a blank line and a total row at the bottom, revenue in thousands. A
:class:`ClientProfile` remembers how to read it (the column mapping, the sheet,
the header row, rows to skip, whether blank rows are dropped, and the units of
columns that are not in roubles or counts), and :meth:`ClientProfile.load_kwargs`
turns it into the keyword arguments of :func:`kpilab.data.team.load_team`.

A profile is a small YAML file (``data/client_export.profile.yaml`` reads the
bundled export)::

    sheet: Sales
    skip_rows: [21]
    drop_blank_rows: true
    columns:
      Manager: rep_id
      Month: period
      Revenue: revenue
    units:
      revenue: thousand_rub     # the file holds thousands of roubles

A mapping file (``--map``) is either a profile or just the ``columns`` mapping.

:func:`suggest_columns` proposes a mapping from headers by a synonym table and a
fuzzy match, so an error can say that the client's column "Manager" looks like rep_id.
The header words of every language live in ``kpilab/i18n/client_words.yaml``.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError
from ..i18n import LABELS, client_words, t
from ..i18n.messages import messages_in, yaml_problem
from ..metrics import INPUT_METRICS
from .team import _TOTAL_WORDS, KEY_COLUMNS, OVERRIDE_COLUMNS, load_team

__all__ = ["ClientProfile", "load_profile", "load_mapping", "UNITS", "suggest_columns", "suggest_column",
           "read_headers", "list_sheets", "load_client_team", "propose_profile", "profile_from_dict", "TARGET_COLUMNS"]

#: Units a profile may name for a column, and the factor that turns the file's figure into kpilab's unit
#: (roubles for money, a fraction 0..1 for a share).
UNITS: dict[str, float] = {"rub": 1.0, "thousand_rub": 1_000.0, "million_rub": 1_000_000.0,
                           "count": 1.0, "fraction": 1.0, "percent": 0.01}

#: Every contract column a client's header can map to: keys, text columns, metrics and their plans.
TARGET_COLUMNS: tuple[str, ...] = (*KEY_COLUMNS, "role", "team", *INPUT_METRICS,
                                   *(f"plan_{m}" for m in INPUT_METRICS), *OVERRIDE_COLUMNS)

def _norm(text: str) -> str:
    """A header as compared: lower case, look-alike letters folded, punctuation dropped, spaces collapsed."""
    low = str(text).casefold()
    for letter, fold in client_words()["letter_folds"]:
        low = low.replace(letter, fold)
    return " ".join(re.sub(r"[^\w]+", " ", low).split())


def _vocabulary() -> dict[str, str]:
    """Normalised header word -> contract column: the client words (``kpilab/i18n/client_words.yaml``)
    plus every catalog label."""
    vocab: dict[str, str] = {}
    words_of = client_words()
    for column, words in words_of["columns"].items():
        for word in words:
            vocab.setdefault(_norm(word), column)
    for column in TARGET_COLUMNS:
        vocab.setdefault(_norm(column), column)
        metric = column.removeprefix("plan_")
        for text in LABELS.get(metric, {}).values():
            if column.startswith("plan_"):
                for lang_plan in words_of["plan_prefixes"]:
                    vocab.setdefault(_norm(f"{lang_plan} {text}"), column)
            else:
                vocab.setdefault(_norm(text), column)
    return vocab


def suggest_column(header: str, *, cutoff: float = 0.8) -> str | None:
    """The contract column a client's ``header`` most likely holds, or ``None``.

    An exact match of the synonym table or of a catalog label wins; else the
    closest word by :func:`difflib.get_close_matches` at ``cutoff``.

    >>> suggest_column("Manager"), suggest_column("Revenue plan"), suggest_column("Calls ")
    ('rep_id', 'plan_revenue', 'calls')
    >>> suggest_column("Comment") is None
    True
    """
    vocab = _vocabulary()
    key = _norm(header)
    if not key:
        return None
    if key in vocab:
        return vocab[key]
    close = difflib.get_close_matches(key, list(vocab), n=1, cutoff=cutoff)
    return vocab[close[0]] if close else None


def suggest_columns(headers: Iterable[str], *, taken: Iterable[str] = ()) -> dict[str, str]:
    """A proposed mapping ``{client header: contract column}`` for the headers that look like one.

    A header already named as a contract column is left out, and so is a second
    header that would map onto a column already ``taken`` or proposed.

    >>> suggest_columns(["Manager", "Month", "Revenue", "Comment"])
    {'Manager': 'rep_id', 'Month': 'period', 'Revenue': 'revenue'}
    """
    used = set(taken)
    headers = [str(h).strip() for h in headers]
    used |= {h for h in headers if h in TARGET_COLUMNS}
    out: dict[str, str] = {}
    for header in headers:
        if header in TARGET_COLUMNS:
            continue
        column = suggest_column(header)
        if column is not None and column not in used:
            out[header] = column
            used.add(column)
    return out


# --------------------------------------------------------------------------- profiles

@dataclass(frozen=True)
class ClientProfile:
    """How to read one client's export (every field optional).

    Parameters
    ----------
    columns
        The client's headers to contract names (``{"Manager": "rep_id"}``).
    sheet
        The Excel sheet (name, or 0-based number).
    header_row
        The row of the header (1 = the first row).
    skip_rows
        File row numbers to leave out (a total row, a note).
    drop_blank_rows
        Leave out rows where every cell is empty.
    units
        ``{column: unit}`` for a column not in kpilab's unit, one of :data:`UNITS`
        (``thousand_rub``, ``million_rub``, ``percent``...); keyed by the
        contract name.
    period_format
        How to label a date cell in ``period`` (``"%Y-%m"``).
    name
        The client's name, for reports and documents.
    source
        The file the profile came from (for messages).
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    sheet: str | int | None = None
    header_row: int = 1
    skip_rows: tuple[int, ...] = ()
    drop_blank_rows: bool = False
    units: Mapping[str, str] = field(default_factory=dict)
    period_format: str | None = None
    name: str | None = None
    source: str | None = None

    def merged(self, *, columns: Mapping[str, str] | None = None, sheet: str | int | None = None,
               skip_rows: Sequence[int] | None = None, drop_blank_rows: bool | None = None,
               header_row: int | None = None) -> "ClientProfile":
        """This profile with the options given on the command line taking precedence."""
        changes: dict[str, Any] = {}
        if columns:
            changes["columns"] = {**self.columns, **columns}
        if sheet is not None:
            changes["sheet"] = sheet
        if skip_rows:
            changes["skip_rows"] = tuple(sorted({*self.skip_rows, *skip_rows}))
        if drop_blank_rows:
            changes["drop_blank_rows"] = True
        if header_row is not None:
            changes["header_row"] = header_row
        return dataclasses.replace(self, **changes)

    def load_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`kpilab.data.team.load_team` that read the file this way."""
        out: dict[str, Any] = {"sheet": self.sheet, "columns": dict(self.columns) or None,
                               "skip_rows": list(self.skip_rows), "drop_blank_rows": self.drop_blank_rows,
                               "header_row": self.header_row}
        if self.period_format:
            out["period_format"] = self.period_format
        return out

    def apply_units(self, team: pd.DataFrame) -> pd.DataFrame:
        """The team with every column named in :attr:`units` converted to kpilab's unit (a new frame)."""
        if not self.units:
            return team
        out = team.copy()
        for column, unit in self.units.items():
            if column in out.columns and UNITS[unit] != 1.0:  # a unit kpilab already counts in: as read
                out[column] = out[column].astype(float) * UNITS[unit]
        out.attrs = dict(team.attrs)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The profile as its YAML file holds it (defaults left out)."""
        out: dict[str, Any] = {}
        if self.name:
            out["name"] = self.name
        if self.sheet is not None:
            out["sheet"] = self.sheet
        if self.header_row != 1:
            out["header_row"] = self.header_row
        if self.skip_rows:
            out["skip_rows"] = list(self.skip_rows)
        if self.drop_blank_rows:
            out["drop_blank_rows"] = True
        if self.period_format:
            out["period_format"] = self.period_format
        if self.columns:
            out["columns"] = dict(self.columns)
        if self.units:
            out["units"] = dict(self.units)
        return out


_PROFILE_KEYS = ("name", "sheet", "header_row", "skip_rows", "drop_blank_rows", "columns", "units",
                 "period_format")


def _read_yaml(path: str | Path, lang: str = "en") -> Any:
    import yaml

    p = Path(path)
    if not p.is_file():
        raise DataError(t("client.no_file", lang), file=str(path))
    try:
        return yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataError(t("client.bad_yaml", lang, problem=_yaml_words(exc, lang)), file=str(path)) from None


def _yaml_words(exc: Exception, lang: str) -> str:
    """The parser's first line in ``lang``: its own words in English, the catalog's otherwise."""
    if lang == "en":
        return str(exc).splitlines()[0]
    if isinstance(exc, UnicodeDecodeError):
        return t("errors.table_encoding", lang)
    with messages_in(lang):
        return yaml_problem(str(exc).splitlines()[0])


def _check_columns(columns: Any, source: str, key: str, lang: str = "en") -> dict[str, str]:
    if not isinstance(columns, Mapping) or not all(isinstance(k, (str, int)) and isinstance(v, str)
                                                   for k, v in columns.items()):
        raise DataError(t("client.bad_columns", lang, name=key), file=source)
    out = {str(k).strip(): v.strip() for k, v in columns.items()}
    for header, column in out.items():
        if column not in TARGET_COLUMNS and not re.fullmatch(r"[a-z][a-z0-9_]*", column):
            raise DataError(t("client.bad_target", lang, name=f"{key}.{header}", column=column), file=source)
    return out


def profile_from_dict(data: Any, source: str = "profile", lang: str = "en") -> ClientProfile:
    """A :class:`ClientProfile` from the mapping of a profile file; every field is checked."""
    if not isinstance(data, Mapping):
        raise DataError(t("client.not_mapping", lang), file=source)
    unknown = [k for k in data if k not in _PROFILE_KEYS]
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), _PROFILE_KEYS, n=1)
        hint = t("client.did_you_mean", lang, word=close[0]) if close else ""
        raise DataError(t("client.unknown_key", lang, name=unknown[0], keys=", ".join(_PROFILE_KEYS)) + hint,
                        file=source)
    columns = _check_columns(data.get("columns") or {}, source, "columns", lang)
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, (str, int)):
        raise DataError(t("client.bad_value", lang, name="sheet"), file=source)
    header_row = data.get("header_row", 1)
    skip = data.get("skip_rows") or []
    if not isinstance(header_row, int) or header_row < 1:
        raise DataError(t("client.bad_value", lang, name="header_row"), file=source)
    if not isinstance(skip, list) or not all(isinstance(r, int) and r >= 1 for r in skip):
        raise DataError(t("client.bad_value", lang, name="skip_rows"), file=source)
    drop = data.get("drop_blank_rows", False)
    if not isinstance(drop, bool):
        raise DataError(t("client.bad_value", lang, name="drop_blank_rows"), file=source)
    units = data.get("units") or {}
    if not isinstance(units, Mapping):
        raise DataError(t("client.bad_value", lang, name="units"), file=source)
    for column, unit in units.items():
        if unit not in UNITS:
            raise DataError(t("client.bad_unit", lang, name=f"units.{column}", unit=unit,
                              units=", ".join(UNITS)), file=source)
    period_format = data.get("period_format")
    name = data.get("name")
    return ClientProfile(columns=columns, sheet=sheet, header_row=header_row, skip_rows=tuple(skip),
                         drop_blank_rows=drop, units={str(k): str(v) for k, v in units.items()},
                         period_format=None if period_format is None else str(period_format),
                         name=None if name is None else str(name), source=source)


def load_profile(path: str | Path, lang: str = "en") -> ClientProfile:
    """Read a client profile (YAML); raises :class:`~kpilab.errors.DataError` naming the file and key."""
    return profile_from_dict(_read_yaml(path, lang), str(path), lang)


def load_mapping(path: str | Path, lang: str = "en") -> dict[str, str]:
    """Read a column mapping (YAML): ``{header: column}``, or a profile whose ``columns`` are taken."""
    data = _read_yaml(path, lang)
    if isinstance(data, Mapping) and "columns" in data:
        return dict(profile_from_dict(data, str(path), lang).columns)
    return _check_columns(data if data is not None else {}, str(path), "columns", lang)


# --------------------------------------------------------------------------- reading

def list_sheets(path: str | Path) -> list[tuple[str, bool]]:
    """``[(sheet name, visible)]`` of a workbook; ``[]`` for a CSV."""
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [(ws.title, ws.sheet_state == "visible") for ws in wb.worksheets]
    finally:
        wb.close()


def read_headers(path: str | Path, sheet: str | int | None = None, header_row: int = 1) -> list[str]:
    """The header cells of a CSV or a sheet (nothing else is read; the file is not validated)."""
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        try:
            if sheet is None:
                visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
                ws = visible[0] if visible else wb.worksheets[0]
            else:
                ws = wb[wb.sheetnames[sheet]] if isinstance(sheet, int) else wb[sheet]
            for row in ws.iter_rows(min_row=header_row, max_row=header_row, values_only=True):
                return [str(v).strip() for v in row if v is not None and str(v).strip()]
            return []
        finally:
            wb.close()
    frame = pd.read_csv(p, sep=None, engine="python", nrows=0, skiprows=header_row - 1,
                        encoding="utf-8-sig")
    return [str(c).strip() for c in frame.columns]


def load_client_team(path: str | Path, profile: ClientProfile | None = None, *, lang: str = "en",
                     **load_kwargs: Any) -> pd.DataFrame:
    """:func:`load_team` read the way ``profile`` says, with units converted.

    A missing ``rep_id`` or ``period`` column is reported with the option that
    fixes it and the client's header that most likely holds it ("Manager" ->
    ``rep_id``); a blank line or a total row names the command-line option too.
    """
    profile = profile or ClientProfile()
    kwargs = {**profile.load_kwargs(), **load_kwargs}
    try:
        team = load_team(path, **kwargs)
    except DataError as exc:
        raise _explained(exc, path, profile, lang, kwargs) from None
    return profile.apply_units(team)


def _row_kind(exc: DataError, path: str | Path, kwargs: Mapping[str, Any]) -> str | None:
    """``"blank"`` or ``"total"`` when :func:`load_team` refused a blank line or a total row, else None.

    Read from the error's place, not its wording: a row whose rep is a total word ("Total"…) is a total row;
    a row with no column, rep or period is a blank line if reading again with ``drop_blank_rows``
    gets past it (a line that cannot be split is placed the same way, and is not blank).
    """
    if exc.row is None:
        return None
    if exc.column == "rep_id" and str(exc.rep or "").casefold().rstrip(":. ") in _TOTAL_WORDS:
        return "total"
    if exc.column is None and exc.rep is None and exc.period is None and not kwargs.get("drop_blank_rows"):
        try:
            load_team(path, **{**kwargs, "drop_blank_rows": True})
        except DataError as again:
            return "blank" if again.row != exc.row else None
        return "blank"
    return None


def _explained(exc: DataError, path: str | Path, profile: ClientProfile, lang: str,
               kwargs: Mapping[str, Any]) -> DataError:
    """The same error, with the command-line option that fixes it (and the likely column)."""
    message = exc.message
    if exc.column in KEY_COLUMNS and exc.row is None and (exc.kind == "missing_column" or message.startswith("missing")):
        try:
            headers = read_headers(path, profile.sheet, profile.header_row)
        except Exception:  # noqa: BLE001 - the original error is the one to report
            return exc
        mapped = set(profile.columns.values())
        guess = {c: h for h, c in suggest_columns([h for h in headers if h not in profile.columns],
                                                  taken=mapped).items()}
        header = guess.get(exc.column)
        text = t("client.missing_key", lang, column=exc.column, headers=", ".join(headers) or "—")
        if header is not None:
            pairs = "; ".join(f"«{h}: {c}»" for c, h in guess.items())
            text += " " + t("client.missing_key_guess", lang, header=header, column=exc.column, pairs=pairs)
        text += " " + t("client.missing_key_fix", lang, path=str(path))
        return DataError(text, file=exc.file, column=exc.column)
    kind = _row_kind(exc, path, kwargs)
    if kind == "blank":
        return DataError(t("client.blank_row", lang), file=exc.file, row=exc.row)
    if kind == "total":
        return DataError(t("client.total_row", lang, row=exc.row, rep=exc.rep), file=exc.file, row=exc.row,
                         rep=exc.rep, column=exc.column)
    return exc


def propose_profile(path: str | Path, sheet: str | int | None = None, header_row: int = 1,
                    *, max_fixes: int = 20) -> ClientProfile:
    """A profile that reads ``path``: the suggested column mapping, plus the rows to leave out.

    The mapping comes from :func:`suggest_columns`; then the file is read, and
    a blank line inside the table turns on ``drop_blank_rows`` and a total row
    ("Total") is added to ``skip_rows``, until the file reads (or a problem of
    another kind remains, which :func:`load_client_team` will then report).
    Nothing is guessed about cells: a bad number stays an error.
    """
    if sheet is None:
        visible = [name for name, shown in list_sheets(path) if shown]
        sheet = visible[0] if len(visible) == 1 else None
    headers = read_headers(path, sheet, header_row)
    profile = ClientProfile(columns=suggest_columns(headers), sheet=sheet, header_row=header_row)
    for _ in range(max_fixes):
        try:
            load_team(path, **profile.load_kwargs(), empty_metrics_ok=True)
            break
        except DataError as exc:
            kind = _row_kind(exc, path, {**profile.load_kwargs(), "empty_metrics_ok": True})
            if kind == "blank" and not profile.drop_blank_rows:
                profile = dataclasses.replace(profile, drop_blank_rows=True)
            elif kind == "total" and exc.row not in profile.skip_rows:
                profile = dataclasses.replace(profile, skip_rows=(*profile.skip_rows, exc.row))
            else:
                break
    return profile
