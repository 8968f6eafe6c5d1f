"""What each column of a team table is: keys, text, metrics, per-rep overrides, and total-row words.

Shared by the file readers (:mod:`kpilab.data.read`, which keeps text and money columns as
written) and the validator (:mod:`kpilab.data.team`, which checks each kind of column).
"""

from __future__ import annotations

from functools import lru_cache

from ..metrics import INPUT_METRICS

__all__ = ["KEY_COLUMNS", "TEXT_COLUMNS", "KNOWN_METRICS", "OVERRIDE_COLUMNS", "total_words"]

#: Columns every table must have.
KEY_COLUMNS: tuple[str, ...] = ("rep_id", "period")
#: Columns kept as text.
TEXT_COLUMNS: tuple[str, ...] = ("rep_id", "period", "role", "team", "archetype")
#: Metric names kpilab knows: always validated as numbers when present.
KNOWN_METRICS: tuple[str, ...] = INPUT_METRICS  # the registry in kpilab.metrics
#: Non-``plan_`` columns where an empty cell means "use the plan's value".
OVERRIDE_COLUMNS: tuple[str, ...] = ("base", "target_bonus")


@lru_cache(maxsize=1)
def total_words() -> frozenset[str]:
    """What the rep cell of a total row reads (``total``, ``grand total``... in every language at once,
    as a client's file mixes them): ``total_rows`` of ``kpilab/i18n/client_words.yaml``, read once."""
    from ..i18n import client_words

    return frozenset(word.strip().casefold() for word in client_words()["total_rows"] if word.strip())


def _whole_units(name: str) -> bool:
    """A column of money or counts (``revenue``, ``calls``, ``plan_deals``, ``base``): never three decimals."""
    from ..metrics import unit

    metric = name[5:] if name.startswith("plan_") else name
    return name in OVERRIDE_COLUMNS or unit(metric) in ("money", "count")


def _is_numeric_column(name: str, required: set[str]) -> bool:
    return (name in required or name in KNOWN_METRICS or name in OVERRIDE_COLUMNS
            or name.startswith("plan_"))

