"""Data in: a client's team table, synthetic teams and the bundled datasets.

``team``      :func:`load_team` / :func:`validate_team`, the one table validator
``read``      a table's file into a raw frame: CSV/XLSX, encodings, the sheet meant, hidden rows, limits
``numbers``   the number rule for cells (:func:`~kpilab.data.numbers.parse_number`)
``columns``   what each column is: keys, text, metrics, overrides, total-row words
``synth``     :func:`make_team` / :func:`make_scenarios`, archetypes with explicit randomness
``datasets``  the bundled sample team and example plans

Nothing here depends on a plan's evaluation: data flows into the engine, never back.
"""

from __future__ import annotations

from .synth import ARCHETYPES, make_scenarios, make_team
from .team import load_team, validate_team

__all__ = ["load_team", "validate_team", "make_team", "make_scenarios", "ARCHETYPES"]
