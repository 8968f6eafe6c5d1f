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
from typing import Any

import numpy as np
import pandas as pd

from ...data.synth import make_team as synth_team
from ...plan import Plan, Scheme, load_plan
from .calibrate import Calibration, cost_of_effort, marginal_pay, observed_revenue
from .model import FAMILIES, Assumptions, Funnel, per_period, retime, simulate
from .pacing import pace
from .predict import best_response, best_timing, lived_year
from ...i18n.messages import msg

__all__ = ["RespondingTeam", "make_responding_team", "true_response", "make_team", "REFERENCE_RATE"]

#: The commission rate of the neutral plan whose best response the synthetic year is (see :func:`make_team`).
REFERENCE_RATE = 0.04


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
        The true best response to ``plan``, shape (R, P, F).
    shift
        The true timing (:func:`~.predict.best_timing`), shape (R, P - 1).
    """

    team: pd.DataFrame
    funnel: Funnel
    calibration: Calibration
    effort: np.ndarray
    shift: np.ndarray | None = None

    def cost_at_observed(self) -> np.ndarray:
        """The true ``k`` in the observed year's units (effort 1 = the observed effort), shape (R, P, F).

        In period p the marginal cost of the observed effort is ``k * e[p]**gamma``
        (what :attr:`~.calibrate.Calibration.k_by_period` estimates).
        """
        gamma = float(self.calibration.gamma[0])
        return self.calibration.k[0][:, None, :] * self.effort ** gamma


def _observed(funnel: Funnel, effort: np.ndarray, shift: np.ndarray | None = None,
              z: np.ndarray | None = None, year: int | None = None,
              facts: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """The team table at ``effort`` (R, P, F), with deals moved by ``shift`` (S, R, P - 1) in the simulated
    years ``z``: their average (``year`` None) or one of them. ``facts`` (1, S, R, P): the simulated years
    as lived (:func:`~.predict.lived_year`) instead of ``effort`` in every year."""
    facts = {m: v[:1] for m, v in facts.items()} if facts is not None else simulate(funnel, effort[None], z)
    if shift is not None:
        facts, _ = retime(facts, shift[None])
    team = funnel.team.copy()
    for metric, values in facts.items():
        if metric in team.columns:
            one = values[0].mean(0) if year is None else values[0, year]
            team[metric] = one.ravel()
    return team


def make_responding_team(plan: Plan | Scheme, n_reps: int = 12, periods: int = 6, *, seed: int = 0,
                         spread: float = 0.3, scenarios: int = 16, assumptions: Assumptions | None = None,
                         costs_from: Plan | Scheme | None = None, year: int | None = None,
                         **synth: Any) -> RespondingTeam:
    """A team whose observed year is its best response to ``plan`` with known costs of effort.

    Each rep's ``k`` per family is the marginal expected pay at unit effort
    under ``costs_from`` (default ``plan``; the elasticity floor where that
    plan pays nothing at the margin, :func:`~.calibrate.cost_of_effort`) times
    a log-normal factor (sigma ``spread``), so reps differ and effort is not
    1.0. Every rep then chooses effort per pay period and, in each simulated
    year, the timing of deals (:func:`~.predict.best_response`,
    :func:`~.predict.best_timing`). The observed year is the average of the
    simulated years (``year`` None: the expected year, for round trips) or
    one of them (a realised year, with its luck and its timing).
    ``synth`` goes to :func:`kpilab.data.synth.make_team`.
    """
    a = assumptions or Assumptions()
    rng = np.random.default_rng(seed)
    funnel = Funnel.from_team(synth_team(n_reps, periods, seed=seed, **synth), a)
    z = funnel.noise(scenarios, rng, stratified=True)
    pay, marginal = marginal_pay(costs_from or plan, funnel, np.ones((n_reps, len(FAMILIES))), z)
    k, m, floor = cost_of_effort(pay, marginal, np.array([a.gamma]), np.array([a.elasticity]),
                                 observed_revenue(funnel))
    factor = np.exp(spread * rng.standard_normal(marginal.shape))
    k = k[0] * factor
    draws = a.draws().iloc[:1].reset_index(drop=True)
    # Where the plan pays (almost) nothing at the margin, the rep works for other reasons (the benefit m of
    # the model, scaled with the rep's own cost): the same assumption the calibration makes of real data.
    m = per_period(m[0] * factor, periods)[None]
    calib = Calibration(draws, pay, marginal, k[None], m, floor)
    effort = best_response(plan, funnel, calib, z)
    policy = pace(plan, funnel, calib, effort, z)
    lived = None
    if policy is not None:       # re-planned month by month within a quarter or a year
        lived, paced = policy.follow(funnel, z)
        effort = paced.mean(1)
    if year is None:
        return RespondingTeam(_observed(funnel, effort[0], z=z, facts=lived), funnel, calib, effort[0])
    shift = best_timing(plan, funnel, effort, z, lived)
    return RespondingTeam(_observed(funnel, effort[0], shift[0], z, year, facts=lived), funnel, calib, effort[0],
                          shift[0, year])


def make_team(n_reps: int, periods: int = 12, *, plan: Plan | Scheme, behaviour: str = "respond",
              seed: int = 0, spread: float = 0.3, scenarios: int = 16,
              assumptions: Assumptions | None = None, **synth: Any) -> pd.DataFrame:
    """A synthetic team whose year is its best response to the plan in force.

    The reps of :func:`kpilab.data.synth.make_team` (same arguments in
    ``synth``) get costs of effort under which their synthetic year would be
    the best response to a neutral plan (a :data:`REFERENCE_RATE` commission
    on revenue: every ruble pays alike, no threshold). Under ``plan`` they then
    choose effort per pay period and time deals across its boundaries as the
    year unfolds; the table is one realised year. So bunching appears where
    ``plan`` creates it (just above a gate, a step, a quarter's quota) and
    nowhere else.

    Parameters
    ----------
    plan
        The plan in force.
    behaviour
        ``"respond"`` (the best response) or ``"as_generated"`` (the synthetic
        year unchanged, as :func:`kpilab.data.synth.make_team` gives it).

    Returns
    -------
    pandas.DataFrame
        The team table (the columns of :func:`kpilab.data.synth.make_team`),
        ``attrs["behaviour"]`` set.
    """
    if behaviour not in ("respond", "as_generated"):
        raise ValueError(msg("api_errors.response_behaviour", behaviour=behaviour))
    if behaviour == "as_generated":
        team = synth_team(n_reps, periods, seed=seed, **synth)
    else:
        reference = load_plan({"name": "reference", "components": [
            {"name": "commission", "kind": "commission", "metric": "revenue", "rate": REFERENCE_RATE}]})
        team = make_responding_team(plan, n_reps, periods, seed=seed, spread=spread, scenarios=scenarios,
                                    assumptions=assumptions, costs_from=reference, year=0, **synth).team
        for col in ("calls", "meetings", "emails", "follow_ups", "deals"):
            team[col] = team[col].round().astype(int)   # counts, as recorded
        team["revenue"] = team["revenue"].round(2)
    team.attrs["behaviour"] = behaviour
    return team


def true_response(truth: RespondingTeam, plan: Plan | Scheme, *, scenarios: int = 16,
                  seed: int = 1) -> pd.DataFrame:
    """The team's own best response to another plan: the expected year (one row per rep per period)."""
    z = truth.funnel.noise(scenarios, np.random.default_rng(seed))
    effort = best_response(plan, truth.funnel, truth.calibration, z, start=truth.effort[None])
    lived, effort = lived_year(plan, truth.funnel, truth.calibration, effort, z, z)
    return _observed(truth.funnel, effort[0], best_timing(plan, truth.funnel, effort, z, lived)[0], z,
                     facts=lived)
