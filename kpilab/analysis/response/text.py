"""The prediction in plain words: the assumptions, the limits and the team figures (catalog ``response.*``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...i18n import t
from ...i18n.format import fmt_money, fmt_number, fmt_percent

from .calibrate import OWN, TEAM

if TYPE_CHECKING:
    from .predict import Prediction

__all__ = ["assumptions_text", "summary_text", "figure_value", "bunching_lines"]


def figure_value(name: str, value: float, lang: str) -> str:
    """One team figure formatted for reading: money, a share, or a count."""
    if name in ("revenue", "pay", "profit_after_pay"):
        return fmt_money(value, lang)
    if name == "cost_of_sales":
        return fmt_percent(value, lang, 1)
    return fmt_number(value, lang)


def _signed_percent(share: float, lang: str) -> str:
    """A change with its sign: +5.0 %, -3.2 % (Babel writes the minus)."""
    text = fmt_percent(share, lang, 1)
    return "+" + text if share > 0 else text


def assumptions_text(prediction: "Prediction", lang: str = "en") -> str:
    """What the model assumes and where it stops, in plain words, with the sources."""
    a = prediction.assumptions
    calib = prediction.calibration
    share = float(calib.from_elasticity[0].mean())
    # Rep-activity pairs with at least one month priced from the rest of the data (own months, the team).
    priced = 0.0 if calib.source is None else float(np.isin(calib.source[0], (OWN, TEAM)).mean())
    top = prediction.sensitivity.iloc[0]["assumption"] if len(prediction.sensitivity) else "gamma"
    lines = [t("response.assumptions.title", lang),
             t("response.assumptions.model", lang),
             t("response.assumptions.effort", lang),
             t("response.assumptions.funnel", lang),
             t("response.assumptions.revealed", lang),
             t("response.assumptions.unrevealed", lang, share=fmt_percent(priced, lang)),
             t("response.assumptions.gamma", lang, value=fmt_number(a.gamma, lang, 1),
               low=fmt_number(a.gamma_range[0], lang, 1), high=fmt_number(a.gamma_range[1], lang, 1)),
             t("response.assumptions.elasticity", lang, value=fmt_number(a.elasticity, lang, 2),
               low=fmt_number(a.elasticity_range[0], lang, 2), high=fmt_number(a.elasticity_range[1], lang, 2),
               share=fmt_percent(share, lang)),
             t("response.assumptions.luck", lang, value=fmt_percent(a.luck, lang),
               high=fmt_percent(a.luck_range[1], lang)),
             *_luck_evidence(prediction, lang),
             t("response.assumptions.bounds", lang, low=fmt_percent(a.effort_bounds[0], lang),
               high=fmt_percent(a.effort_bounds[1], lang)),
             t("response.assumptions.timing", lang, share=fmt_percent(max(abs(x) for x in a.shifts), lang),
               cost=fmt_percent(a.timing_cost, lang, 1)),
             t("response.assumptions.interval", lang),
             t("response.assumptions.most", lang, assumption=t(f"response.assumption.{top}", lang)),
             t("response.assumptions.limits", lang),
             t("response.assumptions.not_forecast", lang)]
    return "\n".join(lines)


def _luck_evidence(prediction: "Prediction", lang: str) -> list[str]:
    """What the team's months say of lasting luck: read from them, or not shown (no line without evidence)."""
    e = prediction.luck
    if e is None or not np.isfinite(e.standard_error):
        return []
    key = "response.assumptions.luck_read" if e.shown else "response.assumptions.luck_not_read"
    return [t(key, lang, correlation=fmt_number(e.correlation, lang, 2), without=fmt_number(e.without, lang, 2),
              size=fmt_percent(e.size, lang))]


def summary_text(prediction: "Prediction", lang: str = "en") -> str:
    """The team table as lines: figure, as now, predicted, the range, the change."""
    lines = [t("response.summary.title", lang)]
    for name, row in prediction.team.iterrows():
        lines.append(t("response.summary.row", lang, figure=t(f"response.figure.{name}", lang),
                       baseline=figure_value(name, row["baseline"], lang),
                       predicted=figure_value(name, row["predicted"], lang),
                       low=figure_value(name, row["low"], lang), high=figure_value(name, row["high"], lang),
                       change=_signed_percent(row["change"], lang)))
    if len(prediction.verdict):
        new = prediction.verdict.iloc[1:]
        key = ("response.verdict.all" if new["passed"].all() else
               "response.verdict.none" if not new["passed"].any() else "response.verdict.some")
        lines.append(t(key, lang))
    return "\n".join(lines)


def bunching_lines(prediction: "Prediction", lang: str = "en") -> list[str]:
    """What moves around each revenue threshold of the new plan, and the pay at stake, in plain words."""
    bunch = prediction.bunching
    if bunch is None or bunch.thresholds.empty:
        return [t("response.bunching.none", lang)]
    lines = [t("response.bunching.threshold", lang, threshold=fmt_percent(row["threshold"], lang),
               above_before=fmt_percent(row["above_baseline"], lang, 1),
               above_after=fmt_percent(row["above_predicted"], lang, 1),
               below_before=fmt_percent(row["below_baseline"], lang, 1),
               below_after=fmt_percent(row["below_predicted"], lang, 1))
             for _, row in bunch.thresholds.iterrows()]
    if bunch.moved_revenue > 0:
        lines.append(t("response.bunching.timing", lang, moved=fmt_money(bunch.moved_revenue, lang),
                       pay=fmt_money(bunch.timing_pay, lang)))
    else:
        lines.append(t("response.bunching.no_timing", lang))
    return lines
