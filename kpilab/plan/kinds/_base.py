"""What every component kind is: the base class, the registry, and what a kind is handed.

A kind is one frozen dataclass, subclass of :class:`ComponentKind`, that owns
everything about it: which keys it takes and how it parses them, how it checks
itself (problems with key paths), how it writes itself back, how it pays (one
numpy pass over the rows it is handed), how it explains a row it paid, and
which of its numbers a person may tune. :func:`register` adds it to the
registry the parser, the engine, the statements, the dashboard and the lint
look kinds up in. The analyses and the regulation ask a kind what they need
instead of naming it: is it a fine (:meth:`ComponentKind.fine_terms`), where
does its pay turn (``pay_thresholds``), what does it read and what is left
without a metric (``reads``, ``without``, ``part_weights``), and its rows and
clauses in the regulation (``regulation_rows``, ``regulation_clauses``).

A kind never imports the engine: :meth:`ComponentKind.pay` is handed the
engine's resolved arrays through the :class:`Facts` protocol, and the
explanation methods are handed the words of the caller's language through
:class:`TraceWords` and :class:`StatementWords`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

import numpy as np

from ...errors import mixed_script
from ...i18n.messages import msg
from .._base import (RESERVED_NAMES, Problems, _check_number, _fmt, _join, _METRIC_RE, _NAME_RE, _num_out, _raise,
                     _suggest)
from ..curve import Curve, parse_curve

__all__ = ["ComponentKind", "Facts", "Note", "Tunable", "TraceWords", "StatementWords", "TraceLine",
           "StatementItem", "FineTerms", "RegulationWords", "register", "unregister", "registered", "kind_class"]

#: A kind's pay reports its intermediate values through this (None: nobody asked for an explanation).
Note = Callable[[dict[str, Any]], None] | None
#: One line of the engine's trace table: step, item, detail, amount (None: no money on this line).
TraceLine = tuple[str, str, str, float | None]
#: One line of a rep's statement: catalog key, its fields, amount (None: no money), indent.
StatementItem = tuple[str, dict[str, Any], float | None, int]


class Facts(Protocol):
    """What a kind's pay reads of the rows it pays (the engine's resolved arrays, one value per row)."""

    n: int
    facts: Mapping[str, np.ndarray]
    targets: Mapping[str, np.ndarray]
    team_attainment: Mapping[str, np.ndarray]
    target_bonus: np.ndarray
    #: A component's money at 100 % per row where it is not the plan's (a quarter's opportunity, section 10).
    money: Mapping[str, np.ndarray]

    def attainment(self, metric: str) -> np.ndarray: ...

    def x(self, metric: str, basis: str) -> np.ndarray: ...


class TraceWords(Protocol):
    """How the engine's trace table words numbers (English, for the analyst)."""

    currency: str

    def reading(self, metric: str, basis: str, x: float) -> str:
        """What a metric read: «revenue 1 200 000 / plan 1 000 000 = 120.0%» or its raw value."""

    def curve(self, curve: Curve, x: float, percent: bool) -> str:
        """The band or segment of ``curve`` that ``x`` falls in, by the engine's own rule."""

    def money(self, value: float) -> str: ...

    def number(self, value: float) -> str: ...


class StatementWords(Protocol):
    """How a rep's statement words numbers, in the statement's language (catalog look-ups by key)."""

    lang: str
    currency: str

    def t(self, key: str, **fields: Any) -> str:
        """The catalog text ``key`` in the statement's language."""

    def metric(self, metric: str, case: str = "nom") -> str:
        """A metric inside a sentence, in a grammatical case (``nom``, ``acc``, ``gen``, ``dat``)."""

    def label(self, metric: str) -> str:
        """A metric's label as a line starts with it."""

    def title(self, component: "ComponentKind") -> str:
        """The name of a pay part as a rep reads it (the plan file's own word for it when it has one)."""

    def facts(self, metric: str, basis: str, x: float) -> dict[str, Any]:
        """``fact`` (and ``target``, ``pct`` when the row has a target) of ``metric`` in this row."""

    def value(self, metric: str, value: float) -> str:
        """A fact or a target in the metric's unit: money, a rate or a count."""

    def money(self, value: float) -> str: ...

    def number(self, value: float) -> str: ...

    def coef(self, value: float) -> str: ...

    def rate(self, value: float) -> str: ...

    def pct(self, value: float) -> str: ...


class RegulationWords(StatementWords, Protocol):
    """How the bonus regulation words a pay part: a statement's words (its catalog is ``regulation.*``),
    plus the regulation's own cells."""

    def target(self, metric: str, basis: str) -> str:
        """The "plan" cell of ``metric``: the plan's target, the rep's personal plan, or a dash."""

    def scale(self, curve: Curve, metric: str, basis: str) -> str:
        """A curve as the regulation states it, point by point."""

    def weight(self, component: "ComponentKind") -> str:
        """A money part's share of the target bonus, or "a fixed amount"."""

    def at_target(self, component: "ComponentKind") -> str:
        """A money part's money at 100 % of plan."""


