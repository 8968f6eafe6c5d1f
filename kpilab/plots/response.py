"""Predicted bunching: the histogram of attainment around a plan's thresholds, as now and as predicted.

The numbers come from :func:`kpilab.analysis.response.predict` (its
``bunching``); this module only draws them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from ..i18n import t
from ._style import _axes, _styled, palette
from ..i18n.messages import msg


@_styled
def plot_bunching(prediction: Any, ax: Axes | None = None, lang: str = "en", upto: float = 2.0) -> Axes:
    """Shares of rep pay periods by revenue attainment, as now and as predicted, with the thresholds marked.

    Parameters
    ----------
    prediction
        A :class:`~kpilab.analysis.response.Prediction` (or its ``bunching``).
    ax, lang
        Where to draw; ``"en"`` or ``"ru"``.
    upto
        The last attainment on the axis (everything above falls in the last bin).

    Returns
    -------
    Axes
        Steps ``gid="bunching_baseline"`` and ``gid="bunching_predicted"``; one
        dashed line per threshold, ``gid="threshold:<attainment>"``.
    """
    bunch = getattr(prediction, "bunching", prediction)
    if bunch is None:
        raise ValueError(msg("api_errors.plot_response_no_target"))
    ax = _axes(ax, figsize=(7, 3.5))
    hist = bunch.histogram
    inside = hist[hist["low"] < upto]
    edges = np.r_[inside["low"].to_numpy(float), upto]
    colours = palette()
    for i, (column, gid) in enumerate((("baseline", "bunching_baseline"), ("predicted", "bunching_predicted"))):
        shares = inside[column].to_numpy(float).copy()
        shares[-1] += hist.loc[hist["low"] >= upto, column].sum()   # the open last bin
        ax.stairs(shares, edges, color=colours[i], linewidth=1.8, fill=column == "baseline",
                  alpha=0.35 if column == "baseline" else 1.0, label=t(f"response.plot.{column}", lang), gid=gid)
    for j, threshold in enumerate(bunch.thresholds["threshold"]):
        ax.axvline(threshold, color="black", linestyle="--", linewidth=1,
                   label=t("response.plot.threshold", lang) if j == 0 else None, gid=f"threshold:{threshold:g}")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(t("response.plot.x", lang))
    ax.set_ylabel(t("response.plot.y", lang))
    ax.set_title(t("response.plot.title", lang))
    ax.legend(loc="upper right")
    return ax
