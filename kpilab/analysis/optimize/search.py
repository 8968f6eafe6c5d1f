"""The search itself: seeded differential evolution for one objective, NSGA-II for a Pareto front."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ...engine import evaluate_resolved, pay_resolved, resolve_team
from ...errors import KpilabError, PlanError
from ...i18n import t
from ...plan import Plan, Scheme
from ...plan.paths import get_at
from .._common import check_lang
from ..criteria import Criteria
from ..differentiation import differentiation
from ..sweep import INLINE, Sweeper, scenario_table
from .free import Free, candidate_plan, check_starts, cheaper_free, falling_segments, parse_free
from .result import OptimizeResult
from .score import OBJECTIVES, Scorer, violations
from ...i18n.messages import msg

__all__ = ["optimize", "cheapest_passing"]

_PENALTY = 1000.0


def _dominated(values: np.ndarray) -> np.ndarray:
    """Row i is dominated by some other row (all <=, one <), everything minimised."""
    le = (values[None, :, :] <= values[:, None, :]).all(axis=2)
    lt = (values[None, :, :] < values[:, None, :]).any(axis=2)
    return (le & lt).any(axis=1)


def optimize(plan: Plan | Scheme, team: pd.DataFrame, free: Mapping[str, Any] | Sequence[Free], *,
             objective: str | Sequence[str] = "payroll", constraints: Mapping[str, Any] | None = None,
             criteria: Criteria | Mapping[str, Any] | None = None, scenarios: int | pd.DataFrame | None = None,
             measure: Any = None, labels: Any = None, robust_share: float | None = None, seed: int = 0,
             budget: int = 2000, popsize: int | None = None, client: Any = INLINE, workers: int | None = None,
             chunk: int | None = None, progress: Callable[[int], None] | None = None,
             profit_scenarios: int | None = None, finalists: int = 0, lang: str = "en") -> OptimizeResult:
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
        ``top_to_minimum``, ``p90_target_multiple`` and ``profit`` are
        maximised), or two or three of them for a Pareto front. ``profit`` is the
        predicted profit after pay under the behavioural response model
        (:class:`~kpilab.analysis.optimize.profit.ProfitModel`: ``team`` must be
        one observed year; about a second per candidate, so give a modest
        ``budget``); the result then carries the best plan's full prediction with
        its range and assumptions (``prediction``).
    constraints
        ``criteria`` (True: the verdict's criteria must pass), ``payroll_max``,
        ``max_loss`` (e.g. 0.1: no rep loses more than 10 % of monthly pay
        against the starting plan), ``monotone`` (True).
    criteria
        Thresholds of the verdict (:class:`~kpilab.analysis.Criteria` or overrides).
    scenarios, measure, labels
        As for :func:`~kpilab.analysis.sweep.sweep` and :func:`kpilab.differentiation`
        (``labels``: manual segments, e.g. ``{"R07": "minimum_doer"}``).
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
    finalists
        When above 0: the full verdict (:func:`kpilab.differentiation`, with its
        bootstrap of the reps) judges the ``finalists`` best feasible plans in
        order, and the best plan is the first whose verdict passes *robustly*
        (every criterion in at least ``criteria.robust_share`` of the resamples);
        none robust among them: no plan is returned. The table records
        ``verdict_robustness`` and ``verdict_share`` of each plan judged.
    profit_scenarios
        Simulated years of the profit prediction (default
        :data:`~kpilab.analysis.optimize.profit.PROFIT_SCENARIOS`).
    lang
        Language of the final verdict (and of the prediction's assumptions).

    Returns
    -------
    OptimizeResult
    """
    check_lang(lang)
    crit = Criteria.from_any(criteria)
    constraints = {"criteria": True, "monotone": True, **dict(constraints or {})}
    unknown = set(constraints) - {"criteria", "payroll_max", "max_loss", "monotone"}
    if unknown:
        raise KpilabError(msg("api_errors.optimize_unknown_constraint", unknown=', '.join(sorted(unknown))))
    objectives = (objective,) if isinstance(objective, str) else tuple(objective)
    bad = [o for o in objectives if o not in OBJECTIVES]
    if bad or not 1 <= len(objectives) <= 3:
        raise KpilabError(msg("api_errors.optimize_objectives",
                              OBJECTIVES=', '.join(OBJECTIVES), objectives=list(objectives)))
    if not isinstance(plan, (Plan, Scheme)):
        raise KpilabError(msg("api_errors.optimize_needs_plan", plan_type=type(plan).__name__))
    items = list(free) if free and all(isinstance(f, Free) for f in free) else parse_free(free, plan)
    check_starts(items)  # parse_free checks its own; Free items given directly are checked here
    if robust_share is not None and not 0.5 <= robust_share <= 1.0:
        raise KpilabError(msg("api_errors.optimize_robust_share", robust_share=robust_share))
    import time

    started = time.perf_counter()
    data = scenario_table(team, scenarios, seed)
    view = resolve_team(plan, data)
    scorer = Scorer(data, crit, measure, robust_share=robust_share, labels=labels)
    scorer.baseline(pay_resolved(plan, view)["total"])
    profit = None
    if "profit" in objectives:
        from .profit import ProfitModel

        profit = ProfitModel(plan, team, seed=seed, **({"scenarios": profit_scenarios} if profit_scenarios else {}))
    lows = np.array([f.low for f in items])
    highs = np.array([f.high for f in items])
    x0 = np.array([f.start for f in items])
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
                if profit is not None:
                    fig["profit"] = profit(plans[i])
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
        if finalists:
            idx = _robust_finalist(table, pick, first, items, plan, view, data, finalists, measure, crit, labels)
        if idx is not None:
            best_row = table.loc[idx]
            best = candidate_plan(plan, items, [best_row[f.path] for f in items])
            best_figures = {k: best_row[k] for k in table.columns if k not in ("problem",)}
    changes = []
    if best is not None:
        for f in items:
            before, after = float(get_at(plan, f.path)), float(get_at(best, f.path))
            if before != after:
                changes.append({"path": f.path, "before": before, "after": after})
    verdict = differentiation(evaluate_resolved(best or plan, view), data, measure=measure, criteria=crit, lang=lang,
                              labels=labels)
    result = OptimizeResult(
        table=table, start=plan, best=best, start_figures=dict(table.iloc[0]), best_figures=best_figures,
        changes=pd.DataFrame(changes, columns=["path", "before", "after"]), pareto=pareto, objectives=objectives,
        free=tuple(items), verdict=verdict, method=method, seed=seed, evaluations=len(table),
        seconds=time.perf_counter() - started, constraints=dict(constraints), criteria=crit,
        prediction=None if profit is None or best is None else profit.predict(best, lang))
    if isinstance(best, Plan):
        # The old description would still promise the old numbers: say where this plan came from instead.
        note = t("optimize.description", lang, plan=plan.name, changes="; ".join(result.diff_text(lang).splitlines()))
        result = dataclasses.replace(result, best=dataclasses.replace(best, description=note))
    return result


