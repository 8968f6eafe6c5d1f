"""What a rep could game under a plan, as lint findings (the tables behind them are :mod:`kpilab.analysis.gaming`'s)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...i18n import fmt_number, fmt_percent, has_text, t
from ...engine.explain import metric_words, period_words
from ...metrics import MANDATORY_ACTIVITY
from ...plan import Plan, Scheme
from .. import gaming
from ..verdict import lint_sentence
from .findings import _EPS, Finding, _money


def _windfall_extra(extra: float, lang: str) -> str:
    """What the windfall months pay above the rep's usual month; a sentence of its own when it is nothing."""
    if extra <= _EPS:
        return t("lint.windfall_extra_none", lang)
    return t("lint.windfall_extra", lang, amount=_money(extra, lang))


def _activities(paid: set[str], lang: str) -> str:
    """The activities the plan itself pays for, in the genitive ("calls and meetings"), in the registry's order."""
    words = [metric_words(m, lang, "gen") for m in MANDATORY_ACTIVITY if m in paid]
    if len(words) == 1:
        return words[0]
    return t("lint.list_join", lang).join(words[:-1]) + t("lint.and_join", lang) + words[-1]


def _loss(lost: float, share: float, lang: str) -> str:
    """What a rep loses by skipping the activities: nothing, or the roubles and their share of on-target pay."""
    if lost <= _EPS:
        return t("lint.loss_none", lang)
    return t("lint.loss_some", lang, amount=_money(lost, lang), share=fmt_percent(share, lang, 0))


def _gaming_findings(plan: Plan | Scheme, team: pd.DataFrame, ref: float, lang: str, *, shift: float,
                     padding_share: float, mandatory_share: float) -> tuple[list[Finding], dict[str, pd.DataFrame]]:
    """Timing, padding, windfall and skipped-activity findings, with the roubles at stake in ``value``.

    Their ``attainment`` is NaN: they are not a point on a payout curve (the tables behind them are in
    ``LintReport.gaming``).
    """
    out: list[Finding] = []
    tables: dict[str, pd.DataFrame] = {}
    plans = list(plan.plans().values())
    reads = set().union(*(p.metrics_needed() for p in plans))
    if "revenue" in team.columns and "revenue" in reads:
        tg = gaming.timing_gains(plan, team, shift=shift)
        tables["timing"] = tg
        if len(tg) and tg["gain"].max() > _EPS:
            k = int(tg["gain"].to_numpy().argmax())
            row = tg.iloc[k]
            gamers = int((tg.groupby("rep_id")["gain_share"].max() > 0.05).sum())
            sev = "warning" if row["gain_share"] > 0.05 else "info"
            out.append(Finding("revenue", "timing", "revenue", np.nan, float(row["gain"]), sev,
                               lint_sentence("timing", lang, count=gamers, shift=fmt_percent(shift, lang, 0),
                                             rep=str(row["rep_id"]), amount=_money(row["gain"], lang),
                                             share=fmt_percent(row["gain_share"], lang, 1),
                                             periods=t("lint.period_pair", lang,
                                                       a=period_words(str(row["period_a"]), lang),
                                                       b=period_words(str(row["period_b"]), lang)))))
    pg = gaming.padding_gains(plan, team, share=padding_share)
    tables["padding"] = pg
    if len(pg) and ref > 0 and pg["gain"].max() > 0.02 * ref:
        k = int(pg["gain"].to_numpy().argmax())
        row = pg.iloc[k]
        sev = "warning" if row["gain"] > 0.1 * ref else "info"
        metric = str(row["metric"])
        counted = has_text(f"lint.count.{metric}", lang)  # "15 more calls, 533 per call" where the catalog can count it
        out.append(Finding(metric, "padding", metric, np.nan, float(row["gain"]), sev,
                           lint_sentence("padding_counted" if counted else "padding", lang,
                                         units=t(f"lint.count.{metric}", lang, count=round(float(row["units"])))
                                         if counted else fmt_number(row["units"], lang, 0),
                                         per=t(f"lint.per.{metric}", lang) if counted else "",
                                         metric=str(row["metric"]),
                                         share=fmt_percent(row["units"] / row["plan"], lang, 0) if row["plan"] > 0
                                         else "—", rep=str(row["rep_id"]), amount=_money(row["gain"], lang),
                                         period=period_words(str(row["period"]), lang),
                                         per_unit=_money(row["per_unit"], lang))))
    wf = gaming.windfall_months(plan, team)
    tables["windfall"] = wf
    if len(wf):
        rows = "; ".join(f"{r}, {period_words(str(p), lang)}"
                         for r, p in zip(wf["rep_id"].head(5), wf["period"].head(5)))
        out.append(Finding("revenue", "windfall", "revenue", np.nan, float(wf["extra_pay"].sum()), "warning",
                           lint_sentence("windfall", lang, count=len(wf), factor=fmt_number(3, lang),
                                         rows=rows, extra=_windfall_extra(float(wf["extra_pay"].sum()), lang))))
    paid_activity = reads & set(MANDATORY_ACTIVITY)
    if not paid_activity:
        out.append(Finding("activity", "no_activity_kpi", "", np.nan, 0.0, "info",
                           lint_sentence("no_activity_kpi", lang)))
    else:
        sk = gaming.skipped_activity(plan, team)
        tables["activity"] = sk
        share = float(np.nanmedian(sk["lost_share"])) if sk["lost_share"].notna().any() else 0.0
        lost = float(np.median(sk["lost"]))
        if share < mandatory_share:
            out.append(Finding("activity", "not_mandatory", ",".join(sorted(paid_activity)), np.nan, lost, "warning",
                               lint_sentence("not_mandatory", lang, activities=_activities(paid_activity, lang),
                                             loss=_loss(lost, share, lang),
                                             limit=fmt_percent(mandatory_share, lang, 0))))
    return out, tables
