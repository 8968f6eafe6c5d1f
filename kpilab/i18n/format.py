"""Numbers, money, percentages and dates as people of each language write them (Babel, CLDR data).

One place formats every figure a person reads, so a table and a sentence of the
same report never disagree ("0,98" in one, "0.98" in the other):

>>> fmt_number(1234567.4, "en")
'1,234,567'
>>> fmt_number(0.5, "ru", 2)
'0,50'
>>> fmt_money(-1234567.6, "ru") == "\\u22121\\u00a0234\\u00a0568\\u00a0₽"
True
>>> fmt_percent(0.125, "ru", 1) == "12,5\\u00a0%"
True
>>> fmt_percent(0.125, "en", 1)
'12.5%'

The minus is the typographic ``−`` (U+2212), as on a printed slide, and a value
that rounds to zero prints without a sign.
"""

from __future__ import annotations

import datetime as _dt
import math
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal

__all__ = ["LANGS", "check_lang", "plural_form", "fmt_number", "fmt_money", "fmt_percent", "fmt_date",
           "currency_symbol", "CURRENCY_SYMBOLS"]

#: Supported languages, in the order a language picker shows them.
LANGS: tuple[str, ...] = ("en", "ru")

#: Currency code -> the sign printed after amounts.
CURRENCY_SYMBOLS: dict[str, str] = {"RUB": "₽", "USD": "$", "EUR": "€", "KZT": "₸"}

_MINUS = "\u2212"


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is supported.

    Raises
    ------
    ValueError
        Naming the supported languages.
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(repr(x) for x in LANGS)}")
    return lang


@lru_cache(maxsize=None)
def _locale(lang: str) -> Locale:
    return Locale.parse(check_lang(lang))


def plural_form(count: float, lang: str) -> str:
    """CLDR plural category of ``count`` in ``lang``: ``one``, ``few``, ``many`` or ``other``.

    >>> [plural_form(n, "ru") for n in (1, 3, 5, 21)]
    ['one', 'few', 'many', 'one']
    """
    return _locale(lang).plural_form(abs(count))


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def fmt_number(value: float, lang: str = "en", decimals: int = 0) -> str:
    """A number with the language's group and decimal signs: ``120,000`` / ``120 000``, ``0,98``."""
    check_lang(lang)
    value = float(value)
    if not math.isfinite(value):
        return "∞" if value > 0 else (f"{_MINUS}∞" if value < 0 else "—")
    if round(value, decimals) == 0:
        value = 0.0
    text = format_decimal(abs(value), format=_pattern(decimals), locale=_locale(lang))
    return f"{_MINUS}{text}" if value < 0 else text


def currency_symbol(currency: str | None) -> str:
    """``"RUB"`` -> ``"₽"``; an unknown code is printed as is."""
    if not currency:
        return ""
    return CURRENCY_SYMBOLS.get(str(currency).upper(), str(currency))


def fmt_money(value: float, lang: str = "en", currency: str | None = "RUB", decimals: int = 0) -> str:
    """An amount with separators and the currency sign after it: ``120,000 ₽`` / ``120 000 ₽``."""
    symbol = currency_symbol(currency)
    number = fmt_number(value, lang, decimals)
    return f"{number}\u00a0{symbol}" if symbol else number


def fmt_percent(share: float, lang: str = "en", decimals: int = 0) -> str:
    """A share (0.125) as a percentage the language's way: ``12.5%`` / ``12,5 %``."""
    check_lang(lang)
    number = fmt_number(float(share) * 100.0, lang, decimals)
    # CLDR: Russian separates the sign with a no-break space, English does not
    pattern = _locale(lang).percent_formats[None].pattern
    return f"{number}\u00a0%" if "\u00a0%" in pattern else f"{number}%"


def fmt_date(value: _dt.date | str, lang: str = "en", form: str = "long") -> str:
    """A date as a document prints it: ``2 December 2026`` / ``2 декабря 2026 г.``."""
    date = _dt.date.fromisoformat(value) if isinstance(value, str) else value
    return _babel_date(date, format=form, locale=_locale(lang))
