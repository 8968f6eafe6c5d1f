"""A team table uploaded in the page, read by the same loader as the CLI (:func:`kpilab.load_team`).

The browser hands the kernel the file's bytes. They are read through
``load_team`` from a private temporary file in a memory-backed folder
(``/dev/shm`` where the system has one), removed as soon as it is read: the
client's data is never left on disk, and every check of the loader applies
(hidden sheets, total rows, numbers stored as text). An optional mapping file
is a saved client profile (:mod:`kpilab.data.profiles`: ``columns``, ``sheet``,
``skip_rows``, ``drop_blank_rows``, ``header_row``, ``period_format``, ``units``),
the same file the CLI's ``--profile`` reads, or a bare ``{header: column}``
mapping (the CLI's ``--map``).

Errors are said in the page's language by the CLI's own path: the loader
runs inside :func:`kpilab.i18n.messages.messages_in`, so every message that
comes from the catalogs (``errors.yaml``, ``client.yaml``) is already in that
language. A message the loader still words in code (not yet in a catalog) is
never shown half-translated: the page names the place (row, rep, period,
column, in its language) and says plainly what to check
(:func:`describe_error`).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import yaml

from ..data.profiles import _PROFILE_KEYS, ClientProfile, profile_from_dict
from ..data.team import load_team
from ..errors import DataError, KpilabError
from ..i18n import has_label, t
from ..i18n.messages import messages_in
from .specs import name_of, words

__all__ = ["read_mapping", "read_upload", "describe_error", "in_language", "UploadError"]

_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")


class UploadError(KpilabError):
    """An upload that cannot be used, with the sentence to show (already in the page's language)."""


def read_mapping(content: bytes, name: str, lang: str) -> ClientProfile:
    """A client profile (or a bare column mapping) from an uploaded YAML, checked as the CLI checks it."""
    try:
        data = yaml.safe_load(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UploadError(words("mapping_error", lang, file=name, message=words("mapping_not_text", lang))) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (t("errors.yaml_where", lang, line=mark.line + 1, column=mark.column + 1) if mark is not None
                 else "")
        message = words("mapping_not_yaml", lang, place=where) if where else words("mapping_not_yaml_anywhere", lang)
        raise UploadError(words("mapping_error", lang, file=name, message=message)) from None
    if isinstance(data, Mapping) and "columns" not in data:
        data = {"columns": data}  # a bare mapping, {header: column}, as the CLI's --map takes it
    try:
        with messages_in(lang):
            return profile_from_dict(data, name, lang)
    except DataError as exc:
        raise UploadError(words("mapping_error", lang, file=name, message=describe_error(exc, lang))) from None


def _memory_dir() -> str | None:
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def read_upload(content: bytes, name: str, profile: ClientProfile | None, lang: str) -> pd.DataFrame:
    """The uploaded table, read by :func:`kpilab.load_team` the way ``profile`` says (its units applied).

    Raises
    ------
    UploadError
        With a sentence in ``lang`` naming the file and the place of the problem.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in _SUFFIXES:
        raise UploadError(words("upload_error", lang, file=name, message=words("upload_type", lang, suffix=suffix)))
    with tempfile.TemporaryDirectory(prefix="kpilab-upload-", dir=_memory_dir()) as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            profile = profile or ClientProfile()
            with messages_in(lang):
                team = profile.apply_units(load_team(path, **profile.load_kwargs()))
        except DataError as exc:
            raise UploadError(words("upload_error", lang, file=name, message=describe_error(exc, lang))) from None
        except (TypeError, ValueError, OSError):
            raise UploadError(words("upload_error", lang, file=name, message=_unreadable(lang))) \
                from None
    team.attrs["source"] = name
    return team


def describe_error(exc: DataError, lang: str) -> str:
    """A data error's place in ``lang`` (row, rep, period, column) and its message, without the temporary path.

    The message is the catalog's, in ``lang`` (the error was raised inside
    :func:`~kpilab.i18n.messages.messages_in`). One still worded in code
    (:func:`in_language` says no) is replaced by what to check at that place.
    """
    places = []
    for field, key in (("row", "place_row"), ("rep", "place_rep"), ("period", "place_period"),
                       ("column", "place_column")):
        value = getattr(exc, field, None)
        if value is not None:
            if field == "column":
                value = ", ".join(_column_name(c.strip(), lang) for c in str(value).split(","))
            places.append(words(key, lang, **{field: value}))
    message = str(getattr(exc, "message", exc))
    if not in_language(message, lang):
        if exc.row is not None:
            message = words("check_cell" if exc.column is not None else "check_row", lang)
        else:
            message = words("check_column", lang) if exc.column is not None else _unreadable(lang)
    return words("upload_place", lang, place=", ".join(places), message=message) if places else message


def _column_name(column: str, lang: str) -> str:
    """A column as the page names it: a known metric in ``lang`` (lower case), else the file's own header."""
    if column == "rep_id":
        return words("column_rep_id", lang)
    return name_of(column, lang).lower() if has_label(column) else column


def _unreadable(lang: str) -> str:
    from ..data.team import MAX_FILE_BYTES, MAX_ROWS
    from ..i18n import fmt_number

    return words("upload_unreadable", lang, rows=fmt_number(MAX_ROWS, lang),
                 mb=fmt_number(MAX_FILE_BYTES / 2**20, lang))


#: Quoted text (a cell, a header, a file name): the user's own words, in any language.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\u00ab[^\u00bb]*\u00bb|\u201c[^\u201d]*\u201d|\S+\.(?:csv|xlsx|xlsm|tsv|txt|ya?ml)\b")


def in_language(message: str, lang: str) -> bool:
    """True when ``message`` reads in ``lang``: for Russian, no Latin word outside quotes, file names and
    the profile file's own keys (``sheet``, ``columns``...) and column names."""
    if lang == "en":
        return True
    rest = _QUOTED.sub(" ", message)
    allowed = set(_PROFILE_KEYS)
    for word in re.findall(r"[A-Za-z][A-Za-z_]*", rest):
        if word not in allowed and "_" not in word and not has_label(word):
            return False
    return True
