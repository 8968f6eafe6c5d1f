"""Labels: every key in both languages, the agreed Russian words, and loud failure on an unknown language."""

from __future__ import annotations

import pytest

from kpilab.i18n import LABELS, LANGS, format_money, format_number, has_label, label


def test_languages_are_english_and_russian() -> None:
    assert LANGS == ("en", "ru")


@pytest.mark.parametrize(("key", "ru"), [
    ("calls", "Звонки"), ("revenue", "Выручка"), ("total", "Итого к выплате"), ("variable", "Переменная часть"),
    ("base", "Оклад"), ("attainment", "Выполнение плана"),
    ("star", "Звезда"), ("hard_worker", "Трудяга"), ("minimum_doer", "Минимальщик"),
    ("phone_specialist", "Телефонист"), ("paperwork_specialist", "Документалист"),
    ("account_manager", "Аккаунт-менеджер"), ("laggard", "Отстающий"), ("newcomer", "Новичок"),
])
def test_agreed_russian_words(key: str, ru: str) -> None:
    assert label(key, "ru") == ru
    assert label(key) == label(key, "en") != ru


def test_every_label_has_every_language_and_no_empty_text() -> None:
    for key, texts in LABELS.items():
        assert set(texts) == set(LANGS), key
        assert all(text.strip() for text in texts.values()), key


def test_unknown_language_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"'de'.*'en', 'ru'"):
        label("revenue", "de")


def test_unknown_key_is_humanised_not_an_error() -> None:
    assert not has_label("quarterly_kicker")
    assert label("quarterly_kicker", "ru") == "quarterly kicker"


def test_placeholders_are_filled() -> None:
    assert label("waterfall", "ru", rep="R07", period="2026-03") == "Расчёт выплаты: R07, 2026-03"


def test_money_uses_the_languages_separators() -> None:
    assert format_money(1234567.4, "en") == "1,234,567\u00a0₽"
    assert format_money(-1234567.6, "ru") == "−1\u00a0234\u00a0568\u00a0₽"
    assert format_number(0.5, "ru", 2) == "0,50"
    assert format_number(-0.0001) == "0"  # no "−0" on a slide
    assert format_money(10, "en", currency=None) == "10"
