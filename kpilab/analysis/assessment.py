"""The differentiation verdict: each criterion's pass or fail with its sentence, and how robust it is.

:func:`_verdict` judges the figures of :func:`~kpilab.analysis.differentiation`
against the :class:`~kpilab.analysis.criteria.Criteria`; :func:`_bootstrap`
recomputes them on resampled teams and :func:`_robustness` adds each
criterion's interval, the share of resamples passing and a robustness word.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import t
from . import bootstrap as _bs
from .criteria import SOURCES, Criteria
from .profile import TeamProfile, group_reduce
from .ranking import _PAY_EPS
from .verdict import fmt, sentence


def _word(passed: bool, share: float, robust_share: float) -> str:
    if np.isnan(share):
        return ""
    if passed and share >= robust_share - 1e-12:
        return "robust"
    if not passed and share < 0.5:
        return "fails"
    return "borderline"


def _bootstrap(profile: TeamProfile, pay: Mapping[str, np.ndarray], is_min: np.ndarray,
               strong: Mapping[str, np.ndarray], crit: Criteria, n_boot: int, seed: int,
               monthly: bool = True) -> pd.DataFrame:
    """Each criterion's figure and pass/fail on ``n_boot`` resampled teams (reps, and each rep's months).

    Months are resampled within each drawn rep when the table has no
    ``scenario`` column (with scenarios, each rep's rows already span many
    possible years) and the plan pays each month on its own (``monthly``).
    A plan that pays across months (a quarterly or year-to-date true-up, a
    holdback) pays a month for other months' output, so drawing months one by
    one would pair pay with output it was not paid for, and the interval would
    sit beside the figure instead of around it: such a plan's reps are drawn
    whole. Windfall rows stay out of the rank figures as in the point estimate.
    """
    rng = np.random.default_rng(seed)
    n = profile.n_reps
    months = profile.scenario_codes is None and monthly
    reps, rows, valid = _bs.resample(rng, profile.rep_codes, n, n_boot, months)
    rev = profile.revenue
    keep = None if profile.windfall is None else ~profile.windfall
    if months:
        m = lambda x, k=None: _bs.per_rep_means(np.asarray(x, float), rows, valid, k)  # noqa: E731
        total, variable, target = m(pay["total"]), m(pay["variable"]), m(pay["target"])
        perf_c = m(profile.performance, keep)
        total_c = m(pay["total"], keep)
        perf_c = np.where(np.isnan(perf_c), m(profile.performance), perf_c)
        total_c = np.where(np.isnan(total_c), total, total_c)
        count = profile.n_rows[reps]
        pay_sum = total * count
        rev_sum = m(rev) * count if rev is not None else None
    else:
        means = group_reduce(profile.rep_codes, pay, "mean")
        total, variable, target = (means[c].to_numpy()[reps] for c in ("total", "variable", "target"))
        if keep is not None:
            tc = group_reduce(profile.rep_codes, {"x": np.where(keep, pay["total"], np.nan)}, "mean")["x"].to_numpy()
            tc = np.where(np.isnan(tc), means["total"].to_numpy(), tc)
        else:
            tc = means["total"].to_numpy()
        perf_c, total_c = profile.clean_performance[reps], tc[reps]
        count = profile.n_rows[reps]
        pay_sum = total * count
        rev_sum = (group_reduce(profile.rep_codes, {"r": rev}, "mean")["r"].to_numpy()[reps] * count
                   if rev is not None else None)
    fig = _bs.batch_figures(perf_c, total_c, variable, target, is_min[reps], {f: s[reps] for f, s in strong.items()},
                            pay_sum, rev_sum, crit.inversion_output_ratio)
    out = pd.DataFrame(fig)
    out["pass_rho"] = out["rho"] >= crit.rho_min
    out["pass_top_to_minimum"] = out["top_to_minimum"] >= crit.top_to_minimum_min
    out["pass_p90_target_multiple"] = (out["p90_target_multiple"] >= crit.p90_target_multiple_min) & (
        out["p90_variable"] > _PAY_EPS)
    out["pass_inversions"] = (out["inverted_share"] <= crit.max_inverted_share + 1e-12) & (
        out["worst_inversion_gap"] <= crit.max_inversion_gap + 1e-12)
    band = crit.cost_of_sales_band
    if band is not None:
        out["pass_cost_of_sales"] = (out["cost_of_sales"] >= band[0]) & (out["cost_of_sales"] <= band[1])
    out["pass_strength_coverage"] = out["strength_ok"] > 0.5
    return out


#: The bootstrap column holding each criterion's figure.
_BOOT_VALUE = {"rho": "rho", "top_to_minimum": "top_to_minimum", "p90_target_multiple": "p90_target_multiple",
               "inversions": "inverted_share", "cost_of_sales": "cost_of_sales", "strength_coverage": "strength_coverage"}


def _robustness(verdict: pd.DataFrame, boot: pd.DataFrame, crit: Criteria, metrics: Mapping[str, float]
                ) -> pd.DataFrame:
    """The verdict with low/high (5th-95th percentile of resamples), share_passing and robustness columns."""
    ci = _bs.summary(boot[list(_BOOT_VALUE.values())])
    out = verdict.copy()
    lows, highs, shares, words = [], [], [], []
    for row in out.itertuples():
        col = _BOOT_VALUE[row.criterion]
        lows.append(float(ci.loc[col, "low"]))
        highs.append(float(ci.loc[col, "high"]))
        if row.status in ("pass", "fail") and f"pass_{row.criterion}" in boot:
            share = float(boot[f"pass_{row.criterion}"].mean())
            shares.append(share)
            words.append(_word(row.status == "pass", share, crit.robust_share))
        else:
            shares.append(float("nan"))
            words.append("")
    out["low"], out["high"], out["share_passing"], out["robustness"] = lows, highs, shares, words
    return out


#: The unit of each criterion's value and threshold (kpilab.metrics units), for renderers.
_UNITS = {"rho": "ratio", "top_to_minimum": "ratio", "p90_target_multiple": "ratio", "inversions": "share",
          "cost_of_sales": "share", "strength_coverage": "ratio"}


def _verdict(m: Mapping[str, float], strength: pd.DataFrame | None, crit: Criteria, measure: str, lang: str,
             has_revenue: bool) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []

    def add(criterion: str, value: float, threshold: Any, status: str, text: str) -> None:
        passed = {"pass": True, "fail": False}.get(status, pd.NA)
        rows.append({"criterion": criterion, "value": value, "threshold": threshold, "status": status,
                     "passed": passed, "explanation": text, "source": SOURCES[criterion],
                     "unit": _UNITS[criterion]})

    def num(v: float) -> str:
        return fmt(v, "num", lang)

    def pct(v: Any) -> str:
        return fmt(v, "pct", lang)

    rho = m["rho"]
    if np.isnan(rho):
        add("rho", rho, crit.rho_min, "fail", sentence("rho", "flat", lang))
    else:
        ok = rho >= crit.rho_min
        add("rho", rho, crit.rho_min, "pass" if ok else "fail",
            sentence("rho", "pass" if ok else "fail", lang, measure=measure, value=num(rho), threshold=num(crit.rho_min)))

    ttm = m["top_to_minimum"]
    if m["n_minimum_doers"] == 0:
        add("top_to_minimum", ttm, crit.top_to_minimum_min, "not assessed", sentence("top_to_minimum", "na", lang))
    else:
        ok = bool(ttm >= crit.top_to_minimum_min)
        add("top_to_minimum", ttm, crit.top_to_minimum_min, "pass" if ok else "fail",
            sentence("top_to_minimum", "pass" if ok else "same" if num(ttm) == num(1.0) else "fail", lang,
                     measure=measure, value=num(ttm), threshold=num(crit.top_to_minimum_min)))

    mult = m["p90_target_multiple"]
    if np.isnan(mult) or m["p90_variable"] <= _PAY_EPS:
        add("p90_target_multiple", mult, crit.p90_target_multiple_min, "fail",
            sentence("p90_target_multiple", "none", lang))
    else:
        ok = mult >= crit.p90_target_multiple_min
        add("p90_target_multiple", mult, crit.p90_target_multiple_min, "pass" if ok else "fail",
            sentence("p90_target_multiple", "pass" if ok else "fail", lang, value=num(mult),
                     threshold=num(crit.p90_target_multiple_min)))

    share, gap, pairs = m["inverted_share"], m["worst_inversion_gap"], m["comparable_pairs"]
    ratio = pct(crit.inversion_output_ratio - 1.0)
    if pairs == 0:
        add("inversions", 0.0, crit.max_inverted_share, "pass",
            sentence("inversions", "none", lang, measure=measure, ratio=ratio))
    else:
        ok = share <= crit.max_inverted_share + 1e-12 and gap <= crit.max_inversion_gap + 1e-12
        add("inversions", share, crit.max_inverted_share, "pass" if ok else "fail",
            sentence("inversions", "pass" if ok else "fail", lang, pairs=fmt(int(pairs), "int", lang),
                     value=pct(share), threshold=pct(crit.max_inverted_share), measure=measure, ratio=ratio,
                     gap=pct(gap), gap_threshold=pct(crit.max_inversion_gap)))

    cos = m["cost_of_sales"]
    band = crit.cost_of_sales_band
    if not has_revenue or np.isnan(cos):
        add("cost_of_sales", cos, band, "not assessed", sentence("cost_of_sales", "norevenue", lang))
    elif band is None:
        add("cost_of_sales", cos, None, "not assessed", sentence("cost_of_sales", "na", lang, value=pct(cos)))
    else:
        ok = band[0] <= cos <= band[1]
        add("cost_of_sales", cos, band, "pass" if ok else "fail",
            sentence("cost_of_sales", "pass" if ok else "fail", lang, value=pct(cos), threshold=pct(band)))

    if strength is None or strength.empty:
        add("strength_coverage", float("nan"), None, "not assessed", sentence("strength_coverage", "na", lang))
    else:
        flagged = strength[strength["flagged"]]
        deciding = crit.require_strength_coverage
        if flagged.empty:
            low = float(strength["ratio"].min())
            who = ", ".join(t(f"verdict.family.{f}", lang) for f in strength.index)
            add("strength_coverage", low, 1.0, "pass" if deciding else "not assessed",
                sentence("strength_coverage", "pass", lang, who=who, value=num(low)))
        else:
            words = [t(f"verdict.family_in.{f}", lang) for f in flagged.index]
            who = words[0] if len(words) == 1 else (", ".join(words[:-1]) + t("verdict.and_join", lang) + words[-1])
            low = float(flagged["ratio"].min())
            add("strength_coverage", low, 1.0, "fail" if deciding else "not assessed",
                sentence("strength_coverage", "fail" if np.isfinite(low) else "fail_none", lang, who=who,
                         value=num(low)))
    out = pd.DataFrame(rows)
    out["passed"] = out["passed"].astype("boolean")
    return out
