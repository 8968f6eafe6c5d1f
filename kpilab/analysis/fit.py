"""Fit a plan to the data a client has: what it reads that the data lacks, and a variant that runs.

A client's export rarely holds every metric a designed plan reads: the bundled
``balanced_kpi`` scores emails and follow-ups, and the CRM export of a small
client has neither. :func:`fit_plan` says which metrics (and targets) are
missing and builds a variant that runs on the data:

- a scorecard KPI on a missing metric is dropped and the remaining KPI weights
  are renormalised to sum to 1 (their proportions kept);
- a bonus, commission, team bonus or penalty on a missing metric is dropped;
  the remaining components paid as a share of the target bonus are scaled so
  that their shares add up to what they did before (the target bonus at 100 %
  of plan is unchanged);
- a gate or modifier condition on a missing metric is dropped (a gate whose
  whole condition is missing, or whose components are all gone, is dropped);
- a scheme is fitted role by role; without a ``role`` column one role's plan
  can be chosen (``role=``).

Every change is listed in plain words (:meth:`FitResult.text`), so the
consultant can tell the client what the fitted plan no longer pays for.

>>> from kpilab.data import datasets
>>> import pandas as pd
>>> team = pd.DataFrame({"rep_id": ["R1"], "period": ["2026-01"], "calls": [800], "meetings": [20],
...                      "deals": [8], "revenue": [1.2e6]})
>>> fit = fit_plan(datasets.load_plan("balanced_kpi"), team)
>>> fit.missing
('emails', 'follow_ups')
>>> [k.weight for k in fit.fitted.component("activity").kpis]
[0.5, 0.5]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import KpilabError
from ..i18n import fmt_number, label, t
from ..engine.explain import component_title
from ..plan import AllOf, AnyOf, Condition, Plan, Scheme

__all__ = ["fit_plan", "FitResult", "Change", "missing_metrics"]


@dataclass(frozen=True)
class Change:
    """One change the fit made: a catalog ``kind`` (``fit.change.<kind>``), the key path and the fields."""

    kind: str
    path: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """The change in plain words."""
        words = {k: (_metric_list(v, lang) if isinstance(v, tuple) else v) for k, v in self.fields.items()}
        return t(f"fit.change.{self.kind}", lang, **words)


@dataclass(frozen=True)
class FitResult:
    """What :func:`fit_plan` found and built.

    Attributes
    ----------
    plan
        The plan as given.
    fitted
        The variant that runs on the data (the plan itself when nothing is missing;
        ``None`` when no variant can be built, e.g. a scheme on data without roles).
    missing
        Metrics the plan reads that the data has no column for.
    no_target
        Metrics whose attainment the plan reads with no target in the plan and no
        ``plan_<metric>`` column in the data.
    changes
        What was dropped or reweighted, in plan order.
    problem
        Why no variant could be built (a catalog key), or ``""``.
    """

    plan: Plan | Scheme
    fitted: Plan | Scheme | None
    missing: tuple[str, ...]
    no_target: tuple[str, ...]
    changes: tuple[Change, ...]
    problem: str = ""
    problem_fields: Mapping[str, Any] = field(default_factory=dict)
    title: str | None = None

    @property
    def runs_as_is(self) -> bool:
        """Whether the plan runs on the data unchanged."""
        return not self.missing and not self.no_target and not self.problem

    def text(self, lang: str = "en") -> str:
        """The report in plain words: what is missing, then every change, one per line."""
        name = _plan_name(self.plan, lang, self.title)
        lines: list[str] = []
        if self.runs_as_is:
            return t("fit.runs", lang, plan=name)
        if self.missing:
            lines.append(t("fit.missing", lang, plan=name, metrics=_metric_list(self.missing, lang),
                           count=len(self.missing)))
        if self.no_target:
            lines.append(t("fit.no_target", lang, metrics=_metric_list(self.no_target, lang),
                           count=len(self.no_target)))
        if self.problem:
            lines.append(t(self.problem, lang, **self.problem_fields))
            return "\n".join(lines)
        lines.append(t("fit.changes", lang, count=len(self.changes)))
        lines += [f"  – {c.text(lang)}" for c in self.changes]
        return "\n".join(lines)


def _plan_name(plan: Plan | Scheme, lang: str, title: str | None = None) -> str:
    """The plan's name in ``lang`` (the plan file's ``names`` map), unless the caller gives one."""
    return title or plan.title(lang)


def _roles_words(roles: Iterable[str], lang: str) -> str:
    """A role as the client writes it and as the option takes it (a Russian role name and ``junior``): the label a person reads and the key the option takes."""
    return ", ".join(f"«{label(r, lang)}» — {r}" for r in roles)


def _metric_list(metrics: Iterable[str], lang: str) -> str:
    return ", ".join(f"«{label(m, lang)}»" for m in metrics)


def _share(weight: float, lang: str) -> str:
    return fmt_number(weight * 100, lang, 0 if round(weight * 100, 6).is_integer() else 1) + \
        ("\u00a0%" if lang == "ru" else "%")


def missing_metrics(plan: Plan | Scheme, team: pd.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(missing columns, attainment metrics without a target)`` of ``plan`` on ``team``, sorted."""
    columns = set(map(str, team.columns))
    plans = list(plan.plans().values())
    needed = set().union(*(p.metrics_needed() for p in plans))
    missing = tuple(sorted(m for m in needed if m not in columns))
    no_target = tuple(sorted({m for p in plans for m in p.attainment_metrics()
                              if m in columns and m not in p.targets and f"plan_{m}" not in columns}))
    return missing, no_target