@dataclass(frozen=True)
class FineTerms:
    """What a fine takes: ``per_unit`` for each unit of ``metric`` above ``free``, at most ``cap`` a period.

    A kind that is a fine (a bonus reduction for misconduct, 144-FZ) says so by
    returning these from :meth:`ComponentKind.fine_terms`; the fines analysis
    builds its lawful twin from them and the lint checks them against the limit.
    """

    metric: str
    per_unit: float
    free: float = 0.0
    cap: float | None = None


@dataclass(frozen=True)
class Tunable:
    """One number of a component that a person may tune (the dashboard makes a control of it).

    ``path`` is under the component (``"share"``, ``"tiers[1].rate"``; a curve:
    ``"curve"``, whose points are each tunable). ``scale`` says how the number
    moves: ``share`` (of the target bonus), ``money``, ``rate`` (a commission
    rate), ``weight``, ``attainment``, ``count`` or ``curve``. ``text`` is the
    dashboard catalog key of its words, which may name ``metric`` (in lower
    case inside a sentence with ``lower``) and a position ``n``.
    """

    path: str
    scale: str
    text: str
    value: Any
    metric: str | None = None
    lower: bool = False
    n: int | None = None
    row: str | None = None
    by_value: bool = False
    at_least: float = 10_000.0


# --------------------------------------------------------------------------- shared checks

def check_money(out: Problems, path: str, share: float | None, amount: float | None) -> None:
    """Exactly one of ``share`` (of the target bonus) or ``amount`` (per period), each a number."""
    if share is None and amount is None:
        out.append((path, msg("plan_errors.share_or_amount_neither")))
    elif share is not None and amount is not None:
        out.append((path, msg("plan_errors.share_or_amount_both")))
    if share is not None:
        _check_number(out, _join(path, "share"), share, what="share")
    if amount is not None:
        _check_number(out, _join(path, "amount"), amount, what="amount")


def check_basis(out: Problems, path: str, basis: str) -> None:
    """``basis`` is ``attainment`` or ``value``."""
    if basis not in ("attainment", "value"):
        out.append((_join(path, "basis"), msg("plan_errors.basis", value=_fmt(basis),
                                              suggestion=_suggest(basis, ("attainment", "value")))))


def check_metric(out: Problems, path: str, metric: Any) -> None:
    """``metric`` is a column name, in one alphabet."""
    if not isinstance(metric, str) or not _METRIC_RE.match(metric):
        out.append((_join(path, "metric"), msg("plan_errors.metric_name", value=_fmt(metric))))
    elif (mixed := mixed_script(metric)) is not None:
        out.append((_join(path, "metric"), msg("errors.mixed_script", name=metric, latin=mixed[0],
                                               letter=mixed[1], position=mixed[2])))


