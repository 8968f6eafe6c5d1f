"""The result of a search: the best plan, its diff against the start in plain words, every candidate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ...errors import KpilabError
from ...i18n import fmt_money, fmt_number, fmt_percent, label, t
from ...metrics import is_money
from ...plan import Plan, Scheme
from ...plan.paths import format_path, parse_path
from .._common import Result, check_lang
from .free import Free
from ...i18n.messages import msg

__all__ = ["OptimizeResult", "describe_path"]


@dataclass(frozen=True, eq=False)
class OptimizeResult(Result):
    """The result of :func:`optimize`.

    Attributes
    ----------
    table
        Every evaluated candidate, in order: ``generation``, one column per free
        path, the figures, one ``v_<constraint>`` column per violation,
        ``feasible``, ``score`` and ``problem`` (why the contract refused it).
    start, best
        The starting plan and the best feasible plan found (None: none within the bounds).
    start_figures, best_figures
        Their figures (a row of ``table``).
    changes
        ``path``, ``before``, ``after`` for every free number the best plan moved.
    pareto
        With two or three objectives: the non-dominated feasible candidates
        (rows of ``table``), sorted by the first objective; else None.
    verdict
        ``differentiation`` of the best plan (or of the start when none was found).
    constraints, criteria
        The constraints the search held the plan to and the verdict's thresholds.
    prediction
        With the ``profit`` objective: :func:`~kpilab.analysis.response.predict` of the
        best plan against the start (every draw of the assumptions), else None.
    """

    start: Plan | Scheme | None = None
    best: Plan | Scheme | None = None
    start_figures: Mapping[str, float] = field(default_factory=dict)
    best_figures: Mapping[str, float] = field(default_factory=dict)
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    pareto: pd.DataFrame | None = None
    objectives: tuple[str, ...] = ("payroll",)
    free: tuple[Free, ...] = ()
    verdict: Any = None
    method: str = ""
    seed: int = 0
    evaluations: int = 0
    seconds: float = 0.0
    prediction: Any = None
    constraints: Mapping[str, Any] = field(default_factory=dict)
    criteria: Any = None

    @property
    def found(self) -> bool:
        """True when a plan meeting every constraint was found."""
        return self.best is not None

    def to_yaml(self, path: Any = None) -> str:
        """The best plan as plan-format YAML (written to ``path`` when given)."""
        if self.best is None:
            raise KpilabError(msg("api_errors.optimize_nothing_to_write"))
        return self.best.to_yaml(path)

    def diff_text(self, lang: str = "en") -> str:
        """What changed from the starting plan, one plain line per number."""
        check_lang(lang)
        if self.best is None:
            return t("optimize.none_found", lang)
        if self.changes.empty:
            return t("optimize.no_change", lang)
        currency = getattr(self.start, "currency", "RUB")
        lines = []
        for row in self.changes.itertuples():
            lines.append(t("optimize.change", lang, what=describe_path(row.path, self.start, lang),
                           before=_fmt_value(row.path, row.before, lang, currency),
                           after=_fmt_value(row.path, row.after, lang, currency)))
        return "\n".join(lines)

    def summary(self, lang: str = "en") -> str:
        """The result in a few plain sentences: payroll before and after, the verdict, the changes."""
        check_lang(lang)
        currency = getattr(self.start, "currency", "RUB")
        lines = [t("optimize.title", lang),
                 t("optimize.evaluated", lang, count=self.evaluations)]
        before = self.start_figures.get("payroll", float("nan"))
        if self.best is None:
            lines.append(t("optimize.none_found", lang))
        else:
            after = self.best_figures["payroll"]
            key = "optimize.payroll_down" if after < before else \
                "optimize.payroll_up" if after > before else "optimize.payroll_same"
            lines.append(t(key, lang, before=fmt_money(before, lang, currency), after=fmt_money(after, lang, currency),
                           change=fmt_percent(abs(after / before - 1.0), lang, 1) if before else "—"))
            if self.verdict is not None:
                key = "optimize.verdict_pass" if self.verdict.passed else "optimize.verdict_fail"
                lines.append(t(key, lang))
            lines.append(t("optimize.changes", lang))
            lines.append(self.diff_text(lang))
            lines.extend(self.profit_lines(lang))
        return "\n".join(lines)

    def profit_lines(self, lang: str = "en") -> list[str]:
        """The predicted profit after pay, its range and, beside it, the assumptions of the response model
        (empty unless the search was asked for the ``profit`` objective)."""
        if self.prediction is None:
            return []
        currency = getattr(self.start, "currency", "RUB")
        row = self.prediction.team.loc["profit_after_pay"]
        money = lambda v: fmt_money(float(v), lang, currency)  # noqa: E731
        return [t("optimize.profit", lang, before=money(row["baseline"]), after=money(row["predicted"]),
                  low=money(row["low"]), high=money(row["high"])),
                self.prediction.assumptions_text(lang)]

    def __str__(self) -> str:
        return self.summary("en")


def _fmt_value(path: str, value: float, lang: str, currency: str) -> str:
    kind = _path_kind(path)
    if kind == "money":
        return fmt_money(value, lang, currency)
    if kind == "share":
        return fmt_percent(value, lang, 1)
    return fmt_number(value, lang, 0 if abs(value) >= 100 else 2)


def _path_kind(path: str) -> str:
    keys = parse_path(path)
    last = keys[-1]
    if last in ("base", "target_bonus", "amount", "cap", "per_unit") or \
            (len(keys) >= 2 and keys[-2] == "targets" and is_money(str(last))):
        return "money"
    if last in ("share", "weight"):
        return "share"
    return "number"


def describe_path(path: str, plan: Plan | Scheme, lang: str = "en") -> str:
    """A key path in plain words ("Bonus on Revenue: where point 1 of the payout curve starts"), not
    ``components[2].curve.points[0][0]``; the words come from the optimize catalog."""
    keys = parse_path(path)
    prefix = ""
    if keys and keys[0] == "plans" and len(keys) > 2:
        prefix = t("optimize.path.role", lang, role=label(str(keys[1]), lang)) + ": "
        keys = keys[2:]
    data = plan.to_dict() if isinstance(plan, Plan) else plan.to_dict()["plans"][parse_path(path)[1]]
    head = keys[0]
    if len(keys) == 1 and head in ("base", "target_bonus"):
        return prefix + label(str(head), lang)
    if head == "targets" and len(keys) == 2:
        return prefix + t("optimize.path.target", lang, metric=label(str(keys[1]), lang))
    if head in ("components", "gates", "modifiers") and len(keys) >= 3 and isinstance(keys[1], int):
        item = data[head][keys[1]]
        rest = keys[2:]
        if head == "components":
            comp = _component_words(item, lang)
            if rest == ("share",) or rest == ("amount",):
                return prefix + t(f"optimize.path.{rest[0]}", lang, component=comp)
            if rest[0] == "kpis" and len(rest) >= 3:
                metric = label(str(rest[1]), lang)
                if rest[2] == "weight":
                    return prefix + t("optimize.path.kpi_weight", lang, component=comp, metric=metric)
                if rest[2] == "curve" and len(rest) == 6:
                    return prefix + _point(lang, comp, rest[4], rest[5], metric)
            if rest[0] in ("curve", "index_curve") and len(rest) == 4:
                return prefix + _point(lang, comp, rest[2], rest[3], None)
            if rest[0] == "tiers" and len(rest) == 3:
                key = "optimize.path.tier_from" if rest[2] == "from" else "optimize.path.tier_rate"
                return prefix + t(key, lang, component=comp, tier=rest[1] + 1)
            if rest in (("per_unit",), ("free",), ("cap",), ("rate",)):
                return prefix + t(f"optimize.path.{rest[0]}", lang, component=comp)
        if head == "gates":
            metric = _gate_metric(item.get("when", {}), rest[1:])
            return prefix + t("optimize.path.gate", lang, number=keys[1] + 1,
                              metric=label(metric, lang) if metric else "—")
        if head == "modifiers" and rest[0] == "curve" and len(rest) == 4:
            return prefix + _point(lang, label(str(item.get("metric", "")), lang), rest[2], rest[3], None)
    if head == "limits":
        return prefix + t("optimize.path.limit", lang, what=label(str(keys[1]), lang))
    return prefix + t("optimize.path.other", lang, number=format_path(keys))


def _component_words(item: Mapping[str, Any], lang: str) -> str:
    """A component named by what it is and what it reads ("Bonus on Revenue"), not by its id."""
    kind = str(item.get("kind", ""))
    if kind not in ("bonus", "scorecard", "commission", "team", "penalty"):
        return label(str(item.get("name", "")), lang)
    return t(f"optimize.component.{kind}", lang, metric=label(str(item.get("metric", "")), lang))


def _point(lang: str, comp: str, point: Any, axis: Any, metric: str | None) -> str:
    key = "optimize.path.curve_x" if axis == 0 else "optimize.path.curve_y"
    where = comp if metric is None else f"{comp}, {metric}"
    return t(key, lang, component=where, point=int(point) + 1)


def _gate_metric(when: Any, rest: tuple[Any, ...]) -> str:
    node = when
    for key in rest[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return ""
    return str(node.get("metric", "")) if isinstance(node, Mapping) else ""
