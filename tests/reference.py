"""A per-row reference evaluator (the test oracle), written from the contract alone.

This file follows ``/work/shared/design/plan-format.md`` section by section, in
plain Python (no numpy, no pandas) and as literally as possible, so that it can
be read next to the contract and checked line by line. It works straight from
the plan *mapping* (what ``yaml.safe_load`` gives), never from the
``kpilab.Plan`` object, and on one row at a time (a ``dict``).

It does not validate: it assumes a valid plan and valid data. Its only job is
to say what the numbers must be.

Public functions
----------------
reference_row(plan_dict, row, team_rows=None) -> dict[column, float]
reference_table(plan_dict, rows) -> list[dict[column, float]]

Both accept a scheme mapping (``{scheme: ..., plans: {role: plan}}``) too; the
row's ``role`` then selects the plan (section 7).
"""

from __future__ import annotations

import calendar
import datetime
import math
from typing import Any

RESERVED_LIMIT_FLOOR_NONE = ("none", None)


# ----------------------------------------------------------------------------- helpers


def _empty(v: Any) -> bool:
    """An empty cell: missing, None, NaN or blank text (section 1: 'use the plan's value')."""
    if v is None:
        return True
    if isinstance(v, str):
        return v.strip() == ""
    try:
        return math.isnan(float(v))
    except (TypeError, ValueError):
        return False


def is_scheme(plan_dict: dict) -> bool:
    """True for a scheme mapping ``{scheme: NAME, plans: {role: plan}}``."""
    return "scheme" in plan_dict and "plans" in plan_dict


def plan_for_row(plan_dict: dict, row: dict) -> dict:
    """Section 7: in a scheme, the row's ``role`` names its plan."""
    if is_scheme(plan_dict):
        return plan_dict["plans"][row["role"]]
    return plan_dict


def row_base(plan: dict, row: dict) -> float:
    """Section 1: a non-empty ``base`` cell overrides the plan's ``base`` (default 0)."""
    if "base" in row and not _empty(row["base"]):
        return float(row["base"])
    return float(plan.get("base", 0) or 0)


def row_target_bonus(plan: dict, row: dict) -> float:
    """Section 1: a non-empty ``target_bonus`` cell overrides the plan's (default 0)."""
    if "target_bonus" in row and not _empty(row["target_bonus"]):
        return float(row["target_bonus"])
    return float(plan.get("target_bonus", 0) or 0)


def target(plan: dict, row: dict, metric: str) -> float:
    """Section 2: the row's ``plan_<metric>`` if present and not empty, else ``targets[metric]``."""
    key = "plan_" + metric
    if key in row and not _empty(row[key]):
        return float(row[key])
    return float(plan["targets"][metric])


def attainment(plan: dict, row: dict, metric: str) -> float:
    """Section 2: fact / target."""
    return float(row[metric]) / target(plan, row, metric)


def reading(plan: dict, row: dict, metric: str, basis: str | None) -> float:
    """Section 5 ``basis``: ``attainment`` (default) or ``value`` (the raw number)."""
    if basis == "value":
        return float(row[metric])
    return attainment(plan, row, metric)


# ----------------------------------------------------------------------------- curves (section 3)


def reaches(x: float, t: float) -> bool:
    """The boundary rule of the contract's additions: x reaches t when x >= t - 1e-9 * max(1, |t|)
    (a year-to-date mean such as (0.5 + 0.95 + 0.95) / 3 reaches 0.8)."""
    return x >= t - 1e-9 * max(1.0, abs(t))


