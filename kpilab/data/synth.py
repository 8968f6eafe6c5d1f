"""Synthetic sales departments and Monte Carlo years.

:func:`make_team` generates one year (or any number of months) of a B2B sales
department; :func:`make_scenarios` generates the *same* department (same reps,
same traits, same archetypes, same plans) in many possible years. Both share
one vectorised core: every random quantity is drawn for all scenarios x reps at
once, with a short loop over the months only (the months are linked by the
plan-chasing behaviour). Nothing here knows about compensation plans.

This module checks the arguments, lays out the long table and handles joiners
and leavers; the behavioural model itself (archetypes, traits, the month-by-month
funnel, plan setting and its calibration) is :mod:`kpilab.data.synth_model`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import KpilabError
from .synth_model import ARCHETYPES, DEFAULT_MIX, Department, draw_department, rep_labels, simulate
from ..i18n.messages import msg

__all__ = [
    "ARCHETYPES",
    "DEFAULT_MIX",
    "TEAM_COLUMNS",
    "make_team",
    "make_scenarios",
]

#: Columns of a generated team, in order (``make_scenarios`` puts ``scenario`` first).
TEAM_COLUMNS: tuple[str, ...] = (
    "rep_id", "period", "role", "team", "archetype", "tenure_months",
    "inbound_calls", "missed_calls", "calls", "meetings", "emails", "follow_ups",
    "deals", "revenue", "repeat_revenue", "crm_quality",
    "plan_calls", "plan_meetings", "plan_emails", "plan_follow_ups", "plan_deals",
    "plan_revenue", "plan_repeat_revenue",
)

# --------------------------------------------------------------------------- helpers


def _as_rng(seed: int | np.random.Generator | None,
            rng: np.random.Generator | None) -> np.random.Generator:
    """One explicit Generator from ``seed`` (int, Generator or None) or ``rng``."""
    if rng is not None:
        if seed is not None:
            raise KpilabError(msg("api_errors.synth_seed_and_rng"))
        if not isinstance(rng, np.random.Generator):
            raise KpilabError(msg("api_errors.synth_rng", rng_type=type(rng).__name__))
        return rng
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.RandomState):
        raise KpilabError(msg("api_errors.synth_seed"))
    return np.random.default_rng(seed)


def _check_int(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise KpilabError(msg("api_errors.synth_integer", name=name, minimum=minimum, value=value))
    return int(value)


def _normalise_mix(mix: Mapping[str, float] | None) -> np.ndarray:
    """Shares per archetype, in ``ARCHETYPES`` order, summing to 1."""
    if mix is None:
        mix = DEFAULT_MIX
    unknown = sorted(set(mix) - set(ARCHETYPES))
    if unknown:
        raise KpilabError(msg("api_errors.synth_unknown_archetype",
                              unknown=', '.join(unknown), ARCHETYPES=', '.join(ARCHETYPES)))
    weights = np.array([float(mix.get(a, 0.0)) for a in ARCHETYPES])
    if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
        raise KpilabError(msg("api_errors.synth_mix_weights"))
    return weights / weights.sum()


def _frame(dep: Department, out: dict[str, np.ndarray], n_scenarios: int,
           with_scenario: bool) -> pd.DataFrame:
    """Long table, rows ordered by scenario, rep, period."""
    S, (R, P) = n_scenarios, dep.tenure.shape
    n = S * R * P
    rep_idx = np.tile(np.repeat(np.arange(R), P), S)
    per_idx = np.tile(np.arange(P), S * R)
    data: dict[str, np.ndarray] = {}
    if with_scenario:
        data["scenario"] = np.repeat(np.arange(S, dtype=np.int64), R * P)
    data["rep_id"] = dep.rep_id[rep_idx]
    data["period"] = np.array(dep.periods, dtype=object)[per_idx]
    data["role"] = dep.role[rep_idx]
    data["team"] = dep.team[rep_idx]
    data["archetype"] = dep.archetype[rep_idx]
    data["tenure_months"] = np.tile(dep.tenure.ravel(), S).astype(np.int64)
    for k, v in out.items():
        data[k] = v.reshape(n)
    for k, v in dep.plans.items():
        data[f"plan_{k}"] = np.tile(v.ravel(), S)
    return pd.DataFrame(data)


def _merge(a: Department, b: Department) -> Department:
    """Department ``a`` with the reps of ``b`` after it, numbered on (R01... over both)."""
    cat = np.concatenate
    n = a.rep_id.size + b.rep_id.size
    return Department(rep_id=np.array(rep_labels("R", n), dtype=object), archetype=cat([a.archetype, b.archetype]),
                       role=cat([a.role, b.role]), team=cat([a.team, b.team]), tenure=cat([a.tenure, b.tenure]),
                       periods=a.periods, traits={k: cat([v, b.traits[k]]) for k, v in a.traits.items()},
                       plans={k: cat([v, b.plans[k]]) for k, v in a.plans.items()}, wd=a.wd, season=a.season)


def _turnover(rng: np.random.Generator, dep: Department, turnover: float, start: str
              ) -> tuple[Department, np.ndarray]:
    """Leavers and the joiners who take their seats; returns the department and the (reps, months) active mask.

    Each rep leaves during the horizon with probability ``1 - (1 - turnover) ** (months / 12)``,
    in a month drawn uniformly (not the first); the seat is empty for a month and then a
    newcomer joins (tenure 0-2 at joining, junior, reduced plans while ramping).
    """
    R, P = dep.tenure.shape
    active = np.ones((R, P), bool)
    if turnover <= 0 or P < 3:
        return dep, active
    p_leave = 1.0 - (1.0 - turnover) ** (P / 12.0)
    leaves = rng.random(R) < p_leave
    leave_at = rng.integers(1, P - 1, size=R)
    leavers = np.flatnonzero(leaves)
    active[leavers[:, None], np.arange(P)[None, :]] = np.arange(P)[None, :] < leave_at[leavers][:, None]
    if leavers.size == 0:
        return dep, active
    join = np.minimum(leave_at[leavers] + 1, P - 1)
    newcomers = _normalise_mix({"newcomer": 1.0})
    joiners = draw_department(rng, leavers.size, P, newcomers, start, join=join)
    joiners = Department(rep_id=joiners.rep_id, archetype=joiners.archetype, role=joiners.role,
                          team=dep.team[leavers], tenure=joiners.tenure, periods=joiners.periods,
                          traits=joiners.traits, plans=joiners.plans, wd=joiners.wd, season=joiners.season)
    joined = np.arange(P)[None, :] >= join[:, None]
    return _merge(dep, joiners), np.vstack([active, joined])


def _generate(n_reps: int, periods: int, n_scenarios: int, seed: int | np.random.Generator | None,
              mix: Mapping[str, float] | None, start: str, rng: np.random.Generator | None,
              with_scenario: bool, turnover: float = 0.0) -> pd.DataFrame:
    n_reps = _check_int("n_reps", n_reps, 1)
    periods = _check_int("periods", periods, 1)
    n_scenarios = _check_int("n_scenarios", n_scenarios, 1)
    if not (isinstance(turnover, (int, float)) and 0.0 <= float(turnover) < 1.0):
        raise KpilabError(msg("api_errors.synth_turnover", turnover=turnover))
    shares = _normalise_mix(mix)
    trait_rng, outcome_rng = _as_rng(seed, rng).spawn(2)
    dep = draw_department(trait_rng, n_reps, periods, shares, start)
    active = None
    if turnover > 0:
        dep, active = _turnover(np.random.default_rng(trait_rng.integers(2**63)), dep, float(turnover), start)
    out = simulate(outcome_rng, dep, n_scenarios)
    frame = _frame(dep, out, n_scenarios, with_scenario)
    if active is not None:
        frame = frame[np.tile(active.ravel(), n_scenarios)].reset_index(drop=True)
    return frame


# --------------------------------------------------------------------------- public API

def make_team(n_reps: int, periods: int = 12, mix: Mapping[str, float] | None = None,
              seed: int | np.random.Generator | None = None, start: str = "2026-01",
              rng: np.random.Generator | None = None, turnover: float = 0.0) -> pd.DataFrame:
    """Generate a synthetic sales department: one row per rep per month.

    Parameters
    ----------
    n_reps
        Number of reps (>= 1).
    periods
        Number of consecutive months (>= 1).
    mix
        Archetype weights, e.g. ``{"star": 0.2, "laggard": 0.1, ...}``; missing
        archetypes get 0 and the weights are normalised to sum to 1. Reps are
        allotted by largest remainder (30 reps at 10 % stars give exactly 3
        stars), then shuffled. Default :data:`DEFAULT_MIX`.
    seed
        An int, a ``numpy.random.Generator`` or None (fresh entropy).
    start
        First period, ``"YYYY-MM"``.
    rng
        A ``numpy.random.Generator`` (alternative to ``seed``; not both).
    turnover
        Annual share of reps who leave (0 by default: a closed panel). A leaver's
        rows stop in the month it leaves; a newcomer joins its seat a month later
        (new ``rep_id`` after the others, rows from the month it joins). 0.15-0.3
        is typical for sales teams.

    Returns
    -------
    pandas.DataFrame
        ``n_reps * periods`` rows (fewer/more with ``turnover``) ordered by rep then period, columns
        :data:`TEAM_COLUMNS`: text ``rep_id`` (``R01``...), ``period``
        (``2026-01``...), ``role`` (junior/senior), ``team`` (A, B, ...),
        ``archetype``; integer counts; revenue in whole RUB; ``crm_quality`` in
        [0, 1]; ``plan_<metric>`` targets per row. Every number is >= 0. It can
        be passed to ``kpilab.evaluate`` as it is.

    Notes
    -----
    The behavioural model is described in the module docstring. The traits are
    drawn from the first child stream of the seed and the outcomes from the
    second, so :func:`make_scenarios` with the same seed yields the same reps,
    traits and plans.

    Examples
    --------
    >>> team = make_team(30, seed=7)
    >>> team.shape
    (360, 23)
    """
    return _generate(n_reps, periods, 1, seed, mix, start, rng, with_scenario=False, turnover=turnover)


def make_scenarios(n_reps: int, periods: int, n_scenarios: int,
                   seed: int | np.random.Generator | None, mix: Mapping[str, float] | None = None,
                   start: str = "2026-01", rng: np.random.Generator | None = None,
                   turnover: float = 0.0) -> pd.DataFrame:
    """The same department in ``n_scenarios`` possible years (Monte Carlo).

    The reps, their archetypes, traits, roles, teams, tenure and plans are drawn
    once from ``seed`` and are identical in every scenario (and identical to
    ``make_team(n_reps, periods, mix, seed)``); calls, meetings, deals,
    revenue and the other outcomes are drawn independently per scenario,
    together with a market shock per scenario and month shared by all reps.
    Everything is drawn in one vectorised pass over scenarios x reps x months.

    Parameters
    ----------
    n_reps, periods, mix, start, turnover
        As in :func:`make_team` (who leaves and joins is the same in every scenario).
    n_scenarios
        Number of simulated years (>= 1).
    seed, rng
        As in :func:`make_team`.

    Returns
    -------
    pandas.DataFrame
        ``n_scenarios * n_reps * periods`` rows ordered by scenario, rep,
        period: an int ``scenario`` column (0...) first, then
        :data:`TEAM_COLUMNS`. ``(scenario, rep_id, period)`` is unique.
    """
    return _generate(n_reps, periods, n_scenarios, seed, mix, start, rng, with_scenario=True, turnover=turnover)
