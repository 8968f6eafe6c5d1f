"""Learning within a pay period: a rep who sees how the quarter (the year) goes re-plans the months left.

Under a plan that pays on a quarter's or a year's totals, :func:`~.predict.best_response`
chooses one effort per pay period before it starts. A rep does not: after each
month they see what they have sold so far and re-plan the rest. A rep a little
behind an annual quota pushes harder, one far behind gives up for the rest of
the year, while a quarterly quota gives them a fresh chance each quarter (the
pacing effect of Chung, Steenburgh & Sudhir 2014); a rep who gets lucky early
and is near the quota pushes on, one who has made it stops.

:func:`pace` solves that as a dynamic programme, for every rep, parameter draw
and pay period at once. The state is the revenue sold so far in the pay period,
as a share of what the period brought at the observed effort (a grid of
:data:`STATES` points), and the month's demand level (the lasting luck of
:attr:`~.model.Assumptions.luck`, an AR(1) the rep sees month by month, on a
grid of :data:`LUCK_STATES` levels with Rouwenhorst's transition matrix,
:func:`luck_grid`); the choice, each month, a pace: an effort level in the family mix
chosen before the period (:data:`PACES`), or the chosen effort itself. The value at the end of the pay period is the plan's pay for it
when its revenue and deals are that share of the expected ones (the engine
pays each point of the grid); each month a rep takes the pace with the highest
expected value of the months after it (over next month's level given this
month's), minus the month's cost of effort plus
its benefit (the calibrated ``k`` and ``m``), over the month's simulated luck.
Going forward, each simulated year then follows its own path: its effort, and
so its activity, deals and revenue, depend on how its months went.
With no lasting luck (the centre of the assumptions) every level is the same
and the policy is the one of the sold share alone.

What it leaves out: the end-of-period pay is read from revenue and deals only,
both scaled from the chosen effort's month profile (activity gates and
monthly components inside a quarterly plan are paid at that profile), and the
rep learns only their own sales and demand level, not how the rest of the team does.

What that makes of the pacing effect (Chung, Steenburgh & Sudhir 2014: a
quarterly bonus paces weaker reps better than an annual one): without
lasting luck a year's sales vary by about 10 % and half a year's shortfall is
seldom more than a month's sales, so a rep within reach of an annual quota
chases it and rarely falls far enough behind to quit. The month profile is
last year's, so a quarter that fell short of its plan last year is expected
to again. On the reps' own quotas the model therefore paces weaker reps (all
but the weakest) better with an annual bonus than a quarterly one, against
the study (``tests/analysis/test_response_evidence.py``, a known failure with
its sizes). Lasting luck does not turn it round: with it more reps fall
behind an annual quota and give up, as the study says, but a bad spell also
lasts into the quarter's other months, and a quarter leaves fewer months to
make it up, so the quarterly bonus loses more (gap -9.6 points at 15 %
lasting luck, -9.7 at 30 %, against -7.8 without). Nor does a present bias
turn it round, whether the rep knows it (pay after this month weighed at 0.6:
gap -12.9) or not (a naive rep who plans to catch up later, 0.8 and 0.6: gap
-13.0 and -14.0). In this model (reps neutral to risk, a convex cost of
effort, one threshold) a rep a little below a quota is paced best by the
period measured with the least luck.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...plan import Plan, Scheme
from .calibrate import Calibration
from .model import FAMILIES, Funnel, Payer, decision_units, simulate, unit_matrix

__all__ = ["Pacing", "pace", "PACES", "STATES", "LUCK_STATES", "luck_grid"]

#: Effort levels tried each month (1.0 = the observed effort), in the chosen mix of families; the effort
#: chosen before the period is tried too. Absolute, not relative to that choice: a rep who chose to give up
#: before the year can still take it up again after a lucky start.
PACES: tuple[float, ...] = (0.25, 0.4, 0.55, 0.7, 0.85, 1.0, 1.15, 1.35, 1.6, 2.0)
#: Grid of revenue sold so far, as a share of the pay period's expected revenue at the observed effort.
STATES = np.linspace(0.0, 3.0, 61)
#: Points of the grid of the month's demand level (:attr:`~.model.Assumptions.luck`), the second state.
LUCK_STATES = 7
_MOVED = ("revenue", "deals", "repeat_revenue")


def luck_grid(rho: float, n: int = LUCK_STATES) -> tuple[np.ndarray, np.ndarray]:
    """The demand level's grid and its month-to-month transition matrix (Rouwenhorst 1995, the
    discretisation that keeps an AR(1)'s persistence, mean and variance exactly, even close to 1).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The levels (n,) in standard deviations, evenly spaced within ``+-sqrt(n - 1)``, and the
        matrix (n, n): row i, the chances of next month's level given this month's level i.
    """
    p = (1.0 + rho) / 2.0
    move = np.array([[p, 1 - p], [1 - p, p]])
    for size in range(3, n + 1):
        grown = np.zeros((size, size))
        grown[:-1, :-1] += p * move
        grown[:-1, 1:] += (1 - p) * move
        grown[1:, :-1] += (1 - p) * move
        grown[1:, 1:] += p * move
        grown[1:-1] /= 2.0
        move = grown
    return np.linspace(-1.0, 1.0, n) * np.sqrt(n - 1.0), move


def _nearest(levels: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The index of the grid point nearest to each value of ``u``."""
    return np.searchsorted((levels[1:] + levels[:-1]) / 2.0, u)


