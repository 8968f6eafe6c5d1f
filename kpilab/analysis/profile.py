"""What the analysis reads from a team that no plan changes: computed once, then reused for every plan.

A tuner re-evaluates one team under plan after plan. The output measure, each
rep's performance and its quartile, the archetype labels, the minimum-doers,
how the rows group into reps, (period, rep) units, periods and scenarios, the
revenue per period and per scenario: none of it depends on the plan.
:func:`profile_team` computes all of it once into an immutable
:class:`TeamProfile`; ``differentiation(payouts, profile=profile)`` then only
aggregates the pay columns the plan changed. There is no hidden cache: the
caller holds the profile and passes it in.

A profile never changes a result: ``differentiation(payouts, profile=profile_team(team, m))``
gives exactly ``differentiation(payouts, team, measure=m)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..engine import Payouts
from ..errors import KpilabError
from ..plan import Plan, Scheme
from ._common import Measure, quartiles, resolve_measure
from .segments import Segments, segment_reps
from ..i18n.messages import msg

__all__ = ["TeamProfile", "profile_team", "quartiles", "group_reduce", "minimum_doers", "windfall_rows",
           "WINDFALL_FACTOR"]

_KEYS: tuple[str, ...] = ("scenario", "rep_id", "period")
#: A month with revenue over this many times the rep's median month is a windfall (see :func:`windfall_rows`).
WINDFALL_FACTOR = 3.0


def group_reduce(codes: np.ndarray, columns: Mapping[str, np.ndarray], how: str) -> pd.DataFrame:
    """``mean`` or ``sum`` of each column per group, groups numbered 0..k-1 by ``codes``.

    The pandas group kernels (compensated summation, rows in order) give the
    same numbers as grouping the original key columns: only the keys differ.
    The codes go in as a categorical, so pandas does not hash them again.
    Row ``i`` of the result is group ``i``.
    """
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    groups = pd.Categorical.from_codes(codes, categories=pd.RangeIndex(n_groups), validate=False)
    grouped = pd.DataFrame(dict(columns)).groupby(groups, observed=False)  # one block: one kernel call
    return grouped.mean() if how == "mean" else grouped.sum()


def _readonly(a: np.ndarray) -> np.ndarray:
    """``a`` as a read-only array the profile owns (a copy unless already read-only)."""
    a = np.asarray(a)
    if a.flags.writeable:
        a = a.copy()
        a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class TeamProfile:
    """Everything :func:`~kpilab.analysis.differentiation` reads from the team alone.

    Build it with :func:`profile_team`; treat it as a value (its arrays are
    read-only). Per-row arrays follow the team's row order, which must be the
    payout table's (the team the payouts were computed from).

    Attributes
    ----------
    team
        The team rows, index reset (row ``i`` = payout row ``i``).
    measure
        Printable name of the output measure; ``measure_arg`` is the argument as given.
    keys
        The key columns present: ``(scenario,) rep_id, period``.
    key_values
        Each key column as a numpy array (what the rows are grouped by).
    performance, revenue
        Per row: the output measure, and ``revenue`` (None without that column).
    rep_codes
        Per row: the rep's number, 0.. in order of first appearance.
    reps
        Per rep (that order): ``rep_id``, [``archetype``], [``role``], ``performance``
        (monthly mean), the leading columns of ``DifferentiationReport.per_rep``.
    n_rows, quartile, bottom_half
        Per rep: rows, output quartile 1..4, output in the bottom half (average ranks).
    minimum_doer, minimum_doer_definition, segments
        Per rep, minimum-doers by :func:`~kpilab.analysis.segment_reps` (the
        team's activity against its own plans or role medians; never a
        synthetic archetype), the rule in English, and the whole classification.
    windfall
        Per row: a windfall month (:func:`windfall_rows`); None without revenue.
    clean_performance, clean_quartile
        Per rep: mean output and its quartile without windfall rows (what the
        rank and inversion criteria read).
    n_scenarios, output, total_revenue
        Scenarios (1 without a ``scenario`` column); output and revenue per scenario.
    scenario_codes, budget_index, budget_revenue
        Per row the scenario's number (sorted), the scenarios, revenue per scenario.
    period_codes, periods, period_revenue
        Per row the period's number (order of first appearance), the periods, revenue per period / scenarios.
    unit_codes, unit_rep, unit_period, unit_performance
        (period, rep) units in order of first appearance: per row the unit, per
        unit its rep, its period and the rep's mean output in that period.
    unit_order
        Units grouped by period (stable): the order the per-period figures read them.
    panel, panel_quartile
        When every period has every rep once (a balanced panel): ``unit_order``
        as a periods × reps array and each unit's quartile within its period;
        else None (the per-period figures then go period by period).
    """

    team: pd.DataFrame
    measure: str
    measure_arg: Measure
    keys: tuple[str, ...]
    key_values: Mapping[str, np.ndarray]
    performance: np.ndarray
    revenue: np.ndarray | None
    rep_codes: np.ndarray
    reps: pd.DataFrame
    n_rows: np.ndarray
    quartile: np.ndarray
    bottom_half: np.ndarray
    minimum_doer: np.ndarray
    minimum_doer_definition: str
    segments: Segments
    windfall: np.ndarray | None
    clean_performance: np.ndarray
    clean_quartile: np.ndarray
    n_scenarios: int
    output: float
    total_revenue: float
    scenario_codes: np.ndarray | None
    budget_index: pd.Index | None
    budget_revenue: np.ndarray | None
    period_codes: np.ndarray
    periods: tuple[Any, ...]
    period_revenue: np.ndarray
    unit_codes: np.ndarray
    unit_rep: np.ndarray
    unit_period: np.ndarray
    unit_performance: np.ndarray
    unit_order: np.ndarray
    panel: np.ndarray | None
    panel_quartile: np.ndarray | None

    @property
    def n_reps(self) -> int:
        """Number of reps."""
        return len(self.reps)

    def matches(self, table: pd.DataFrame) -> bool:
        """True when ``table`` (a payout table) has exactly this profile's rows: same keys, same order.

        Cheap for the payouts of the profiled team: the engine hands the key
        columns through, so they share memory with the team's.
        """
        if len(table) != len(self.team) or _keys_of(table) != self.keys:
            return False
        from ._common import same_values

        return all(same_values(self.team[k], table[k]) for k in self.keys)

    def __repr__(self) -> str:
        return (f"TeamProfile(rows={len(self.team)}, reps={self.n_reps}, periods={len(self.periods)}, "
                f"scenarios={self.n_scenarios}, measure={self.measure!r}, "
                f"balanced={self.panel is not None})")


def _keys_of(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(k for k in _KEYS if k in frame.columns)


def profile_team(team: pd.DataFrame, measure: Measure = None, labels: Any = None) -> TeamProfile:
    """Compute once what :func:`~kpilab.analysis.differentiation` reads from ``team`` alone.

    Parameters
    ----------
    team
        The performance table the payouts are (or will be) computed from, in
        the same row order (``kpilab.evaluate(plan, team)`` keeps it).
    measure
        The output measure, as for ``differentiation``: None = ``margin`` if
        present else ``revenue``; a column; an expression; or a callable.

    Returns
    -------
    TeamProfile
        Pass it as ``differentiation(payouts, profile=...)`` for every plan
        evaluated on ``team``; the reports are exactly those computed without it.

    Raises
    ------
    KpilabError
        ``team`` is not a DataFrame, lacks ``rep_id`` or ``period``, or the measure is invalid.
    """
    if not isinstance(team, pd.DataFrame):
        raise KpilabError(msg("api_errors.profile_team_not_frame", team_type=type(team).__name__))
    missing = [k for k in ("rep_id", "period") if k not in team.columns]
    if missing:
        raise KpilabError(msg("api_errors.profile_team_lacks_keys", missing=', '.join(missing)))
    frame = team.reset_index(drop=True)
    return build_profile(frame, measure, {k: frame[k].to_numpy() for k in _keys_of(frame)}, labels=labels)


def windfall_rows(rep_codes: np.ndarray, revenue: np.ndarray | None, factor: float = WINDFALL_FACTOR
                  ) -> np.ndarray | None:
    """Rows whose revenue is far above the rep's own norm: a windfall (one freak deal), not steady performance.

    A row is a windfall when its revenue is more than ``factor`` × the median
    of the rep's rows (reps with at least 3 rows) and above the team's 90th
    percentile of rows, so a newcomer's first good month is not one. None
    without revenue.
    """
    if revenue is None:
        return None
    rev = np.asarray(revenue, float)
    s = pd.Series(rev).groupby(rep_codes)
    med = s.transform("median").to_numpy(float)
    n = s.transform("size").to_numpy()
    team_p90 = float(np.percentile(rev, 90)) if rev.size else 0.0
    return (n >= 3) & (rev > factor * med) & (rev > team_p90)


def build_profile(frame: pd.DataFrame, measure: Measure, key_values: Mapping[str, np.ndarray],
                  plan: Plan | Scheme | None = None, labels: Any = None,
                  windfall_factor: float = WINDFALL_FACTOR) -> TeamProfile:
    """The profile of ``frame`` (index 0..n-1) grouped by ``key_values`` (numpy arrays, one per key).

    ``differentiation`` without a profile calls this on the team aligned to
    the payout table, with the table's own key values, so both ways share
    one computation. ``plan`` is only read to name the activity metrics when
    the team has no ``plan_<metric>`` columns (the definition then depends on
    the plan and is left to each call).
    """
    perf_rows, measure_name = resolve_measure(frame, measure)
    revenue_rows = frame["revenue"].to_numpy(float) if "revenue" in frame.columns else None
    keys = tuple(key_values)
    kf = pd.DataFrame(dict(key_values), copy=False)

    # Reps, in order of first appearance (the groupby's own numbering and keys).
    by_rep = kf.groupby("rep_id", sort=False)
    rep_codes = by_rep.ngroup().to_numpy(np.int64)
    sizes = by_rep.size()
    rep_index = sizes.index
    n_rows = sizes.to_numpy()
    perf_mean = group_reduce(rep_codes, {"performance": perf_rows}, "mean")["performance"].to_numpy()
    reps = pd.DataFrame({"performance": perf_mean}, index=rep_index).reset_index()
    for col in ("archetype", "role"):
        if col in frame.columns:
            first = frame.assign(rep_id=key_values["rep_id"]).groupby("rep_id", sort=False)[col].first()
            reps.insert(1, col, first.reindex(reps["rep_id"]).to_numpy())
    reps = reps[[c for c in ("rep_id", "archetype", "role", "performance") if c in reps]]
    quartile = quartiles(perf_mean)
    bottom_half = reps["performance"].rank(method="average").to_numpy() <= len(reps) / 2.0

    segments = segment_reps(frame.assign(rep_id=key_values["rep_id"]), labels=labels, measure=measure)
    seg_pos = pd.Index(segments.table["rep_id"].astype(str)).get_indexer(reps["rep_id"].astype(str))
    is_min = segments.minimum_doer[seg_pos]
    min_def = segments.describe("en")
    windfall = windfall_rows(rep_codes, revenue_rows, windfall_factor)
    if windfall is not None and windfall.any():
        clean = group_reduce(rep_codes, {"p": np.where(windfall, np.nan, perf_rows)}, "mean")["p"].to_numpy()
        clean = np.where(np.isnan(clean), perf_mean, clean)
    else:
        clean = perf_mean
    clean_quartile = quartiles(clean)

    # Scenarios and cost.
    has_scen = "scenario" in key_values
    n_scen = int(pd.Series(key_values["scenario"]).nunique()) if has_scen else 1
    output = float(pd.Series(perf_rows).sum() / n_scen)
    total_revenue = float(revenue_rows.sum() / n_scen) if revenue_rows is not None else float("nan")
    rev_or_nan = revenue_rows if revenue_rows is not None else np.full(len(frame), np.nan)
    scen_codes = budget_index = budget_revenue = None
    if has_scen:
        by_scen = kf.groupby("scenario", sort=True)
        scen_codes = by_scen.ngroup().to_numpy(np.int64)
        rev = pd.DataFrame({"scenario": key_values["scenario"], "revenue": rev_or_nan}).groupby(
            "scenario", sort=True)["revenue"].sum()
        budget_index, budget_revenue = rev.index, rev.to_numpy()

    # Periods and (period, rep) units, each in order of first appearance.
    by_period = kf.groupby("period", sort=False)
    period_codes = by_period.ngroup().to_numpy(np.int64)
    periods = tuple(by_period.size().index)
    period_revenue = group_reduce(period_codes, {"revenue": rev_or_nan}, "sum")["revenue"].to_numpy() / n_scen
    unit_codes = kf.groupby(["period", "rep_id"], sort=False).ngroup().to_numpy(np.int64)
    n_units = int(unit_codes.max()) + 1 if len(unit_codes) else 0
    unit_rep = np.empty(n_units, np.int64)
    unit_period = np.empty(n_units, np.int64)
    unit_rep[unit_codes] = rep_codes
    unit_period[unit_codes] = period_codes
    unit_perf = group_reduce(unit_codes, {"performance": perf_rows}, "mean")["performance"].to_numpy()
    unit_order = np.argsort(unit_period, kind="stable")
    panel = panel_q = None
    per_period = np.bincount(unit_period, minlength=len(periods))
    if len(periods) and (per_period == len(reps)).all():
        panel = unit_order.reshape(len(periods), len(reps))
        panel_q = np.stack([quartiles(row) for row in unit_perf[panel]])

    ro = _readonly
    return TeamProfile(
        team=frame, measure=measure_name, measure_arg=measure, keys=keys,
        key_values={k: ro(v) for k, v in key_values.items()}, performance=ro(perf_rows),
        revenue=None if revenue_rows is None else ro(revenue_rows), rep_codes=ro(rep_codes), reps=reps,
        n_rows=ro(n_rows), quartile=ro(quartile), bottom_half=ro(bottom_half),
        minimum_doer=ro(is_min), minimum_doer_definition=min_def, segments=segments,
        windfall=None if windfall is None else ro(windfall), clean_performance=ro(clean),
        clean_quartile=ro(clean_quartile),
        n_scenarios=n_scen, output=output, total_revenue=total_revenue,
        scenario_codes=None if scen_codes is None else ro(scen_codes), budget_index=budget_index,
        budget_revenue=None if budget_revenue is None else ro(budget_revenue),
        period_codes=ro(period_codes), periods=periods, period_revenue=ro(period_revenue),
        unit_codes=ro(unit_codes), unit_rep=ro(unit_rep), unit_period=ro(unit_period),
        unit_performance=ro(unit_perf), unit_order=ro(unit_order),
        panel=None if panel is None else ro(panel), panel_quartile=None if panel_q is None else ro(panel_q))


def minimum_doers(profile: TeamProfile, payouts: Payouts | None = None) -> tuple[np.ndarray, str]:
    """Which reps are minimum-doers and the rule used (English); the same for every plan.

    The classification reads the team only (:func:`~kpilab.analysis.segment_reps`),
    so comparing plans never moves a rep between segments.
    """
    return profile.minimum_doer, profile.minimum_doer_definition
