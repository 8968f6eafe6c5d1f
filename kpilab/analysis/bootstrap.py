"""The verdict's figures on many resampled teams at once: intervals and the share of resamples that pass.

:func:`batch_figures` computes every criterion's figure for a batch of teams
given as (resamples × reps) arrays of per-rep figures, in one numpy pass (ranks,
medians and percentiles along an axis; rep pairs compared in chunks).
:func:`resample` draws the batch: reps with replacement and, within each drawn
rep, that rep's months with replacement (a two-stage bootstrap), from a seeded
Generator. :mod:`kpilab.analysis.differentiation` turns the batch into
intervals and the robustness words.
"""

from __future__ import annotations

from collections.abc import Mapping

import warnings

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["batch_figures", "resample", "FIGURES"]

_PAY_EPS = 0.005
_PAIR_BUDGET = 4_000_000  # booleans compared at once by the inversion count
#: The figures of :func:`batch_figures`, in order.
FIGURES: tuple[str, ...] = ("rho", "top_to_minimum", "n_minimum_doers", "p90_target_multiple", "p90_variable",
                            "inverted_share", "worst_inversion_gap", "comparable_pairs", "cost_of_sales",
                            "strength_coverage", "strength_ok")


def _nanmedian(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.nanmedian(np.where(mask, values, np.nan), axis=1)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den == 0, np.where(num > 0, np.inf, np.nan), num / np.where(den == 0, 1.0, den))
    return np.where(np.isnan(num) | np.isnan(den), np.nan, out)


