"""Revealed preference: the cost of effort that makes each rep's observed year a best response.

At the observed effort (1.0 in every family) the first-order condition of
``max_e  E[pay](e) + m * e - k * e**gamma / gamma`` reads
``dE[pay]/de + m = k``. The marginal expected pay ``dE[pay]/de`` is computed
numerically with the engine (central differences, +-10 % effort, over the same
simulated years for both sides). Where it is large enough, all of the effort
is explained by pay: ``k = dE[pay]/de``, ``m = 0``. Where the current plan pays
nothing at the margin (below a tenth of the elasticity floor: a salary, or a
family no component reads),
pay cannot explain the effort; then ``k`` comes from a stated elasticity
(:attr:`Assumptions.elasticity`) and the rest of the motive is ``m = k -
dE[pay]/de`` (career, habit, the manager): the rep keeps today's effort under
today's plan and responds to a new marginal reward as the literature says.

The cost in ``k`` is then the monthly money value of effort at the margin; it
does not depend on ``gamma`` (the first-order condition holds at ``e = 1``),
but the elasticity floor does (see :func:`calibrate`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...plan import Plan, Scheme
from .model import FAMILIES, Assumptions, Funnel, Payer, simulate

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
        Marginal expected monthly pay per unit of effort, shape (R, F).
    k, m
        Shape (D, R, F).
    from_elasticity
        Shape (D, R, F): True where ``k`` is the elasticity floor, not revealed by pay.
    """

    draws: pd.DataFrame
    pay: np.ndarray
    marginal: np.ndarray
    k: np.ndarray
    m: np.ndarray
    from_elasticity: np.ndarray

    @property
    def gamma(self) -> np.ndarray:
        return self.draws["gamma"].to_numpy(float)

    def table(self, reps: np.ndarray) -> pd.DataFrame:
        """The centre draw per rep and family: marginal pay, k, m, and whether k came from the elasticity."""
        r, f = self.k.shape[1:]
        return pd.DataFrame({"rep_id": np.repeat(reps, f), "family": np.tile(FAMILIES, r),
                             "marginal_pay": self.marginal.ravel(), "k": self.k[0].ravel(),
                             "m": self.m[0].ravel(), "from_elasticity": self.from_elasticity[0].ravel()})


def marginal_pay(plan: Plan | Scheme, funnel: Funnel, effort: np.ndarray, z: np.ndarray,
                 payer: Payer | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Expected monthly pay at ``effort`` (R, F) and its derivative per family (R, F), one engine call.

    The 1 + 2F effort profiles (as is; each family up and down by 10 %) are
    paid as blocks of the same simulated years (common random numbers).
    """
    r, f = effort.shape
    blocks = np.repeat(effort[None], 1 + 2 * f, axis=0)
    for i in range(f):
        blocks[1 + 2 * i, :, i] *= 1 + _STEP
        blocks[2 + 2 * i, :, i] *= 1 - _STEP
    payer = payer or Payer(plan, funnel, len(blocks), z.shape[1])
    pay = payer.monthly_pay(simulate(funnel, blocks, z))
    up, down = pay[1::2].T, pay[2::2].T   # (R, F)
    return pay[0], (up - down) / (2 * _STEP * effort)


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
    pay, marginal = marginal_pay(plan, funnel, np.ones((r, len(FAMILIES))), z)
    draws = funnel.assumptions.draws()
    k, m, from_elasticity = cost_of_effort(pay, marginal, draws["gamma"].to_numpy(float),
                                           draws["elasticity"].to_numpy(float))
    return Calibration(draws, pay, marginal, k, m, from_elasticity)


def elasticity_floor(pay: np.ndarray, gamma: np.ndarray, elasticity: np.ndarray) -> np.ndarray:
    """The cost ``k`` a stated elasticity implies, shape (D, R, F): ``pay / (F * elasticity * (gamma - 1))``.

    With it, a new reward at the margin adding pay equal to 1 % of the rep's
    pay, spread over the F families, raises effort by about ``elasticity`` %.
    """
    gamma = np.asarray(gamma, float)[:, None, None]
    eps = np.asarray(elasticity, float)[:, None, None]
    floor = np.maximum(pay, 1.0)[None, :, None] / (len(FAMILIES) * eps * (gamma - 1))
    return np.broadcast_to(floor, (len(gamma), len(pay), len(FAMILIES)))


def cost_of_effort(pay: np.ndarray, marginal: np.ndarray, gamma: np.ndarray,
                   elasticity: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``k``, ``m`` and where the elasticity was used, each (D, R, F), from the marginal pay (R, F).

    Pay explains the effort where the marginal pay reaches :data:`NO_REWARD`
    of the elasticity floor: ``k`` is the marginal pay, ``m = 0``. Below it
    the plan pays (almost) nothing at the margin: ``k`` is the floor and the
    benefit ``m = k - marginal`` keeps the observed effort a best response.
    """
    floor = elasticity_floor(pay, gamma, elasticity)
    revealed = np.broadcast_to(np.maximum(marginal, 0.0)[None], floor.shape)
    from_elasticity = revealed < NO_REWARD * floor
    k = np.where(from_elasticity, floor, revealed)
    return k, k - revealed, from_elasticity
