"""Errors that say where the problem is.

Every error kpilab raises for bad input is a :class:`KpilabError`. The CLI turns
one into a single line on standard error and exit status 2.

- :class:`PlanError` names the key path inside a plan, e.g.
  ``components[2].tiers[1].from``, and the file when the plan came from one.
- :class:`DataError` names the file, row, rep, period and column of a team table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = ["KpilabError", "PlanError", "DataError", "printable", "mixed_script"]

# C0 and C1 control characters, DEL, and the invisible characters that reorder or hide text
# (bidirectional overrides and isolates, zero-width joiners): a terminal would act on them.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def printable(text: object, keep: str = "") -> str:
    r"""``text`` with every control character shown as an escape (``\x1b``), never sent raw.

    An ESC sequence in a rep id or a plan name would otherwise recolour the
    terminal, retitle the window or hide the rest of a message (issue 10,
    item 12). ``keep`` lists characters to let through (``"\n\t"`` for a
    multi-line listing).

    >>> printable("R01\x1b[31m")
    'R01\\x1b[31m'
    """
    def escape(match: re.Match[str]) -> str:
        ch = match.group()
        if ch in keep:
            return ch
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(escape, str(text))


# Letters that look alike in Latin and Cyrillic (the usual suspects of a header typed on a Russian keyboard).
# Written as code points so that no Russian letter sits in code: small a e o r s u h k m t v n, their capitals, and i j s of Ukrainian and Macedonian.
_LOOKALIKE_CODES = (0x430, 0x435, 0x43E, 0x440, 0x441, 0x443, 0x445, 0x43A, 0x43C, 0x442, 0x432, 0x43D,
                    0x410, 0x415, 0x41E, 0x420, 0x421, 0x423, 0x425, 0x41A, 0x41C, 0x422, 0x412, 0x41D,
                    0x456, 0x458, 0x455, 0x406, 0x408, 0x405)
_CYRILLIC_TO_LATIN = str.maketrans("".join(map(chr, _LOOKALIKE_CODES)), "aeopcyxkmtbhAEOPCYXKMTBHijsIJS")


def mixed_script(name: str) -> tuple[str, str, int] | None:
    """For a word that mixes Latin and Cyrillic letters: ``(latin_spelling, first_cyrillic_letter,
    position)`` (1-based), else None: "revenue" typed with a Cyrillic "e" (U+0435) second gives
    ``("revenue", "\\u0435", 2)``.

    Such a word looks right and matches nothing: a metric so typed is "missing" beside a real
    ``revenue``. All-Cyrillic names are fine.
    """
    if not isinstance(name, str):
        return None
    scripts = {unicodedata.name(ch, "").split(" ")[0] for ch in name if ch.isalpha()}
    if not {"LATIN", "CYRILLIC"} <= scripts:
        return None
    for i, ch in enumerate(name):
        if ch.isalpha() and unicodedata.name(ch, "").startswith("CYRILLIC"):
            return name.translate(_CYRILLIC_TO_LATIN), ch, i + 1
    return None  # pragma: no cover - a Cyrillic letter was seen above


def _msg(key: str, **fields: object) -> str:
    # imported here: the catalogs import nothing of kpilab's errors, but errors must load first
    from .i18n.messages import msg

    return msg(key, **fields)


class KpilabError(ValueError):
    """Base class for every input error kpilab reports to a user."""


class PlanError(KpilabError):
    """A plan (or scheme) that breaks the plan-format contract.

    Parameters
    ----------
    problems
        One or more ``(path, message)`` pairs; ``path`` is the key path such as
        ``components[0].curve.points[1]`` ('' for the plan as a whole).
    source
        The file the plan came from, if any.
    """

    def __init__(self, problems: Sequence[tuple[str, str]] | str, message: str | None = None,
                 source: str | None = None) -> None:
        if isinstance(problems, str):
            problems = [(problems, message or "")]
        self.problems: list[tuple[str, str]] = list(problems)
        self.source = source
        super().__init__(self._render())

    @property
    def path(self) -> str:
        """Key path of the first problem."""
        return self.problems[0][0]

    def _render(self) -> str:
        lines = [printable(f"{p}: {m}" if p else m) for p, m in self.problems]
        prefix = f"{printable(self.source)}: " if self.source else ""
        if len(lines) == 1:
            return prefix + lines[0]
        return prefix + _msg("errors.plan_problems", count=len(lines)) + "\n" + "\n".join("  " + ln for ln in lines)

    def with_source(self, source: str) -> "PlanError":
        """The same problems, attributed to ``source`` (a file name)."""
        return PlanError(self.problems, source=source)


class DataError(KpilabError):
    """A performance table that breaks section 1 of the contract.

    Attributes name the place: ``file``, ``row`` (1-based data row as a person
    counts it in the file: the header is row 1, so the first data row is row 2
    in a spreadsheet; see ``row_label``), ``rep``, ``period``, ``column``.
    """

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 rep: object = None, period: object = None, column: str | None = None,
                 scenario: object = None, kind: str | None = None) -> None:
        self.message = message
        #: What went wrong, for code that reacts to it whatever the language (``"missing_column"``).
        self.kind = kind
        self.file = file
        self.row = row
        self.rep = rep
        self.period = period
        self.column = column
        self.scenario = scenario
        super().__init__(self._render())

    def _render(self) -> str:
        where = [_msg(f"errors.at_{part}", value=value) for part, value in (
            ("file", self.file or None), ("row", self.row), ("scenario", self.scenario), ("rep", self.rep),
            ("period", self.period), ("column", self.column)) if value is not None]
        # user text (a rep id, a header, a cell) may hold terminal escapes: never render them raw
        return printable((", ".join(where) + ": " if where else "") + self.message)
