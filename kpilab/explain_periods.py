"""Pay across months in plain words: the carried balances of the ledger, narrated from the engine's own numbers.

The statement of one month (:meth:`kpilab.Payouts.explain`) ends with these
lines; :func:`narrate_ledger` tells a rep's whole ledger month by month. Every
word comes from the ``periods.*`` keys of the catalogs; every amount is the
payout table's (or the period pass's trace), never recomputed.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd

from .i18n import fmt_date, fmt_money, fmt_percent, t


def _money(value: float, lang: str, currency: str) -> str:
    cents = round(float(value) * 100)
    return fmt_money(cents / 100, lang, currency, decimals=0 if cents % 100 == 0 else 2)


def month_words(period: str, lang: str) -> str:
    """``2026-03`` as a document names the month: «март 2026» / "March 2026"."""
    try:
        year, month = (int(x) for x in str(period).strip().split("-"))
        text = fmt_date(_dt.date(year, month, 1), lang, "LLLL y")
    except (ValueError, TypeError):
        return str(period)
    return text[:1].upper() + text[1:]


def _plan_of(payouts: Any, pos: int) -> Any:
    role = next(r for r, rows in payouts._row_plan.items() if rows[pos])
    return role, (payouts.plan if role is None else payouts.plan.plans()[role])


def month_lines(payouts: Any, pos: int, lang: str = "en") -> list[tuple[str, str, float | None]]:
    """The carried mechanics of one row as ``(key, words, amount)``, in the order they apply."""
    trace = payouts._periods
    if trace is None:
        return []
    row = payouts.table.iloc[pos]
    role, plan = _plan_of(payouts, pos)
    cur = plan.currency
    money = lambda v: _money(v, lang, cur)  # noqa: E731
    lines: list[tuple[str, str, float | None]] = []
    month = int(trace.month[pos])
    for part in trace.internal[role].parts:
        if not part.closing(month):
            lines.append(("period_open", t("periods.period_open", lang, name=part.name), None))
        elif part.timing.true_up is not False:
            paid = float(trace.paid_before[part.name][pos])
            now = float(row[part.name])
            lines.append(("true_up", t("periods.true_up", lang, name=part.name, due=money(paid + now),
                                       paid=money(paid), amount=money(now)), now))
    earned = float(trace.earned[pos])
    lines.append(("earned", t("periods.earned", lang, amount=money(earned)), earned))

    def add(key: str, amount: float, **fields: Any) -> None:
        if abs(amount) >= 0.005:
            lines.append((key, t(f"periods.{key}", lang, amount=money(amount), **fields), amount))

    cols = row.index
    if "ramp_guarantee" in cols:
        add("ramp_guarantee", float(row["ramp_guarantee"]))
    if "sanction_cut" in cols and plan.periods.sanction is not None:
        add("sanction_cut", -float(row["sanction_cut"]), limit=fmt_percent(plan.periods.sanction.limit, lang))
    if "holdback" in cols:
        add("held", float(trace.held[pos]))
        add("released", float(trace.released[pos]))
        add("holdback_balance", float(row["holdback_balance"]))
    if "clawback" in cols:
        add("clawback_owed", -float(trace.reversed[pos]))
        add("clawback_recovered", -float(row["clawback"]))
        add("clawback_balance", float(row["clawback_balance"]))
    if "draw_adjustment" in cols:
        adj = float(row["draw_adjustment"])
        add("draw_topup" if adj > 0 else "draw_repaid", abs(adj))
        add("draw_balance", float(row["draw_balance"]))
    total = float(row["total"])
    lines.append(("paid", t("periods.paid", lang, amount=money(total)), total))
    return lines


def with_period_lines(explanation: Any, payouts: Any, pos: int, lang: str = "en") -> Any:
    """The month's statement followed by what the month carried (the same numbers as the table)."""
    from .engine.payouts import Explanation

    lines = month_lines(payouts, pos, lang)
    text = explanation.text + "\n\n" + t("periods.heading", lang) + "\n" + "\n".join(f"  {w}" for _, w, _ in lines)
    extra = pd.DataFrame([{"step": "carried", "item": k, "detail": w, "amount": a} for k, w, a in lines])
    table = pd.concat([explanation.table, extra], ignore_index=True)
    return Explanation(explanation.rep_id, explanation.period, text, table)


def narrate_ledger(payouts: Any, rep_id: Any, lang: str = "en", scenario: Any = None) -> str:
    """A rep's ledger month by month in plain words («Март 2026: … удержано до оплаты 12 000 ₽ …»)."""
    payouts.ledger(rep_id, scenario)  # the same checks (known rep, a plan that carries)
    t_ = payouts.table
    mask = t_["rep_id"].astype(str).to_numpy() == str(rep_id)
    if "scenario" in t_.columns:
        scen = t_["scenario"].iloc[0] if scenario is None else scenario
        mask &= t_["scenario"].astype(str).to_numpy() == str(scen)
    rows = np.flatnonzero(mask)
    rows = rows[np.argsort(payouts._periods.month[rows], kind="stable")]
    out = [t("periods.ledger_title", lang, rep=rep_id)]
    for pos in rows:
        words = "; ".join(w for _, w, _ in month_lines(payouts, int(pos), lang))
        out.append(f"{month_words(t_['period'].iloc[pos], lang)}: {words}")
    return "\n".join(out)