def _renamed(plan: Plan | Scheme, title: str | None, lang: str, kept: set[str] | None = None) -> dict[str, Any]:
    """The name (and, in a plan file with words per language, each language's name) of the fitted plan.

    A plan whose file names it per language (``names: {ru: {name: …}}``) gets "… (fitted to the client's data)" in each language
    in each of them and keeps only the words of the components it kept; otherwise the name is
    ``title`` (or the plan's own) marked in ``lang``.
    """
    names = getattr(plan, "names", None)
    if not names:
        return {"name": t("fit.name", lang, name=title or plan.name)}
    renamed = {}
    for code, entry in names.items():
        own = {"components": {k: v for k, v in entry.components.items() if k in kept}} \
            if kept is not None and getattr(entry, "components", None) else {}
        given = title if (title and code == lang) else (entry.name or plan.name)  # a title the user gives wins
        renamed[code] = dataclasses.replace(entry, name=t("fit.name", code, name=given), **own)
    return {"name": t("fit.name", "en", name=plan.name), "names": renamed}


def _kept_targets(applies: str | tuple[str, ...], names: set[str]) -> str | tuple[str, ...]:
    """What a gate or modifier applies to, narrowed to the components kept (a group word such as ``all``
    stays as it is); empty when none of its components is left."""
    return applies if isinstance(applies, str) else tuple(n for n in applies if n in names)


class _Fitter:
    """Builds the fitted variant of one plan, collecting the changes."""

    def __init__(self, plan: Plan, columns: set[str], prefix: str) -> None:
        self.plan = plan
        self.columns = columns
        self.prefix = prefix
        self.changes: list[Change] = []

    def value_ok(self, metric: str) -> bool:
        return metric in self.columns

    def attainment_ok(self, metric: str) -> bool:
        return metric in self.columns and (metric in self.plan.targets or f"plan_{metric}" in self.columns)

    def reads_ok(self, metric: str, basis: str) -> bool:
        return self.attainment_ok(metric) if basis == "attainment" else self.value_ok(metric)

    def note(self, kind: str, path: str, **fields: Any) -> None:
        self.changes.append(Change(kind, self.prefix + path, fields))

    def drop(self, comp: Any, path: str, metrics: tuple[str, ...], dropped: set[str]) -> float:
        """Note a component dropped for the metrics it cannot read; returns its share of the target bonus."""
        self.note("drop_component", path, component=component_title(comp, self.lang, self.plan), metrics=metrics)
        dropped.add(comp.name)
        return getattr(comp, "share", None) or 0.0

    def condition(self, cond: Any, path: str) -> Any:
        """The condition with unreadable parts removed; ``None`` when nothing is left."""
        if isinstance(cond, Condition):
            ok = self.attainment_ok(cond.metric) if cond.op == "attainment_at_least" else \
                self.value_ok(cond.metric)
            return cond if ok else None
        kept = [c for c in (self.condition(c, f"{path}.{'any' if isinstance(cond, AnyOf) else 'all'}[{i}]")
                            for i, c in enumerate(cond.conditions)) if c is not None]
        if not kept:
            return None
        if len(kept) == len(cond.conditions):
            return cond
        return kept[0] if len(kept) == 1 else type(cond)(tuple(kept))

    def fit(self) -> Plan:
        plan = self.plan
        components = []
        dropped_share = 0.0
        dropped: set[str] = set()
        for i, comp in enumerate(plan.components):
            path = f"components[{i}]"
            reads = comp.reads()  # each kind says what it reads and how; the rest is the same for all kinds
            unreadable = {m for m, basis in reads if not self.reads_ok(m, basis)}
            fitted = comp.without(unreadable) if unreadable else comp
            if fitted is None:
                dropped_share += self.drop(comp, path, tuple(dict.fromkeys(m for m, _ in reads)), dropped)
                continue
            if fitted is not comp:  # the kind kept what it can pay without the missing metrics
                title = component_title(comp, self.lang, self.plan)
                self.note("drop_kpis", path, component=title,
                          metrics=tuple(dict.fromkeys(m for m, _ in reads if m in unreadable)))
                before, after = comp.part_weights(), fitted.part_weights()
                if after:
                    self.note("reweight_kpis", path, component=title,
                              weights="; ".join(f"«{label(m, self.lang)}» {_share(before[m], self.lang)} → "
                                                f"{_share(w, self.lang)}" for m, w in after.items()))
            components.append(fitted)
        if dropped_share > 0:
            kept_share = sum(getattr(c, "share", None) or 0.0 for c in components if not c.deduction)
            if kept_share > 0:
                scale = (kept_share + dropped_share) / kept_share
                before = {c.name: c.share for c in components if getattr(c, "share", None)}
                titles = {c.name: component_title(c, self.lang, self.plan) for c in components}
                components = [dataclasses.replace(c, share=c.share * scale) if getattr(c, "share", None) else c
                              for c in components]
                self.note("reweight_shares", "components", shares="; ".join(
                    f"«{titles[c.name]}» {_share(before[c.name], self.lang)} → {_share(c.share, self.lang)}"
                    for c in components if c.name in before))
        names = {c.name for c in components}
        gates = []
        for i, gate in enumerate(plan.gates):
            path = f"gates[{i}]"
            applies = _kept_targets(gate.applies_to, names)
            if not applies:
                self.note("drop_gate_orphan", path)
                continue
            when = self.condition(gate.when, f"{path}.when")
            if when is None:
                self.note("drop_gate", path, metrics=tuple(sorted(gate.when.metrics())))
                continue
            if when is not gate.when:
                self.note("weaken_gate", path, metrics=tuple(sorted(gate.when.metrics() - when.metrics())))
            gates.append(dataclasses.replace(gate, applies_to=applies, when=when))
        modifiers = []
        for i, mod in enumerate(plan.modifiers):
            path = f"modifiers[{i}]"
            applies = _kept_targets(mod.applies_to, names)
            if not applies or not self.reads_ok(mod.metric, mod.basis):
                self.note("drop_modifier", path, metrics=(mod.metric,))
                continue
            modifiers.append(dataclasses.replace(mod, applies_to=applies))
        if not self.changes:
            return plan
        changes: dict[str, Any] = {"components": tuple(components), "gates": tuple(gates),
                                   "modifiers": tuple(modifiers)}
        changes.update(_renamed(plan, self.title, self.lang, {c.name for c in components}))
        return dataclasses.replace(plan, **changes)

    lang = "en"
    title: str | None = None