def curve(spec: dict | None, x: float) -> float:
    """Evaluate a curve mapping ``{points|steps: [[x, y], ...], below, extend, closed}`` at x.

    ``None`` is the identity (used for a scorecard without ``index_curve``).
    """
    if spec is None:
        return x
    below = float(spec.get("below", 0) or 0)
    if "points" in spec:
        pts = [(float(a), float(b)) for a, b in spec["points"]]
        if not reaches(x, pts[0][0]):
            return below
        x = max(x, pts[0][0])
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            if x0 <= x <= x1:
                return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        # x > x_last
        x_last, y_last = pts[-1]
        if spec.get("extend", False) and len(pts) >= 2:
            x_prev, y_prev = pts[-2]
            slope = (y_last - y_prev) / (x_last - x_prev)
            return y_last + slope * (x - x_last)
        return y_last
    steps = [(float(a), float(b)) for a, b in spec["steps"]]
    closed_right = spec.get("closed", "left") == "right"
    y = below
    for xi, yi in steps:
        reached = (x > xi + 1e-9 * max(1.0, abs(xi))) if closed_right else reaches(x, xi)
        if reached:
            y = yi
    return y


# ----------------------------------------------------------------------------- components (section 5)


def pay_amount(comp: dict, tb: float) -> float:
    """``amount`` is absolute; ``share`` is a fraction of the row's target_bonus."""
    if "amount" in comp and comp["amount"] is not None:
        return float(comp["amount"])
    return float(comp["share"]) * tb


def commission(plan: dict, row: dict, comp: dict) -> float:
    """Section 5, commission: rate, or marginal / retroactive tiers on value or attainment; cap."""
    value = float(row[comp["metric"]])
    if "rate" in comp and comp["rate"] is not None:
        raw = value * float(comp["rate"])
    else:
        tiers = comp["tiers"]
        starts = [float(t["from"]) for t in tiers]
        if comp.get("tiers_on", "value") == "attainment":
            tgt = target(plan, row, comp["metric"])
            starts = [s * tgt for s in starts]
        rates = [float(t["rate"]) for t in tiers]
        if comp.get("method", "marginal") == "retroactive":
            raw = 0.0
            for s, r in zip(starts, rates):
                if value >= s:
                    raw = value * r
        else:
            raw = 0.0
            for i, (s, r) in enumerate(zip(starts, rates)):
                end = starts[i + 1] if i + 1 < len(starts) else math.inf
                slice_ = min(value, end) - s
                if slice_ > 0:
                    raw += slice_ * r
    if comp.get("cap") is not None:
        raw = min(raw, float(comp["cap"]))
    return raw


def team_attainment(row: dict, team_rows: list[dict], plan_dict: dict, metric: str) -> float:
    """Σ fact / Σ target over the rows of the same team and period (and scenario).

    Each row counts with its own target (in a scheme, its own role's plan).
    ``team_rows`` must already be those rows (the row itself included).
    """
    facts = 0.0
    targets = 0.0
    for r in team_rows:
        p = plan_for_row(plan_dict, r)
        facts += float(r[metric])
        targets += target(p, r, metric)
    return facts / targets


def raw_pay(plan_dict: dict, plan: dict, row: dict, comp: dict, tb: float,
            team_rows: list[dict] | None) -> float:
    """Step 2 of section 7: one component's raw pay."""
    kind = comp["kind"]
    if kind == "bonus":
        return pay_amount(comp, tb) * curve(comp["curve"], reading(plan, row, comp["metric"], comp.get("basis")))
    if kind == "scorecard":
        index = 0.0
        for metric, kpi in comp["kpis"].items():
            index += float(kpi["weight"]) * curve(kpi["curve"], reading(plan, row, metric, kpi.get("basis")))
        return pay_amount(comp, tb) * curve(comp.get("index_curve"), index)
    if kind == "commission":
        return commission(plan, row, comp)
    if kind == "team":
        rows = team_rows if team_rows is not None else [row]
        return pay_amount(comp, tb) * curve(comp["curve"], team_attainment(row, rows, plan_dict, comp["metric"]))
    if kind == "penalty":
        units = float(row[comp["metric"]])
        deduction = float(comp["per_unit"]) * max(0.0, units - float(comp.get("free", 0) or 0))
        if comp.get("cap") is not None:
            deduction = min(deduction, float(comp["cap"]))
        return -deduction
    raise ValueError(f"unknown kind {kind!r}")


