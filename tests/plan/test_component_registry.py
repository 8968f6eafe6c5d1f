"""A component kind is one module: a kind defined in this test file only joins every part of kpilab.

``Ladder`` pays ``amount`` for every whole ``step`` of a metric (a deal ladder).
It is registered through the public :func:`kpilab.plan.register` and then
parsed, validated with key paths, written back, paid by the engine, explained
(trace table and a rep's statement), given dashboard controls and swept by the
lint, without a line of kpilab changed. The analyses that ask a kind questions
(gaming's thresholds, fit, fines) and the bonus regulation take it too; so does
``Demerit``, a fine of another shape than ``penalty``, in the fines analysis, the
lint's lawful-limit check and the regulation's reduction clauses. Their words
come from the catalog by key: the test adds its keys to the loaded catalogs, as a
plug-in's catalog file would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab.analysis import fines_vs_bonuses, lint, payout_curve
from kpilab.analysis.fit import fit_plan
from kpilab.analysis.gaming import padding_gains, thresholds
from kpilab.dashboard.specs import control_specs
from kpilab.engine.explain import statement_lines
from kpilab.errors import PlanError
from kpilab.i18n import catalog
from kpilab.plan import Plan, registered
from kpilab.plan.kinds import (ComponentKind, Facts, FineTerms, Note, RegulationWords, StatementItem, StatementWords,
                               TraceLine, TraceWords, Tunable, check_metric, check_number, copy_keys, register, require,
                               unregister)
from kpilab.report.regulation import build_regulation


@dataclass(frozen=True)
class Ladder(ComponentKind):
    """``ladder``: ``amount`` for every whole ``step`` of ``metric`` reached."""

    metric: str = ""
    step: float = 1.0
    amount: float = 0.0

    kind: ClassVar[str] = "ladder"
    keys: ClassVar[frozenset[str]] = frozenset({"name", "kind", "metric", "step", "amount"})

    def problems(self, path: str) -> list[tuple[str, str]]:
        out = super().problems(path)
        check_metric(out, path, self.metric)
        check_number(out, f"{path}.step" if path else "step", self.step, minimum=0.0, strict=True, what="step")
        check_number(out, f"{path}.amount" if path else "amount", self.amount, what="amount")
        return out

    @classmethod
    def parse_fields(cls, data: Mapping[str, Any], path: str, problems: list) -> dict[str, Any]:
        args = copy_keys(data, ("metric", "step", "amount"))
        for key in ("metric", "step", "amount"):
            require(data, key, path, problems)
        return args

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "metric": self.metric, "step": self.step,
                "amount": self.amount}

    def pay(self, cols: Facts, note: Note) -> np.ndarray:
        value = cols.facts[self.metric]
        rungs = np.floor(value / self.step)
        if note:
            note({"value": value, "rungs": rungs})
        return rungs * self.amount

    def explain(self, step: Mapping[str, Any], words: TraceWords, paid: float) -> list[TraceLine]:
        value, rungs = float(step["value"][0]), float(step["rungs"][0])
        return [("component", self.name, f"ladder: {self.metric} {words.number(value)} = {rungs:g} rungs of "
                 f"{self.step:g} × {words.money(self.amount)}", rungs * self.amount)]

    def statement(self, step: Mapping[str, Any], words: StatementWords) -> list[StatementItem]:
        rungs = float(step["rungs"][0])
        return [("explain.line.ladder", {"title": words.title(self), "rungs": words.number(rungs),
                                         "money": words.money(self.amount)}, rungs * self.amount, 0)]

    def tunables(self) -> list[Tunable]:
        return [Tunable("amount", "money", "amount", self.amount),
                Tunable("step", "count", "ladder_step", self.step, metric=self.metric, lower=True)]

    def value_marks(self, metric: str) -> list[float]:
        return [self.step] if metric == self.metric else []

    def regulation_rows(self, words: RegulationWords) -> list[list[str]]:
        return [[words.title(self), words.label(self.metric), "—", "—", "—",
                 words.t("regulation.ladder", money=words.money(self.amount), step=words.number(self.step),
                         metric=words.metric(self.metric, "gen"))]]


@dataclass(frozen=True)
class Demerit(ComponentKind):
    """``demerit``: a fine of ``amount`` for each ``metric`` unit above ``free``, with no cap (a reduction)."""

    metric: str = ""
    amount: float = 0.0
    free: float = 0.0

    kind: ClassVar[str] = "demerit"
    keys: ClassVar[frozenset[str]] = frozenset({"name", "kind", "metric", "amount", "free"})
    deduction: ClassVar[bool] = True

    @classmethod
    def parse_fields(cls, data: Mapping[str, Any], path: str, problems: list) -> dict[str, Any]:
        return copy_keys(data, ("metric", "amount", "free"))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "metric": self.metric, "amount": self.amount, "free": self.free}

    def pay(self, cols: Facts, note: Note) -> np.ndarray:
        return -self.amount * np.maximum(0.0, cols.facts[self.metric] - self.free)

    def fine_terms(self) -> FineTerms:
        return FineTerms(self.metric, self.amount, self.free)


WORDS = {
    "en": {"explain.title.ladder": "Ladder bonus for {acc}",
           "explain.line.ladder": "{title}: {rungs} rungs × {money} → {amount}",
           "dashboard.ladder_step": "Step of {metric}",
           "regulation.ladder": "{money} for every {step} {metric}",
           "explain.title.demerit": "Demerits for {acc}"},
}


@pytest.fixture
def ladder(monkeypatch: pytest.MonkeyPatch):
    """The kind registered for one test, with its words in the English catalog."""
    for key, text in WORDS["en"].items():
        monkeypatch.setitem(catalog("en"), key, text)
    register(Ladder)
    register(Demerit)
    yield Ladder
    unregister("ladder")
    unregister("demerit")


PLAN = {
    "name": "ladder plan", "base": 40000, "target_bonus": 10000, "targets": {"revenue": 1000000},
    "components": [
        {"name": "revenue_bonus", "kind": "bonus", "metric": "revenue", "share": 1.0,
         "curve": {"points": [[0.8, 0.5], [1.0, 1.0]]}},
        {"name": "deal_ladder", "kind": "ladder", "metric": "deals", "step": 3, "amount": 1500},
    ],
}

TEAM = pd.DataFrame({"rep_id": ["a", "b", "c"], "period": ["2026-01"] * 3,
                     "revenue": [1000000.0, 800000.0, 500000.0], "deals": [7.0, 2.0, 9.0]})


def test_registered_after_the_built_in_kinds(ladder) -> None:
    assert list(registered()) == ["bonus", "scorecard", "commission", "team", "penalty", "ladder", "demerit"]


def test_parses_and_writes_back(ladder) -> None:
    plan = Plan.from_dict(PLAN)
    comp = plan.component("deal_ladder")
    assert isinstance(comp, Ladder) and (comp.step, comp.amount) == (3, 1500)
    assert plan.to_dict()["components"][1] == PLAN["components"][1]
    assert Plan.from_dict(plan.to_dict()) == plan


def test_validates_with_key_paths(ladder) -> None:
    bad = {**PLAN, "components": [PLAN["components"][0],
                                  {"name": "deal_ladder", "kind": "ladder", "metric": "deals", "step": 0,
                                   "amount": 1500, "stpe": 2}]}
    with pytest.raises(PlanError) as err:
        Plan.from_dict(bad)
    paths = dict(err.value.problems)
    assert "did you mean 'step'" in paths["components[1].stpe"]
    missing = {**PLAN, "components": [{"name": "deal_ladder", "kind": "ladder", "metric": "deals", "step": 0}]}
    with pytest.raises(PlanError) as err:
        Plan.from_dict(missing)
    assert dict(err.value.problems)["components[0].amount"] == "is required"
    zero = {**PLAN, "components": [{"name": "deal_ladder", "kind": "ladder", "metric": "deals", "step": 0,
                                    "amount": 1}]}
    with pytest.raises(PlanError) as err:
        Plan.from_dict(zero)
    assert dict(err.value.problems)["components[0].step"] == "step must be > 0, got 0"


def test_an_unregistered_kind_is_refused_with_the_registered_ones_listed() -> None:
    with pytest.raises(PlanError) as err:
        Plan.from_dict(PLAN)
    assert dict(err.value.problems)["components[1].kind"] == (
        "unknown kind 'ladder'; one of bonus, scorecard, commission, team, penalty")


def test_the_engine_pays_it(ladder) -> None:
    """deals 7, 2, 9 with a step of 3: 2, 0 and 3 rungs × 1 500 = 3 000, 0 and 4 500.

    Revenue at 100 %, 80 % and 50 % of plan: 10 000 × 1.0, × 0.5 and 0 (under the first point).
    """
    table = kpilab.evaluate(Plan.from_dict(PLAN), TEAM).table
    assert table["deal_ladder"].tolist() == [3000.0, 0.0, 4500.0]
    assert table["revenue_bonus"].tolist() == [10000.0, 5000.0, 0.0]
    assert table["total"].tolist() == [53000.0, 45000.0, 44500.0]


def test_it_is_explained_from_the_engines_trace(ladder) -> None:
    payouts = kpilab.evaluate(Plan.from_dict(PLAN), TEAM)
    trace = payouts.explain("a", "2026-01")
    table = trace.table
    own = table[(table["step"] == "component") & (table["item"] == "deal_ladder")].iloc[0]
    assert own["amount"] == 3000.0
    assert own["detail"] == "ladder: deals 7 = 2 rungs of 3 × 1 500.00"
    paid = table[(table["step"] == "paid") & (table["item"] == "deal_ladder")].iloc[0]
    assert paid["amount"] == 3000.0
    lines = statement_lines(payouts, "a", "2026-01", lang="en")
    # header (2 lines), salary, the revenue bonus, then the ladder in the catalog's words
    assert lines[4] == "Ladder bonus for deals: 2 rungs × 1,500\xa0₽ → 3,000\xa0₽"
    assert lines[-1].startswith("Total pay: 53,000")


def test_the_dashboard_and_the_lint_read_it(ladder) -> None:
    plan = Plan.from_dict(PLAN)
    specs = {s.path: s for s in control_specs(plan, "en")}
    assert specs["components[1].amount"].fmt == ",.0f"
    step = specs["components[1].step"]
    assert (step.text, step.low, step.high, step.step) == ("Step of deals", 0.0, 20.0, 1.0)
    curve = payout_curve(plan, "deals")
    assert curve["attainment"].iloc[-1] == 6.0  # the sweep reaches twice the ladder's step
    assert curve["deal_ladder"].iloc[-1] == 3000.0


def _docx_text(doc: Any) -> tuple[list[str], list[list[str]]]:
    """The paragraphs of a python-docx document, and every table row as its cells' text."""
    return ([p.text for p in doc.paragraphs],
            [[c.text for c in row.cells] for table in doc.tables for row in table.rows])


