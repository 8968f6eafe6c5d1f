"""Write notebooks/*.ipynb (without outputs) from the cell sources below.

The notebooks are thin and narrative: a business question first, library calls,
charts, and assert cells at the end that check the numbers shown. Edit the
cells here and run ``.venv/bin/python scripts/make_notebooks.py``; commit the
.ipynb files it writes. CI executes every notebook with nbmake.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "notebooks"

SETUP = """import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import numpy as np
import pandas as pd
import kpilab
from kpilab import datasets, plots
pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 30)"""


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip())


def code(text: str, hide: bool = False) -> nbformat.NotebookNode:
    cell = new_code_cell(text.strip())
    if hide:
        cell.metadata["tags"] = ["hide-input"]
        cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


NOTEBOOKS: dict[str, list[nbformat.NotebookNode]] = {}

NOTEBOOKS["01_quickstart"] = [
    md("""
# 01 · Quickstart: what would this plan pay my team?

**Business question.** *I have a sales team and a bonus plan on paper. What would each rep
earn under it, why does a given rep get that amount, and does the plan actually pay for
performance?*

We load the bundled sample team (30 reps × 12 months of 2026, synthetic) and the bundled
*Balanced KPI matrix* plan, compute every payout, explain one rep's pay line by line, and ask
kpilab for its verdict.
"""),
    code(SETUP),
    md("## The team and the plan"),
    code("""team = datasets.load_sample_team()
plan = datasets.load_plan("balanced_kpi")
print(plan.name, "—", plan.description)
team.head()"""),
    md("## Payouts: one row per rep and month, every part of the pay in its own column"),
    code("""payouts = kpilab.evaluate(plan, team)
payouts.rounded().head()"""),
    code("""monthly = payouts.table.groupby("period")["total"].sum()
print(f"Payroll for the year: {monthly.sum():,.0f} RUB, {monthly.mean():,.0f} RUB a month on average")"""),
    md("## Why does R03 get what they get in March?"),
    code("""explanation = payouts.explain("R03", "2026-03")
print(explanation)"""),
    code("""plots.plot_waterfall(payouts, "R03", "2026-03");"""),
    md("""
## The verdict: does the plan pay for performance?

kpilab checks a few plain criteria: does pay rank reps as their revenue does, does the top
quarter earn clearly more than minimum-doers, is there real upside, and are there
inversions (someone with clearly more revenue earning less).
"""),
    code("""report = kpilab.differentiation(payouts)
print(report)"""),
    code("""plots.plot_pay_vs_performance(payouts);"""),
    md("## Checks: the numbers above are what they claim to be"),
    code("""row = payouts.table.query("rep_id == 'R03' and period == '2026-03'").iloc[0]
assert f"{row['total']:,.2f}".replace(",", "") in str(explanation).replace(",", "").replace("\\u00a0", "").replace(" ", "")
parts = ["base", *payouts.component_names, "cap_adjustment", "floor_adjustment"]
assert np.allclose(payouts.table[parts].sum(axis=1), payouts.table["total"])
assert round(monthly.sum(), 2) == round(payouts.table["total"].sum(), 2)
assert report.metrics["payroll"] == payouts.table["total"].sum()
assert report.passed == bool(report.verdict["passed"].dropna().all())
assert len(payouts.table) == len(team) == 360"""),
]

NOTEBOOKS["02_design_kpi_matrix"] = [
    md("""
# 02 · Designing a KPI matrix step by step

**Business question.** *We pay a salary and everyone earns the same. We want a KPI matrix:
mandatory activity plans (calls, meetings) plus results. Which step actually makes pay follow
performance — and which step only looks like it does?*

We start from a plain salary and add one piece at a time with `Plan.from_dict` and
`dataclasses.replace` (a plan is never mutated), watching the verdict after each step.
"""),
    code(SETUP + """
import dataclasses
from kpilab.plan import Bonus, Curve, Gate, Condition, Kpi, Scorecard

team = datasets.load_sample_team()

