"""The carried mechanics' fast paths give the numbers of the month-by-month walk.

A grid table (every series with the same consecutive months, in order) takes two shortcuts: a holdback by
time is released for every month at once (:func:`kpilab.engine.periods.mechanics._holdback_rows`), and
the walk of the clawback and the draw runs its series blocks on two threads. The same rows shuffled are no
grid and go month by month, one block after the other, on one thread. Each case below pays both and
compares every money column and the state carried out (floats summed in another order: 1e-9 ₽).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import kpilab
from kpilab.engine import evaluation
from kpilab.engine.periods import aggregation, monthly
from kpilab.engine.periods import state as state_module

BASE = {"name": "carried", "base": 40000, "target_bonus": 30000, "targets": {"revenue": 1000000},
        "components": [{"name": "sales", "kind": "bonus", "metric": "revenue", "share": 1,
                        "curve": {"points": [[0.5, 0], [1, 1], [1.5, 2]]}}]}
MONEY = ["base", "sales", "quarter", "year", "sanction_cut", "holdback", "clawback", "draw_adjustment", "holdback_balance",
         "clawback_balance", "draw_balance", "variable", "total"]


def grid(n_scenarios: int, n_reps: int, n_months: int, seed: int, start: int = 1) -> pd.DataFrame:
    """Scenario × rep × consecutive months, rows in that order (a grid), with sanctions and cancellations."""
    rng = np.random.default_rng(seed)
    n = n_scenarios * n_reps * n_months
    frame = pd.DataFrame({
        "scenario": np.repeat(np.arange(n_scenarios), n_reps * n_months),
        "rep_id": np.tile(np.repeat([f"R{i}" for i in range(n_reps)], n_months), n_scenarios),
        "period": np.tile([f"2026-{m:02d}" for m in range(start, start + n_months)], n_scenarios * n_reps)})
    frame["revenue"] = np.round(rng.lognormal(np.log(9e5), 0.5, n), 2)
    frame["sanction"] = (rng.random(n) < 0.1).astype(float)
    frame["cancelled_revenue"] = np.where(rng.random(n) < 0.15, np.round(frame["revenue"] * 0.4, 2), 0.0)
    return frame


def plan(after: int) -> kpilab.Plan:
    return kpilab.Plan.from_dict({**BASE, "draw": {"amount": 25000}, "sanction": {"per_sanction": 0.3},
                                  "clawback": {"rate": 0.05}, "holdback": {"share": 0.25, "release_after": after}})


def paid(p: Any, frame: pd.DataFrame, carried: Any = None) -> tuple[pd.DataFrame, Any]:
    out = kpilab.evaluate(p, frame, carried=carried)
    table = out.table.sort_values(["scenario", "rep_id", "period"]).reset_index(drop=True)
    return table, out.carried


def shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    cols = [c for c in MONEY if c in a.columns]
    assert cols == [c for c in MONEY if c in b.columns]
    pd.testing.assert_frame_equal(a[cols], b[cols], check_exact=False, rtol=0, atol=1e-9)


def same_state(a: Any, b: Any) -> None:
    order_a = a.keys.sort_values(["scenario", "rep_id"]).index.to_numpy()
    order_b = b.keys.sort_values(["scenario", "rep_id"]).index.to_numpy()
    assert sorted(a.arrays) == sorted(b.arrays)
    for name in a.arrays:
        np.testing.assert_allclose(a.arrays[name][order_a], b.arrays[name][order_b], rtol=0, atol=1e-9,
                                   err_msg=name)


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Small tables take the threaded paths too (they start at 200,000 rows; a grid's walk goes in blocks of
    8,192 series: here 2); counts the walks that went on two threads, the holdbacks released at once, the
    grids' totals taken at once and the true-ups paid core by core."""
    seen = {"threads": 0, "at_once": 0, "totals_at_once": 0, "fused": 0}
    monkeypatch.setattr(evaluation, "_PARALLEL_MIN_ROWS", 1)
    monkeypatch.setattr(monthly, "_PARALLEL_MIN_ROWS", 1)
    monkeypatch.setattr(evaluation, "_WORKERS", 2)
    monkeypatch.setattr(monthly, "_WORKERS", 2)
    monkeypatch.setattr(aggregation, "_PARALLEL_MIN_ROWS", 1)
    monkeypatch.setattr(aggregation, "_WORKERS", 2)
    monkeypatch.setattr(state_module, "_GRID_BLOCK", 2)
    groups, timed, totals = monthly._series_groups, monthly._holdback_timed, monthly._grid_to_date

    def counted_groups(*args: Any) -> Any:
        out = groups(*args)
        seen["threads"] += len(out) > 1
        return out

    def counted_timed(*args: Any) -> Any:
        out = timed(*args)
        seen["at_once"] += bool(out)
        return out

    def counted_totals(*args: Any) -> None:
        seen["totals_at_once"] += 1
        totals(*args)

    spans = aggregation._grid_spans

    def counted_spans(*args: Any) -> Any:
        out = spans(*args)
        seen["fused"] += out is not None
        return out

    monkeypatch.setattr(aggregation, "_grid_spans", counted_spans)
    monkeypatch.setattr(monthly, "_series_groups", counted_groups)
    monkeypatch.setattr(monthly, "_grid_to_date", counted_totals)
    monkeypatch.setattr(monthly, "_holdback_timed", counted_timed)
    return seen


