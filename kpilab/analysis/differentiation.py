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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..engine import Payouts
from ..errors import KpilabError
from ..i18n import fmt_percent, t
from ..plan import Curve
from ._common import Measure, Result, align_team, check_lang, on_target_variable, percentile
from .assessment import _bootstrap, _robustness, _verdict, _word
from .criteria import Criteria
from .profile import TeamProfile, build_profile, group_reduce, minimum_doers, profile_team, quartiles
# The building blocks live in .ranking; their names stay importable from here.
from .ranking import (_PANEL_MAX_PAIRS, _PAY_EPS, _PERIOD_CORE, _core, _core_panel, _inversion_figures,  # noqa: F401
                      _inversion_mask, _ratio, _ratios, _row_percentiles, _spearman_rhos, count_inversions,
                      list_inversions, spearman)
from .segments import Segments
from .verdict import fmt
from ..i18n.messages import msg

__all__ = ["differentiation", "DifferentiationReport", "excellence_to_threshold", "quartiles", "spearman",
           "count_inversions", "list_inversions", "TeamProfile", "profile_team"]


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
            raise KpilabError(msg("api_errors.differentiation_mix_share"))
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
        passed (nullable boolean), explanation (one sentence), source, unit
        (of value and threshold: "ratio" or "share"; inversions are the share
        of comparable pairs inverted), and with the bootstrap low, high (90 %
        interval), share_passing and robustness ("robust", "borderline",
        "fails"; "" when not assessed).
    robustness, share_passing
        The plan's word and the share of resamples in which every deciding criterion passes.
    segments, windfalls, notes, measure_check
        The classification of reps, the windfall rows kept out of the rank
        criteria, plain sentences (measure that decided, windfalls, bootstrap),
        and the revenue-vs-attainment check.
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
    segments: Segments | None = None
    robustness: str = ""
    share_passing: float = float("nan")
    bootstrap: pd.DataFrame | None = None
    n_boot: int = 0
    seed: int = 0
    windfalls: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: tuple[str, ...] = ()
    measure_check: Mapping[str, Any] = field(default_factory=dict)
    by_segment: pd.DataFrame | None = None

    def robustness_table(self, lang: str | None = None) -> pd.DataFrame:
        """Criterion -> value, interval, share of resamples passing and the robustness word (words in ``lang``)."""
        lang = self.lang if lang is None else lang
        v = self.verdict.set_index("criterion")
        kind = {"cost_of_sales": "pct", "inversions": "pct"}
        rows = {}
        for c, r in v.iterrows():
            k = kind.get(c, "num")
            word = r.get("robustness", "")
            rows[c] = {"value": fmt(r["value"], k, lang),
                       "interval": _interval_words(r["value"], r.get("low"), r.get("high"), k, lang),
                       "share_passing": fmt_percent(r["share_passing"], lang, 0)
                       if pd.notna(r.get("share_passing")) else "—",
                       "robustness": t(f"verdict.{word}", lang) if word else t("common.not_assessed", lang)}
        out = pd.DataFrame(rows).T
        out.loc["overall"] = {"value": t("verdict.pass_word" if self.passed else "verdict.fail_word", lang),
                              "interval": "", "share_passing": fmt_percent(self.share_passing, lang, 0)
                              if not np.isnan(self.share_passing) else "—",
                              "robustness": t(f"verdict.{self.robustness}", lang) if self.robustness else ""}
        out.index.name = "criterion"
        return out

    def _html_parts(self) -> list[tuple[str, pd.DataFrame]]:
        return [("verdict: " + ("PASS" if self.passed else "FAIL"), self.verdict[["criterion", "value",
                 "threshold", "status", "explanation"]]),
                ("metrics", self.table), ("by quartile", self.by_quartile), ("by archetype", self.by_archetype)]

    def __str__(self) -> str:
        lines = [f"Differentiation: {'PASS' if self.passed else 'FAIL'} (measure: {self.measure})"]
        for row in self.verdict.itertuples():
            lines.append(f"  [{row.status}] {row.explanation}")
        lines.append(f"  Minimum-doers: {self.minimum_doer_definition}")
        lines.extend(f"  {n}" for n in self.notes)
        return "\n".join(lines)


