"""Pass/fail thresholds of the differentiation verdict, with where each comes from.

Sources (read 2026; quoted in substance, not verbatim)
------------------------------------------------------
- **P90 variable pay >= 2 x target incentive.** SalesGlobe (M. Donnolo), "The
  Importance of Differentiating Top Performers": upside is set as a multiple of
  target incentive at the 90th percentile of performance, e.g. "200 percent of
  target incentive to a 90th percentile performer", some plans 300 %.
  https://www.salesglobe.com/blog/the-importance-of-differentiating-top-performers/
  Also Ecsell Institute / B. Malandruccolo, "Sales Compensation Plans, Step 5:
  Set the Upside" (upside ratio of 2:1 to target incentive is what market data
  often shows). ZS, "The Great Compression" (2022): long-standing US best
  practice pays the top 10 % of sellers 2-3 x the average variable pay.
  https://www.zs.com/insights/the-great-compression-leaders-discuss-sales-compensation-ranges
- **Excellence-to-threshold ratio (3:1 upside curve).** Ecsell Institute /
  B. Malandruccolo, "Sales Compensation Plans Step 8: Define Structure Details":
  threshold 75 % of quota pays 50 % of target incentive, excellence 150 % pays
  300 %. :func:`kpilab.analysis.excellence_to_threshold` computes the
  total-pay ratio such a curve gives for a pay mix.
- **Threshold practice.** Alexander Group, "Careful About That Threshold":
  common practice starts paying at about 70 % of quota.
- **Compensation cost of sales (CCOS) = cash compensation / revenue.**
  WorldatWork Workspan Daily, "Why Compensation Cost of Sales Is a Metric That
  Deserves Your Attention" (2024); ZS, "Putting CCOS to work for your incentive
  program": "generally between 3 and 9 %", but measured differently by company
  and industry (see the default band below).
- **Inversions, as a share of comparable pairs and by the worst gap.** A
  pair is comparable when one rep has at least 20 % more output; it is
  inverted when that rep earns less. The criterion reads the *share* of
  comparable pairs inverted (at most 2 %) and the worst gap, as a share of
  the better rep's pay (at most 25 %), so it does not fail a large team for a
  handful of pairs among tens of thousands (a count of inversions grows with
  the square of the team). The worst gap is the 95th percentile of the
  inverted pairs' gaps (nearest rank up: with 20 inverted pairs or fewer, the
  largest), since a plain maximum over n² pairs also grows with the team. 2 %: with pay ranking output at Spearman rho 0.8
  (Kendall tau about 0.6) about 20 % of *all* pairs are discordant; among
  pairs at least 20 % apart in output, a pay-for-performance plan should
  invert a tenth of that. 25 %: a smaller gap is within one month's
  bonus noise in a 50/50 mix; Mitra, Gupta and Jenkins, "A drop in the
  bucket: when is a pay raise a pay raise?" (J. Organizational Behavior,
  1997) found pay differences under about 7 % go unnoticed, so a gap above
  25 % (3-4 times that) is one a rep will see and resent. Windfall months
  (revenue over 3x the rep's median month) are kept out.
- **Compensation cost of sales, default band 3-9 %.** ZS, "Putting CCOS to
  work for your incentive program": sales compensation "generally between 3
  and 9 %" of revenue; WorldatWork Workspan Daily (2024). The band is a
  default, not a law: set ``cost_of_sales_band`` to the client's industry, or
  None to switch the criterion off.
- **Spearman rho >= 0.8 between pay and output, top-quartile / minimum-doer
  total pay >= 1.5.** Practitioner rules of thumb used by
  kpilab; we found no published benchmark with these exact numbers. The idea
  (similar performance -> similar pay, very different performance -> pay that
  reflects the difference) is the "pay for performance" test described by
  Marketing Advantage, "Does Your Sales Compensation Plan Really Pay for
  Performance?" (2021), without numeric thresholds.
- **Robustness.** A criterion is *robust* when it passes and passes in at
  least 90 % of bootstrap resamples of the reps (and of each rep's months),
  *fails* when it fails and passes in under half of them, *borderline*
  otherwise (the usual 90 % confidence convention).
- **Russia, lawful bonus cuts (used by lint).** Federal law of 7 June 2025
  No. 144-FZ (in force 1 September 2025, amending the Labour Code): a bonus cut
  for a disciplinary breach applies only to bonuses of the period in which the
  sanction was imposed and may not reduce monthly pay by more than 20 %
  (as reported by RIA Novosti / news.mail.ru, 9 Aug 2025, quoting the law).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from ..errors import KpilabError
from ..i18n.messages import msg

__all__ = ["Criteria", "SOURCES"]

#: criterion -> short source note (English), shown in reports.
SOURCES: dict[str, str] = {
    "rho": "practitioner rule of thumb (kpilab); pay-for-performance idea: Marketing Advantage 2021",
    "top_to_minimum": "practitioner rule of thumb (kpilab)",
    "p90_target_multiple": "SalesGlobe (Donnolo): 200 % of target incentive at P90; ZS 'Great Compression' 2022",
    "inversions": "share of comparable pairs (Kendall-tau reasoning) and worst gap (Mitra, Gupta, Jenkins 1997)",
    "cost_of_sales": "default band 3-9 %: ZS, CCOS generally 3-9 %; WorldatWork Workspan 2024",
    "strength_coverage": "kpilab design goal (several roads to a bonus)",
}


@dataclass(frozen=True)
class Criteria:
    """Thresholds of the differentiation verdict (all overridable).

    Parameters
    ----------
    rho_min
        Minimum Spearman rho between reps' total pay and output (default 0.8).
    top_to_minimum_min
        Minimum ratio of median total pay, top output quartile / minimum-doers (1.5).
    p90_target_multiple_min
        Minimum P90 of variable pay as a multiple of the target bonus (2.0).
    max_inverted_share
        Largest share of comparable pairs (one rep with at least
        ``inversion_output_ratio`` × the other's output) in which the rep with
        more output earns less (0.02).
    max_inversion_gap
        Largest pay gap of an inverted pair, as a share of the pay of the rep
        with more output (0.25).
    cost_of_sales_band
        ``(low, high)`` for total pay / revenue (default 3-9 %); None switches
        the criterion off ("not assessed"). Without revenue it is not assessed.
    inversion_output_ratio
        "Clearly more output" means at least this ratio (1.2 = 20 % more).
    require_strength_coverage
        When True (default), reps strong in an activity family whose median
        variable pay is no more than the minimum-doers' fail the verdict; False
        reports it without deciding.
    robust_share
        Share of bootstrap resamples that must pass for "robust" (0.9).

    See the module docstring for sources.
    """

    rho_min: float = 0.8
    top_to_minimum_min: float = 1.5
    p90_target_multiple_min: float = 2.0
    max_inverted_share: float = 0.02
    max_inversion_gap: float = 0.25
    cost_of_sales_band: tuple[float, float] | None = (0.03, 0.09)
    inversion_output_ratio: float = 1.2
    require_strength_coverage: bool = True
    robust_share: float = 0.9

    def __post_init__(self) -> None:
        band = self.cost_of_sales_band
        if band is not None:
            band = tuple(float(b) for b in band)
            if len(band) != 2 or not band[0] <= band[1]:
                raise KpilabError(msg("api_errors.criteria_cost_band", band=band))
            object.__setattr__(self, "cost_of_sales_band", band)
        if self.inversion_output_ratio < 1.0:
            raise KpilabError(msg("api_errors.criteria_inversion_ratio"))
        if not 0 <= self.max_inverted_share <= 1 or self.max_inversion_gap < 0:
            raise KpilabError(msg("api_errors.criteria_inversion_limits"))
        if not 0.5 <= self.robust_share <= 1:
            raise KpilabError(msg("api_errors.criteria_robust_share"))

    @classmethod
    def from_any(cls, value: "Criteria | Mapping[str, Any] | None") -> "Criteria":
        """A Criteria from None (defaults), a mapping of overrides, or a Criteria."""
        if value is None:
            return cls()
        if isinstance(value, Criteria):
            return value
        if isinstance(value, Mapping):
            known = {f.name for f in fields(cls)}
            unknown = sorted(set(value) - known)
            if unknown:
                raise KpilabError(msg("api_errors.criteria_unknown",
                                      unknown=', '.join(unknown), known=', '.join(sorted(known))))
            return cls(**dict(value))
        raise KpilabError(msg("api_errors.criteria_kind", value_type=type(value).__name__))
