"""A team table uploaded in the page, read by the same loader as the CLI (:func:`kpilab.load_team`).

The browser hands the kernel the file's bytes. They are read through
``load_team`` from a private temporary file in a memory-backed folder
(``/dev/shm`` where the system has one), removed as soon as it is read: the
client's data is never left on disk, and every check of the loader applies
(hidden sheets, total rows, numbers stored as text). An optional mapping file
gives ``load_team``'s options in YAML (``columns``, ``sheet``, ``skip_rows``,
``drop_blank_rows``, ``header_row``, ``period_format``), the shape of a saved
client profile.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..data.team import load_team
from ..errors import DataError, KpilabError
from .specs import words

__all__ = ["read_mapping", "read_upload", "describe_error", "MAPPING_KEYS"]

#: The options of :func:`kpilab.load_team` a mapping file may give.
MAPPING_KEYS = ("columns", "sheet", "skip_rows", "drop_blank_rows", "header_row", "period_format")

_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")


class UploadError(KpilabError):
    """An upload that cannot be used, with the sentence to show (already in the page's language)."""


def read_mapping(content: bytes, name: str, lang: str) -> dict[str, Any]:
    """``load_team`` options from a mapping YAML; a profile's extra keys (a name, notes) are ignored."""
    try:
        data = yaml.safe_load(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UploadError(words("mapping_error", lang, file=name, message=str(exc).splitlines()[0])) from None
    if isinstance(data, Mapping) and "load" in data and isinstance(data["load"], Mapping):
        data = data["load"]  # a client profile that nests the loader's options
    if not isinstance(data, Mapping) or not isinstance(data.get("columns", {}), Mapping):
        raise UploadError(words("mapping_error", lang, file=name, message=words("mapping_shape", lang)))
    options = {k: data[k] for k in MAPPING_KEYS if k in data}
    if "columns" in options:
        options["columns"] = {str(k): str(v) for k, v in options["columns"].items()}
    if "skip_rows" in options:
        options["skip_rows"] = [int(r) for r in options["skip_rows"]]
    return options


def _memory_dir() -> str | None:
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def read_upload(content: bytes, name: str, options: Mapping[str, Any], lang: str) -> pd.DataFrame:
    """The uploaded table, validated by :func:`kpilab.load_team` with ``options``.

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
            team = load_team(path, **dict(options))
        except DataError as exc:
            raise UploadError(words("upload_error", lang, file=name, message=describe_error(exc, lang))) from None
        except (TypeError, ValueError) as exc:
            raise UploadError(words("upload_error", lang, file=name, message=str(exc))) from None
    team.attrs["source"] = name
    return team


def describe_error(exc: DataError, lang: str) -> str:
    """A data error's place in ``lang`` (row, rep, period, column) and its message, without the temporary path."""
    places = []
    for field, key in (("row", "place_row"), ("rep", "place_rep"), ("period", "place_period"),
                       ("column", "place_column")):
        value = getattr(exc, field, None)
        if value is not None:
            places.append(words(key, lang, **{field: value}))
    message = str(getattr(exc, "message", exc))
    return words("upload_place", lang, place=", ".join(places), message=message) if places else message
