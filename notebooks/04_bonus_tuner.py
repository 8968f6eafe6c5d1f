# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Bonus tuner for owners (served by `make dashboard`; this code is hidden on the page).
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
tuner

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks (hidden on the dashboard): the numbers shown are the engine's and the analysis' own.
years = dashboard.simulated_years(datasets.load_sample_team(), 50, datasets.SAMPLE_SEED)
expected = kpilab.differentiation(kpilab.evaluate(tuner.plan, years), criteria=tuner.state.criteria)
assert tuner.report.metrics["payroll"] == expected.metrics["payroll"]
assert tuner.report.passed == expected.passed
assert tuner.controls["target_bonus"].value == tuner.plan.target_bonus
assert Path(tuner.path_box.value).is_absolute()