def test_gaming_reads_where_its_pay_turns(ladder) -> None:
    """The ladder's first rung (3 deals) is a threshold a rep would aim at; a ladder on calls is padded.

    Calls 8 with a step of 3 is 2 rungs; the calls plan is 30, so padding may add up to 10 % = 3 calls:
    the first extra call reaches 9 = 3 rungs, + 1 500 (1 500 a call).
    """
    assert thresholds(Plan.from_dict(PLAN), "deals") == [(3.0, "value")]
    calls = Plan.from_dict({**PLAN, "targets": {"revenue": 1000000, "calls": 30}, "components": [
        PLAN["components"][0], {"name": "call_ladder", "kind": "ladder", "metric": "calls", "step": 3, "amount": 1500}]})
    gains = padding_gains(calls, TEAM.assign(calls=[8.0, 9.0, 2.0]))
    assert gains[["units", "gain", "per_unit"]].to_numpy().tolist() == [[1.0, 1500.0, 1500.0], [3.0, 1500.0, 500.0],
                                                                       [1.0, 1500.0, 1500.0]]


def test_fit_drops_it_when_the_data_lacks_its_metric(ladder) -> None:
    fit = fit_plan(Plan.from_dict(PLAN), ["rep_id", "period", "revenue"])
    assert fit.missing == ("deals",)
    assert [c.name for c in fit.fitted.components] == ["revenue_bonus"]
    assert [(c.kind, c.path) for c in fit.changes] == [("drop_component", "components[1]")]
    assert fit.changes[0].text("en") == "«Ladder bonus for deals» is dropped: the data has no «Deals»."