def _interval_words(value: Any, low: Any, high: Any, kind: str, lang: str) -> str:
    """A figure's 90 % interval in words: "1.85 to 3.38"; "at least 1.85" when the upper end is infinite
    (a ratio over minimum-doers who earn no variable pay in some resamples); nothing for an undefined figure."""
    def finite(x: Any) -> bool:
        return x is not None and not pd.isna(x) and np.isfinite(float(x))

    if value is None or pd.isna(value) or not finite(low):
        return ""
    if not finite(high):
        return t("verdict.interval_from", lang, low=fmt(low, kind, lang))
    return t("verdict.interval", lang, low=fmt(low, kind, lang), high=fmt(high, kind, lang))


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
                    profile: TeamProfile | None = None, labels: Any = None, n_boot: int = 200, seed: int = 0,
                    check_measures: bool = True) -> DifferentiationReport:
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
    labels
        Manual segments overriding the rule (see :func:`~kpilab.analysis.segment_reps`):
        a mapping rep -> segment, a DataFrame or a CSV/XLSX file; a ``segment``
        column of the team is read too.
    n_boot, seed
        Bootstrap resamples (0: none) and their seed: each criterion gets a
        90 % interval (``low``, ``high``), the share of resamples that pass and
        a robustness word ("robust", "borderline", "fails"); so does the plan.
    check_measures
        With the default measure on a team with revenue plans, also judge on
        attainment of the rep's own plan and say whether the verdict changes.
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
        raise KpilabError(msg("api_errors.differentiation_needs_payouts", payouts_type=type(payouts).__name__))
    t_ = payouts.table
    if profile is not None:
        if not isinstance(profile, TeamProfile):
            raise KpilabError(msg("api_errors.differentiation_profile_kind", profile_type=type(profile).__name__))
        if team is not None and team is not profile.team and team is not payouts.inputs:
            raise KpilabError(msg("api_errors.differentiation_team_twice"))
        if measure is not None and measure is not profile.measure_arg and measure != profile.measure:
            raise KpilabError(msg("api_errors.differentiation_measure_differs",
                                  measure=measure, profile_measure=profile.measure))
        if not profile.matches(t_):  # other rows: align and profile them as without a profile
            profile = build_profile(align_team(payouts, profile.team), profile.measure_arg,
                                    {k: t_[k].to_numpy() for k in profile.keys}, labels=labels)
    else:
        frame = align_team(payouts, team)
        profile = build_profile(frame, measure, {k: t_[k].to_numpy() for k in ("scenario", "rep_id", "period")
                                                 if k in t_.columns}, labels=labels)
    tb = np.asarray(payouts.target_bonus, float)
    if np.any(tb <= 0):
        on_target = on_target_variable(payouts)
        target_rows = np.where(tb > 0, tb, on_target)
        target_definition = t("verdict.target_definition.on_target", lang)
    else:
        target_rows = tb
        target_definition = t("verdict.target_definition.plan", lang)
    pay = {"total": t_["total"].to_numpy(float), "variable": t_["variable"].to_numpy(float), "target": target_rows}

    # Per rep: monthly means over all rows (the team's part is in the profile).
    means = group_reduce(profile.rep_codes, pay, "mean")
    is_min, min_def = minimum_doers(profile, payouts)
    segments = profile.segments
    min_def = segments.describe(lang)
    reps = profile.reps
    windfall = profile.windfall
    has_windfall = windfall is not None and bool(windfall.any())
    if has_windfall:
        clean_total = group_reduce(profile.rep_codes, {"x": np.where(windfall, np.nan, pay["total"])},
                                   "mean")["x"].to_numpy()
        clean_total = np.where(np.isnan(clean_total), means["total"].to_numpy(), clean_total)
    else:
        clean_total = means["total"].to_numpy()
    seg_tab = segments.table.set_index(segments.table["rep_id"].astype(str))
    seg_rows = seg_tab.reindex(reps["rep_id"].astype(str))
    per_rep = pd.DataFrame({
        **{c: reps[c] for c in reps.columns},
        "total": means["total"].to_numpy(), "variable": means["variable"].to_numpy(),
        "target_variable": means["target"].to_numpy(), "quartile": profile.clean_quartile,
        "minimum_doer": is_min, "n_rows": profile.n_rows,
        "segment": seg_rows["segment"].to_numpy(), "effort_index": seg_rows["effort_index"].to_numpy(),
        "results_index": seg_rows["results_index"].to_numpy(),
        "performance_ranked": profile.clean_performance, "total_ranked": clean_total,
    })
    strong = {f: segments.strong(f)[seg_tab.index.get_indexer(reps["rep_id"].astype(str))]
              for f in segments.families}

    core = _core(profile.clean_performance, clean_total, per_rep["variable"].to_numpy(),
                 per_rep["target_variable"].to_numpy(), is_min, crit.inversion_output_ratio, q=profile.clean_quartile)

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
              "inversions", "comparable_pairs", "inverted_share", "worst_inversion_gap"):
        metrics[k] = core[k]
    metrics.update({"payroll": float(payroll), "variable_payroll": float(var_payroll),
                    "variable_share": _ratio(var_payroll, payroll), "output": profile.output, "revenue": revenue,
                    "cost_of_sales": _ratio(payroll, revenue),
                    "windfall_months": float(windfall.sum()) if windfall is not None else 0.0})
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
    by_segment = _group_table(per_rep, "segment", min_med_total)

    # Strengths: the top quarter of each activity family (minimum-doers excluded) against minimum-doers.
    strength = None
    if strong and is_min.any():
        min_var = float(np.median(per_rep.loc[is_min, "variable"]))
        lines = {}
        for f, mask in strong.items():
            if mask.any():
                med = float(np.median(per_rep.loc[mask, "variable"]))
                lines[f] = {"n_reps": int(mask.sum()), "median_variable": med, "minimum_median_variable": min_var,
                            "ratio": _ratio(med, min_var), "flagged": med <= min_var + _PAY_EPS}
        if lines:
            strength = pd.DataFrame(lines).T.astype({"n_reps": int, "median_variable": float,
                                                     "minimum_median_variable": float, "ratio": float,
                                                     "flagged": bool})
            strength.index.name = "family"
            metrics["strength_coverage"] = float(strength["ratio"].min())

    # Per period (scenarios pooled: a rep's mean over scenarios in that period).
    per_period = _per_period(profile, pay, is_min, crit.inversion_output_ratio)

    ranked = per_rep[["rep_id", "performance_ranked", "total_ranked"] + (["archetype"] if "archetype" in per_rep
                                                                            else [])]
    inversions = list_inversions(ranked.rename(columns={"performance_ranked": "performance",
                                                        "total_ranked": "total"}), crit.inversion_output_ratio)
    verdict = _verdict(metrics, strength, crit, profile.measure, lang, has_revenue=has_revenue)

    # Uncertainty: the same figures on resampled teams.
    boot = None
    if n_boot:
        # a plan paying across months is resampled by whole reps (see _bootstrap)
        by_month = payouts.carried is None and profile.scenario_codes is None
        boot = _bootstrap(profile, pay, is_min, strong, crit, n_boot, seed, monthly=by_month)
        verdict = _robustness(verdict, boot, crit, metrics)
    assessed = verdict["passed"].dropna()
    passed = bool(len(assessed)) and bool(assessed.all())
    share_all = float("nan")
    word = ""
    if boot is not None:
        deciding = [c for c in verdict["criterion"] if f"pass_{c}" in boot and
                    verdict.set_index("criterion").loc[c, "status"] in ("pass", "fail")]
        if deciding:
            share_all = float(boot[[f"pass_{c}" for c in deciding]].all(axis=1).mean())
            word = _word(passed, share_all, crit.robust_share)

    # Notes: windfalls kept out, and whether another output measure would change the verdict.
    notes: list[str] = [t("verdict.measure_decided", lang, measure=_measure_word(profile.measure, lang))]
    windfalls = pd.DataFrame(columns=["rep_id", "period", "revenue"])
    if has_windfall:
        rows = np.flatnonzero(windfall)
        windfalls = pd.DataFrame({"rep_id": profile.team["rep_id"].to_numpy()[rows],
                                  "period": profile.team["period"].to_numpy()[rows],
                                  "revenue": profile.revenue[rows]})
        listed = ", ".join(f"{r} {p}" for r, p in zip(windfalls["rep_id"].head(5), windfalls["period"].head(5)))
        notes.append(t("verdict.windfall_note", lang, count=len(rows), factor=fmt(3, "int", lang), rows=listed))
    check: dict[str, Any] = {}
    if check_measures and measure is None and profile.measure == "revenue" and "plan_revenue" in profile.team:
        plan_rev = pd.to_numeric(profile.team["plan_revenue"], errors="coerce").to_numpy(float)
        if np.all(plan_rev > 0):
            alt = differentiation(payouts, profile.team, measure=_attainment, criteria=crit, lang=lang, n_boot=0,
                                  check_measures=False)
            rho_m = spearman(profile.performance, profile.team["revenue"].to_numpy(float) / plan_rev)[0]
            check = {"measure": profile.measure, "other": "attainment", "passed": passed, "other_passed": alt.passed,
                     "agree": alt.passed == passed, "rho": rho_m}
            key = "verdict.measure_agree" if alt.passed == passed else "verdict.measure_disagree"
            notes.append(t(key, lang, measure=_measure_word(profile.measure, lang),
                           other=t("verdict.measure.attainment", lang),
                           other_verdict=t("verdict.pass_word" if alt.passed else "verdict.fail_word", lang),
                           rho=fmt(rho_m, "num", lang)))
    if boot is not None:
        notes.append(t("verdict.bootstrap_note" if by_month else "verdict.bootstrap_note_reps", lang, n=n_boot,
                       seed=seed))

    table = pd.DataFrame({"value": pd.Series(metrics, dtype=float)})
    table.index.name = "metric"
    return DifferentiationReport(
        table=table, verdict=verdict, passed=passed, metrics=dict(metrics), per_rep=per_rep,
        by_archetype=by_archetype, by_quartile=by_quartile, per_period=per_period, inversions=inversions,
        strength_coverage=strength, budget=budget, minimum_doer_definition=min_def,
        target_definition=target_definition, measure=profile.measure, criteria=crit, lang=lang,
        segments=segments, robustness=word, share_passing=share_all,
        bootstrap=boot, n_boot=int(n_boot), seed=int(seed), windfalls=windfalls, notes=tuple(notes),
        measure_check=check, by_segment=by_segment)


def _attainment(frame: pd.DataFrame) -> np.ndarray:
    """Revenue over the row's own revenue plan."""
    return frame["revenue"].to_numpy(float) / pd.to_numeric(frame["plan_revenue"], errors="coerce").to_numpy(float)


def _measure_word(measure: str, lang: str) -> str:
    from ..i18n import has_label, label

    if measure == "attainment":
        return t("verdict.measure.attainment", lang)
    return label(measure, lang).lower() if has_label(measure) else measure


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
