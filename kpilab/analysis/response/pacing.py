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
:data:`STATES` points); the choice, each month, a pace: an effort level in the family mix
chosen before the period (:data:`PACES`), or the chosen effort itself. The value at the end of the pay period is the plan's pay for it
when its revenue and deals are that share of the expected ones (the engine
pays each point of the grid); each month a rep takes the pace with the highest
expected value of the months after it, minus the month's cost of effort plus
its benefit (the calibrated ``k`` and ``m``), over the month's simulated luck.
Going forward, each simulated year then follows its own path: its effort, and
so its activity, deals and revenue, depend on how its months went.

What it leaves out: the end-of-period pay is read from revenue and deals only,
both scaled from the chosen effort's month profile (activity gates and
monthly components inside a quarterly plan are paid at that profile), and the
rep learns only their own sales, not how the rest of the team does.

What that makes of the pacing effect: each month's luck is independent of the
others (:meth:`~.model.Funnel.noise`), so a year's sales vary by about 10 %
and half a year's shortfall is seldom more than a month's sales; a rep within
reach of an annual quota chases it and rarely falls far enough behind to quit.
The month profile is last year's, so a quarter that fell short of its plan
last year is expected to again. On the reps' own quotas the model therefore
paces weaker reps (all but the weakest) better with an annual bonus than a
quarterly one, against the study (``tests/analysis/test_response_evidence.py``,
a known failure with its sizes). In the study a bad start left reps without a quarterly bonus
behind for the year; here it seldom does. The model has neither luck that
persists from month to month (a bad quarter saying the year is bad) nor the
present bias the study also found (pay at the year's end weighing less than
effort now).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...plan import Plan, Scheme
from .calibrate import Calibration
from .model import FAMILIES, Funnel, Payer, decision_units, simulate, unit_matrix

__all__ = ["Pacing", "pace", "PACES", "STATES"]

#: Effort levels tried each month (1.0 = the observed effort), in the chosen mix of families; the effort
#: chosen before the period is tried too. Absolute, not relative to that choice: a rep who chose to give up
#: before the year can still take it up again after a lucky start.
PACES: tuple[float, ...] = (0.25, 0.4, 0.55, 0.7, 0.85, 1.0, 1.15, 1.35, 1.6, 2.0)
#: Grid of revenue sold so far, as a share of the pay period's expected revenue at the observed effort.
STATES = np.linspace(0.0, 3.0, 61)
_MOVED = ("revenue", "deals", "repeat_revenue")


