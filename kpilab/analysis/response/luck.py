"""Luck that lasts from month to month, read from the team's own months where they show it.

Each rep-month's luck is what the month sold against what its activity would
bring at the rep's own rates: ``x = log(revenue / expected)``, ``expected``
the model's month at the observed effort (:func:`~.model.simulate` without
noise). Each rep's mean is removed (ability, and any level that lasts the
whole year: one year cannot tell them apart) and so is each month's mean
over the team (season, the market). What remains is, by the model, a lasting
level (an AR(1) with the assumed persistence and an unknown standard
deviation) plus the month's own luck (independent, unknown size). Both leave
their mark on the variance and on the correlation of adjacent months,
after the rep's mean is removed; the two moments give the two sizes
(method of moments on the exact expected values of the demeaned
covariances, so the negative correlation that removing a mean alone makes,
about ``-1 / (months - 1)``, is not read as luck).

The data speak only when adjacent months correlate clearly more than no
lasting luck would make them (by more than two standard errors, ``1 /
sqrt(reps * (months - 1))``); then the size found is the centre of the
assumption (never above the top of its range, which widens to hold it),
and the output says it was read from the data. Otherwise the stated centre
stays: in the synthetic teams adjacent months correlate by -0.05 to -0.09
(what twelve months with no lasting luck give), so the centre there is 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .model import FAMILIES, Funnel, simulate

__all__ = ["LuckEvidence", "lasting_luck", "read_luck"]

#: Standard errors by which adjacent months must correlate beyond what no lasting luck gives.
EVIDENCE_SE = 2.0


@dataclass(frozen=True)
class LuckEvidence:
    """What the team's months say of luck that lasts.

    Attributes
    ----------
    correlation
        Of adjacent months' luck, each rep's and each month's mean removed.
    without
        The correlation that no lasting luck would give (removing the means alone).
    standard_error
        Of ``correlation``.
    size
        The lasting level's standard deviation the two moments give (0 where they give none).
    shown
        Whether the data show lasting luck (``correlation`` beyond ``without`` by
        :data:`EVIDENCE_SE` standard errors).
    """

    correlation: float
    without: float
    standard_error: float
    size: float
    shown: bool


def _moments(cov: np.ndarray) -> tuple[float, float]:
    """Expected variance and adjacent covariance of a series with covariance ``cov`` (P, P) once its mean
    over the P months is removed."""
    p = cov.shape[0]
    centre = np.eye(p) - 1.0 / p
    c = centre @ cov @ centre
    return float(np.trace(c) / p), float(np.diagonal(c, 1).sum() / (p - 1))


def lasting_luck(funnel: Funnel) -> LuckEvidence:
    """The evidence of luck that lasts in the observed year (:class:`LuckEvidence`)."""
    r, p = funnel.shape
    expected = simulate(funnel, np.ones((1, r, len(FAMILIES))), None)["revenue"][0, 0]      # (R, P)
    sold = funnel.team["revenue"].to_numpy(float).reshape(funnel.shape)
    usable = (sold > 0).all(1) & (expected > 0).all(1)
    if p < 4 or usable.sum() < 3:
        return LuckEvidence(0.0, 0.0, np.inf, 0.0, False)
    x = np.log(sold[usable] / expected[usable])
    x = x - x.mean(1, keepdims=True)
    x = x - x.mean(0, keepdims=True)
    c0 = float((x * x).mean())
    c1 = float((x[:, 1:] * x[:, :-1]).mean())
    rho = funnel.assumptions.luck_persistence
    months = np.arange(p)
    lasting = _moments(rho ** np.abs(months[:, None] - months[None, :]))
    own = _moments(np.eye(p))
    without = own[1] / own[0]
    se = 1.0 / np.sqrt(usable.sum() * (p - 1))
    correlation = c1 / c0 if c0 > 0 else 0.0
    with np.errstate(all="ignore"):
        sizes = np.linalg.solve(np.array([[lasting[0], own[0]], [lasting[1], own[1]]]), np.array([c0, c1]))
    size = float(np.sqrt(max(sizes[0], 0.0))) if np.isfinite(sizes).all() else 0.0
    shown = bool(correlation - without > EVIDENCE_SE * se and size > 0)
    return LuckEvidence(correlation, without, se, size if shown else 0.0, shown)


def read_luck(funnel: Funnel) -> tuple[Funnel, LuckEvidence]:
    """The funnel with the lasting luck its months show as the centre of the assumption (the range widened
    to hold it), when :attr:`~.model.Assumptions.luck_from_data` and the data show it; else as it was."""
    evidence = lasting_luck(funnel)
    a = funnel.assumptions
    if not (a.luck_from_data and evidence.shown):
        return funnel, evidence
    lo, hi = a.luck_range
    a = replace(a, luck=evidence.size, luck_range=(min(lo, evidence.size), max(hi, evidence.size)))
    return replace(funnel, assumptions=a), evidence
