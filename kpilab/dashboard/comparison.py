"""Plans side by side: pick plans, see a table of key figures and verdicts and the payroll per plan.

The numbers are :func:`kpilab.analysis.compare`'s own; the table comes from a
Jinja2 template, the payroll per plan is drawn in the browser (bqplot).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import bqplot as bq
import ipywidgets as W
import pandas as pd

from ..analysis import Criteria, compare
from ..errors import KpilabError
from ..i18n import check_lang, currency_symbol, fmt_money, fmt_number
from ..plan import Plan, Scheme
from . import render as R
from .charts import THOUSAND
from .specs import words
from ..i18n.messages import msg

__all__ = ["PlanComparison", "comparison"]

_ROWS: tuple[tuple[str, str], ...] = (
    ("payroll", "money"), ("variable_share", "pct"), ("cost_of_sales", "pct"), ("rho", "num"),
    ("top_to_minimum", "num"), ("p90_target_multiple", "num"), ("inversions", "int"),
    ("mean_delta", "money"), ("share_losing", "pct"),
)
_OWN_NAMES = {"payroll": "payroll_metric", "variable_share": "variable_share", "mean_delta": "mean_delta",
              "share_losing": "share_losing"}


def _currency(plan: Plan | Scheme) -> str:
    if isinstance(plan, Plan):
        return plan.currency
    return next(iter(plan.plans().values())).currency


class PlanComparison:
    """Pick plans, see them side by side.

    Attributes
    ----------
    plans : dict
        Name -> plan, as offered.
    select : ipywidgets.SelectMultiple
        The plans picked (the first picked is the baseline of the deltas).
    comparison : kpilab.analysis.Comparison or None
        The latest :func:`kpilab.analysis.compare` result.
    table_html : ipywidgets.HTML
        Key figures and verdicts, plans in columns.
    dots : bqplot.Scatter
        Payroll per plan (thousands), one dot per plan.
    widget : ipywidgets.Widget
    """

    def __init__(self, plans: Mapping[str, Plan | Scheme] | Sequence[Plan | Scheme], team: pd.DataFrame,
                 lang: str = "en", selected: Sequence[str] | None = None,
                 criteria: Criteria | Mapping[str, Any] | None = None, **_ignored: Any) -> None:
        self.lang = check_lang(lang)
        self.team = team
        self.criteria = criteria
        self.plans: dict[str, Plan | Scheme] = dict(plans) if isinstance(plans, Mapping) else {p.name: p for p in plans}
        if not self.plans:
            raise KpilabError(msg("api_errors.tuner_comparison_no_plan"))
        names = list(self.plans)
        chosen = list(selected) if selected is not None else names
        self.currency = _currency(next(iter(self.plans.values())))
        self.select = W.SelectMultiple(options=[(str(n), n) for n in names], value=tuple(chosen),
                                       rows=min(8, len(names)), description="", layout=W.Layout(width="320px"))
        self.select.add_class("kp-compare-select")
        self.table_html = W.HTML()
        self.table_html.add_class("kp-compare")
        xs, ys = bq.OrdinalScale(), bq.LinearScale()
        self.dots = bq.Scatter(x=[], y=[], scales={"x": xs, "y": ys}, colors=["#0072b2"], default_size=90)
        unit = words("thousand_money", lang, symbol=currency_symbol(self.currency) or self.currency)
        self.figure = bq.Figure(marks=[self.dots], title=words("compare_payroll_title", lang),
                                axes=[bq.Axis(scale=xs), bq.Axis(scale=ys, side="left", label=unit,
                                                                 tick_format=",.0f")],
                                fig_margin={"top": 40, "bottom": 60, "left": 70, "right": 16},
                                layout=W.Layout(width="100%", max_width="640px", height="300px"))
        self.comparison = None
        self.select.observe(lambda _c: self.refresh(), names="value")
        pick = W.VBox([W.HTML(f"<b>{R.label_html(words('compare_pick', lang))}</b>"), self.select])
        self.widget = W.VBox([pick, self.table_html, self.figure])
        self.refresh()

    def refresh(self) -> None:
        """Recompute the comparison of the selected plans and redraw."""
        chosen = list(self.select.value)
        if not chosen:
            self.comparison = None
            self.table_html.value = R.message_html(words("compare_none", self.lang))
            with self.dots.hold_sync():
                self.dots.x, self.dots.y = [], []
            return
        self.comparison = compare({n: self.plans[n] for n in chosen}, self.team, lang=self.lang,
                                  criteria=self.criteria)
        self.table_html.value = self._table()
        payroll = self.comparison.table.loc["payroll"]
        with self.dots.hold_sync():
            self.dots.x = [str(n) for n in payroll.index]
            self.dots.y = payroll.to_numpy(float) / THOUSAND

    def _cell(self, value: float, kind: str) -> str:
        lang = self.lang
        if not math.isfinite(value):
            return "—"
        if kind == "money":
            return fmt_money(value, lang, self.currency)
        if kind == "pct":
            return R.pct(value, lang)
        return fmt_number(value, lang, 0 if kind == "int" else 2)

    def _table(self) -> str:
        lang = self.lang
        c = self.comparison
        assert c is not None
        rows: list[dict[str, Any]] = []
        for key, kind in _ROWS:
            if key not in c.table.index:
                continue
            name = words(_OWN_NAMES[key], lang) if key in _OWN_NAMES else R.criterion_name(key, lang)
            rows.append({"name": name, "bold": False,
                         "cells": [{"text": self._cell(v, kind), "colour": None}
                                   for v in c.table.loc[key].to_numpy(float)]})
        for crit in c.verdict.index:
            cells = []
            for status in c.verdict.loc[crit]:
                colour = {"pass": R.GREEN, "fail": R.RED}.get(status, R.GREY)
                text = {"pass": words("status_pass", lang), "fail": words("status_fail", lang)}.get(status, "—")
                cells.append({"text": text, "colour": colour})
            name = words("overall", lang) if crit == "overall" else R.criterion_name(str(crit), lang)
            rows.append({"name": name, "bold": crit == "overall", "cells": cells})
        return R.render("comparison", metric_word=words("metric", lang), columns=[str(n) for n in c.table.columns],
                        rows=rows)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def comparison(plans: Mapping[str, Plan | Scheme] | Sequence[Plan | Scheme], team: pd.DataFrame,
               lang: str = "en", selected: Sequence[str] | None = None, **kwargs: Any) -> PlanComparison:
    """A plan comparison widget: pick plans (SelectMultiple), see the table and the payroll per plan.

    Parameters
    ----------
    plans
        ``{name: plan}`` or a list of plans (named by ``plan.name``).
    team
        The performance table.
    lang
        ``"en"`` or ``"ru"``.
    selected
        Names selected at first (default: all).
    **kwargs
        ``criteria`` for the verdicts, as :func:`kpilab.compare` takes them.
    """
    return PlanComparison(plans, team, lang=lang, selected=selected, **kwargs)