@dataclass(frozen=True, eq=False)
class Pacing:
    """The policy of :func:`pace`: which pace each month, given the revenue so far.

    Attributes
    ----------
    effort
        The effort at each pace, shape (D, G, R, P, F) (within the effort bounds).
    policy
        Shape (D, R, P, X): the pace index chosen in period p at each state of :data:`STATES`.
    scale
        The pay period's expected revenue at the observed effort, per period (D, R, P): the unit of the state.
    units
        The pay period of each data period (P,).
    """

    effort: np.ndarray
    policy: np.ndarray
    scale: np.ndarray
    units: np.ndarray

    def frame(self, funnel: Funnel) -> pd.DataFrame:
        """The policy at the centre of the assumptions, one row per rep, period and state: ``sold`` (revenue
        so far in the pay period, in the data's units: the state times the period's expected revenue at the
        observed effort), ``sold_share`` (the state) and ``effort`` (the mean over families, 1.0 = observed)."""
        d, g, r, p, f = self.effort.shape
        level = self.effort[0].mean(-1)                                                # (G, R, P)
        chosen = np.take_along_axis(level[..., None], self.policy[0][None], axis=0)[0]   # (R, P, X)
        return pd.DataFrame({"rep_id": np.repeat(funnel.reps, p * len(STATES)),
                             "period": np.tile(np.repeat(funnel.periods, len(STATES)), r),
                             "sold_share": np.tile(STATES, r * p),
                             "sold": (self.scale[0][..., None] * STATES).ravel(),
                             "effort": chosen.ravel()})

    def follow(self, funnel: Funnel, z: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The simulated years ``z`` as the reps live them: facts (D, S, R, P) and effort (D, S, R, P, F).

        Each year starts every pay period at nothing sold; each month the rep
        takes the policy's pace at the state nearest to what they sold so far.
        """
        d, g, r, p, f = self.effort.shape
        s = z.shape[1]
        start = np.r_[True, self.units[1:] != self.units[:-1]]
        step = STATES[1] - STATES[0]
        chosen = np.empty((d, s, r, p), dtype=int)
        facts: dict[str, np.ndarray] = {}
        ri, si = np.arange(r)[None, :], np.arange(s)[:, None]
        for draw in range(d):            # one draw at a time: the years at every level of one draw fit in memory
            grid = simulate(funnel, self.effort[draw], z)                             # (G, S, R, P) each
            revenue = grid["revenue"] / np.maximum(self.scale[draw], 1e-9)
            sold = np.zeros((s, r))
            for month in range(p):
                if start[month]:
                    sold[:] = 0.0
                state = np.clip(np.rint(sold / step).astype(int), 0, len(STATES) - 1)
                pick = self.policy[draw, ri, month, state]                             # (S, R)
                chosen[draw, ..., month] = pick
                sold = sold + revenue[pick, si, ri, month]
            for m, v in grid.items():
                facts.setdefault(m, np.empty((d, s, r, p)))[draw] = np.take_along_axis(v, chosen[draw][None], 0)[0]
        effort = np.moveaxis(self.effort, 1, -2)                                    # (D, R, P, G, F)
        lived = np.take_along_axis(effort, np.moveaxis(chosen, 1, -1)[..., None], axis=-2)  # (D, R, P, S, F)
        return facts, np.moveaxis(lived, 3, 1)                                      # (D, S, R, P, F)


def _interpolate(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``values`` (D, R, X) on :data:`STATES` read at ``at`` (D, G, S, R, X): linear, and straight on past the
    last point (an accelerator keeps rising). One flat gather, no broadcast copy of ``values``."""
    d, r, x = values.shape
    step = STATES[1] - STATES[0]
    position = at / step
    index = np.clip(position.astype(np.int64), 0, x - 2)          # at >= 0, so truncation is the floor
    weight = position - index
    index += (np.arange(d)[:, None, None, None, None] * r + np.arange(r)[None, None, None, :, None]) * x
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
    months = simulate(funnel, trial.reshape(d * g, r, p, f), z)["revenue"].reshape(d, g, s, r, p)
    months = months / np.maximum(scale, 1e-9)[:, None, None]

    # The pay for the whole pay period when it sells a share x of its expected revenue (and deals).
    ratio = scale / np.maximum((expected["revenue"][:, 0] @ onehot) @ onehot.T, 1e-9)   # state 1 -> chosen
    blocks = {m: np.repeat(v * ratio[:, None], x, axis=0) * np.tile(STATES, d)[:, None, None, None]
              if m in _MOVED else np.repeat(v, x, axis=0) for m, v in expected.items()}
    paid = Payer(plan, funnel, d * x, 1).pay(blocks)["total"].reshape(d, x, r, p) @ onehot   # (D, X, R, U)
    value = np.moveaxis(paid, 1, -1)[:, :, units]                                   # (D, R, P, X) by period

    gamma = calib.gamma[:, None, None, None, None]
    k, m = calib.k_by_period[:, None], calib.m[:, None]                              # (D, 1, R, P, F)
    own = (m * trial - k * trial ** gamma / gamma).sum(-1)                          # (D, G, R, P)

    policy = np.zeros((d, r, p, x), dtype=int)
    last = np.r_[units[1:] != units[:-1], True]
    ahead = None                                                                     # value of the months after
    for month in range(p - 1, -1, -1):
        after = value[:, :, month] if last[month] else ahead                         # (D, R, X)
        at = STATES[None, None, None, :] + months[..., month][..., None]            # (D, G, S, R, X)
        future = _interpolate(after, at).mean(2)                                    # (D, G, R, X)
        total = future + own[..., month][..., None]
        policy[:, :, month] = total.argmax(1)
        ahead = total.max(1)
    return Pacing(trial, policy, scale, units)
