"""Assembling a comparison report: run the analyses once, keep the results, word and format them on request.

The flow is one way::

    plans + team ─► build_report() ─► ComparisonReport ─► html / xlsx / slides / charts
                    (evaluate, compare,   (results only,       (templates and writers,
                     lint, tail,           formatting helpers)   kpilab.report.*)
                     transition)

Nothing here computes a figure of its own. The numbers come from
:func:`kpilab.analysis.compare` (metrics and verdict), :func:`kpilab.analysis.lint`
(design findings), :func:`kpilab.analysis.tail` (reps who keep landing in the
bottom quartile), :func:`kpilab.analysis.transition` (winners and losers) and
:func:`kpilab.evaluate` (the payout tables). Simulated years come from the one
scenario rule, :func:`kpilab.data.scenarios.bootstrap_years`; the recommended
plan from :func:`kpilab.analysis.recommend.recommend`. What is here is choosing,
ordering and formatting; every word comes from the ``report.*`` catalog keys.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis.recommend import recommend
from ..data.scenarios import bootstrap_years
from ..engine import Payouts, evaluate
from ..errors import KpilabError
from ..data.numbers import _clip
from ..i18n.messages import msg, names_list
from ..i18n import check_lang, fmt_date, fmt_money, fmt_number, fmt_percent, has_text, label, t
from ..plan import Plan, Scheme
from .formatting import (CLIENT_HIDDEN, DELTA_ROWS, METRIC_GROUPS, PAY_EPS, Step, format_value, metric_kind,
                         metric_label, plan_title, read_logo, row_label, text_table, word)

__all__ = ["ComparisonReport", "build_report", "unique_names"]

# --------------------------------------------------------------------------- the report object

@dataclass(frozen=True, eq=False)
class ComparisonReport:
    """Everything a comparison report shows, computed once by :func:`build_report`.

    Attributes
    ----------
    comparison
        :func:`kpilab.analysis.compare` on the team (or on its simulated years).
    lint
        Plan name -> :func:`kpilab.analysis.lint` report.
    tail
        :func:`kpilab.analysis.tail` of the real team (None when it could not be run).
    payouts
        Plan name -> :class:`~kpilab.engine.Payouts` on the real team (the tables ``kpilab payout`` writes).
    plans
        Plan name -> plan, in the order given.
    team
        The real team.
    recommended
        Name of the recommended plan (:func:`kpilab.analysis.recommend.recommend`).
    transition
        :class:`kpilab.analysis.transition.Transition` of the recommended plan against the baseline.
    client, author, logo
        Branding: who the report is for, who wrote it, the logo as a ``data:`` URI.
    created
        The report's date (ISO).
    """

    comparison: Any
    lint: Mapping[str, Any]
    tail: Any
    payouts: Mapping[str, Payouts]
    plans: Mapping[str, Plan | Scheme]
    team: pd.DataFrame
    recommended: str
    lang: str = "en"
    n_scenarios: int | None = None
    seed: int | None = None
    source: str = ""
    currency: str = "RUB"
    statement_period: str = ""
    created: str = field(default_factory=lambda: _dt.date.today().isoformat())
    transition: Any = None
    client: str = ""
    author: str = ""
    logo: str = ""
    #: The "predicted behaviour" section (:func:`kpilab.analysis.response.section.behaviour_section`), or None.
    behaviour: Any = None
    #: Extra sections' HTML, each from its own template partial (``optimize=``: the search section).
    sections: tuple[str, ...] = ()

    # --- small views used by every output
    @property
    def names(self) -> list[str]:
        """Plan names in the order given (the keys every table uses)."""
        return list(self.plans)

    def title(self, name: str) -> str:
        """How plan ``name`` is shown in this report's language: the plan file's own translation when it has
        one (two plans translated alike keep their names apart), else ``name``."""
        if name not in self.plans:
            return name
        titled = plan_title(self.plans[name], self.lang, fallback=name)
        clashes = [n for n in self.names if plan_title(self.plans[n], self.lang, fallback=n) == titled]
        return titled if len(clashes) == 1 or titled == name else f"{titled} ({name})"

    def description(self, name: str) -> str:
        """The plan's description in this report's language (the plan file's ``names`` map), else its own."""
        plan = self.plans[name]
        describe = getattr(plan, "describe", None)
        return str(describe(self.lang)) if callable(describe) else str(getattr(plan, "description", ""))

    def part_title(self, name: str, column: str) -> str:
        """A column of plan ``name``'s payout table as a reader names it (component names from the plan file)."""
        plan = self.plans[name]
        titled = getattr(plan, "component_title", None)
        found = titled(column, self.lang) if callable(titled) else None
        if found:
            return str(found)
        if column == "rep_id":
            return label("rep", self.lang)
        if column in ("role", "team"):
            return word(f"col_{column}", self.lang)
        return label(column, self.lang)

    @property
    def titles(self) -> list[str]:
        """Plan titles in the order given."""
        return [self.title(n) for n in self.names]

    @property
    def baseline(self) -> str:
        """Name of the plan pay changes are measured against."""
        return str(getattr(self.comparison, "baseline", "") or self.names[0])

    @property
    def periods(self) -> list[str]:
        """Period labels of the real team, in file order."""
        return [str(p) for p in pd.unique(self.team["period"].astype(str))]

    @property
    def n_reps(self) -> int:
        return int(self.team["rep_id"].astype(str).nunique())

    @property
    def measure(self) -> str:
        """The output measure the analysis used."""
        report = next(iter(self.comparison.reports.values()))
        return str(getattr(report, "measure", "revenue"))

    def measure_name(self) -> str:
        """The output measure as a reader names it."""
        return label(self.measure, self.lang)

    def kind(self, key: str) -> str:
        """Format kind of a comparison metric."""
        return metric_kind(key, self.measure)

    def criterion_kind(self, criterion: str) -> str:
        """Format kind of a criterion's figure: the verdict's own ``unit`` (the inversion criterion judges a
        share, while the comparison table's ``inversions`` row counts pairs), else :meth:`kind`."""
        for name in self.names:
            unit = self.verdict_row(name, criterion).get("unit")
            if isinstance(unit, str) and unit in ("money", "share", "count", "ratio", "pvalue", "number"):
                return unit
        return self.kind(criterion)

    def fmt(self, value: Any, kind: str) -> str:
        """A figure in this report's language and currency."""
        return format_value(value, kind, self.lang, self.currency)

    def money(self, value: float) -> str:
        return fmt_money(value, self.lang, self.currency, 0)

    def months(self, n: int | None = None) -> str:
        """``12 months``, with the plural form of the report's language."""
        return t("common.months", self.lang, count=len(self.periods) if n is None else n)

    def date_text(self) -> str:
        return fmt_date(self.created, self.lang)

    @property
    def criteria(self) -> list[str]:
        """The verdict's criteria (without its ``overall`` row)."""
        return [c for c in self.comparison.verdict.index if c != "overall"]

    def score(self, name: str) -> tuple[int, int]:
        """(criteria met, criteria in the verdict) of a plan; a criterion not assessed counts in the second."""
        statuses = self.comparison.verdict.loc[self.criteria, name].astype(str)
        return int((statuses == "pass").sum()), int(len(statuses))

    def not_assessed(self, name: str) -> int:
        """How many of the plan's criteria could not be assessed."""
        statuses = self.comparison.verdict.loc[self.criteria, name].astype(str)
        return int((~statuses.isin(["pass", "fail"])).sum())

    def payroll_per_month(self, name: str) -> float:
        """The comparison's payroll of a plan divided by the number of months."""
        return float(self.comparison.table.loc["payroll", name]) / max(1, len(self.periods))

    def summary_line(self) -> str:
        """``Recommended: <plan> — meets N of M criteria, payroll X ₽ a month`` (plain text)."""
        n, m = self.score(self.recommended)
        return word("recommended", self.lang, count=m, plan=self.title(self.recommended), n=fmt_number(n, self.lang),
                    payroll=self.money(self.payroll_per_month(self.recommended)))

    def summary_notes(self) -> list[str]:
        """The sentences under the headline: all met or closest, and how many were not assessed."""
        name = self.recommended
        n, m = self.score(name)
        statuses = [self.status(name, c) for c in self.criteria]
        out = [word("all_pass" if "fail" not in statuses else "none_all", self.lang)]
        for status, key in (("info", "info_count"), ("not_assessed", "not_assessed_count")):
            if statuses.count(status):
                out.append(word(key, self.lang, count=statuses.count(status)))
        return out

    # --- the verdict, as shown
    def verdict_row(self, name: str, criterion: str) -> dict[str, Any]:
        """The verdict frame's row of one criterion and plan (every field it has), or ``{}``."""
        frame = self.comparison.reports[name].verdict
        hit = frame[frame["criterion"] == criterion]
        return {} if hit.empty else hit.iloc[0].to_dict()

    def status(self, name: str, criterion: str) -> str:
        """``pass``, ``fail``, ``info`` (not judged, but a figure is shown) or ``not_assessed``."""
        status = str(self.comparison.verdict.loc[criterion, name])
        if status in ("pass", "fail"):
            return status
        value = self.verdict_row(name, criterion).get("value")
        try:
            shown = value is not None and math.isfinite(float(value))
        except (TypeError, ValueError):
            shown = False
        return "info" if shown else "not_assessed"

    def status_word(self, status: str) -> str:
        return word(f"status_{status}", self.lang)

    def explanation(self, name: str, criterion: str) -> str:
        """The verdict's sentence for a criterion; an unagreed cost band is worded for a client."""
        row = self.verdict_row(name, criterion)
        if criterion == "cost_of_sales" and self.status(name, criterion) == "info" and row.get("threshold") is None:
            return word("cost_band_missing", self.lang, value=self.fmt(row.get("value"), "share"))
        return str(row.get("explanation", "") or "")

    def interval_text(self, name: str, criterion: str) -> str:
        """The verdict's interval of a criterion's figure, when the verdict gives one."""
        row = self.verdict_row(name, criterion)
        pairs = (("low", "high"), ("ci_low", "ci_high"), ("lower", "upper"), ("value_low", "value_high"))
        for lo_key, hi_key in pairs:
            lo, hi = row.get(lo_key), row.get(hi_key)
            try:
                if lo is not None and hi is not None and math.isfinite(float(lo)) and math.isfinite(float(hi)):
                    kind = self.criterion_kind(criterion)
                    return word("interval", self.lang, lo=self.fmt(lo, kind), hi=self.fmt(hi, kind))
                if lo is not None and math.isfinite(float(lo)) and hi is not None and float(hi) == math.inf:
                    # a ratio over minimum-doers paid no variable pay in some resamples: no upper end
                    return word("interval_from", self.lang, lo=self.fmt(lo, self.criterion_kind(criterion)))
            except (TypeError, ValueError):
                continue
        return ""

    def robustness_text(self, name: str, criterion: str) -> str:
        """The verdict's robustness word of a criterion (``robust``, ``borderline``...), when it gives one."""
        row = self.verdict_row(name, criterion)
        for key in ("robustness_word", "robustness"):
            value = row.get(key)
            if isinstance(value, str) and value.strip():
                return has_text(f"verdict.{value}", self.lang) and t(f"verdict.{value}", self.lang) or value
        return ""

    def threshold_text(self, criterion: str) -> str:
        """The threshold of a criterion in words, from the verdict's own threshold column."""
        crit = getattr(next(iter(self.comparison.reports.values())), "criteria", None)
        kind = self.criterion_kind(criterion)
        row = self.verdict_row(self.names[0], criterion)
        threshold = row.get("threshold")
        if criterion == "cost_of_sales":
            band = threshold if isinstance(threshold, (tuple, list)) else getattr(crit, "cost_of_sales_band", None)
            if band is None:
                return word("no_threshold", self.lang)
            return word("band", self.lang, lo=self.fmt(band[0], "share"), hi=self.fmt(band[1], "share"))
        try:
            if threshold is None or not math.isfinite(float(threshold)):
                return "—"
        except (TypeError, ValueError):
            return str(threshold)
        text = self.fmt(threshold, kind)
        if criterion == "inversions":
            return word("le", self.lang, v=text)
        if criterion == "strength_coverage" and not getattr(crit, "require_strength_coverage", False):
            return f"{word('ge', self.lang, v=text)} ({word('info_only', self.lang)})"
        return word("ge", self.lang, v=text)

    def source_text(self, criterion: str) -> str:
        """Where a criterion's threshold comes from, in the report's language."""
        for key in (f"verdict.source.{criterion}", f"report.src_{criterion}"):
            if has_text(key, self.lang):
                return t(key, self.lang)
        return ""

    # --- the comparison table, as shown
    def groups(self, *, client: bool = True) -> list[tuple[str, list[str]]]:
        """The comparison rows by section; a row the table lacks is skipped, one no section names goes last.

        ``output`` is left out when the measure is revenue (the two rows would be
        the same numbers); with ``client`` the analysts' rows (:data:`CLIENT_HIDDEN`) too.
        """
        index = [str(k) for k in self.comparison.table.index]
        skip = {"output"} if self.measure == "revenue" and "revenue" in index else set()
        if client:
            skip |= CLIENT_HIDDEN
        placed: set[str] = set(skip)
        out = []
        for group, keys in METRIC_GROUPS:
            rows = [k for k in keys if k in index and k not in skip]
            placed.update(rows)
            if rows:
                out.append((group, rows))
        rest = [k for k in index if k not in placed]
        if rest:
            out.append(("g_other", rest))
        return out

    def cell(self, key: str, name: str) -> str:
        """A comparison cell as shown: the baseline's own changes are a dash, 'nobody' where nobody gains or loses."""
        value = float(self.comparison.table.loc[key, name])
        if key in DELTA_ROWS and name == self.baseline:
            return "—"
        if key == "max_loss" and math.isfinite(value) and value > -PAY_EPS:
            return word("nobody", self.lang)
        if key == "max_gain" and math.isfinite(value) and value < PAY_EPS:
            return word("nobody", self.lang)
        return self.fmt(value, self.kind(key))

    def table_text(self) -> str:
        """The metrics × plans table, formatted, as aligned plain text (what ``kpilab compare`` prints)."""
        rows: list[list[str]] = []
        for group, keys in self.groups():
            rows.append([word(group, self.lang).upper(), *[""] * len(self.names)])
            rows.extend([row_label(k, self.lang), *[self.cell(k, n) for n in self.names]] for k in keys)
        return text_table([word("metric", self.lang), *self.titles], rows)

    def robustness_table_text(self) -> str:
        """Each criterion's figure, 90 % interval and robustness word per plan, headed by the plans' titles
        (what ``kpilab compare`` prints under the table; the cells are the verdict's own words)."""
        frame = self.comparison.robustness(self.lang)
        rows = [[str(i), *map(str, v)] for i, v in zip(frame.index, frame[self.names].to_numpy().tolist())]
        return text_table(["", *self.titles], rows)

    def verdict_text(self) -> str:
        """The criteria × plans verdict as aligned plain text."""
        rows = [[metric_label(c, self.lang), *[self.status_word(self.status(n, c)) for n in self.names]]
                for c in self.criteria]
        return text_table([word("criterion", self.lang), *self.titles], rows)

    def transition_rows(self) -> list[list[str]]:
        """Winners and losers, one formatted row per rep: rep, now, proposed, change, change %, outcome."""
        moves = self.transition
        if moves is None:
            return []
        out = []
        for row in moves.table.itertuples(index=False):
            gain = "+" if row.change > PAY_EPS else ""  # a gain is signed like a loss («−11 920 ₽», «+130 000 ₽»)
            pct = "—" if not math.isfinite(row.change_pct) else gain + fmt_percent(row.change_pct, self.lang, 1)
            out.append([str(row.rep_id), self.money(row.before), self.money(row.after), gain + self.money(row.change),
                        pct, word(f"tr_{row.status}", self.lang)])
        return out

    def transition_header(self) -> list[str]:
        return [label("rep", self.lang), *(word(k, self.lang) for k in
                                           ("tr_before", "tr_after", "tr_change", "tr_change_pct", "tr_status"))]

    def transition_lines(self) -> list[str]:
        """The sentences of the winners-and-losers section."""
        moves = self.transition
        lang = self.lang
        if moves is None or self.recommended == self.baseline:
            return [word("tr_same_plan", lang)]
        counts = moves.counts
        reps = {k: t("common.reps", lang, count=v) for k, v in counts.items()}
        threshold = fmt_percent(moves.threshold, lang, 0)
        out = [word("tr_intro", lang, plan=self.title(self.recommended), baseline=self.title(self.baseline)),
               word("tr_counts", lang, gaining=reps["gains"], losing=reps["loses"], same=reps["same"]),
               word("tr_threshold", lang, threshold=threshold)]
        if moves.guarantee_cost > PAY_EPS:
            out.append(word("tr_guarantee", lang, count=moves.n_topped_up, months=self.months(moves.months),
                            cost=self.money(moves.guarantee_cost), per_month=self.money(moves.guarantee_per_month)))
        else:
            out.append(word("tr_no_guarantee", lang, threshold=threshold))
        return out

    def transition_text(self) -> str:
        """Winners and losers as plain text: the sentences, then one row per rep."""
        lines = self.transition_lines()
        if self.transition is None or self.recommended == self.baseline:
            return "\n".join(lines)
        return "\n".join(lines) + "\n\n" + text_table(self.transition_header(), self.transition_rows())


def unique_names(plans: Sequence[tuple[str, Plan | Scheme]]) -> dict[str, Plan | Scheme]:
    """Plan display names, made unique: a second 'Balanced' becomes 'Balanced (file2)'."""
    out: dict[str, Plan | Scheme] = {}
    for hint, plan in plans:
        name = str(plan.name).strip() or hint
        if name in out:
            name = f"{name} ({hint})"
        k = 2
        base = name
        while name in out:
            name = f"{base} {k}"
            k += 1
        out[name] = plan
    return out


def _iso_date(value: str | _dt.date | None) -> str:
    if value is None:
        return _dt.date.today().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    try:
        return _dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise KpilabError(msg("data_errors.report_date", value=_clip(str(value)) if isinstance(value, str)
                              else repr(value))) from None


def build_report(plans: Mapping[str, Plan | Scheme] | Sequence[Plan | Scheme], team: pd.DataFrame, *,
                 baseline: str | None = None, n_scenarios: int | None = None, seed: int = 0,
                 lang: str = "en", criteria: Any = None, source: str | None = None,
                 step: Step | None = None, client: str | None = None, author: str | None = None,
                 date: str | _dt.date | None = None, logo: str | Path | None = None,
                 guarantee_months: int = 3, loss_threshold: float = 0.01,
                 predict: bool = False,
                 optimize: Mapping[str, Any] | None = None) -> ComparisonReport:
    """Run everything a comparison report shows.

    Parameters
    ----------
    plans
        Plan name -> plan, or a sequence of plans (named by ``plan.name``).
    team
        The real performance table (no ``scenario`` column when ``n_scenarios`` is given).
    baseline
        The plan name pay changes are measured against (default: the first plan).
    n_scenarios
        Simulated years by :func:`kpilab.data.scenarios.bootstrap_years`; None: the data as given.
    seed
        Seed of the bootstrap.
    lang
        ``"en"`` or ``"ru"``.
    criteria
        :class:`kpilab.analysis.Criteria` or a dict of overrides.
    source
        Where the team came from (a file name), for the report and for error messages.
    step
        Called with a short description before each stage (a progress bar hook).
    client, author, date, logo
        Branding: the client's name, the author, the report date (``YYYY-MM-DD``, default today)
        and a logo image file (PNG, JPEG or GIF) embedded in the page.
    guarantee_months, loss_threshold
        Winners and losers: months of the transition guarantee, and the monthly
        loss (a share of the baseline pay) from which a rep counts as losing.
    predict
        Add the "predicted behaviour" section: what reps would do under each
        plan if the baseline is the plan in force when ``team`` was recorded
        (the response model; off by default, as it takes seconds per plan).
    optimize
        A search for a better plan (:mod:`kpilab.report.optimize_section`: ``free`` key paths with
        bounds, optional ``plan``, ``objective``, ``constraints``, ``budget``, ``seed``); its section
        shows the best plan found, its changes, the conditions it meets and the Pareto chart.

    Returns
    -------
    ComparisonReport

    Raises
    ------
    KpilabError
        Bad data (located), an unknown baseline, an unreadable logo, a bad date.
    ValueError
        An unknown language.
    """
    from .. import analysis
    from ..analysis.transition import transition

    check_lang(lang)
    tick: Step = step or (lambda _desc: None)
    named = dict(plans) if isinstance(plans, Mapping) else unique_names(
        [(f"plan {i + 1}", p) for i, p in enumerate(plans)])
    if not named:
        raise KpilabError(msg("data_errors.no_plans"))
    if baseline is not None and baseline not in named:
        raise KpilabError(msg("data_errors.baseline", name=_clip(str(baseline)), plans=names_list(named)))
    created = _iso_date(date)
    logo_uri = read_logo(logo) if logo is not None else ""
    source = source or str(team.attrs.get("source", "")) or "team"
    # The real team first: a data problem is reported against the rows of the file.
    payouts: dict[str, Payouts] = {}
    for name, plan in named.items():
        tick(f"pay: {name}")
        payouts[name] = evaluate(plan, team, source=source)
    data = team
    if n_scenarios is not None:
        tick("simulated years")
        data = bootstrap_years(team, n_scenarios, seed)
    tick("compare")
    comparison = analysis.compare(named, data, baseline=baseline, criteria=criteria, lang=lang)
    lint_reports: dict[str, Any] = {}
    for name, plan in named.items():
        tick(f"lint: {name}")
        lint_reports[name] = analysis.lint(plan, team, lang=lang)
    tick("tail")
    tail = analysis.tail(team)
    payroll = {n: float(comparison.table.loc["payroll", n]) for n in named}
    chosen = recommend(comparison.verdict, payroll)
    base_name = str(comparison.baseline)
    moves = transition(payouts[base_name], payouts[chosen], months=guarantee_months, threshold=loss_threshold)
    first = next(iter(named.values()))
    currency = getattr(first, "currency", None) or getattr(next(iter(first.plans().values())), "currency", "RUB")
    periods = pd.unique(team["period"].astype(str))
    behaviour = None
    if predict and len(named) > 1:
        from ..analysis.response.section import behaviour_section
        tick("predicted behaviour")
        behaviour = behaviour_section(named, team, base_name, lang=lang, seed=seed,
                                      titles={n: plan_title(p, lang, fallback=n) for n, p in named.items()})
    sections = () if optimize is None else _optimize_sections(optimize, named, data, chosen, criteria, lang, seed,
                                                              currency or "RUB", tick)
    return ComparisonReport(
        comparison=comparison, lint=lint_reports, tail=tail, payouts=payouts, plans=named, team=team,
        recommended=chosen, lang=lang, n_scenarios=n_scenarios,
        seed=seed if n_scenarios is not None else None, source=source, currency=currency or "RUB",
        statement_period=str(periods[-1]), created=created, transition=moves,
        client=str(client or "").strip(), author=str(author or "").strip(), logo=logo_uri, behaviour=behaviour, sections=sections)


def _optimize_sections(spec: Mapping[str, Any], named: Mapping[str, Plan | Scheme], data: pd.DataFrame,
                       chosen: str, criteria: Any, lang: str, seed: int, currency: str, tick: Step) -> tuple[str, ...]:
    """The search section (:mod:`.optimize_section`), as one more section of the page."""
    from .optimize_section import optimize_section, run_search

    tick("optimize")
    name, result = run_search(spec, named, data, chosen, criteria=criteria, lang=lang, seed=seed)
    return (optimize_section(plan_title(named[name], lang, fallback=name), result, lang=lang, currency=currency),)
