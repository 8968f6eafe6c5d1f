"""Design risks of a plan, found with the engine itself on synthetic rows.

:func:`payout_curve` builds a one-rep table whose rows sweep one metric (or
every attainment metric together) along a fine grid and runs
:func:`kpilab.evaluate` on it, so a curve drawn or checked here is exactly
what the engine pays. :func:`lint` scans those curves for cliffs, flat zones
and early caps, and runs the plan on a generated team (``make_team(100, 12,
seed=seed)``) for caps hit in practice and gates that would zero most of
the team; it also checks fines against the Russian lawful limit (144-FZ) and
whether activity KPIs weigh more than sales.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..engine import evaluate
from ..errors import KpilabError
from ..plan import (Bonus, Commission, Condition, Curve, Gate, Penalty, Plan, Scheme, Scorecard,
                    TeamBonus)
from ..engine.explain import component_title, describe_condition, period_words
from ..i18n import fmt_number, fmt_percent, has_label, label, t
from ..metrics import MANDATORY_ACTIVITY
from . import gaming
from ._common import ACTIVITY_METRICS, SALES_METRICS, Result, check_lang
from .verdict import fmt, lint_sentence, money

__all__ = ["lint", "LintReport", "Finding", "payout_curve", "GRID"]

#: Default attainment grid: 0 to 200 % in steps of 0.1 %.
GRID: np.ndarray = np.round(np.linspace(0.0, 2.0, 2001), 10)
_EPS = 0.005


@dataclass(frozen=True)
class Finding:
    """One design risk: which component, what kind, at which attainment, how big, in one sentence."""

    component: str
    kind: str
    metric: str
    attainment: float
    value: float
    severity: str
    message: str


@dataclass(frozen=True, eq=False)
class LintReport(Result):
    """The result of :func:`lint`: ``findings`` (tuple of :class:`Finding`) and ``table``.

    ``bool(report)`` is True when anything was found.
    """

    findings: tuple[Finding, ...] = ()
    plan_name: str = ""
    notes: tuple[str, ...] = ()
    lang: str = "en"
    gaming: dict = None  # type: ignore[assignment]  # check name -> its table (timing, padding, windfall, activity)

    def __bool__(self) -> bool:
        return len(self.findings) > 0

    def __len__(self) -> int:
        return len(self.findings)

    def kinds(self) -> set[str]:
        """The kinds of finding present."""
        return {f.kind for f in self.findings}

    def __str__(self) -> str:
        lang = self.lang
        if not self.findings:
            return t("lint.nothing", lang, plan=self.plan_name)
        head = t("lint.header", lang, plan=self.plan_name,
                 findings=t("common.findings", lang, count=len(self.findings)))
        return "\n".join([head] + [f"  [{t('lint.severity.' + f.severity, lang)}] {f.message}"
                                   for f in self.findings])


# --------------------------------------------------------------------------- the synthetic sweep

def _gate_values(plan: Plan) -> dict[str, float]:
    """For value metrics read by gates: a value that opens every gate on it."""
    lo: dict[str, float] = {}
    hi: dict[str, float] = {}

    def walk(cond: Any) -> None:
        if isinstance(cond, Condition):
            if cond.op == "at_least":
                lo[cond.metric] = max(lo.get(cond.metric, 0.0), cond.threshold)
            elif cond.op == "at_most":
                hi[cond.metric] = min(hi.get(cond.metric, np.inf), cond.threshold)
        else:
            for c in cond.conditions:
                walk(c)

    for gate in plan.gates:
        walk(gate.when)
    out = {m: v for m, v in hi.items()}
    out.update({m: v for m, v in lo.items()})
    return out


def _value_span(plan: Plan, metric: str) -> float:
    """Upper end of the sweep for a metric read as a raw value."""
    xs: list[float] = [x for c in plan.components for x in c.value_marks(metric)]  # each kind knows its marks
    xs.extend(x for m in plan.modifiers if m.metric == metric and m.basis == "value" for x in m.curve.xs)
    xs.extend(v for m, v in _gate_values(plan).items() if m == metric)
    return max(2.0, 2.0 * max(xs)) if xs else 2.0


def _targets(plan: Plan) -> dict[str, float]:
    metrics = plan.attainment_metrics() | {m for c in plan.components for m in c.team_metrics()}
    return {m: float(plan.targets.get(m, 1.0)) for m in metrics}


def _typical(plan: Plan) -> dict[str, float]:
    """Every metric the plan reads at a typical 'on plan' value."""
    targets = _targets(plan)
    gates = _gate_values(plan)
    out: dict[str, float] = {}
    for m in plan.metrics_needed():
        if m in targets:
            out[m] = targets[m]
        elif m in plan.targets:  # a value-basis metric with a stated target: 'on plan' is the target
            out[m] = float(plan.targets[m])
        elif m in gates:
            out[m] = gates[m]
        else:
            implied = [v for c in plan.components if (v := c.typical_value(m)) is not None]  # a penalty's free units
            out[m] = min(implied) if implied else 1.0
    # a gate on an attainment metric above 100 % must still open at 'typical'
    return out


def payout_curve(plan: Plan, metric: str | None = None, attainments: np.ndarray | None = None,
                 others: float = 1.0) -> pd.DataFrame:
    """Pay along one metric (or every attainment metric together), computed by the engine.

    Parameters
    ----------
    plan
        A :class:`~kpilab.plan.Plan` (for a scheme pass ``scheme.plans()[role]``).
    metric
        The metric to sweep. Metrics read by attainment sweep ``x × target``
        (target from ``plan.targets``, else 1); metrics read as raw values
        (``basis: value``, gate counts, penalty units) sweep ``x`` itself.
        None: every metric with a target moves together (x = attainment), those read as
        raw values too, as a fraction of the plan's stated target.
    attainments
        The grid of x (default 0 to 2 by 0.001; for a value metric default 0 to
        twice its largest curve point/threshold).
    others
        Attainment of the metrics that do not move (default 1.0 = on plan);
        value metrics stay at a value that opens their gates.

    Returns
    -------
    DataFrame
        Columns ``metric``, ``attainment`` (the x), one column per component,
        ``cap_adjustment``, ``floor_adjustment``, ``variable``, ``total``.
    """
    if isinstance(plan, Scheme):
        raise KpilabError("payout_curve needs one Plan; for a scheme pass scheme.plans()[role]")
    targets = _targets(plan)
    typical = _typical(plan)
    if metric is not None and metric not in plan.metrics_needed():
        raise KpilabError(f"plan '{plan.name}' does not read metric '{metric}'")
    by_value = metric is not None and metric not in targets
    if attainments is None:
        attainments = np.round(np.linspace(0.0, _value_span(plan, metric), 2001), 10) if by_value else GRID
    x = np.asarray(attainments, dtype=float)
    n = x.size
    # One synthetic rep per point, each in one calendar month, so a plan that pays across months reads
    # every point as its own first month (no state carried from one point to the next).
    frame: dict[str, Any] = {"rep_id": np.array([f"scan{i:05d}" for i in range(n)], dtype=object),
                             "period": np.full(n, "2026-01", dtype=object)}
    frame["team"] = frame["rep_id"]  # every row its own team: team attainment = the row's own
    for m, v in typical.items():
        frame[m] = np.full(n, v * others if m in targets else v)
    for m, t in targets.items():
        frame[f"plan_{m}"] = np.full(n, t)
    # The whole plan moves every metric that has a target, including those read as raw
    # values against the plan's stated target (x = fraction of that target).
    stated = {m: float(plan.targets[m]) for m in plan.metrics_needed() if m in plan.targets}
    moving = [metric] if metric is not None else sorted(set(targets) | set(stated))
    for m in moving:
        scale = targets.get(m, stated.get(m)) if metric is None or m in targets else None
        frame[m] = x * scale if scale is not None else x.copy()
    res = evaluate(plan, pd.DataFrame(frame)).table
    out = res.drop(columns=["rep_id", "period", "team"])
    out.insert(0, "attainment", x)
    out.insert(0, "metric", metric if metric is not None else "all")
    return out


# --------------------------------------------------------------------------- scans

def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end] index pairs of contiguous True runs."""
    if not mask.any():
        return []
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1) - 1
    return list(zip(starts.tolist(), ends.tolist()))