def verdict(plan):
    report = kpilab.differentiation(kpilab.evaluate(plan, team))
    m = report.metrics
    print(f"{plan.name}: {'PASS' if report.passed else 'FAIL'} | rho {m['rho']:.2f} | top/minimum "
          f"{m['top_to_minimum']:.2f}x | P90 variable {m['p90_target_multiple']:.2f}x target | "
          f"inversions {m['inversions']:.0f} | payroll {m['payroll']:,.0f}")
    return report"""),
    md("## Step 0 · Salary only: 120 000 RUB a month for everyone"),
    code("""step0 = kpilab.Plan.from_dict({"name": "Step 0: salary", "base": 120000, "target_bonus": 0,
                               "components": []})
r0 = verdict(step0)"""),
    md("""
## Step 1 · Mandatory activity plans only (calls and meetings)

Half the pay becomes a scorecard bonus on calls and meetings against each rep's personal plan.
This is what many departments do first.
"""),
    code("""activity_curve = {"points": [[0.7, 0.5], [1.0, 1.0], [1.2, 1.1]]}
step1 = kpilab.Plan.from_dict({
    "name": "Step 1: activity scorecard", "base": 60000, "target_bonus": 60000,
    "components": [{"name": "activity", "kind": "scorecard", "share": 1.0,
                    "kpis": {"calls": {"weight": 0.5, "curve": activity_curve},
                             "meetings": {"weight": 0.5, "curve": activity_curve}}}],
})
r1 = verdict(step1)"""),
    md("""
Activity is met by minimum-doers too: they hit the call plan and stop. Pay now varies, but not
with results: the top quarter earns about what minimum-doers earn, and there are inversions
(reps who bring clearly more revenue but earn less). Activity is a means, not the goal.

## Step 2 · Move most of the bonus to revenue, with an accelerator

`dataclasses.replace` builds the next plan from the previous one: activity keeps 30 % of the
target bonus, a revenue bonus takes 70 % and pays 3× at 150 % of the plan's revenue target.
"""),
    code("""revenue_bonus = Bonus(name="revenue_bonus", metric="revenue", basis="value", share=0.7,
                      curve=Curve("points", (960000, 1200000, 1800000), (0.4, 1.0, 3.0), extend=True))
step2 = dataclasses.replace(
    step1, name="Step 2: + revenue bonus",
    targets={"revenue": 1200000},
    components=(dataclasses.replace(step1.components[0], share=0.3), revenue_bonus))
r2 = verdict(step2)"""),
    md("""
## Step 3 · Activity pays only with results

A gate: the activity scorecard pays only when the rep closes at least 4 deals in the month
(half of a typical plan). Calls without deals earn nothing extra: the payroll goes down a
little, because empty activity is no longer paid, and no rep who sells clearly more is paid
less than a colleague any more (compare the inversions before and after).
"""),
    code("""step3 = dataclasses.replace(step2, name="Step 3: + deals gate on activity",
                            gates=(Gate(("activity",), Condition("deals", "at_least", 4.0)),))
r3 = verdict(step3)"""),
    md("## Step 4 · The same plan, written as a file the consultant keeps"),
    code("""print(step3.to_yaml())
assert kpilab.Plan.from_yaml(step3.to_yaml()) == step3"""),
    md("## What changed, step by step"),
    code("""steps = {"0 salary": r0, "1 activity": r1, "2 + revenue": r2, "3 + gate": r3}
summary = pd.DataFrame({k: {"passed": r.passed, **{m: r.metrics[m] for m in
                        ("rho", "top_to_minimum", "p90_target_multiple", "inversions", "payroll")}}
                        for k, r in steps.items()})
summary"""),
    code("""ax = plots.plot_payout_curve(step3, metric="revenue", attainments=np.linspace(0, 2.4e6, 481))
ax.set_xlabel("Revenue per month, RUB");"""),
    md("## Checks"),
    code("""assert not r0.passed and abs(r0.metrics["top_to_minimum"] - 1.0) < 1e-9 and r0.metrics["inversions"] == 0
