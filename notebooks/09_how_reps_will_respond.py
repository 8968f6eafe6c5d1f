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
# # 09 · How reps will respond to a new plan
#
# **Business question.** *If we switch from the balanced KPI matrix to a tiered revenue
# commission, how many calls, meetings and deals will the team make, how much revenue will it
# bring, and what will it cost?*
#
# Every other notebook pays last year's numbers under a new plan, as if people did not react
# to pay. Here each rep chooses how hard to work in four activity families (phone, meetings,
# paperwork, follow-ups) to get the most pay for the least personal cost of effort. The cost is
# calibrated so that last year's behaviour was each rep's best choice under the plan in force
# (revealed preference). **This is a model, not a forecast:** every figure has a range, and the
# assumptions are printed in plain words beside it.

# %%
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import numpy as np
import pandas as pd
from matplotlib import pyplot as plt

import kpilab
from kpilab import datasets
from kpilab.analysis.response import Assumptions, Funnel, calibrate, predict
from kpilab.analysis.response.generate import make_responding_team, true_response

pd.set_option("display.width", 160)
current = datasets.load_plan("balanced_kpi")
new = datasets.load_plan("tiered_commission")
team = kpilab.make_team(12, 6, seed=1)   # small, so the notebook runs in seconds

# %% [markdown]
# ## The team under the new plan: as now, predicted, and the range

# %%
result = predict(current, new, team, scenarios=30, seed=1)
result.team

# %%
print(result)

# %% [markdown]
# The range covers the two assumptions the model cannot learn from one year of data: how
# steeply the cost of effort grows, and how strongly effort answers pay where the current plan
# pays nothing extra. The sensitivity table shows which one moves the answer most.

# %%
result.sensitivity[["assumption", "low_value", "high_value", "revenue_low", "revenue_high", "revenue_swing"]]

# %%
assert (result.team["low"] <= result.team["predicted"] + 1e-6).all()
assert (result.team["predicted"] <= result.team["high"] + 1e-6).all()
assert result.sensitivity["revenue_swing"].iloc[0] >= result.sensitivity["revenue_swing"].iloc[-1]

# %% [markdown]
# ## What the model assumes, in plain words (English and Russian)

# %%
print(result.assumptions_text("en"))
print()
print(result.assumptions_text("ru"))

# %% [markdown]
# ## Where the plan pushes attainment: bunching and timing
#
# Effort is chosen for each period the plan pays on, and as each year unfolds a rep may move
# part of a month's new deals into the neighbouring pay period. A plan with a threshold makes
# reps pile up just above it: some push harder or pull a deal in, some give up and push deals on.
# Here the tiered commission is compared with an 80 % revenue gate on the same commission.

# %%
print(result.bunching_text("en"))
print()
print(result.bunching_text("ru"))

# %%
gated = kpilab.load_plan({
    "name": "gated commission", "base": 50000, "targets": {"revenue": 1200000},
    "components": [{"name": "commission", "kind": "commission", "metric": "revenue", "rate": 0.04}],
    "gates": [{"applies_to": ["commission"], "when": {"metric": "revenue", "attainment_at_least": 0.8}}]})
gate_result = predict(current, gated, team, scenarios=30, seed=1, verdict=False)
kpilab.plots.plot_bunching(gate_result)
plt.show()
gate_result.bunching.thresholds

# %%
row = gate_result.bunching.thresholds.set_index("threshold").loc[0.8]
assert row["above_predicted"] > row["above_baseline"] and row["below_predicted"] < row["below_baseline"]

# %% [markdown]
# ## Within a quarter: push when the quota is close, ease off when it is out of reach
#
# Where a plan pays on a quarter's (a year's) totals, a rep sees how the months go and re-plans the
# rest. Here the same team under a bonus paid at 100 % of a quarterly quota: in the last month of
# the first quarter, how hard would the first rep work, given what they have sold so far?

# %%
from kpilab.analysis.response.pacing import pace
from kpilab.analysis.response.predict import best_response

quarterly = kpilab.load_plan({
    "name": "quarterly quota", "base": 50000, "target_bonus": 40000, "targets": {"revenue": 1200000},
    "components": [{"name": "quota", "kind": "bonus", "metric": "revenue", "share": 1,
                    "curve": {"steps": [[1.0, 1.0]]}, "period": "quarter"}]})