def _component_metrics(comp: Any) -> set[str]:
    return comp.metrics()


def _kind_of(metric: str) -> str:
    return "activity" if metric in ACTIVITY_METRICS else "sales" if metric in SALES_METRICS else "other"


def _money(v: float, lang: str = "en") -> str:
    return money(v, lang)


def _title(plan: Plan, prefix: str, name: str, lang: str) -> str:
    """A pay part as the plan file names it in ``lang`` ("Revenue bonus"), never its id; a scheme adds the role."""
    if name == "variable_cap":
        word = t("lint.variable_pay", lang)
    else:
        try:
            word = component_title(plan.component(name), lang, plan)
        except KeyError:
            word = name
    if not prefix:
        return word
    role = prefix.rstrip(".")
    return t("lint.role_part", lang, role=label(role, lang) if has_label(role) else role, component=word)


def _titles(plan: Plan, prefix: str, names: list[str], lang: str) -> str:
    """Several pay parts by their names, joined ("Deals bonus, Revenue bonus")."""
    return t("lint.list_join", lang).join(_title(plan, prefix, n, lang) for n in names)


def _locate_jump(plan: Plan, metric: str, component: str, lo: float, hi: float, rounds: int = 4) -> float:
    """Where a jump seen between two grid points really is: the engine on ever finer grids.

    Reads the plan only; returns the first x at which the new pay level holds
    (to about (hi - lo) / 64**rounds), so a cliff at a 960 000 gate is reported
    at 960 000, not at the next grid point.
    """
    for _ in range(rounds):
        grid = np.linspace(lo, hi, 65)
        pay = payout_curve(plan, metric, attainments=grid)[component].to_numpy()
        k = int(np.argmax(np.abs(np.diff(pay))))
        lo, hi = float(grid[k]), float(grid[k + 1])
    return float(f"{hi:.8g}")  # the boundary rule's 1e-9 tolerance is not a location


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
        shown = ((lambda v: t("lint.of_plan", lang, value=fmt_percent(v, lang, 1))) if metric in targets
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
                              x=t("lint.of_plan", lang, value=fmt_percent(at, lang, 1)),
                              metric=t("lint.all_targets", lang), limit=fmt(early_cap_at, "pct", lang))))
    return findings, caps