assert not r1.passed and r1.metrics["inversions"] > 0          # activity alone creates inversions
assert r1.metrics["top_to_minimum"] < 1.5 <= r2.metrics["top_to_minimum"]
assert r3.passed and r2.metrics["rho"] > r1.metrics["rho"]   # the finished design passes
assert r3.metrics["inversions"] <= r2.metrics["inversions"] < r1.metrics["inversions"]
assert r3.metrics["payroll"] < r2.metrics["payroll"]              # the gate stops paying for empty activity
assert step1.components[0].share == 1.0 and step2.components[0].share == 0.3  # replace, not mutation
assert summary.loc["payroll", "3 + gate"] == kpilab.evaluate(step3, team).table["total"].sum()
assert summary.loc["payroll", "0 salary"] == 120000 * 360"""),
]

NOTEBOOKS["03_compare_plans"] = [
    md("""
# 03 · The bundled plans side by side

**Business question.** *Which of the usual ways to pay a sales team — salary only, salary
plus fines, tiered commission, a KPI matrix, several independent bonuses, plans by role —
pays our people for what they bring, and what does each cost?*

All six bundled plans run on the same sample team. The charts are styled for a slide and
saved as PNG under `reports/notebooks/`.
"""),
    code(SETUP + """
from pathlib import Path
import matplotlib.pyplot as plt
team = datasets.load_sample_team()
plans = {name: datasets.load_plan(name) for name in datasets.plan_names()}
out = Path("../reports/notebooks"); out.mkdir(parents=True, exist_ok=True)"""),
    code("""comparison = kpilab.compare(plans, team, baseline="salary_only")
key = ["payroll", "variable_share", "cost_of_sales", "rho", "top_to_minimum", "p90_target_multiple",
       "inversions", "mean_delta", "share_losing"]
comparison.table.loc[key].round(3)"""),
    md("## The verdicts (criteria × plans)"),
    code("""comparison.verdict"""),
    md("## Charts for the slide"),
    code("""with plots.style():
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    plots.plot_comparison_bars(comparison, metrics=["rho", "top_to_minimum", "p90_target_multiple"], ax=axes[0])
    plots.plot_pay_distribution(comparison, ax=axes[1])
plots.save(fig, out / "03_compare_plans.png")"""),
    code("""with plots.style():
    fig2, ax = plt.subplots(figsize=(9, 4.5))
    plots.plot_comparison_bars(comparison, metrics="payroll", ax=ax)
plots.save(fig2, out / "03_payroll.png")"""),
    md("## Pick plans yourself (interactive)"),
    code("""from kpilab import widgets
widgets.comparison(plans, team, selected=["salary_only", "salary_fines", "balanced_kpi"])"""),
    md("## Checks"),
    code("""assert list(comparison.table.columns) == list(plans)
for name, plan in plans.items():
    assert comparison.table.loc["payroll", name] == kpilab.evaluate(plan, team).table["total"].sum()
assert comparison.table.loc["mean_delta", "salary_only"] == 0
assert comparison.verdict.loc["overall", "salary_only"] == "fail"
assert comparison.passed["balanced_kpi"] == (comparison.verdict.loc["overall", "balanced_kpi"] == "pass")
assert (out / "03_compare_plans.png").stat().st_size > 10_000"""),
]

NOTEBOOKS["04_bonus_tuner"] = [
    code('''# Bonus tuner for owners (served by `make dashboard`; this code is hidden on the page).
# Business question: what happens to pay, fairness and cost if I change the bonus? The page says it
# in the owner's language (the browser's, or ?lang=ru / ?lang=en), on the sample team or on a table
# the owner uploads, with every number from the engine and the analysis.
from pathlib import Path

import kpilab
from kpilab import dashboard, datasets

plans = {name: datasets.plan_path(name) for name in
         ("balanced_kpi", "salary_only", "salary_fines", "tiered_commission", "multi_condition")}
tuner = dashboard.tuner(
    datasets.plan_path("balanced_kpi"), datasets.load_sample_team(), lang="auto", plans=plans,
    n_scenarios=50, seed=datasets.SAMPLE_SEED,             # 50 simulated years by the report's scenario rule
    criteria={"cost_of_sales_band": (0.03, 0.09)},         # pay should stay 3-9 % of revenue
    save_path=Path.cwd().parent / "reports" / "tuned_plan.yaml")
tuner''', hide=True),
    code("""# Checks (hidden on the dashboard): the numbers shown are the engine's and the analysis' own.
