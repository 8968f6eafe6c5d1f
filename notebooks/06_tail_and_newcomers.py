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
# # 06 · The tail and the newcomers
#
# **Business question.** *Some reps are at the bottom month after month. Are they a tail we
# should replace, or newcomers still ramping up? And if we replace the tail, what do we gain
# in revenue and what does it cost over the next year?*

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
plan = datasets.load_plan("balanced_kpi")
payouts = kpilab.evaluate(plan, team)

# %% [markdown]
# ## Who is in the tail? (bottom quarter in at least 3 of the last 6 months)

# %%
tail = kpilab.tail(payouts, k=3, n=6, quantile=0.25)
print("Flagged:", ", ".join(tail.reps))
tail.table.head(8)

# %% [markdown]
# ## Newcomers: low today, but ramping

# %%
per_rep = kpilab.differentiation(payouts).per_rep
newcomers = per_rep[per_rep["archetype"] == "newcomer"]["rep_id"].tolist()
ramp = (team[team["rep_id"].isin(newcomers)].groupby("period")["revenue"].mean()
        / team[~team["rep_id"].isin(newcomers)].groupby("period")["revenue"].mean())
ramp.round(2).to_frame("newcomers' revenue / others'")

# %% [markdown]
# ## Keep or replace the tail: 12 months, 100 simulated futures

# %%
replacement = kpilab.simulate_replacement(plan, team, reps=list(tail.reps), horizon=12, n_scenarios=100, seed=0)
pd.Series(replacement.summary).round(0)

# %%
plots.plot_tail(replacement);

# %% [markdown]
# ## Checks

# %%
flagged = set(tail.table.loc[tail.table["flagged"], "rep_id"])
assert flagged == set(tail.reps)
assert ramp.iloc[-3:].mean() > ramp.iloc[:3].mean()  # newcomers ramp up: the reason not to count them as tail
s = replacement.summary
assert s["cum_output_gain_p10"] <= s["cum_output_gain_p50"] <= s["cum_output_gain_p90"]
assert list(replacement.table.index) == list(range(1, 13))
assert len(ramp) == 12
