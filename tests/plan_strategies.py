"""Hypothesis strategies for random plan mappings and performance rows.

Plans are generated as plain mappings (the YAML form of the contract), so the
same object feeds ``kpilab.Plan.from_dict`` and the reference evaluator.
Row values are drawn from a mix of *boundary points* of the plan (exact curve
xs, exact tier starts, exact gate thresholds, turned into facts that divide
back exactly) and random floats, so that every closed/open edge of the
contract is hit.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import hypothesis.strategies as st

_SAMPLED: dict[tuple, st.SearchStrategy] = {}
_BOOL = st.booleans()


def _sampled(values: Any) -> st.SearchStrategy:
    """``st.sampled_from`` built once per distinct list (strategy construction dominates draw time)."""
    key = tuple(values)
    if key not in _SAMPLED:
        _SAMPLED[key] = st.sampled_from(key)
    return _SAMPLED[key]

# Metrics every generated row carries, with the plan targets and alternative
# per-row targets (plan_<metric>) to draw from.
TARGETS: dict[str, list[float]] = {
    "calls": [800, 600, 1000],
    "meetings": [20, 15, 25],
    "deals": [8, 5, 10],
    "revenue": [1200000, 900000, 1500000],
    "emails": [150, 120],
    "missed_calls": [10, 5],
    "crm_quality": [1, 0.8],
}
METRICS = list(TARGETS)
# Attainment levels (the x of attainment curves, gate thresholds, attainment tier starts).
ATT_LEVELS = ["0", "0.25", "0.5", "0.6", "0.7", "0.75", "0.8", "0.9", "1", "1.1", "1.2", "1.25", "1.5", "2"]
# Raw-value levels per metric (the x of value curves, value tier starts, at_least/at_most).
VALUE_LEVELS: dict[str, list[float]] = {
    "calls": [0, 300, 500, 800, 1000],
    "meetings": [0, 5, 10, 20, 30],
    "deals": [0, 1, 3, 5, 8, 12],
    "revenue": [0, 300000, 600000, 1000000, 1200000, 1500000],
    "emails": [0, 50, 100, 150],
    "missed_calls": [0, 1, 2, 3, 5, 10],
    "crm_quality": [0, 0.5, 0.7, 0.8, 0.85, 0.9, 1],
}


def exact_fact(level: str, tgt: float) -> float | None:
    """fact with fact / tgt == float(level) and float(level) * tgt == fact exactly, else None."""
    fact = Fraction(level) * Fraction(tgt)
    f = float(fact)
    x = float(level)
    if Fraction(f) != fact or f / tgt != x or x * tgt != f:
        return None
    return f


# ----------------------------------------------------------------------------- curves


@st.composite
def increasing_xs(draw, levels: list[Any], min_size: int, max_size: int) -> list[float]:
    """Distinct levels, sorted (index draws: much cheaper than ``st.lists(unique=True)``)."""
    k = draw(st.integers(min_size, max_size))
    idx = {draw(st.integers(0, len(levels) - 1)) for _ in range(k)}
    spare = iter(i for i in range(len(levels)) if i not in idx)
    while len(idx) < min_size:
        idx.add(next(spare))
    return sorted(float(levels[i]) for i in idx)


Y = st.one_of(_sampled([0.0, 0.25, 0.5, 1.0, 1.2, 1.5, 2.0]),
              st.floats(0, 3, allow_nan=False, allow_infinity=False, allow_subnormal=False).map(lambda v: round(v, 4)))


@st.composite
def curves(draw, levels: list[Any], monotone: bool = False) -> dict:
    """A points or steps curve whose xs are drawn from ``levels``."""
    kind = draw(_sampled(["points", "steps"]))
    xs = draw(increasing_xs(levels, 2 if kind == "points" else 1, 4))
    ys = [draw(Y) for _ in xs]
    if monotone:
        ys = sorted(ys)
    spec: dict[str, Any] = {kind: [[x, y] for x, y in zip(xs, ys)]}
    if draw(_BOOL):
        below = draw(_sampled([0.0, 0.1, 0.3]))
        if monotone:
            below = min(below, ys[0])
        spec["below"] = below
    if kind == "points" and draw(_BOOL):
        spec["extend"] = True
    if kind == "steps":
        closed = draw(_sampled([None, "left", "right"]))
        if closed:
            spec["closed"] = closed
    return spec


@st.composite
def metric_curve(draw, monotone: bool = False, metrics: list[str] | None = None) -> tuple[str, str | None, dict]:
    """(metric, basis, curve): basis None (= attainment default), 'attainment' or 'value'."""
    metric = draw(_sampled(metrics or METRICS))
    basis = draw(_sampled([None, "attainment", "value"]))
    levels = VALUE_LEVELS[metric] if basis == "value" else ATT_LEVELS
    return metric, basis, draw(curves(levels, monotone))


# ----------------------------------------------------------------------------- components


@st.composite
def money(draw, comp: dict) -> None:
    """Exactly one of share / amount."""
    if draw(_BOOL):
        comp["share"] = draw(_sampled([0.2, 0.5, 1, 1.5]))
    else:
        comp["amount"] = draw(_sampled([5000, 10000, 25000.5]))


@st.composite
def components(draw, name: str, kinds: list[str], monotone: bool = False) -> dict:
    kind = draw(_sampled(kinds))
    comp: dict[str, Any] = {"name": name, "kind": kind}
    if kind == "bonus":
        metric, basis, cur = draw(metric_curve(monotone))
        comp.update(metric=metric, curve=cur)
        if basis:
            comp["basis"] = basis
        draw(money(comp))
    elif kind == "scorecard":
        ms = draw(st.lists(_sampled(METRICS), min_size=1, max_size=4, unique=True))
        # weights summing to 1 exactly in binary where possible
        raw = [draw(_sampled([1, 2, 3, 5])) for _ in ms]
        weights = [r / sum(raw) for r in raw]
        weights[-1] = 1 - sum(weights[:-1])
        kpis = {}
        for m, w in zip(ms, weights):
            _, basis, cur = draw(metric_curve(monotone, metrics=[m]))
            kpi: dict[str, Any] = {"weight": w, "curve": cur}
            if basis:
                kpi["basis"] = basis
            kpis[m] = kpi
        comp["kpis"] = kpis
        if draw(_BOOL):
            comp["index_curve"] = draw(curves(ATT_LEVELS, monotone))
        draw(money(comp))
    elif kind == "commission":
        metric = draw(_sampled(["revenue", "revenue", "deals", "calls"]))
        comp["metric"] = metric
        mode = draw(_sampled(["rate", "tiers"]))
        rate_scale = {"revenue": 0.01, "deals": 1000.0, "calls": 10.0}[metric]
        rates = _sampled([0, 1, 2, 3, 5, 8]).map(lambda r: r * rate_scale)
        if mode == "rate":
            comp["rate"] = draw(rates)
        else:
            on = draw(_sampled([None, "value", "attainment"]))
            levels = ATT_LEVELS if on == "attainment" else VALUE_LEVELS[metric]
            starts = draw(increasing_xs(levels, 1, 4))
            rs = [draw(rates) for _ in starts]
            if monotone:
                rs = sorted(rs)
            comp["tiers"] = [{"from": s, "rate": r} for s, r in zip(starts, rs)]
            if on:
                comp["tiers_on"] = on
            method = draw(_sampled([None, "marginal", "retroactive"]))
            if method:
                comp["method"] = method
        if draw(_BOOL):
            comp["cap"] = draw(_sampled([5000, 20000, 60000]))
    elif kind == "team":
        metric = draw(_sampled(["revenue", "deals", "calls", "meetings"]))
        comp.update(metric=metric, curve=draw(curves(ATT_LEVELS, monotone)))
        draw(money(comp))
    elif kind == "penalty":
        comp["metric"] = draw(_sampled(["missed_calls", "missed_calls", "emails"]))
        comp["per_unit"] = draw(_sampled([100, 500, 1000, 250.5]))
        if draw(_BOOL):
            comp["free"] = draw(_sampled([0, 1, 2, 3]))
        if draw(_BOOL):
            comp["cap"] = draw(_sampled([2000, 5000, 10000]))
    return comp


@st.composite
def conditions(draw, depth: int = 0, allow_at_most: bool = True) -> dict:
    kinds = ["attainment_at_least", "at_least"] + (["at_most"] if allow_at_most else [])
    if depth < 2:
        kinds += ["all", "any"]
    kind = draw(_sampled(kinds))
    if kind in ("all", "any"):
        return {kind: draw(st.lists(conditions(depth + 1, allow_at_most), min_size=1, max_size=3))}
    metric = draw(_sampled(METRICS))
    if kind == "attainment_at_least":
        return {"metric": metric, kind: float(draw(_sampled(ATT_LEVELS)))}
    return {"metric": metric, kind: draw(_sampled(VALUE_LEVELS[metric]))}


def _applies_to(draw, names: list[str]) -> Any:
    if not names or draw(_BOOL):
        return "all"
    return draw(st.lists(_sampled(names), min_size=1, max_size=len(names), unique=True))


ALL_KINDS = ["bonus", "scorecard", "commission", "team", "penalty"]


@st.composite
def plans(draw, kinds: list[str] = ALL_KINDS, monotone: bool = False, name: str = "random plan") -> dict:
    """A random valid plan mapping."""
    n = draw(st.integers(1, 5))
    comps = [draw(components(f"c{i}_x", kinds, monotone)) for i in range(n)]
    for i, c in enumerate(comps):
        c["name"] = f"c{i}_{c['kind']}"
    plan: dict[str, Any] = {"name": name, "currency": "RUB"}
    if draw(st.integers(0, 4)):
        plan["base"] = draw(_sampled([0, 30000, 60000, 80000.5]))
    if draw(st.integers(0, 4)):
        plan["target_bonus"] = draw(_sampled([0, 20000, 40000, 60000]))
    plan["targets"] = {m: v[0] for m, v in TARGETS.items()}
    plan["components"] = comps
    earners = [c["name"] for c in comps if c["kind"] != "penalty"]
    gates = []
    for _ in range(draw(st.integers(0, 2 if earners else 0))):
        gates.append({"applies_to": _applies_to(draw, earners),
                      "when": draw(conditions(allow_at_most=not monotone))})
    if gates:
        plan["gates"] = gates
    mods = []
    for _ in range(draw(st.integers(0, 2 if earners else 0))):
        metric, basis, cur = draw(metric_curve(monotone))
        mod: dict[str, Any] = {"applies_to": _applies_to(draw, earners), "metric": metric, "curve": cur}
        if basis:
            mod["basis"] = basis
        mods.append(mod)
    if mods:
        plan["modifiers"] = mods
    limits: dict[str, Any] = {}
    cap = draw(_sampled(["none", "number", "share"]))
    if cap == "number":
        limits["variable_cap"] = draw(_sampled([0, 30000, 100000]))
    elif cap == "share":
        limits["variable_cap"] = {"share": draw(_sampled([0.5, 1, 2, 2.5]))}
    floor = draw(_sampled(["absent", "base", "number", "none", "null"]))
    if floor == "base":
        limits["floor"] = "base"
    elif floor == "number":
        limits["floor"] = draw(_sampled([0, 50000, 100000]))
    elif floor == "none":
        limits["floor"] = "none"
    elif floor == "null":
        limits["floor"] = None
    if limits:
        plan["limits"] = limits
    return plan


@st.composite
def schemes(draw, kinds: list[str] = ALL_KINDS, monotone: bool = False) -> dict:
    return {"scheme": "random scheme",
            "plans": {"junior": draw(plans(kinds, monotone, name="junior plan")),
                      "senior": draw(plans(kinds, monotone, name="senior plan"))}}


# ----------------------------------------------------------------------------- rows


def _plan_levels(plan_dict: dict) -> tuple[dict[str, set[str]], dict[str, set[float]]]:
    """Boundary attainment levels and raw values per metric, read from a plan or scheme mapping."""
    att: dict[str, set[str]] = {m: set() for m in METRICS}
    val: dict[str, set[float]] = {m: set() for m in METRICS}
    plans_ = list(plan_dict["plans"].values()) if "plans" in plan_dict else [plan_dict]

    def add_curve(metric: str, basis: str | None, cur: dict) -> None:
        pts = cur.get("points") or cur.get("steps")
        for x, _ in pts:
            if basis == "value":
                val[metric].add(float(x))
            else:
                att[metric].add(_level(x))

    def add_cond(cond: dict) -> None:
        for key in ("all", "any"):
            if key in cond:
                for c in cond[key]:
                    add_cond(c)
                return
        if "attainment_at_least" in cond:
            att[cond["metric"]].add(_level(cond["attainment_at_least"]))
        else:
            val[cond["metric"]].add(float(cond.get("at_least", cond.get("at_most"))))

    for p in plans_:
        for c in p["components"]:
            k = c["kind"]
            if k == "bonus":
                add_curve(c["metric"], c.get("basis"), c["curve"])
            elif k == "scorecard":
                for m, kpi in c["kpis"].items():
                    add_curve(m, kpi.get("basis"), kpi["curve"])
            elif k == "commission" and "tiers" in c:
                for t in c["tiers"]:
                    if c.get("tiers_on") == "attainment":
                        att[c["metric"]].add(_level(t["from"]))
                    else:
                        val[c["metric"]].add(float(t["from"]))
            elif k == "penalty":
                free = float(c.get("free", 0))
                val[c["metric"]].add(free)
                if c.get("cap"):
                    val[c["metric"]].add(free + float(c["cap"]) / float(c["per_unit"]))
        for g in p.get("gates") or []:
            add_cond(g["when"])
        for mod in p.get("modifiers") or []:
            add_curve(mod["metric"], mod.get("basis"), mod["curve"])
    return att, val


def used_metrics(obj: Any) -> set[str]:
    """Every metric a plan or scheme mapping mentions (``metric:`` values and scorecard KPI keys)."""
    out: set[str] = set()
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "metric":
                out.add(v)
            elif k == "kpis":
                out.update(v)
            out |= used_metrics(v)
    elif isinstance(obj, list):
        for v in obj:
            out |= used_metrics(v)
    return out


def _level(x: float) -> str:
    """The decimal text of a level drawn from ATT_LEVELS (as a string, for exact Fractions)."""
    for s in ATT_LEVELS:
        if float(s) == float(x):
            return s
    return repr(float(x))


@st.composite
def fact_values(draw, metric: str, tgt: float, att: set[str], val: set[float]) -> float:
    """A fact for ``metric``: a boundary (exact), a boundary nudged, zero or a random float."""
    boundary = [f for f in (exact_fact(s, tgt) for s in sorted(att)) if f is not None] + sorted(val)
    choice = draw(_sampled(["boundary", "boundary", "near", "zero", "random"]) if boundary
                  else _sampled(["zero", "random"]))
    if choice == "boundary":
        return draw(_sampled(boundary))
    if choice == "near":
        b = draw(_sampled(boundary))
        eps = 1e-6 * max(1.0, abs(b))
        return max(0.0, b + draw(_sampled([-eps, eps, -0.5, 0.5])))
    if choice == "zero":
        return 0.0
    hi = 2.5 * tgt if metric != "crm_quality" else 1.0
    return draw(st.floats(0, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False).map(lambda v: round(v, 6)))


@st.composite
def rows_for(draw, plan_dict: dict, min_rows: int = 1, max_rows: int = 6) -> list[dict]:
    """Rows for ``plan_dict``: unique (rep_id, period), optional team/role/plan_<metric>/base/target_bonus."""
    att, val = _plan_levels(plan_dict)
    used = used_metrics(plan_dict)
    scheme = "plans" in plan_dict
    keys = draw(st.lists(st.tuples(_sampled(["R1", "R2", "R3", "R4", "007"]),
                                   _sampled(["2026-01", "2026-02"])),
                         min_size=min_rows, max_size=max_rows, unique=True))
    with_team = draw(_BOOL)
    overrides = draw(st.lists(_sampled(METRICS), max_size=3, unique=True))
    with_base = draw(_BOOL)
    with_tb = draw(_BOOL)
    rows = []
    for rep, period in keys:
        row: dict[str, Any] = {"rep_id": rep, "period": period}
        if scheme:
            row["role"] = draw(_sampled(sorted(plan_dict["plans"])))
        if with_team:
            row["team"] = draw(_sampled(["A", "B"]))
        plan = plan_dict["plans"][row["role"]] if scheme else plan_dict
        for m in METRICS:
            tgt = float(plan["targets"][m])
            if m in overrides:
                ov = draw(_sampled(TARGETS[m] + [None]))  # None = empty cell -> plan's target
                row["plan_" + m] = float("nan") if ov is None else float(ov)
                if ov is not None:
                    tgt = float(ov)
            # metrics the plan never reads get a fixed value (fewer draws, faster examples)
            row[m] = draw(fact_values(m, tgt, att[m], val[m])) if m in used else 1.0
        if with_base:
            b = draw(_sampled([None, 0, 45000, 70000.25]))
            row["base"] = float("nan") if b is None else float(b)
        if with_tb:
            t = draw(_sampled([None, 0, 10000, 50000]))
            row["target_bonus"] = float("nan") if t is None else float(t)
        rows.append(row)
    return rows
