"""Teams that behave by the model: known costs of effort, best responses to a plan (for checks).

:func:`make_responding_team` draws each rep's cost of effort, lets every rep
choose effort as a best response to ``plan``, and writes the expected year at
that effort into a synthetic team table. Calibrating on that table must
recover the costs (:func:`~.calibrate.calibrate`), and predicting another plan
must land on the team's own best response to it: the round trip of the tests
and the notebook.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...data.synth import make_team
from ...plan import Plan, Scheme
from .calibrate import Calibration, cost_of_effort, marginal_pay
from .model import FAMILIES, Assumptions, Funnel, simulate
from .predict import best_response

__all__ = ["RespondingTeam", "make_responding_team", "true_response"]


@dataclass(frozen=True, eq=False)
class RespondingTeam:
    """A generated team and its truth.

    Attributes
    ----------
    team
        The observed year under ``plan`` (one row per rep per period).
    funnel
        The reps at unit effort (the generator's own scale).
    calibration
        The true costs (one parameter draw, no benefit ``m``).
    effort
        The true best response to ``plan``, shape (R, F).
    """

    team: pd.DataFrame
    funnel: Funnel
    calibration: Calibration
    effort: np.ndarray

    def cost_at_observed(self) -> np.ndarray:
        """The true ``k`` in the observed year's units (effort 1 = the observed effort): ``k * e**gamma``."""
        gamma = float(self.calibration.gamma[0])
        return self.calibration.k[0] * self.effort ** gamma


def _observed(funnel: Funnel, effort: np.ndarray) -> pd.DataFrame:
    facts = simulate(funnel, effort[None], None)
    team = funnel.team.copy()
    for metric, values in facts.items():
        if metric in team.columns:
            team[metric] = values[0, 0].ravel()
    return team


def make_responding_team(plan: Plan | Scheme, n_reps: int = 12, periods: int = 6, *, seed: int = 0,
                         spread: float = 0.3, scenarios: int = 16,
                         assumptions: Assumptions | None = None) -> RespondingTeam:
    """A team whose observed year is its best response to ``plan`` with known costs of effort.

    Each rep's ``k`` per family is the marginal expected pay under ``plan`` at
    unit effort (the elasticity floor where the plan pays nothing at the
    margin, :func:`~.calibrate.cost_of_effort`) times a log-normal factor
    (sigma ``spread``), so reps differ and effort is not 1.0.
    """
    a = assumptions or Assumptions()
    rng = np.random.default_rng(seed)
    funnel = Funnel.from_team(make_team(n_reps, periods, seed=seed), a)
    z = funnel.noise(scenarios, rng)
    pay, marginal = marginal_pay(plan, funnel, np.ones((n_reps, len(FAMILIES))), z)
    k, _, _ = cost_of_effort(pay, marginal, np.array([a.gamma]), np.array([a.elasticity]))
    k = k[0] * np.exp(spread * rng.standard_normal(marginal.shape))
    draws = a.draws().iloc[:1].reset_index(drop=True)
    calib = Calibration(draws, pay, marginal, k[None], np.zeros((1, *k.shape)), np.zeros((1, *k.shape), bool))
    effort = best_response(plan, funnel, calib, z)[0]
    return RespondingTeam(_observed(funnel, effort), funnel, calib, effort)


def true_response(truth: RespondingTeam, plan: Plan | Scheme, *, scenarios: int = 16,
                  seed: int = 1) -> pd.DataFrame:
    """The team's own best response to another plan: the expected year (one row per rep per period)."""
    z = truth.funnel.noise(scenarios, np.random.default_rng(seed))
    effort = best_response(plan, truth.funnel, truth.calibration, z, start=truth.effort[None])[0]
    return _observed(truth.funnel, effort)
