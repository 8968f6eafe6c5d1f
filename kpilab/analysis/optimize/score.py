"""Scoring a candidate: the verdict's figures from its pay, and each constraint's violation.

:class:`Scorer` runs where the candidate is paid (a Dask worker or this
process) and reduces the pay to the figures of :func:`kpilab.differentiation`;
:func:`violations` turns the figures into one scaled violation per constraint.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ...engine import Resolved
from ...errors import KpilabError
from ...plan import Plan, Scheme
from .._common import percentile, resolve_measure
from ..criteria import Criteria
from .. import bootstrap as _bs
from ..differentiation import _PAY_EPS, _spearman_rhos
from ..profile import group_reduce, profile_team
from ...i18n.messages import msg

__all__ = ["OBJECTIVES", "Scorer", "violations"]

#: objective -> +1 (smaller is better) or -1 (larger is better).
OBJECTIVES: dict[str, int] = {"payroll": 1, "cost_of_sales": 1, "variable_payroll": 1, "rho": -1,
                              "top_to_minimum": -1, "p90_target_multiple": -1, "inversions": 1, "worst_loss": 1,
                              "profit": -1}
_CRITERIA = ("rho", "top_to_minimum", "p90_target_multiple", "inversions")


class Scorer:
    """Reduces one candidate's pay to the verdict's figures and the constraint violations (runs on a worker).

    Holds only what the team alone decides (from :func:`~kpilab.analysis.profile_team`)
    and the starting plan's per-rep pay: small, picklable arrays.
    """

    def __init__(self, team: pd.DataFrame, criteria: Criteria, measure: Any = None, *,
                 baseline_total: np.ndarray | None = None, robust_share: float | None = None,
                 labels: Any = None) -> None:
        profile = profile_team(team, measure, labels=labels)
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
                raise KpilabError(msg("api_errors.optimize_robust_needs_scenarios"))
            scen = np.asarray(profile.scenario_codes)
            self.scenario = scen * self.n_reps + self.rep_codes
            perf_rows, _ = resolve_measure(profile.team, measure)
            cell = group_reduce(self.scenario, {"p": perf_rows}, "mean")["p"].to_numpy()
            if len(cell) != profile.n_scenarios * self.n_reps:
                raise KpilabError(msg("api_errors.optimize_robust_needs_every_rep"))
            self.scenario_performance = cell.reshape(profile.n_scenarios, self.n_reps)
            rank = self.scenario_performance.argsort(axis=1, kind="stable").argsort(axis=1, kind="stable") + 1
            self.scenario_top = np.ceil(4.0 * rank / self.n_reps) == 4

    def __call__(self, plan: Plan | Scheme, columns: Mapping[str, np.ndarray], view: Resolved) -> dict[str, float]:
        """The figures of one candidate (a batch of one)."""
        return self.finish([self.partial(plan, columns, view)])[0]

    def partial(self, plan: Plan | Scheme, columns: Mapping[str, np.ndarray], view: Resolved) -> dict[str, Any]:
        """The part of the scoring that reads the candidate's full pay columns: per-rep means, payroll sums
        and the per-scenario shares; small enough to keep for a whole chunk of candidates.

        The sweep calls ``partial`` per candidate and :meth:`finish` once per chunk, so the verdict
        figures of a chunk are computed in one vectorised pass across its candidates.
        """
        total, variable = columns["total"], columns["variable"]
        target = view.columns_for(plan).target_bonus
        means = group_reduce(self.rep_codes, {"total": total, "variable": variable, "target": target}, "mean")
        out: dict[str, Any] = {c: means[c].to_numpy() for c in ("total", "variable", "target")}
        out["payroll"] = float(pd.Series(total).sum() / self.n_scenarios)
        out["variable_payroll"] = float(pd.Series(variable).sum() / self.n_scenarios)
        if self.robust_share is not None:
            out["robust"] = self._robust(total, variable, target)
        return out

    def finish(self, parts: list[dict[str, Any]]) -> list[dict[str, float]]:
        """The figures of every candidate of a chunk from their :meth:`partial` results, vectorised across
        candidates; each figure bit for bit the one :func:`kpilab.differentiation` computes."""
        if not parts:
            return []
        rep_total = np.vstack([p["total"] for p in parts])
        rep_var = np.vstack([p["variable"] for p in parts])
        rep_target = np.vstack([p["target"] for p in parts])
        c = len(parts)
        perf = np.broadcast_to(self.performance, rep_total.shape)
        # rho: scipy's arithmetic for every candidate whose pay is not flat (one rank pass for all)
        rho = np.full(c, np.nan)
        live = (np.ptp(rep_total, axis=1) > _PAY_EPS) if self.n_reps >= 3 and np.ptp(self.performance) != 0 \
            else np.zeros(c, bool)
        if live.any():
            rho[live] = _spearman_rhos(rep_total[live], perf[live])
        top = self.quartile == 4
        top_med = np.median(rep_total[:, top], axis=1) if top.any() else np.full(c, np.nan)
        min_med = np.median(rep_total[:, self.minimum], axis=1) if self.minimum.any() else np.full(c, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            ttm = np.where(min_med > 0, top_med / np.where(min_med > 0, min_med, 1.0), np.nan)
            mult = np.where(rep_target > 0, rep_var / np.where(rep_target > 0, rep_target, 1.0), np.nan)
        inv = _bs.batch_figures(perf, rep_total, np.zeros_like(rep_total), np.ones_like(rep_total),
                                np.zeros(rep_total.shape, bool), {}, None, None,
                                self.criteria.inversion_output_ratio)
        if self.baseline_total is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                loss = np.where(self.baseline_total > 0, 1.0 - rep_total / self.baseline_total, 0.0)
            worst = loss.max(axis=1) if loss.shape[1] else np.zeros(c)
        out = []
        for i, part in enumerate(parts):
            payroll = part["payroll"]
            comparable, share = float(inv["comparable_pairs"][i]), float(inv["inverted_share"][i])
            fig = {"payroll": payroll, "variable_payroll": part["variable_payroll"],
                   "cost_of_sales": payroll / self.revenue if self.revenue > 0 else float("nan"),
                   "rho": float(rho[i]), "top_to_minimum": float(ttm[i]),
                   "p90_target_multiple": percentile(mult[i], 90), "p90_variable": percentile(rep_var[i], 90),
                   "inversions": float(round(share * comparable)), "comparable_pairs": comparable,
                   "inverted_share": share, "worst_inversion_gap": float(inv["worst_inversion_gap"][i])}
            if self.baseline_total is not None:
                fig["worst_loss"] = float(worst[i])
            fig.update(part.get("robust", {}))
            out.append(fig)
        return out

    def baseline(self, total: np.ndarray) -> None:
        """Set the starting plan's per-rep mean pay (the ``worst_loss`` figure compares against it)."""
        self.baseline_total = group_reduce(self.rep_codes, {"t": total}, "mean")["t"].to_numpy()

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
            pairs = np.maximum(more.sum(axis=(1, 2)), 1)
            ok[s:s + step] = (more & less).sum(axis=(1, 2)) / pairs <= crit.max_inverted_share + 1e-12
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
        out["inversions"] = max(0.0, figures["inverted_share"] - criteria.max_inverted_share) / \
            max(criteria.max_inverted_share, 0.01) + \
            max(0.0, figures["worst_inversion_gap"] - criteria.max_inversion_gap) / max(criteria.max_inversion_gap, 0.01)
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
