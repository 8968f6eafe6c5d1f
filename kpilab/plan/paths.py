"""Read and change one number of a plan by its key path, without mutating anything.

A key path names a value the way the plan file spells it, the same paths
:class:`~kpilab.errors.PlanError` reports::

    target_bonus
    components[0].share
    components[0].kpis.calls.weight
    components[2].curve.points[1][1]        # y of the second point ([x, y])
    components[1].tiers[0].rate
    gates[0].when.attainment_at_least
    gates[1].when.all[0].attainment_at_least
    limits.variable_cap.share
    components[3].per_unit

Every function here is pure: it returns a new, validated :class:`~kpilab.plan.Plan`
(or :class:`~kpilab.plan.Scheme`) made with :func:`dataclasses.replace` (top-level
numbers) or with ``to_dict`` / ``from_dict`` (anything nested), and never
changes the plan it is given. A value that breaks the contract (a negative
share, curve points out of order) raises :class:`~kpilab.errors.PlanError`
naming the path, exactly as loading such a file would.

The tuner widget (:mod:`kpilab.widgets`) is a thin layer over these functions.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any, Union

from ..errors import PlanError
from ..i18n.messages import msg
from ._base import _fmt as _fmt_value
from .model import Plan, Scheme

__all__ = ["parse_path", "format_path", "get_at", "set_at", "set_weight", "numeric_paths", "Key"]

Key = Union[str, int]
PlanLike = Union[Plan, Scheme]

_TOKEN = re.compile(r"\[(-?\d+)\]|\.?([A-Za-z_][A-Za-z0-9_]*)")
_WEIGHT_PATH = re.compile(r"^(?P<card>.*\.kpis)\.(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\.weight$")


def parse_path(path: str) -> tuple[Key, ...]:
    """Split a key path into its keys.

    Parameters
    ----------
    path
        ``"components[0].kpis.calls.weight"``.

    Returns
    -------
    tuple of str and int
        ``("components", 0, "kpis", "calls", "weight")``.

    Raises
    ------
    ValueError
        When ``path`` is empty or not made of ``name`` / ``[index]`` parts.

    Examples
    --------
    >>> parse_path("components[2].curve.points[1][1]")
    ('components', 2, 'curve', 'points', 1, 1)
    """
    keys: list[Key] = []
    pos = 0
    while pos < len(path):
        match = _TOKEN.match(path, pos)
        named_without_dot = match is not None and match.group(2) is not None and (
            (pos == 0 and path.startswith(".")) or (pos > 0 and path[pos] != "."))
        if match is None or named_without_dot:
            raise ValueError(msg("plan_errors.path_bad", path=_fmt_value(path), position=pos + 1))
        index, name = match.groups()
        keys.append(int(index) if index is not None else name)
        pos = match.end()
    if not keys:
        raise ValueError(msg("plan_errors.path_empty"))
    return tuple(keys)


def format_path(keys: tuple[Key, ...] | list[Key]) -> str:
    """The inverse of :func:`parse_path`: ``("gates", 0, "when")`` -> ``"gates[0].when"``."""
    out = ""
    for key in keys:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _walk(data: Any, keys: tuple[Key, ...], path: str) -> Any:
    node = data
    for depth, key in enumerate(keys):
        where = format_path(keys[: depth + 1])
        if isinstance(key, int):
            if not isinstance(node, list) or not -len(node) <= key < len(node):
                raise KeyError(msg("plan_errors.path_no_item", path=path, where=where))
        elif not isinstance(node, Mapping) or key not in node:
            raise KeyError(msg("plan_errors.path_no_key", path=path, where=where))
        node = node[key]
    return node


def _rebuild(plan: PlanLike, data: Mapping[str, Any]) -> PlanLike:
    return type(plan).from_dict(data)


def get_at(plan: PlanLike, path: str) -> Any:
    """The value at ``path`` in the plan's plan-format mapping.

    Parameters
    ----------
    plan
        A plan or a scheme (a scheme's paths start with ``plans.<role>.``).
    path
        A key path (see the module docstring).

    Returns
    -------
    Any
        A number for a leaf; a mapping or list for an inner node.

    Raises
    ------
    KeyError
        When the path names nothing in this plan.
    """
    return _walk(plan.to_dict(), parse_path(path), path)


def set_at(plan: PlanLike, path: str, value: Any) -> PlanLike:
    """A new plan with the value at ``path`` replaced by ``value``.

    Parameters
    ----------
    plan
        The plan (never changed).
    path
        A key path that exists in ``plan.to_dict()``.
    value
        The new value (a number for a leaf).

    Returns
    -------
    Plan or Scheme
        A new, validated plan of the same type; equal to ``plan`` when
        ``value`` equals the current value.

    Raises
    ------
    KeyError
        When the path names nothing in this plan.
    PlanError
        When the new value breaks the contract (reported with its key path).

    Examples
    --------
    >>> p = Plan.from_dict({"name": "x", "target_bonus": 100, "components": []})
    >>> set_at(p, "target_bonus", 120).target_bonus
    120.0
    """
    keys = parse_path(path)
    if len(keys) == 1 and isinstance(plan, Plan) and isinstance(keys[0], str):
        field = keys[0]
        current = getattr(plan, field, None)
        if field in {f.name for f in dataclasses.fields(plan)} and isinstance(current, float):
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
                raise PlanError([(path, msg("plan_errors.set_not_a_number", value=_fmt_value(value)))])
            return dataclasses.replace(plan, **{field: float(value)})
    data = plan.to_dict()
    parent = _walk(data, keys[:-1], path) if len(keys) > 1 else data
    _walk(parent, keys[-1:], path)  # the leaf must exist: set_at never invents keys
    parent[keys[-1]] = copy.deepcopy(value)
    return _rebuild(plan, data)


def set_weight(plan: PlanLike, path: str, value: float) -> PlanLike:
    """Set one scorecard KPI weight and rescale the others so the weights still sum to 1.

    The other KPIs keep their proportions to each other: with weights
    0.3 / 0.3 / 0.15 / 0.25, setting the first to 0.5 gives
    0.5 / 0.2143 / 0.1071 / 0.1786. When the others are all 0, the rest is
    shared equally among them. A scorecard with one KPI keeps weight 1.

    Parameters
    ----------
    plan
        The plan (never changed).
    path
        ``"components[i].kpis.<metric>.weight"``.
    value
        The new weight, between 0 and 1.

    Returns
    -------
    Plan or Scheme
        A new plan whose scorecard weights sum to 1.

    Raises
    ------
    ValueError
        When ``path`` is not a KPI weight or ``value`` is outside [0, 1].
    """
    match = _WEIGHT_PATH.match(path)
    if match is None:
        raise ValueError(msg("plan_errors.path_not_weight", path=_fmt_value(path)))
    if not (isinstance(value, (int, float)) and 0.0 <= float(value) <= 1.0):
        raise ValueError(msg("plan_errors.path_weight_range", path=path, value=_fmt_value(value)))
    data = plan.to_dict()
    card_keys = parse_path(match["card"])
    kpis = _walk(data, card_keys, path)
    mine = match["metric"]
    if mine not in kpis:
        raise KeyError(msg("plan_errors.path_no_kpi", path=path, name=mine))
    others = [m for m in kpis if m != mine]
    if not others:
        return plan
    value = float(value)
    rest = 1.0 - value
    total = math.fsum(float(kpis[m]["weight"]) for m in others)
    new = {m: (float(kpis[m]["weight"]) / total * rest if total > 0 else rest / len(others)) for m in others}
    # the last of the others absorbs the rounding so the sum is 1 to the last bit
    last = others[-1]
    new[last] = max(0.0, 1.0 - value - math.fsum(new[m] for m in others[:-1]))
    kpis[mine]["weight"] = value
    for m, w in new.items():
        kpis[m]["weight"] = w
    return _rebuild(plan, data)


def _leaves(node: Any, keys: tuple[Key, ...]) -> Iterator[tuple[tuple[Key, ...], float]]:
    if isinstance(node, Mapping):
        for key, child in node.items():
            yield from _leaves(child, (*keys, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _leaves(child, (*keys, i))
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield keys, float(node)


def numeric_paths(plan: PlanLike) -> dict[str, float]:
    """Every number in the plan, by key path, in file order.

    Parameters
    ----------
    plan
        A plan or a scheme.

    Returns
    -------
    dict
        ``{"base": 60000.0, "target_bonus": 60000.0, "targets.calls": 800.0, ...}``.
    """
    return {format_path(keys): value for keys, value in _leaves(plan.to_dict(), ())}
