"""Every word a person reads, in English and Russian: one catalog per language, looked up by key.

The words are data in ``catalogs/<lang>/<area>.yaml`` (``labels.yaml`` holds the
bare metric, pay, axis and title labels; every other file's keys start with its
area: ``common.pass``, ``lint.findings``). A module never spells a word itself:
it asks :func:`t` (sentences, messages) or :func:`label` (chart and table
labels) for a key and a language, and formats figures with :mod:`kpilab.i18n.format`.

>>> label("revenue", "ru")
'Выручка'
>>> t("common.months", "ru", count=5)
'5 месяцев'
>>> t("common.months", "en", count=1)
'1 month'

A value may be a plural mapping (``one``/``few``/``many``/``other``), chosen by
``count`` with the language's CLDR rule (Babel). An unknown *language* is an
error, because a silently English slide in a Russian deck is worse than a
message; a label key without an entry (a component a consultant named
``quarterly_kicker``) comes back humanised, so a plan with new names still draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any

import yaml

from .format import (CURRENCY_SYMBOLS, LANGS, check_lang, currency_symbol, fmt_date, fmt_money, fmt_number,
                     fmt_percent, plural_form)

__all__ = ["LANGS", "LABELS", "CURRENCY_SYMBOLS", "t", "has_text", "catalog", "label", "has_label",
           "check_lang", "plural_form", "fmt_number", "fmt_money", "fmt_percent", "fmt_date", "currency_symbol",
           "format_number", "format_money", "placeholders", "client_words"]

CATALOGS = Path(__file__).with_name("catalogs")
_PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})

Entry = str | Mapping[str, str]


def _read_area(path: Path) -> dict[str, Entry]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise RuntimeError(f"{path}: a catalog is a mapping of key -> text")
    area = path.stem
    for key, value in data.items():
        if not isinstance(key, str):
            raise RuntimeError(f"{path}: key {key!r} is not text (quote it)")
        if area != "labels" and not key.startswith(area + "."):
            raise RuntimeError(f"{path}: key {key!r} must start with {area + '.'!r}")
        if area == "labels" and "." in key:
            raise RuntimeError(f"{path}: label key {key!r} must not contain a dot")
        if isinstance(value, dict):
            if not value or set(value) - _PLURAL_FORMS or "other" not in value:
                raise RuntimeError(f"{path}: {key!r} plural forms must include 'other' and be among "
                                   f"{sorted(_PLURAL_FORMS)}")
        elif not isinstance(value, str) or not value.strip():
            raise RuntimeError(f"{path}: {key!r} must be non-empty text or a plural mapping")
    return data


@lru_cache(maxsize=None)
def catalog(lang: str) -> Mapping[str, Entry]:
    """Every key of ``lang``: all ``catalogs/<lang>/*.yaml`` merged (a key defined twice is an error)."""
    check_lang(lang)
    merged: dict[str, Entry] = {}
    for path in sorted((CATALOGS / lang).glob("*.yaml")):
        for key, value in _read_area(path).items():
            if key in merged:
                raise RuntimeError(f"{path}: key {key!r} is defined twice in the {lang} catalog")
            merged[key] = value
    return merged


def has_text(key: str, lang: str = "en") -> bool:
    """Whether ``key`` is in the ``lang`` catalog."""
    return key in catalog(lang)


def _choose(entry: Entry, lang: str, count: float | None, key: str) -> str:
    if isinstance(entry, str):
        return entry
    if count is None:
        raise KeyError(f"text {key!r} has plural forms: pass count=")
    return entry.get(plural_form(count, lang), entry["other"])


def t(key: str, lang: str = "en", *, count: float | None = None, **fields: Any) -> str:
    """The text of ``key`` in ``lang`` with ``{fields}`` filled in.

    Parameters
    ----------
    key
        A catalog key (``"common.pass"``, ``"lint.findings"``, or a bare label key).
    lang
        One of :data:`LANGS`.
    count
        Chooses the plural form of a plural entry; ``{count}`` in its text is the number formatted
        for ``lang``.
    **fields
        Values for the text's ``{placeholders}``; format numbers with :func:`fmt_number` and friends first.

    Raises
    ------
    ValueError
        For an unknown language.
    KeyError
        For a key no catalog holds (a programming error, never a user's).
    """
    entries = catalog(lang)
    try:
        entry = entries[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in the {lang} catalog") from None
    text = _choose(entry, lang, count, key)
    if count is not None:
        fields.setdefault("count", fmt_number(count, lang, 0 if float(count).is_integer() else 1))
    return text.format(**fields) if fields else text


@lru_cache(maxsize=None)
def client_words() -> Mapping[str, Any]:
    """The words clients write in their exports (``client_words.yaml``), in every language at once.

    ``columns`` maps a contract column to the header words that name it,
    ``plan_prefixes`` the words that start a plan column's header,
    ``total_rows`` the rep cells of a total row and ``letter_folds`` the letters
    compared as one. A client's file can mix languages, so this is one list,
    not one catalog per language.

    >>> "total" in client_words()["total_rows"], "rep" in client_words()["columns"]["rep_id"]
    (True, True)
    """
    with open(Path(__file__).with_name("client_words.yaml"), encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {"columns": {str(k): tuple(str(w) for w in v) for k, v in data["columns"].items()},
            "plan_prefixes": tuple(str(w) for w in data["plan_prefixes"]),
            "total_rows": frozenset(str(w) for w in data["total_rows"]),
            "letter_folds": tuple((str(a), str(b)) for a, b in data["letter_folds"])}


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a template text asks for."""
    return {name for _, name, _, _ in Formatter().parse(text) if name}


@lru_cache(maxsize=None)
def _labels() -> dict[str, dict[str, str]]:
    by_lang = {lang: _read_area(CATALOGS / lang / "labels.yaml") for lang in LANGS}
    keys = set(by_lang[LANGS[0]])
    for lang, entries in by_lang.items():
        if set(entries) != keys:
            raise RuntimeError(f"labels.yaml of {lang!r} has other keys than {LANGS[0]!r}")
    return {key: {lang: str(by_lang[lang][key]) for lang in LANGS} for key in by_lang[LANGS[0]]}


#: Every label: ``LABELS[key][lang]`` (read-only view of the ``labels.yaml`` catalogs).
LABELS: Mapping[str, Mapping[str, str]] = _labels()


def has_label(key: str) -> bool:
    """Whether ``key`` has its own label (rather than the humanised fallback)."""
    return key in LABELS


def label(key: str, lang: str = "en", **fields: object) -> str:
    """The label of ``key`` in ``lang``; a key without an entry comes back humanised.

    >>> label("quarterly_kicker", "ru")
    'quarterly kicker'
    >>> label("waterfall", "ru", rep="R07", period="2026-03")
    'Расчёт выплаты: R07, 2026-03'
    """
    check_lang(lang)
    entry = LABELS.get(str(key))
    text = entry[lang] if entry is not None else str(key).replace("_", " ")
    return text.format(**fields) if fields else text


#: Older names of the formatters, kept because notebooks and user code call them.
format_number = fmt_number
format_money = fmt_money
