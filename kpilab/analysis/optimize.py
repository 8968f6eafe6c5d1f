"""Find the best plan for a budget: a seeded search over the plan's own numbers, and a Pareto front.

:func:`optimize` moves the numbers named in ``free`` (key paths of the plan
with bounds, the paths :mod:`kpilab.plan.paths` reads and writes), pays every
candidate against the team resolved once (:mod:`kpilab.analysis.sweep`, on Dask
or in this process), scores it with the verdict's figures and keeps the best.

How a candidate is scored
-------------------------
Each candidate is paid on every row (and scenario) and reduced to figures
computed as :func:`kpilab.differentiation` computes them (per-rep monthly
means, Spearman rho, top-quartile / minimum-doer median total pay, P90 of
variable pay over the target bonus, inversions, payroll as the mean over
scenarios, cost of sales) plus the worst loss of any rep against the starting
plan. The best plan is then judged again by ``differentiation`` itself, so the
verdict the consultant reads is the real one, not the search's.

Constraints and how they are handled
------------------------------------
Every constraint is a violation ``v >= 0`` scaled by its threshold (0 when
met): the verdict's criteria (rho, top-to-minimum, P90 multiple, inversions,
the cost-of-sales band when given), ``payroll_max``, ``max_loss`` (no rep's mean
monthly pay falls more than this share below the starting plan's), and
``monotone`` (no curve of the plan falls as its input rises). With
``robust_share`` each criterion must also hold in at least that share of the
scenarios. A candidate the plan contract refuses (curve points out of order,
weights over 1) is kept with the reason and scored as infeasible.

Single objective: :func:`scipy.optimize.differential_evolution`, seeded,
population evaluated in batches (``vectorized``, deferred updating), the
starting plan in the first population, no gradient polish. Constraints by
*feasibility first* (Deb's rule as a static penalty): a feasible candidate
scores its objective divided by the starting plan's, an infeasible one scores
1000 plus its total violation, so every feasible plan beats every infeasible
one and among infeasible ones the less violating wins.

Two or three objectives: pymoo's NSGA-II with the violations as inequality
constraints (constraint domination); the Pareto table is the non-dominated set
of every feasible candidate evaluated.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..engine import Resolved, evaluate_resolved, pay_resolved, resolve_team
from ..errors import KpilabError, PlanError
from ..i18n import fmt_money, fmt_number, fmt_percent, label, t
from ..metrics import is_money
from ..plan import Plan, Scheme
from ..plan.paths import format_path, get_at, parse_path
from ._common import Result, check_lang, percentile, resolve_measure
from .criteria import Criteria
from .differentiation import count_inversions, differentiation, spearman
from .profile import group_reduce, profile_team
from .sweep import INLINE, Sweeper, scenario_table

__all__ = ["optimize", "OptimizeResult", "Free", "parse_free", "OBJECTIVES", "Scorer", "candidate_plan"]

#: objective -> +1 (smaller is better) or -1 (larger is better).
OBJECTIVES: dict[str, int] = {"payroll": 1, "cost_of_sales": 1, "variable_payroll": 1, "rho": -1,
                              "top_to_minimum": -1, "p90_target_multiple": -1, "inversions": 1, "worst_loss": 1}
_PENALTY = 1000.0
_WEIGHT = re.compile(r"^(?P<card>.*\.kpis)\.(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\.weight$")
_CRITERIA = ("rho", "top_to_minimum", "p90_target_multiple", "inversions")


# --------------------------------------------------------------------------- the free numbers

@dataclass(frozen=True)
class Free:
    """One free number of the plan: its key path, its bounds, its starting value."""

    path: str
    low: float
    high: float
    start: float
    weight: bool = False  # a scorecard KPI weight (the card's weights are kept summing to 1)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def parse_free(free: Mapping[str, Any], plan: Plan | Scheme, *, source: str | None = None) -> list[Free]:
    """Check the free numbers against the plan: every path exists and is a number, bounds ``[low, high]``.

    Parameters
    ----------
    free
        ``{key path: [low, high]}``, e.g. ``{"target_bonus": [30000, 90000]}``.
    plan
        The starting plan.
    source
        The file ``free`` came from, for the message.

    Raises
    ------
    PlanError
        Every problem at once, each under ``free.<key path>``.
    """
    if not isinstance(free, Mapping) or not free:
        raise PlanError([("free", "needs at least one key path with bounds, e.g. target_bonus: [30000, 90000]")],
                        source=source)
    problems: list[tuple[str, str]] = []
    out: list[Free] = []
    for path, bounds in free.items():
        where = f"free.{path}"
        try:
            parse_path(str(path))
            value = get_at(plan, str(path))
        except (ValueError, KeyError) as exc:
            problems.append((where, str(exc.args[0]) if exc.args else "not a key path of the plan"))
            continue
        if not _number(value):
            problems.append((where, "is not a number of the plan (name a leaf, such as a share or a curve point)"))
            continue
        if not (isinstance(bounds, (list, tuple)) and len(bounds) == 2 and all(_number(b) for b in bounds)):
            problems.append((where, f"bounds must be [low, high], two numbers, got {bounds!r}"))
            continue
        low, high = float(bounds[0]), float(bounds[1])
        if not low < high:
            problems.append((where, f"low must be below high, got [{low:g}, {high:g}]"))
            continue
        is_weight = bool(_WEIGHT.match(str(path)))
        if is_weight and not (0.0 <= low and high <= 1.0):
            problems.append((where, f"a KPI weight moves within [0, 1], got [{low:g}, {high:g}]"))
            continue
        out.append(Free(str(path), low, high, float(value), is_weight))
    if problems:
        raise PlanError(problems, source=source)
    return out


def _set(data: Any, path: str, value: float) -> None:
    keys = parse_path(path)
    node = data
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value


def _get(data: Any, path: str) -> Any:
    node = data
    for key in parse_path(path):
        node = node[key]
    return node


def candidate_plan(plan: Plan | Scheme, free: Sequence[Free], x: Sequence[float]) -> Plan | Scheme:
    """The plan with the free numbers set to ``x`` (one rebuild, validated by the contract).

    Free KPI weights take their values; the card's other KPIs share what is
    left of 1 in their starting proportions (all free: the weights are scaled
    to sum to 1).

    Raises
    ------
    PlanError
        When the values break the contract (the reason names the key path).
    """
    data = plan.to_dict()
    cards: dict[str, list[tuple[str, float]]] = {}
    for item, value in zip(free, x):
        value = float(value)
        if item.weight:
            match = _WEIGHT.match(item.path)
            cards.setdefault(match["card"], []).append((match["metric"], value))
        else:
            _set(data, item.path, value)
    for card, chosen in cards.items():
        kpis = _get(data, card)
        fixed = [m for m in kpis if m not in dict(chosen)]
        taken = math.fsum(v for _, v in chosen)
        if not fixed:
            for metric, value in chosen:
                kpis[metric]["weight"] = value / taken if taken > 0 else 1.0 / len(chosen)
            continue
        if taken > 1.0 + 1e-12:
            raise PlanError([(card, f"the free weights sum to {taken:.4g}, more than 1")])
        rest = 1.0 - taken
        was = math.fsum(float(kpis[m]["weight"]) for m in fixed)
        for metric, value in chosen:
            kpis[metric]["weight"] = value
        for metric in fixed[:-1]:
            kpis[metric]["weight"] = float(kpis[metric]["weight"]) / was * rest if was > 0 else rest / len(fixed)
        kpis[fixed[-1]]["weight"] = max(0.0, 1.0 - math.fsum(float(kpis[m]["weight"]) for m in kpis
                                                              if m != fixed[-1]))
    return type(plan).from_dict(data)


def _curves(plan: Plan | Scheme) -> list[tuple[str, Any]]:
    out = []
    for role, p in plan.plans().items():
        pre = "" if role is None else f"plans.{role}."
        for i, comp in enumerate(p.components):
            for attr in ("curve", "index_curve"):
                if getattr(comp, attr, None) is not None:
                    out.append((f"{pre}components[{i}].{attr}", getattr(comp, attr)))
            for kpi in getattr(comp, "kpis", ()):
                out.append((f"{pre}components[{i}].kpis.{kpi.metric}.curve", kpi.curve))
        for i, mod in enumerate(p.modifiers):
            out.append((f"{pre}modifiers[{i}].curve", mod.curve))
    return out


def falling_segments(plan: Plan | Scheme) -> int:
    """How many curve segments of the plan fall as their input rises (0: pay is monotone in every input)."""
    count = 0
    for _, curve in _curves(plan):
        ys = (curve.below, *curve.ys)
        count += sum(1 for a, b in zip(ys, ys[1:]) if b < a - 1e-12)
    return count


# --------------------------------------------------------------------------- scoring

class Scorer:
    """Reduces one candidate's pay to the verdict's figures and the constraint violations (runs on a worker).

    Holds only what the team alone decides (from :func:`~kpilab.analysis.profile_team`)
    and the starting plan's per-rep pay: small, picklable arrays.
    """

    def __init__(self, team: pd.DataFrame, criteria: Criteria, measure: Any = None, *,
                 baseline_total: np.ndarray | None = None, robust_share: float | None = None) -> None:
        profile = profile_team(team, measure)
        self.rep_codes = np.asarray(profile.rep_codes)
        self.n_reps = profile.n_reps
        self.performance = profile.reps["performance"].to_numpy(float)
        self.quartile = np.asarray(profile.quartile)
        if profile.minimum_doer is not None:
            self.minimum = np.asarray(profile.minimum_doer)
        else:
            self.minimum = np.zeros(self.n_reps, bool)
        self.revenue = profile.total_revenue
        self.n_scenarios = profile.n_scenarios
        self.criteria = criteria
        self.baseline_total = baseline_total
        self.robust_share = robust_share
        self.scenario = None
        if robust_share is not None:
            if profile.scenario_codes is None:
                raise KpilabError("robust_share needs scenarios (a scenario column or scenarios=N)")
            scen = np.asarray(profile.scenario_codes)
            self.scenario = scen * self.n_reps + self.rep_codes
            perf_rows, _ = resolve_measure(profile.team, measure)
            cell = group_reduce(self.scenario, {"p": perf_rows}, "mean")["p"].to_numpy()
            if len(cell) != profile.n_scenarios * self.n_reps:
                raise KpilabError("robust_share needs every rep in every scenario")
            self.scenario_performance = cell.reshape(profile.n_scenarios, self.n_reps)
            rank = self.scenario_performance.argsort(axis=1, kind="stable").argsort(axis=1, kind="stable") + 1
            self.scenario_top = np.ceil(4.0 * rank / self.n_reps) == 4

    def __call__(self, plan: Plan | Scheme, columns: Mapping[str, np.ndarray], view: Resolved) -> dict[str, float]:
        total, variable = columns["total"], columns["variable"]
        target = view.columns_for(plan).target_bonus
        means = group_reduce(self.rep_codes, {"total": total, "variable": variable, "target": target}, "mean")
        rep_total, rep_var, rep_target = (means[c].to_numpy() for c in ("total", "variable", "target"))
        figures = self.figures(total, variable, rep_total, rep_var, rep_target)
        if self.robust_share is not None:
            figures.update(self._robust(total, variable, target))
        return figures

    def figures(self, total: np.ndarray, variable: np.ndarray, rep_total: np.ndarray, rep_var: np.ndarray,
                rep_target: np.ndarray) -> dict[str, float]:
        """The figures of one candidate (the arithmetic of :func:`kpilab.differentiation`)."""
        rho = spearman(rep_total, self.performance)[0]
        top = self.quartile == 4
        top_med = float(np.median(rep_total[top])) if top.any() else float("nan")
        min_med = float(np.median(rep_total[self.minimum])) if self.minimum.any() else float("nan")
        ttm = top_med / min_med if min_med > 0 else float("nan")
        with np.errstate(divide="ignore", invalid="ignore"):
            mult = np.where(rep_target > 0, rep_var / np.where(rep_target > 0, rep_target, 1.0), np.nan)
        payroll = float(pd.Series(total).sum() / self.n_scenarios)
        out = {"payroll": payroll, "variable_payroll": float(pd.Series(variable).sum() / self.n_scenarios),
               "cost_of_sales": payroll / self.revenue if self.revenue > 0 else float("nan"),
               "rho": float(rho), "top_to_minimum": ttm, "p90_target_multiple": percentile(mult, 90),
               "p90_variable": percentile(rep_var, 90),
               "inversions": float(count_inversions(self.performance, rep_total,
                                                    self.criteria.inversion_output_ratio))}
        if self.baseline_total is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                loss = np.where(self.baseline_total > 0, 1.0 - rep_total / self.baseline_total, 0.0)
            out["worst_loss"] = float(loss.max()) if loss.size else 0.0
        return out

    def _robust(self, total: np.ndarray, variable: np.ndarray, target: np.ndarray) -> dict[str, float]:
        """Per criterion, the share of scenarios in which it holds."""
        cells = group_reduce(self.scenario, {"t": total, "v": variable, "g": target}, "mean")
        shape = (self.n_scenarios, self.n_reps)
        pay, var, tgt = (cells[c].to_numpy().reshape(shape) for c in ("t", "v", "g"))
        perf = self.scenario_performance
        crit = self.criteria
        out: dict[str, float] = {}
        # rho per scenario: Pearson of the ranks (average ranks, as scipy's Spearman).
        from scipy.stats import rankdata

        rp, ro = rankdata(pay, axis=1), rankdata(perf, axis=1)
        rp -= rp.mean(axis=1, keepdims=True)
        ro -= ro.mean(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = (rp * ro).sum(axis=1) / np.sqrt((rp ** 2).sum(axis=1) * (ro ** 2).sum(axis=1))
        out["rho_share"] = float(np.mean(np.nan_to_num(rho, nan=-1.0) >= crit.rho_min))
        if self.minimum.any():
            top = np.nanmedian(np.where(self.scenario_top, pay, np.nan), axis=1)
            low = np.median(pay[:, self.minimum], axis=1)
            out["top_to_minimum_share"] = float(np.mean(top >= crit.top_to_minimum_min * low))
        with np.errstate(divide="ignore", invalid="ignore"):
            mult = np.where(tgt > 0, var / np.where(tgt > 0, tgt, 1.0), np.nan)
        p90 = np.percentile(np.nan_to_num(mult, nan=0.0), 90, axis=1)
        out["p90_target_multiple_share"] = float(np.mean(p90 >= crit.p90_target_multiple_min))
        ratio = crit.inversion_output_ratio
        ok = np.zeros(self.n_scenarios, bool)
        step = max(1, 4_000_000 // max(1, self.n_reps ** 2))
        for s in range(0, self.n_scenarios, step):
            o, p = perf[s:s + step], pay[s:s + step]
            more = (o[:, :, None] >= ratio * o[:, None, :]) & (o[:, :, None] > o[:, None, :])
            less = p[:, :, None] < p[:, None, :] - 0.005
            ok[s:s + step] = (more & less).sum(axis=(1, 2)) <= crit.max_inversions
        out["inversions_share"] = float(ok.mean())
        return out


def violations(figures: Mapping[str, float], criteria: Criteria, constraints: Mapping[str, Any],
               robust_share: float | None) -> dict[str, float]:
    """Each constraint's violation (0 when met), scaled by its threshold."""
    out: dict[str, float] = {}
    if constraints.get("criteria", True):
        rho = figures["rho"]
        out["rho"] = 1.0 if math.isnan(rho) else max(0.0, (criteria.rho_min - rho) / criteria.rho_min)
        ttm = figures["top_to_minimum"]
        out["top_to_minimum"] = 0.0 if math.isnan(ttm) else \
            max(0.0, (criteria.top_to_minimum_min - ttm) / criteria.top_to_minimum_min)
        mult = figures["p90_target_multiple"]
        out["p90_target_multiple"] = 1.0 if math.isnan(mult) or figures["p90_variable"] <= 0.005 else \
            max(0.0, (criteria.p90_target_multiple_min - mult) / criteria.p90_target_multiple_min)
        out["inversions"] = max(0.0, figures["inversions"] - criteria.max_inversions) / 10.0
        band = criteria.cost_of_sales_band
        cos = figures["cost_of_sales"]
        if band is not None and not math.isnan(cos):
            out["cost_of_sales"] = max(0.0, (band[0] - cos) / band[0] if band[0] > 0 else 0.0,
                                       (cos - band[1]) / band[1] if band[1] > 0 else 0.0)
    if robust_share is not None:
        for name in _CRITERIA:
            share = figures.get(f"{name}_share")
            if share is not None:
                out[f"{name}_robust"] = max(0.0, robust_share - share)
    if constraints.get("payroll_max") is not None:
        cap = float(constraints["payroll_max"])
        out["payroll_max"] = max(0.0, (figures["payroll"] - cap) / cap)
    if constraints.get("max_loss") is not None:
        limit = float(constraints["max_loss"])
        out["max_loss"] = max(0.0, (figures["worst_loss"] - limit) / max(limit, 0.01))
    if constraints.get("monotone", True):
        out["monotone"] = float(figures.get("falling_segments", 0.0))
    return out