@pytest.mark.parametrize("after", [1, 2, 3, 7])
def test_holdback_released_at_once_equals_the_walk(after: int, threads: dict[str, int]) -> None:
    frame = grid(3, 5, after + 4, seed=after)
    whole, state = paid(plan(after), frame)
    assert threads == {"threads": 1, "at_once": 1, "totals_at_once": 0, "fused": 0}  # the grid took both shortcuts
    walked, walked_state = paid(plan(after), shuffled(frame, after))
    assert threads == {"threads": 1, "at_once": 1, "totals_at_once": 0, "fused": 0}  # the shuffled rows took neither
    same(whole, walked)
    same_state(state, walked_state)
    assert (whole["holdback"] > 0).any() and (whole["holdback"] < 0).any()  # something held and released
    assert (whole["clawback"] < 0).any() and (whole["draw_adjustment"] > 0).any()


def test_last_series_cut_short(threads: dict[str, int]) -> None:
    frame = grid(2, 4, 6, seed=3).iloc[:-4]  # the last rep of the last scenario has its first 2 months only
    same(paid(plan(2), frame)[0], paid(plan(2), shuffled(frame, 1))[0])
    assert threads == {"threads": 1, "at_once": 1, "totals_at_once": 0, "fused": 0}


def test_carried_in_holdback_is_released_in_its_month(threads: dict[str, int]) -> None:
    """January-April, then May-August from the carried state: the amounts held in March and April are
    released in May and June, as in the year paid whole and in the same rows shuffled."""
    p = plan(2)
    year = grid(2, 3, 8, seed=5)
    early = year[year["period"] <= "2026-04"].reset_index(drop=True)
    late = year[year["period"] > "2026-04"].reset_index(drop=True)
    first, state = paid(p, early)
    second, end = paid(p, late, carried=state)
    whole, whole_end = paid(p, year)
    pieced = pd.concat([first, second]).sort_values(["scenario", "rep_id", "period"]).reset_index(drop=True)
    same(whole, pieced)
    same_state(whole_end, end)
    walked, walked_end = paid(p, shuffled(late, 2), carried=state)
    same(second, walked)
    same_state(end, walked_end)
    early_run, late_run = kpilab.evaluate(p, early), kpilab.evaluate(p, late, carried=state)
    for scenario in (0, 1):
        for rep in ("R0", "R1", "R2"):
            before = early_run.ledger(rep, scenario).set_index("period")
            after = late_run.ledger(rep, scenario).set_index("period")
            assert after.loc["2026-05", "released"] == before.loc["2026-03", "held"]
            assert after.loc["2026-06", "released"] == before.loc["2026-04", "held"]
    assert (early_run.table["holdback"] < 0).any()  # something was held

def test_months_with_a_gap_walk_month_by_month(threads: dict[str, int]) -> None:
    frame = grid(2, 3, 8, seed=7)
    frame = frame[frame["period"] != "2026-04"].reset_index(drop=True)
    same(paid(plan(2), frame)[0], paid(plan(2), shuffled(frame, 3))[0])
    assert threads == {"threads": 1, "at_once": 0, "totals_at_once": 0, "fused": 0}  # a grid, but March to May is no consecutive run


def test_a_state_from_another_plan_is_walked(threads: dict[str, int]) -> None:
    """A state left by a holdback of 3 months, continued under one of 2: the slot of May is still full in
    May (due in June), which only the walk month by month settles; grid and shuffled agree."""
    year = grid(1, 3, 8, seed=9)
    early = year[year["period"] <= "2026-04"].reset_index(drop=True)
    late = year[year["period"] > "2026-04"].reset_index(drop=True)
    _, state = paid(plan(3), early)
    a, a_end = paid(plan(2), late, carried=state)
    b, b_end = paid(plan(2), shuffled(late, 4), carried=state)
    assert threads["at_once"] == 1  # the first 4 months only: the state from another plan is walked
    same(a, b)
    same_state(a_end, b_end)
    # nothing held is lost on the way: what was held less what was released is what is still held
    first = paid(plan(3), early)[0]
    still = a.groupby(["scenario", "rep_id"])["holdback_balance"].last().sum()
    assert first["holdback"].sum() + a["holdback"].sum() == pytest.approx(-still, abs=1e-6)
    assert (a.loc[a["period"] == "2026-07", "holdback"] > 0).any()  # June's slot (3 months) released in July


