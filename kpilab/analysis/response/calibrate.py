"""Revealed preference: the cost of effort that makes each rep's observed year a best response.

At the observed effort (1.0 in every family) the first-order condition of
``max_e  E[pay](e) + m * e - k * e**gamma / gamma`` reads
``dE[pay]/de + m = k``. The marginal expected pay ``dE[pay]/de`` is computed
numerically with the engine (central differences, +-10 % effort, over the same
simulated years for both sides). Where it is large enough, all of the effort
is explained by pay: ``k = dE[pay]/de``, ``m = 0``.

Where the current plan pays nothing at the margin (below a tenth of the
elasticity floor: a month far below a quota or safely past it, a salary, a
family no component reads), that month's pay cannot reveal the cost. The rest
of the data can (:func:`unrevealed_cost`): the price of the family's work per
unit of activity revealed in the rep's other months, else by the team's
revealed reps; and the pay the rep passed up bounds it from below
(:func:`passed_up`: a rep who could have reached the quota with more effort and
did not finds that effort dearer than the bonus). The rest of the motive is
``m = k - dE[pay]/de`` (career, habit, the manager), so the rep keeps today's
effort under today's plan. Only a family that no rep's pay reveals takes the
stated elasticity (:attr:`Assumptions.elasticity`, valued by the rep's sales:
:func:`elasticity_floor`), and the output says so.

Why not the stated elasticity everywhere pay says nothing: valued by it, a rep
who gave up below a quota and one who works on past it answer a commission by
the same share of effort. Their activity tells them apart: the one who gave up
made fewer calls than their revealed price of a call would have them make, so
the commission lifts them most (Kishore et al. 2013); this also puts the
cost of the months a generated rep gave up in within a factor of about two of
the truth, where the elasticity put it a hundred times too high
(``tests/analysis/test_response.py::test_calibration_round_trip``).

The cost in ``k`` is then the monthly money value of effort at the margin; a
revealed ``k`` does not depend on ``gamma`` (the first-order condition holds at
``e = 1``), but the price per unit of activity does (see :func:`unrevealed_cost`).

Effort is chosen per pay period (:func:`~.model.decision_units`), and a
plan's marginal pay differs from month to month (a month near a gate pays
more at the margin than one far below it). ``k`` is one number per rep,
family and month (``k_by_period``; ``k`` is its year's average); the
benefit ``m`` takes the month's difference, ``m[p] = k[p] - marginal[p]``, so
the observed effort is a best response in every month, not only on average.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...plan import Plan, Scheme
from .model import FAMILIES, Assumptions, Funnel, Payer, decision_units, per_period, simulate, unit_matrix

__all__ = ["Calibration", "calibrate", "marginal_pay", "cost_of_effort", "elasticity_floor", "NO_REWARD",
           "unrevealed_cost", "passed_up", "REVEALED", "OWN", "TEAM", "ELASTICITY"]

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
        Shape (D, R, F): True where ``k`` is the elasticity floor (no rep's pay reveals the family).
    source
        Shape (D, R, F): where the cost of the rep's unrevealed months comes from: :data:`REVEALED`
        (every month revealed by its own pay), :data:`OWN` (the rep's revealed months), :data:`TEAM`
        (the team's revealed reps), :data:`ELASTICITY` (the stated elasticity).
    """

    draws: pd.DataFrame
    pay: np.ndarray
    marginal: np.ndarray
    k: np.ndarray
    m: np.ndarray
    from_elasticity: np.ndarray
    marginal_by_period: np.ndarray | None = None
    source: np.ndarray | None = None

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

    @property
    def luck(self) -> np.ndarray:
        """The lasting luck of each draw (:attr:`~.model.Assumptions.luck`), shape (D,)."""
        return self.draws["luck"].to_numpy(float)

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

    A month whose marginal pay reveals the cost gives its own ``k`` (the
    first-order condition). A month where the plan pays nothing at the margin
    takes the cost the rest of the data reveals (:func:`unrevealed_cost`: the
    rep's own revealed months, else the team's revealed reps, per unit of
    activity), raised where needed so that the rep would not have reached for
    the pay they passed up (:func:`passed_up`); only where no rep's cost is
    revealed in a family does the stated elasticity decide
    (:func:`elasticity_floor`).
    """
    r = funnel.shape[0]
    pay, marginal, by_period = marginal_pay(plan, funnel, np.ones((r, len(FAMILIES))), z, by_period=True)
    draws = funnel.assumptions.draws()
    gamma = draws["gamma"].to_numpy(float)
    revenue = observed_revenue(funnel)
    floor = elasticity_floor(pay, gamma, draws["elasticity"].to_numpy(float), revenue)
    month = np.broadcast_to(by_period[None], (len(draws), *by_period.shape))
    shown = month >= NO_REWARD * floor[:, :, None, :]
    prior, source = unrevealed_cost(funnel, month, shown, gamma, floor)
    k_period = np.where(shown, month, prior)
    scale = passed_up(plan, funnel, z, month, k_period, shown, gamma)
    k_period = np.where(shown, k_period, k_period * scale[..., None])
    return Calibration(draws, pay, marginal, k_period.mean(2), k_period - month, source == ELASTICITY, by_period,
                       source=source)


#: Where the cost of an unrevealed rep-family comes from (:attr:`Calibration.source`).
REVEALED, OWN, TEAM, ELASTICITY = 0, 1, 2, 3


def _log_activity(funnel: Funnel) -> np.ndarray:
    """log of each rep's activity per period and family, (R, P, F); a count of 0 is read as 1 % of the
    family's median (effort there still moves the funnel through the other families)."""
    out = []
    for f in FAMILIES:
        a = np.asarray(funnel.activity[f], float)
        positive = a[a > 0]
        least = 0.01 * (np.median(positive) if positive.size else 1.0)
        out.append(np.log(np.maximum(a, least)))
    return np.stack(out, -1)


