"""The plan model: the contract of ``plan-format.md`` as frozen, validated data.

A plan is data, not code. Every class here is a frozen dataclass that checks
itself on construction; a variant of a plan is made with
:func:`dataclasses.replace`, never by mutation. Parsing from a mapping (or a
YAML file) collects *every* problem it finds, each with its key path, e.g.
``components[2].tiers[1].from: tiers must start in increasing order (50000 after 100000)``.

The package, one job per module:

``_base``       problems with key paths, names, frozen mappings, numbers as written
``components``  curves and the component kinds (bonus, scorecard, commission, team, penalty)
``rules``       gates, modifiers and limits
``model``       :class:`Plan` and :class:`Scheme`
``periods``     what a plan says about time (pay across months)
``versions``    :class:`PlanVersions`: plans in force one after another
``parse``       plan-format mappings into those objects, every problem collected
``yaml_io``     strict YAML in and out, :func:`load_plan`
``paths``       read and change one number by its key path

This package never touches a team's data: evaluation lives in
:mod:`kpilab.engine`, the boundary rule in :mod:`kpilab.curves`.
"""

from __future__ import annotations

from ._base import RESERVED_NAMES, WEIGHT_TOLERANCE, FrozenMap, Problems
from .components import Bonus, Commission, Component, Curve, Kpi, Penalty, Scorecard, TeamBonus, Tier
from .rules import AllOf, AnyOf, Cond, Condition, Gate, Limits, Modifier
from .model import Plan, Scheme
from .versions import PlanVersions
from .yaml_io import load_plan
from .paths import format_path, get_at, numeric_paths, parse_path, set_at, set_weight

__all__ = [
    "Curve", "Tier", "Kpi", "Bonus", "Scorecard", "Commission", "TeamBonus", "Penalty",
    "Condition", "AllOf", "AnyOf", "Gate", "Modifier", "Limits", "Plan", "Scheme", "PlanVersions",
    "load_plan", "RESERVED_NAMES", "WEIGHT_TOLERANCE", "FrozenMap", "Problems", "Component", "Cond",
    "parse_path", "format_path", "get_at", "set_at", "set_weight", "numeric_paths",
]
