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
# # 07 · From a client's spreadsheet to a recommendation
#
# **Business question.** *A client sends last quarter's numbers as an Excel export with Russian
# headers, a blank line and a total row. Which plan should we recommend for their team?*
#
# kpilab never guesses: it flags each problem with the file, row, rep and column, and we fix it
# explicitly.

# %%
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import numpy as np
import pandas as pd
import kpilab
from kpilab import datasets, plots
pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 30)
from kpilab import load_team, DataError
path = "../data/client_export.xlsx"
mapping = {"Менеджер": "rep_id", "Месяц": "period", "Звонки": "calls", "Пропущенные": "missed_calls",
           "Встречи": "meetings", "Сделки": "deals", "Выручка": "revenue", "План выручки": "plan_revenue"}

# %% [markdown]
# ## First try: kpilab flags what is wrong

# %%
errors = []
for options in ({}, {"drop_blank_rows": True}):
    try:
        load_team(path, columns=mapping, **options)
    except DataError as exc:
        errors.append(exc)
        print(exc, end="\n\n")

# %% [markdown]
# ## The fix: leave out the blank line (row 20) and the total row (row 21), explicitly

# %%
team = load_team(path, columns=mapping, skip_rows=[20, 21])
team

# %% [markdown]
# ## Which plan fits this data?
#
# The client's file has calls, missed calls, meetings, deals and revenue with a personal
# revenue plan. Three bundled plans can run on it: salary only, salary plus fines and the tiered
# revenue commission.

# %%
candidates = {name: datasets.load_plan(name) for name in ("salary_only", "salary_fines", "tiered_commission")}
comparison = kpilab.compare(candidates, team, baseline="salary_only")
comparison.table.loc[["payroll", "cost_of_sales", "rho", "p90_target_multiple", "inversions", "mean_delta"]].round(3)

# %%
comparison.verdict

# %%
recommended = comparison.table.loc["rho"].idxmax()
print(f"Recommendation: {recommended} — pay follows revenue most closely "
      f"(rho {comparison.table.loc['rho', recommended]:.2f}), "
      f"payroll {comparison.table.loc['payroll', recommended]:,.0f} RUB for the quarter.")
plots.plot_pay_vs_performance(comparison.payouts[recommended]);

# %% [markdown]
# ## Checks

# %%
assert len(errors) == 2
assert "row 20" in str(errors[0]) and "blank" in str(errors[0])
assert "row 21" in str(errors[1]) and "Итого" in str(errors[1])
assert team.shape == (18, 8) and team["rep_id"].nunique() == 6
assert recommended == "tiered_commission"
assert comparison.table.loc["payroll", recommended] == kpilab.evaluate(candidates[recommended], team).table["total"].sum()
