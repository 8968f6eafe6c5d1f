"""Errors that say where the problem is.

Every error kpilab raises for bad input is a :class:`KpilabError`. The CLI turns
one into a single line on standard error and exit status 2.

- :class:`PlanError` names the key path inside a plan, e.g.
  ``components[2].tiers[1].from``, and the file when the plan came from one.
- :class:`DataError` names the file, row, rep, period and column of a team table.
"""

from __future__ import annotations

from collections.abc import Sequence


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
        lines = [f"{p}: {m}" if p else m for p, m in self.problems]
        prefix = f"{self.source}: " if self.source else ""
        if len(lines) == 1:
            return prefix + lines[0]
        return prefix + f"{len(lines)} problems in plan:\n" + "\n".join("  " + ln for ln in lines)

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
                 scenario: object = None) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.rep = rep
        self.period = period
        self.column = column
        self.scenario = scenario
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file:
            where.append(f"file {self.file}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.scenario is not None:
            where.append(f"scenario {self.scenario}")
        if self.rep is not None:
            where.append(f"rep {self.rep}")
        if self.period is not None:
            where.append(f"period {self.period}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return (", ".join(where) + ": " if where else "") + self.message
