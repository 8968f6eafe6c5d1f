"""The tuner's state, with no widget in sight: the plan being tuned, the team, and what follows from them.

:class:`TunerState` holds the starting plan, the tuned plan, the baseline, the
team and the frame actually evaluated (the team itself, or its simulated years
by the one scenario rule, :func:`simulated_years`), and the engine's and the
analysis' results for the tuned plan and the baseline. Every number a panel or
chart shows is read from here (:meth:`cost`, :meth:`curve`, :meth:`scatter`,
:meth:`budget`, :meth:`groups`, :meth:`what_if`), so tests check the numbers
without a browser, and the figures equal what :func:`kpilab.compare` and the
report compute for the same plan, team and seed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..analysis import Criteria, differentiation, payout_curve, profile_team
from ..engine import Payouts, evaluate
from ..engine.evaluation import MAX_EXACT_MONEY
from ..engine.resolved import Resolved, evaluate_resolved, resolve_team
from ..errors import DataError, KpilabError
from ..data.numbers import _clip
from ..i18n import check_lang
from ..i18n.messages import msg
from ..plan import Plan, Scheme
from ..plan.paths import get_at, numeric_paths, set_at, set_weight

__all__ = ["TunerState", "Change", "CostSummary", "WhatIf", "simulated_years"]

#: The sweep of the payout curve, as a fraction of plan.
CURVE_X = np.linspace(0.0, 2.0, 401)


def simulated_years(team: pd.DataFrame, n_scenarios: int, seed: int) -> pd.DataFrame:
    """The team in ``n_scenarios`` simulated years by the one scenario rule the report uses.

    The dashboard never has a rule of its own: the same team, count and seed
    give the same frame here, in the report and in the CLI.
    """
    from ..data.scenarios import bootstrap_years
    return bootstrap_years(team, int(n_scenarios), seed)


@dataclass(frozen=True)
class Change:
    """One number of the plan that differs from the starting plan."""

    path: str
    old: float
    new: float


@dataclass(frozen=True)
class CostSummary:
    """What the tuned plan costs, with the baseline's payroll to measure the change against.

    Money per the whole evaluated span (``payroll``) and per month; ``band`` is
    the P10–P90 of the yearly payroll across simulated years (None without
    scenarios); ``cost_status`` is the verdict's own status of the cost
    criterion (``"pass"``, ``"fail"``, ``"not assessed"``) and ``cost_band`` its
    allowed band (None when the criteria give none).
    """

    payroll: float
    payroll_month: float
    n_periods: int
    band: tuple[float, float] | None
    variable_share: float
    cost_of_sales: float
    cost_status: str
    cost_band: tuple[float, float] | None
    baseline_payroll: float

    @property
    def delta(self) -> float:
        return self.payroll - self.baseline_payroll

    @property
    def delta_share(self) -> float:
        return self.delta / self.baseline_payroll if self.baseline_payroll else math.nan

    @property
    def out_of_band(self) -> bool:
        return self.cost_status == "fail"


@dataclass(frozen=True)
class WhatIf:
    """One rep in one month under changed numbers: pay under the tuned plan and the baseline.

    ``tuned_actual`` is the tuned plan's pay on the rep's real numbers, so the
    change the owner made shows as ``tuned - tuned_actual``. ``explanation`` is
    the engine's own statement of the tuned pay (:meth:`kpilab.Payouts.explain`).
    """

    rep_id: str
    period: str
    values: Mapping[str, float]
    tuned: float
    tuned_actual: float
    baseline: float
    baseline_actual: float
    explanation: str


@dataclass
class TunerState:
    """Everything the tuner knows, recomputed by :meth:`update` on every change.

    Parameters
    ----------
    plan
        The plan to tune (the starting plan).
    team
        The performance table. With a ``scenario`` column it is evaluated as it is.
    baseline
        What changes are measured against (default: ``plan``).
    lang
        Language of the analysis' sentences.
    n_scenarios, seed
        When ``n_scenarios`` > 0 and the team has no ``scenario`` column, the
        team's simulated years (:func:`simulated_years`) are evaluated instead.
    criteria
        The verdict's criteria (:class:`kpilab.analysis.Criteria` or overrides),
        as :func:`kpilab.compare` takes them.
    """

    plan: Plan
    team: pd.DataFrame
    baseline: Plan | Scheme | None = None
    lang: str = "en"
    n_scenarios: int = 0
    seed: int = 0
    criteria: Criteria | Mapping[str, Any] | None = None
    #: None, or ``f(plan, data) -> frame``: the frame the tuned plan is evaluated on instead of :attr:`data`
    #: (a tuner action sets it, e.g. the team as reps would respond to the plan; the baseline stays on ``data``)
    frame_hook: Any = None
    original: Plan = field(init=False)
    data: pd.DataFrame = field(init=False)
    timings: dict[str, float] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        check_lang(self.lang)
        if isinstance(self.plan, Scheme):
            raise KpilabError(msg("api_errors.tuner_scheme_pick_role",
                                  plan_name=self.plan.name, role=next(iter(self.plan.plans()))))
        if not isinstance(self.plan, Plan):
            raise KpilabError(msg("api_errors.tuner_needs_plan", self_plan_type=type(self.plan).__name__))
        if not isinstance(self.team, pd.DataFrame):
            raise KpilabError(msg("api_errors.tuner_needs_team", self_team_type=type(self.team).__name__))
        self.original = self.plan
        if self.baseline is None:
            self.baseline = self.plan
        if self.n_scenarios and "scenario" not in self.team.columns:
            self.data = simulated_years(self.team, int(self.n_scenarios), self.seed)
        else:
            self.data = self.team
        self.n_periods = int(self.data["period"].nunique())
        self.n_years = int(self.data["scenario"].nunique()) if "scenario" in self.data.columns else 0
        # the team's own rows first: a data problem is named against the file's rows, not a simulated year
        source = str(self.team.attrs.get("source", "")) or None
        evaluate(self.plan, self.team, source=source)
        #: the evaluated frame checked and resolved once: every plan the controls make is paid against it
        self.resolved: Resolved | None = None
        if not any(p.periods.active for p in self.plan.plans().values()):
            self.resolved = resolve_team(self.plan, self.data)
        #: what the analysis reads from the data alone, computed once for every plan the controls make
        self.profile = profile_team(self.data)
        #: True when :attr:`report` has its intervals (bootstrap) and measure check; see :meth:`quick_update`
        self.settled = True
        self._analyse_baseline()
        self.payouts, self.report = self._analyse(self.plan)

    # ------------------------------------------------------------------ computing
    def frame(self, plan: Plan | Scheme) -> pd.DataFrame:
        """The frame ``plan`` is evaluated on: :attr:`data`, or what :attr:`frame_hook` makes of it."""
        if self.frame_hook is None or plan is self.baseline:
            return self.data
        return self.frame_hook(plan, self.data)

    def pay(self, plan: Plan | Scheme) -> Payouts:
        """``evaluate(plan, self.frame(plan))``, bit for bit; paid against the resolved view when it can be.

        A plan paid across months, a frame from :attr:`frame_hook`, or pay that is not an exact
        amount (then ``evaluate`` names the row) goes through :func:`kpilab.evaluate` itself.
        """
        frame = self.frame(plan)
        if self.resolved is not None and frame is self.data and not any(
                p.periods.active for p in plan.plans().values()):
            payouts = evaluate_resolved(plan, self.resolved)
            table = payouts.table
            if all(bool((np.abs(table[c].to_numpy(float)) <= MAX_EXACT_MONEY).all())
                   for c in ("base", *plan.component_names, "cap_adjustment", "floor_adjustment", "total")):
                return payouts
        return evaluate(plan, frame)

    def _judge(self, payouts: Payouts, quick: bool = False) -> Any:
        """The verdict of ``payouts``: the report's own, or (``quick``) without its intervals and measure check.

        The quick report has the same figures, statuses, sentences and pass/fail;
        it lacks only the bootstrap (``low``, ``high``, ``robustness``) and the
        note on judging by attainment, the two slow parts.
        """
        extra: dict[str, Any] = {"n_boot": 0, "check_measures": False} if quick else {}
        return differentiation(payouts, criteria=self.criteria, lang=self.lang, profile=self.profile, **extra)

    def _analyse(self, plan: Plan | Scheme) -> tuple[Payouts, Any]:
        payouts = self.pay(plan)
        return payouts, self._judge(payouts)

    def _analyse_baseline(self) -> None:
        self.baseline_payouts, self.baseline_report = self._analyse(self.baseline)  # type: ignore[arg-type]
        self._baseline_budget = _budget(self.baseline_payouts, self.profile)

    def set_lang(self, lang: str) -> None:
        """Say the analysis' sentences in ``lang`` (the numbers do not change)."""
        check_lang(lang)
        if lang != self.lang:
            self.lang = lang
            self._analyse_baseline()
            self.payouts, self.report = self._analyse(self.plan)
            self.settled = True

    def update(self, plan: Plan) -> None:
        """Make ``plan`` the tuned plan: evaluate and analyse it in full (timings in :attr:`timings`)."""
        self.quick_update(plan)
        self.settle()

    def quick_update(self, plan: Plan) -> None:
        """Make ``plan`` the tuned plan with the quick verdict (no intervals yet: :attr:`settled` is False).

        Everything a panel or chart shows except the verdict's intervals is final;
        :meth:`settle` adds them.
        """
        t0 = time.perf_counter()
        payouts = self.pay(plan)
        t1 = time.perf_counter()
        report = self._judge(payouts, quick=True)
        t2 = time.perf_counter()
        self.plan, self.payouts, self.report, self.settled = plan, payouts, report, False
        self.timings = {"evaluate": t1 - t0, "analysis": t2 - t1}

    def full_report(self, payouts: Payouts) -> Any:
        """The report's own verdict of ``payouts``, with intervals (safe to call from a worker thread)."""
        return self._judge(payouts)

    def settle(self, report: Any = None) -> None:
        """Give the tuned plan its full report (``report`` computed by :meth:`full_report`, or computed now)."""
        if not self.settled:
            t0 = time.perf_counter()
            self.report = report if report is not None else self.full_report(self.payouts)
            self.settled = True
            self.timings["intervals"] = time.perf_counter() - t0

    def changed(self, path: str, value: float) -> Plan:
        """The tuned plan with the number at ``path`` set to ``value`` (KPI weights keep summing to 1).

        Raises
        ------
        kpilab.errors.PlanError
            When the value breaks the plan contract (the path is named).
        """
        if ".kpis." in path and path.endswith(".weight"):
            return set_weight(self.plan, path, float(value))  # type: ignore[return-value]
        return set_at(self.plan, path, float(value))  # type: ignore[return-value]

    def value(self, path: str) -> float:
        return float(get_at(self.plan, path))

    def reset(self) -> None:
        """Back to the starting plan."""
        self.update(self.original)

    # ------------------------------------------------------------------ what the panels read
    @property
    def passed(self) -> bool:
        return bool(self.report.passed)

    def changes(self, since: Plan | None = None) -> list[Change]:
        """Every number of the tuned plan that differs from ``since`` (default the starting plan), in plan order."""
        before, after = numeric_paths(since if since is not None else self.original), numeric_paths(self.plan)
        return [Change(p, before[p], v) for p, v in after.items() if p in before and before[p] != v]

    def cost(self) -> CostSummary:
        m = self.report.metrics
        v = self.report.verdict
        row = v[v["criterion"] == "cost_of_sales"]
        status = str(row["status"].iloc[0]) if len(row) else "not assessed"
        crit = self.report.criteria
        band = getattr(crit, "cost_of_sales_band", None)
        spread = None
        if "budget_p10" in m and "budget_p90" in m:
            spread = (float(m["budget_p10"]), float(m["budget_p90"]))
        return CostSummary(
            payroll=float(m["payroll"]), payroll_month=float(m["payroll"]) / self.n_periods,
            n_periods=self.n_periods, band=spread, variable_share=float(m.get("variable_share", math.nan)),
            cost_of_sales=float(m.get("cost_of_sales", math.nan)), cost_status=status,
            cost_band=(float(band[0]), float(band[1])) if band is not None else None,
            baseline_payroll=float(self.baseline_report.metrics["payroll"]))

    # ------------------------------------------------------------------ chart data
    @property
    def curve_metric(self) -> str | None:
        """The metric the payout curve sweeps: revenue when the plan has a revenue target, else every KPI."""
        return _curve_metric(self.original)

    def _curve_input(self, plan: Plan) -> np.ndarray:
        m = self.curve_metric
        if m is not None and m not in plan.attainment_metrics():
            return CURVE_X * float(plan.targets[m])  # the plan reads the metric's value: sweep in money
        return CURVE_X

    def curve(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """x (fraction of plan), the tuned plan's variable pay, and the baseline's (None when not comparable)."""
        y = payout_curve(self.plan, metric=self.curve_metric,
                         attainments=self._curve_input(self.plan))["variable"].to_numpy(float)
        if not hasattr(self, "_base_curve"):  # the baseline never changes: its curve is swept once
            base = self.baseline
            self._base_curve = None
            if isinstance(base, Plan) and _curve_metric(base) == self.curve_metric:
                self._base_curve = payout_curve(base, metric=self.curve_metric,
                                                attainments=self._curve_input(base))["variable"].to_numpy(float)
        return CURVE_X, y, self._base_curve

    def scatter(self) -> pd.DataFrame:
        """One row per rep: ``archetype`` (or ``"unlabelled"``), ``performance`` and ``total`` (monthly means)."""
        per_rep = self.report.per_rep
        groups = (per_rep["archetype"].fillna("unlabelled").astype(str) if "archetype" in per_rep
                  else pd.Series("unlabelled", index=per_rep.index))
        return pd.DataFrame({"rep_id": per_rep["rep_id"].astype(str), "archetype": groups,
                             "performance": per_rep["performance"].to_numpy(float),
                             "total": per_rep["total"].to_numpy(float)})

    def budget(self) -> pd.DataFrame:
        """Cumulative payroll per period: ``period``, ``p10``, ``p50``, ``p90`` and the baseline's ``base_p50``."""
        q = _budget(self.payouts, self.profile)
        q["base_p50"] = self._baseline_budget["p50"].to_numpy(float)
        return q

    def groups(self) -> tuple[pd.DataFrame, str]:
        """Median monthly pay by type of rep (``now``, ``base``), and ``"archetype"`` or ``"quartile"``."""
        from ..plots import ARCHETYPE_ORDER

        now, base = self.report.by_archetype, self.baseline_report.by_archetype
        if now is not None and base is not None:
            order = [a for a in ARCHETYPE_ORDER if a in now.index] + [a for a in now.index if a not in ARCHETYPE_ORDER]
            return pd.DataFrame({"now": now["median_total"].reindex(order),
                                 "base": base["median_total"].reindex(order)}), "archetype"
        now, base = self.report.by_quartile, self.baseline_report.by_quartile
        order = sorted(now.index, reverse=True)
        return pd.DataFrame({"now": now["median_total"].reindex(order),
                             "base": base["median_total"].reindex(order)}), "quartile"

    # ------------------------------------------------------------------ one rep
    def real_rows(self) -> pd.DataFrame:
        """The team's own rows (the first simulated year when only simulated years were given)."""
        team = self.team
        if "scenario" in team.columns:
            first = team["scenario"].iloc[0]
            team = team[team["scenario"] == first].drop(columns="scenario").reset_index(drop=True)
        return team

    def what_if(self, rep_id: str, period: str, values: Mapping[str, float]) -> WhatIf:
        """Pay of ``rep_id`` in ``period`` when their numbers are ``values`` (the rest of the team as it is).

        The whole team is evaluated, so team bonuses and carried balances stay
        what the engine makes of them; only that one row changes.
        """
        team = self.real_rows()
        mask = (team["rep_id"].astype(str) == str(rep_id)) & (team["period"].astype(str) == str(period))
        if not mask.any():
            raise DataError(msg("data_errors.no_rep_row"), rep=str(rep_id), period=str(period))
        changed = team.copy()
        for metric, value in values.items():
            if metric not in changed.columns:
                raise DataError(msg("data_errors.no_team_column", name=_clip(metric)), column=metric)
            changed.loc[mask, metric] = float(value)
        pos = int(np.flatnonzero(mask.to_numpy())[0])

        def pay(plan: Plan | Scheme, frame: pd.DataFrame) -> tuple[float, Payouts]:
            result = evaluate(plan, frame)
            return float(result.table["total"].iloc[pos]), result

        tuned, tuned_payouts = pay(self.plan, changed)
        tuned_actual, _ = pay(self.plan, team)
        key = (str(rep_id), str(period), tuple(sorted((k, float(v)) for k, v in values.items())))
        cache = self.__dict__.setdefault("_baseline_what_if", {})
        if key not in cache:  # the baseline does not move with the controls
            cache[key] = (pay(self.baseline, changed)[0], pay(self.baseline, team)[0])  # type: ignore[arg-type]
        baseline, baseline_actual = cache[key]
        explanation = _explain(tuned_payouts, str(rep_id), str(period), self.lang)
        return WhatIf(str(rep_id), str(period), dict(values), tuned, tuned_actual, baseline, baseline_actual,
                      explanation)


def _explain(payouts: Payouts, rep_id: str, period: str, lang: str) -> str:
    """One rep's pay in one period in plain words, one line per pay part, from the engine's own trace."""
    from ..engine.explain import statement_lines

    return "\n".join(statement_lines(payouts, rep_id, period, lang=lang))


def _curve_metric(plan: Plan) -> str | None:
    return "revenue" if "revenue" in plan.targets and "revenue" in plan.metrics_needed() else None


def _budget(payouts: Payouts, profile: Any) -> pd.DataFrame:
    from ..plots import budget_quantiles  # the budget fan's own numbers (moves to analysis with the plots split)

    return budget_quantiles(payouts, profile=profile)
