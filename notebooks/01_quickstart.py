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
# # 01 · Quickstart: what would this plan pay my team?
#
# **Business question.** *I have a sales team and a bonus plan on paper. What would each rep
# earn under it, why does a given rep get that amount, and does the plan actually pay for
# performance?*
#
# We load the bundled sample team (30 reps × 12 months of 2026, synthetic) and the bundled
# *Balanced KPI matrix* plan, compute every payout, explain one rep's pay line by line, and ask
# kpilab for its verdict.

# %%
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import numpy as np
import pandas as pd
import kpilab
from kpilab import datasets, plots
pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 30)

# %% [markdown]
# ## The team and the plan

# %%
team = datasets.load_sample_team()
plan = datasets.load_plan("balanced_kpi")
print(plan.name, "—", plan.description)
team.head()

# %% [markdown]
# ## Payouts: one row per rep and month, every part of the pay in its own column

# %%
payouts = kpilab.evaluate(plan, team)
payouts.rounded().head()

# %%
monthly = payouts.table.groupby("period")["total"].sum()
print(f"Payroll for the year: {monthly.sum():,.0f} RUB, {monthly.mean():,.0f} RUB a month on average")

# %% [markdown]
# ## Why does R03 get what they get in March?

# %%
explanation = payouts.explain("R03", "2026-03")
print(explanation)

# %%
plots.plot_waterfall(payouts, "R03", "2026-03");

# %% [markdown]
# ## The verdict: does the plan pay for performance?
#
# kpilab checks a few plain criteria: does pay rank reps as their revenue does, does the top
# quarter earn clearly more than minimum-doers, is there real upside, and are there
# inversions (someone with clearly more revenue earning less).

# %%
report = kpilab.differentiation(payouts)
print(report)

# %%
plots.plot_pay_vs_performance(payouts);

# %% [markdown]
# ## Checks: the numbers above are what they claim to be

# %%
row = payouts.table.query("rep_id == 'R03' and period == '2026-03'").iloc[0]
assert f"{row['total']:,.2f}".replace(",", "") in str(explanation).replace(",", "").replace("\u00a0", "").replace(" ", "")
parts = ["base", *payouts.component_names, "cap_adjustment", "floor_adjustment"]
assert np.allclose(payouts.table[parts].sum(axis=1), payouts.table["total"])
assert round(monthly.sum(), 2) == round(payouts.table["total"].sum(), 2)
assert report.metrics["payroll"] == payouts.table["total"].sum()
assert report.passed == bool(report.verdict["passed"].dropna().all())
assert len(payouts.table) == len(team) == 360