# ----------------------------------------------------------------------------- gates and modifiers (section 6)


def condition(plan: dict, row: dict, cond: dict) -> bool:
    """A gate's CONDITION. Every branch of all/any is evaluated (used or not)."""
    if "all" in cond:
        results = [condition(plan, row, c) for c in cond["all"]]
        return all(results)
    if "any" in cond:
        results = [condition(plan, row, c) for c in cond["any"]]
        return any(results)
    metric = cond["metric"]
    if "attainment_at_least" in cond:
        return reaches(attainment(plan, row, metric), float(cond["attainment_at_least"]))
    if "at_least" in cond:
        return reaches(float(row[metric]), float(cond["at_least"]))
    if "at_most" in cond:
        return float(row[metric]) <= float(cond["at_most"]) + 1e-9 * max(1.0, abs(float(cond["at_most"])))
    raise ValueError(f"unknown condition {cond!r}")


def applies(applies_to: Any, comp: dict) -> bool:
    """``all`` means every non-penalty component; a list names them."""
    if comp["kind"] == "penalty":
        return False
    if applies_to == "all":
        return True
    return comp["name"] in applies_to


# ----------------------------------------------------------------------------- one row (section 7)


def reference_row(plan_dict: dict, row: dict, team_rows: list[dict] | None = None, *,
                  raw: Any = None, settle: Any = None) -> dict[str, float]:
    """The payout of one row, following section 7 step by step.

    Parameters
    ----------
    plan_dict
        A plan mapping, or a scheme mapping (the row's ``role`` picks the plan).
    row
        One input row: ``{column: value}``.
    team_rows
        For ``team`` components: every row of the same team and period (and
        scenario), this row included. ``None`` = this row alone.
    raw, settle
        Pay across months (section 10, see :func:`reference_periods`): ``raw(comp)`` gives a
        component's raw pay read on its period's totals (None = read this row), and
        ``settle(pay)`` changes the pay after gates and modifiers (a period part pays only in
        its closing month; a true-up pays its settlement).

    Returns
    -------
    dict
        ``base``, one entry per component of the row's plan, ``cap_adjustment``,
        ``floor_adjustment``, ``variable``, ``total``.
    """
    plan = plan_for_row(plan_dict, row)
    comps = plan.get("components") or []
    tb = row_target_bonus(plan, row)

    # 1. base
    base = row_base(plan, row)

    # 2. each component's raw pay
    pay = {}
    for c in comps:
        own = raw(c) if raw is not None else None
        pay[c["name"]] = own if own is not None else raw_pay(plan_dict, plan, row, c, tb, team_rows)

    # 3. gates (zero), then modifiers (multiply), in file order
    for gate in plan.get("gates") or []:
        if not condition(plan, row, gate["when"]):
            for c in comps:
                if applies(gate["applies_to"], c):
                    pay[c["name"]] = 0.0
    for mod in plan.get("modifiers") or []:
        factor = curve(mod["curve"], reading(plan, row, mod["metric"], mod.get("basis")))
        for c in comps:
            if applies(mod["applies_to"], c):
                pay[c["name"]] = pay[c["name"]] * factor

    if settle is not None:
        settle(pay)

    # 4. earned and cap_adjustment
    earned = sum(pay[c["name"]] for c in comps if c["kind"] != "penalty")
    limits = plan.get("limits") or {}
    cap = limits.get("variable_cap")
    if cap is None:
        cap_adjustment = 0.0
    elif isinstance(cap, dict):
        cap_adjustment = min(0.0, float(cap["share"]) * tb - earned)
    else:
        cap_adjustment = min(0.0, float(cap) - earned)

    # 5. penalties (negative)
    penalties = sum(pay[c["name"]] for c in comps if c["kind"] == "penalty")

    # 6. floor
    floor_spec = limits.get("floor", "base")
    if floor_spec in RESERVED_LIMIT_FLOOR_NONE:
        floor_adjustment = 0.0
    else:
        floor = base if floor_spec == "base" else float(floor_spec)
        floor_adjustment = max(0.0, floor - (base + earned + cap_adjustment + penalties))

    # 7. total, variable
    total = base + earned + cap_adjustment + penalties + floor_adjustment
    out = {"base": base}
    out.update(pay)
    out.update({"cap_adjustment": cap_adjustment, "floor_adjustment": floor_adjustment,
                "variable": total - base, "total": total})
    return out


