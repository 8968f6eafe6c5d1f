"""Verdict and lint sentences: catalog look-ups with figures formatted for the language.

The words live in ``kpilab/i18n/catalogs/<lang>/verdict.yaml`` (keys
``verdict.<criterion>.<outcome>``) and ``lint.yaml`` (``lint.<kind>``); the
numbers come from the analysis and are formatted here with Babel
(:mod:`kpilab.i18n.format`), so a Russian sentence reads «0,98», «8,6 %».
"""

from __future__ import annotations

import math
from typing import Any

from ..engine.explain import metric_words
from ..i18n import fmt_money, fmt_number, fmt_percent, has_label, label, t
from ._common import check_lang

__all__ = ["sentence", "lint_sentence", "fmt", "money", "ROBUSTNESS"]

#: Robustness words, strongest first (keys of ``verdict.<word>``).
ROBUSTNESS: tuple[str, ...] = ("robust", "borderline", "fails")


def fmt(value: Any, kind: str = "num", lang: str = "en") -> str:
    """A figure for a sentence: ratios with 2 decimals, percents (1 decimal), counts, ∞, ranges."""
    if value is None:
        return "—"
    if isinstance(value, tuple):
        return "–".join(fmt(v, kind, lang) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return fmt_number(value, lang, 0)
    v = float(value)
    if math.isnan(v):
        return "—"
    if math.isinf(v):
        return "∞"
    if kind == "pct":  # a round percent without its ",0": "20 %", but "38,9 %"
        return fmt_percent(v, lang, 0 if abs(v * 100 - round(v * 100)) < 1e-9 else 1)
    if kind == "int":
        return fmt_number(v, lang, 0)
    return fmt_number(v, lang, 2)


def money(value: float, lang: str = "en") -> str:
    """Roubles as a document prints them («1 234 567 ₽»)."""
    return fmt_money(value, lang)


def _metric_words(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """Metric names in the sentence's language (the label, not the column name) where the catalog knows them."""
    out = dict(values)
    # "label": the name as the tables print it, which the sentence quotes ("Revenue", "CRM quality");
    # anything else: the lower-cased word for running text ("revenue", "CRM quality")
    as_label = t("verdict.metric_form", lang) == "label"
    for key in ("measure", "metric", "other"):
        name = out.get(key)
        if isinstance(name, str) and has_label(name):
            out[key] = label(name, lang) if as_label else metric_words(name, lang)
    return out


def sentence(criterion: str, outcome: str, lang: str = "en", **values: Any) -> str:
    """The verdict sentence for ``(criterion, outcome)`` in ``lang`` with ``values`` filled in."""
    check_lang(lang)
    return t(f"verdict.{criterion}.{outcome}", lang, **_metric_words(values, lang))


def lint_sentence(kind: str, lang: str = "en", count: float | None = None, **values: Any) -> str:
    """The lint finding sentence for ``kind`` in ``lang``."""
    check_lang(lang)
    return t(f"lint.{kind}", lang, count=count, **_metric_words(values, lang))
