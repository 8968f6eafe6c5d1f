"""Revealed preference: the cost of effort that makes each rep's observed year a best response.

At the observed effort (1.0 in every family) the first-order condition of
``max_e  E[pay](e) + m * e - k * e**gamma / gamma`` reads
``dE[pay]/de + m = k``. The marginal expected pay ``dE[pay]/de`` is computed
numerically with the engine (central differences, +-10 % effort, over the same
simulated years for both sides). Where it is large enough, all of the effort
is explained by pay: ``k = dE[pay]/de``, ``m = 0``. Where the current plan pays
nothing at the margin (below a tenth of the elasticity floor: a salary, or a
family no component reads), pay cannot explain the effort; then ``k``
comes from a stated elasticity (:attr:`Assumptions.elasticity`, valued by
the rep's sales: :func:`elasticity_floor`) and the rest of the motive is
``m = k - dE[pay]/de`` (career, habit, the manager): the rep keeps today's effort under
today's plan and responds to a new marginal reward as the literature says.

The cost in ``k`` is then the monthly money value of effort at the margin; it
does not depend on ``gamma`` (the first-order condition holds at ``e = 1``),
but the elasticity floor does (see :func:`calibrate`).

Effort is chosen per pay period (:func:`~.model.decision_units`), and a
plan's marginal pay differs from month to month (a month near a gate pays
more at the margin than one far below it). ``k`` is one number per rep and
family (the rep's own cost, from the year's average marginal pay); the
benefit ``m`` takes the month's difference, ``m[p] = k - marginal[p]``, so
the observed effort is a best response in every month, not only on average.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...plan import Plan, Scheme
from .model import FAMILIES, Assumptions, Funnel, Payer, decision_units, per_period, simulate, unit_matrix

__all__ = ["Calibration", "calibrate", "marginal_pay", "cost_of_effort", "elasticity_floor", "NO_REWARD"]

_STEP = 0.10
#: Below this share of the elasticity floor, the marginal pay counts as "the plan pays nothing here".
NO_REWARD = 0.10


@dataclass(frozen=True, eq=False)
class Calibration:
    """Per parameter draw (rows of ``draws``), rep and family: the cost ``k``, the benefit ``m``.

    Attributes
    ----------
    draws
        From :meth:`Assumptions.draws`.
    pay
        Expected monthly pay at the observed effort, shape (R,).
    marginal
        Marginal expected monthly pay per unit of effort, shape (R, F) (the year's average).
    marginal_by_period
        The same per period, shape (R, P, F): a pay period's marginal pay
        spread over its months.
    k
        Shape (D, R, F): the year's average of ``k_by_period``.
    k_by_period
        Shape (D, R, P, F): the marginal cost of the observed effort in each period.
    m
        Shape (D, R, P, F): the benefit per period that makes the observed month a best response.
    from_elasticity
        Shape (D, R, F): True where ``k`` is the elasticity floor, not revealed by pay.
    """

    draws: pd.DataFrame
    pay: np.ndarray
    marginal: np.ndarray
    k: np.ndarray
    m: np.ndarray
    from_elasticity: np.ndarray
    marginal_by_period: np.ndarray | None = None

    @property
    def k_by_period(self) -> np.ndarray:
        """The marginal cost of the observed effort per period, (D, R, P, F): ``m + marginal_by_period``
        (the first-order condition; derived, so a calibration cut to fewer draws stays consistent)."""
        if self.marginal_by_period is None:
            return np.broadcast_to(self.k[:, :, None, :], self.m.shape)
        return self.m + self.marginal_by_period[None]

    @property
    def gamma(self) -> np.ndarray:
        return self.draws["gamma"].to_numpy(float)

    def table(self, reps: np.ndarray) -> pd.DataFrame:
        """The centre draw per rep and family: marginal pay, k, m, and whether k came from the elasticity."""
        r, f = self.k.shape[1:]
        return pd.DataFrame({"rep_id": np.repeat(reps, f), "family": np.tile(FAMILIES, r),
                             "marginal_pay": self.marginal.ravel(), "k": self.k[0].ravel(),
                             "m": self.m[0].reshape(r, -1, f).mean(1).ravel(), "from_elasticity": self.from_elasticity[0].ravel()})


def marginal_pay(plan: Plan | Scheme, funnel: Funnel, effort: np.ndarray, z: np.ndarray,
                 payer: Payer | None = None, by_period: bool = False
                 ) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected monthly pay at ``effort`` (R, F) and its derivative per family (R, F), one engine call.

    The 1 + 2F effort profiles (as is; each family up and down by 10 % in
    every period) are paid as blocks of the same simulated years (common
    random numbers). With ``by_period``, also the derivative per period
    (R, P, F): each pay period's (:func:`~.model.decision_units`) marginal pay
    per month of it, the same for its months.
    """
    r, f = effort.shape
    blocks = np.repeat(effort[None], 1 + 2 * f, axis=0)
    for i in range(f):
        blocks[1 + 2 * i, :, i] *= 1 + _STEP
        blocks[2 + 2 * i, :, i] *= 1 - _STEP
    payer = payer or Payer(plan, funnel, len(blocks), z.shape[1])
    per = payer.period_pay(simulate(funnel, blocks, z))      # (1 + 2F, R, P)
    pay = per.mean(-1)
    up, down = pay[1::2].T, pay[2::2].T   # (R, F)
    marginal = (up - down) / (2 * _STEP * effort)
    if not by_period:
        return pay[0], marginal
    units = decision_units(plan, funnel.periods)
    onehot = unit_matrix(units)
    per_unit = (per @ onehot) / onehot.sum(0)               # mean monthly pay of each unit
    diff = (per_unit[1::2] - per_unit[2::2])[..., units]     # (F, R, P)
    return pay[0], marginal, np.moveaxis(diff, 0, -1) / (2 * _STEP * effort[:, None, :])


def calibrate(plan: Plan | Scheme, funnel: Funnel, z: np.ndarray) -> Calibration:
    """Cost of effort per rep and family such that the observed year is the best response to ``plan``.

    Parameters
    ----------
    plan
        The plan in force when the data was recorded.
    funnel
        The observed year (:meth:`Funnel.from_team`).
    z
        Noise from :meth:`Funnel.noise` (the simulated years a rep expects).

    See :func:`cost_of_effort` for the rule and :func:`elasticity_floor` for the fallback.
    """
    r = funnel.shape[0]
    pay, marginal, by_period = marginal_pay(plan, funnel, np.ones((r, len(FAMILIES))), z, by_period=True)
    draws = funnel.assumptions.draws()
    revenue = observed_revenue(funnel)
    # The first-order condition month by month: marginal[p] + m[p] = k[p]. A month whose marginal pay
    # reveals the cost gives its own k (effort differs by month, so its marginal cost does); a month where
    # the plan pays nothing at the margin takes the elasticity floor.
    floor = elasticity_floor(pay, draws["gamma"].to_numpy(float), draws["elasticity"].to_numpy(float), revenue)
    month = np.broadcast_to(by_period[None], (len(draws), *by_period.shape))
    shown = month >= NO_REWARD * floor[:, :, None, :]
    k_period = np.where(shown, month, floor[:, :, None, :])
    return Calibration(draws, pay, marginal, k_period.mean(2), k_period - month, ~shown.any(2), by_period)


def observed_revenue(funnel: Funnel) -> np.ndarray:
    """Each rep's expected monthly revenue at the observed effort, shape (R,)."""
    return simulate(funnel, np.ones((1, funnel.shape[0], len(FAMILIES))), None)["revenue"][0, 0].mean(-1)


def elasticity_floor(pay: np.ndarray, gamma: np.ndarray, elasticity: np.ndarray,
                     revenue: np.ndarray | None = None) -> np.ndarray:
    """The cost ``k`` a stated elasticity implies, shape (D, R, F): ``value / (F * elasticity * (gamma - 1))``.

    With it, a new reward at the margin adding pay equal to 1 % of ``value``,
    spread over the F families, raises effort by about ``elasticity`` %.

    ``value`` is the rep's sales valued at the team's cost of sales,
    ``revenue * sum(pay) / sum(revenue)`` (``revenue`` (R,), monthly): what
    the rep's effort would earn where pay follows sales, as under a
    commission, whose revealed cost grows with the rep's output. Valued at the
    rep's own pay instead, every rep on the same salary would be equally
    costly, and a big seller, whose marginal sale is worth the most, would
    answer a commission several times more than a weak one only because they
    share a salary (on the evidence check of Kishore et al. 2013 the top
    third of reps gained +36 % that way, the lowest +8 %). ``value`` is never below a
    tenth of the rep's pay (a rep who sold nothing does not work for free).
    Without ``revenue`` (or with no revenue in the team), ``value`` is the rep's pay.
    """
    gamma = np.asarray(gamma, float)[:, None, None]
    eps = np.asarray(elasticity, float)[:, None, None]
    value = np.asarray(pay, float)
    if revenue is not None and np.sum(revenue) > 0:
        value = np.maximum(np.asarray(revenue, float) * (np.sum(pay) / np.sum(revenue)), 0.1 * value)
    floor = np.maximum(value, 1.0)[None, :, None] / (len(FAMILIES) * eps * (gamma - 1))
    return np.broadcast_to(floor, (len(gamma), len(pay), len(FAMILIES)))


def cost_of_effort(pay: np.ndarray, marginal: np.ndarray, gamma: np.ndarray, elasticity: np.ndarray,
                   revenue: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``k``, ``m`` and where the elasticity was used, each (D, R, F), from the marginal pay (R, F).

    Pay explains the effort where the marginal pay reaches :data:`NO_REWARD`
    of the elasticity floor: ``k`` is the marginal pay, ``m = 0``. Below it
    the plan pays (almost) nothing at the margin: ``k`` is the floor and the
    benefit ``m = k - marginal`` keeps the observed effort a best response.
    """
    floor = elasticity_floor(pay, gamma, elasticity, revenue)
    revealed = np.broadcast_to(np.maximum(marginal, 0.0)[None], floor.shape)
    from_elasticity = revealed < NO_REWARD * floor
    k = np.where(from_elasticity, floor, revealed)
    return k, k - revealed, from_elasticity
