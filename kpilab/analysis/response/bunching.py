"""Predicted bunching: where a plan piles attainment just above its thresholds, and the rubles at stake.

Counted over every rep, pay period and simulated year (realised attainment:
deals are timed as the year unfolds, so bunching is in what happens), and
reported as shares of those.

A threshold is an attainment at which a plan's pay jumps or starts: a step of
a bonus curve, the first point of a curve that pays nothing below it, a gate
``attainment_at_least``, the start of an attainment tier. Reps near one time
deals across it, pad activity to clear it or give up below it
(:func:`~.predict.best_response`, :func:`~.predict.best_timing`); the
histogram of expected attainment per pay period, as now and as predicted,
shows the result: mass moving from just below each threshold to just above it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...plan import Plan, Scheme

__all__ = ["Bunching", "thresholds", "bunching"]

#: The width of the band "just above" and "just below" a threshold, in attainment.
BAND = 0.10


def thresholds(plan: Plan | Scheme, metric: str = "revenue") -> list[float]:
    """The attainments of ``metric`` at which ``plan``'s pay jumps or starts, ascending, without repeats."""
    found: list[float] = []
    for p in plan.plans().values():
        for c in p.components:
            found += c.attainment_jumps(metric)
        for gate in p.gates:
            stack = [gate.when]
            while stack:
                cond = stack.pop()
                if hasattr(cond, "conditions"):
                    stack.extend(cond.conditions)
                elif cond.metric == metric and cond.op == "attainment_at_least" and cond.threshold > 0:
                    found.append(cond.threshold)
        for mod in p.modifiers:
            if mod.metric == metric and mod.basis == "attainment":
                found += mod.curve.jumps()
    return sorted({round(float(x), 6) for x in found})


@dataclass(frozen=True, eq=False)
class Bunching:
    """The histogram of expected attainment per pay period and what moves around each threshold.

    Attributes
    ----------
    histogram
        One row per bin of attainment (``low``, ``high``): ``baseline`` and
        ``predicted`` shares of rep pay periods (over the simulated years).
    thresholds
        One row per threshold: ``below_baseline``/``below_predicted`` (the
        share of rep pay periods in the band just under it),
        ``above_baseline``/``above_predicted`` (just over it), ``excess``
        (predicted - baseline just over it), and ``pay_above`` (the new plan's
        expected pay in the periods just over it, a year's total).
    before, after
        Realised attainment per simulated year, rep and pay period (flat).
    timing_pay
        Pay (a year, the team) that moving deals between periods earns under
        the new plan: the pay with the predicted timing minus the pay of the
        same effort without it. Money the plan hands out for when deals are
        signed, not for more of them.
    moved_revenue
        Revenue moved between adjacent periods (a year, the team).
    """

    histogram: pd.DataFrame
    thresholds: pd.DataFrame
    timing_pay: float
    moved_revenue: float
    before: np.ndarray
    after: np.ndarray

    @property
    def table(self) -> pd.DataFrame:
        return self.thresholds

    def shares(self, bins: np.ndarray | list[float]) -> pd.DataFrame:
        """Shares of rep pay periods per bin of attainment, as now and as predicted."""
        edges = np.asarray(bins, float)
        return pd.DataFrame({"low": edges[:-1], "high": edges[1:],
                             "baseline": _share(self.before, edges), "predicted": _share(self.after, edges)})


def _share(x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    x = x[np.isfinite(x)]
    return np.histogram(x, edges)[0] / max(len(x), 1)


def bunching(before: np.ndarray, after: np.ndarray, pay: np.ndarray, marks: list[float],
             timing_pay: float = 0.0, moved_revenue: float = 0.0,
             bins: np.ndarray | None = None) -> Bunching:
    """Bunching from realised attainment as now (``before``) and as predicted (``after``).

    ``before`` and ``after`` have the same shape (simulated years, reps, pay
    periods); ``pay`` is the new plan's pay per the same cell divided by the
    number of simulated years (so its sum is a year's expected pay). Bins
    default to 5 % steps from 0 to 200 % (and one for everything above).
    """
    before, after, pay = (np.asarray(x, float).ravel() for x in (before, after, pay))
    edges = np.r_[np.arange(0, 2.0001, 0.05), np.inf] if bins is None else np.asarray(bins, float)
    hist = pd.DataFrame({"low": edges[:-1], "high": edges[1:],
                         "baseline": _share(before, edges), "predicted": _share(after, edges)})
    n_b, n_a = max(np.isfinite(before).sum(), 1), max(np.isfinite(after).sum(), 1)
    rows = []
    for t in marks:
        above_b = ((before >= t) & (before < t + BAND)).sum() / n_b
        above_a = (after >= t) & (after < t + BAND)
        rows.append({"threshold": t,
                     "below_baseline": ((before >= t - BAND) & (before < t)).sum() / n_b,
                     "below_predicted": ((after >= t - BAND) & (after < t)).sum() / n_a,
                     "above_baseline": above_b, "above_predicted": above_a.sum() / n_a,
                     "excess": above_a.sum() / n_a - above_b,
                     "pay_above": float(pay[above_a].sum())})
    table = pd.DataFrame(rows, columns=["threshold", "below_baseline", "below_predicted", "above_baseline",
                                        "above_predicted", "excess", "pay_above"])
    return Bunching(hist, table, float(timing_pay), float(moved_revenue), before, after)
