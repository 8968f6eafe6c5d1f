"""Charts that compare plans and reps: comparison bars, the tail, the one-page report sheet."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import textwrap
from collections.abc import Sequence
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from typing import Any

from ..analysis.budget import _Q_COLUMNS
from ..engine import Payouts
from ..i18n import check_lang, format_number, label
from ..metrics import names
from ._style import _axes, _MONEY_METRICS, _money_title, _name, _set_money_axis, _styled, palette, style
from .pay import plot_pay_distribution, plot_pay_vs_performance, plot_payout_curve, plot_waterfall
from ..i18n.messages import msg


# Comparison rows in roubles (the others are ratios, counts or shares); `output` is in the measure's unit.
_MONEY_ROWS = set(names(family="comparison", unit="money")) | {"output", "payroll", "revenue"}


def _failed(status: Any) -> bool:
    """A verdict cell that failed: status ``"fail"`` (or a plain False); "not assessed" is not a failure."""
    if isinstance(status, str):
        return status.strip().lower() == "fail"
    return status is False or (isinstance(status, (bool, np.bool_)) and not status)


@_styled
def plot_comparison_bars(comparison: Any, metrics: str | Sequence[str] | None = None, ax: Axes | None = None,
                         lang: str = "en", normalize: bool | None = None, currency: str = "RUB") -> Axes:
    """Plans side by side on one or more comparison metrics.

    Parameters
    ----------
    comparison
        A ``Comparison`` (its ``.table``: metrics × plans) or such a DataFrame.
    metrics
        A metric (row) name, several, or ``None`` for every numeric row.
    ax, lang
        Where to draw; ``"en"`` or ``"ru"``.
    normalize
        Scale each metric by its largest absolute value across plans, so metrics
        in roubles and in ratios share an axis (the bars are labelled with the
        real values). Default: only when there is more than one metric.
    currency
        For the axis title of a single money metric.

    Returns
    -------
    Axes
        One bar per plan and metric, ``gid="bar:<metric>:<plan>"``; failed
        criteria (where ``comparison.verdict`` has the metric with status
        ``"fail"``) are hatched.
    """
    table = comparison.table if hasattr(comparison, "table") else comparison
    if not isinstance(table, pd.DataFrame):
        raise TypeError(msg("api_errors.plot_comparison_input", comparison_type=type(comparison).__name__))
    if metrics is None:
        numeric = table.apply(pd.to_numeric, errors="coerce")
        chosen = [m for m in table.index if numeric.loc[m].notna().all()]
    else:
        chosen = [metrics] if isinstance(metrics, str) else list(metrics)
    unknown = [m for m in chosen if m not in table.index]
    if unknown:
        raise ValueError(msg("api_errors.plot_comparison_no_metric",
                             metric=unknown[0], table_index=', '.join(map(str, table.index))))
    if not chosen:
        raise ValueError(msg("api_errors.plot_comparison_nothing_numeric"))
    values = table.loc[chosen].apply(pd.to_numeric, errors="raise").astype(float)
    normalize = len(chosen) > 1 if normalize is None else normalize
    verdict = getattr(comparison, "verdict", None)
    ax = _axes(ax)
    plans = list(values.columns)
    width = 0.8 / len(plans)
    colours = palette()
    x = np.arange(len(chosen))
    scale = np.abs(values).max(axis=1).fillna(1.0).replace(0, 1).to_numpy() if normalize else np.ones(len(chosen))
    any_failed = False
    for j, plan in enumerate(plans):
        raw = values[plan].to_numpy()
        heights = np.nan_to_num(raw / scale)  # a metric a plan cannot have (rho of flat pay) draws no bar
        offsets = x + (j - (len(plans) - 1) / 2) * width
        for k, metric in enumerate(chosen):
            failed = (isinstance(verdict, pd.DataFrame) and metric in verdict.index and plan in verdict.columns
                      and _failed(verdict.loc[metric, plan]))
            any_failed |= failed
            ax.bar(offsets[k], heights[k], width=width * 0.92, color=colours[j % 10],
                   hatch="//" if failed else None, edgecolor="black" if failed else "white",
                   gid=f"bar:{metric}:{plan}")
            text = label("not_available", lang) if np.isnan(raw[k]) else \
                format_number(raw[k], lang, 0 if abs(raw[k]) >= 100 else 2)
            ax.annotate(text, (offsets[k], heights[k]), xytext=(0, 3 if heights[k] >= 0 else -3),
                        textcoords="offset points", ha="center", va="bottom" if heights[k] >= 0 else "top",
                        fontsize=8)
    # long metric names wrap onto lines instead of slanting across their neighbours
    wrap = max(10, min(22, 70 // len(chosen)))
    ax.set_xticks(x, [textwrap.fill(_name(m, lang), wrap) for m in chosen])
    ax.grid(False, axis="x")
    ax.axhline(0, color="black", linewidth=0.6)
    if normalize:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_ylabel(label("relative_to_best", lang))
    elif len(chosen) == 1 and chosen[0] in _MONEY_METRICS | _MONEY_ROWS:
        _set_money_axis(ax.yaxis, lang)
        ax.set_ylabel(_money_title(chosen[0], lang, currency))
    else:
        ax.set_ylabel(_name(chosen[0], lang) if len(chosen) == 1 else label("value", lang))
    ax.set_title(label("comparison", lang))
    # plain swatches per plan (a plan's first bar may be hatched), plus what the hatch means
    handles = [mpl.patches.Patch(facecolor=colours[j % 10], label=_name(plan, lang)) for j, plan in enumerate(plans)]
    if any_failed:
        handles.append(mpl.patches.Patch(facecolor="white", edgecolor="black", hatch="//",
                                         label=label("criterion_failed", lang)))
    if len(handles) > 1:
        ncol = len(handles) if len(handles) <= 3 else int(np.ceil(len(handles) / 2))
        rows = int(np.ceil(len(handles) / ncol))
        bottom, top = ax.get_ylim()
        ax.set_ylim(bottom, top + (0.12 + 0.1 * rows) * (top - bottom))  # headroom: the legend sits above the bars
        ax.legend(handles=handles, loc="upper center", ncol=ncol)
    if normalize and bool((values.fillna(0) >= 0).all().all()):
        ax.set_yticks(np.linspace(0.0, 1.0, 6))  # no "120 %" ticks in the legend's headroom
    return ax


_TAIL_SERIES = ("output", "cost", "output_gain", "cost_gain", "cum_output_gain", "cum_cost_gain")


@_styled
def plot_tail(result: Any, ax: Axes | None = None, lang: str = "en", what: str = "output",
              measure: str | None = None, currency: str = "RUB", max_reps: int = 25) -> Axes:
    """The tail, or the replacement path.

    A ``ReplacementResult`` (:func:`kpilab.analysis.simulate_replacement`)
    draws month by month the P10–P90 band and the median of ``what``: for
    ``"output"`` and ``"cost"`` two fans, keeping the tail and replacing it;
    for a gain series (``"output_gain"``, ``"cost_gain"``, ``"cum_output_gain"``,
    ``"cum_cost_gain"``) one fan around zero. A ``TailReport``
    (:func:`kpilab.analysis.tail`) draws each rep's months in the tail as a
    bar, flagged reps highlighted, with the ``k``-of-``n`` threshold.

    Parameters
    ----------
    result
        A ``ReplacementResult`` or a ``TailReport``.
    ax, lang
        Where to draw; ``"en"`` or ``"ru"``.
    what
        The series of a replacement result (above).
    measure
        What "output" is (``"revenue"``, ``"deals"``) for the axis title;
        money measures get the currency sign.
    currency
        Currency of cost (and of a money measure).
    max_reps
        A tail report shows at most this many reps, most months in the tail first.

    Returns
    -------
    Axes
        Replacement: bands ``gid="tail_band:<series>"`` and medians
        ``gid="tail_p50:<series>"`` (series ``output_keep``, ``output_replace``,
        ...). Tail report: bars ``gid="tail_rep:<rep_id>"``.
    """
    table = getattr(result, "table", result)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(msg("api_errors.plot_replacement_input", result_type=type(result).__name__))
    ax = _axes(ax)
    if {"rep_id", "periods_in_tail"} <= set(table.columns):
        return _draw_tail_report(ax, result, table, lang, max_reps)
    if what not in _TAIL_SERIES:
        raise ValueError(msg("api_errors.plot_replacement_what", TAIL_SERIES=', '.join(_TAIL_SERIES), what=what))
    colours = palette()
    if what in ("output", "cost"):
        series = [(f"{what}_keep", label("without_replacement", lang), colours[7]),
                  (f"{what}_replace", label("with_replacement", lang), colours[0])]
    else:
        series = [(what, _name(what, lang), colours[2])]
    missing = [f"{name}_{q}" for name, *_ in series for q in _Q_COLUMNS if f"{name}_{q}" not in table.columns]
    if missing:
        raise ValueError(msg("api_errors.plot_replacement_column", column=missing[0]))
    x = np.asarray(table.index, dtype=float)
    for name, text, colour in series:
        ax.fill_between(x, table[f"{name}_p10"].to_numpy(dtype=float), table[f"{name}_p90"].to_numpy(dtype=float),
                        color=colour, alpha=0.25, linewidth=0, label=f"{text}: {label('p10_p90', lang)}",
                        gid=f"tail_band:{name}")
        ax.plot(x, table[f"{name}_p50"].to_numpy(dtype=float), color=colour, marker="o", markersize=3,
                label=f"{text}: {label('median', lang)}", gid=f"tail_p50:{name}")
    if what not in ("output", "cost"):
        ax.axhline(0, color="black", linewidth=0.6)
    is_cost = what in ("cost", "cost_gain", "cum_cost_gain")
    unit = "cost" if is_cost else (measure or "output")
    _set_money_axis(ax.yaxis, lang)
    key = what if what not in ("output", "cost") else unit
    ax.set_ylabel(_money_title(key, lang, currency) if is_cost or unit in _MONEY_METRICS else _name(key, lang))
    ax.set_xlabel(label("month", lang))
    ax.set_xlim(x.min(), x.max())
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.set_title(label("replacement_title", lang, what=_name(what if what not in ("output", "cost") else unit,
                                                              lang).lower()))
    ax.legend(loc="best")
    return ax


def _draw_tail_report(ax: Axes, result: Any, table: pd.DataFrame, lang: str, max_reps: int) -> Axes:
    """Months in the tail per rep, flagged reps in vermillion, the k-of-n threshold as a line."""
    rows = table.sort_values("periods_in_tail", ascending=False, kind="stable").head(max_reps)
    rows = rows.iloc[::-1]  # barh draws bottom-up: the worst rep on top
    colours = palette()
    flagged = rows["flagged"].astype(bool).to_numpy() if "flagged" in rows.columns else np.zeros(len(rows), bool)
    y = np.arange(len(rows))
    for yi, (_, r), flag in zip(y, rows.iterrows(), flagged):
        ax.barh(yi, float(r["periods_in_tail"]), color=colours[3] if flag else colours[7], height=0.7,
                gid=f"tail_rep:{r['rep_id']}")
    names = [f"{r['rep_id']} · {_name(r['archetype'], lang)}" if "archetype" in rows.columns
             and pd.notna(r["archetype"]) else str(r["rep_id"]) for _, r in rows.iterrows()]
    ax.set_yticks(y, names)
    k, n = getattr(result, "k", None), getattr(result, "n", None)
    if k is not None:
        ax.axvline(k, color="black", linestyle="--", linewidth=1.0,
                   label=label("tail_threshold", lang, k=k, n=n), gid="tail_threshold")
    handles = [mpl.patches.Patch(color=colours[3], label=label("flagged", lang)),
               mpl.patches.Patch(color=colours[7], label=label("not_flagged", lang))]
    ax.legend(handles=[*handles, *ax.get_legend_handles_labels()[0]], loc="lower right")
    ax.grid(False, axis="y")
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.set_xlabel(label("periods_in_tail", lang))
    quantile = float(getattr(result, "quantile", 0.25))
    ax.set_title(label("tail_reps_title", lang, share=f"{round(quantile * 100)}\u00a0%"))
    return ax


def report_sheet(payouts: Payouts, *, findings: Any = None, lang: str = "en", measure: str = "revenue",
                 rep_id: Any = None, period: Any = None, figsize: tuple[float, float] = (13.0, 9.0)) -> Figure:
    """The four key charts of one plan on one sheet (2 × 2).

    Top left the payout curve of the whole plan (with lint findings), top right
    pay against ``measure`` per rep, bottom left the pay distribution by
    archetype, bottom right the waterfall of one rep (default: the rep whose
    total is the median of the last period).

    Parameters
    ----------
    payouts
        From :func:`kpilab.evaluate` (its ``plan`` draws the curve).
    findings
        A ``LintReport`` (or findings) to mark on the curve.
    lang
        ``"en"`` or ``"ru"``.
    measure
        The performance measure of the scatter.
    rep_id, period
        The waterfall's row (both, or neither for the median rep).
    figsize
        Inches; the default fits a landscape slide.

    Returns
    -------
    Figure
        Four axes in reading order: curve, scatter, distribution, waterfall.
    """
    check_lang(lang)
    with style():
        fig, axes = plt.subplots(2, 2, figsize=figsize)
        plot_payout_curve(payouts.plan, ax=axes[0, 0], lang=lang, findings=findings)
        plot_pay_vs_performance(payouts, measure=measure, ax=axes[0, 1], lang=lang)
        plot_pay_distribution(payouts, ax=axes[1, 0], lang=lang)
        if rep_id is None or period is None:
            rep_id, period = _median_row(payouts, period)
        plot_waterfall(payouts, rep_id, period, ax=axes[1, 1], lang=lang)
        fig.suptitle(label("report_sheet", lang, name=payouts.plan.name), fontsize=14, fontweight="bold")
    return fig


def _median_row(payouts: Payouts, period: Any = None) -> tuple[Any, Any]:
    """The rep whose total is the median in ``period`` (default the last; first scenario)."""
    table = payouts.table
    if "scenario" in table.columns:
        table = table[table["scenario"] == table["scenario"].iloc[0]]
    if period is None:
        period = table["period"].iloc[-1]
    rows = table[table["period"].astype(str) == str(period)].sort_values("total", kind="stable")
    row = rows.iloc[(len(rows) - 1) // 2]
    return row["rep_id"], row["period"]