def team_key(row: dict) -> tuple:
    """Rows of the same team (absent = one team), period and scenario."""
    return (row.get("scenario"), row.get("team"), row["period"])


def reference_table(plan_dict: dict, rows: list[dict]) -> list[dict[str, float]]:
    """``reference_row`` for every row, in input order, with each row's team rows passed in."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault(team_key(r), []).append(r)
    return [reference_row(plan_dict, r, groups[team_key(r)]) for r in rows]


# ----------------------------------------------------------------------------- pay across months (section 10)

PERIOD_LENGTH = {"month": 1, "quarter": 3, "year": 12}


def month_number(label: str) -> int:
    """``2026-03`` -> 2026 * 12 + 2."""
    year, month = label.split("-")
    return int(year) * 12 + int(month) - 1


def _cell(row: dict, column: str, default: float) -> float:
    return default if column not in row or _empty(row[column]) else float(row[column])


def _date(value: Any) -> datetime.date | None:
    return None if _empty(value) else datetime.date.fromisoformat(str(value)[:10])


def _days_by_dates(rule: dict, row: dict) -> tuple[float, float] | None:
    """Days worked and days in the month between ``hire_date`` and ``leave_date``, counted one day at a time:
    every day (calendar), or Monday to Friday less the plan's holidays (working); None for a whole month."""
    year, month = (int(x) for x in row["period"].split("-"))
    days = [datetime.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
    hired, left = _date(row.get("hire_date")), _date(row.get("leave_date"))
    if (hired is None or hired <= days[0]) and (left is None or left >= days[-1]):
        return None
    if rule.get("days", "calendar") == "working":
        holidays = {datetime.date.fromisoformat(str(h)) for h in rule.get("holidays") or []}
        days = [d for d in days if d.weekday() < 5 and d not in holidays]
    worked = [d for d in days if (hired is None or d >= hired) and (left is None or d <= left)]
    return float(len(worked)), float(len(days))


def _tenure_of(row: dict) -> float:
    """``tenure_months``, else the months since ``hire_date`` (0 in the month of hire), else past any ramp."""
    if "tenure_months" in row:
        return _cell(row, "tenure_months", math.inf)
    hired = _date(row.get("hire_date"))
    if hired is None:
        return math.inf
    return float(month_number(row["period"]) - (hired.year * 12 + hired.month - 1))


def _row_local(plan: dict, row: dict) -> dict:
    """Proration and the ramp, as the contract's additions say: salary × days worked / days in the period
    (the days columns where the row gives them, else from hire and leave dates); every target × that
    share × the ramp's factor for the row's tenure month."""
    out = dict(row)
    share = 1.0
    if plan.get("proration") is not None:
        if not _empty(row.get("days_worked")):
            share = float(row["days_worked"]) / float(row["days_in_period"])
        else:
            by_dates = _days_by_dates(plan["proration"], row)
            if by_dates is not None:
                share = by_dates[0] / by_dates[1]
    factor = share
    ramp = plan.get("ramp")
    if ramp is not None:
        tenure = _tenure_of(row)
        if tenure < len(ramp["schedule"]):  # tenure_months: whole months before this one (0 = the first)
            factor *= float(ramp["schedule"][int(tenure)])
    if share != 1.0:
        out["base"] = row_base(plan, row) * share
    if factor != 1.0:
        metrics = set((plan.get("targets") or {})) | {k[5:] for k in row if k.startswith("plan_")}
        for m in metrics:
            if f"plan_{m}" in row and not _empty(row[f"plan_{m}"]) or m in (plan.get("targets") or {}):
                out[f"plan_{m}"] = target(plan, row, m) * factor
    return out


def _aggregate(values: list[float], how: str) -> float:
    if how == "mean":
        return sum(values) / len(values)
    if how == "last":
        return values[-1]
    if how == "min":
        return min(values)
    if how == "max":
        return max(values)
    return sum(values)


def _metrics_of(comp: dict) -> list[str]:
    return list(comp["kpis"]) if comp["kind"] == "scorecard" else [comp["metric"]]


def reference_periods(plan_dict: dict, rows: list[dict]) -> list[dict[str, float]]:
    """The payout table of a plan that pays across months, one (scenario, rep) history at a time.

    Plain Python, month after month in calendar order, from the additions to the contract:

    1. proration and ramp scale the row's salary and targets;
    2. a component with ``period: quarter | year`` reads its period's totals so far (``aggregation``:
       sum, mean, last, min or max of the months; targets the same way; a share × the period's target
       bonuses; an amount per period) and pays only in the period's closing month; with ``true_up`` it
       reads the year's totals so far, its amount (and a value-tiered commission's tiers and cap) ×
       the periods closed this year, and pays that minus what it already paid this year (never below
       zero unless ``allow_negative``);
    3. section 7 (gates and modifiers on the month's own row);
    4. the ramp's guarantee, the sanction cut, the holdback, the clawback, the draw.
    """
    versions = plan_dict.get("versions")
    starts = [month_number(v["from"]) for v in versions] if versions else [-10**9]

    def version_index(r: dict) -> int:
        return max(i for i, s in enumerate(starts) if s <= month_number(r["period"]))

    def dict_of(r: dict) -> dict:
        """The plan mapping in force for the row (a version's plan or scheme), as reference_row takes it."""
        return versions[version_index(r)]["plan"] if versions else plan_dict

    plan_of = lambda r: plan_for_row(dict_of(r), r)  # noqa: E731
    histories: dict[tuple, list[int]] = {}
    for i, r in enumerate(rows):
        histories.setdefault((r.get("scenario"), r["rep_id"]), []).append(i)
    local = [_row_local(plan_of(r), r) for r in rows]
    results: list[dict[str, float] | None] = [None] * len(rows)
    for positions in histories.values():
        positions.sort(key=lambda i: month_number(rows[i]["period"]))
        paid: dict[tuple, tuple[int, float]] = {}    # true-up, by (version, component): (year, paid this year)
        held: list[tuple[int, float]] = []           # holdback: (month due, amount)
        pool = outstanding = 0.0                     # holdback on collection: held, revenue not yet collected
        clawback_owed = 0.0
        draw_owed = 0.0
        seen: list[int] = []
        # clawback on earnings: the cancellations of each booked month (cancelled_period, else the row's own)
        cancels: dict[int, list[int]] = {}
        by_month = {month_number(rows[i]["period"]): i for i in positions}
        for i in positions:
            if _cell(rows[i], "cancelled_revenue", 0.0) > 0:
                when = rows[i].get("cancelled_period")
                booked = by_month[month_number(when)] if not _empty(when) else i
                cancels.setdefault(booked, []).append(i)
        earned_by: dict[int, float] = {}             # cancelling row -> what its revenue earned
        for i in positions:
            row, plan = local[i], plan_of(rows[i])
            m = month_number(row["period"])
            vi = version_index(rows[i]) if versions else 0
            v_start = starts[vi] if versions else -10**9
            v_end = starts[vi + 1] - 1 if versions and vi + 1 < len(starts) else None
            seen = [j for j in seen if (version_index(rows[j]) if versions else 0) == vi]
            seen.append(i)
            comps = {c["name"]: c for c in plan.get("components") or []}
            agg = plan.get("aggregation") or {}

            def period_rows(comp: dict) -> list[dict]:
                # a true-up reads the year so far; a quarterly or annual part its quarter or year so far
                length = 12 if comp.get("true_up", False) is not False else PERIOD_LENGTH[comp.get("period", "month")]
                start = max(m - m % length, v_start)  # a version reads its own months only
                return [local[j] for j in seen if start <= month_number(rows[j]["period"]) <= m]

            def closing(comp: dict) -> bool:
                # its period's last month, or its version's last month
                return (m % 12 + 1) % PERIOD_LENGTH[comp.get("period", "month")] == 0 or m == v_end

            def carried(comp: dict) -> bool:
                return comp.get("period", "month") != "month" or comp.get("true_up", False) is not False

            def raw(comp: dict, less: float = 0.0) -> float | None:
                if not carried(comp):
                    return None
                rs = period_rows(comp)
                ptd = {"rep_id": row["rep_id"], "period": row["period"]}
                for metric in _metrics_of(comp):
                    how = agg.get(metric, "sum")
                    ptd[metric] = _aggregate([float(r[metric]) for r in rs], how)
                    if metric == "revenue" and how == "sum":
                        ptd[metric] = max(0.0, ptd[metric] - less)
                    if metric in (plan.get("targets") or {}) or f"plan_{metric}" in row:
                        try:
                            ptd[f"plan_{metric}"] = _aggregate([target(plan, r, metric) for r in rs], how)
                        except KeyError:
                            pass
                ptd["target_bonus"] = sum(row_target_bonus(plan, r) for r in rs)
                c = dict(comp)
                every = PERIOD_LENGTH[comp.get("period", "month")]
                first = max(m - m % 12, v_start)
                if versions and comp.get("true_up", False) is False and every == 12 and c.get("amount") is not None:
                    c["amount"] = float(c["amount"]) * (m - first + 1) / 12  # a year cut by a version
                if comp.get("true_up", False) is not False:
                    k = (m - first + 1) / every
                    if c.get("amount") is not None:
                        c["amount"] = float(c["amount"]) * k
                    if c["kind"] == "commission":
                        if c.get("tiers") and c.get("tiers_on", "value") == "value":
                            c["tiers"] = [{**t, "from": float(t["from"]) * k} for t in c["tiers"]]
                        if c.get("cap") is not None:
                            c["cap"] = float(c["cap"]) * k
                return raw_pay(dict_of(rows[i]), plan, ptd, c, ptd["target_bonus"], None)

            def settle(pay: dict, commit: bool = True) -> None:
                for name, comp in comps.items():
                    if not carried(comp):
                        continue
                    if not closing(comp):
                        pay[name] = 0.0
                        continue
                    mode = comp.get("true_up", False)
                    if mode is False:
                        continue
                    year, before = paid.get((vi, name), (m // 12, 0.0))
                    before = before if year == m // 12 else 0.0
                    due = pay[name] - before
                    if mode is True:
                        due = max(0.0, due)
                    if commit:
                        paid[(vi, name)] = (m // 12, before + due)
                    pay[name] = due

            # what each cancellation of this month's revenue earned: the month paid again without it
            for j in cancels.get(i, []):
                less = _cell(rows[j], "cancelled_revenue", 0.0)
                cut = {**row, "revenue": max(0.0, float(row.get("revenue", 0.0)) - less)} if "revenue" in row else row
                again = reference_row(dict_of(rows[i]), cut, None, raw=lambda comp, less=less: raw(comp, less),
                                      settle=lambda pay: settle(pay, commit=False))
                earned_by[j] = again["variable"]
            out = reference_row(dict_of(rows[i]), row, None, raw=raw, settle=settle)
            for j in cancels.get(i, []):
                earned_by[j] = max(0.0, out["variable"] - earned_by[j])
            variable = out["variable"]
            base = out["base"]
            # 4. the ramp's guaranteed bonus, in the ramp's months
            ramp = plan.get("ramp")
            guarantee = float((ramp or {}).get("guarantee", 0) or 0)
            if guarantee > 0:  # a ramp without a guarantee only scales targets (no column)
                top = 0.0
                if _tenure_of(row) < len(ramp["schedule"]):
                    top = max(0.0, guarantee - variable)
                out["ramp_guarantee"] = top
                variable += top
            # 5. the sanction cut: the month's bonus only, at most limit × wage (or salary)
            sanction = plan.get("sanction")
            if sanction is not None:
                count = _cell(row, "sanction", 0.0)
                bonus = max(variable, 0.0)
                wage = base + bonus if sanction.get("limit_of", "wage") == "wage" else base
                cut = min(float(sanction.get("per_sanction", 1.0)) * count * bonus,
                          float(sanction.get("limit", 0.2)) * wage, bonus)
                out["sanction_cut"] = -cut
                variable -= cut
            # 6. the holdback: share of the bonus held, released after N months
            holdback = plan.get("holdback")
            if holdback is not None or held or pool > 0 or outstanding > 0:
                # what was held is released by the rule it was held under, after a change of plan too
                released = sum(a for due, a in held if due <= m)
                held = [(due, a) for due, a in held if due > m]
                keep = float(holdback["share"]) * max(variable, 0.0) if holdback is not None else 0.0
                on_collection = holdback is not None and holdback.get("release_on") == "collection"
                if on_collection:
                    pool += keep
                elif keep > 0:
                    held.append((m + int(holdback["release_after"]), keep))
                if on_collection or pool > 0 or outstanding > 0:
                    # the pool is paid in the share of the outstanding revenue collected this month
                    open_revenue = outstanding + (_cell(row, "revenue", 0.0) if on_collection else 0.0)
                    got = _cell(row, "collected_revenue", 0.0)
                    freed = pool * (min(1.0, got / open_revenue) if open_revenue > 0 else 1.0)
                    pool -= freed
                    outstanding = max(0.0, open_revenue - got)
                    released += freed
                out["holdback"] = released - keep
                out["holdback_balance"] = sum(a for _, a in held) + pool
                variable += released - keep
            # 7. the clawback: recovered from variable pay only, never below salary or floor
            clawback = plan.get("clawback")
            if clawback is not None or clawback_owed > 0:  # what is owed is recovered across a plan change too
                if clawback is None:
                    pass
                elif clawback.get("basis") == "earnings":
                    clawback_owed += earned_by.get(i, 0.0)
                else:
                    clawback_owed += float(clawback["rate"]) * _cell(row, "cancelled_revenue", 0.0)
                floor_spec = (plan.get("limits") or {}).get("floor", "base")
                floor = float(floor_spec) if floor_spec not in ("base", None, "none") else 0.0
                available = max(0.0, variable - max(0.0, floor - base))
                recovered = min(clawback_owed, available)
                clawback_owed -= recovered
                out["clawback"] = -recovered
                out["clawback_balance"] = clawback_owed
                variable -= recovered
            # 8. the draw
            draw = plan.get("draw")
            if draw is not None:
                recoverable = draw.get("recoverable", True)
                owed = draw_owed if recoverable else 0.0
                pay_now = max(float(draw["amount"]), variable - owed)
                draw_owed = owed + pay_now - variable if recoverable else 0.0
                out["draw_adjustment"] = pay_now - variable
                out["draw_balance"] = draw_owed
                variable = pay_now
            out["variable"] = variable
            out["total"] = base + variable
            results[i] = out
    return results  # type: ignore[return-value]