def _robust_finalist(table: pd.DataFrame, pick: pd.DataFrame, first: str, items: Sequence[Free],
                     plan: Plan | Scheme, view: Any, data: pd.DataFrame, finalists: int, measure: Any,
                     crit: Criteria, labels: Any) -> Any:
    """The first of the best feasible plans whose full verdict passes robustly (None: none of them)."""
    order = pick.sort_values(f"objective_{first}", kind="stable").drop_duplicates(subset=[f.path for f in items])
    table["verdict_robustness"] = ""
    table["verdict_share"] = np.nan
    for idx in order.index[:finalists]:
        candidate = candidate_plan(plan, items, [table.loc[idx, f.path] for f in items])
        report = differentiation(evaluate_resolved(candidate, view), data, measure=measure, criteria=crit,
                                 labels=labels)
        table.loc[idx, "verdict_robustness"] = report.robustness
        table.loc[idx, "verdict_share"] = report.share_passing
        if report.passed and report.robustness == "robust":
            return idx
    return None


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

    maxiter = max(0, budget // (per_dim * n) - 1)  # the initial population counts: a small budget buys no generation
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


def cheapest_passing(plan: Plan, team: pd.DataFrame, *, criteria: Criteria | Mapping[str, Any] | None = None,
                     budget: int = 400, popsize: int = 40, seed: int = 0,
                     progress: Callable[[int], None] | None = None, lang: str = "en") -> OptimizeResult:
    """The cheapest plan that still passes every criterion, moving what sets the bonus (:func:`cheaper_free`).

    What the tuner's button runs: payroll minimised, the verdict's criteria and
    monotone pay as constraints, in this process, ``budget`` plans at most (a few
    seconds on a team of 50 reps × 12 months).

    >>> import kpilab
    >>> team = kpilab.make_team(12, 6, seed=2)
    >>> result = cheapest_passing(kpilab.datasets.load_plan("balanced_kpi"), team, budget=40, popsize=20)
    >>> result.evaluations <= 41 and list(result.objectives)
    ['payroll']
    """
    return optimize(plan, team, cheaper_free(plan), objective="payroll", criteria=criteria, seed=seed,
                    budget=budget, popsize=popsize, progress=progress, lang=lang)
