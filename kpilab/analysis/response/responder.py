"""The team as it would respond to any plan, calibrated once: for callers that try many plans (the tuner).

:class:`Responder` calibrates the cost of effort once on the plan in force
(:func:`~.calibrate.calibrate`, centre of the assumptions) and then, for each
plan asked, solves the reps' best response and timing
(:func:`~.predict.best_response`, :func:`~.predict.best_timing`) and returns
the team's expected year under it: the same model and the same figures as
:func:`~.predict.predict`'s centre, without the ranges.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ...plan import Plan, Scheme
from .calibrate import Calibration, calibrate
from .luck import read_luck
from .model import Assumptions, Funnel, retime, simulate
from .predict import best_response, best_timing, lived_year

__all__ = ["Responder"]

#: The columns a response changes (the rest of the team table stays as recorded).
MOVED = ("calls", "meetings", "emails", "follow_ups", "deals", "revenue", "repeat_revenue")


def _centre(calib: Calibration) -> Calibration:
    """The calibration at the centre of the assumptions only (the first parameter draw)."""
    one = {name: getattr(calib, name)[:1] for name in ("k", "m", "from_elasticity", "source")
           if getattr(calib, name) is not None}
    return replace(calib, draws=calib.draws.iloc[:1].reset_index(drop=True), **one)


class Responder:
    """The reps' expected year under any plan, from one calibration on ``current``.

    Parameters
    ----------
    current
        The plan in force when ``team`` was recorded.
    team
        One observed year (no ``scenario`` column).
    scenarios, seed, assumptions
        As for :func:`~.predict.predict`, whose simulated years these are (the same seed, the same
        years): :meth:`figures` is predict's ``predicted`` column bit for bit.
    """

    def __init__(self, current: Plan | Scheme, team: pd.DataFrame, *, scenarios: int = 16, seed: int = 0,
                 assumptions: Assumptions | None = None) -> None:
        self.current = current
        a = assumptions or Assumptions()
        self.funnel, self.luck = read_luck(Funnel.from_team(team, a))
        self.scenarios = scenarios
        rng = np.random.default_rng(seed)          # drawn in predict's order
        self.z = self.funnel.noise(min(a.optimise_scenarios, scenarios), rng, stratified=True)
        self.z_out = self.funnel.noise(scenarios, rng)
        self.calibration = _centre(calibrate(current, self.funnel, self.z))
        self._observed = self._expected(np.ones((1, *self.funnel.shape, self.calibration.k.shape[-1])), None)
        self._last: tuple[Plan | Scheme, dict[str, np.ndarray]] | None = None

    def _expected(self, effort: np.ndarray, shift: np.ndarray | None) -> dict[str, np.ndarray]:
        facts = simulate(self.funnel, effort, self.z)
        if shift is not None:
            facts, _ = retime(facts, shift)
        return {m: facts[m][0].mean(0) for m in MOVED}        # (R, P)

    def facts(self, plan: Plan | Scheme) -> dict[str, np.ndarray]:
        """Expected activity, deals and revenue per rep and period (R, P) under ``plan`` (the last plan asked
        is remembered: the tuner asks for its frame and then for its figures)."""
        if self._last is not None and self._last[0] is plan:
            return self._last[1]
        effort = best_response(plan, self.funnel, self.calibration, self.z)
        lived, effort = lived_year(plan, self.funnel, self.calibration, effort, self.z, self.z)
        timed, _ = retime(lived, best_timing(plan, self.funnel, effort, self.z, lived))
        facts = {m: timed[m][0].mean(0) for m in MOVED}        # (R, P)
        self._last = (plan, facts)
        return facts

    def figures(self, plan: Plan | Scheme) -> dict[str, float]:
        """The team's yearly figures under ``plan`` (:data:`~.predict.OUTCOMES`): predict's centre, bit for bit."""
        from .model import Payer
        from .predict import OUTCOMES, _figures

        effort = best_response(plan, self.funnel, self.calibration, self.z)
        lived, effort = lived_year(plan, self.funnel, self.calibration, effort, self.z, self.z_out)
        facts, _ = retime(lived, best_timing(plan, self.funnel, effort, self.z_out, lived))
        r, periods = self.funnel.shape
        pay = Payer(plan, self.funnel, 1, self.scenarios).pay(facts)["total"].reshape(1, self.scenarios, r, periods)
        per = _figures(facts, pay, periods)
        out = {name: float(per[name][0].sum()) for name in OUTCOMES if name != "cost_of_sales"}
        out["cost_of_sales"] = out["pay"] / out["revenue"] if out["revenue"] else float("nan")
        return out

    def observed(self) -> dict[str, np.ndarray]:
        """The expected year at the observed effort (R, P): what "as last year" means in the model."""
        return self._observed

    def year(self, plan: Plan | Scheme) -> pd.DataFrame:
        """The team table (sorted by rep, then period) with the expected year under ``plan``."""
        year = self.funnel.team.copy()
        for metric, values in self.facts(plan).items():
            if metric in year.columns:
                year[metric] = values.ravel()
        return year

    def respond(self, plan: Plan | Scheme, data: pd.DataFrame) -> pd.DataFrame:
        """``data`` (the observed year, or simulated years of it with a ``scenario`` column) as reps would
        respond to ``plan``: each row's activity, deals and revenue scaled by the ratio of the rep's
        expected period under ``plan`` to that under the plan in force, so simulated luck is kept."""
        new = self.facts(plan)
        index = pd.MultiIndex.from_arrays([np.repeat(self.funnel.reps, self.funnel.shape[1]),
                                           np.tile(self.funnel.periods, self.funnel.shape[0])])
        keys = pd.MultiIndex.from_arrays([data["rep_id"].to_numpy(), data["period"].to_numpy()])
        where = index.get_indexer(keys)
        out = data.copy()
        for metric in MOVED:
            if metric not in out.columns:
                continue
            with np.errstate(all="ignore"):
                ratio = np.where(self._observed[metric] > 0, new[metric] / self._observed[metric], 1.0).ravel()
            scale = np.where(where >= 0, ratio[np.maximum(where, 0)], 1.0)
            out[metric] = out[metric].to_numpy(float) * scale
        return out