def _reference(plan: Plan) -> float:
    """Money of 'the target bonus': the plan's, or its variable pay with everything on plan."""
    if plan.target_bonus > 0:
        return float(plan.target_bonus)
    if not plan.components:
        return 0.0
    at = payout_curve(plan, None, np.array([1.0]))
    earned = [c.name for c in plan.components if not c.deduction]
    return float(at[earned].sum(axis=1).iloc[0]) if earned else 0.0


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


def _fines(plan: Plan, prefix: str, team: pd.DataFrame | None, lawful_cut: float, lang: str) -> list[Finding]:
    out: list[Finding] = []
    pens = [c for c in plan.components if isinstance(c, Penalty)]
    if not pens:
        return out
    limit = lawful_cut * (plan.base + plan.target_bonus)
    total = 0.0
    for p in pens:
        if p.cap is not None:
            worst = float(p.cap)
        elif team is not None and p.metric in team.columns:
            units = float(np.percentile(pd.to_numeric(team[p.metric], errors="coerce").dropna(), 99))
            worst = p.per_unit * max(0.0, units - p.free)
        else:
            worst = np.inf
        total += worst
        if worst > limit + _EPS:
            out.append(Finding(f"{prefix}{p.name}", "unlawful_fine", p.metric, np.nan, worst, "error",
                               lint_sentence("unlawful_fine", lang, component=_title(plan, prefix, p.name, lang),
                                             amount=_money(worst, lang), limit=_money(limit, lang),
                                             share=fmt(lawful_cut, "pct", lang))))
        if plan.limits.floor != "base" and not (isinstance(plan.limits.floor, (int, float))
                                                and plan.limits.floor >= plan.base):
            out.append(Finding(f"{prefix}{p.name}", "unlawful_fine", p.metric, np.nan, worst, "error",
                               lint_sentence("fine_from_salary", lang, component=_title(plan, prefix, p.name, lang))))
    if len(pens) > 1 and total > limit + _EPS and not any(f.kind == "unlawful_fine" for f in out):
        names = "+".join(f"{prefix}{p.name}" for p in pens)
        out.append(Finding(names, "unlawful_fine", ",".join(p.metric for p in pens), np.nan, total, "error",
                           lint_sentence("unlawful_fine", lang,
                                         component=_titles(plan, prefix, [p.name for p in pens], lang),
                                         amount=_money(total, lang),
                                         limit=_money(limit, lang), share=fmt(lawful_cut, "pct", lang))))
    return out


def _first_metric(cond: Any) -> str:
    return cond.metric if isinstance(cond, Condition) else _first_metric(cond.conditions[0])


def _threshold(cond: Any) -> float:
    if isinstance(cond, Condition) and cond.op == "attainment_at_least":
        return float(cond.threshold)
    return float("nan")


