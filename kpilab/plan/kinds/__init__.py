"""Component kinds (contract section 5): a registry, each kind in one module that owns all of it.

``bonus``, ``scorecard``, ``commission``, ``team`` and ``penalty`` are the
modules of this package, each found and registered on import. A kind holds its
frozen dataclass, its parsing and validation (problems with key paths), its
``to_dict``, its vectorised pay, its explanation and its tunable numbers; the
parser, the engine, the statements, the dashboard and the lint look it up here.
The fines, gaming and fit analyses, the response model's bunching and the bonus
regulation ask it questions (is it a fine, where does its pay turn or jump, what
does it read, its rows in the regulation) instead of naming it. A kind defined elsewhere joins with
:func:`register`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from typing import Any

from ...i18n.messages import msg, names_list
from ...errors import PlanError
from .._base import Problems, _check_keys, _fmt, _join, _reroot, _suggest
from .._base import _check_number as check_number
from ._base import (ComponentKind, Facts, FineTerms, Note, RegulationWords, StatementItem, StatementWords, TraceLine,
                    TraceWords, Tunable, amount_at_target, amount_words, check_basis, check_metric, check_money,
                    copy_keys, curve_arg, kind_class, money_tunables, register, registered, require, unregister)

__all__ = ["ComponentKind", "Facts", "Note", "Tunable", "TraceWords", "StatementWords", "TraceLine",
           "StatementItem", "FineTerms", "RegulationWords", "register", "unregister", "registered", "kind_class",
           "parse_component",
           # helpers for writing a kind
           "check_number", "check_metric", "check_money", "check_basis", "copy_keys", "require", "curve_arg",
           "amount_at_target", "amount_words", "money_tunables"]

# Every module of this package not starting with "_" is a kind: importing it registers it.
for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")


def _listing(names: list[str]) -> str:
    if len(names) == 1:
        return names_list(names)
    return msg("plan_errors.or_last", first=names_list(names[:-1]), last=names_list(names[-1:]))


def parse_component(data: Any, path: str, problems: Problems) -> ComponentKind | None:
    """A plan-format component mapping as its kind's object; None, with every problem appended, when it is not one.

    The registry checks what all kinds share (a mapping, a known ``kind``, a
    ``name``, no unknown key); the kind parses the rest and checks itself, and
    its problems come back with their key paths under ``path``.
    """
    if not isinstance(data, Mapping):
        problems.append((path, msg("plan_errors.component_shape")))
        return None
    kinds = registered()
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in kinds:
        problems.append((_join(path, "kind"), msg("plan_errors.unknown_kind", value=_fmt(kind),
                                                  suggestion=_suggest(kind, kinds), kinds=names_list(kinds))
                         if kind is not None else msg("plan_errors.kind_required", kinds=_listing(list(kinds)))))
        return None
    if "name" not in data:
        problems.append((_join(path, "name"), msg("plan_errors.required")))
        return None
    cls = kinds[kind]
    start = len(problems)
    _check_keys(data, cls.keys, path, problems)
    args = {"name": data["name"], **cls.parse_fields(data, path, problems)}
    if len(problems) > start:
        return None
    try:
        return cls(**args)
    except PlanError as exc:  # the component's own checks, re-rooted at its path
        problems.extend((_reroot(p, path), m) for p, m in exc.problems)
        return None
