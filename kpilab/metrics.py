"""The metric registry: what each metric or figure is (its unit, its family, its label key), written once.

Every module that asks "is this money?", "is this an activity or a result?" or
"how do I format this figure?" asks here, so a new metric is one line below.

Units
    ``money`` (roubles: formatted as money, summed), ``count`` (whole units: calls,
    deals, reps), ``rate`` (a score or fraction of a rep's work), ``share`` (a part
    of a whole, shown in percent), ``ratio`` (a dimensionless multiple), ``pvalue``,
    ``measure`` (whatever unit the chosen performance measure has).
Families
    ``activity`` (effort: calls, meetings...), ``sales`` (results: revenue, deals...),
    ``context`` (team facts that are neither), ``pay`` (columns of a payout table),
    ``comparison`` (figures of a plan comparison).

Examples
--------
>>> unit("revenue"), family("calls"), is_money("deals")
('money', 'activity', False)
>>> unit("output", measure="deals")
'count'
>>> ACTIVITY_METRICS[:2], SALES_METRICS[0]
(('calls', 'meetings'), 'revenue')
"""

from __future__ import annotations

from dataclasses import dataclass
from .i18n.messages import msg

__all__ = ["Metric", "METRICS", "unit", "family", "label_key", "is_money", "names", "ACTIVITY_METRICS",
           "SALES_METRICS", "MANDATORY_ACTIVITY", "INPUT_METRICS", "UNITS", "FAMILIES"]

UNITS = ("money", "count", "rate", "share", "ratio", "pvalue", "measure")
FAMILIES = ("activity", "sales", "context", "pay", "comparison")


@dataclass(frozen=True)
class Metric:
    """One metric: its ``name`` (a column or figure key), ``unit``, ``family`` and catalog ``label`` key."""

    name: str
    unit: str
    family: str
    label: str = ""

    def __post_init__(self) -> None:
        if self.unit not in UNITS or self.family not in FAMILIES:
            raise ValueError(msg("api_errors.metric_unknown_unit", name=self.name, unit=self.unit, family=self.family))
        if not self.label:
            object.__setattr__(self, "label", self.name)


def _family(fam: str, unit_of: dict[str, str]) -> list[Metric]:
    return [Metric(name, u, fam) for name, u in unit_of.items()]


#: Every metric kpilab knows, in the order people read them (activity first, then results).
METRICS: dict[str, Metric] = {m.name: m for m in [
    *_family("activity", {"calls": "count", "meetings": "count", "emails": "count", "follow_ups": "count",
                          "missed_calls": "count", "crm_quality": "rate"}),
    *_family("sales", {"revenue": "money", "margin": "money", "deals": "count", "repeat_revenue": "money"}),
    *_family("context", {"inbound_calls": "count", "tenure_months": "count"}),
    *_family("pay", {"total": "money", "variable": "money", "base": "money", "pay": "money", "payroll": "money",
                     "cost": "money", "target_bonus": "money"}),
    *_family("comparison", {
        "top_quartile_median_total": "money", "minimum_median_total": "money", "target_variable": "money",
        "p10_variable": "money", "p50_variable": "money", "p90_variable": "money", "variable_payroll": "money",
        "mean_delta": "money", "median_delta": "money", "max_gain": "money", "max_loss": "money",
        "budget_p10": "money", "budget_p50": "money", "budget_p90": "money",
        "output": "measure",
        "variable_share": "share", "cost_of_sales": "share", "cost_of_sales_p10": "share",
        "cost_of_sales_p50": "share", "cost_of_sales_p90": "share", "share_gaining": "share",
        "share_losing": "share",
        "n_reps": "count", "n_minimum_doers": "count", "inversions": "count",
        "comparable_pairs": "count", "windfall_months": "count",
        "inverted_share": "share", "worst_inversion_gap": "share",
        "rho": "ratio", "top_to_minimum": "ratio", "p90_target_multiple": "ratio", "p90_p10_variable": "ratio",
        "strength_coverage": "ratio",
        "rho_pvalue": "pvalue"}),
]}


def names(*, family: str | None = None, unit: str | None = None) -> tuple[str, ...]:
    """Names of the registered metrics of a ``family`` and/or ``unit``, in registry order."""
    return tuple(m.name for m in METRICS.values()
                 if (family is None or m.family == family) and (unit is None or m.unit == unit))


def unit(name: str, measure: str = "revenue") -> str | None:
    """The unit of ``name`` (``None`` if unknown); ``output`` takes the unit of ``measure``."""
    metric = METRICS.get(name)
    if metric is None:
        return None
    if metric.unit == "measure":
        return unit(measure) if measure != name else None
    return metric.unit


def family(name: str) -> str | None:
    """The family of ``name`` (``None`` if unknown)."""
    metric = METRICS.get(name)
    return metric.family if metric else None


def label_key(name: str) -> str:
    """The catalog key that names ``name`` for people (``labels.yaml``)."""
    metric = METRICS.get(name)
    return metric.label if metric else name


def is_money(name: str, measure: str = "revenue") -> bool:
    """Whether ``name`` is an amount of money (``output`` is when ``measure`` is)."""
    return unit(name, measure) == "money"


#: Activity metrics (effort, not results) as the brief and the plan format name them.
ACTIVITY_METRICS: tuple[str, ...] = names(family="activity")
#: Sales (result) metrics.
SALES_METRICS: tuple[str, ...] = names(family="sales")
#: The activity metrics that have a mandatory plan (``plan_<metric>`` columns in generated data).
MANDATORY_ACTIVITY: tuple[str, ...] = ("calls", "meetings", "emails", "follow_ups")
#: Metrics a team table may hold: always validated as numbers when present.
INPUT_METRICS: tuple[str, ...] = ACTIVITY_METRICS + SALES_METRICS + names(family="context")