FINED = {**PLAN, "components": [*PLAN["components"],
                                {"name": "late_reports", "kind": "demerit", "metric": "late", "amount": 2500, "free": 1}]}


def test_a_fine_of_another_kind_gets_its_lawful_twin_and_its_checks(ladder) -> None:
    """late 0, 3, 6 with 1 free: fines of 0, 5 000 and 12 500 (no cap: the twin spans the 95th percentile
    of the excess, 2 + 0.9 × 3 = 4.7 units); the ladder is kept and paid as before."""
    plan = Plan.from_dict(FINED)
    team = TEAM.assign(late=[0.0, 3.0, 6.0])
    assert kpilab.evaluate(plan, team).table["late_reports"].tolist() == [0.0, -5000.0, -12500.0]
    result = fines_vs_bonuses(plan, team)
    twin = result.bonus_plan
    assert [c.name for c in twin.components] == ["revenue_bonus", "deal_ladder", "discipline_late_reports"]
    assert twin.component("discipline_late_reports").curve.xs == pytest.approx((1.0, 5.7))
    assert result.payouts["bonus"].table["deal_ladder"].tolist() == [3000.0, 0.0, 4500.0]
    assert result.table.loc["payroll", "bonus"] == pytest.approx(result.table.loc["payroll", "fines"], abs=1.0)
    # the lint checks it against the lawful limit, 20 % of (40 000 + 10 000) = 10 000: at the team's 99th
    # percentile, 5.94 late reports, it takes 2 500 × 4.94 = 12 350
    found = [f for f in lint(plan, team).findings if f.kind == "unlawful_fine"]
    assert [(f.component, f.value) for f in found] == [("late_reports", pytest.approx(2500.0 * 4.94))]


