"""kpilab: design sales pay schemes (salary + KPI bonus) and prove who they reward.

The data flows one way::

    plan.yaml ─► Plan ─┐
                       ├─► evaluate() ─► Payouts ─► analysis ─► plots / report / widgets
    team.csv ─► load_team() / make_team() ┘

Everything a notebook needs is importable from here; heavier parts (analysis,
plots, widgets) load on first use.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # not imported from typing: this file runs before the command handles Ctrl-C
if TYPE_CHECKING:
    from typing import Any

    from .engine import Explanation, Payouts, evaluate
    from .errors import DataError, KpilabError, PlanError
    from .plan import Plan, PlanVersions, Scheme, load_plan

__version__ = "0.1.0"

# name -> module that defines it; imported on first access so `import kpilab` stays light (it loads no
# other module), and the command (kpilab.cli.main) handles Ctrl-C before pandas and numpy load.
_LAZY = {
    "KpilabError": "errors", "PlanError": "errors", "DataError": "errors",
    "Plan": "plan", "Scheme": "plan", "PlanVersions": "plan", "load_plan": "plan",
    "evaluate": "engine", "Payouts": "engine", "Explanation": "engine",
    "load_team": "data.team", "validate_team": "data.team",
    "make_team": "data.synth", "make_scenarios": "data.synth", "ARCHETYPES": "data.synth",
    "differentiation": "analysis", "compare": "analysis", "lint": "analysis", "tail": "analysis",
    "profile_team": "analysis", "TeamProfile": "analysis",
    "simulate_replacement": "analysis", "fines_vs_bonuses": "analysis", "call_economics": "analysis",
    "sweep": "analysis", "optimize": "analysis",
    "load_profile": "data.profiles", "load_client_team": "data.profiles", "ClientProfile": "data.profiles",
    "fit_plan": "analysis.fit", "statement_lines": "engine.explain", "write_regulation": "report.regulation",
    "datasets": "data.datasets", "plots": None, "widgets": None, "analysis": None, "report": None,
}

__all__ = list(_LAZY)
# subpackages that `import kpilab` used to load eagerly: still reachable as attributes (kpilab.plan.set_at)
_LAZY.update(dict.fromkeys(("plan", "engine", "data", "curves", "metrics", "cli", "errors")))


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'kpilab' has no attribute '{name}'")
    module_name = _LAZY[name]
    if module_name is None:
        return importlib.import_module(f".{name}", __name__)
    module = importlib.import_module(f".{module_name}", __name__)
    # `kpilab.datasets` is a module that moved into kpilab.data; the rest are names in a module.
    return module if module_name.rsplit(".", 1)[-1] == name else getattr(module, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
