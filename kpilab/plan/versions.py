"""Plan versions over time (contract section 10, "Pay across months", version 1.3).

A versions file names the plan (or scheme) in force from a given month::

    name: Sales 2026
    versions:
      - {from: 2026-01, plan: first_half.yaml}   # a file beside this one
      - from: 2026-07
        plan: {name: ..., components: [...]}     # or the plan itself

Each month is paid by the version in force (the last whose ``from`` is on or
before it); what the months carry (balances, the period-to-date totals of a
version) goes on across a change as the engine states. A version whose
quarterly part would be cut in the middle of a quarter is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PlanError
from ._base import FrozenMap, Problems, _fmt, _raise
from .model import Names, Plan, Scheme, _built, _SeveralPlans

_FROM_RE = re.compile(r"^(\d{4})-(\d{2})$")
VERSION_KEYS = ("from", "plan")


def month_index(label: str) -> int | None:
    """``2026-07`` -> 2026 × 12 + 6; None for anything else."""
    hit = _FROM_RE.match(label) if isinstance(label, str) else None
    if hit is None or not 1 <= int(hit.group(2)) <= 12:
        return None
    return int(hit.group(1)) * 12 + int(hit.group(2)) - 1


def _quarterly_parts(plan: Plan | Scheme) -> list[str]:
    """The components of ``plan`` (any role) that pay by quarter."""
    return [f"component {name} of plan '{p.name}'" for p in plan.plans().values()
            for name, timing in p.periods.timing.items() if timing.period == "quarter"]


@dataclass(frozen=True)
class Version:
    """One plan (or scheme) in force from the month ``start`` (``YYYY-MM``); ``source`` is the file it came
    from, kept so the versions file is written back as it was."""

    start: str
    plan: Plan | Scheme
    source: str | None = None

    @property
    def month(self) -> int:
        value = month_index(self.start)
        assert value is not None
        return value


@dataclass(frozen=True)
class PlanVersions(_SeveralPlans):
    """Plans in force one after another: every row's ``period`` picks its version.

    It stands where a plan or a scheme stands (:func:`kpilab.evaluate`, the CLI):
    :meth:`plans` names each version's plans by ``(version index, role)``, role
    None for a plan.
    """

    name: str
    versions: tuple[Version, ...]
    description: str = ""
    names: Mapping[str, Names] = field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        if isinstance(self.versions, list):
            object.__setattr__(self, "versions", tuple(self.versions))
        self._freeze_names()
        _raise(self.problems())

    def problems(self) -> Problems:
        out: Problems = []
        if not isinstance(self.name, str) or not self.name.strip():
            out.append(("name", "a versions file needs a non-empty name"))
        if not self.versions:
            out.append(("versions", "needs at least one version {from: YYYY-MM, plan: file or plan}"))
        before: Version | None = None
        for i, v in enumerate(self.versions):
            here = f"versions[{i}].from"
            month = month_index(v.start)
            if month is None:
                out.append((here, f"must be a month written YYYY-MM, got {_fmt(v.start)}"))
                continue
            if before is not None:
                if month <= before.month:
                    out.append((here, f"versions must start in increasing months: {v.start} is not after "
                                      f"{before.start}"))
                elif month % 3:
                    cut = _quarterly_parts(before.plan) + _quarterly_parts(v.plan)
                    if cut:
                        out.append((here, f"{v.start} starts in the middle of a quarter, and {cut[0]} pays by "
                                          "quarter: a change must start in January, April, July or October"))
            before = v
        return out

    # -- where a plan or a scheme stands
    def plans(self) -> dict[tuple[int, str | None], Plan]:
        out: dict[tuple[int, str | None], Plan] = {}
        for i, v in enumerate(self.versions):
            if isinstance(v.plan, Scheme):
                out.update({(i, role): p for role, p in v.plan.plans().items()})
            else:
                out[(i, None)] = v.plan
        return out

    @property
    def starts(self) -> list[int]:
        """Each version's first month (year × 12 + month − 1), in order."""
        return [v.month for v in self.versions]

    def version_at(self, period: str) -> Version | None:
        """The version in force in ``period`` (``YYYY-MM``), or None before the first."""
        month = month_index(period)
        found = None
        for v in self.versions:
            if month is not None and v.month <= month:
                found = v
        return found

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None,
                  base_dir: Path | None = None) -> "PlanVersions":
        return _built(lambda problems: parse_versions(data, problems, base_dir), source, "not a versions file")

    def to_dict(self) -> dict[str, Any]:
        return self._mapping("name", {"versions": [
            {"from": v.start, "plan": v.source if v.source is not None else v.plan.to_dict()} for v in self.versions]})


def parse_versions(data: Any, problems: Problems, base_dir: Path | None) -> PlanVersions | None:
    """A versions mapping into :class:`PlanVersions`, every problem collected with its key path."""
    from .parse import _check_keys, _parse_names
    from .yaml_io import load_plan

    start = len(problems)
    _check_keys(data, {"name", "description", "names", "versions"}, "", problems)
    names = _parse_names(data.get("names"), "", problems, components=False)
    raw = data.get("versions")
    if not isinstance(raw, list) or not raw:
        problems.append(("versions", "must be a list of {from: YYYY-MM, plan: plan file or plan}"))
        return None
    versions: list[Version] = []
    for i, spec in enumerate(raw):
        here = f"versions[{i}]"
        if not isinstance(spec, Mapping):
            problems.append((here, f"must be a mapping {{from: YYYY-MM, plan: plan file or plan}}, got {_fmt(spec)}"))
            continue
        _check_keys(spec, set(VERSION_KEYS), here, problems)
        for key in VERSION_KEYS:
            if key not in spec:
                problems.append((f"{here}.{key}", "is required"))
        if "plan" not in spec or "from" not in spec:
            continue
        plan_spec = spec["plan"]
        plan: Any = None
        source: str | None = None
        if isinstance(plan_spec, str):
            source = plan_spec
            target = (base_dir or Path.cwd()) / plan_spec
            if not target.is_file():
                problems.append((f"{here}.plan", f"cannot read plan file {plan_spec}: no such file"))
                continue
            try:
                plan = load_plan(target)
            except PlanError as exc:
                problems.extend((f"{here}.plan ({plan_spec}): {p}" if p else f"{here}.plan ({plan_spec})", m)
                                for p, m in exc.problems)
                continue
        elif isinstance(plan_spec, Mapping):
            if "versions" in plan_spec:
                problems.append((f"{here}.plan", "a version is a plan or a scheme, not another versions list"))
                continue
            try:
                plan = load_plan(plan_spec)
            except PlanError as exc:
                problems.extend((f"{here}.plan.{p}" if p else f"{here}.plan", m) for p, m in exc.problems)
                continue
        else:
            problems.append((f"{here}.plan", f"must be a plan file name or a plan, got {_fmt(plan_spec)}"))
            continue
        if isinstance(plan, PlanVersions):
            problems.append((f"{here}.plan", "a version is a plan or a scheme, not another versions list"))
            continue
        start_label = spec["from"]
        versions.append(Version(str(start_label) if not isinstance(start_label, str) else start_label, plan, source))
    if len(problems) > start:
        return None
    name = data.get("name")
    description = data.get("description", "")
    try:
        return PlanVersions(name, tuple(versions), description if isinstance(description, str) else "", names)
    except PlanError as exc:
        problems.extend(exc.problems)
        return None
