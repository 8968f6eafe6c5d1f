"""The bonus regulation ("Polozhenie o premirovanii") of a plan, as a DOCX draft for a lawyer's review.

The document an employee reads and signs: what the bonus is for, whom it
covers, the salary and the target bonus, each KPI with its plan, weight and
scale (tables), when the bonus is paid or reduced, the disciplinary bonus cut
allowed by the Labour Code (only in the month of the sanction, at most 20 % of
the monthly wage, grounds in the order: article 135 as amended by federal law
No. 144-FZ), the pay periods, and worked examples for three typical reps of the
client's team (low, median and high pay), computed by the engine and worded by
:func:`kpilab.engine.explain.statement_lines`. It says on its first page, in its
header and at its end that it is a draft to be checked by a lawyer.

Every word comes from the ``regulation.*`` catalogs; every figure from the plan
or the engine. Built with python-docx.

Note: this module belongs in the ``kpilab/report/`` package once the report
becomes one (``kpilab/report/regulation.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..engine.explain import _StatementWords, component_title, describe_condition, metric_words, statement_lines
from ..engine.explain import plan_title as _plan_title
from ..i18n import fmt_money, fmt_number, fmt_percent, label, t
from ..plan import Plan, Scheme

__all__ = ["write_regulation", "build_regulation", "scale_words", "typical_rows"]


def _pct(value: float, lang: str) -> str:
    value = float(value)
    pct = round(value * 100, 6)
    return fmt_percent(value, lang, 0 if pct.is_integer() else (1 if round(pct * 10, 6).is_integer() else 2))


def _coef(value: float, lang: str) -> str:
    text = fmt_number(value, lang, 2)
    sep = "," if lang == "ru" else "."
    return text.rstrip("0").rstrip(sep) if sep in text else text


def _x_words(metric: str, x: float, basis: str, lang: str, currency: str) -> str:
    """A point of a scale: a share of the plan («80 %») or a value («960 000 ₽», «4»)."""
    from ..engine.explain import _metric_value

    return _pct(x, lang) if basis == "attainment" else _metric_value(metric, x, lang, currency)


def scale_words(curve: Any, metric: str, basis: str, lang: str, currency: str = "RUB") -> str:
    """A curve as the regulation states it: "80 % -> 0.4; 100 % -> 1; 150 % -> 3; above, along the same line" (in the document's language)."""
    x = lambda v: _x_words(metric, v, basis, lang, currency)  # noqa: E731
    parts: list[str] = []
    if curve.kind == "points":
        parts.append(t("regulation.scale.below", lang, x=x(curve.xs[0]), y=_coef(curve.below, lang)))
        parts += [t("regulation.scale.point", lang, x=x(a), y=_coef(b, lang)) for a, b in zip(curve.xs, curve.ys)]
        parts.append(t("regulation.scale.between", lang))
        parts.append(t("regulation.scale.extend" if curve.extend else "regulation.scale.flat", lang,
                       x=x(curve.xs[-1]), y=_coef(curve.ys[-1], lang)))
    else:
        parts.append(t("regulation.scale.below", lang, x=x(curve.xs[0]), y=_coef(curve.below, lang)))
        parts += [t("regulation.scale.step", lang, x=x(a), y=_coef(b, lang)) for a, b in zip(curve.xs, curve.ys)]
    return "; ".join(parts)


def typical_rows(payouts: Any) -> list[tuple[str, int]]:
    """Three rep-periods of the team: the lowest, the median and the highest pay (nearest rank on ``total``)."""
    total = payouts.table["total"].to_numpy(dtype=float)
    order = np.argsort(total, kind="stable")
    picks = [int(order[round(q * (len(order) - 1))]) for q in (0.1, 0.5, 0.9)]
    return list(zip(("low", "median", "high"), picks))


class _Doc:
    """A thin writer over python-docx: headings, paragraphs and tables with the house layout."""

    def __init__(self, lang: str) -> None:
        from docx import Document
        from docx.shared import Pt

        self.doc = Document()
        style = self.doc.styles["Normal"]
        style.font.name = "Times New Roman"
        style.font.size = Pt(12)
        self.lang = lang
        self._section = 0

    def heading(self, text: str, level: int = 1) -> None:
        if level == 1:
            self._section += 1
            text = f"{self._section}. {text}"
        self.doc.add_heading(text, level=level)

    def para(self, text: str, *, bold: bool = False, italic: bool = False, center: bool = False) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        p = self.doc.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def items(self, texts: Sequence[str]) -> None:
        for text in texts:
            self.doc.add_paragraph(text, style="List Bullet")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row):
                cell.text = text
        self.doc.add_paragraph()


def _plans(plan: Plan | Scheme) -> list[tuple[str | None, Plan]]:
    return list(plan.plans().items())