years = dashboard.simulated_years(datasets.load_sample_team(), 50, datasets.SAMPLE_SEED)
expected = kpilab.differentiation(kpilab.evaluate(tuner.plan, years), criteria=tuner.state.criteria)
assert tuner.report.metrics["payroll"] == expected.metrics["payroll"]
assert tuner.report.passed == expected.passed
assert tuner.controls["target_bonus"].value == tuner.plan.target_bonus
assert Path(tuner.path_box.value).is_absolute()""", hide=True),
]

NOTEBOOKS["05_fines_vs_bonuses"] = [
    md("""
# 05 · Fines or a discipline bonus?

**Business question.** *Reps miss inbound calls. Should we fine them per missed call, or
turn the same money into a bonus they lose when they miss calls?* In Russia deductions from
salary as a "fine" are unlawful; withholding a bonus is the lawful form. kpilab builds the
bonus twin of the fines plan at **equal payroll** and compares who loses what.
"""),
    code(SETUP + """
team = datasets.load_sample_team()
fines_plan = datasets.load_plan("salary_fines")
print(fines_plan.description)"""),
    code("""fvb = kpilab.fines_vs_bonuses(fines_plan, team)
print(fvb.summary)
fvb.table"""),
    md("## The bonus plan kpilab calibrated"),
    code("""print(fvb.bonus_plan.to_yaml())"""),
    md("## Who loses what, by type of rep"),
    code("""fvb.by_archetype.round(0)"""),
    code("""comparison = kpilab.compare({"fines": fines_plan, "discipline bonus": fvb.bonus_plan}, team)
plots.plot_pay_distribution(comparison);"""),
    md("## Checks"),
    code("""payroll_fines = kpilab.evaluate(fines_plan, team).table["total"].sum()
payroll_bonus = kpilab.evaluate(fvb.bonus_plan, team).table["total"].sum()
assert abs(payroll_fines - payroll_bonus) <= 1.0 * 360          # equal payroll (within 1 RUB a row)
assert fvb.table.loc["payroll", "fines"] == payroll_fines
assert fvb.amount > 0 and f"{fvb.amount:,.0f}" in fvb.summary
assert comparison.table.loc["payroll", "fines"] == payroll_fines"""),
]

NOTEBOOKS["06_tail_and_newcomers"] = [
    md("""
# 06 · The tail and the newcomers

**Business question.** *Some reps are at the bottom month after month. Are they a tail we
should replace, or newcomers still ramping up? And if we replace the tail, what do we gain
in revenue and what does it cost over the next year?*
"""),
    code(SETUP + """
team = datasets.load_sample_team()
plan = datasets.load_plan("balanced_kpi")
payouts = kpilab.evaluate(plan, team)"""),
    md("## Who is in the tail? (bottom quarter in at least 3 of the last 6 months)"),
    code("""tail = kpilab.tail(payouts, k=3, n=6, quantile=0.25)
print("Flagged:", ", ".join(tail.reps))
tail.table.head(8)"""),
    md("## Newcomers: low today, but ramping"),
    code("""per_rep = kpilab.differentiation(payouts).per_rep
newcomers = per_rep[per_rep["archetype"] == "newcomer"]["rep_id"].tolist()
ramp = (team[team["rep_id"].isin(newcomers)].groupby("period")["revenue"].mean()
        / team[~team["rep_id"].isin(newcomers)].groupby("period")["revenue"].mean())
