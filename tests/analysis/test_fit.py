"""Fitting a plan to the client's data: what is missing, and a variant that runs (kpilab.analysis.fit)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kpilab import evaluate, load_plan
from kpilab.analysis.fit import fit_plan, missing_metrics
from kpilab.cli import main
from kpilab.data import datasets
from kpilab.data.profiles import load_client_team, load_profile
from kpilab.plan import Plan

EXPORT = datasets.DATA_DIR / "client_export.xlsx"
PROFILE = datasets.DATA_DIR / "client_export.profile.yaml"


@pytest.fixture(scope="module")
def client_team():
    return load_client_team(EXPORT, load_profile(PROFILE))


def test_the_demos_recommended_plan_runs_on_the_client_export_once_fitted(client_team) -> None:
    """balanced_kpi is what `kpilab demo` recommends (tests/test_cli.py checks the demo prints a recommendation).

    The export has calls and meetings but no emails or follow-ups: the activity scorecard keeps calls and
    meetings at 0.3 / (0.3 + 0.3) = 0.5 each, and the emails and follow-ups minimums (modifiers) are lifted.
    Петрова Е., 2026-02 (Balanced KPI version 3, the regenerated export): 1 016 calls and 31 meetings are past
    120 % of 800 and 20, so both score 1.1 and the activity bonus is 1.1 × 4 500 = 4 950; 14 deals are past 12,
    so 2.0 × 4 500 = 9 000; both are paid since revenue 1 113 635 clears 960 000. Revenue scores
    (1 113 635 − 600 000) / 600 000 = 0.856058…, so 36 000 × 0.856058… = 30 818.10. Calls and meetings are
    over 50 % of plan, so the activity minimums leave the bonuses whole.
    Total 45 000 + 4 950 + 9 000 + 30 818.10 = 89 768.10.
    """
    plan = datasets.load_plan("balanced_kpi")
    with pytest.raises(Exception, match="emails|follow_ups"):
        evaluate(plan, client_team)
    fit = fit_plan(plan, client_team)
    assert fit.missing == ("emails", "follow_ups") and not fit.runs_as_is
    assert [(k.metric, k.weight) for k in fit.fitted.component("activity").kpis] == [("calls", 0.5), ("meetings", 0.5)]
    assert [c.share for c in fit.fitted.components] == [0.1, 0.1, 0.8]  # the other parts are untouched
    assert [m.metric for m in fit.fitted.modifiers] == ["calls", "meetings"]
    paid = evaluate(fit.fitted, client_team).rounded().set_index(["rep_id", "period"])
    row = paid.loc[("Петрова Е.", "2026-02")]
    assert (row["activity"], row["deals_bonus"], row["revenue_bonus"], row["total"]) == \
        (4_950.0, 9_000.0, 30_818.10, 89_768.10)


def test_dropped_components_hand_their_share_to_the_rest(client_team) -> None:
    """multi_condition: CRM (0.2) and account (0.2) bonuses go; sales 0.4 and phone 0.2 scale by 1 / 0.6."""
    fit = fit_plan(datasets.load_plan("multi_condition"), client_team)
    assert fit.missing == ("crm_quality", "emails", "follow_ups", "repeat_revenue")
    shares = {c.name: c.share for c in fit.fitted.components}
    assert shares.keys() == {"sales_bonus", "phone_bonus"}
    assert shares["sales_bonus"] == pytest.approx(2 / 3) and shares["phone_bonus"] == pytest.approx(1 / 3)
    # the missed-calls gate of the phone bonus stays; the two gates of dropped parts go
    assert [g.applies_to for g in fit.fitted.gates] == [("phone_bonus",)]
    kinds = [c.kind for c in fit.changes]
    assert kinds == ["drop_component", "drop_component", "reweight_shares", "drop_gate_orphan", "drop_gate_orphan"]
    evaluate(fit.fitted, client_team)


def test_a_condition_on_a_missing_metric_is_lifted_and_an_all_of_is_weakened() -> None:
    plan = Plan.from_dict({
        "name": "g", "base": 100, "target_bonus": 50, "targets": {"revenue": 10, "emails": 5},
        "components": [{"name": "b", "kind": "bonus", "metric": "revenue", "share": 1,
                        "curve": {"points": [[0.5, 0], [1, 1]]}}],
        "gates": [{"applies_to": ["b"], "when": {"all": [{"metric": "revenue", "at_least": 3},
                                                        {"metric": "emails", "attainment_at_least": 0.8}]}},
                  {"applies_to": "all", "when": {"metric": "crm_quality", "at_least": 0.5}}],
        "modifiers": [{"applies_to": "all", "metric": "crm_quality", "curve": {"points": [[0, 0.5], [1, 1]]}}]})
    fit = fit_plan(plan, ["rep_id", "period", "revenue"])
    assert [c.kind for c in fit.changes] == ["weaken_gate", "drop_gate", "drop_modifier"]
    assert fit.fitted.gates[0].when.to_dict() == {"metric": "revenue", "at_least": 3}
    assert fit.fitted.modifiers == ()


def test_a_scheme_without_roles_needs_a_role(client_team) -> None:
    scheme = datasets.load_plan("roles_scheme")
    fit = fit_plan(scheme, client_team, lang="ru")
    assert fit.fitted is None and "--role" in fit.text("ru") and "«Старший менеджер» — senior" in fit.text("ru")
    senior = fit_plan(scheme, client_team, role="senior")
    assert isinstance(senior.fitted, Plan) and senior.changes[0].kind == "pick_role"
    assert abs(sum(c.share for c in senior.fitted.components if c.share) - 1.0) < 1e-12
    evaluate(senior.fitted, client_team)


def test_a_plan_that_fits_is_returned_as_it_is(client_team) -> None:
    plan = datasets.load_plan("tiered_commission")
    fit = fit_plan(plan, client_team)
    assert fit.runs_as_is and fit.fitted is plan and fit.changes == ()
    assert missing_metrics(plan, client_team) == ((), ())


def test_kpilab_fit_writes_the_fitted_plan(tmp_path: Path, capsys: pytest.CaptureFixture, client_team) -> None:
    out = tmp_path / "fitted.yaml"
    assert main(["fit", "balanced_kpi", "--team", str(EXPORT), "--profile", str(PROFILE), "--lang", "ru",
                 "-o", str(out)]) == 0
    text = capsys.readouterr().out.replace("\u00a0", " ")
    assert "«Письма», «Повторные касания»" in text and "«Звонки» 30 % → 50 %; «Встречи» 30 % → 50 %" in text
    written = load_plan(out)
    assert written.name == "Balanced KPI matrix (fitted to the client's data)"
    assert written.names["ru"].name == "Сбалансированная матрица KPI (под данные клиента)"  # the plan file's own words
    expected = fit_plan(datasets.load_plan("balanced_kpi"), client_team).fitted
    assert np.array_equal(evaluate(written, client_team).table["total"], evaluate(expected, client_team).table["total"])
