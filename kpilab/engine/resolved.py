"""Resolve once, pay many: a team validated and resolved once, then paid under plan after plan.

:func:`resolve_team` does everything :func:`~kpilab.engine.evaluate` does before it
pays: it checks the keys and every metric, target and override the plan reads,
and keeps the resolved arrays in a read-only :class:`Resolved` view.
:func:`pay_resolved` then pays any variant of that plan (another target bonus,
other curve points, weights, gate thresholds, tiers) against the view without
reading or checking the table again, and :func:`evaluate_resolved` wraps the
result in the same :class:`~kpilab.engine.Payouts` that ``evaluate`` returns.
The numbers are bit for bit those of ``evaluate(variant, team)``: the same
functions run on the same arrays.

What a variant may change without a new resolution: every number of the plan,
including ``base``, ``target_bonus`` and ``targets`` (the per-row arrays they
feed are rebuilt by the same rule as in a resolution, and team attainment is
summed again over the groups kept in the view). A variant that reads another
metric or drops a target is resolved afresh (still correct, just slower).

>>> import kpilab
>>> from kpilab.plan.paths import set_at
>>> team = kpilab.make_team(6, 3, seed=1)
>>> plan = kpilab.Plan.from_dict({"name": "p", "base": 50000, "target_bonus": 50000,
...     "targets": {"revenue": 1000000}, "components": [{"name": "sales", "kind": "bonus",
...     "metric": "revenue", "share": 1, "curve": {"points": [[0.8, 0.5], [1, 1], [1.5, 2]]}}]})
>>> view = resolve_team(plan, team)
>>> cheaper = set_at(plan, "target_bonus", 40000)
>>> bool((pay_resolved(cheaper, view)["total"] == kpilab.evaluate(cheaper, team).table["total"]).all())
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..i18n.messages import msg
from ..plan import Plan, Scheme, load_plan
from .pay import _plan_pay
from .payouts import Payouts
from .resolve import _KEY_COLUMNS, _check_keys, _codes, _Columns, _combine, _Locator, _numeric, _resolve

__all__ = ["Resolved", "resolve_team", "pay_resolved", "evaluate_resolved"]

#: The last columns of every payout table, in order (contract section 8); the same as evaluation.OUTPUT_TAIL.
_TAIL = ("cap_adjustment", "floor_adjustment", "variable", "total")


def _team_metrics(plans: Mapping[Any, Plan]) -> set[str]:
    return {m for p in plans.values() for c in p.components for m in c.team_metrics()}


def _target_keys(plans: Mapping[Any, Plan]) -> dict[Any, frozenset[str]]:
    """Per role, the metrics whose target the plan itself states (the rest come from plan_<metric>)."""
    return {role: frozenset(p.targets) for role, p in plans.items()}


@dataclass(frozen=True, eq=False)
class Resolved:
    """A team resolved for one plan (or scheme): the input arrays, checked, ready to pay.

    Build it with :func:`resolve_team`; treat it as a value.

    Attributes
    ----------
    plan
        The plan or scheme the team was resolved for.
    frame
        The performance table as given (its key columns go into payout tables).
    n
        Rows.
    columns
        The resolved arrays (facts, targets, team attainment, base, target bonus per row).
    row_plan
        Per role, which rows it pays (``{None: all rows}`` for a plan).
    given
        Per override column present in the table (``base``, ``target_bonus``,
        ``plan_<metric>``), its values (NaN where blank): a variant's per-row
        arrays are rebuilt from these and its own numbers.
    team_group
        Per row, its (scenario, team, period) group, when a team component needs it.
    n_scenarios
        Distinct scenarios (1 without a ``scenario`` column).
    """

    plan: Plan | Scheme
    frame: pd.DataFrame
    n: int
    columns: _Columns
    row_plan: dict[Any, np.ndarray]
    given: dict[str, np.ndarray]
    team_group: np.ndarray | None
    n_scenarios: int = 1
    source: str | None = None

    def _fits(self, plan: Plan | Scheme) -> bool:
        """True when ``plan`` reads nothing the view lacks (same roles, metrics and stated targets)."""
        mine, theirs = self.plan.plans(), plan.plans()
        if mine.keys() != theirs.keys():
            return False
        facts, targets = self.columns.facts, self.columns.targets
        if _team_metrics(theirs) - set(self.columns.team_attainment):
            return False
        old_keys, new_keys = _target_keys(mine), _target_keys(theirs)
        for role, p in theirs.items():
            if p.metrics_needed() - set(facts) or p.attainment_metrics() - set(targets):
                return False
            # A target the variant stops (or starts) stating changes which rows have one: resolve afresh.
            if (old_keys[role] ^ new_keys[role]) & set(targets):
                return False
        return True

    def columns_for(self, plan: Plan | Scheme) -> _Columns:
        """The resolved arrays for a variant: facts shared, per-row money and targets rebuilt by the
        same rule as a resolution (the plan's number where the row states none)."""
        if plan is self.plan:
            return self.columns
        plans = plan.plans()
        cols = self.columns

        def override(column: str, value_of: Any, current: np.ndarray) -> np.ndarray:
            values = [value_of(p) for p in plans.values()]
            if values == [value_of(p) for p in self.plan.plans().values()]:
                return current  # unchanged: the very array of the resolution
            out = np.full(self.n, np.nan)
            for role, p in plans.items():
                value = value_of(p)
                if value is not None:
                    out[self.row_plan[role]] = value
            given = self.given.get(column)
            return out if given is None else np.where(np.isnan(given), out, given)

        base = override("base", lambda p: p.base, cols.base)
        target_bonus = override("target_bonus", lambda p: p.target_bonus, cols.target_bonus)
        targets = {m: override(f"plan_{m}", lambda p, m=m: p.targets.get(m), t) for m, t in cols.targets.items()}
        team_attainment = dict(cols.team_attainment)
        if self.team_group is not None:
            for metric in team_attainment:
                if targets[metric] is not cols.targets[metric]:
                    fact_sum = np.bincount(self.team_group, weights=cols.facts[metric])
                    target_sum = np.bincount(self.team_group, weights=targets[metric])
                    team_attainment[metric] = (fact_sum / target_sum)[self.team_group]
        return _Columns(self.n, cols.facts, targets, team_attainment, base, target_bonus)


def _as_plan(plan: Plan | Scheme | Mapping[str, Any], what: str) -> Plan | Scheme:
    if isinstance(plan, Mapping):
        plan = load_plan(plan)
    if not isinstance(plan, (Plan, Scheme)):
        raise TypeError(msg("api_errors.resolve_needs_plan", what=what, plan_type=type(plan).__name__))
    return plan


def resolve_team(plan: Plan | Scheme | Mapping[str, Any], performance: pd.DataFrame, *,
                 source: str | None = None) -> Resolved:
    """Check and resolve a performance table once for a plan and its variants.

    Parameters
    ----------
    plan
        The plan (or scheme) whose variants will be paid; it decides which
        metrics and targets are read and checked.
    performance
        One row per rep per period (and scenario), as for :func:`~kpilab.engine.evaluate`.
    source
        A file name for error messages (default: ``performance.attrs["source"]``).

    Returns
    -------
    Resolved
        The read-only view :func:`pay_resolved` pays against.

    Raises
    ------
    DataError
        Exactly the problems ``evaluate`` reports (a missing, empty, non-numeric
        or negative metric, a duplicate key, a missing target, an unknown role),
        and an empty table (there is nothing to resolve).
    """
    plan = _as_plan(plan, "resolve_team")
    if not isinstance(performance, pd.DataFrame):
        raise TypeError(msg("api_errors.resolve_needs_frame", performance_type=type(performance).__name__))
    frame = performance
    loc = _Locator(frame, source)
    if len(frame) == 0:
        raise loc.error(msg("data_errors.no_rows"))
    keys = _check_keys(frame, loc)
    cols, row_plan = _resolve(plan.plans(), frame, loc, lambda: keys)
    given: dict[str, np.ndarray] = {}
    for column in ("base", "target_bonus", *(f"plan_{m}" for m in cols.targets)):
        if column in frame.columns:
            given[column] = _numeric(frame, column, None, loc, optional=True)
    group = None
    if cols.team_attainment:
        coded = [keys.get(c) or _codes(frame[c]) for c in ("scenario", "team", "period") if c in frame.columns]
        _, group = np.unique(_combine(coded), return_inverse=True)
        group = group.ravel()
    n_scenarios = int(pd.Series(keys["scenario"][0]).nunique()) if "scenario" in keys else 1
    return Resolved(plan, frame, len(frame), cols, row_plan, given, group, n_scenarios, source)


def pay_resolved(plan: Plan | Scheme | Mapping[str, Any], resolved: Resolved) -> dict[str, np.ndarray]:
    """Pay a plan variant against a resolved team: the payout table's money columns as arrays.

    Parameters
    ----------
    plan
        A variant of ``resolved.plan`` (any numbers changed).
    resolved
        From :func:`resolve_team`.

    Returns
    -------
    dict of str to numpy.ndarray
        ``base``, one column per component, ``cap_adjustment``,
        ``floor_adjustment``, ``variable``, ``total``: bit for bit
        ``evaluate(plan, resolved.frame).table[...]``.
    """
    plan = _as_plan(plan, "pay_resolved")
    if not resolved._fits(plan):
        resolved = resolve_team(plan, resolved.frame, source=resolved.source)
    cols = resolved.columns_for(plan)
    if isinstance(plan, Plan):
        return _plan_pay(plan, cols)
    names = plan.component_names
    result = {c: np.full(resolved.n, np.nan) for c in ["base", *names, *_TAIL]}
    for role, p in plan.plans().items():
        rows = np.flatnonzero(resolved.row_plan[role])
        if rows.size == 0:
            continue
        for col, values in _plan_pay(p, cols.take(rows)).items():
            result[col][rows] = values
    return result


def evaluate_resolved(plan: Plan | Scheme | Mapping[str, Any], resolved: Resolved) -> Payouts:
    """:func:`pay_resolved` as the :class:`~kpilab.engine.Payouts` of ``evaluate(plan, resolved.frame)``."""
    plan = _as_plan(plan, "evaluate_resolved")
    if not resolved._fits(plan):
        resolved = resolve_team(plan, resolved.frame, source=resolved.source)
    cols = resolved.columns_for(plan)
    result = pay_resolved(plan, resolved)
    frame = resolved.frame
    table: dict[str, Any] = {c: frame[c].reset_index(drop=True) for c in _KEY_COLUMNS if c in frame.columns}
    table["base"] = result["base"]
    for name in plan.component_names:
        table[name] = result[name]
    for col in _TAIL:
        table[col] = result[col]
    out = pd.DataFrame(table, copy=False)
    return Payouts(out, plan, frame, cols.target_bonus, list(plan.component_names), list(plan.penalty_names),
                   cols, resolved.row_plan)