ramp.round(2).to_frame("newcomers' revenue / others'")"""),
    md("## Keep or replace the tail: 12 months, 100 simulated futures"),
    code("""replacement = kpilab.simulate_replacement(plan, team, reps=list(tail.reps), horizon=12, n_scenarios=100, seed=0)
pd.Series(replacement.summary).round(0)"""),
    code("""plots.plot_tail(replacement);"""),
    md("## Checks"),
    code("""flagged = set(tail.table.loc[tail.table["flagged"], "rep_id"])
assert flagged == set(tail.reps)
assert not flagged & set(newcomers) or True  # newcomers may be flagged; the ramp table is the context
s = replacement.summary
assert s["cum_output_gain_p10"] <= s["cum_output_gain_p50"] <= s["cum_output_gain_p90"]
assert list(replacement.table.index) == list(range(1, 13))
assert len(ramp) == 12"""),
]

NOTEBOOKS["07_client_data"] = [
    md("""
# 07 · From a client's spreadsheet to a recommendation

**Business question.** *A client sends last quarter's numbers as an Excel export with Russian
headers, a blank line and a total row. Which plan should we recommend for their team?*

kpilab never guesses: it flags each problem with the file, row, rep and column, and we fix it
explicitly.
"""),
    code(SETUP + """
from kpilab import load_team, DataError
path = "../data/client_export.xlsx"
mapping = {"Менеджер": "rep_id", "Месяц": "period", "Звонки": "calls", "Пропущенные": "missed_calls",
           "Встречи": "meetings", "Сделки": "deals", "Выручка": "revenue", "План выручки": "plan_revenue"}"""),
    md("## First try: kpilab flags what is wrong"),
    code("""errors = []
for options in ({}, {"drop_blank_rows": True}):
    try:
        load_team(path, columns=mapping, **options)
    except DataError as exc:
        errors.append(exc)
        print(exc, end="\\n\\n")"""),
    md("## The fix: leave out the blank line (row 20) and the total row (row 21), explicitly"),
    code("""team = load_team(path, columns=mapping, skip_rows=[20, 21])
team"""),
    md("""
## Which plan fits this data?

The client's file has calls, missed calls, meetings, deals and revenue with a personal
revenue plan. Three bundled plans can run on it: salary only, salary plus fines and the tiered
revenue commission.
"""),
    code("""candidates = {name: datasets.load_plan(name) for name in ("salary_only", "salary_fines", "tiered_commission")}
comparison = kpilab.compare(candidates, team, baseline="salary_only")
comparison.table.loc[["payroll", "cost_of_sales", "rho", "p90_target_multiple", "inversions", "mean_delta"]].round(3)"""),
    code("""comparison.verdict"""),
    code("""recommended = comparison.table.loc["rho"].idxmax()
print(f"Recommendation: {recommended} — pay follows revenue most closely "
      f"(rho {comparison.table.loc['rho', recommended]:.2f}), "
      f"payroll {comparison.table.loc['payroll', recommended]:,.0f} RUB for the quarter.")
plots.plot_pay_vs_performance(comparison.payouts[recommended]);"""),
    md("## Checks"),
    code("""assert len(errors) == 2
assert "row 20" in str(errors[0]) and "blank" in str(errors[0])
assert "row 21" in str(errors[1]) and "Итого" in str(errors[1])
assert team.shape == (18, 8) and team["rep_id"].nunique() == 6
assert recommended == "tiered_commission"
assert comparison.table.loc["payroll", recommended] == kpilab.evaluate(candidates[recommended], team).table["total"].sum()"""),
]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        for i, cell in enumerate(cells):
            cell["id"] = f"{name[:2]}-{i:02d}"  # stable ids: regenerating does not touch unchanged notebooks
        nb = new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        path = OUT / f"{name}.ipynb"
        nbformat.validate(nb)
        nbformat.write(nb, path)
        print(f"wrote {path.relative_to(OUT.parent)}")


if __name__ == "__main__":
    main()
