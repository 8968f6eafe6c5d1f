"""Analysis: does a plan pay for performance, what does it cost, where are its design risks.

Pure functions over :class:`~kpilab.engine.Payouts` and team tables, returning
small frozen result objects with ``.table`` / ``.to_frame()`` and an HTML view
for notebooks. This package never imports matplotlib: plots live in
:mod:`kpilab.plots` and draw these results.
"""

from __future__ import annotations

from .criteria import SOURCES, Criteria
from .differentiation import DifferentiationReport, differentiation, excellence_to_threshold
from .profile import TeamProfile, profile_team

__all__ = ["Criteria", "SOURCES", "differentiation", "DifferentiationReport", "excellence_to_threshold",
           "TeamProfile", "profile_team"]
from .lint import Finding, LintReport, lint, payout_curve

__all__ += ["lint", "LintReport", "Finding", "payout_curve"]
from .compare import Comparison, compare
from .economics import CallEconomics, call_economics
from .fines import FinesVsBonuses, bonus_twin, fines_vs_bonuses
from .tail import ReplacementResult, TailReport, simulate_replacement, tail

__all__ += ["compare", "Comparison", "tail", "TailReport", "simulate_replacement", "ReplacementResult",
            "fines_vs_bonuses", "FinesVsBonuses", "bonus_twin", "call_economics", "CallEconomics"]
from .gaming import padding_gains, skipped_activity, timing_gains, windfall_months
from .segments import Segments, segment_recovery, segment_reps

__all__ += ["segment_reps", "Segments", "segment_recovery", "timing_gains", "padding_gains", "windfall_months",
            "skipped_activity"]
from .budget import budget_quantiles

__all__ += ["budget_quantiles"]
from .sweep import SweepResult, Sweeper, sweep

__all__ += ["sweep", "Sweeper", "SweepResult"]
from .optimize import OptimizeResult, optimize

__all__ += ["optimize", "OptimizeResult"]
from .recommend import recommend
from .transition import Transition, transition

__all__ += ["recommend", "transition", "Transition"]
