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
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import yaml

from ..data.profiles import ClientProfile, profile_from_dict
from ..data.team import load_team
from ..errors import DataError, KpilabError
from .specs import words

__all__ = ["read_mapping", "read_upload", "describe_error", "UploadError"]

_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")


class UploadError(KpilabError):
    """An upload that cannot be used, with the sentence to show (already in the page's language)."""


def read_mapping(content: bytes, name: str, lang: str) -> ClientProfile:
    """A client profile (or a bare column mapping) from an uploaded YAML, checked as the CLI checks it."""
    try:
        data = yaml.safe_load(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UploadError(words("mapping_error", lang, file=name, message=str(exc).splitlines()[0])) from None
    if isinstance(data, Mapping) and "columns" not in data:
        data = {"columns": data}  # a bare mapping, {header: column}, as the CLI's --map takes it
    try:
        return profile_from_dict(data, name, lang)
    except DataError as exc:
        raise UploadError(words("mapping_error", lang, file=name, message=exc.message)) from None


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
            team = profile.apply_units(load_team(path, **profile.load_kwargs()))
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
