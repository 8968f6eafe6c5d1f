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
# # 08 · Across the year: quarters, true-ups and the ledger
#
# **Business question.** *Our sales bonus is paid each quarter and settled on the year. A new rep
# joins in the middle of July, a deal she closed in September is cancelled in October, and she
# gets a disciplinary sanction in November. What exactly is she paid each month, what is held or
# owed, and is every cut lawful?*
#
# The bundled plan `quarterly_trueup` pays a monthly activity bonus and a quarterly sales bonus on
# the year's revenue so far; newcomers' targets are lowered for three months. Here the owner adds
# the rules of the employment contract: salary and targets for the days worked, commission
# reversed for a cancelled deal (recovered from later bonuses only), and the lawful bonus cut for a
# sanction (this month only, at most 20 % of the month's wage).

# %%
import pandas as pd
import kpilab
from kpilab import datasets
from kpilab.engine.explain_periods import narrate_ledger
pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 30)
plan = kpilab.Plan.from_dict({**datasets.load_plan("quarterly_trueup").to_dict(),
                              "proration": {"days": "calendar"},
                              "clawback": {"rate": 0.02},
                              "sanction": {"per_sanction": 0.5, "limit": 0.2, "limit_of": "wage"}})

# %% [markdown]
# ## The newcomer's half year
#
# Her activity and sales follow a real newcomer of the sample team (R23's first six months),
# moved to July-December. She starts on 15 July (17 of 31 days), a 450 000 ₽ deal is cancelled in
# October and one sanction is recorded in November.

# %%
team = datasets.load_sample_team()
first_months = team[team["rep_id"] == "R23"].head(6).reset_index(drop=True)
newcomer = first_months.assign(rep_id="N01", period=[f"2026-{m:02d}" for m in range(7, 13)],
                               tenure_months=range(6),
                               days_worked=[17, None, None, None, None, None],
                               days_in_period=[31, None, None, None, None, None],
                               cancelled_revenue=[0, 0, 0, 450000, 0, 0],
                               sanction=[0, 0, 0, 0, 1, 0])
newcomer[["period", "tenure_months", "calls", "meetings", "revenue", "plan_revenue", "cancelled_revenue",
          "sanction"]]

# %% [markdown]
# ## Her ledger, month by month
#
# `earned` is the month's pay by the plan (section 7 of the contract); then the sanction cut and
# the clawback; `total` is what is paid. The quarterly bonus appears in September and December
# only, settled on the year so far.

# %%
payouts = kpilab.evaluate(plan, newcomer)
ledger = payouts.ledger("N01")
ledger.round(0)

# %%
print(narrate_ledger(payouts, "N01", "ru"))

# %% [markdown]
# ## The checks a payroll officer makes
#
# The sanction cut never exceeds 20 % of the month's wage and never touches the salary; the
# cancelled deal is recovered from variable pay only; the salary of July is for 17 days.

# %%
november = ledger.set_index("period").loc["2026-11"]
wage = november["base"] + november["earned"]
assert -november["sanction_cut"] <= 0.2 * wage + 0.005
assert (ledger["total"] >= ledger["base"] - 0.005).all()
assert abs(ledger["base"].iloc[0] - 50000 * 17 / 31) < 0.01
assert abs(ledger["clawback_recovered"].sum() + ledger["clawback_balance"].iloc[-1] - 0.02 * 450000) < 0.01
pd.Series({"salary in July": ledger["base"].iloc[0], "sanction cut in November": -november["sanction_cut"],
           "20 % of November's wage": 0.2 * wage,
           "recovered for the cancelled deal": ledger["clawback_recovered"].sum(),
           "still owed at year end": ledger["clawback_balance"].iloc[-1]}).round(0)

# %% [markdown]
# ## December's statement, line by line
#
# The explanation re-runs the engine on her December row: the quarterly bonus is the year-to-date
# entitlement minus what September already paid.

# %%
print(payouts.explain("N01", "2026-12"))

# %% [markdown]
# ## A plan change in July
#
# From July the owner raises the target bonus to 36 000 ₽ and makes the sales curve steeper. A
# versions file (contract additions, 1.3) says which plan is in force from which month; here it is
# written inline. Each version settles its own months: the first plan's true-up closes in June on
# January-June, the new plan's quarterly bonus reads July onwards only. A veteran's year shows it.

# %%
second_half = plan.to_dict() | {"name": "From July", "target_bonus": 36000}
second_half["components"] = [c | {"curve": {"points": [[0.8, 0.3], [1.0, 1.0], [1.5, 2.5]]}}
                             if c["name"] == "sales_quarterly" else c for c in second_half["components"]]
versions = kpilab.load_plan({"name": "Sales 2026", "versions": [{"from": "2026-01", "plan": plan.to_dict()},
                                                               {"from": "2026-07", "plan": second_half}]})
veteran = team[team["rep_id"] == "R01"].head(12).reset_index(drop=True).assign(
    period=[f"2026-{m:02d}" for m in range(1, 13)], tenure_months=None)
year = kpilab.evaluate(versions, veteran)
year.table[["period", "base", "activity", "sales_quarterly", "total"]].round(0)

# %%
first_half_alone = kpilab.evaluate(plan, veteran.head(6)).table
assert abs(year.table["sales_quarterly"].head(6).sum() - first_half_alone["sales_quarterly"].sum()) < 0.01
print(year.explain("R01", "2026-09"))