class _Words(_StatementWords):
    """The regulation's words for a pay part of ``plan`` (:class:`kpilab.plan.kinds.RegulationWords`): each kind
    writes its own rows and clauses with them, so a new kind joins the document without an edit here.

    The statement's words (labels, money, rates, the catalog in ``lang``), plus the regulation's own: the plan
    cell, a scale, a weight, the money at 100 %, and percentages with as many decimals as they need.
    """

    def __init__(self, plan: Plan, lang: str) -> None:
        super().__init__(lang, plan.currency, plan)

    def target(self, metric: str, basis: str) -> str:
        return _plan_figure(metric, self.plan.targets.get(metric), basis, self.lang, self.currency)

    def scale(self, curve: Any, metric: str, basis: str) -> str:
        return scale_words(curve, metric, basis, self.lang, self.currency)

    def weight(self, component: Any) -> str:
        share = getattr(component, "share", None)
        return _pct(share, self.lang) if share is not None else t("regulation.fixed_amount", self.lang)

    def at_target(self, component: Any) -> str:
        amount, share = getattr(component, "amount", None), getattr(component, "share", None)
        return self.money(amount if amount is not None else (share or 0) * self.plan.target_bonus)

    def pct(self, value: float) -> str:
        return _pct(value, self.lang)


def _kpi_rows(plan: Plan, lang: str) -> list[list[str]]:
    """One row per paid part (a scorecard: one row per KPI): part, metric, plan, weight, amount at 100 %, scale."""
    words = _Words(plan, lang)
    return [row for comp in plan.components for row in comp.regulation_rows(words)]


def _plan_figure(metric: str, target: float | None, basis: str, lang: str, cur: str) -> str:
    from ..engine.explain import _metric_value

    if target is None:
        return t("regulation.personal_plan", lang) if basis == "attainment" else "—"
    text = _metric_value(metric, float(target), lang, cur)
    return text if basis == "value" else t("regulation.plan_or_personal", lang, value=text)


def _conditions(plan: Plan, lang: str) -> list[str]:
    """When the bonus is paid, reduced or limited, in plain sentences."""
    cur = plan.currency
    out: list[str] = []
    titles = lambda names: ", ".join(f"«{component_title(plan.component(n), lang, plan)}»" for n in names)  # noqa: E731
    for gate in plan.gates:
        names = [c.name for c in plan.components if not c.deduction] if gate.applies_to == "all" \
            else list(gate.applies_to)
        out.append(t("regulation.gate", lang, count=len(names), parts=titles(names), cond=describe_condition(gate.when, lang, cur)))
    for mod in plan.modifiers:
        names = [c.name for c in plan.components if not c.deduction] if mod.applies_to == "all" \
            else list(mod.applies_to)
        out.append(t("regulation.modifier", lang, parts=titles(names), metric=metric_words(mod.metric, lang, "gen"),
                     scale=scale_words(mod.curve, mod.metric, mod.basis, lang, cur)))
    words = _Words(plan, lang)
    out += [clause for comp in plan.components for clause in comp.regulation_clauses(words)]
    limits = plan.limits
    if limits.variable_cap is not None or limits.variable_cap_share is not None:
        cap = limits.variable_cap if limits.variable_cap is not None else limits.variable_cap_share * plan.target_bonus
        out.append(t("regulation.cap", lang, cap=fmt_money(cap, lang, cur)))
    if limits.floor == "base":
        out.append(t("regulation.floor_base", lang))
    elif limits.floor is not None:
        out.append(t("regulation.floor", lang, floor=fmt_money(float(limits.floor), lang, cur)))
    out.append(t("regulation.no_fines", lang))
    return out


