"""Several plans on the same team, side by side (metrics in rows, plans in columns).

:func:`compare` evaluates every plan on the team (with or without a
``scenario`` column), runs :func:`differentiation` on each, and adds
per-rep pay deltas against a baseline plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..engine import Payouts, evaluate
from ..i18n import label, t
from ..errors import KpilabError
from ..plan import Plan, Scheme
from ._common import Measure, Result, check_lang
from .criteria import Criteria
from .differentiation import DifferentiationReport, differentiation
from ..i18n.messages import msg

__all__ = ["compare", "Comparison"]


@dataclass(frozen=True, eq=False)
class Comparison(Result):
    """The result of :func:`compare`.

    Attributes
    ----------
    table
        Metric name × plan name (every key of ``DifferentiationReport.metrics``
        plus mean_delta, median_delta, share_gaining, share_losing, max_gain, max_loss).
    verdict
        Criterion × plan name: "pass" / "fail" / "not assessed".
    passed
        Plan name -> overall verdict.
    deltas
        rep_id × plan name: rep's mean monthly total pay minus the baseline's.
    pay
        rep_id × (archetype, plan names): mean monthly total pay.
    reports, payouts
        Plan name -> DifferentiationReport / Payouts.
    baseline
        Name of the baseline plan.
    """

    verdict: pd.DataFrame = field(default_factory=pd.DataFrame)
    passed: Mapping[str, bool] = field(default_factory=dict)
    deltas: pd.DataFrame = field(default_factory=pd.DataFrame)
    pay: pd.DataFrame = field(default_factory=pd.DataFrame)
    reports: Mapping[str, DifferentiationReport] = field(default_factory=dict)
    payouts: Mapping[str, Payouts] = field(default_factory=dict)
    baseline: str = ""
    lang: str = "en"

    def _html_parts(self) -> list[tuple[str, pd.DataFrame]]:
        return [("verdict", self.verdict), ("metrics", self.table), ("robustness", self.robustness())]

    def robustness(self, lang: str | None = None) -> pd.DataFrame:
        """Criterion (and ``overall``) × plan: "value (low to high), word" in ``lang``.

        The interval is the 5th-95th percentile of the bootstrap resamples and
        the word "robust", "borderline" or "fails" (see :mod:`kpilab.analysis.criteria`).
        """
        cols = {}
        lang_ = lang or self.lang
        index = pd.Index([])
        for name, r in self.reports.items():
            tab = r.robustness_table(lang_)
            cells = []
            for row in tab.itertuples():
                value = f"{row.value} ({row.interval})" if row.interval else row.value
                share = t("verdict.share_passing", lang_, share=row.share_passing) if row.share_passing != "—" else ""
                word = row.robustness
                if row.Index == "overall" and not r.passed and r.robustness == "fails":
                    word = ""  # "FAIL, fails" would say one thing twice; "FAIL, borderline" adds to it
                elif row.Index != "overall" and row.value == "—" and not row.interval:
                    share = ""  # no figure, so no resamples to speak of: "—, not met" (or "—, not assessed")
                    if word != t("common.not_assessed", lang_):
                        word = t("verdict.not_met", lang_)
                cells.append(", ".join(x for x in (value, word, share) if x))
            cols[name] = cells
            index = tab.index
        out = pd.DataFrame(cols, index=index)
        out.index = [t("verdict.overall", lang or self.lang) if c == "overall" else label(c, lang or self.lang)
                     for c in out.index]
        return out

    def robustness_text(self, lang: str | None = None) -> str:
        """:meth:`robustness` as aligned plain text (what ``kpilab compare`` prints)."""
        frame = self.robustness(lang)
        rows = [["", *frame.columns]] + [[i, *v] for i, v in zip(frame.index, frame.to_numpy().tolist())]
        widths = [max(len(str(r[k])) for r in rows) for k in range(len(rows[0]))]
        return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def _named(plans: Mapping[str, Plan | Scheme] | Sequence[Plan | Scheme]) -> dict[str, Plan | Scheme]:
    if isinstance(plans, Mapping):
        out = dict(plans)
    else:
        out = {}
        for p in plans:
            name = p.name
            k = 2
            while name in out:
                name, k = f"{p.name} ({k})", k + 1
            out[name] = p
    if not out:
        raise KpilabError(msg("api_errors.compare_no_plan"))
    for name, p in out.items():
        if not isinstance(p, (Plan, Scheme)):
            raise KpilabError(msg("api_errors.compare_not_a_plan", name=name, p_type=type(p).__name__))
    return out


def compare(plans: Mapping[str, Plan | Scheme] | Sequence[Plan | Scheme], team: pd.DataFrame,
            baseline: str | None = None, measure: Measure = None,
            criteria: Criteria | Mapping[str, Any] | None = None, lang: str = "en") -> Comparison:
    """Evaluate several plans on one team and lay their figures side by side.

    Parameters
    ----------
    plans
        ``{name: plan}`` or a list of plans (named by ``plan.name``).
    team
        The performance table (a ``scenario`` column is allowed: figures then
        pool the scenarios and the budget rows give P10/P50/P90 per scenario).
    baseline
        Name of the plan the deltas are taken against (default: the first).
    measure, criteria, lang
        As in :func:`differentiation`.

    Returns
    -------
    Comparison
        ``table`` (metrics × plans), ``verdict``, ``passed``, ``deltas``, ``pay``,
        ``reports``, ``payouts``, ``baseline``.
    """
    check_lang(lang)
    named = _named(plans)
    base_name = next(iter(named)) if baseline is None else baseline
    if base_name not in named:
        raise KpilabError(msg("api_errors.compare_baseline_unknown", base_name=base_name, named=', '.join(named)))
    payouts = {name: evaluate(p, team) for name, p in named.items()}
    reports = {name: differentiation(po, team, measure=measure, criteria=criteria, lang=lang)
               for name, po in payouts.items()}
    first = reports[base_name].per_rep
    pay = pd.DataFrame({name: r.per_rep.set_index("rep_id")["total"] for name, r in reports.items()})
    pay = pay.reindex(first["rep_id"])
    deltas = pay.sub(pay[base_name], axis=0)
    if "archetype" in first:
        pay.insert(0, "archetype", first.set_index("rep_id")["archetype"])
    metric_rows = pd.DataFrame({name: pd.Series(r.metrics, dtype=float) for name, r in reports.items()})
    delta_rows = pd.DataFrame({name: {
        "mean_delta": float(deltas[name].mean()), "median_delta": float(deltas[name].median()),
        "share_gaining": float((deltas[name] > 0.005).mean()), "share_losing": float((deltas[name] < -0.005).mean()),
        "max_gain": float(deltas[name].max()), "max_loss": float(deltas[name].min()),
    } for name in named})
    table = pd.concat([metric_rows, delta_rows])
    table.index.name = "metric"
    verdict = pd.DataFrame({name: r.verdict.set_index("criterion")["status"] for name, r in reports.items()})
    verdict.loc["overall"] = ["pass" if r.passed else "fail" for r in reports.values()]
    return Comparison(table=table, verdict=verdict, passed={n: r.passed for n, r in reports.items()},
                      deltas=deltas, pay=pay, reports=reports, payouts=payouts, baseline=base_name, lang=lang)
