"""The figures that say whether pay follows output, for one set of reps or every period at once.

Spearman rho, inversions (a rep with clearly more output earning less), the
top-to-minimum ratio and the upside of variable pay: the building blocks of
:func:`~kpilab.analysis.differentiation`, plain numpy on arrays of reps.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from . import bootstrap as _bs
from ._common import percentile
from .profile import quartiles

_PAY_EPS = 0.005  # half a kopeck: smaller pay differences are ties


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


def _inversion_figures(output: np.ndarray, pay: np.ndarray, ratio: float) -> dict[str, float]:
    """inversions (count), comparable_pairs, inverted_share and worst_inversion_gap of one set of reps."""
    fig = _bs.batch_figures(np.asarray(output, float)[None, :], np.asarray(pay, float)[None, :],
                            np.zeros((1, len(output))), np.ones((1, len(output))), np.zeros((1, len(output)), bool),
                            {}, None, None, ratio)
    comparable = float(fig["comparable_pairs"][0])
    share = float(fig["inverted_share"][0])
    return {"inversions": float(round(share * comparable)), "comparable_pairs": comparable,
            "inverted_share": share, "worst_inversion_gap": float(fig["worst_inversion_gap"][0])}


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
        **_inversion_figures(perf, total, ratio),
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
