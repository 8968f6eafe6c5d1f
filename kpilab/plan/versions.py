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
from ..i18n.messages import msg
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
            out.append(("name", msg("plan_errors.versions_name")))
        if not self.versions:
            out.append(("versions", msg("plan_errors.versions_required")))
        before: Version | None = None
        for i, v in enumerate(self.versions):
            here = f"versions[{i}].from"
            month = month_index(v.start)
            if month is None:
                out.append((here, msg("plan_errors.version_month", value=_fmt(v.start))))
                continue
            if before is not None:
                if month <= before.month:
                    out.append((here, msg("plan_errors.versions_order", start=v.start, previous=before.start)))
                elif month % 3:
                    cut = _quarterly_parts(before.plan) + _quarterly_parts(v.plan)
                    if cut:
                        out.append((here, msg("plan_errors.version_mid_quarter", start=v.start, component=cut[0])))
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
        return _built(lambda problems: parse_versions(data, problems, base_dir), source, "plan_errors.not_versions")

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
        problems.append(("versions", msg("plan_errors.versions_list")))
        return None
    versions: list[Version] = []
    for i, spec in enumerate(raw):
        here = f"versions[{i}]"
        if not isinstance(spec, Mapping):
            problems.append((here, msg("plan_errors.version_shape", value=_fmt(spec))))
            continue
        _check_keys(spec, set(VERSION_KEYS), here, problems)
        for key in VERSION_KEYS:
            if key not in spec:
                problems.append((f"{here}.{key}", msg("plan_errors.required")))
        if "plan" not in spec or "from" not in spec:
            continue
        plan_spec = spec["plan"]
        plan: Any = None
        source: str | None = None
        if isinstance(plan_spec, str):
            source = plan_spec
            target = (base_dir or Path.cwd()) / plan_spec
            if not target.is_file():
                problems.append((f"{here}.plan", msg("plan_errors.version_no_file", name=plan_spec)))
                continue
            try:
                plan = load_plan(target)
            except PlanError as exc:
                problems.extend((f"{here}.plan ({plan_spec}): {p}" if p else f"{here}.plan ({plan_spec})", m)
                                for p, m in exc.problems)
                continue
        elif isinstance(plan_spec, Mapping):
            if "versions" in plan_spec:
                problems.append((f"{here}.plan", msg("plan_errors.version_nested")))
                continue
            try:
                plan = load_plan(plan_spec)
            except PlanError as exc:
                problems.extend((f"{here}.plan.{p}" if p else f"{here}.plan", m) for p, m in exc.problems)
                continue
        else:
            problems.append((f"{here}.plan", msg("plan_errors.version_plan", value=_fmt(plan_spec))))
            continue
        if isinstance(plan, PlanVersions):
            problems.append((f"{here}.plan", msg("plan_errors.version_nested")))
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