def unrevealed_cost(funnel: Funnel, month: np.ndarray, shown: np.ndarray, gamma: np.ndarray,
                    floor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cost ``k`` of the months whose own pay does not reveal it, (D, R, P, F), and its source (D, R, F).

    Effort is measured where reps can be compared: activity (calls, meetings,
    emails, follow-ups per month). The cost of effort ``k * e**gamma / gamma``
    at the observed activity ``a`` is, per unit of activity, ``kappa * A**gamma
    / gamma`` with ``A = a * e`` and ``kappa = k / a**gamma``: a rep's ``kappa``
    is the price of the family's work itself, the same in every month. So

    1. a rep with revealed months in the family (a quota within reach, a
       commission) has ``kappa`` = the mean of ``log(k / a**gamma)`` over them
       (:data:`OWN`): a month where the rep gave up shows less activity, so a
       lower marginal cost, and a new reward at the margin lifts it most;
    2. a rep with none takes the team's: ``log kappa = alpha + beta * log
       productivity`` fitted on the revealed reps (productivity: the rep's
       revenue per unit of the family's activity; ``beta`` kept in 0-1, 1 when
       fewer than three reps are revealed), so a rep who sold little because
       they worked little is priced like their revealed peers, not as if the
       low output were all they could give (:data:`TEAM`);
    3. a family no rep's pay reveals takes the stated elasticity
       (:func:`elasticity_floor`, :data:`ELASTICITY`).

    ``k`` is never below the month's marginal pay (the benefit ``m`` stays >= 0).
    This replaces the stated elasticity wherever the data speaks: valued by the
    elasticity alone, a rep who gave up below a quota and one who works on past
    it (both unpaid at the margin) would answer a commission by the same share.
    """
    d, r, p, f = month.shape
    g = np.asarray(gamma, float)[:, None, None, None]
    log_a = _log_activity(funnel)[None]                                    # (1, R, P, F)
    with np.errstate(divide="ignore"):
        log_kappa = np.log(np.maximum(month, 1e-300)) - g * log_a          # (D, R, P, F)
    n_own = shown.sum(2)                                                   # (D, R, F)
    own = np.where(shown, log_kappa, 0.0).sum(2) / np.maximum(n_own, 1)
    has_own = n_own > 0
    revenue = np.log(np.maximum(observed_revenue(funnel), 1.0))
    log_prod = revenue[:, None] - np.log(np.exp(log_a[0]).mean(1))          # (R, F)
    w = has_own.astype(float)
    count = w.sum(1)                                                       # (D, F)
    mean_p = (w * log_prod).sum(1) / np.maximum(count, 1)
    mean_k = (w * own).sum(1) / np.maximum(count, 1)
    dp = log_prod[None] - mean_p[:, None]
    var = (w * dp ** 2).sum(1)
    cov = (w * dp * (own - mean_k[:, None])).sum(1)
    with np.errstate(all="ignore"):
        beta = np.where((count >= 3) & (var > 1e-12), np.clip(cov / var, 0.0, 1.0), 1.0)
    team = mean_k[:, None] + beta[:, None] * dp                           # (D, R, F)
    use = np.where(has_own, own, team)
    with np.errstate(over="ignore"):
        prior = np.exp(use[:, :, None, :] + g * log_a)
    has_team = (count > 0)[:, None, :]
    source = np.where(has_own, OWN, np.where(has_team, TEAM, ELASTICITY))
    source = np.where(shown.all(2), REVEALED, source)
    prior = np.where((source == ELASTICITY)[:, :, None, :], floor[:, :, None, :], prior)
    return np.maximum(prior, month), source


def passed_up(plan: Plan | Scheme, funnel: Funnel, z: np.ndarray, month: np.ndarray, k: np.ndarray,
              shown: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """How much the unrevealed costs must rise so that no rep would rather have worked harder, (D, R, P).

    The first-order condition holds at the observed effort, but a plan with a
    threshold is not concave: a rep far below a quota, paid nothing at the
    margin, could still reach it with much more effort. They did not, so that
    effort must cost more than the pay it would have brought: for every common
    effort factor ``x`` of the grid (:attr:`Assumptions.grid`, all families
    together, as :func:`~.predict.best_response` tries them), expected pay +
    benefit - cost in each pay period must not beat the observed effort's.
    In a pay period whose pay reveals no family's cost, the costs are scaled
    up by the least factor (>= 1) that makes it so; the benefit
    ``m = k - marginal`` follows. (Where some families are revealed, their
    first-order conditions speak, and a remaining gap is the grid's.) This is what revealed preference says of a rep who gave up: not
    the month's activity alone, but that the quota was not worth its price.
    """
    a = funnel.assumptions
    levels = np.asarray(a.grid, float)
    levels = levels[levels != 1.0]
    r, periods = funnel.shape
    d = month.shape[0]
    units = decision_units(plan, funnel.periods)
    onehot = unit_matrix(units)
    effort = np.concatenate([np.ones(1), levels])[:, None, None] * np.ones((1, r, len(FAMILIES)))
    pay = Payer(plan, funnel, len(effort), z.shape[1]).period_pay(simulate(funnel, effort, z)) @ onehot
    gain = pay[1:] - pay[:1]                                              # (G, R, U)
    g = np.asarray(gamma, float)[:, None, None, None]
    x = levels[None, :, None, None]
    curve = (x ** g - 1) / g - (x - 1)                                     # (D, G, 1, 1), >= 0
    paid = month.sum(-1) @ onehot                                          # (D, R, U)
    fixed = np.where(shown, k, 0.0).sum(-1) @ onehot
    free = np.where(shown, 0.0, k).sum(-1) @ onehot
    with np.errstate(all="ignore"):
        need = (gain[None] - (x - 1) * paid[:, None] - curve * fixed[:, None]) / (curve * free[:, None])
    # Only a pay period whose pay reveals nothing is scaled: where some families' costs are revealed, the
    # first-order conditions speak, and a gap there is the grid's, not a cost left unpriced.
    need = np.where(((free > 0) & (fixed == 0))[:, None], need, 1.0)
    scale = np.maximum(np.nan_to_num(need, nan=1.0, posinf=1.0, neginf=1.0).max(1), 1.0)   # (D, R, U)
    return scale[..., units]


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
