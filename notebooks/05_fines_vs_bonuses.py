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
# # 05 · Fines or a discipline bonus?
#
# **Business question.** *Reps miss inbound calls. Should we fine them per missed call, or
# turn the same money into a bonus they lose when they miss calls?* In Russia deductions from
# salary as a "fine" are unlawful; withholding a bonus is the lawful form. kpilab builds the
# bonus twin of the fines plan at **equal payroll** and compares who loses what.

# %%
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import numpy as np
import pandas as pd
import kpilab
from kpilab import datasets, plots
pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 30)
team = datasets.load_sample_team()
fines_plan = datasets.load_plan("salary_fines")
print(fines_plan.description)

# %%
fvb = kpilab.fines_vs_bonuses(fines_plan, team)
print(fvb.summary)
fvb.table

# %% [markdown]
# ## The bonus plan kpilab calibrated

# %%
print(fvb.bonus_plan.to_yaml())

# %% [markdown]
# ## Who loses what, by type of rep

# %%
fvb.by_archetype.round(0)

# %%
comparison = kpilab.compare({"fines": fines_plan, "discipline bonus": fvb.bonus_plan}, team)
plots.plot_pay_distribution(comparison);

# %% [markdown]
# ## Checks

# %%
payroll_fines = kpilab.evaluate(fines_plan, team).table["total"].sum()
payroll_bonus = kpilab.evaluate(fvb.bonus_plan, team).table["total"].sum()
assert abs(payroll_fines - payroll_bonus) <= 1.0 * 360          # equal payroll (within 1 RUB a row)
assert fvb.table.loc["payroll", "fines"] == payroll_fines
assert fvb.amount > 0 and f"{fvb.amount:,.0f}" in fvb.summary
assert comparison.table.loc["payroll", "fines"] == payroll_fines
