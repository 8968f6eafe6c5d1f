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

# %% [markdown]
# # Bonus tuner: set the bonus, see who earns what and what it costs
#
# **For owners.** Move a slider on the left: the plan changes, every rep's pay is recomputed on
# the sample team's 30 reps over 50 simulated years, and the right side updates. **What it costs**
# shows the payroll per month and per year, the likely range of the yearly payroll, and the
# change against the plan you started from. **Verdict** says, in one sentence per check,
# whether the plan pays for performance: pay should rank reps the way their revenue does, the
# top quarter should earn clearly more than minimum-doers, good months should pay real upside,
# and nobody who brings clearly more should earn less. The charts show the bonus curve, each
# rep's pay against revenue, the payroll over the year, and median pay by type of rep (grey:
# the starting plan). When the plan looks right, save it to a file for your consultant.

# %% jupyter={"source_hidden": true} tags=["hide-input"]
import matplotlib
matplotlib.use("Agg")
import kpilab
from kpilab import datasets, widgets

plan = datasets.load_plan("balanced_kpi")
years = kpilab.make_scenarios(30, 12, 50, seed=datasets.SAMPLE_SEED)  # the sample team's reps, 50 possible years
tuner = widgets.tuner(plan, years, lang="en", save_path="../reports/tuned_plan.yaml")
tuner

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks (hidden on the dashboard): the numbers shown are the engine's and the analysis' own.
import numpy as np
assert tuner.report.metrics["payroll"] == kpilab.differentiation(kpilab.evaluate(plan, years)).metrics["payroll"]
assert ("Verdict: PASS" if tuner.report.passed else "Verdict: FAIL") in tuner.verdict_html.value
assert tuner.controls["target_bonus"].value == plan.target_bonus
assert years["scenario"].nunique() == 50 and years["rep_id"].nunique() == 30