def test_period_totals_and_true_ups_on_threads_equal_one_thread(threads: dict[str, int]) -> None:
    """A quarterly part with a true-up and an annual part: in a grid the period-to-date totals are taken for
    every month at once and each of two threads pays and settles its own series blocks; shuffled, the totals
    and the settlement go month after month on one thread."""
    p = kpilab.Plan.from_dict({**BASE, "draw": {"amount": 25000}, "components": BASE["components"] + [
        {"name": "quarter", "kind": "bonus", "metric": "revenue", "amount": 20000, "period": "quarter",
         "true_up": True, "curve": {"points": [[0.8, 0.5], [1, 1], [1.5, 2]]}},
        {"name": "year", "kind": "bonus", "metric": "revenue", "amount": 50000, "period": "year",
         "curve": {"points": [[0.9, 0], [1.2, 1]]}}]})
    frame = grid(3, 5, 12, seed=11)
    whole, state = paid(p, frame)
    assert threads["totals_at_once"] == 2  # the totals to date (the true-up's and the year's), at once, per core
    assert threads["fused"] == 1  # each core paid and settled its own series
    assert threads["threads"] == 1  # the draw's walk went on two threads
    walked, walked_state = paid(p, shuffled(frame, 5))
    assert threads["totals_at_once"] == 2 and threads["fused"] == 1  # the shuffled rows were walked
    same(whole, walked)
    same_state(state, walked_state)
    assert (whole["quarter"] > 0).any() and (whole.loc[whole["period"] == "2026-12", "year"] > 0).any()


def test_plan_versions_paid_on_threads_equal_one_thread(threads: dict[str, int]) -> None:
    """A plan changed in July (a higher target bonus and a draw): each version's rows are paid by two
    threads, each taking its share of the rows, and give what one thread gives to the same rows shuffled."""
    later = {**BASE, "target_bonus": 36000, "draw": {"amount": 25000}}
    p = kpilab.load_plan({"name": "v", "versions": [{"from": "2026-01", "plan": {**BASE, "draw": {"amount": 25000}}},
                                                    {"from": "2026-07", "plan": later}]})
    frame = grid(2, 4, 12, seed=13)
    whole, state = paid(p, frame)
    walked, walked_state = paid(p, shuffled(frame, 6))
    same(whole, walked)
    same_state(state, walked_state)
    july = whole[whole["period"] >= "2026-07"]
    assert (july["sales"] > 0).any() and not july["sales"].isna().any()


@pytest.mark.parametrize("how", ["sum", "mean", "last", "min", "max"])
def test_totals_at_once_equal_the_walk_for_every_aggregation(how: str, threads: dict[str, int]) -> None:
    """The totals of a grid taken every month at once (:func:`kpilab.engine.periods.aggregation._grid_to_date`)
    against the walk, for each aggregation: a year in three pieces, each from the state the one before left
    (in May-June the quarter and the year go on from April), a last series cut short (walked on its own), and
    a plan version from July (a period restarts at the change)."""
    def version(bonus: float) -> dict[str, Any]:
        return {**BASE, "target_bonus": bonus, "aggregation": {"revenue": how}, "components": BASE["components"] + [
            {"name": "quarter", "kind": "bonus", "metric": "revenue", "amount": 20000, "period": "quarter",
             "curve": {"points": [[0.5, 0], [1, 1], [1.5, 2]]}},
            {"name": "year", "kind": "bonus", "metric": "revenue", "share": 0.5, "period": "year", "true_up": True,
             "curve": {"points": [[0.5, 0], [1, 1], [1.5, 2]]}}]}
    p = kpilab.load_plan({"name": "v", "versions": [{"from": "2026-01", "plan": version(30000)},
                                                    {"from": "2026-07", "plan": version(36000)}]})
    frame = grid(2, 4, 12, seed=17)
    pieces = [frame[frame["period"].between(lo, hi)].reset_index(drop=True)
              for lo, hi in (("2026-01", "2026-04"), ("2026-05", "2026-06"), ("2026-07", "2026-12"))]
    pieces[2] = pieces[2].iloc[:-3]  # the last series ends in September
    state = walked_state = None
    for i, piece in enumerate(pieces):
        table, state = paid(p, piece, carried=state)
        walked, walked_state = paid(p, shuffled(piece, i), carried=walked_state)
        same(table, walked)
        same_state(state, walked_state)
        if i == 1:
            second = table
    assert threads["totals_at_once"] == 12  # each piece is a grid: two scopes, on each of two cores
    assert (second.loc[second["period"] == "2026-06", "quarter"] > 0).any()  # the quarter went on from April


