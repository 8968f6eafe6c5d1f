"""The report's charts: which :mod:`kpilab.plots` figures it shows, in what order, with which caption.

Every chart is drawn by a ``plots.plot_*`` function into a fresh Axes; this
module only chooses, titles and captions them (captions from the ``report.*``
catalog keys). File stems are ASCII and never contain user text verbatim.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from ..i18n import label
from .build import ComparisonReport
from .formatting import word

__all__ = ["draw_charts"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")[:40] or "plan"


def _new_ax(plt: Any, figsize: tuple[float, float]) -> Any:
    from .. import plots

    with plots.style():
        _fig, ax = plt.subplots(figsize=figsize)
    return ax


def _on_curve(lint_report: Any, lo: float = 0.0, hi: float = 2.0) -> list[Any]:
    """The findings that sit on the curve's x axis (an attainment within the drawn 0–200 %)."""
    out = []
    for f in getattr(lint_report, "findings", ()):
        a = getattr(f, "attainment", None)
        if a is not None and np.isfinite(float(a)) and lo <= float(a) <= hi:
            out.append(f)
    return out


def draw_charts(report: ComparisonReport) -> list[tuple[str, str, Any]]:
    """The report's charts as ``(file stem, caption, Figure)``, in the order the report shows them.

    The stems are ASCII and never contain user text verbatim (``curve_2_balanced_kpi``).
    """
    import matplotlib.pyplot as plt

    from .. import plots

    lang = report.lang
    comp = report.comparison
    charts: list[tuple[str, str, Any]] = []

    def add(stem: str, caption: str, obj: Any) -> None:
        charts.append((stem, caption, obj.figure if hasattr(obj, "figure") and not hasattr(obj, "savefig")
                       else obj))

    criteria = [c for c in ("rho", "top_to_minimum", "p90_target_multiple") if c in comp.table.index]
    add("verdict_metrics", word("ch_verdict", lang),
        plots.plot_comparison_bars(comp, metrics=criteria, lang=lang, ax=_new_ax(plt, (9.5, 4.8))))
    add("pay_distribution", word("ch_distribution", lang),
        plots.plot_pay_distribution(comp.payouts, lang=lang, ax=_new_ax(plt, (9.5, 4.8))))
    if report.n_scenarios is not None:
        add("budget_fan", word("ch_budget", lang),
            plots.plot_budget_fan({n: comp.payouts[n] for n in report.names}, lang=lang,
                                  ax=_new_ax(plt, (9.5, 5.2))))
    # pay against output, one panel per plan
    with plots.style():
        n = len(report.names)
        cols = 2 if n > 1 else 1  # two per row: the labels stay readable at the report's width
        rows = math.ceil(n / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.8 * rows), squeeze=False,
                                 sharex=True, sharey=True)
    for ax, name in zip(axes.ravel(), report.names):
        # the real months: what each rep would have been paid last year (the simulated years only resample them)
        plots.plot_pay_vs_performance(report.payouts[name], measure=report.measure, ax=ax, lang=lang)
        ax.set_title(report.title(name))
        if ax is not axes.ravel()[0] and ax.get_legend() is not None:
            ax.get_legend().remove()
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    add("pay_vs_performance", word("ch_scatter", lang), fig)
    for i, name in enumerate(report.names, start=1):
        if not report.plans[name].component_names:  # salary only: no curve to draw
            continue
        ax = plots.plot_payout_curve(report.plans[name], findings=_on_curve(report.lint[name]), lang=lang,
                                     ax=_new_ax(plt, (6.2, 4.0)))
        ax.set_title(label("payout_curve_of", lang, name=report.title(name)))  # the plan's name in this language
        add(f"curve_{i}_{_slug(name)}", word("ch_curve", lang, plan=report.title(name)), ax)
    return charts
