"""The plan model: the contract of ``plan-format.md`` as frozen, validated data.

A plan is data, not code. Every class here is a frozen dataclass that checks
itself on construction; a variant of a plan is made with
:func:`dataclasses.replace`, never by mutation. Parsing from a mapping (or a
YAML file) collects *every* problem it finds, each with its key path, e.g.
``components[2].tiers[1].from: tiers must start in increasing order (50000 after 100000)``.

The package, one job per module:

``_base``       problems with key paths, names, frozen mappings, numbers as written
``curve``       curves: points or steps, parsed with key paths
``kinds``       the component kinds (bonus, scorecard, commission, team, penalty): a registry, one module
                per kind owning its parsing, checks, writing back, pay, explanation and tunable numbers
``rules``       gates, modifiers and limits
``model``       :class:`Plan` and :class:`Scheme`
``periods``     what a plan says about time (pay across months)
``versions``    :class:`PlanVersions`: plans in force one after another
``parse``       plan-format mappings into those objects, every problem collected
``yaml_io``     strict YAML in and out, :func:`load_plan`
``paths``       read and change one number by its key path

This package never resolves a team's data: resolution and evaluation live in
:mod:`kpilab.engine`, which hands each kind's ``pay`` the resolved arrays; the
boundary rule lives in :mod:`kpilab.curves`.
"""

from __future__ import annotations

from ._base import RESERVED_NAMES, WEIGHT_TOLERANCE, FrozenMap, Problems
from .curve import Curve
from .kinds import ComponentKind, Tunable, register, registered
from .kinds.bonus import Bonus
from .kinds.commission import Commission, Tier
from .kinds.penalty import Penalty
from .kinds.scorecard import Kpi, Scorecard
from .kinds.team import TeamBonus
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
    "ComponentKind", "Tunable", "register", "registered",
]

#: Any component of a plan: an instance of a registered kind.
Component = ComponentKind