# --------------------------------------------------------------------------- the result

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

    @property
    def found(self) -> bool:
        """True when a plan meeting every constraint was found."""
        return self.best is not None

    def to_yaml(self, path: Any = None) -> str:
        """The best plan as plan-format YAML (written to ``path`` when given)."""
        if self.best is None:
            raise KpilabError("no plan met every constraint within the bounds; nothing to write")
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
        return "\n".join(lines)

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


# --------------------------------------------------------------------------- the search

def _dominated(values: np.ndarray) -> np.ndarray:
    """Row i is dominated by some other row (all <=, one <), everything minimised."""
    le = (values[None, :, :] <= values[:, None, :]).all(axis=2)
    lt = (values[None, :, :] < values[:, None, :]).any(axis=2)
    return (le & lt).any(axis=1)


def optimize(plan: Plan | Scheme, team: pd.DataFrame, free: Mapping[str, Any] | Sequence[Free], *,
             objective: str | Sequence[str] = "payroll", constraints: Mapping[str, Any] | None = None,
             criteria: Criteria | Mapping[str, Any] | None = None, scenarios: int | pd.DataFrame | None = None,
             measure: Any = None, robust_share: float | None = None, seed: int = 0,
             budget: int = 2000, popsize: int | None = None, client: Any = INLINE, workers: int | None = None,
             chunk: int | None = None, progress: Callable[[int], None] | None = None,
             lang: str = "en") -> OptimizeResult:
    """Search the plan's free numbers for the best plan that meets every constraint.

    Parameters
    ----------
    plan
        The starting plan (or scheme); it is always among the candidates.
    team
        The performance table (with or without a ``scenario`` column).
    free
        ``{key path: [low, high]}`` (see :func:`parse_free`).
    objective
        One of :data:`OBJECTIVES` (default ``"payroll"``, minimised; ``rho``,
        ``top_to_minimum`` and ``p90_target_multiple`` are maximised), or two
        or three of them for a Pareto front.
    constraints
        ``criteria`` (True: the verdict's criteria must pass), ``payroll_max``,
        ``max_loss`` (e.g. 0.1: no rep loses more than 10 % of monthly pay
        against the starting plan), ``monotone`` (True).
    criteria
        Thresholds of the verdict (:class:`~kpilab.analysis.Criteria` or overrides).
    scenarios, measure
        As for :func:`~kpilab.analysis.sweep.sweep` and :func:`kpilab.differentiation`.
    robust_share
        When set (0.9), each criterion must also hold in that share of scenarios.
    seed
        Seeds the search: the same seed gives the same candidates and result.
    budget
        Most candidates to evaluate (the search stops earlier when it converges).
    popsize
        Candidates per generation (default 10 per free number, at least 20).
    client, workers, chunk
        Where the population is paid (:class:`~kpilab.analysis.sweep.Sweeper`;
        default in this process).
    progress
        Called with the number of candidates each batch evaluated.
    lang
        Language of the final verdict.

    Returns
    -------
    OptimizeResult
    """
    check_lang(lang)
    crit = Criteria.from_any(criteria)
    constraints = {"criteria": True, "monotone": True, **dict(constraints or {})}
    unknown = set(constraints) - {"criteria", "payroll_max", "max_loss", "monotone"}
    if unknown:
        raise KpilabError(f"unknown constraint(s): {', '.join(sorted(unknown))}; "
                          "known: criteria, payroll_max, max_loss, monotone")
    objectives = (objective,) if isinstance(objective, str) else tuple(objective)
    bad = [o for o in objectives if o not in OBJECTIVES]
    if bad or not 1 <= len(objectives) <= 3:
        raise KpilabError(f"objective must be one to three of {', '.join(OBJECTIVES)}, got {list(objectives)}")
    if not isinstance(plan, (Plan, Scheme)):
        raise KpilabError(f"optimize() needs a Plan or Scheme, got {type(plan).__name__}")
    items = list(free) if free and all(isinstance(f, Free) for f in free) else parse_free(free, plan)
    if robust_share is not None and not 0.5 <= robust_share <= 1.0:
        raise KpilabError(f"robust_share must be within [0.5, 1], got {robust_share!r}")
    import time

    started = time.perf_counter()
    data = scenario_table(team, scenarios, seed)
    view = resolve_team(plan, data)
    scorer = Scorer(data, crit, measure, robust_share=robust_share)
    scorer.baseline_total = group_reduce(scorer.rep_codes, {"t": pay_resolved(plan, view)["total"]},
                                         "mean")["t"].to_numpy()
    lows = np.array([f.low for f in items])
    highs = np.array([f.high for f in items])
    x0 = np.clip(np.array([f.start for f in items]), lows, highs)
    records: list[dict[str, Any]] = []
    generation = [0]
    scale: dict[str, float] = {}

    with Sweeper(view, scorer, client=client, workers=workers, chunk=chunk) as sweeper:
        def evaluate_batch(xs: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
            """Objectives (minimised) and violations of a batch of vectors; every candidate recorded."""
            plans: list[Any] = []
            rows: list[dict[str, Any]] = []
            for x in xs:
                row: dict[str, Any] = {"generation": generation[0],
                                       **{f.path: float(v) for f, v in zip(items, x)}, "problem": ""}
                try:
                    candidate = candidate_plan(plan, items, x)
                except PlanError as exc:
                    row["problem"] = str(exc)
                    candidate = None
                plans.append(candidate)
                rows.append(row)
            good = [i for i, p in enumerate(plans) if p is not None]
            figures = sweeper.run([plans[i] for i in good], progress)
            for i, (fig, _) in zip(good, figures):
                fig = dict(fig)
                fig["falling_segments"] = float(falling_segments(plans[i]))
                rows[i].update(fig)
                rows[i].update({f"v_{k}": v for k, v in violations(fig, crit, constraints, robust_share).items()})
            n_obj = len(objectives)
            objs = np.full((len(xs), n_obj), np.inf)
            viol = np.zeros(len(xs))
            for i, row in enumerate(rows):
                if plans[i] is None:
                    viol[i] = 10.0
                    row["feasible"] = False
                    continue
                v = sum(val for key, val in row.items() if key.startswith("v_"))
                viol[i] = v
                row["feasible"] = v <= 0.0
                objs[i] = [OBJECTIVES[o] * row[o] for o in objectives]
            generation[0] += 1
            records.extend(rows)
            return objs, viol, rows

        start_objs, start_viol, start_rows = evaluate_batch(x0[None, :])
        for o, value in zip(objectives, start_objs[0]):
            scale[o] = abs(value) if np.isfinite(value) and abs(value) > 0 else 1.0

        if len(objectives) == 1:
            method = "differential_evolution"
            _single(evaluate_batch, lows, highs, x0, objectives[0], scale, seed, budget, popsize, records)
        else:
            method = "nsga2"
            _pareto(evaluate_batch, lows, highs, x0, len(objectives), seed, budget, popsize)

    table = pd.DataFrame(records)
    table.index.name = "candidate"
    for o in objectives:
        table[f"objective_{o}"] = OBJECTIVES[o] * table[o] if o in table else np.nan
    feasible = table["feasible"].to_numpy(bool)
    best = None
    best_figures: dict[str, float] = {}
    pareto = None
    first = objectives[0]
    if feasible.any():
        pick = table[feasible]
        if len(objectives) > 1:
            values = pick[[f"objective_{o}" for o in objectives]].to_numpy(float)
            front = pick[~_dominated(values)].drop_duplicates(subset=[f.path for f in items])
            pareto = front.sort_values(f"objective_{first}", kind="stable")
            pick = pareto
        idx = pick[f"objective_{first}"].astype(float).idxmin()
        best_row = table.loc[idx]
        best = candidate_plan(plan, items, [best_row[f.path] for f in items])
        best_figures = {k: best_row[k] for k in table.columns if k not in ("problem",)}
    changes = []
    if best is not None:
        for f in items:
            before, after = float(get_at(plan, f.path)), float(get_at(best, f.path))
            if before != after:
                changes.append({"path": f.path, "before": before, "after": after})
    verdict = differentiation(evaluate_resolved(best or plan, view), data, measure=measure, criteria=crit, lang=lang)
    result = OptimizeResult(
        table=table, start=plan, best=best, start_figures=dict(table.iloc[0]), best_figures=best_figures,
        changes=pd.DataFrame(changes, columns=["path", "before", "after"]), pareto=pareto, objectives=objectives,
        free=tuple(items), verdict=verdict, method=method, seed=seed, evaluations=len(table),
        seconds=time.perf_counter() - started)
    if isinstance(best, Plan):
        # The old description would still promise the old numbers: say where this plan came from instead.
        note = t("optimize.description", lang, plan=plan.name, changes="; ".join(result.diff_text(lang).splitlines()))
        result = dataclasses.replace(result, best=dataclasses.replace(best, description=note))
    return result


def _single(evaluate_batch: Callable[..., Any], lows: np.ndarray, highs: np.ndarray, x0: np.ndarray,
            objective: str, scale: Mapping[str, float], seed: int, budget: int, popsize: int | None,
            records: list[dict[str, Any]]) -> None:
    from scipy.optimize import differential_evolution

    n = len(lows)
    members = popsize or max(20, 10 * n)
    per_dim = max(1, math.ceil(members / n))  # scipy's popsize is per free number

    def fitness(xs: np.ndarray) -> np.ndarray:
        objs, viol, _ = evaluate_batch(np.atleast_2d(xs.T))
        score = np.where(viol > 0, _PENALTY + viol, objs[:, 0] / scale[objective])
        return score

    maxiter = max(1, budget // (per_dim * n) - 1)
    differential_evolution(fitness, list(zip(lows, highs)), seed=seed, popsize=per_dim, maxiter=maxiter,
                           tol=1e-10, atol=0.0, polish=False, vectorized=True, updating="deferred",
                           init="latinhypercube", x0=x0, mutation=(0.5, 1.0), recombination=0.9)


def _pareto(evaluate_batch: Callable[..., Any], lows: np.ndarray, highs: np.ndarray, x0: np.ndarray,
            n_obj: int, seed: int, budget: int, popsize: int | None) -> None:
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.optimize import minimize

    n = len(lows)
    size = popsize or max(20, 10 * n)

    class _Problem(Problem):
        def __init__(self) -> None:
            super().__init__(n_var=n, n_obj=n_obj, n_ieq_constr=1, xl=lows, xu=highs)

        def _evaluate(self, x: np.ndarray, out: dict[str, Any], *args: Any, **kwargs: Any) -> None:
            objs, viol, _ = evaluate_batch(x)
            out["F"] = np.where(np.isfinite(objs), objs, 1e300)
            out["G"] = viol[:, None]

    rng = np.random.default_rng(seed)
    initial = lows + (highs - lows) * rng.random((size, n))
    initial[0] = x0
    algorithm = NSGA2(pop_size=size, sampling=initial, eliminate_duplicates=True)
    n_gen = max(1, budget // size - 1)
    minimize(_Problem(), algorithm, ("n_gen", n_gen), seed=seed, verbose=False)
