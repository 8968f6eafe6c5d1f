"""Pay across months (contract section 10, "Pay across months"): what a plan says about time.

A plan without any key of this module pays every rep-month on its own, exactly
as sections 1-9 say. The keys here switch on the period-aware pass of
:mod:`kpilab.engine.periods`:

component keys (beside ``name`` and ``kind``)
    ``period``   ``month`` (default), ``quarter`` or ``year``: the component reads
                 the period's totals and pays in the period's closing month.
    ``true_up``  ``false`` (default), ``true`` (settle to date: pay the
                 entitlement on the year-to-date totals minus what it already
                 paid this year, never negative) or ``allow_negative`` (the same,
                 and a negative settlement is paid back).

plan keys
    ``aggregation`` ``{metric: sum | mean | last | min | max}``: how a metric's
                 months make a period total (default ``sum``, for flows).
    ``draw``     ``{amount, recoverable}``: a monthly draw against variable pay.
    ``sanction`` ``{per_sanction, limit, limit_of}``: the lawful bonus cut of the
                 month of a disciplinary sanction (column ``sanction``).
    ``clawback`` ``{rate}`` or ``{basis: earnings}``: cancelled revenue reverses
                 pay (column ``cancelled_revenue``): rate × the amount, or what that
                 revenue earned (the month paid again without it).
    ``holdback`` ``{share, release_after}`` or ``{share, release_on: collection}``:
                 part of the bonus paid N months later, or as the revenue is
                 collected (column ``collected_revenue``).
    ``proration`` ``{days, holidays}``: salary and targets for the days worked
                 (columns ``days_worked``, ``days_in_period``, or ``hire_date`` and
                 ``leave_date`` counted in calendar or working days).
    ``ramp``     ``{schedule, guarantee}``: newcomers' targets scaled by tenure
                 month (column ``tenure_months``, or months since ``hire_date``),
                 with a guaranteed bonus.

Each class checks itself on construction, like every part of a plan.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..i18n.messages import msg, names_list
from ._base import FrozenMap, Problems, _check_number, _fmt, _is_number, _join, _num_out, _raise, _suggest

PERIOD_KINDS = ("month", "quarter", "year")
AGGREGATIONS = ("sum", "mean", "last", "min", "max")
TRUE_UP_VALUES = (False, True, "allow_negative")
#: Labour Code art. 135 (as amended by 144-FZ): a bonus cut for a sanction is at most 20 % of the month's wage.
SANCTION_LEGAL_LIMIT = 0.2
SANCTION_BASES = ("wage", "base")
PRORATION_DAYS = ("calendar", "working")
CLAWBACK_BASES = ("rate", "earnings")
HOLDBACK_RELEASES = ("collection",)
#: Keys that would carry a sanction into another month: refused by name, with the reason.
_SANCTION_CARRY_KEYS = ("carry", "carry_over", "carry_forward", "months", "spread")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True

COMPONENT_KEYS = frozenset({"period", "true_up"})
PLAN_KEYS = frozenset({"aggregation", "draw", "sanction", "clawback", "holdback", "proration", "ramp"})

#: Extra input columns a mechanic reads (all optional per row unless the mechanic is on).
SANCTION_COLUMN = "sanction"
CANCELLED_COLUMN = "cancelled_revenue"
DAYS_WORKED_COLUMN = "days_worked"
DAYS_IN_PERIOD_COLUMN = "days_in_period"
TENURE_COLUMN = "tenure_months"
COLLECTED_COLUMN = "collected_revenue"
CANCELLED_PERIOD_COLUMN = "cancelled_period"
HIRE_DATE_COLUMN = "hire_date"
LEAVE_DATE_COLUMN = "leave_date"
#: The metric whose collection releases a holdback (``release_on: collection``) and that a clawback on
#: earnings takes the cancelled revenue from.
REVENUE_METRIC = "revenue"


@dataclass(frozen=True)
class Timing:
    """When one component pays: its ``period`` and whether it settles to date (``true_up``)."""

    period: str = "month"
    true_up: bool | str = False

    def problems(self, path: str) -> Problems:
        out: Problems = []
        if self.period not in PERIOD_KINDS:
            out.append((_join(path, "period"), msg("plan_errors.period_kind", value=_fmt(self.period),
                                                   suggestion=_suggest(self.period, PERIOD_KINDS))))
        if not any(self.true_up is v or self.true_up == v and isinstance(v, str) for v in TRUE_UP_VALUES):
            out.append((_join(path, "true_up"), msg("plan_errors.true_up", value=_fmt(self.true_up))))
        return out

    @property
    def carried(self) -> bool:
        return self.period != "month" or self.true_up is not False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.period != "month":
            out["period"] = self.period
        if self.true_up is not False:
            out["true_up"] = self.true_up
        return out


@dataclass(frozen=True)
class Draw:
    """A monthly draw: variable pay is at least ``amount``; a recoverable draw is repaid from later excess."""

    amount: float
    recoverable: bool = True

    def problems(self, path: str) -> Problems:
        out: Problems = []
        _check_number(out, _join(path, "amount"), self.amount, minimum=0.0, strict=True, what="draw amount")
        if not isinstance(self.recoverable, bool):
            out.append((_join(path, "recoverable"), msg("plan_errors.true_or_false", value=_fmt(self.recoverable))))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"amount": _num_out(self.amount), "recoverable": self.recoverable}


@dataclass(frozen=True)
class Sanction:
    """The lawful bonus cut (a bonus reduction, not a fine) of the month of a sanction.

    Each sanction counted in the row's ``sanction`` column cuts ``per_sanction``
    of that month's bonus; the cut is at most ``limit`` × the month's wage
    (``limit_of: wage``, salary + bonus before the cut) or salary (``base``),
    never more than the bonus, and never carried to another month.
    """

    per_sanction: float = 1.0
    limit: float = SANCTION_LEGAL_LIMIT
    limit_of: str = "wage"

    def problems(self, path: str) -> Problems:
        out: Problems = []
        _check_number(out, _join(path, "per_sanction"), self.per_sanction, minimum=0.0, strict=True,
                      what="per_sanction")
        if _is_number(self.per_sanction) and self.per_sanction > 1:
            out.append((_join(path, "per_sanction"), msg("plan_errors.per_sanction_share",
                                                         value=_fmt(self.per_sanction))))
        _check_number(out, _join(path, "limit"), self.limit, minimum=0.0, what="limit")
        if _is_number(self.limit) and self.limit > SANCTION_LEGAL_LIMIT + 1e-12:
            out.append((_join(path, "limit"), msg("plan_errors.sanction_law", value=_fmt(self.limit))))
        if self.limit_of not in SANCTION_BASES:
            out.append((_join(path, "limit_of"), msg("plan_errors.limit_of", value=_fmt(self.limit_of),
                                                     suggestion=_suggest(self.limit_of, SANCTION_BASES))))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"per_sanction": _num_out(self.per_sanction), "limit": _num_out(self.limit),
                "limit_of": self.limit_of}


@dataclass(frozen=True)
class Clawback:
    """Cancelled revenue reverses pay, recovered from this and later variable pay only.

    ``basis: rate`` (the default) owes ``rate`` × the cancelled amount; ``basis: earnings`` owes what that
    revenue earned: the month's pay of section 7 minus the same month paid again with its revenue less
    the cancelled amount (no ``rate``).
    """

    rate: float | None = None
    basis: str = "rate"

    def problems(self, path: str) -> Problems:
        out: Problems = []
        if self.basis not in CLAWBACK_BASES:
            out.append((_join(path, "basis"), msg("plan_errors.clawback_basis", value=_fmt(self.basis),
                                                  suggestion=_suggest(self.basis, CLAWBACK_BASES))))
        elif self.basis == "earnings":
            if self.rate is not None:
                out.append((_join(path, "rate"), msg("plan_errors.clawback_rate_with_earnings")))
        elif self.rate is None:
            out.append((_join(path, "rate"), msg("plan_errors.clawback_rate_required")))
        else:
            _check_number(out, _join(path, "rate"), self.rate, minimum=0.0, strict=True, what="clawback rate")
        return out

    def to_dict(self) -> dict[str, Any]:
        if self.basis == "earnings":
            return {"basis": "earnings"}
        return {"rate": _num_out(self.rate)}


@dataclass(frozen=True)
class Holdback:
    """``share`` of each month's bonus is held and paid ``release_after`` months later, or, with
    ``release_on: collection``, in the proportion of the outstanding revenue collected each month."""

    share: float
    release_after: int | None = None
    release_on: str | None = None

    def problems(self, path: str) -> Problems:
        out: Problems = []
        _check_number(out, _join(path, "share"), self.share, minimum=0.0, strict=True, what="holdback share")
        if _is_number(self.share) and self.share > 1:
            out.append((_join(path, "share"), msg("plan_errors.holdback_share", value=_fmt(self.share))))
        if self.release_on is not None:
            if self.release_on not in HOLDBACK_RELEASES:
                out.append((_join(path, "release_on"), msg("plan_errors.release_on", value=_fmt(self.release_on),
                                                           suggestion=_suggest(self.release_on, HOLDBACK_RELEASES))))
            if self.release_after is not None:
                out.append((_join(path, "release_after"), msg("plan_errors.release_both")))
        elif self.release_after is None:
            out.append((_join(path, "release_after"), msg("plan_errors.release_required")))
        elif not (isinstance(self.release_after, int) and not isinstance(self.release_after, bool)
                  and 1 <= self.release_after <= 36):
            out.append((_join(path, "release_after"), msg("plan_errors.release_after",
                                                          value=_fmt(self.release_after))))
        return out

    @property
    def on_collection(self) -> bool:
        return self.release_on == "collection"

    def to_dict(self) -> dict[str, Any]:
        if self.on_collection:
            return {"share": _num_out(self.share), "release_on": self.release_on}
        return {"share": _num_out(self.share), "release_after": self.release_after}


@dataclass(frozen=True)
class Proration:
    """Salary and targets × days_worked / days_in_period; ``days`` says which days the columns count, and
    which days ``hire_date``/``leave_date`` are counted in: ``calendar``, or ``working`` (Monday to Friday
    less the ``holidays`` listed, ISO dates; none by default)."""

    days: str = "calendar"
    holidays: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.holidays, list):
            object.__setattr__(self, "holidays", tuple(str(h) if not isinstance(h, str) else h
                                                       for h in self.holidays))

    def problems(self, path: str) -> Problems:
        out: Problems = []
        if self.days not in PRORATION_DAYS:
            out.append((_join(path, "days"), msg("plan_errors.proration_days", value=_fmt(self.days),
                                                 suggestion=_suggest(self.days, PRORATION_DAYS))))
        if not isinstance(self.holidays, tuple):
            out.append((_join(path, "holidays"), msg("plan_errors.holidays_list", value=_fmt(self.holidays))))
            return out
        for i, day in enumerate(self.holidays):
            if not (isinstance(day, str) and _DATE_RE.match(day) and _is_date(day)):
                out.append((f"{_join(path, 'holidays')}[{i}]", msg("plan_errors.holiday_date", value=_fmt(day))))
        if self.holidays and self.days != "working":
            out.append((_join(path, "holidays"), msg("plan_errors.holidays_working")))
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"days": self.days}
        if self.holidays:
            out["holidays"] = list(self.holidays)
        return out


@dataclass(frozen=True)
class Ramp:
    """A newcomer's month with ``tenure_months`` = k (0 in the first month): targets × ``schedule[k]``; the
    bonus at least ``guarantee`` while k < len(schedule)."""

    schedule: tuple[float, ...]
    guarantee: float = 0.0

    def __post_init__(self) -> None:
        if isinstance(self.schedule, list):
            object.__setattr__(self, "schedule", tuple(self.schedule))

    def problems(self, path: str) -> Problems:
        out: Problems = []
        sp = _join(path, "schedule")
        if not isinstance(self.schedule, tuple) or not self.schedule or len(self.schedule) > 36:
            out.append((sp, msg("plan_errors.ramp_schedule", value=_fmt(self.schedule))))
        else:
            for i, factor in enumerate(self.schedule):
                _check_number(out, f"{sp}[{i}]", factor, minimum=0.0, strict=True, what="target factor")
        _check_number(out, _join(path, "guarantee"), self.guarantee, what="guarantee")
        return out

    @property
    def months(self) -> int:
        return len(self.schedule)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"schedule": [_num_out(f) for f in self.schedule]}
        if self.guarantee:
            out["guarantee"] = _num_out(self.guarantee)
        return out


@dataclass(frozen=True)
class PeriodRules:
    """Everything a plan says about time; empty (the default) = every rep-month on its own."""

    timing: Mapping[str, Timing] = field(default_factory=FrozenMap)
    aggregation: Mapping[str, str] = field(default_factory=FrozenMap)
    draw: Draw | None = None
    sanction: Sanction | None = None
    clawback: Clawback | None = None
    holdback: Holdback | None = None
    proration: Proration | None = None
    ramp: Ramp | None = None

    def __post_init__(self) -> None:
        for name in ("timing", "aggregation"):
            value = getattr(self, name)
            if not isinstance(value, FrozenMap):
                object.__setattr__(self, name, FrozenMap(value))
        _raise(self.problems(""))

    def problems(self, path: str) -> Problems:
        out: Problems = []
        for metric, how in self.aggregation.items():
            if how not in AGGREGATIONS:
                out.append((_join(_join(path, "aggregation"), str(metric)),
                            msg("plan_errors.aggregation", choices=names_list(AGGREGATIONS), value=_fmt(how),
                                suggestion=_suggest(how, AGGREGATIONS))))
        for key in ("draw", "sanction", "clawback", "holdback", "proration", "ramp"):
            part = getattr(self, key)
            if part is not None:
                out.extend(part.problems(_join(path, key)))
        return out

    @property
    def active(self) -> bool:
        """True when the plan needs the period-aware pass."""
        return any(t.carried for t in self.timing.values()) or any(
            getattr(self, k) is not None for k in ("draw", "sanction", "clawback", "holdback", "proration", "ramp"))

    def timing_of(self, name: str) -> Timing:
        return self.timing.get(name, _MONTHLY)

    def to_dict(self) -> dict[str, Any]:
        """The plan-level keys (component keys are written by the plan beside each component)."""
        out: dict[str, Any] = {}
        if self.aggregation:
            out["aggregation"] = dict(self.aggregation)
        for key in ("draw", "sanction", "clawback", "holdback", "proration", "ramp"):
            part = getattr(self, key)
            if part is not None:
                out[key] = part.to_dict()
        return out


_MONTHLY = Timing()


# --------------------------------------------------------------------------- parsing

def split_component_timing(comps_raw: list[Any], path: str, problems: Problems) -> tuple[list[Any], dict[str, Timing]]:
    """Take ``period``/``true_up`` off each component mapping; return the rest and the timings by name.

    The component's own keys are then checked by its kind as before; these two
    are checked here, with their key paths (``components[2].period``).
    """
    rest: list[Any] = []
    timing: dict[str, Timing] = {}
    for i, comp in enumerate(comps_raw):
        if not isinstance(comp, Mapping) or not (COMPONENT_KEYS & set(comp)):
            rest.append(comp)
            continue
        here = f"{_join(path, 'components')}[{i}]"
        own = Timing(comp.get("period", "month"), comp.get("true_up", False))
        sub = own.problems(here)
        if comp.get("kind") == "penalty" and own.true_up is not False:
            sub.append((_join(here, "true_up"), msg("plan_errors.penalty_true_up")))
        problems.extend(sub)
        if not sub and isinstance(comp.get("name"), str):
            timing[comp["name"]] = own
        rest.append({k: v for k, v in comp.items() if k not in COMPONENT_KEYS})
    return rest, timing


def _build(cls: type, raw: Any, here: str, keys: dict[str, Any], required: tuple[str, ...],
           problems: Problems) -> Any:
    if not isinstance(raw, Mapping):
        problems.append((here, msg("plan_errors.rule_shape", keys=", ".join(keys), value=_fmt(raw))))
        return None
    start = len(problems)
    for key in raw:
        if key not in keys:
            problems.append((_join(here, str(key)), msg("plan_errors.unknown_key", name=key,
                                                                    suggestion=_suggest(key, keys))))
    for key in required:
        if key not in raw:
            problems.append((_join(here, key), msg("plan_errors.required")))
    if len(problems) > start:
        return None
    obj = cls(**{k: raw.get(k, default) for k, default in keys.items()})  # checked below, not on construction
    sub = obj.problems(here)
    problems.extend(sub)
    return None if sub else obj


def _dates_as_text(raw: Any) -> Any:
    """A YAML date (``2026-01-01`` unquoted) read as its ISO text, so that holidays compare as written."""
    if isinstance(raw, Mapping) and isinstance(raw.get("holidays"), list):
        return {**raw, "holidays": [d.isoformat() if isinstance(d, datetime.date) else d for d in raw["holidays"]]}
    return raw


def parse_period_rules(data: Mapping[str, Any], path: str, timing: dict[str, Timing],
                       problems: Problems) -> PeriodRules | None:
    """The plan-level keys of this module, every problem collected with its key path."""
    start = len(problems)
    parts: dict[str, Any] = {}
    sanction = data.get("sanction")
    if isinstance(sanction, Mapping):
        for key in _SANCTION_CARRY_KEYS:
            if key in sanction:
                problems.append((_join(_join(path, "sanction"), key),
                                 msg("plan_errors.sanction_carried")))
        if len(problems) > start:
            sanction = {k: v for k, v in sanction.items() if k not in _SANCTION_CARRY_KEYS}
    specs = {
        "draw": (Draw, data.get("draw"), {"amount": None, "recoverable": True}, ("amount",)),
        "sanction": (Sanction, sanction, {"per_sanction": 1.0, "limit": SANCTION_LEGAL_LIMIT, "limit_of": "wage"}, ()),
        "clawback": (Clawback, data.get("clawback"), {"rate": None, "basis": "rate"}, ()),
        "holdback": (Holdback, data.get("holdback"), {"share": None, "release_after": None, "release_on": None},
                     ("share",)),
        "proration": (Proration, _dates_as_text(data.get("proration")), {"days": "calendar", "holidays": ()}, ()),
        "ramp": (Ramp, data.get("ramp"), {"schedule": None, "guarantee": 0.0}, ("schedule",)),
    }
    for key, (cls, raw, keys, required) in specs.items():
        if key in data:
            parts[key] = _build(cls, raw, _join(path, key), keys, required, problems)
    aggregation = data.get("aggregation") or {}
    if not isinstance(aggregation, Mapping):
        problems.append((_join(path, "aggregation"), msg("plan_errors.aggregation_shape",
                                                                choices=" | ".join(AGGREGATIONS))))
        aggregation = {}
    for metric, how in aggregation.items():
        if how not in AGGREGATIONS:
            problems.append((_join(_join(path, "aggregation"), str(metric)),
                             msg("plan_errors.aggregation", choices=names_list(AGGREGATIONS), value=_fmt(how),
                                 suggestion=_suggest(how, AGGREGATIONS))))
    if len(problems) > start:
        return None
    return PeriodRules(FrozenMap(timing), FrozenMap(aggregation), **parts)
