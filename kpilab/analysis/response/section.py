"""The "predicted behaviour" section of the comparison report: figures, ranges, bunching and assumptions as text.

:func:`behaviour_section` predicts every compared plan against the baseline
(the plan in force) and returns what the report's template shows, as plain
strings (no markup): the team figures with their ranges, what moves around
each threshold, and the model's assumptions in plain words, ending with
"this is a model, not a forecast".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ...i18n import t
from ...plan import Plan, Scheme
from .predict import predict
from .text import _signed_percent, assumptions_text, bunching_lines, figure_value

__all__ = ["behaviour_section", "SECTION_FIGURES"]

#: The team figures the report shows, in order.
SECTION_FIGURES = ("meetings", "deals", "revenue", "pay", "cost_of_sales", "profit_after_pay")


def behaviour_section(plans: Mapping[str, Plan | Scheme], team: pd.DataFrame, baseline: str, *,
                      titles: Mapping[str, str] | None = None, lang: str = "en", scenarios: int = 100,
                      seed: int = 0) -> dict[str, Any]:
    """Predict each plan but ``baseline`` on ``team`` (one observed year under ``baseline``) and word it.

    Returns
    -------
    dict
        ``title``, ``header`` (column words), ``plans`` (one entry per plan:
        ``lead``, ``rows`` of strings, ``bunching`` lines), ``assumptions``
        (lines, from the first plan's prediction), ``predictions`` (name ->
        :class:`~.predict.Prediction`, for tables and charts).
    """
    titles = dict(titles or {})
    current = plans[baseline]
    entries, predictions = [], {}
    for name, plan in plans.items():
        if name == baseline:
            continue
        p = predict(current, plan, team, scenarios=scenarios, seed=seed, verdict=False, lang=lang)
        predictions[name] = p
        rows = []
        for fig in SECTION_FIGURES:
            row = p.team.loc[fig]
            rows.append([t(f"response.figure.{fig}", lang), figure_value(fig, row["baseline"], lang),
                         figure_value(fig, row["predicted"], lang),
                         f"{figure_value(fig, row['low'], lang)} – {figure_value(fig, row['high'], lang)}",
                         _signed_percent(row["change"], lang)])
        entries.append({"name": name,
                        "lead": t("response.report.lead", lang, plan=titles.get(name, name),
                                  baseline=titles.get(baseline, baseline)),
                        "rows": rows, "bunching": bunching_lines(p, lang)})
    first = next(iter(predictions.values()), None)
    assumptions = assumptions_text(first, lang).split("\n")[1:] if first is not None else []
    return {"title": t("response.report.title", lang),
            "header": [t(f"response.report.{k}", lang) for k in ("figure", "baseline", "predicted", "range", "change")],
            "plans": entries, "assumptions_title": t("response.report.assumptions", lang),
            "assumptions": assumptions, "predictions": predictions}
