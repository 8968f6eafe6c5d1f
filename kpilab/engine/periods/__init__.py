"""Pay across months: the period-aware pass (contract section 10, "Pay across months").

A plan whose :class:`~kpilab.plan.periods.PeriodRules` are active is paid here
instead of row by row. The pass loops over the **months** of the table, never
over reps: every rep × scenario present in a month is paid in one vectorised
call of the per-row payer (:func:`~kpilab.engine.pay._plan_pay`), and what a
month leaves to the next (period-to-date totals, what a true-up already paid,
draw, holdback and clawback balances) is carried in arrays indexed by series,
one series per (scenario, rep).

One month, in order:

1. the row-local rules: proration (salary and targets × days worked / days in
   the period) and the ramp (a newcomer's targets × the schedule's factor);
2. period-to-date totals of every metric a quarterly, annual or settled part
   reads (``aggregation``: sum by default), reset when its quarter or year starts;
3. section 7 for every row, where a quarterly or annual part reads its period's
   totals and pays only in the period's closing month, and a true-up pays the
   entitlement on the year-to-date totals minus what it already paid this year;
4. the ramp's guaranteed bonus (``ramp_guarantee``);
5. the sanction cut (``sanction_cut``): this month's bonus only, at most the
   stated share of this month's wage, never the salary;
6. the holdback (``holdback``): a share of the bonus held, released N months later;
7. the clawback (``clawback``): cancelled revenue × rate is owed, recovered
   from this and later months' variable pay only, never below the salary or floor;
8. the draw (``draw_adjustment``): variable pay at least the draw; a
   recoverable draw's shortfall is owed and repaid from later excess.

The balances after each month are the columns ``holdback_balance``,
``clawback_balance`` and ``draw_balance``.

How it is fast. Steps 1, 4 and 5 (and the share step 6 holds) read each row
alone: they run on every row at once. What carries (steps 2, 3's true-up
settlement, 6-8) walks the months in blocks of at most 8,192 rows, each
series meeting its months in order. In a grid (every series with the same
months, in order: the usual long table) the walk goes series block by series
block, each block's months copied side by side so that they stay in the
core's cache while its months go by, and the blocks are shared between two
threads (series never meet). In such
a grid of consecutive months a holdback by time needs no walk at all: what
month j holds is released in month j + N, for every row at once.
"""
from .ledger import LEDGER_COLUMNS, explain_inputs, ledger_frame
from .monthly import evaluate_periods, uses_periods
from .state import BALANCES, CARRIED_PARTS, CarriedState, PeriodTrace

__all__ = ["BALANCES", "CARRIED_PARTS", "CarriedState", "LEDGER_COLUMNS", "PeriodTrace", "evaluate_periods",
           "explain_inputs", "ledger_frame", "uses_periods"]