def batch_figures(perf: np.ndarray, total: np.ndarray, variable: np.ndarray, target: np.ndarray,
                  is_min: np.ndarray, strong: Mapping[str, np.ndarray], pay_sum: np.ndarray | None,
                  revenue_sum: np.ndarray | None, ratio: float) -> dict[str, np.ndarray]:
    """Every criterion's figure for each row of (batch × reps) arrays.

    ``perf``/``total``: output and total pay read by the rank criteria (rho,
    quartiles, inversions); ``variable``/``target``: variable pay and target
    bonus per rep (upside, strengths); ``is_min`` and ``strong[family]``:
    per-rep masks; ``pay_sum``/``revenue_sum``: payroll and revenue per rep
    (cost of sales). Row ``b`` of each result is the figure of team ``b``.
    """
    perf, total = np.atleast_2d(perf).astype(float), np.atleast_2d(total).astype(float)
    variable, target = np.atleast_2d(variable).astype(float), np.atleast_2d(target).astype(float)
    is_min = np.atleast_2d(is_min).astype(bool)
    b, n = perf.shape
    out: dict[str, np.ndarray] = {}

    # Spearman rho: Pearson of average ranks (scipy's definition), NaN when either side is flat.
    rho = np.full(b, np.nan)
    live = (np.ptp(total, axis=1) > _PAY_EPS) & (np.ptp(perf, axis=1) > 0) if n >= 3 else np.zeros(b, bool)
    if live.any():
        rp = stats.rankdata(total[live], axis=1)
        ro = stats.rankdata(perf[live], axis=1)
        rp -= rp.mean(axis=1, keepdims=True)
        ro -= ro.mean(axis=1, keepdims=True)
        rho[live] = (rp * ro).sum(axis=1) / np.sqrt((rp * rp).sum(axis=1) * (ro * ro).sum(axis=1))
    out["rho"] = rho

    # Quartiles by rank, ties broken by position (as quartiles()).
    rank = np.argsort(np.argsort(perf, axis=1, kind="stable"), axis=1, kind="stable") + 1
    top = np.ceil(4.0 * rank / n) == 4
    out["top_to_minimum"] = _ratio(_nanmedian(total, top), _nanmedian(total, is_min))
    out["n_minimum_doers"] = is_min.sum(axis=1).astype(float)

    with np.errstate(divide="ignore", invalid="ignore"):
        mult = np.where(target > 0, variable / np.where(target > 0, target, 1.0), np.nan)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["p90_target_multiple"] = np.nanpercentile(mult, 90, axis=1)
        out["p90_variable"] = np.nanpercentile(variable, 90, axis=1)

    comparable = np.zeros(b)
    inverted = np.zeros(b)
    gap = np.zeros(b)
    step = max(1, _PAIR_BUDGET // max(1, n * n))
    for s in range(0, b, step):
        o, p = perf[s:s + step], total[s:s + step]
        more = (o[:, :, None] >= ratio * o[:, None, :]) & (o[:, :, None] > o[:, None, :])
        less = p[:, :, None] < p[:, None, :] - _PAY_EPS
        inv = more & less
        comparable[s:s + step] = more.sum(axis=(1, 2))
        inverted[s:s + step] = inv.sum(axis=(1, 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = (p[:, None, :] - p[:, :, None]) / np.where(p[:, :, None] > 0, p[:, :, None], np.nan)
        rel = np.where(inv, np.where(np.isnan(rel), np.inf, rel), np.nan).reshape(len(o), -1)
        # the worst gap is the 95th percentile of the inverted pairs' gaps (nearest rank up, so up to 20
        # inverted pairs it is the largest): a maximum over n² pairs would grow with the team
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g = np.nanquantile(rel, 0.95, axis=1, method="higher") if n else np.zeros(len(o))
        gap[s:s + step] = np.where(np.isnan(g), 0.0, g)
    out["inverted_share"] = np.where(comparable > 0, inverted / np.where(comparable > 0, comparable, 1), 0.0)
    out["worst_inversion_gap"] = gap
    out["comparable_pairs"] = comparable

    if pay_sum is not None and revenue_sum is not None:
        out["cost_of_sales"] = _ratio(np.atleast_2d(pay_sum).sum(axis=1), np.atleast_2d(revenue_sum).sum(axis=1))
    else:
        out["cost_of_sales"] = np.full(b, np.nan)

    min_var = _nanmedian(variable, is_min)
    # the lowest ratio over the families present; NaN where none is defined (0 / 0: nobody earns variable
    # pay), as the point figure, so a plan paying no variable pay gets no interval rather than "∞ to ∞"
    lowest = np.full(b, np.nan)
    ok = np.ones(b, bool)
    for mask in strong.values():
        mask = np.atleast_2d(mask).astype(bool)
        med = _nanmedian(variable, mask)
        has = mask.any(axis=1)
        r = _ratio(med, min_var)
        lowest = np.where(has, np.fmin(lowest, r), lowest)
        ok &= ~has | (med > min_var + _PAY_EPS)
    out["strength_coverage"] = np.where(np.isnan(min_var), np.nan, lowest)
    out["strength_ok"] = ok.astype(float)
    return out


def resample(rng: np.random.Generator, rep_codes: np.ndarray, n_reps: int, n_boot: int, months: bool
             ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Indices of a two-stage bootstrap.

    Returns ``(reps, rows, valid)``: ``reps`` (n_boot × n_reps) the drawn
    reps; with ``months``, ``rows`` (n_boot × n_reps × width) the drawn rows
    of each drawn rep (each of its rows drawn with replacement, as many as it
    has) and ``valid`` which of the ``width`` slots are used; else None.
    """
    reps = rng.integers(0, n_reps, size=(n_boot, n_reps))
    if not months:
        return reps, None, None
    order = np.argsort(rep_codes, kind="stable")
    counts = np.bincount(rep_codes, minlength=n_reps)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    width = int(counts.max()) if counts.size else 0
    cnt = counts[reps]
    slot = (rng.random((n_boot, n_reps, width)) * cnt[:, :, None]).astype(np.int64)
    valid = np.arange(width)[None, None, :] < cnt[:, :, None]
    slot = np.minimum(slot, np.maximum(cnt[:, :, None] - 1, 0))
    rows = order[starts[reps][:, :, None] + slot]
    return reps, rows, valid


def per_rep_means(values: np.ndarray, rows: np.ndarray, valid: np.ndarray, keep: np.ndarray | None = None
                  ) -> np.ndarray:
    """Mean of ``values`` over each drawn rep's drawn rows (only rows in ``keep``; NaN if none)."""
    w = valid if keep is None else valid & keep[rows]
    x = np.where(w, values[rows], 0.0)
    cnt = w.sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cnt > 0, x.sum(axis=2) / np.where(cnt > 0, cnt, 1), np.nan)


def summary(values: pd.DataFrame, q: tuple[float, float] = (5.0, 95.0)) -> pd.DataFrame:
    """low/high percentiles of each column (NaN ignored; nearest rank, so an infinite ratio stays infinite)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lo, hi = np.nanpercentile(values.to_numpy(float), q, axis=0, method="nearest")
    return pd.DataFrame({"low": lo, "high": hi}, index=values.columns)
