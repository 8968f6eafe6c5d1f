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
# # 03 · The bundled plans side by side
#
# **Business question.** *Which of the usual ways to pay a sales team — salary only, salary
# plus fines, tiered commission, a KPI matrix, several independent bonuses, plans by role —
# pays our people for what they bring, and what does each cost?*
#
# All six bundled plans run on the same sample team. The charts are styled for a slide and
# saved as PNG under `reports/notebooks/`.

# %%
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import numpy as np
import pandas as pd
import kpilab
from kpilab import datasets, plots
pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 30)
from pathlib import Path
import matplotlib.pyplot as plt
team = datasets.load_sample_team()
plans = {name: datasets.load_plan(name) for name in datasets.plan_names()}
out = Path("../reports/notebooks"); out.mkdir(parents=True, exist_ok=True)

# %%
comparison = kpilab.compare(plans, team, baseline="salary_only")
key = ["payroll", "variable_share", "cost_of_sales", "rho", "top_to_minimum", "p90_target_multiple",
       "inversions", "mean_delta", "share_losing"]
comparison.table.loc[key].round(3)

# %% [markdown]
# ## The verdicts (criteria × plans)

# %%
comparison.verdict

# %% [markdown]
# ## Charts for the slide

# %%
with plots.style():
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    plots.plot_comparison_bars(comparison, metrics=["rho", "top_to_minimum", "p90_target_multiple"], ax=axes[0])
    plots.plot_pay_distribution(comparison, ax=axes[1])
plots.save(fig, out / "03_compare_plans.png")

# %%
with plots.style():
    fig2, ax = plt.subplots(figsize=(9, 4.5))
    plots.plot_comparison_bars(comparison, metrics="payroll", ax=ax)
plots.save(fig2, out / "03_payroll.png")

# %% [markdown]
# ## Pick plans yourself (interactive)

# %%
from kpilab import widgets
widgets.comparison(plans, team, selected=["salary_only", "salary_fines", "balanced_kpi"])

# %% [markdown]
# ## Checks

# %%
assert list(comparison.table.columns) == list(plans)
for name, plan in plans.items():
    assert comparison.table.loc["payroll", name] == kpilab.evaluate(plan, team).table["total"].sum()
assert comparison.table.loc["mean_delta", "salary_only"] == 0
assert comparison.verdict.loc["overall", "salary_only"] == "fail"
assert comparison.passed["balanced_kpi"] == (comparison.verdict.loc["overall", "balanced_kpi"] == "pass")
assert (out / "03_compare_plans.png").stat().st_size > 10_000
