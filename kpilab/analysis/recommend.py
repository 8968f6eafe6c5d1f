"""Which plan a comparison recommends: one rule, written once.

The recommended plan passes the most criteria; a tie goes to the plan with
fewer failures (a criterion not assessed is neither), then to the lower
payroll, then to the order the plans were given. It is a starting point for a
conversation, not a decision, and every deliverable (report, slides, CLI)
words it so.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["recommend"]


def recommend(verdict: pd.DataFrame, payroll: Mapping[str, float]) -> str:
    """The plan the summary recommends: the most criteria passed, ties to the lower payroll, then to order.

    Parameters
    ----------
    verdict
        Criteria × plans of status strings (``Comparison.verdict``); an ``overall`` row is ignored.
    payroll
        Plan name -> payroll.

    Examples
    --------
    >>> v = pd.DataFrame({"A": ["pass", "fail"], "B": ["fail", "pass"]}, index=["rho", "inversions"])
    >>> recommend(v, {"A": 20.0, "B": 10.0})
    'B'
    """
    rows = [c for c in verdict.index if c != "overall"]

    def key(item: tuple[int, str]) -> tuple[int, int, float, int]:
        i, name = item
        statuses = verdict.loc[rows, name].astype(str)
        return (-int((statuses == "pass").sum()), int((statuses == "fail").sum()), float(payroll[name]), i)

    return min(enumerate(verdict.columns), key=key)[1]
