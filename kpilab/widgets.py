"""Older name of :mod:`kpilab.dashboard`, kept because notebooks and the README call ``kpilab.widgets.tuner``."""

from __future__ import annotations

from .dashboard import PlanComparison, Tuner, comparison, control_class, control_specs, tuner

__all__ = ["Tuner", "tuner", "PlanComparison", "comparison", "control_class", "control_specs"]
