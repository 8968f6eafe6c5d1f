"""What a lint finding is, the report that holds them, and how a finding names a pay part."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...engine.explain import component_title
from ...i18n import has_label, label, t
from ...plan import Plan
from .._common import ACTIVITY_METRICS, SALES_METRICS, Result
from ..verdict import money

__all__ = ["Finding", "LintReport"]

_EPS = 0.005


@dataclass(frozen=True)
class Finding:
    """One design risk: which component, what kind, at which attainment, how big, in one sentence."""

    component: str
    kind: str
    metric: str
    attainment: float
    value: float
    severity: str
    message: str


@dataclass(frozen=True, eq=False)
class LintReport(Result):
    """The result of :func:`lint`: ``findings`` (tuple of :class:`Finding`) and ``table``.

    ``bool(report)`` is True when anything was found.
    """

    findings: tuple[Finding, ...] = ()
    plan_name: str = ""
    notes: tuple[str, ...] = ()
    lang: str = "en"
    gaming: dict = None  # type: ignore[assignment]  # check name -> its table (timing, padding, windfall, activity)

    def __bool__(self) -> bool:
        return len(self.findings) > 0

    def __len__(self) -> int:
        return len(self.findings)

    def kinds(self) -> set[str]:
        """The kinds of finding present."""
        return {f.kind for f in self.findings}

    def __str__(self) -> str:
        lang = self.lang
        if not self.findings:
            return t("lint.nothing", lang, plan=self.plan_name)
        head = t("lint.header", lang, plan=self.plan_name,
                 findings=t("common.findings", lang, count=len(self.findings)))
        return "\n".join([head] + [f"  [{t('lint.severity.' + f.severity, lang)}] {f.message}"
                                   for f in self.findings])


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end] index pairs of contiguous True runs."""
    if not mask.any():
        return []
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1) - 1
    return list(zip(starts.tolist(), ends.tolist()))


def _component_metrics(comp: Any) -> set[str]:
    return comp.metrics()


def _kind_of(metric: str) -> str:
    return "activity" if metric in ACTIVITY_METRICS else "sales" if metric in SALES_METRICS else "other"


def _money(v: float, lang: str = "en") -> str:
    return money(v, lang)


def _title(plan: Plan, prefix: str, name: str, lang: str) -> str:
    """A pay part as the plan file names it in ``lang`` ("Revenue bonus"), never its id; a scheme adds the role."""
    if name == "variable_cap":
        word = t("lint.variable_pay", lang)
    else:
        try:
            word = component_title(plan.component(name), lang, plan)
        except KeyError:
            word = name
    if not prefix:
        return word
    role = prefix.rstrip(".")
    return t("lint.role_part", lang, role=label(role, lang) if has_label(role) else role, component=word)


def _titles(plan: Plan, prefix: str, names: list[str], lang: str) -> str:
    """Several pay parts by their names, joined ("Deals bonus, Revenue bonus")."""
    return t("lint.list_join", lang).join(_title(plan, prefix, n, lang) for n in names)
