"""The engine: a plan (or scheme) and a performance table in, the payout table out.

``resolve``   the team once: facts, targets, team attainment per row, every input problem found
``pay``       pay per component kind, gates, modifiers, caps, penalties, floor (contract section 7)
``rounding``  money to kopecks, the rounded parts adding up to the rounded total
``payouts``   :class:`Payouts` and :class:`Explanation`, the results
``evaluation`` :func:`evaluate`, the one entry point (and its parallel blocks)
``resolved``  resolve once, pay many: :func:`resolve_team`, :func:`pay_resolved`, :func:`evaluate_resolved`

The boundary rule lives below the plan, in :mod:`kpilab.curves`. This package
never reads files, plots or prints.
"""

from __future__ import annotations

from ..curves import TOL_REL, _reach_tolerance, curve_values, step_band
from .evaluation import OUTPUT_TAIL, evaluate
from .explain import Explanation
from .payouts import Payouts, ResolvedView
from .resolved import Resolved, evaluate_resolved, pay_resolved, resolve_team
from .rounding import round_money

__all__ = ["evaluate", "Payouts", "Explanation", "ResolvedView", "curve_values", "step_band", "round_money", "TOL_REL",
           "OUTPUT_TAIL", "_reach_tolerance", "Resolved", "resolve_team", "pay_resolved", "evaluate_resolved"]
