"""The plan and the scheme: frozen, validated data (a plan is data, an evaluation is a pure function)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..i18n.messages import msg
from ..errors import PlanError
from ._base import FrozenMap, Problems, _check_number, _num_out, _raise, _suggest
from .kinds import ComponentKind as Component
from .periods import PeriodRules
from .rules import Gate, Limits, Modifier

# --------------------------------------------------------------------------- names in other languages

@dataclass(frozen=True)
class Names:
    """A plan's words in one language, from the plan file's ``names`` map (contract additions, 1.2).

    ``name`` and ``description`` replace the plan's own in that language;
    ``components`` names the component columns as a reader says them
    ("Revenue bonus" for ``revenue_bonus``, in each language).
    """

    name: str = ""
    description: str = ""
    components: Mapping[str, str] = field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        if not isinstance(self.components, FrozenMap):
            object.__setattr__(self, "components", FrozenMap(self.components))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.name:
            out["name"] = self.name
        if self.description:
            out["description"] = self.description
        if self.components:
            out["components"] = dict(self.components)
        return out


def _names_problems(names: Mapping[str, Names], components: list[str]) -> Problems:
    """Component names in the ``names`` map that the plan does not have."""
    out: Problems = []
    for lang, entry in names.items():
        for comp in entry.components:
            if comp not in components:
                out.append((f"names.{lang}.components.{comp}", msg("plan_errors.names_no_component", name=comp,
                                                                   suggestion=_suggest(comp, components))))
    return out


def _names_out(names: Mapping[str, Names]) -> dict[str, Any]:
    return {lang: entry.to_dict() for lang, entry in names.items()}


T = TypeVar("T")


def _built(parse: Callable[[Problems], T | None], source: str | None, what: str) -> T:
    """What ``parse`` built from a plan-format mapping, or a :class:`PlanError` with every problem it collected
    (the catalog message ``what`` when it collected none yet built nothing): the one shape of every ``from_dict``."""
    problems: Problems = []
    found = parse(problems)
    if problems or found is None:
        raise PlanError(problems or [("", msg(what))], source=source)
    return found


# --------------------------------------------------------------------------- plan

class _Worded:
    """A plan's or a scheme's name and description in a language: its ``names`` map, else its own."""

    name: str
    description: str
    names: Mapping[str, Names]

    def title(self, lang: str | None = None) -> str:
        """The name in ``lang`` (the ``names`` map), else the own name."""
        entry = self.names.get(lang) if lang else None
        return entry.name if entry is not None and entry.name else self.name

    def describe(self, lang: str | None = None) -> str:
        """The description in ``lang`` (the ``names`` map), else the own description."""
        entry = self.names.get(lang) if lang else None
        return entry.description if entry is not None and entry.description else self.description


@dataclass(frozen=True)
class Plan(_Worded):
    """A compensation plan: salary, target bonus, targets and components.

    Build one with :meth:`from_dict` / :meth:`from_yaml` / :func:`load_plan`, or
    directly; it validates itself either way. Make variants with
    :func:`dataclasses.replace` (or :meth:`replace_component`).

    Examples
    --------
    >>> p = Plan.from_dict({"name": "x", "base": 100, "components": []})
    >>> Plan.from_dict(p.to_dict()) == p
    True
    """

    name: str
    components: tuple[Component, ...] = ()
    base: float = 0.0
    target_bonus: float = 0.0
    targets: Mapping[str, float] = field(default_factory=FrozenMap)
    gates: tuple[Gate, ...] = ()
    modifiers: tuple[Modifier, ...] = ()
    limits: Limits = field(default_factory=Limits)
    currency: str = "RUB"
    description: str = ""
    names: Mapping[str, Names] = field(default_factory=FrozenMap)
    #: What the plan says about time (section 10, "Pay across months"); empty = each rep-month on its own.
    periods: PeriodRules = field(default_factory=PeriodRules)

    def __post_init__(self) -> None:
        if not isinstance(self.names, FrozenMap):
            object.__setattr__(self, "names", FrozenMap(self.names))
        object.__setattr__(self, "components", tuple(self.components))
        object.__setattr__(self, "gates", tuple(self.gates))
        object.__setattr__(self, "modifiers", tuple(self.modifiers))
        if not isinstance(self.targets, FrozenMap):
            object.__setattr__(self, "targets", FrozenMap(self.targets))
        _raise(self.problems())

    # -- validation
    def problems(self) -> Problems:
        """Every cross-field problem of the plan (each part checks itself on construction)."""
        out: Problems = []
        if not isinstance(self.name, str) or not self.name.strip():
            out.append(("name", msg("plan_errors.plan_name")))
        _check_number(out, "base", self.base, what="base")
        _check_number(out, "target_bonus", self.target_bonus, what="target_bonus")
        for metric, target in self.targets.items():
            _check_number(out, f"targets.{metric}", target, minimum=0.0, strict=True, what="target")
        names: dict[str, int] = {}
        for i, comp in enumerate(self.components):
            if comp.name in names:
                out.append((f"components[{i}].name", msg("plan_errors.duplicate_component", name=comp.name,
                                                         other=f"components[{names[comp.name]}]")))
            names.setdefault(comp.name, i)
        for name in self.periods.timing:
            if name not in names:
                out.append(("components", msg("plan_errors.timing_no_component", name=name,
                                                    suggestion=_suggest(name, names))))
        penalties = {c.name for c in self.components if c.deduction}
        for label, items in (("gates", self.gates), ("modifiers", self.modifiers)):
            for i, item in enumerate(items):
                path = f"{label}[{i}].applies_to"
                if isinstance(item.applies_to, str):
                    if item.applies_to != "all":
                        out.append((path, msg("plan_errors.applies_to_text", value=item.applies_to)))
                    continue
                if not item.applies_to:
                    out.append((path, msg("plan_errors.applies_to_empty")))
                for j, name in enumerate(item.applies_to):
                    if name in penalties:
                        what = "gate" if label == "gates" else "modifier"
                        out.append((f"{path}[{j}]", msg(f"plan_errors.{what}_on_penalty", name=name)))
                    elif name not in names:
                        out.append((f"{path}[{j}]", msg("plan_errors.names_no_component", name=name,
                                                                     suggestion=_suggest(name, names))))
        out.extend(_names_problems(self.names, list(names)))
        return out

    # -- words in other languages
    def component_title(self, component: str, lang: str | None = None) -> str | None:
        """How the plan file names ``component`` in ``lang``; None when it does not say."""
        entry = self.names.get(lang) if lang else None
        return entry.components.get(component) if entry is not None else None

    # -- what it reads
    def metrics_needed(self) -> set[str]:
        """Every metric column the plan reads (facts)."""
        out: set[str] = set()
        for comp in self.components:
            out |= comp.metrics()
        for gate in self.gates:
            out |= gate.when.metrics()
        for mod in self.modifiers:
            out.add(mod.metric)
        return out

    def attainment_metrics(self) -> set[str]:
        """Metrics whose target the plan needs (attainment is read somewhere)."""
        out: set[str] = set()
        for comp in self.components:
            out |= comp.attainment_metrics()
        for gate in self.gates:
            out |= gate.when.attainment_metrics()
        for mod in self.modifiers:
            if mod.basis == "attainment":
                out.add(mod.metric)
        return out

    @property
    def component_names(self) -> list[str]:
        return [c.name for c in self.components]

    @property
    def penalty_names(self) -> list[str]:
        """The components that reduce the bonus (penalties): never gated nor modified, applied after the cap."""
        return [c.name for c in self.components if c.deduction]

    def component(self, name: str) -> Component:
        """The component called ``name``."""
        for comp in self.components:
            if comp.name == name:
                return comp
        raise KeyError(msg("plan_errors.no_component", name=name, suggestion=_suggest(name, self.component_names)))

    def replace_component(self, name: str, **changes: Any) -> "Plan":
        """A new plan with component ``name`` changed by :func:`dataclasses.replace`."""
        comps = tuple(dataclasses.replace(c, **changes) if c.name == name else c for c in self.components)
        self.component(name)  # raise on an unknown name
        return dataclasses.replace(self, components=comps)

    def plans(self) -> dict[str, "Plan"]:
        """``{None: self}``: the same shape as :meth:`Scheme.plans`."""
        return {None: self}  # type: ignore[dict-item]

    # -- (de)serialisation
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> "Plan":
        """Build and validate a plan from a plan-format mapping; every problem is reported."""
        from .parse import _parse_plan  # the parser builds plans, so it imports this module

        return _built(lambda problems: _parse_plan(data, "", problems), source, "plan_errors.not_a_plan")

    def to_dict(self) -> dict[str, Any]:
        """The plan-format mapping; ``Plan.from_dict(p.to_dict()) == p``."""
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        out["currency"] = self.currency
        out["base"] = _num_out(self.base)
        out["target_bonus"] = _num_out(self.target_bonus)
        if self.targets:
            out["targets"] = {k: _num_out(v) for k, v in self.targets.items()}
        out["components"] = [{**c.to_dict(), **self.periods.timing_of(c.name).to_dict()} for c in self.components]
        if self.gates:
            out["gates"] = [g.to_dict() for g in self.gates]
        if self.modifiers:
            out["modifiers"] = [m.to_dict() for m in self.modifiers]
        limits = self.limits.to_dict()
        if limits:
            out["limits"] = limits
        if self.names:
            out["names"] = _names_out(self.names)
        out.update(self.periods.to_dict())
        return out

    @classmethod
    def from_yaml(cls, path_or_text: str | Path) -> "Plan":
        """A plan from a YAML file (or YAML text); a scheme file is refused here."""
        from .yaml_io import load_plan

        obj = load_plan(path_or_text)
        if not isinstance(obj, Plan):
            raise PlanError("scheme", msg("plan_errors.file_is_scheme"))
        return obj

    def to_yaml(self, path: str | Path | None = None, *, template: str | Path | None = None) -> str:
        """The plan as YAML text; also written to ``path`` when given, atomically.

        The comments and layout of ``template`` (the file the plan came from, or
        its text), else of the file at ``path`` being replaced, are kept: only
        the values that changed are rewritten (see :func:`kpilab.plan.yaml_io.save_yaml`).
        """
        from .yaml_io import save_yaml

        return save_yaml(self, path, template=template)


class _SeveralPlans(_Worded):
    """What a scheme and a versions file share: several plans that stand, together, where one plan stands.

    A subclass says which plans (:meth:`plans`); the component names, titles,
    penalties and metrics of all of them, and the head of the file, follow here.
    """

    def plans(self) -> Mapping[Any, Plan]:
        raise NotImplementedError

    def _freeze_names(self) -> None:
        if not isinstance(self.names, FrozenMap):
            object.__setattr__(self, "names", FrozenMap(self.names))

    def component_title(self, component: str, lang: str | None = None) -> str | None:
        """How the plans name ``component`` in ``lang`` (the first that does)."""
        for plan in self.plans().values():
            found = plan.component_title(component, lang)
            if found:
                return found
        return None

    @property
    def component_names(self) -> list[str]:
        """The union of the plans' component names, in order of first appearance."""
        seen: dict[str, None] = {}
        for plan in self.plans().values():
            seen.update(dict.fromkeys(plan.component_names))
        return list(seen)

    @property
    def penalty_names(self) -> list[str]:
        plans = self.plans().values()
        return [n for n in self.component_names if any(n in p.penalty_names for p in plans)]

    def metrics_needed(self) -> set[str]:
        return set().union(*(p.metrics_needed() for p in self.plans().values()))

    def _mapping(self, key: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """The file's mapping: its name under ``key``, the description, ``body``, then the ``names`` map."""
        out: dict[str, Any] = {key: self.name}
        if self.description:
            out["description"] = self.description
        out.update(body)
        if self.names:
            out["names"] = _names_out(self.names)
        return out


@dataclass(frozen=True)
class Scheme(_SeveralPlans):
    """Plans by role: every row's ``role`` picks its plan (contract section 7)."""

    name: str
    plans_by_role: Mapping[str, Plan]
    description: str = ""
    names: Mapping[str, Names] = field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        if not isinstance(self.plans_by_role, FrozenMap):
            object.__setattr__(self, "plans_by_role", FrozenMap(self.plans_by_role))
        self._freeze_names()
        out: Problems = []
        if not isinstance(self.name, str) or not self.name.strip():
            out.append(("scheme", msg("plan_errors.scheme_name")))
        if not self.plans_by_role:
            out.append(("plans", msg("plan_errors.scheme_roles")))
        _raise(out)

    def plans(self) -> dict[str, Plan]:
        return dict(self.plans_by_role)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None,
                  base_dir: Path | None = None) -> "Scheme":
        from .parse import _parse_scheme

        return _built(lambda problems: _parse_scheme(data, problems, base_dir), source, "plan_errors.not_a_scheme")

    def to_dict(self) -> dict[str, Any]:
        return self._mapping("scheme", {"plans": {role: p.to_dict() for role, p in self.plans_by_role.items()}})

    def to_yaml(self, path: str | Path | None = None, *, template: str | Path | None = None) -> str:
        """The scheme as YAML text; also written to ``path`` when given (see :meth:`Plan.to_yaml`)."""
        from .yaml_io import save_yaml

        return save_yaml(self, path, template=template)

