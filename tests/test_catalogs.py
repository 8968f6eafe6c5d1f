"""The catalogs: the same keys in every language, the same placeholders, valid plural forms, and
Babel formatting as a Russian or English document prints figures."""

from __future__ import annotations

import pytest

from kpilab.i18n import (CATALOGS, LANGS, catalog, fmt_date, fmt_money, fmt_number, fmt_percent, placeholders,
                         plural_form, t)


def _texts(entry: object) -> list[str]:
    return list(entry.values()) if isinstance(entry, dict) else [str(entry)]


def test_every_language_has_the_same_keys_and_files() -> None:
    files = {lang: sorted(p.name for p in (CATALOGS / lang).glob("*.yaml")) for lang in LANGS}
    assert files["en"] == files["ru"]
    assert set(catalog("en")) == set(catalog("ru"))


def test_placeholders_agree_across_languages() -> None:
    for key, entry in catalog("en").items():
        wanted = set().union(*(placeholders(x) for x in _texts(entry)))
        for lang in LANGS[1:]:
            got = set().union(*(placeholders(x) for x in _texts(catalog(lang)[key])))
            assert got == wanted, (key, lang)


def test_plural_entries_cover_the_languages_forms() -> None:
    needed = {"en": {"one", "other"}, "ru": {"one", "few", "many"}}
    for lang in LANGS:
        for key, entry in catalog(lang).items():
            if isinstance(entry, dict):
                assert needed[lang] <= set(entry), (lang, key)


@pytest.mark.parametrize(("count", "ru", "en"), [
    (1, "1 месяц", "1 month"), (2, "2 месяца", "2 months"), (5, "5 месяцев", "5 months"),
    (11, "11 месяцев", "11 months"), (21, "21 месяц", "21 months"), (1234, "1\u00a0234 месяца", "1,234 months"),
])
def test_real_plural_forms(count: int, ru: str, en: str) -> None:
    assert t("common.months", "ru", count=count) == ru
    assert t("common.months", "en", count=count) == en


def test_plural_rule_is_cldr() -> None:
    assert [plural_form(n, "ru") for n in (1, 2, 5, 11, 22, 100)] == ["one", "few", "many", "many", "few", "many"]


def test_numbers_money_percent_dates() -> None:
    assert fmt_number(1234567.4, "en") == "1,234,567"
    assert fmt_number(1234567.4, "ru") == "1\u00a0234\u00a0567"
    assert fmt_number(0.98, "ru", 2) == "0,98"
    assert fmt_number(-0.0001, "en") == "0"
    assert fmt_money(-2500.5, "ru") == "\u22122\u00a0500\u00a0₽"  # 2500.5 rounds half to even on display
    assert fmt_percent(0.086, "ru", 1) == "8,6\u00a0%"
    assert fmt_percent(0.086, "en", 1) == "8.6%"
    assert fmt_date("2026-12-02", "ru") == "2 декабря 2026\u202fг."
    assert fmt_date("2026-12-02", "en") == "December 2, 2026"


def test_unknown_key_and_language_fail_loudly() -> None:
    with pytest.raises(KeyError, match="no text 'common.nothing'"):
        t("common.nothing", "ru")
    with pytest.raises(ValueError, match="'de'"):
        t("common.pass", "de")
    with pytest.raises(KeyError, match="count="):
        t("common.months", "ru")