def test_the_regulation_states_them(ladder) -> None:
    paragraphs, rows = _docx_text(build_regulation(Plan.from_dict(FINED), team=TEAM.assign(late=[0.0, 3.0, 6.0]),
                                                   lang="en"))
    assert ["Ladder bonus for deals", "Deals", "—", "—", "—", "1,500\xa0₽ for every 3 deals"] in rows
    assert "The month's bonus is reduced by 2,500\xa0₽ for each unit of «late» above 1." in paragraphs
    assert not any(row[0].startswith("Demerits") for row in rows)  # a fine is a reduction, not a paid part


def test_a_kind_that_says_nothing_still_gets_its_row(ladder, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without its own regulation_rows a paid part is still listed, by its title and what it reads."""
    monkeypatch.setattr(Ladder, "regulation_rows", ComponentKind.regulation_rows)
    _, rows = _docx_text(build_regulation(Plan.from_dict(PLAN), lang="en"))
    assert ["Ladder bonus for deals", "Deals", "—", "—", "—", "—"] in rows


def test_the_response_models_bunching_asks_the_kind_where_pay_jumps(ladder, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bunching thresholds come from each kind's ``attainment_jumps``: the revenue bonus starts paying at
    80 % (0 below, 0.5 at 0.8), the ladder pays on raw deals and so names no attainment; a ladder that said
    it jumps at 150 % of the deals plan would be heard without editing the response model."""
    from kpilab.analysis.response.bunching import thresholds

    plan = Plan.from_dict(PLAN)
    assert thresholds(plan, "revenue") == [0.8]
    assert thresholds(plan, "deals") == []
    monkeypatch.setattr(Ladder, "attainment_jumps", lambda self, metric: [1.5] if metric == self.metric else [])
    assert thresholds(plan, "deals") == [1.5]
