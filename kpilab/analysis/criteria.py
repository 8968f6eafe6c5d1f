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
  and industry. kpilab therefore sets **no default band**: the user gives one
  (``cost_of_sales_band=(0.03, 0.09)`` reproduces the ZS range), otherwise the
  criterion is reported "not assessed".
- **Spearman rho >= 0.8 between pay and output, top-quartile / minimum-doer
  total pay >= 1.5, no inversions.** Practitioner rules of thumb used by
  kpilab; we found no published benchmark with these exact numbers. The idea
  (similar performance -> similar pay, very different performance -> pay that
  reflects the difference) is the "pay for performance" test described by
  Marketing Advantage, "Does Your Sales Compensation Plan Really Pay for
  Performance?" (2021), without numeric thresholds.
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

__all__ = ["Criteria", "SOURCES"]

#: criterion -> short source note (English), shown in reports.
SOURCES: dict[str, str] = {
    "rho": "practitioner rule of thumb (kpilab); pay-for-performance idea: Marketing Advantage 2021",
    "top_to_minimum": "practitioner rule of thumb (kpilab)",
    "p90_target_multiple": "SalesGlobe (Donnolo): 200 % of target incentive at P90; ZS 'Great Compression' 2022",
    "inversions": "practitioner rule of thumb (kpilab)",
    "cost_of_sales": "user-given band; ZS: CCOS generally 3-9 %; WorldatWork Workspan 2024",
    "strength_coverage": "kpilab design goal (several roads to a bonus); informational by default",
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
    max_inversions
        Most rep pairs allowed where the rep with clearly more output earns less (0).
    cost_of_sales_band
        ``(low, high)`` for total pay / revenue; None: the criterion is not assessed.
    inversion_output_ratio
        "Clearly more output" means at least this ratio (1.2 = 20 % more).
    require_strength_coverage
        When True, a specialist archetype whose median variable pay is no more
        than the minimum-doers' fails the verdict; by default it is reported
        but does not decide pass/fail.

    See the module docstring for sources.
    """

    rho_min: float = 0.8
    top_to_minimum_min: float = 1.5
    p90_target_multiple_min: float = 2.0
    max_inversions: int = 0
    cost_of_sales_band: tuple[float, float] | None = None
    inversion_output_ratio: float = 1.2
    require_strength_coverage: bool = False

    def __post_init__(self) -> None:
        band = self.cost_of_sales_band
        if band is not None:
            band = tuple(float(b) for b in band)
            if len(band) != 2 or not band[0] <= band[1]:
                raise KpilabError(f"cost_of_sales_band must be (low, high) with low <= high, got {band!r}")
            object.__setattr__(self, "cost_of_sales_band", band)
        if self.inversion_output_ratio < 1.0:
            raise KpilabError("inversion_output_ratio must be >= 1")

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
                raise KpilabError(f"unknown criteria: {', '.join(unknown)}; known: {', '.join(sorted(known))}")
            return cls(**dict(value))
        raise KpilabError(f"criteria must be None, a dict or Criteria, got {type(value).__name__}")