def fit_plan(plan: Plan | Scheme, team: pd.DataFrame | Iterable[str], *, role: str | None = None,
             lang: str = "en", title: str | None = None) -> FitResult:
    """Which metrics ``plan`` reads that ``team`` lacks, and a variant that runs on it.

    Parameters
    ----------
    plan
        A plan or a scheme.
    team
        The client's table (or just its column names).
    role
        For a scheme on data without a ``role`` column: the role whose plan to fit.
    lang
        Language of the fitted plan's name ("… (fitted to the client's data)").
    title
        The plan's name as the client reads it (default: ``plan.name``); the fitted plan is
        named after it.

    Returns
    -------
    FitResult
        ``.fitted`` runs on ``team`` (``kpilab.evaluate``); ``.text(lang)`` lists the changes.
    """
    columns = set(map(str, team.columns if isinstance(team, pd.DataFrame) else team))
    frame = pd.DataFrame(columns=sorted(columns)) if not isinstance(team, pd.DataFrame) else team
    missing, no_target = missing_metrics(plan, frame)
    if isinstance(plan, Scheme):
        roles = list(plan.plans())
        if "role" not in columns and role is None:
            return FitResult(plan, None, missing, no_target, (), "fit.need_role",
                             {"roles": _roles_words(roles, lang)}, title=title)
        if role is not None:
            if role not in roles:
                raise KpilabError(t("fit.unknown_role", lang, role=role, roles=_roles_words(roles, lang)))
            inner = fit_plan(plan.plans()[role], frame, lang=lang, title=title)
            if "role" not in columns:
                change = Change("pick_role", "plans", {"role": label(role, lang)})
                fitted = inner.fitted
                return FitResult(plan, fitted, inner.missing, inner.no_target, (change, *inner.changes),
                                 title=title)
            return inner
        fitted_plans: dict[str, Plan] = {}
        changes: list[Change] = []
        for name, sub in plan.plans().items():
            fitter = _Fitter(sub, columns, f"plans.{name}.")
            fitter.lang = lang
            fitter.title = None
            fitted_plans[name] = fitter.fit()
            changes += fitter.changes
        fitted_scheme = plan if not changes else dataclasses.replace(plan, plans_by_role=fitted_plans,
                                                                     **_renamed(plan, title, lang))
        return FitResult(plan, fitted_scheme, missing, no_target, tuple(changes), title=title)
    fitter = _Fitter(plan, columns, "")
    fitter.lang = lang
    fitter.title = title
    fitted = fitter.fit()
    return FitResult(plan, fitted, missing, no_target, tuple(fitter.changes), title=title)