def _team_findings(plan: Plan, prefix: str, team: pd.DataFrame, caps: dict[str, float],
                   gate_zero_share: float, lang: str, notes: list[str]) -> list[Finding]:
    out: list[Finding] = []
    missing = sorted(m for m in plan.metrics_needed() if m not in team.columns)
    if missing:
        notes.append(t("lint.missing_columns", lang, plan=prefix or plan.name, columns=", ".join(missing)))
        return out
    try:
        pay = evaluate(plan, team).table
    except KpilabError as exc:
        notes.append(t("lint.team_error", lang, plan=prefix or plan.name, error=str(exc)))
        return out
    n = len(pay)
    # caps reached in practice (the P90 rep-month at the component's maximum)
    for name, cap in caps.items():
        col = name[len(prefix):]
        if col == "variable_cap":
            share = float((pay["cap_adjustment"] < -_EPS).mean())
        elif np.isnan(cap) or cap <= _EPS:
            continue
        else:
            share = float((pay[col] >= cap - _EPS).mean())
        if share > 0.10:
            comp = next((c for c in plan.components if c.name == col), None)
            metric = comp.metric if comp is not None and hasattr(comp, "metric") else "all"
            sev = "warning" if _kind_of(metric) == "sales" or col == "variable_cap" else "info"
            out.append(Finding(name, "cap_hit", metric, np.nan, share, sev,
                               lint_sentence("cap_hit", lang, component=_title(plan, prefix, col, lang),
                                             share=fmt(share, "pct", lang))))
    # gates: how often each stays closed (a probe component that pays 1 wherever the gate opens)
    for gate in plan.gates:
        probe_metric = _first_metric(gate.when)
        probe = Plan(name="gate probe", targets=plan.targets,
                     components=(Bonus(name="probe", metric=probe_metric, basis="value", amount=1.0,
                                       curve=Curve("steps", (0.0,), (1.0,), below=1.0)),),
                     gates=(Gate(applies_to=("probe",), when=gate.when),))
        opened = evaluate(probe, team).table["probe"].to_numpy()
        closed = 1.0 - float(opened.mean()) if n else 0.0
        if closed >= gate_zero_share:
            names = "all" if gate.applies_to == "all" else ", ".join(f"{prefix}{a}" for a in gate.applies_to)
            out.append(Finding(names, "gate_zeroes", probe_metric, _threshold(gate.when), closed, "warning",
                               lint_sentence("gate_zeroes", lang,
                                             condition=describe_condition(gate.when, lang, plan.currency),
                                             share=fmt(closed, "pct", lang),
                                             component=(t("lint.all_parts", lang) if gate.applies_to == "all" else
                                                        _titles(plan, prefix, list(gate.applies_to), lang)))))
    out += _wage_cuts(plan, prefix, pay, 0.2, lang)
    return out


def _wage_cuts(plan: Plan, prefix: str, pay: pd.DataFrame, lawful_cut: float, lang: str) -> list[Finding]:
    """Fines actually taken in each rep-month against ``lawful_cut`` of that month's wage (144-FZ).

    The wage is the month's pay before the cut (what the rep would have got
    without it): total + fines actually taken (after the floor).
    """
    pens = [c.name for c in plan.components if isinstance(c, Penalty)]
    if not pens:
        return []
    cut = -pay[pens].fillna(0.0).sum(axis=1).to_numpy(float) - pay["floor_adjustment"].to_numpy(float)
    cut = np.maximum(cut, 0.0)
    wage = pay["total"].to_numpy(float) + cut
    over = cut > lawful_cut * wage + _EPS
    if not over.any():
        return []
    i = np.flatnonzero(over)
    worst = int(i[np.argmax((cut - lawful_cut * wage)[i])])
    names = "+".join(f"{prefix}{p}" for p in pens)
    return [Finding(names, "fine_over_wage", ",".join(c.metric for c in plan.components if isinstance(c, Penalty)),
                    np.nan, float(cut[worst]), "error",
                    lint_sentence("fine_over_wage", lang, count=int(over.sum()),
                                  component=_titles(plan, prefix, pens, lang),
                                  share=fmt_percent(lawful_cut, lang, 0), rep=str(pay["rep_id"].iloc[worst]),
                                  period=period_words(str(pay["period"].iloc[worst]), lang),
                                  amount=_money(cut[worst], lang),
                                  wage=_money(wage[worst], lang)))]


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
        out.append(Finding(str(row["metric"]), "padding", str(row["metric"]), np.nan, float(row["gain"]), sev,
                           lint_sentence("padding", lang, units=fmt_number(row["units"], lang, 0),
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
                                         rows=rows, amount=_money(wf["extra_pay"].sum(), lang))))
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
                               lint_sentence("not_mandatory", lang, amount=_money(lost, lang),
                                             share=fmt_percent(share, lang, 0),
                                             limit=fmt_percent(mandatory_share, lang, 0))))
    return out, tables


