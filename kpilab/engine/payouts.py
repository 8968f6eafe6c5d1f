"""The results of an evaluation: :class:`Payouts` (the payout table), with its read-only resolved view."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..plan import Plan, Scheme
from .explain import Explanation, build_explanation
from .explain_periods import with_period_lines
from .pay import _plan_pay
from .resolve import _Columns
from .rounding import _round_parts, round_money
from ..i18n.messages import msg

# --------------------------------------------------------------------------- results

def _read_only(values: np.ndarray) -> np.ndarray:
    out = values.view()
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class ResolvedView:
    """What the engine resolved for every row before paying it: read-only, in the payout table's order.

    Analysis, explain and plots read these instead of re-deriving a target or
    re-running the engine. Arrays are views of the engine's own (no copy) and
    cannot be written to.

    Attributes
    ----------
    facts
        Each metric the plan reads, as a float array per row.
    targets
        Each metric the plan reads by attainment: the row's target
        (``plan_<metric>`` where given, else its plan's).
    team_attainment
        Team components' attainment per row (the team's sum over its target).
    base, target_bonus
        Each row's salary and target bonus (the plan's, or the row's override).
    plan_key
        Per row, the scheme role whose plan paid it (None for a single plan).
    """

    facts: dict[str, np.ndarray]
    targets: dict[str, np.ndarray]
    team_attainment: dict[str, np.ndarray]
    base: np.ndarray
    target_bonus: np.ndarray
    plan_key: np.ndarray

    def attainment(self, metric: str) -> np.ndarray:
        """Fact / target per row for a metric read by attainment."""
        if metric not in self.targets:
            raise KeyError(msg("api_errors.payouts_metric_unread", metric=metric))
        return self.facts[metric] / self.targets[metric]


@dataclass(frozen=True, eq=False)
class Payouts:
    """The result of :func:`evaluate`.

    Attributes
    ----------
    table
        The payout table of contract section 8, unrounded floats, one row per
        input row in input order.
    plan
        The plan or scheme evaluated.
    inputs
        The performance table as given.
    target_bonus
        Each row's target bonus (the plan's, or the row's override).
    component_names, penalty_names
        The component columns of ``table`` and which of them are penalties.
    """

    table: pd.DataFrame
    plan: Plan | Scheme
    inputs: pd.DataFrame
    target_bonus: np.ndarray
    component_names: list[str]
    penalty_names: list[str]
    _cols: _Columns = field(repr=False)
    _row_plan: dict[Any, np.ndarray] = field(repr=False)
    #: Money columns of the pay-across-months mechanics (parts of the total) and the balances they carry.
    carried_parts: tuple[str, ...] = ()
    balance_columns: tuple[str, ...] = ()
    _periods: Any = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The payout table (same as :attr:`table`)."""
        return self.table

    def __len__(self) -> int:
        return len(self.table)

    @property
    def resolved(self) -> ResolvedView:
        """The engine's resolved inputs per row (facts, targets, base, target bonus, plan): read-only."""
        cols = self._cols
        ro = lambda d: {k: _read_only(v) for k, v in d.items()}  # noqa: E731
        plan_key = np.empty(cols.n, dtype=object)
        for key, rows in self._row_plan.items():
            plan_key[rows] = key
        return ResolvedView(ro(cols.facts), ro(cols.targets), ro(cols.team_attainment),
                            _read_only(cols.base), _read_only(cols.target_bonus), _read_only(plan_key))

    def _repr_html_(self) -> str:
        return self.rounded().head(20)._repr_html_()

    def rounded(self) -> pd.DataFrame:
        """The table rounded to kopecks, with the parts adding up to the total (section 8)."""
        parts = ["base", *self.component_names, *self.carried_parts, "cap_adjustment", "floor_adjustment"]
        out = _round_parts(self.table, parts)
        for col in self.balance_columns:
            out[col] = round_money(self.table[col].to_numpy(dtype=float))
        return out

    def to_csv(self, path_or_buf: Any = None) -> str | None:
        """Write the rounded table as CSV (``None``: return the text).

        Text cells a spreadsheet would run as a formula (``=``, ``+``, ``-``,
        ``@``, tab, CR first) get a leading ``'`` (see :mod:`kpilab.spreadsheet_safe`).
        """
        from ..spreadsheet_safe import csv_safe_frame

        return csv_safe_frame(self.rounded()).to_csv(path_or_buf, index=False, float_format="%.2f")

    def summary(self) -> pd.DataFrame:
        """Pay per rep over all periods (and scenarios): base, variable, total, mean total."""
        keys = ["rep_id"]
        grouped = self.table.groupby(keys, sort=False)[["base", "variable", "total"]]
        out = grouped.sum()
        out["mean_total"] = grouped["total"].mean()
        return out

    def position(self, rep_id: Any, period: Any, scenario: Any = None) -> int:
        """The row position of ``(scenario,) rep_id, period`` in the table."""
        t = self.table
        mask = (t["rep_id"].astype(str) == str(rep_id)) & (t["period"].astype(str) == str(period))
        if "scenario" in t.columns:
            if scenario is None:
                scenario = t["scenario"].iloc[0]
            mask &= t["scenario"].astype(str) == str(scenario)
        hits = np.flatnonzero(mask.to_numpy())
        if hits.size == 0:
            key = "api_errors.payouts_no_row_scenario" if "scenario" in t.columns else "api_errors.payouts_no_row"
            raise KeyError(msg(key, rep_id=rep_id, period=period, scenario=scenario))
        return int(hits[0])

    # -- pay across months (contract section 10)
    @property
    def carried(self) -> Any:
        """What these months leave to the next (a :class:`~kpilab.engine.periods.CarriedState`), or None
        for a plan that pays each month on its own. Pass it to ``evaluate(..., carried=...)``."""
        return None if self._periods is None else self._periods.carried

    def ledger(self, rep_id: Any, scenario: Any = None) -> pd.DataFrame:
        """One rep's carried balances month by month: earned, the ramp's guarantee, the sanction cut, the
        holdback held and released, the clawback owed and recovered, the draw, each balance after the
        month, and the total paid (unrounded; columns of the mechanics the plan uses)."""
        from .periods import ledger_frame

        t = self.table
        mask = t["rep_id"].astype(str).to_numpy() == str(rep_id)
        if "scenario" in t.columns:
            if scenario is None:
                scenario = t["scenario"].iloc[0]
            mask &= t["scenario"].astype(str).to_numpy() == str(scenario)
        rows = np.flatnonzero(mask)
        if rows.size == 0:
            key = "api_errors.payouts_no_rows_scenario" if "scenario" in t.columns else "api_errors.payouts_no_rows"
            raise KeyError(msg(key, rep_id=rep_id, scenario=scenario))
        if self._periods is None:
            raise ValueError(msg("api_errors.payouts_no_balance"))
        return ledger_frame(t, self._periods, rows)

    def explain(self, rep_id: Any, period: Any, scenario: Any = None) -> Explanation:
        """A line-by-line statement of why this rep got this pay in this period.

        The statement re-runs the same functions as :func:`evaluate` on this one
        row and reports every intermediate value: attainment per metric, the
        curve band or tier used, each gate, modifier, cap, penalty and the
        floor. Its amounts equal the payout table's.
        """

        pos = self.position(rep_id, period, scenario)
        role = next(r for r, rows in self._row_plan.items() if rows[pos])
        plan = self.plan if isinstance(self.plan, Plan) else self.plan.plans()[role]
        trace: list[dict[str, Any]] = []
        if self._periods is not None:  # re-run the month as the period pass paid it, then narrate the carry
            from .periods import explain_inputs

            paid_plan, adjust = explain_inputs(self._periods, role, pos)
            one = _plan_pay(paid_plan, self._cols.take(slice(pos, pos + 1)), trace, adjust)
            month = build_explanation(paid_plan, self.table.iloc[pos], self._cols.take(slice(pos, pos + 1)),
                                      trace, one)
            return with_period_lines(month, self, pos)
        one = _plan_pay(plan, self._cols.take(slice(pos, pos + 1)), trace)
        return build_explanation(plan, self.table.iloc[pos], self._cols.take(slice(pos, pos + 1)), trace, one)