def build_regulation(plan: Plan | Scheme, *, team: pd.DataFrame | None = None, lang: str = "ru",
                     client: str | None = None, title: str | None = None) -> Any:
    """The regulation as a python-docx ``Document`` (see :func:`write_regulation`)."""
    from docx.shared import Pt

    d = _Doc(lang)
    plan_title = title or _plan_title(plan, lang)
    employer = client or t("regulation.employer_default", lang)
    section = d.doc.sections[0]
    section.header.paragraphs[0].text = t("regulation.header", lang)
    d.para(t("regulation.draft_banner", lang), bold=True, center=True)
    d.para(t("regulation.approved", lang, employer=employer))
    title_p = d.doc.add_heading(t("regulation.title", lang), level=0)
    title_p.runs[0].font.size = Pt(20)
    d.para(t("regulation.subtitle", lang, plan=plan_title, employer=employer), center=True)

    d.heading(t("regulation.h.purpose", lang))
    d.para(t("regulation.purpose", lang, employer=employer))
    d.para(t("regulation.legal_basis", lang))

    d.heading(t("regulation.h.scope", lang))
    plans = _plans(plan)
    if isinstance(plan, Scheme):
        d.para(t("regulation.scope_roles", lang, roles=", ".join(f"«{label(r, lang)}»" for r, _ in plans)))
    else:
        d.para(t("regulation.scope", lang))

    d.heading(t("regulation.h.pay", lang))
    header = [t("regulation.col.role", lang), t("regulation.col.base", lang), t("regulation.col.target", lang),
              t("regulation.col.cap", lang), t("regulation.col.floor", lang)]
    rows = []
    for role, p in plans:
        cur = p.currency
        cap = p.limits.variable_cap if p.limits.variable_cap is not None else (
            p.limits.variable_cap_share * p.target_bonus if p.limits.variable_cap_share is not None else None)
        floor = fmt_money(p.base, lang, cur) if p.limits.floor == "base" else (
            "—" if p.limits.floor is None else fmt_money(float(p.limits.floor), lang, cur))
        rows.append([label(role, lang) if role else t("regulation.all_reps", lang), fmt_money(p.base, lang, cur),
                     fmt_money(p.target_bonus, lang, cur), "—" if cap is None else fmt_money(cap, lang, cur), floor])
    d.table(header, rows)
    d.para(t("regulation.pay_explained", lang))

    d.heading(t("regulation.h.kpis", lang))
    kpi_header = [t("regulation.col.part", lang), t("regulation.col.metric", lang), t("regulation.col.plan", lang),
                  t("regulation.col.weight", lang), t("regulation.col.amount", lang), t("regulation.col.scale", lang)]
    for role, p in plans:
        if role:
            d.heading(label(role, lang), level=2)
        kpi_rows = _kpi_rows(p, lang)
        if kpi_rows:
            d.table(kpi_header, kpi_rows)
        else:
            d.para(t("regulation.no_bonus", lang))
    d.para(t("regulation.kpis_explained", lang))

    d.heading(t("regulation.h.conditions", lang))
    for role, p in plans:
        if role:
            d.heading(label(role, lang), level=2)
        d.items(_conditions(p, lang))

    d.heading(t("regulation.h.discipline", lang))
    d.items([t(f"regulation.discipline.{i}", lang) for i in range(1, 6)])

    d.heading(t("regulation.h.periods", lang))
    d.items([t(f"regulation.periods.{i}", lang) for i in range(1, 5)])

    if team is not None and len(team):
        from ..engine import evaluate

        payouts = evaluate(plan, team)
        rounded = payouts.rounded()
        d.heading(t("regulation.h.examples", lang))
        d.para(t("regulation.examples_intro", lang))
        summary = []
        letters = t("regulation.example_letters", lang).split(",")
        for (kind, pos), letter in zip(typical_rows(payouts), letters):
            row = payouts.table.iloc[pos]
            who = t("regulation.example_name", lang, letter=letter.strip())
            d.heading(t(f"regulation.example.{kind}", lang, who=who), level=2)
            lines = statement_lines(payouts, row["rep_id"], row["period"],
                                    row["scenario"] if "scenario" in row.index else None, lang, header=False,
                                    plan_title=plan_title)
            from ..engine.explain import period_words

            d.para(t("regulation.example_period", lang, period=period_words(row["period"], lang)))
            for line in lines:
                d.doc.add_paragraph(line.strip(), style="List Bullet 2" if line.startswith("    ") else "List Bullet")
            r = rounded.iloc[pos]
            cur = (plan if isinstance(plan, Plan) else next(iter(plan.plans().values()))).currency
            summary.append([who, period_words(row["period"], lang), fmt_money(r["base"], lang, cur, 2),
                            fmt_money(r["variable"], lang, cur, 2), fmt_money(r["total"], lang, cur, 2)])
        d.heading(t("regulation.h.examples_summary", lang), level=2)
        d.table([t("regulation.col.example", lang), t("regulation.col.period", lang), t("regulation.col.base", lang),
                 t("regulation.col.variable", lang), t("regulation.col.total", lang)], summary)

    d.heading(t("regulation.h.final", lang))
    d.items([t(f"regulation.final.{i}", lang) for i in range(1, 5)])
    d.para(t("regulation.draft_end", lang), bold=True)
    return d.doc


def write_regulation(plan: Plan | Scheme, path: str | Path, *, team: pd.DataFrame | None = None,
                     lang: str = "ru", client: str | None = None, title: str | None = None,
                     write: Callable[..., None] | None = None, inputs: Sequence[str | Path] = ()) -> Path:
    """Write the bonus regulation of ``plan`` to ``path`` (DOCX); returns the path.

    Parameters
    ----------
    plan
        The plan or scheme the regulation states.
    team
        The client's team: worked examples for three typical reps (low, median
        and high pay); left out without a team.
    lang
        ``"ru"`` (the document an employee signs) or ``"en"`` (a reading copy).
    client
        The employer's name.
    title
        The plan's name as the client reads it (default: ``plan.name``).
    write
        ``write(path, writer, inputs=...)``; default: write through a temporary
        file and rename (:func:`kpilab.safe_write.write_file_atomically`).
    """
    doc = build_regulation(plan, team=team, lang=lang, client=client, title=title)
    if write is None:
        from ..safe_write import write_file_atomically as write
    write(path, lambda p: doc.save(str(p)), inputs=inputs)
    return Path(path)