@dataclass(frozen=True, eq=False)
class Pacing:
    """The policy of :func:`pace`: which pace each month, given the revenue so far and the month's demand level.

    Attributes
    ----------
    effort
        The effort at each pace, shape (D, G, R, P, F) (within the effort bounds).
    policy
        Shape (D, R, P, L, X): the pace index chosen in period p at each demand level of :func:`luck_grid`
        (L = :data:`LUCK_STATES`) and each state of :data:`STATES`.
    scale
        The pay period's expected revenue at the observed effort, per period (D, R, P): the unit of the state.
    units
        The pay period of each data period (P,).
    luck
        The lasting luck of each draw (D,) (:attr:`~.model.Assumptions.luck`).
    levels
        The demand levels of the grid (L,), in standard deviations.
    """

    effort: np.ndarray
    policy: np.ndarray
    scale: np.ndarray
    units: np.ndarray
    luck: np.ndarray
    levels: np.ndarray

    def frame(self, funnel: Funnel) -> pd.DataFrame:
        """The policy at the centre of the assumptions and a usual month (the middle demand level), one row
        per rep, period and state: ``sold`` (revenue so far in the pay period, in the data's units: the state
        times the period's expected revenue at the observed effort), ``sold_share`` (the state) and
        ``effort`` (the mean over families, 1.0 = observed)."""
        d, g, r, p, f = self.effort.shape
        level = self.effort[0].mean(-1)                                                # (G, R, P)
        usual = self.policy[0][:, :, len(self.levels) // 2]                            # (R, P, X)
        chosen = np.take_along_axis(level[..., None], usual[None], axis=0)[0]           # (R, P, X)
        return pd.DataFrame({"rep_id": np.repeat(funnel.reps, p * len(STATES)),
                             "period": np.tile(np.repeat(funnel.periods, len(STATES)), r),
                             "sold_share": np.tile(STATES, r * p),
                             "sold": (self.scale[0][..., None] * STATES).ravel(),
                             "effort": chosen.ravel()})

    def follow(self, funnel: Funnel, z: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The simulated years ``z`` as the reps live them: facts (D, S, R, P) and effort (D, S, R, P, F).

        Each year starts every pay period at nothing sold; each month the rep
        takes the policy's pace at the state nearest to what they sold so far
        and the grid's demand level nearest to the month's (``z[4]``).
        """
        d, g, r, p, f = self.effort.shape
        s = z.shape[1]
        start = np.r_[True, self.units[1:] != self.units[:-1]]
        step = STATES[1] - STATES[0]
        chosen = np.empty((d, s, r, p), dtype=int)
        facts: dict[str, np.ndarray] = {}
        ri, si = np.arange(r)[None, :], np.arange(s)[:, None]
        seen = _nearest(self.levels, z[4])                                            # (S, R, P)
        for draw in range(d):            # one draw at a time: the years at every level of one draw fit in memory
            grid = simulate(funnel, self.effort[draw], z, self.luck[draw])            # (G, S, R, P) each
            revenue = grid["revenue"] / np.maximum(self.scale[draw], 1e-9)
            sold = np.zeros((s, r))
            for month in range(p):
                if start[month]:
                    sold[:] = 0.0
                state = np.clip(np.rint(sold / step).astype(int), 0, len(STATES) - 1)
                pick = self.policy[draw, ri, month, seen[..., month], state]           # (S, R)
                chosen[draw, ..., month] = pick
                sold = sold + revenue[pick, si, ri, month]
            for m, v in grid.items():
                facts.setdefault(m, np.empty((d, s, r, p)))[draw] = np.take_along_axis(v, chosen[draw][None], 0)[0]
        effort = np.moveaxis(self.effort, 1, -2)                                    # (D, R, P, G, F)
        lived = np.take_along_axis(effort, np.moveaxis(chosen, 1, -1)[..., None], axis=-2)  # (D, R, P, S, F)
        return facts, np.moveaxis(lived, 3, 1)                                      # (D, S, R, P, F)


def _interpolate(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``values`` (R, L, X) on :data:`STATES` read at ``at`` (G, S, R, L, X): linear, and straight on past
    the last point (an accelerator keeps rising). One flat gather, no broadcast copy of ``values``."""
    r, n, x = values.shape
    step = STATES[1] - STATES[0]
    position = at / step
    index = np.clip(position.astype(np.int64), 0, x - 2)          # at >= 0, so truncation is the floor
    weight = position - index
    index += (np.arange(r)[:, None, None] * n + np.arange(n)[None, :, None]) * x
    flat = values.ravel()
    low = flat[index]
    return low + weight * (flat[index + 1] - low)


def pace(plan: Plan | Scheme, funnel: Funnel, calib: Calibration, effort: np.ndarray,
         z: np.ndarray) -> Pacing | None:
    """The policy of reps who re-plan each month of a pay period from what they have sold so far.

    Parameters
    ----------
    effort
        The effort chosen before the period (:func:`~.predict.best_response`), shape (D, R, P, F).
    z
        The simulated years the reps expect over (the month's luck).

    Returns
    -------
    Pacing or None
        None when every pay period of ``plan`` is one month (nothing to learn within it).
    """
    a = funnel.assumptions
    d, r, p, f = effort.shape
    units = decision_units(plan, funnel.periods)
    onehot = unit_matrix(units)
    if onehot.sum(0).max() <= 1:
        return None
    lo, hi = a.effort_bounds
    # Each level keeps the chosen mix of families; the chosen effort itself is the last choice.
    mix = effort / effort.mean(-1, keepdims=True)
    levels = np.clip(mix[:, None] * np.asarray(PACES, float)[None, :, None, None, None], lo, hi)
    trial = np.concatenate([levels, effort[:, None]], axis=1)                     # (D, G, R, P, F)
    g, x = trial.shape[1], len(STATES)

    # The month's luck at each pace, in units of the pay period's expected revenue at the chosen effort.
    expected = simulate(funnel, effort, None)
    observed = simulate(funnel, np.ones((1, r, f)), None)["revenue"][0, 0]            # (R, P)
    scale = np.broadcast_to((observed @ onehot) @ onehot.T, (d, r, p))                 # (D, R, P)
    s = z.shape[1]
    # New business at an average demand level (luck 0), and repeat revenue, which the level does not move.
    facts = simulate(funnel, trial.reshape(d * g, r, p, f), z, 0.0)
    months = (facts["revenue"] / np.maximum(scale.repeat(g, 0), 1e-9)[:, None]).reshape(d, g, s, r, p)
    repeat = (facts["repeat_revenue"][:, :1] / np.maximum(scale.repeat(g, 0), 1e-9)[:, None]).reshape(d, g, 1, r, p)
    months = months - repeat
    grid, move = luck_grid(a.luck_persistence)
    luck = calib.luck
    factor = np.exp(luck[:, None] * grid[None, :] - luck[:, None] ** 2 / 2)        # (D, L): the month's level

    # The pay for the whole pay period when it sells a share x of its expected revenue (and deals).
    ratio = scale / np.maximum((expected["revenue"][:, 0] @ onehot) @ onehot.T, 1e-9)   # state 1 -> chosen
    blocks = {m: np.repeat(v * ratio[:, None], x, axis=0) * np.tile(STATES, d)[:, None, None, None]
              if m in _MOVED else np.repeat(v, x, axis=0) for m, v in expected.items()}
    paid = Payer(plan, funnel, d * x, 1).pay(blocks)["total"].reshape(d, x, r, p) @ onehot   # (D, X, R, U)
    value = np.moveaxis(paid, 1, -1)[:, :, units]                                   # (D, R, P, X) by period

    gamma = calib.gamma[:, None, None, None, None]
    k, m = calib.k_by_period[:, None], calib.m[:, None]                              # (D, 1, R, P, F)
    own = (m * trial - k * trial ** gamma / gamma).sum(-1)                          # (D, G, R, P)

    n = len(grid)
    policy = np.zeros((d, r, p, n, x), dtype=int)
    last = np.r_[units[1:] != units[:-1], True]
    for draw in range(d):            # one draw at a time: paces x years x reps x levels x states fit in memory
        ahead = None                 # value of the months after, (R, L, X) by next month's level
        for month in range(p - 1, -1, -1):
            if last[month]:          # the pay period's pay: what the next one brings does not depend on this one
                after = np.broadcast_to(value[draw, :, month][:, None], (r, n, x))
            else:                    # next month's level given this month's
                after = np.einsum("ij,rjx->rix", move, ahead)
            sold = (months[draw, ..., month][..., None] * factor[draw]
                    + repeat[draw, ..., month][..., None])                           # (G, S, R, L)
            at = STATES + sold[..., None]                                           # (G, S, R, L, X)
            total = _interpolate(np.ascontiguousarray(after), at).mean(1) + own[draw, :, :, month][..., None, None]
            policy[draw, :, month] = total.argmax(0)
            ahead = total.max(0)
    return Pacing(trial, policy, scale, units, luck, grid)