def test_a_rule_of_the_month_looked_up_equals_it_worked_out_row_by_row() -> None:
    """Long tables work out which month closes a period, and the periods to date, once per month of their
    span (:func:`kpilab.engine.periods.aggregation._per_month`): the same as the rule on every row."""
    month = np.random.default_rng(3).integers(2025 * 12, 2027 * 12 + 5, 10_000)
    for every, end in ((3, None), (12, 2026 * 12 + 5)):
        part = aggregation._Part("q", None, "quarter", every, None, 1.0, {}, end=end, start=2026 * 12 + 2)
        shut = (month % 12 + 1) % every == 0
        np.testing.assert_array_equal(part.closing(month), shut if end is None else shut | (month == end))
        assert part.closing(month).dtype == bool
    rule = lambda m: (m % 7) / 3.0  # noqa: E731
    np.testing.assert_array_equal(aggregation._per_month(rule, month), rule(month))
    assert aggregation._per_month(rule, month[:10]).tolist() == rule(month[:10]).tolist()


def test_a_schemes_roles_on_threads_equal_one_thread(threads: dict[str, int]) -> None:
    """A scheme whose roles carry different mechanics (a sanction and a recoverable draw for juniors, a
    holdback and a clawback for seniors): the parameters differ by row, each core takes its rows through
    the row steps, and the result equals one thread on the same rows shuffled. The holdback is one role's,
    so it is walked (the release at once needs one plan holding back)."""
    junior = {**BASE, "name": "j", "sanction": {"per_sanction": 0.3}, "draw": {"amount": 25000, "recoverable": True}}
    senior = {**BASE, "name": "s", "target_bonus": 45000, "holdback": {"share": 0.25, "release_after": 2},
              "clawback": {"rate": 0.05}}
    scheme = kpilab.load_plan({"scheme": "roles", "plans": {"junior": junior, "senior": senior}})
    frame = grid(3, 4, 8, seed=19)
    frame["role"] = np.where(frame["rep_id"].isin(["R0", "R1"]), "junior", "senior")
    whole, state = paid(scheme, frame)
    walked, walked_state = paid(scheme, shuffled(frame, 9))
    same(whole, walked)
    same_state(state, walked_state)
    juniors = whole[whole["rep_id"].isin(["R0", "R1"])]
    assert (juniors["sanction_cut"] < 0).any() and (juniors["holdback"] == 0).all()
    assert (whole.loc[~whole.index.isin(juniors.index), "holdback"] != 0).any()


@pytest.mark.parametrize("carried", [False, True])
def test_a_huge_amount_on_a_long_table_is_found_by_every_core(carried: bool) -> None:
    """The money check reads the columns on every core (from 200,000 rows): one revenue so large that the
    commission passes 2**53 kopecks still stops the evaluation, naming its row, per row and with a draw."""
    n = 240_000
    frame = pd.DataFrame({"rep_id": np.repeat([f"R{i}" for i in range(n // 12)], 12),
                          "period": np.tile([f"2026-{m:02d}" for m in range(1, 13)], n // 12),
                          "revenue": np.full(n, 1e6)})
    frame.loc[200_007, "revenue"] = 9e15
    spec = {"name": "huge", "base": 40000, "components": [
        {"name": "commission", "kind": "commission", "metric": "revenue", "rate": 0.05}]}
    if carried:
        spec["draw"] = {"amount": 25000}
    with pytest.raises(kpilab.DataError, match=r"row 200009, rep R16667, period 2026-04, column commission: commission comes to 450,000,000,000,000"):
        kpilab.evaluate(kpilab.Plan.from_dict(spec), frame)


def test_a_bad_sanction_cell_read_ahead_on_a_long_table_is_named_by_row() -> None:
    """From 200,000 rows one plan's sanction and cancelled-revenue columns are read beside the resolving (in
    the key check's thread); a bad cell is still reported where a sequential pass reads it, naming its row."""
    n = 240_000
    frame = pd.DataFrame({"rep_id": np.repeat([f"R{i}" for i in range(n // 12)], 12),
                          "period": np.tile([f"2026-{m:02d}" for m in range(1, 13)], n // 12),
                          "revenue": np.full(n, 1e6), "sanction": np.zeros(n, dtype=object)})
    frame.loc[230_001, "sanction"] = "two"
    p = kpilab.Plan.from_dict({**BASE, "sanction": {"per_sanction": 0.3}, "clawback": {"rate": 0.05}})
    with pytest.raises(kpilab.DataError, match=r"row 230003, rep R19166, period 2026-10, column sanction"):
        kpilab.evaluate(p, frame)
