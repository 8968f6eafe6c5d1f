"""Does the plan pay people who work hard and well clearly more than those who do the minimum?

:func:`differentiation` reads a :class:`~kpilab.engine.Payouts` (and the team
table it was computed from) and produces a :class:`DifferentiationReport`:
pay by archetype and by output quartile, the top-to-minimum ratio, Spearman
rho, inversions, strength coverage, upside (P90 / target bonus, P90 / P10),
cost, and a pass/fail verdict with one plain sentence per criterion.

Units. A rep's pay and output are **monthly means** over every row the rep
has (periods, and scenarios with a ``scenario`` column), so reps with
different numbers of months compare fairly. Payroll is the sum over the rows
(the mean over scenarios of each scenario's sum, with a ``scenario`` column).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..engine import Payouts
from ..errors import KpilabError
from ..i18n import has_label, label
from ..plan import Curve
from ._common import SPECIALISTS, Measure, Result, align_team, check_lang, on_target_variable, percentile
from .criteria import SOURCES, Criteria
from .profile import TeamProfile, build_profile, group_reduce, minimum_doers, profile_team, quartiles
from .verdict import fmt, sentence

__all__ = ["differentiation", "DifferentiationReport", "excellence_to_threshold", "quartiles", "spearman",
           "count_inversions", "list_inversions", "TeamProfile", "profile_team"]

_PAY_EPS = 0.005  # half a kopeck: smaller pay differences are ties


# --------------------------------------------------------------------------- building blocks

def spearman(pay: np.ndarray, output: np.ndarray) -> tuple[float, float]:
    """Spearman rho and its p-value (scipy); NaN when either side is constant or n < 3."""
    pay, output = np.asarray(pay, float), np.asarray(output, float)
    if pay.size < 3 or np.ptp(pay) <= _PAY_EPS or np.ptp(output) == 0:
        return float("nan"), float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.spearmanr(pay, output)
    return float(res.statistic), float(res.pvalue)


def _spearman_rhos(pay: np.ndarray, output: np.ndarray) -> np.ndarray:
    """The rho of :func:`spearman` for every row of two (rows × n) arrays, n >= 3, no row constant, no NaN.

    scipy's own arithmetic (average ranks, then ``np.corrcoef`` of the two
    rank vectors), so each value is bit for bit ``spearman(pay[i], output[i])[0]``,
    without the p-value the per-period figures do not use. The ranks are
    computed for all rows at once; the correlation row by row (one small
    ``corrcoef`` per period, to keep numpy's exact summation).
    """
    rp, ro = stats.rankdata(pay, axis=1), stats.rankdata(output, axis=1)
    return np.array([np.corrcoef(np.vstack((a, b)))[1, 0] for a, b in zip(rp, ro)], dtype=float)


def _inversion_mask(output: np.ndarray, pay: np.ndarray, ratio: float) -> np.ndarray:
    """mask[i, j]: rep i has >= ``ratio`` × rep j's output (and more of it) but less pay."""
    o = np.asarray(output, float)
    p = np.asarray(pay, float)
    more = (o[:, None] >= ratio * o[None, :]) & (o[:, None] > o[None, :])
    less = p[:, None] < p[None, :] - _PAY_EPS
    return more & less


def count_inversions(output: np.ndarray, pay: np.ndarray, ratio: float = 1.2) -> int:
    """Number of ordered rep pairs (A, B) where A's output >= ratio × B's and A earns less.

    Memory is chunked so a few thousand units stay cheap.
    """
    o = np.asarray(output, float)
    p = np.asarray(pay, float)
    total = 0
    step = max(1, 2_000_000 // max(1, o.size))
    for start in range(0, o.size, step):
        sl = slice(start, start + step)
        more = (o[sl, None] >= ratio * o[None, :]) & (o[sl, None] > o[None, :])
        total += int((more & (p[sl, None] < p[None, :] - _PAY_EPS)).sum())
    return total


def list_inversions(per_rep: pd.DataFrame, ratio: float = 1.2) -> pd.DataFrame:
    """Every inverted pair of reps, the biggest pay gap first.

    Reads ``per_rep`` (rep_id, performance, total, optional archetype) and
    returns columns rep_hi, rep_lo, archetype_hi, archetype_lo, performance_hi,
    performance_lo, output_ratio, total_hi, total_lo, pay_gap.
    """
    cols = ["rep_hi", "rep_lo", "archetype_hi", "archetype_lo", "performance_hi", "performance_lo",
            "output_ratio", "total_hi", "total_lo", "pay_gap"]
    if per_rep.empty:
        return pd.DataFrame(columns=cols)
    mask = _inversion_mask(per_rep["performance"].to_numpy(), per_rep["total"].to_numpy(), ratio)
    i, j = np.nonzero(mask)
    arch = per_rep["archetype"].to_numpy() if "archetype" in per_rep else np.full(len(per_rep), None)
    perf = per_rep["performance"].to_numpy(float)
    tot = per_rep["total"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_v = np.where(perf[j] > 0, perf[i] / np.where(perf[j] > 0, perf[j], 1.0), np.inf)
    out = pd.DataFrame({
        "rep_hi": per_rep["rep_id"].to_numpy()[i], "rep_lo": per_rep["rep_id"].to_numpy()[j],
        "archetype_hi": arch[i], "archetype_lo": arch[j],
        "performance_hi": perf[i], "performance_lo": perf[j], "output_ratio": ratio_v,
        "total_hi": tot[i], "total_lo": tot[j], "pay_gap": tot[j] - tot[i],
    }, columns=cols)
    return out.sort_values(["pay_gap", "rep_hi", "rep_lo"], ascending=[False, True, True]).reset_index(drop=True)


def _ratio(num: float, den: float) -> float:
    if np.isnan(num) or np.isnan(den):
        return float("nan")
    if den == 0:
        return float("inf") if num > 0 else float("nan")
    return float(num / den)


def _core(perf: np.ndarray, total: np.ndarray, variable: np.ndarray, target: np.ndarray,
          is_min: np.ndarray, ratio: float, q: np.ndarray | None = None) -> dict[str, float]:
    """The differentiation figures of one set of units (reps, or reps in one period).

    ``q``: the quartiles of ``perf`` when already known.
    """
    q = quartiles(perf) if q is None else q
    rho, p = spearman(total, perf)
    top_med = float(np.median(total[q == 4])) if (q == 4).any() else float("nan")
    min_med = float(np.median(total[is_min])) if is_min.any() else float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        mult = np.where(target > 0, variable / np.where(target > 0, target, 1.0), np.nan)
    p10, p50, p90 = (percentile(variable, k) for k in (10, 50, 90))
    if p10 > _PAY_EPS:
        p90_p10 = p90 / p10
    else:
        p90_p10 = float("inf") if p90 > _PAY_EPS else float("nan")
    return {
        "rho": rho, "rho_pvalue": p,
        "top_quartile_median_total": top_med, "minimum_median_total": min_med,
        "top_to_minimum": _ratio(top_med, min_med),
        "p10_variable": p10, "p50_variable": p50, "p90_variable": p90,
        "p90_target_multiple": percentile(mult, 90), "p90_p10_variable": p90_p10,
        "inversions": float(count_inversions(perf, total, ratio)),
    }


#: The per-period figures (the columns of ``per_period`` that ``_core`` gives).
_PERIOD_CORE = ("rho", "top_to_minimum", "p90_target_multiple", "p90_p10_variable", "inversions")
_PANEL_MAX_PAIRS = 4_000_000  # periods × reps² compared at once by the vectorised inversion count


def _row_percentiles(values: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """:func:`percentile` of every row of ``values`` (NaN ignored): shape ``(len(qs), rows)``."""
    if not np.isnan(values).any():
        return np.percentile(values, qs, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an all-NaN row is NaN, as percentile() says
        return np.nanpercentile(values, qs, axis=1)


def _ratios(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """:func:`_ratio` element by element."""
    with np.errstate(divide="ignore", invalid="ignore"):
        plain = num / np.where(den == 0, 1.0, den)
    out = np.where(den == 0, np.where(num > 0, np.inf, np.nan), plain)
    return np.where(np.isnan(num) | np.isnan(den), np.nan, out)


def _core_panel(perf: np.ndarray, total: np.ndarray, variable: np.ndarray, target: np.ndarray,
                is_min: np.ndarray, ratio: float, q: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`_core`'s per-period figures for every row of periods × reps arrays at once.

    Row ``i`` of each result equals ``_core(perf[i], total[i], ...)``: the same
    quantile, median and comparison arithmetic, run along an axis. Needs a
    balanced panel (every period has every rep, so each row has as many
    top-quartile reps and minimum-doers) without NaN in ``perf``, ``total``
    and ``variable``; :func:`_period_figures` checks that.
    """
    n_per, n = perf.shape
    top = q == 4
    nan = np.full(n_per, np.nan)
    top_med = np.median(total[top].reshape(n_per, -1), axis=1) if top.any() else nan
    min_med = np.median(total[is_min].reshape(n_per, -1), axis=1) if is_min.any() else nan
    with np.errstate(divide="ignore", invalid="ignore"):
        mult = np.where(target > 0, variable / np.where(target > 0, target, 1.0), np.nan)
        p10, _p50, p90 = _row_percentiles(variable, (10, 50, 90))
        p90_p10 = np.where(p10 > _PAY_EPS, p90 / np.where(p10 > _PAY_EPS, p10, 1.0),
                           np.where(p90 > _PAY_EPS, np.inf, np.nan))
    # Spearman: the flat cases are NaN as in spearman(); the others use scipy's arithmetic period by period.
    rho = nan.copy()
    if n >= 3:
        live = (np.ptp(total, axis=1) > _PAY_EPS) & (np.ptp(perf, axis=1) != 0)
        if live.any():
            rho[live] = _spearman_rhos(total[live], perf[live])
    if n_per * n * n <= _PANEL_MAX_PAIRS:
        more = (perf[:, :, None] >= ratio * perf[:, None, :]) & (perf[:, :, None] > perf[:, None, :])
        less = total[:, :, None] < total[:, None, :] - _PAY_EPS
        inversions = (more & less).sum(axis=(1, 2)).astype(float)
    else:  # bounded memory: one period at a time
        inversions = np.array([count_inversions(o, p, ratio) for o, p in zip(perf, total)], dtype=float)
    return {"rho": rho, "top_to_minimum": _ratios(top_med, min_med),
            "p90_target_multiple": _row_percentiles(mult, (90,))[0], "p90_p10_variable": p90_p10,
            "inversions": inversions}


def excellence_to_threshold(mix: float | Sequence[float], curve: Curve | Mapping[str, Any] | Sequence[Sequence[float]],
                            threshold: float | None = None, excellence: float | None = None) -> float:
    """Total pay at excellence ÷ total pay at threshold, for a pay mix and a payout curve.

    Parameters
    ----------
    mix
        ``(base, target_bonus)`` shares in any unit, e.g. ``(50, 50)`` or
        ``(70, 30)``; a single number is the target-bonus share of 1 (0.3 = 70/30).
    curve
        The payout curve (factor of the target bonus by attainment): a
        :class:`~kpilab.plan.Curve`, a plan-format mapping
        (``{"points": [[0.75, 0.5], [1, 1], [1.5, 3]]}``) or a list of (x, y) points.
    threshold, excellence
        Attainments to compare; default the curve's first and last x.

    Returns
    -------
    float
        ``(base + bonus·curve(excellence)) / (base + bonus·curve(threshold))``.
        50/50 with 75 % → 0.5, 100 % → 1, 150 % → 3 gives (50 + 150)/(50 + 25) = 2.667;
        70/30 gives (70 + 90)/(70 + 15) = 1.882.
    """
    if isinstance(mix, (int, float, np.floating)):
        bonus_share = float(mix)
        if not 0 <= bonus_share <= 1:
            raise KpilabError("a single-number mix is the bonus share and must be within [0, 1]")
        base, bonus = 1.0 - bonus_share, bonus_share
    else:
        base, bonus = (float(v) for v in mix)
    if not isinstance(curve, Curve):
        curve = Curve.from_dict(curve if isinstance(curve, Mapping) else {"points": [list(p) for p in curve]})
    lo = curve.xs[0] if threshold is None else float(threshold)
    hi = curve.xs[-1] if excellence is None else float(excellence)
    y_lo, y_hi = (float(v) for v in curve([lo, hi]))
    return (base + bonus * y_hi) / (base + bonus * y_lo)


# --------------------------------------------------------------------------- the report

@dataclass(frozen=True, eq=False)
class DifferentiationReport(Result):
    """The result of :func:`differentiation`; see the module docstring for units.

    Attributes
    ----------
    table
        Metric name -> ``value`` (the same numbers as :attr:`metrics`).
    verdict
        criterion, value, threshold, status ("pass"/"fail"/"not assessed"),
        passed (nullable boolean), explanation (one sentence), source.
    passed
        True when every assessed criterion passes.
    per_rep, by_archetype, by_quartile, per_period, inversions, strength_coverage, budget
        See :func:`differentiation`.
    """

    verdict: pd.DataFrame = field(default_factory=pd.DataFrame)
    passed: bool = False
    metrics: Mapping[str, float] = field(default_factory=dict)
    per_rep: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_archetype: pd.DataFrame | None = None
    by_quartile: pd.DataFrame = field(default_factory=pd.DataFrame)
    per_period: pd.DataFrame = field(default_factory=pd.DataFrame)
    inversions: pd.DataFrame = field(default_factory=pd.DataFrame)
    strength_coverage: pd.DataFrame | None = None
    budget: pd.DataFrame | None = None
    minimum_doer_definition: str = ""
    target_definition: str = ""
    measure: str = "revenue"
    criteria: Criteria = field(default_factory=Criteria)
    lang: str = "en"

    def _html_parts(self) -> list[tuple[str, pd.DataFrame]]:
        return [("verdict: " + ("PASS" if self.passed else "FAIL"), self.verdict[["criterion", "value",
                 "threshold", "status", "explanation"]]),
                ("metrics", self.table), ("by quartile", self.by_quartile), ("by archetype", self.by_archetype)]

    def __str__(self) -> str:
        lines = [f"Differentiation: {'PASS' if self.passed else 'FAIL'} (measure: {self.measure})"]
        for row in self.verdict.itertuples():
            lines.append(f"  [{row.status}] {row.explanation}")
        lines.append(f"  Minimum-doers: {self.minimum_doer_definition}")
        return "\n".join(lines)


def _group_table(per_rep: pd.DataFrame, key: str, min_median_total: float) -> pd.DataFrame:
    g = per_rep.groupby(key, sort=True)
    out = pd.DataFrame({
        "n_reps": g.size(),
        "median_total": g["total"].median(), "median_variable": g["variable"].median(),
        "mean_total": g["total"].mean(), "mean_variable": g["variable"].mean(),
        "median_performance": g["performance"].median(),
    })
    out["total_vs_minimum"] = out["median_total"] / min_median_total if min_median_total > 0 else np.nan
    return out


def differentiation(payouts: Payouts, team: pd.DataFrame | None = None, measure: Measure = None,
                    criteria: Criteria | Mapping[str, Any] | None = None, lang: str = "en", *,
                    profile: TeamProfile | None = None) -> DifferentiationReport:
    """Judge how well a plan separates strong reps from minimum-doers, over all periods and per period.

    Parameters
    ----------
    payouts
        The result of :func:`kpilab.evaluate` (reads ``table``, ``inputs``,
        ``target_bonus``, ``plan``).
    team
        The performance table (default ``payouts.inputs``); supplies the
        output measure, ``archetype`` labels and activity plans. Joined on
        ``(scenario,) rep_id, period`` when not row-aligned.
    measure
        Output per rep: None = ``margin`` if present else ``revenue``; a column;
        an expression (``"revenue + 0.5*repeat_revenue"``); or a callable.
    criteria
        :class:`Criteria` or a dict of overrides. Defaults: rho >= 0.8,
        top-to-minimum >= 1.5, P90 variable >= 2 × target bonus, no inversions,
        cost of sales not assessed unless a band is given.
        Sources: see :mod:`kpilab.analysis.criteria`.
    lang
        "en" or "ru" for the verdict sentences.
    profile
        What the team alone decides, from :func:`~kpilab.analysis.profile_team`
        (``team`` and ``measure`` then come from it: leave them out or pass the
        same ones). A tuner computes it once and passes it for every plan; the
        report is exactly the one computed without it. A profile of other rows
        than the payouts' is not an error, just no shortcut.

    Returns
    -------
    DifferentiationReport
        ``metrics``/``table``: n_reps, rho, rho_pvalue, top_quartile_median_total,
        minimum_median_total, n_minimum_doers, top_to_minimum, target_variable,
        p10/p50/p90_variable, p90_target_multiple, p90_p10_variable (inf when
        P10 is 0 and P90 is not: at least a tenth of reps earn no variable pay;
        NaN when nobody earns any), inversions, payroll, variable_payroll,
        variable_share, output, revenue, cost_of_sales (payroll / revenue) and,
        with a ``scenario`` column, budget_p10/p50/p90 and
        cost_of_sales_p10/p50/p90 over scenarios. ``per_rep`` (monthly means),
        ``by_archetype``, ``by_quartile``, ``per_period``, ``inversions``
        (pair by pair), ``strength_coverage``, ``budget`` (per scenario),
        ``verdict``, ``passed``, ``minimum_doer_definition``, ``target_definition``.
    """
    check_lang(lang)
    crit = Criteria.from_any(criteria)
    if not isinstance(payouts, Payouts):
        raise KpilabError(f"differentiation() needs the Payouts of kpilab.evaluate, got {type(payouts).__name__}")
    t = payouts.table
    if profile is not None:
        if not isinstance(profile, TeamProfile):
            raise KpilabError(f"profile must come from profile_team(), got {type(profile).__name__}")
        if team is not None and team is not profile.team and team is not payouts.inputs:
            raise KpilabError("pass the team either to profile_team() or to differentiation(), not both")
        if measure is not None and measure is not profile.measure_arg and measure != profile.measure:
            raise KpilabError(f"measure {measure!r} differs from the profile's ({profile.measure!r})")
        if not profile.matches(t):  # other rows: align and profile them as without a profile
            profile = build_profile(align_team(payouts, profile.team), profile.measure_arg,
                                    {k: t[k].to_numpy() for k in profile.keys})
    else:
        frame = align_team(payouts, team)
        profile = build_profile(frame, measure, {k: t[k].to_numpy() for k in ("scenario", "rep_id", "period")
                                                 if k in t.columns})
    tb = np.asarray(payouts.target_bonus, float)
    if np.any(tb <= 0):
        on_target = on_target_variable(payouts)
        target_rows = np.where(tb > 0, tb, on_target)
        target_definition = ("target bonus of the plan/row where set; where it is 0, the variable pay the engine "
                             "computes with every target metric exactly at 100 % (on-target variable pay)")
    else:
        target_rows = tb
        target_definition = "target bonus of the plan (or the row's target_bonus override)"
    pay = {"total": t["total"].to_numpy(float), "variable": t["variable"].to_numpy(float), "target": target_rows}

    # Per rep: monthly means over all rows (the team's part is in the profile).
    means = group_reduce(profile.rep_codes, pay, "mean")
    is_min, min_def = minimum_doers(profile, payouts)
    reps = profile.reps
    per_rep = pd.DataFrame({
        **{c: reps[c] for c in reps.columns},
        "total": means["total"].to_numpy(), "variable": means["variable"].to_numpy(),
        "target_variable": means["target"].to_numpy(), "quartile": profile.quartile,
        "minimum_doer": is_min, "n_rows": profile.n_rows,
    })

    core = _core(profile.reps["performance"].to_numpy(), per_rep["total"].to_numpy(),
                 per_rep["variable"].to_numpy(), per_rep["target_variable"].to_numpy(), is_min,
                 crit.inversion_output_ratio, q=profile.quartile)

    # Cost.
    n_scen = profile.n_scenarios
    payroll = pd.Series(pay["total"]).sum() / n_scen
    var_payroll = pd.Series(pay["variable"]).sum() / n_scen
    revenue = profile.total_revenue
    has_revenue = profile.revenue is not None
    metrics: dict[str, float] = {"n_reps": float(len(per_rep)), "rho": core["rho"], "rho_pvalue": core["rho_pvalue"],
                                 "top_quartile_median_total": core["top_quartile_median_total"],
                                 "minimum_median_total": core["minimum_median_total"],
                                 "n_minimum_doers": float(is_min.sum()), "top_to_minimum": core["top_to_minimum"],
                                 "target_variable": float(np.mean(target_rows)) if len(target_rows) else np.nan}
    for k in ("p10_variable", "p50_variable", "p90_variable", "p90_target_multiple", "p90_p10_variable",
              "inversions"):
        metrics[k] = core[k]
    metrics.update({"payroll": float(payroll), "variable_payroll": float(var_payroll),
                    "variable_share": _ratio(var_payroll, payroll), "output": profile.output, "revenue": revenue,
                    "cost_of_sales": _ratio(payroll, revenue)})
    budget = None
    if profile.scenario_codes is not None:
        b = pd.DataFrame({"payroll": group_reduce(profile.scenario_codes, {"p": pay["total"]}, "sum")["p"].to_numpy(),
                          "revenue": profile.budget_revenue}, index=profile.budget_index)
        b["cost_of_sales"] = b["payroll"] / b["revenue"]
        budget = b.reset_index()
        for q in (10, 50, 90):
            metrics[f"budget_p{q}"] = percentile(budget["payroll"].to_numpy(), q)
        for q in (10, 50, 90):
            metrics[f"cost_of_sales_p{q}"] = percentile(budget["cost_of_sales"].to_numpy(), q)

    # Groups.
    min_med_total = core["minimum_median_total"]
    by_quartile = _group_table(per_rep, "quartile", min_med_total)
    by_archetype = _group_table(per_rep, "archetype", min_med_total) if "archetype" in per_rep else None

    # Strength coverage.
    strength = None
    if by_archetype is not None and is_min.any():
        min_var = float(np.median(per_rep.loc[is_min, "variable"]))
        present = [a for a in SPECIALISTS if a in by_archetype.index]
        if present:
            strength = pd.DataFrame({
                "n_reps": by_archetype.loc[present, "n_reps"],
                "median_variable": by_archetype.loc[present, "median_variable"],
                "minimum_median_variable": min_var,
            })
            with np.errstate(divide="ignore", invalid="ignore"):
                strength["ratio"] = [_ratio(v, min_var) for v in strength["median_variable"]]
            strength["flagged"] = strength["median_variable"] <= min_var + _PAY_EPS
            strength.index.name = "archetype"

    # Per period (scenarios pooled: a rep's mean over scenarios in that period).
    per_period = _per_period(profile, pay, is_min, crit.inversion_output_ratio)

    inversions = list_inversions(per_rep, crit.inversion_output_ratio)
    verdict = _verdict(metrics, strength, crit, profile.measure, lang, has_revenue=has_revenue)
    assessed = verdict["passed"].dropna()
    passed = bool(len(assessed)) and bool(assessed.all())
    table = pd.DataFrame({"value": pd.Series(metrics, dtype=float)})
    table.index.name = "metric"
    return DifferentiationReport(
        table=table, verdict=verdict, passed=passed, metrics=dict(metrics), per_rep=per_rep,
        by_archetype=by_archetype, by_quartile=by_quartile, per_period=per_period, inversions=inversions,
        strength_coverage=strength, budget=budget, minimum_doer_definition=min_def,
        target_definition=target_definition, measure=profile.measure, criteria=crit, lang=lang)


def _period_figures(profile: TeamProfile, unit: pd.DataFrame, is_min: np.ndarray, ratio: float,
                    vectorised: bool = True) -> dict[str, np.ndarray]:
    """:func:`_core`'s per-period figures (``_PERIOD_CORE``), one value per period of ``profile.periods``.

    ``unit`` holds the (period, rep) units' mean ``total``, ``variable`` and
    ``target``. A balanced panel goes through :func:`_core_panel` in one pass
    (``vectorised=False`` forces the period-by-period path, for tests); any other
    runs :func:`_core` on each period's units.
    """
    perf = profile.unit_performance
    total, variable, target = (unit[c].to_numpy() for c in ("total", "variable", "target"))
    is_min_unit = is_min[profile.unit_rep]
    panel = profile.panel
    if vectorised and panel is not None and not (np.isnan(total).any() or np.isnan(variable).any()
                                                 or np.isnan(perf).any()):
        return _core_panel(perf[panel], total[panel], variable[panel], target[panel], is_min_unit[panel], ratio,
                           profile.panel_quartile)
    order = profile.unit_order
    bounds = np.cumsum(np.bincount(profile.unit_period, minlength=len(profile.periods)))[:-1]
    cores = [_core(perf[u], total[u], variable[u], target[u], is_min_unit[u], ratio)
             for u in np.split(order, bounds)]
    return {k: np.array([c[k] for c in cores], dtype=float) for k in _PERIOD_CORE}


def _per_period(profile: TeamProfile, pay: Mapping[str, np.ndarray], is_min: np.ndarray,
                ratio: float) -> pd.DataFrame:
    """One line per period: the core figures on reps' means in that period, and its cost."""
    unit = group_reduce(profile.unit_codes, pay, "mean")
    sums = group_reduce(profile.period_codes, {"total": pay["total"], "variable": pay["variable"]}, "sum")
    payroll = sums["total"].to_numpy() / profile.n_scenarios
    variable = sums["variable"].to_numpy() / profile.n_scenarios
    figures = _period_figures(profile, unit, is_min, ratio)
    cost = (_ratios(payroll, profile.period_revenue) if profile.revenue is not None
            else np.full(len(payroll), np.nan))
    out = pd.DataFrame({"period": list(profile.periods), **{k: figures[k] for k in _PERIOD_CORE[:5]},
                        "payroll": payroll, "variable_share": _ratios(variable, payroll), "cost_of_sales": cost})
    return out.set_index("period")


def _verdict(m: Mapping[str, float], strength: pd.DataFrame | None, crit: Criteria, measure: str, lang: str,
             has_revenue: bool) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []

    def add(criterion: str, value: float, threshold: Any, status: str, text: str) -> None:
        passed = {"pass": True, "fail": False}.get(status, pd.NA)
        rows.append({"criterion": criterion, "value": value, "threshold": threshold, "status": status,
                     "passed": passed, "explanation": text, "source": SOURCES[criterion]})

    rho = m["rho"]
    if np.isnan(rho):
        add("rho", rho, crit.rho_min, "fail", sentence("rho", "flat", lang))
    else:
        ok = rho >= crit.rho_min
        add("rho", rho, crit.rho_min, "pass" if ok else "fail",
            sentence("rho", "pass" if ok else "fail", lang, measure=measure, value=fmt(rho), threshold=fmt(crit.rho_min)))

    ttm = m["top_to_minimum"]
    if m["n_minimum_doers"] == 0:
        add("top_to_minimum", ttm, crit.top_to_minimum_min, "not assessed", sentence("top_to_minimum", "na", lang))
    else:
        ok = bool(ttm >= crit.top_to_minimum_min)
        add("top_to_minimum", ttm, crit.top_to_minimum_min, "pass" if ok else "fail",
            sentence("top_to_minimum", "pass" if ok else "fail", lang, measure=measure, value=fmt(ttm),
                     threshold=fmt(crit.top_to_minimum_min)))

    mult = m["p90_target_multiple"]
    if np.isnan(mult) or m["p90_variable"] <= _PAY_EPS:
        add("p90_target_multiple", mult, crit.p90_target_multiple_min, "fail",
            sentence("p90_target_multiple", "none", lang))
    else:
        ok = mult >= crit.p90_target_multiple_min
        add("p90_target_multiple", mult, crit.p90_target_multiple_min, "pass" if ok else "fail",
            sentence("p90_target_multiple", "pass" if ok else "fail", lang, value=fmt(mult),
                     threshold=fmt(crit.p90_target_multiple_min)))

    inv = int(m["inversions"])
    ok = inv <= crit.max_inversions
    add("inversions", float(inv), float(crit.max_inversions), "pass" if ok else "fail",
        sentence("inversions", "pass" if ok else "fail", lang, value=inv, threshold=crit.max_inversions,
                 measure=measure, ratio=fmt(crit.inversion_output_ratio - 1.0, "pct")))

    cos = m["cost_of_sales"]
    band = crit.cost_of_sales_band
    if not has_revenue or np.isnan(cos):
        add("cost_of_sales", cos, band, "not assessed", sentence("cost_of_sales", "norevenue", lang))
    elif band is None:
        add("cost_of_sales", cos, None, "not assessed", sentence("cost_of_sales", "na", lang, value=fmt(cos, "pct")))
    else:
        ok = band[0] <= cos <= band[1]
        add("cost_of_sales", cos, band, "pass" if ok else "fail",
            sentence("cost_of_sales", "pass" if ok else "fail", lang, value=fmt(cos, "pct"),
                     threshold=fmt(band, "pct")))

    if strength is None or strength.empty:
        add("strength_coverage", float("nan"), None, "not assessed", sentence("strength_coverage", "na", lang))
    else:
        flagged = strength[strength["flagged"]]
        low = float(strength["ratio"].min())
        if flagged.empty:
            key = "pass" if crit.require_strength_coverage else "infopass"
            add("strength_coverage", low, 1.0, "pass" if crit.require_strength_coverage else "not assessed",
                sentence("strength_coverage", key, lang, value=fmt(low)))
        else:
            who = ", ".join(label(a, lang).lower() if has_label(a) else str(a) for a in flagged.index)
            low = float(flagged["ratio"].min())
            key = "fail" if crit.require_strength_coverage else "info"
            add("strength_coverage", low, 1.0, "fail" if crit.require_strength_coverage else "not assessed",
                sentence("strength_coverage", key, lang, who=who, value=fmt(low)))
    out = pd.DataFrame(rows)
    out["passed"] = out["passed"].astype("boolean")
    return out