def lint(plan: Plan | Scheme, team: pd.DataFrame | None = None, *, cliff_share: float = 0.1,
         flat_width: float = 0.2, early_cap_at: float = 1.5, gate_zero_share: float = 0.5,
         lawful_cut: float = 0.2, seed: int = 0, lang: str = "en", timing_shift: float = 0.3,
         padding_share: float = 0.1, mandatory_share: float = 0.5) -> LintReport:
    """Find design risks of a plan without real data.

    Parameters
    ----------
    plan
        A Plan or Scheme (each role's plan is linted; components are named ``role.name``).
    team
        A team table for the practical checks (caps hit, gates closed, fine sizes);
        default ``kpilab.make_team(n_reps=100, periods=12, seed=seed)``.
    cliff_share
        A cliff is a pay change larger than this share of the target bonus
        within 1 % of attainment (default 10 %). Plans without a target bonus
        use their variable pay with every metric on plan.
    flat_width
        A flat zone is at least this wide in attainment (default 20 points).
    early_cap_at
        A cap reached below this attainment is early (default 150 %).
    gate_zero_share
        A gate closed in at least this share of rep-months is reported (50 %).
    lawful_cut
        Largest lawful bonus cut as a share of base + target bonus (144-FZ: 0.2).
        Each rep-month's fines are also checked against this share of that
        month's actual wage (kind ``fine_over_wage``).
    seed
        Seed of the generated team.
    lang
        "en" or "ru".
    timing_shift
        Largest share of a month's revenue a rep may move to the adjacent month (timing check).
    padding_share
        Largest extra activity, as a share of its plan, the padding check adds.
    mandatory_share
        Activity plans are mandatory in effect when skipping all activity while
        selling at plan costs at least this share of variable pay at plan (0.5).

    Returns
    -------
    LintReport
        ``findings`` with kinds cliff, flat_zone, early_cap, cap_hit,
        gate_zeroes, unlawful_fine, fine_over_wage, activity_outweighs_sales,
        timing, padding, windfall, not_mandatory, no_activity_kpi (see
        :mod:`kpilab.analysis.gaming`); ``table``; ``gaming`` (the tables behind them).
    """
    check_lang(lang)
    if not isinstance(plan, (Plan, Scheme)):
        raise KpilabError(f"lint() needs a Plan or Scheme, got {type(plan).__name__}")
    if team is None:
        from ..data.synth import make_team

        team = make_team(n_reps=100, periods=12, seed=seed)
    findings: list[Finding] = []
    notes: list[str] = []
    for role, p in plan.plans().items():
        prefix = "" if role is None else f"{role}."
        rows = team
        if role is not None:
            rows = team[team["role"].astype(str) == str(role)].reset_index(drop=True) if "role" in team else team.iloc[:0]
        ref = _reference(p)
        scans, caps = _scan_findings(p, prefix, ref, cliff_share, flat_width, early_cap_at, lang)
        findings += scans
        findings += _activity_vs_sales(p, prefix, lang)
        findings += _fines(p, prefix, rows if len(rows) else None, lawful_cut, lang)
        if len(rows):
            findings += _team_findings(p, prefix, rows, caps, gate_zero_share, lang, notes)
        else:
            notes.append(t("lint.no_rows", lang, plan=prefix or p.name))
    tables: dict[str, pd.DataFrame] = {}
    try:
        ref = _reference(next(iter(plan.plans().values())))
        found, tables = _gaming_findings(plan, team, ref, lang, shift=timing_shift, padding_share=padding_share,
                                         mandatory_share=mandatory_share)
        findings += found
    except KpilabError as exc:
        notes.append(t("lint.team_error", lang, plan=plan.title(lang), error=str(exc)))
    cols = ["component", "kind", "metric", "attainment", "value", "severity", "message"]
    table = pd.DataFrame([f.__dict__ for f in findings], columns=cols)
    name = plan.title(lang)
    return LintReport(table=table, findings=tuple(findings), plan_name=name, notes=tuple(notes), lang=lang,
                      gaming=tables)
