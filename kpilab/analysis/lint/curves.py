"""Checks along the payout curves: cliffs, flat zones, early caps, activity outweighing sales."""

from __future__ import annotations

import numpy as np

from ...i18n import fmt_number, fmt_percent, t
from ...metrics import is_money
from ...plan import Plan
from .._common import ACTIVITY_METRICS
from ..verdict import fmt, lint_sentence
from .findings import _EPS, Finding, _component_metrics, _kind_of, _money, _runs, _title
from .sweep import _locate_jump, _targets, payout_curve


def _scan_findings(plan: Plan, prefix: str, ref: float, cliff_share: float, flat_width: float,
                   early_cap_at: float, lang: str) -> tuple[list[Finding], dict[str, float]]:
    """Cliffs, flat zones and early caps along each metric; also each component's maximum in the sweep."""
    findings: list[Finding] = []
    caps: dict[str, float] = {}
    targets = _targets(plan)
    comps = [c for c in plan.components if not c.deduction]
    thr = cliff_share * ref
    for metric in sorted(plan.metrics_needed()):
        curve = payout_curve(plan, metric)
        x = curve["attainment"].to_numpy()
        step = x[1] - x[0]
        window = max(1, int(round((0.01 if metric in targets else x[-1] / 200.0) / step)))
        shown = ((lambda v: t("lint.of_plan", lang, value=fmt(v, "pct", lang))) if metric in targets
                 else (lambda v: _money(v, lang)) if is_money(metric)
                 else (lambda v: fmt_number(v, lang, 0 if float(v).is_integer() else 2)))
        for comp in comps:
            pay = curve[comp.name].to_numpy()
            if ref > 0 and pay.size > window:
                wdiff = pay[window:] - pay[:-window]
                big = np.abs(wdiff) > thr
                for s, e in _runs(big):
                    seg = np.diff(pay[s:e + window + 1])
                    k = s + int(np.argmax(np.abs(seg)))
                    jump = float(wdiff[s:e + 1][np.argmax(np.abs(wdiff[s:e + 1]))])
                    at = _locate_jump(plan, metric, comp.name, float(x[k]), float(x[k + 1]))
                    findings.append(Finding(
                        f"{prefix}{comp.name}", "cliff", metric, at, jump, "warning",
                        lint_sentence("cliff_up" if jump > 0 else "cliff_down", lang,
                                      component=_title(plan, prefix, comp.name, lang),
                                      amount=_money(abs(jump), lang), share=fmt(abs(jump) / ref, "pct", lang),
                                      metric=metric, x=shown(at))))
            if metric not in _component_metrics(comp):
                continue
            # above the threshold: from where this metric first changes the component's pay
            on = np.flatnonzero(np.abs(pay - pay[0]) > _EPS)
            if on.size == 0:
                continue
            start = int(on[0])
            flat = np.zeros(pay.size, bool)
            flat[start:-1] = np.abs(np.diff(pay[start:])) <= 1e-9 * max(1.0, float(np.max(np.abs(pay))))
            width = flat_width if metric in targets else flat_width * x[-1] / 2.0
            severity = "warning" if _kind_of(metric) == "sales" else "info"
            for s, e in _runs(flat):
                span = x[e + 1] - x[s]
                reaches_end = e + 1 >= pay.size - 1
                if reaches_end:
                    caps[f"{prefix}{comp.name}"] = float(pay[-1])
                    # a value metric (a 0..1 score) has no 'plan' to be early against
                    if metric in targets and x[s] < early_cap_at - 1e-12:
                        findings.append(Finding(
                            f"{prefix}{comp.name}", "early_cap", metric, float(x[s]), float(pay[-1]), severity,
                            lint_sentence("early_cap", lang, component=_title(plan, prefix, comp.name, lang),
                                          x=shown(x[s]),
                                          metric=metric, limit=fmt(early_cap_at, "pct", lang))))
                elif span >= width - 1e-9:
                    findings.append(Finding(
                        f"{prefix}{comp.name}", "flat_zone", metric, float(x[s]), float(span), severity,
                        lint_sentence("flat_zone", lang, component=_title(plan, prefix, comp.name, lang),
                                      metric=metric,
                                      x=shown(x[s]), x_end=shown(x[e + 1]))))
    # the variable cap, with every attainment metric moving together
    if plan.limits.variable_cap is not None or plan.limits.variable_cap_share is not None:
        allc = payout_curve(plan, None)
        hit = np.flatnonzero(allc["cap_adjustment"].to_numpy() < -_EPS)
        caps[f"{prefix}variable_cap"] = np.nan
        if hit.size and allc["attainment"].iloc[hit[0]] < early_cap_at - 1e-12:
            at = float(allc["attainment"].iloc[hit[0]])
            findings.append(Finding(
                f"{prefix}variable_cap", "early_cap", "all", at, float(allc["variable"].iloc[hit[0]]), "warning",
                lint_sentence("early_cap", lang, component=_title(plan, prefix, "variable_cap", lang),
                              x=t("lint.of_plan", lang, value=fmt(at, "pct", lang)),
                              metric=t("lint.all_targets", lang), limit=fmt(early_cap_at, "pct", lang))))
    return findings, caps


def _activity_vs_sales(plan: Plan, prefix: str, lang: str) -> list[Finding]:
    """Activity KPIs against sales along the whole range (every metric at x of plan, x = 0.5 .. 2)."""
    xs = np.round(np.arange(0.5, 2.0001, 0.05), 10)
    curve = payout_curve(plan, None, xs)
    money_ = {"activity": np.zeros(xs.size), "sales": np.zeros(xs.size)}
    names: dict[str, list[str]] = {"activity": [], "sales": []}
    for comp in plan.components:
        if comp.deduction:
            continue
        pay = curve[comp.name].to_numpy(float)
        for metric, share in comp.metric_shares(xs, plan.targets):  # a scorecard splits its pay among its KPIs
            kind = _kind_of(metric)
            if kind in money_:
                money_[kind] += pay * share
                if comp.name not in names[kind]:
                    names[kind].append(comp.name)
    over = money_["activity"] > money_["sales"] + _EPS
    if not over.any() or not names["activity"]:
        return []
    # the worst point: at or above plan if any (activity outweighing sales there is a design flaw), else below
    at_plan = over & (xs >= 1.0 - 1e-9)
    pick = at_plan if at_plan.any() else over
    k = int(np.flatnonzero(pick)[np.argmax((money_["activity"] - money_["sales"])[pick])])
    comp = ", ".join(f"{prefix}{n}" for n in names["activity"])
    words = ", ".join(_title(plan, prefix, n, lang) for n in names["activity"])
    act, sales = float(money_["activity"][k]), float(money_["sales"][k])
    metrics = ",".join(sorted({m for c in plan.components if not c.deduction
                               for m in _component_metrics(c) if m in ACTIVITY_METRICS}))
    return [Finding(comp, "activity_outweighs_sales", metrics, float(xs[k]), act / sales if sales > 0 else np.inf,
                    "warning" if at_plan.any() else "info",
                    lint_sentence("activity_outweighs_sales", lang, amount=_money(act, lang),
                                  limit=_money(sales, lang), component=words,
                                  x=t("lint.of_plan", lang, value=fmt_percent(float(xs[k]), lang, 0))))]