plain = team.drop(columns=[c for c in team.columns if c.startswith("plan_")])
q_funnel = Funnel.from_team(plain)
q_years = q_funnel.noise(16, np.random.default_rng(0), stratified=True)
commission = kpilab.load_plan({"name": "commission", "components": [
    {"name": "commission", "kind": "commission", "metric": "revenue", "rate": 0.04}]})
q_calib = calibrate(commission, q_funnel, q_years)          # the reps' costs, if they worked for a commission
policy = pace(quarterly, q_funnel, q_calib, best_response(quarterly, q_funnel, q_calib, q_years), q_years)
third = policy.frame(q_funnel).query("rep_id == @q_funnel.reps[0] and period == @q_funnel.periods[2]")
third.iloc[::6][["sold", "effort"]]

# %%
quota_at = third["sold"].searchsorted(3 * 1200000)
assert third["effort"].iloc[:quota_at].max() > third["effort"].iloc[0]       # close to the quota: push

# %% [markdown]
# ## Does the calibration find what it should? A round trip
#
# We generate a team whose costs of effort we know, let each rep choose effort as a best response
# to the balanced plan, calibrate on that year, and compare: the costs recovered, and the team's
# own best response to the tiered plan against the predicted range.

# %%
a = Assumptions(sweeps=4)
truth = make_responding_team(current, 16, 6, seed=3, assumptions=a)
funnel = Funnel.from_team(truth.team, a)
calib = calibrate(current, funnel, funnel.noise(16, np.random.default_rng(9), stratified=True))
revealed = np.isclose(calib.m[0], 0.0)          # rep-month-families whose cost the plan's pay reveals
error = np.abs(calib.k_by_period[0] / truth.cost_at_observed() - 1)[revealed]
print(f"median error of the recovered cost of effort: {np.median(error):.1%}")
p = predict(current, new, truth.team, scenarios=30, seed=2, verdict=False, assumptions=a)
actual = true_response(truth, new)["revenue"].sum()
print(f"true revenue {actual:,.0f}; predicted {p.team.loc['revenue', 'predicted']:,.0f} "
      f"[{p.team.loc['revenue', 'low']:,.0f} - {p.team.loc['revenue', 'high']:,.0f}]")

# %%
assert np.median(error) < 0.2
assert p.team.loc["revenue", "low"] * 0.98 <= actual <= p.team.loc["revenue", "high"] * 1.02

# %% [markdown]
# ## Limits
#
# - One year of data cannot tell how steep the cost of effort is: that is an assumption, varied
#   across its range.
# - Within a quarter or a year a rep re-plans each month from their own sales so far, not from
#   what they learn of the rest of the team. False activity records, people leaving or joining
#   are not in this model.
# - Where the current plan pays nothing at the margin in a month, that month's pay cannot reveal the
#   cost of effort: it is priced per call, meeting, email or follow-up as the rep's other months (else
#   the colleagues whose pay reveals it) show, and at least as high as kept the rep from reaching for
#   a bonus they passed up. So a rep who gave up far below a quota (few calls) is told apart from one
#   who works on past it, and a switch from a quota bonus to a commission lifts the weakest most
#   (Kishore et al. 2013), though by about half as much as the generating model's own answer. Only
#   an activity no one's pay reveals (a salary) falls back on a stated elasticity.
# - Good and bad spells that last (a territory's budgets, a key client won or lost) are read from the
#   team's months only where they show them: after each rep's and each month's average are taken
#   out, adjacent months' luck must correlate clearly more than independent months would make it.
#   This team's do not (-0.22, where six independent months give -0.20), so the centre stays an
#   assumption: none (the assumptions above say it too). One year cannot tell a spell that lasts the year from the rep's ability. The
#   range goes up to a spell of 30 % that fades by half in about three months, when a rep's yearly
#   sales vary about twice as much, and the interval and the sensitivity table show how much that
#   moves the answer.
# - The model does not show that quarterly bonuses pace weaker reps better than annual ones
#   (Chung et al. 2014): a rep a little below an annual quota is within reach of it and pushes for
#   it, with or without lasting spells; on the reps' own quotas the model has the annual bonus lift
#   them more.
# - Reps are assumed to understand the plan and to chase expected pay; real people also follow
#   habits, managers and colleagues.
#
# Use the figures to compare plans and to see which way and how strongly a plan pushes people.