def copy_keys(data: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The plain values among ``keys`` that ``data`` gives, as constructor arguments."""
    return {k: data[k] for k in keys if k in data}


def require(data: Mapping[str, Any], key: str, path: str, problems: Problems, why: str = "") -> bool:
    """Append "is required" for a missing ``key``; True when it is there."""
    if key in data:
        return True
    problems.append((_join(path, key), msg("plan_errors.required_why", why=msg("plan_errors.why_" + why)) if why
                     else msg("plan_errors.required")))
    return False


def curve_arg(data: Mapping[str, Any], key: str, path: str, problems: Problems) -> Curve | None:
    """The curve under ``key`` (required), parsed with its key path."""
    if not require(data, key, path, problems):
        return None
    return parse_curve(data[key], _join(path, key), problems)


# --------------------------------------------------------------------------- the base class

@dataclass(frozen=True)
class ComponentKind:
    """A component of a plan (contract section 5). Subclasses are the kinds; see the module docstring.

    Class attributes a kind sets: ``kind`` (its name in a plan file),
    ``keys`` (the keys it takes, ``name`` and ``kind`` included),
    ``deduction`` (a bonus reduction: never gated nor modified, applied after
    the variable cap, reported after it), ``order`` (where it is listed among kinds).
    """

    name: str

    kind: ClassVar[str] = ""
    keys: ClassVar[frozenset[str]] = frozenset({"name", "kind"})
    deduction: ClassVar[bool] = False
    order: ClassVar[int] = 100

    # -- checking
    def problems(self, path: str) -> Problems:
        """Every way this component breaks the contract, with key paths under ``path``."""
        out: Problems = []
        if not isinstance(self.name, str) or not _NAME_RE.match(self.name):
            out.append((_join(path, "name"), msg("plan_errors.component_name", value=_fmt(self.name))))
        elif self.name in RESERVED_NAMES:
            out.append((_join(path, "name"), msg("plan_errors.reserved_name", name=self.name)))
        return out

    def __post_init__(self) -> None:
        _raise(self.problems(""))

    # -- parsing and writing back
    @classmethod
    def parse_fields(cls, data: Mapping[str, Any], path: str, problems: Problems) -> dict[str, Any]:
        """The constructor arguments (``name`` aside) from a plan-format mapping; problems appended.

        The registry has already checked the mapping, the kind, ``name`` and the keys.
        """
        return {}

    def to_dict(self) -> dict[str, Any]:
        """The plan-format mapping of this component (``from_dict(to_dict(c)) == c``)."""
        return {"name": self.name, "kind": self.kind}

    # -- what it reads
    def metrics(self) -> set[str]:
        """Names of the input columns this component reads."""
        return {self.metric} if hasattr(self, "metric") else set()

    def attainment_metrics(self) -> set[str]:
        """Metrics whose target this component needs."""
        return set()

    def team_metrics(self) -> set[str]:
        """Metrics whose team attainment (Σ fact / Σ target over the team and period) this component reads."""
        return set()

    # -- paid across months (contract section 10)
    def reading(self, columns: Mapping[str, str]) -> "ComponentKind":
        """This component reading other input columns: each metric it reads that ``columns`` names renamed
        to that column (a quarterly part reads its quarter-to-date totals). Kinds that read their metrics
        elsewhere than in ``metric`` override it."""
        metric = getattr(self, "metric", None)
        if metric is None or metric not in columns:
            return self
        return dataclasses.replace(self, metric=columns[metric])  # type: ignore[type-var]

    def over_periods(self, k: float) -> "ComponentKind":
        """This component settling ``k`` periods at once (a true-up to date): the amounts of one period
        among its numbers (thresholds on a value, a cap) × ``k``. Itself when it has none: its money at
        100 % is handed to :meth:`pay` already for the periods to date."""
        return self

    def money(self) -> dict[str, Any]:
        """``{"share": s}`` or ``{"amount": a}``, as written, for kinds paid in money at 100 %."""
        share, amount = getattr(self, "share", None), getattr(self, "amount", None)
        return {"share": _num_out(share)} if share is not None else {"amount": _num_out(amount)}

    # -- pay
    def pay(self, cols: Facts, note: Note) -> np.ndarray:
        """This component's raw pay on every row (before gates, modifiers and limits); ``note`` gets the steps."""
        raise NotImplementedError(msg("api_errors.kind_no_pay", kind=self.kind))

    # -- words
    def explain(self, step: Mapping[str, Any], words: TraceWords, paid: float) -> list[TraceLine]:
        """The trace-table lines of one row, from the values its pay noted (``step``); ``paid`` is what
        the component finally paid in that row (after gates, modifiers and settlement)."""
        return []

    def statement(self, step: Mapping[str, Any], words: StatementWords) -> list[StatementItem]:
        """The lines of a rep's statement for one row, from the values its pay noted (``step``)."""
        return []

    def title(self, words: StatementWords) -> str:
        """The name of this pay part as a rep reads it, when the plan file gives none: ``explain.title.<kind>``."""
        metric = getattr(self, "metric", "")
        return words.t(f"explain.title.{self.kind}", acc=words.metric(metric, "acc"),
                       gen=words.metric(metric, "gen"), nom=words.metric(metric))

    # -- tuning and design checks
    def tunables(self) -> list[Tunable]:
        """The numbers of this component a person may tune, in display order."""
        return []

    def value_marks(self, metric: str) -> list[float]:
        """Raw values of ``metric`` where this component's pay changes shape (a sweep must pass them)."""
        return []

    def typical_value(self, metric: str) -> float | None:
        """The raw value of ``metric`` an on-plan rep shows, when this component implies one."""
        return None

    def metric_shares(self, x: np.ndarray, targets: Mapping[str, float]) -> list[tuple[str, np.ndarray]]:
        """How this component's pay splits among the metrics it reads, when every one is at ``x`` of plan."""
        return [(m, np.ones(np.shape(x))) for m in sorted(self.metrics())]

    # -- what the analyses (fines, gaming, fit) and the regulation ask of a kind
    def fine_terms(self) -> FineTerms | None:
        """This component's terms when it is a fine (a bonus cut per unit above an allowance), else None."""
        return None

    def pay_thresholds(self, metric: str) -> list[tuple[float, str]]:
        """Every x of ``metric`` at which this component's pay jumps or bends, with its basis
        (``"value"`` or ``"attainment"``): where a rep who games timing or padding would aim."""
        return [(x, "value") for x in self.value_marks(metric)]

    def attainment_jumps(self, metric: str) -> list[float]:
        """The attainments of ``metric`` at which this component's pay jumps or starts after nothing: where
        effort bunches just above a line (the response model's bunching). Bends alone are not jumps."""
        return []

    def reads(self) -> list[tuple[str, str]]:
        """Each metric this component reads with how (``"attainment"``: needs a target; ``"value"``: the
        column alone), in a fixed order (by name; a scorecard: its KPIs' order)."""
        by_target = self.attainment_metrics()
        return [(m, "attainment" if m in by_target else "value") for m in sorted(self.metrics())]

    def without(self, metrics: set[str]) -> "ComponentKind | None":
        """This component with its parts that read ``metrics`` taken out (what is left still pays as designed),
        or None when it cannot pay without them. A kind of one metric is all or nothing."""
        return None if metrics & self.metrics() else self

    def part_weights(self) -> dict[str, float]:
        """The weight of each metric in this component's pay, for kinds that weigh several (a scorecard)."""
        return {}

    def regulation_rows(self, words: RegulationWords) -> list[list[str]]:
        """Rows of the regulation's KPI table: part, metric, plan, weight, money at 100 %, scale.

        A kind that does not say gets one row naming it and what it reads, so no paid part is left out.
        """
        if self.deduction:
            return []
        reads = ", ".join(words.label(m) for m, _ in self.reads()) or "—"
        return [[words.title(self), reads, "—", "—", "—", "—"]]

    def regulation_clauses(self, words: RegulationWords) -> list[str]:
        """Sentences of the regulation's "when the bonus is paid, reduced or limited" section for this part.

        A fine (:meth:`fine_terms`) states its terms: so much per unit above the free ones, at most its cap.
        """
        terms = self.fine_terms()
        if terms is None:
            return []
        cap = "" if terms.cap is None else " " + words.t("regulation.penalty_cap", cap=words.money(terms.cap))
        return [words.t("regulation.penalty", per_unit=words.money(terms.per_unit), metric=words.label(terms.metric),
                        free=words.number(terms.free)) + cap]


# --------------------------------------------------------------------------- money kinds

def amount_at_target(comp: Any, cols: Facts) -> np.ndarray:
    """The component's money at 100 %: ``amount``, or ``share`` × the row's target bonus
    (or, for a quarterly, annual or settled component, the opportunity of its period)."""
    if comp.name in cols.money:
        return cols.money[comp.name]
    return np.full(cols.n, comp.amount) if comp.amount is not None else comp.share * cols.target_bonus


def amount_words(comp: Any, amount: float, words: TraceWords) -> str:
    """«amount 20 000.00 RUB» or «share 0.5 × target bonus = 20 000.00 RUB»."""
    if comp.amount is not None:
        return f"amount {words.money(amount)} {words.currency}"
    return f"share {comp.share:g} × target bonus = {words.money(amount)} {words.currency}"


def money_tunables(comp: Any) -> list[Tunable]:
    """The share or the amount of a money kind."""
    if comp.share is not None:
        return [Tunable("share", "share", "share", comp.share)]
    if comp.amount is not None:
        return [Tunable("amount", "money", "amount", comp.amount)]
    return []


# --------------------------------------------------------------------------- the registry

_REGISTRY: dict[str, type[ComponentKind]] = {}
K = TypeVar("K", bound=type[ComponentKind])


def register(cls: K) -> K:
    """Add a component kind to the registry (usable as a class decorator); its ``kind`` names it.

    Raises ``ValueError`` when the name is empty or taken by another class.
    """
    if not (isinstance(cls, type) and issubclass(cls, ComponentKind)):
        raise TypeError(msg("api_errors.kind_not_subclass", cls=cls))
    if not cls.kind or not _NAME_RE.match(cls.kind):
        raise ValueError(msg("api_errors.kind_needs_name", cls_kind=cls.kind))
    known = _REGISTRY.get(cls.kind)
    if known is not None and known is not cls:
        raise ValueError(msg("api_errors.kind_registered",
                             cls_kind=cls.kind, module=known.__module__, name=known.__name__))
    _REGISTRY[cls.kind] = cls
    return cls


def unregister(kind: str) -> None:
    """Take a kind out of the registry (a plug-in unloaded, a test cleaning up); unknown names are ignored."""
    _REGISTRY.pop(kind, None)


def registered() -> dict[str, type[ComponentKind]]:
    """Every registered kind by name, in listing order (contract order, then registration order)."""
    ranked = sorted(enumerate(_REGISTRY.items()), key=lambda item: (item[1][1].order, item[0]))
    return {name: cls for _, (name, cls) in ranked}


def kind_class(kind: str) -> type[ComponentKind]:
    """The class of a registered kind; ``KeyError`` (with a "did you mean") when none is."""
    if kind not in _REGISTRY:
        raise KeyError(msg("plan_errors.no_kind", name=kind, suggestion=_suggest(kind, _REGISTRY)))
    return _REGISTRY[kind]
