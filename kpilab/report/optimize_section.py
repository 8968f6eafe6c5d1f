"""The comparison report's search section: the best plan found from one of the compared plans.

``build_report(..., optimize=SPEC)`` runs :func:`kpilab.optimize` from one plan
of the comparison (``SPEC["plan"]``, default the recommended plan) on the same
data and criteria, and :func:`optimize_section` renders what it found with the
partial ``templates/optimize.html.j2``: the best plan's changes in plain words,
payroll before and after, the conditions it meets (each with its figure), the
predicted profit with its assumptions when asked, and the Pareto chart.

``SPEC`` is what ``kpilab compare --optimize FREE.yaml`` reads: ``free`` (key
paths with bounds, required), and optionally ``plan``, ``objective`` (one to
three names), ``constraints`` (``max_loss``, ``payroll_max``, ``monotone``),
``budget`` and ``seed``.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..errors import KpilabError
from ..i18n import fmt_money, fmt_number, fmt_percent, t
from ..i18n.messages import msg
from ..plan._base import _fmt

__all__ = ["run_search", "optimize_section", "SPEC_KEYS"]

SPEC_KEYS = ("free", "plan", "objective", "constraints", "budget", "seed")


def run_search(spec: Mapping[str, Any], plans: Mapping[str, Any], data: pd.DataFrame, recommended: str, *,
               criteria: Any = None, lang: str = "en", seed: int = 0) -> tuple[str, Any]:
    """Run the search the spec asks for; returns (the name of the plan it started from, the result)."""
    from ..analysis.optimize import optimize

    unknown = sorted(set(spec) - set(SPEC_KEYS))
    if unknown:
        raise KpilabError(msg("plan_errors.optimize_keys", names=", ".join(unknown), known=", ".join(SPEC_KEYS)))
    if not spec.get("free"):
        raise KpilabError(msg("plan_errors.optimize_free"))
    name = str(spec.get("plan") or recommended)
    by_name = {getattr(p, "name", key): key for key, p in plans.items()}
    name = name if name in plans else by_name.get(name, name)
    if name not in plans:
        raise KpilabError(msg("plan_errors.optimize_plan", name=_fmt(name), plans=", ".join(plans)))
    result = optimize(plans[name], data, spec["free"], objective=spec.get("objective", "payroll"),
                      constraints=spec.get("constraints"), criteria=criteria, seed=int(spec.get("seed", seed)),
                      budget=int(spec.get("budget", 600)), lang=lang)
    return name, result


def _chart(result: Any, lang: str) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from ..plots import plot_pareto

    ax = plot_pareto(result, lang=lang)
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(ax.figure)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _conditions(result: Any, lang: str, currency: str) -> list[dict[str, str]]:
    """One row per condition the search held the plan to: what, the best plan's figure, met or not."""
    fig = result.best_figures if result.best is not None else result.start_figures
    crit = result.criteria
    rows = []

    def row(key: str, what: str, value: str) -> None:
        v = fig.get(f"v_{key}")
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return
        met = float(v) <= 0.0
        rows.append({"key": key, "what": what, "value": value, "cls": "pass" if met else "fail",
                     "word": t("optimize.report.met" if met else "optimize.report.not_met", lang)})

    num = lambda x, d=2: fmt_number(float(x), lang, d)  # noqa: E731
    row("rho", t("optimize.report.c_rho", lang, min=num(crit.rho_min)), num(fig.get("rho", math.nan)))
    row("top_to_minimum", t("optimize.report.c_top_to_minimum", lang, min=num(crit.top_to_minimum_min)),
        num(fig.get("top_to_minimum", math.nan)))
    row("p90_target_multiple", t("optimize.report.c_p90", lang, min=num(crit.p90_target_multiple_min)),
        num(fig.get("p90_target_multiple", math.nan)))
    row("inversions", t("optimize.report.c_inversions", lang, share=fmt_percent(crit.max_inverted_share, lang, 0)),
        fmt_percent(float(fig.get("inverted_share", math.nan)), lang, 1))
    if crit.cost_of_sales_band is not None:
        low, high = crit.cost_of_sales_band
        row("cost_of_sales", t("optimize.report.c_cost", lang, low=fmt_percent(low, lang, 1),
                               high=fmt_percent(high, lang, 1)), fmt_percent(float(fig["cost_of_sales"]), lang, 1))
    limits = dict(result.constraints)
    if limits.get("max_loss") is not None:
        row("max_loss", t("optimize.report.c_max_loss", lang, share=fmt_percent(float(limits["max_loss"]), lang, 0)),
            fmt_percent(max(0.0, float(fig.get("worst_loss", 0.0))), lang, 1))
    if limits.get("payroll_max") is not None:
        row("payroll_max", t("optimize.report.c_payroll_max", lang,
                             cap=fmt_money(float(limits["payroll_max"]), lang, currency)),
            fmt_money(float(fig["payroll"]), lang, currency))
    if limits.get("monotone", True):
        row("monotone", t("optimize.report.c_monotone", lang), fmt_number(float(fig.get("falling_segments", 0)), lang, 0))
    return rows


def optimize_section(title: str, result: Any, *, lang: str = "en", currency: str = "RUB") -> str:
    """The section's HTML (the partial ``optimize.html.j2``), every word from the ``optimize`` catalog."""
    from .html import _environment

    money = lambda v: fmt_money(float(v), lang, currency)  # noqa: E731
    outcome = []
    before = float(result.start_figures.get("payroll", math.nan))
    if result.best is None:
        outcome.append(t("optimize.none_found", lang))
    else:
        after = float(result.best_figures["payroll"])
        key = "optimize.payroll_down" if after < before else \
            "optimize.payroll_up" if after > before else "optimize.payroll_same"
        outcome.append(t(key, lang, before=money(before), after=money(after),
                         change=fmt_percent(abs(after / before - 1.0), lang, 1) if before else "—"))
        outcome.append(t("optimize.verdict_pass" if result.verdict.passed else "optimize.verdict_fail", lang))
    changes = result.diff_text(lang).splitlines() if result.best is not None and not result.changes.empty else []
    if result.best is not None and result.changes.empty:
        outcome.append(t("optimize.no_change", lang))
    s = {
        "title": t("optimize.report.title", lang),
        "intro": t("optimize.report.intro", lang, plan=title, count=result.evaluations,
                   free=fmt_number(len(result.free), lang, 0),
                   objective=", ".join(t(f"optimize.objective.{o}", lang).lower() for o in result.objectives)),
        "outcome": outcome,
        "changes_title": t("optimize.changes", lang), "changes": changes,
        "conditions_title": t("optimize.report.conditions" if result.best is not None
                              else "optimize.report.conditions_start", lang),
        "conditions_header": [t("optimize.report.h_condition", lang),
                              t("optimize.report.h_value" if result.best is not None else "optimize.report.h_start", lang),
                              t("optimize.report.h_met", lang)],
        "conditions": _conditions(result, lang, currency),
        "profit": result.profit_lines(lang),
        "chart": _chart(result, lang), "chart_caption": t("optimize.report.chart" if result.best is not None
                                                             else "optimize.report.chart_none", lang),
        "method": t("optimize.report.method", lang, seed=result.seed),
    }
    return _environment().get_template("optimize.html.j2").render(s=s)
