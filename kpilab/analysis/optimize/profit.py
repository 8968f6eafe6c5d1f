"""The ``profit`` objective: predicted profit after pay under the behavioural response model.

A plan changes what reps do, so its profit is not the observed revenue minus
its pay. :class:`ProfitModel` calibrates the response model
(:mod:`kpilab.analysis.response`, revealed preference) once on the starting
plan and the observed year, then for every candidate predicts each rep's best
response (effort per activity family), simulates the funnel over the same
simulated years (common random numbers, so candidates differ by their plan and
not by luck) and returns revenue minus pay, summed over reps and months, mean
over the years: the ``profit_after_pay`` of :func:`~kpilab.analysis.response.predict`
at the centre of the assumptions.

The search uses the centre only (about a second per candidate here; the
verdict figures take about 30 ms): ask for it with a modest ``budget``. The
best plan is then predicted again with every parameter draw
(:func:`~kpilab.analysis.response.predict`), so the result states the range the
assumptions allow and the assumptions themselves beside the figure.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...errors import KpilabError
from ...plan import Plan, Scheme
from ...i18n.messages import msg

__all__ = ["ProfitModel", "PROFIT_SCENARIOS"]

#: Simulated years a candidate's profit is predicted over (the model's own default is 200).
PROFIT_SCENARIOS = 100


class ProfitModel:
    """Predicted profit after pay of any candidate, the response model calibrated once on the start.

    Parameters
    ----------
    start
        The starting plan: the observed year is taken as the reps' best response to it.
    team
        One observed year (no ``scenario`` column).
    scenarios, seed, assumptions
        As for :func:`~kpilab.analysis.response.predict`; the same seed gives the same years.
    """

    def __init__(self, start: Plan | Scheme, team: pd.DataFrame, *, scenarios: int = PROFIT_SCENARIOS,
                 seed: int = 0, assumptions: Any = None) -> None:
        from ..response import Assumptions
        from ..response.responder import Responder

        if "scenario" in team.columns:
            raise KpilabError(msg("api_errors.optimize_profit_needs_observed_year"))
        self.start, self.team, self.scenarios, self.seed = start, team, int(scenarios), seed
        self.assumptions = assumptions or Assumptions()
        # one calibration on the start, predict's own draws: the figure is predict's centre, bit for bit
        self.responder = Responder(start, team, scenarios=self.scenarios, seed=seed, assumptions=self.assumptions)
        self.calibration = self.responder.calibration

    def __call__(self, plan: Plan | Scheme) -> float:
        """Predicted yearly revenue minus pay of the team under ``plan`` (centre of the assumptions)."""
        return self.responder.figures(plan)["profit_after_pay"]

    def predict(self, plan: Plan | Scheme, lang: str = "en") -> Any:
        """The full prediction for ``plan`` against the start (every draw; its assumptions in words)."""
        from ..response import predict

        return predict(self.start, plan, self.team, scenarios=self.scenarios, seed=self.seed,
                       assumptions=self.assumptions, verdict=False, lang=lang)
