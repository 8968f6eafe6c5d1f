"""How reps would respond to a new plan: a behavioural model, calibrated by revealed preference.

``model``      effort per activity family -> activity -> the rep's own funnel -> deals, revenue; the fast payer
``calibrate``  the cost of effort that makes the observed year a best response to the current plan
``predict``    best responses under a new plan and :func:`predict` (figures, intervals, sensitivity, verdict)
``pacing``     within a quarter or a year, each month re-planned from what the rep has sold so far
``luck``       luck that lasts from month to month, read from the team's months where they show it
``bunching``   thresholds of a plan, the histogram of attainment around them, the pay at stake
``generate``   teams that behave by the model: known costs (round trips), ``make_team(..., plan=...)``
``responder``  one calibration, the expected year under any plan (the tuner's "as reps would respond")
``text``       the assumptions and the summary in plain words (catalog ``response.*``)

This is a model, not a forecast: every figure comes with the range its
assumptions allow, and :meth:`Prediction.assumptions_text` says what they are.
"""

from __future__ import annotations

from .calibrate import NO_REWARD, Calibration, calibrate, cost_of_effort, elasticity_floor, marginal_pay
from .model import FAMILIES, Assumptions, Funnel, Payer, simulate
from .bunching import Bunching, thresholds
from .generate import make_team
from .responder import Responder
from .predict import OUTCOMES, Prediction, best_response, best_timing, predict

__all__ = ["Assumptions", "Funnel", "Payer", "simulate", "FAMILIES", "Calibration", "calibrate", "marginal_pay", "cost_of_effort", "elasticity_floor", "NO_REWARD",
           "best_response", "best_timing", "predict", "Prediction", "OUTCOMES", "Bunching", "thresholds",
           "make_team", "Responder"]
