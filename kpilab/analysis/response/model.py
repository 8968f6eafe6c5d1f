"""The behavioural model: effort per activity family -> activity -> deals -> revenue -> pay.

Each rep chooses an effort level ``e`` per activity family (1.0 = the effort
behind the rep's observed year). Effort scales activity counts; activity feeds
the rep's own funnel (close rate and deal size estimated from the rep's data):

===================  ===========================================================
calls                ``calls_obs * e_phone``
meetings             ``meetings_obs * e_meetings**0.6 * e_phone**0.4`` (booked from calls)
emails               ``emails_obs * e_paperwork``
follow_ups           ``follow_ups_obs * e_follow_ups``
deals (mean)         ``meetings * close_rate * e_follow_ups**0.15 * e_paperwork**0.05``
revenue              ``deals * deal_size * noise + repeat_revenue_obs * e_follow_ups**0.3``
===================  ===========================================================

The exponents are the synthetic generator's funnel (:mod:`kpilab.data.synth`):
follow-ups lift conversion with elasticity 0.15 and repeat orders with 0.3.
Noise is drawn once per (scenario, rep, period) and reused for every effort
level (common random numbers), so expected pay is smooth in effort: activity
varies by a log-normal month form (sigma 0.08), deals by a normal approximation
of a Poisson count, revenue per deal by a log-normal (sigma 0.40 per deal).

The cost of effort in family ``f`` is ``k_f * e**gamma / gamma`` per month,
convex (``gamma > 1``); a rep may also value effort for reasons other than pay
(career, habit, the manager): a linear benefit ``m_f * e``. A rep maximises
expected monthly pay + benefit - cost (see :mod:`.calibrate` and :mod:`.predict`).

Effort is chosen per pay period of the plan (:func:`decision_units`): per
month under a plan that pays month by month, per quarter or per year where a
component reads a quarter's or a year's totals. Between two adjacent pay
periods a rep may also move part of the new deals (:func:`retime`): the
timing choice that makes deals bunch at a deadline.

Paying many effort levels is fast: the team is stacked once per plan as blocks
of scenarios and resolved once (:class:`Payer`); every effort grid is then a
new set of fact arrays paid by the engine without re-validating the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ...engine import Resolved, evaluate, pay_resolved, resolve_team
from ...engine.periods import uses_periods
from ...engine.resolve import _Columns
from ...errors import DataError
from ...i18n.messages import msg
from ...plan import Plan, Scheme

__all__ = ["FAMILIES", "Assumptions", "Funnel", "Payer", "simulate", "retime", "decision_units", "per_period",
           "luck_path"]

#: Activity families and the activity count each one drives directly.
FAMILIES: tuple[str, ...] = ("phone", "meetings", "paperwork", "follow_ups")
_ACTIVITY = {"phone": "calls", "meetings": "meetings", "paperwork": "emails", "follow_ups": "follow_ups"}

_FORM_SIGMA = 0.08
_DEAL_SIGMA = 0.40


@dataclass(frozen=True)
class Assumptions:
    """Every number the model assumes, with its range (the interval and the sensitivity table vary them).

    Attributes
    ----------
    gamma, gamma_range
        Curvature of the cost of effort ``k * e**gamma / gamma``: effort
        responds to a marginal reward with elasticity ``1 / (gamma - 1)``
        (gamma 3: a 10 % higher marginal reward, about 5 % more effort).
        Range 2-5: elasticities 1 to 0.25, the span of structural estimates
        for salespeople (Misra & Nair 2011; Chung, Steenburgh & Sudhir 2014).
    elasticity, elasticity_range
        Used only where the current plan pays nothing at the margin for a
        family (a salary, or a family no component reads): the percent rise in
        effort when the new plan's reward at the margin adds pay equal to 1 %
        of the rep's pay, valued by the rep's sales (their revenue at the
        team's cost of sales, as a commission would pay them:
        :func:`~.calibrate.elasticity_floor`). 0.5 (range 0.25-1.0), the order of Lazear
        (2000, AER, Safelite: piece rates raised output per worker by 44 %,
        about half of it effort) and Rao et al. (2021: +6-9 % from an
        activity incentive worth a few percent of pay).
    meetings_from_calls, close_from_follow_ups, close_from_paperwork, repeat_from_follow_ups
        Funnel elasticities (the synthetic generator's funnel).
    grid
        Effort levels tried per family, relative to the current effort.
    effort_bounds
        No rep goes below or above these multiples of the observed effort.
    sweeps
        Passes of family-by-family best response (coordinate ascent).
    shifts
        Shares of a month's new deals a rep may move into the adjacent month
        (positive: pulled into the earlier month; negative: pushed to the later one).
        At most 40 %: a deal can slip or be hurried by a few weeks, not by a season.
    timing_cost
        What moving a deal costs the rep, as a share of its revenue (a discount
        to agree, a client to persuade): 0.5 %, an eighth of a 4 % commission,
        so timing pays only where a threshold or a cap makes a month's last
        sale worth far more (or less) than the next month's first.
    optimise_scenarios
        Simulated years over which a rep takes expected pay when choosing effort.
    luck, luck_range, luck_persistence
        Luck that lasts: the value of a month's new business moves with a
        demand level of the rep's territory and clients (budgets, a key
        account won or lost, the local market), log-normal with a standard
        deviation of ``luck`` that follows an AR(1) from month to month with
        persistence ``luck_persistence`` (0.8 a month: half of a shock is
        gone after about three months). The rep sees the month's level (the
        pipeline tells them), not the next one's, and re-plans with it
        (:mod:`.pacing`). Centre 0, range 0-30 %: one year of a team's months
        cannot tell a level that lasts from the rep's ability (each rep's mean
        absorbs it), and what remains month to month in the synthetic teams
        is what removing the means leaves (lag-one correlation -0.05 to
        -0.09, about the -1/11 of twelve months with no lasting luck), so the
        centre is the model with independent months and the interval covers
        lasting luck up to 30 % (a rep's year then varies by about 20 %,
        against 9 % from independent months alone). A stated assumption, not
        an estimate; the persistence is assumed, not varied.
    luck_from_data
        Read the centre of ``luck`` from the team's months where they show
        luck that lasts (:func:`~.luck.lasting_luck`: adjacent months
        correlate beyond what no lasting luck gives); the stated ``luck``
        otherwise. :func:`~.predict.predict` says which.
    """

    gamma: float = 4.0
    gamma_range: tuple[float, float] = (2.5, 6.0)
    elasticity: float = 0.5
    elasticity_range: tuple[float, float] = (0.25, 1.0)
    meetings_from_calls: float = 0.4
    close_from_follow_ups: float = 0.15
    close_from_paperwork: float = 0.05
    repeat_from_follow_ups: float = 0.3
    grid: tuple[float, ...] = (0.4, 0.55, 0.7, 0.85, 1.0, 1.15, 1.35, 1.6, 2.0)
    effort_bounds: tuple[float, float] = (0.25, 3.0)
    sweeps: int = 2
    optimise_scenarios: int = 16
    shifts: tuple[float, ...] = (0.0, -0.4, -0.2, 0.2, 0.4)
    timing_cost: float = 0.005
    luck: float = 0.0
    luck_range: tuple[float, float] = (0.0, 0.30)
    luck_persistence: float = 0.8
    luck_from_data: bool = True

    def __post_init__(self) -> None:
        lo, hi = self.gamma_range
        if not 1.0 < lo <= self.gamma <= hi:
            raise ValueError(msg("api_errors.response_gamma_range", gamma_range=self.gamma_range, gamma=self.gamma))
        lo, hi = self.elasticity_range
        if not 0.0 < lo <= self.elasticity <= hi:
            raise ValueError(msg("api_errors.response_elasticity_range", elasticity_range=self.elasticity_range))
        if self.sweeps < 1 or self.optimise_scenarios < 1 or not self.grid:
            raise ValueError(msg("api_errors.response_counts_positive"))
        if 0.0 not in self.shifts or any(abs(x) > 0.5 for x in self.shifts) or self.timing_cost < 0:
            raise ValueError(msg("api_errors.response_shifts", shifts=self.shifts, timing_cost=self.timing_cost))
        lo, hi = self.luck_range
        if not (0.0 <= lo <= self.luck <= hi and 0.0 <= self.luck_persistence < 1.0):
            raise ValueError(msg("api_errors.response_luck", luck_range=self.luck_range, luck=self.luck,
                                 persistence=self.luck_persistence))

    def draws(self) -> pd.DataFrame:
        """The parameter sets evaluated: the centre, then each assumption at either end of its range
        (one at a time, so each swing is that assumption's alone: the sensitivity table). An end equal to
        the centre (lasting luck: centre 0, the low end 0) is the centre's own draw and is not repeated."""
        centre = {"gamma": self.gamma, "elasticity": self.elasticity, "luck": self.luck}
        rows = [("centre", "", *centre.values())]
        for name, ends in (("gamma", self.gamma_range), ("elasticity", self.elasticity_range),
                           ("luck", self.luck_range)):
            for end, value in zip(("low", "high"), ends):
                if value != centre[name]:
                    rows.append((name, end, *{**centre, name: value}.values()))
        return pd.DataFrame(rows, columns=["assumption", "end", *centre])


@dataclass(frozen=True, eq=False)
class Funnel:
    """A team's observed year as the model's baseline (effort 1.0): arrays of shape (reps, periods).

    Build with :meth:`from_team`.
    """

    team: pd.DataFrame            # the table, sorted by rep then period (targets and other columns kept)
    reps: np.ndarray
    periods: np.ndarray
    activity: dict[str, np.ndarray]   # family -> observed activity count (R, P)
    meetings: np.ndarray
    close_rate: np.ndarray        # (R, 1) deals per meeting
    deal_size: np.ndarray         # (R, 1) new revenue per deal
    repeat: np.ndarray            # (R, P) repeat revenue
    assumptions: Assumptions = field(default_factory=Assumptions)

    @property
    def shape(self) -> tuple[int, int]:
        return self.meetings.shape

    @classmethod
    def from_team(cls, team: pd.DataFrame, assumptions: Assumptions | None = None) -> "Funnel":
        """The rep's own funnel from one year of data (one row per rep per period, no scenarios).

        Raises
        ------
        DataError
            A missing column, a scenario column, or a rep missing a period.
        """
        a = assumptions or Assumptions()
        need = ["rep_id", "period", "calls", "meetings", "emails", "follow_ups", "deals", "revenue"]
        source = team.attrs.get("source")
        for col in need:
            if col not in team.columns:
                raise DataError(msg("response.error.missing_column", column=col), file=source, column=col)
        if "scenario" in team.columns:
            raise DataError(msg("response.error.scenarios"), file=source, column="scenario")
        frame = team.sort_values(["rep_id", "period"], kind="stable").reset_index(drop=True)
        reps = frame["rep_id"].unique()
        periods = np.sort(frame["period"].unique())
        if len(frame) != len(reps) * len(periods):
            counts = frame.groupby("rep_id")["period"].count()
            short = counts[counts < len(periods)].index[0]
            raise DataError(msg("response.error.every_period", count=len(periods)), file=source, rep=str(short),
                            column="period")
        shape = (len(reps), len(periods))

        def grid(col: str) -> np.ndarray:
            return frame[col].to_numpy(float).reshape(shape)

        repeat = grid("repeat_revenue") if "repeat_revenue" in frame.columns else np.zeros(shape)
        meetings, deals = grid("meetings"), grid("deals")
        new_revenue = np.maximum(grid("revenue") - repeat, 0.0)
        # A rep with no meetings or deals on record borrows the team's rate (no division by zero).
        team_close = deals.sum() / max(meetings.sum(), 1.0)
        team_size = new_revenue.sum() / max(deals.sum(), 1.0)
        m_sum, d_sum = meetings.sum(1, keepdims=True), deals.sum(1, keepdims=True)
        close = np.where(m_sum > 0, d_sum / np.maximum(m_sum, 1e-9), team_close)
        size = np.where(d_sum > 0, new_revenue.sum(1, keepdims=True) / np.maximum(d_sum, 1e-9), team_size)
        activity = {f: grid(_ACTIVITY[f]) for f in FAMILIES}
        return cls(frame, reps, periods, activity, meetings, close, size, repeat, a)

    def noise(self, n_scenarios: int, rng: np.random.Generator, stratified: bool = False) -> np.ndarray:
        """Standard normals for (scenario, rep, period): activity form, meetings, deals, deal value, and the
        demand level (an AR(1) path with :attr:`Assumptions.luck_persistence`, each month's value a
        standard normal; :func:`luck_path`).

        ``stratified``: Latin hypercube draws; for each rep, period and kind of
        noise the ``n_scenarios`` values fall one in each of ``n_scenarios``
        equally likely bands, in a random order. A month's expected pay over
        16 such years is as smooth as over about 60 plain ones, which the month
        by month choice of effort needs (a step's expected pay must not jump
        from one grid level to the next by luck).
        """
        shape = (4, n_scenarios, *self.shape)
        # The demand level comes from a child stream: the other draws stay what they were before it existed.
        level = rng.spawn(1)[0]
        if not stratified:
            z = rng.standard_normal(shape)
            shocks = level.standard_normal(shape[1:])
        else:
            from scipy.special import ndtri
            bands = rng.permuted(np.broadcast_to(np.arange(n_scenarios)[None, :, None, None], shape), axis=1)
            z = ndtri((bands + rng.random(shape)) / n_scenarios)
            bands = level.permuted(np.broadcast_to(np.arange(n_scenarios)[:, None, None], shape[1:]), axis=0)
            shocks = ndtri((bands + level.random(shape[1:])) / n_scenarios)
        return np.concatenate([z, luck_path(shocks, self.assumptions.luck_persistence)[None]])


def luck_path(shocks: np.ndarray, rho: float) -> np.ndarray:
    """An AR(1) path over the last axis from independent standard normals: ``u[0] = shocks[0]``,
    ``u[t] = rho * u[t - 1] + sqrt(1 - rho**2) * shocks[t]``, so every month is a standard normal and
    months ``h`` apart correlate by ``rho**h``."""
    out = np.empty_like(shocks)
    out[..., 0] = shocks[..., 0]
    keep = np.sqrt(1.0 - rho * rho)
    for t in range(1, shocks.shape[-1]):
        out[..., t] = rho * out[..., t - 1] + keep * shocks[..., t]
    return out


def per_period(effort: np.ndarray, periods: int) -> np.ndarray:
    """Effort of shape (..., R, F), the same in every period, as (..., R, P, F)."""
    return np.repeat(effort[..., None, :], periods, axis=-2)


def simulate(funnel: Funnel, effort: np.ndarray, z: np.ndarray | None,
             luck: float | np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Activity, deals and revenue for effort levels.

    Parameters
    ----------
    effort
        Shape (..., reps, families): one effort per rep and family, the same in
        every period; or (..., reps, periods, families) with ``effort.ndim >= 4``
        (the leading axes are blocks: parameter draws, grid points).
    z
        From :meth:`Funnel.noise`, shape (5, S, R, P); None for expected values.
    luck
        The standard deviation of the lasting demand level (:attr:`Assumptions.luck`, the default), a
        number or one per block (the leading axes of ``effort``): new revenue is multiplied by
        ``exp(luck * u - luck**2 / 2)``, ``u`` the path in ``z[4]`` (mean 1).

    Returns
    -------
    dict
        Metric -> array of shape (..., S, R, P) (S = 1 without noise).
    """
    a = funnel.assumptions
    if effort.ndim >= 4:
        e = {f: effort[..., i][..., None, :, :] for i, f in enumerate(FAMILIES)}  # (..., 1, R, P)
    else:
        e = {f: effort[..., i][..., None, :, None] for i, f in enumerate(FAMILIES)}  # (..., 1, R, 1)
    if z is None:
        form = meet_n = deal_z = value_z = np.zeros((1, *funnel.shape))
        sig = 0.0
    else:
        form, meet_n, deal_z, value_z, level = z
        sig = _FORM_SIGMA
    shock = np.exp(sig * form - sig * sig / 2)
    out = {_ACTIVITY[f]: funnel.activity[f] * e[f] * shock for f in ("phone", "paperwork", "follow_ups")}
    meetings = (funnel.meetings * e["meetings"] ** (1 - a.meetings_from_calls)
                * e["phone"] ** a.meetings_from_calls * np.exp(sig * meet_n - sig * sig / 2))
    out["meetings"] = meetings
    mean_deals = (meetings * funnel.close_rate * e["follow_ups"] ** a.close_from_follow_ups
                  * e["paperwork"] ** a.close_from_paperwork)
    deals = np.maximum(mean_deals + np.sqrt(mean_deals) * deal_z, 0.0) if z is not None else mean_deals
    out["deals"] = deals
    per_deal = _DEAL_SIGMA / np.sqrt(np.maximum(mean_deals, 1.0))
    value = np.exp(per_deal * value_z - per_deal ** 2 / 2) if z is not None else 1.0
    repeat = funnel.repeat * e["follow_ups"] ** a.repeat_from_follow_ups
    out["repeat_revenue"] = repeat * np.ones_like(deals)
    if z is not None:
        lead = effort.shape[:-3] if effort.ndim >= 4 else effort.shape[:-2]
        u = np.asarray(a.luck if luck is None else luck, float)
        u = np.broadcast_to(u, lead).reshape(*lead, 1, 1, 1) if u.ndim else u
        value = value * np.exp(u * level - u * u / 2)
    out["revenue"] = deals * funnel.deal_size * value + repeat
    return out


def retime(facts: dict[str, np.ndarray], shift: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Move new deals between adjacent periods: the timing choice.

    Parameters
    ----------
    facts
        From :func:`simulate`, arrays of shape (B, S, R, P).
    shift
        Shape (B, S, R, P - 1) (or (B, R, P - 1), the same in every simulated
        year): for the pair of periods (p, p + 1), the share of period p + 1's
        new deals pulled into p (positive) or of period p's pushed into p + 1
        (negative). Shares are of the periods as simulated, so the total over
        the year never changes.

    Returns
    -------
    (dict, numpy.ndarray)
        The facts with ``deals`` and ``revenue`` moved (repeat revenue and
        activity stay where they were), and the revenue moved per pair, shape
        (B, S, R, P - 1), never negative.
    """
    t = shift if shift.ndim == 4 else shift[:, None]
    moved = {}
    for name, x in (("deals", facts["deals"]), ("new", facts["revenue"] - facts["repeat_revenue"])):
        amount = np.where(t > 0, t * x[..., 1:], t * x[..., :-1])
        y = x.copy()
        y[..., :-1] += amount
        y[..., 1:] -= amount
        moved[name] = (y, np.abs(amount))
    out = dict(facts)
    out["deals"] = moved["deals"][0]
    out["revenue"] = moved["new"][0] + facts["repeat_revenue"]
    return out, moved["new"][1]


_UNIT_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def decision_units(plan: Plan | Scheme, periods: np.ndarray) -> np.ndarray:
    """The pay period each data period belongs to, as indices 0..U-1 (shape (P,)).

    A plan whose components all pay month by month is decided month by month;
    a quarterly (annual) component makes the quarter (year) the unit a rep
    plans over, because its pay reads the period's totals. Period labels that
    are not ``YYYY-MM`` are each their own unit.
    """
    length = max((_UNIT_MONTHS.get(p.periods.timing_of(c.name).period, 1)
                  for p in plan.plans().values() for c in p.components), default=1)
    labels = pd.Series(np.asarray(periods, dtype=object)).astype(str)
    parsed = labels.str.extract(r"^\s*(\d{4})-(\d{2})\s*$")
    if length == 1 or parsed.isna().any().any():
        return np.arange(len(periods))
    months = parsed[0].astype(int).to_numpy() * 12 + parsed[1].astype(int).to_numpy() - 1
    return np.unique(months // length, return_inverse=True)[1].ravel()


def unit_matrix(units: np.ndarray) -> np.ndarray:
    """One-hot (P, U): ``x @ unit_matrix(units)`` sums periods into their units."""
    return np.eye(int(units.max()) + 1)[units]


class Payer:
    """A plan's pay for many blocks of simulated rows, the team resolved once.

    The observed year is resolved once for ``plan`` (every check of
    :func:`~kpilab.engine.resolve_team` runs on it) and its resolved arrays are
    stacked ``blocks x scenarios`` times; :meth:`pay` swaps in new fact arrays
    and pays with the engine's own functions (bit for bit ``evaluate`` on the
    stacked table, which ``tests/analysis/test_response.py`` checks).
    """

    def __init__(self, plan: Plan | Scheme, funnel: Funnel, blocks: int, scenarios: int) -> None:
        self.plan, self.funnel = plan, funnel
        self.blocks, self.scenarios = blocks, scenarios
        n = blocks * scenarios
        self.stacked: pd.DataFrame | None = None
        if uses_periods(plan):
            # Pay across months carries state month by month: the engine's period pass pays the stacked
            # table (one series per block and scenario), which a resolved view cannot.
            frame = funnel.team.loc[np.tile(np.arange(len(funnel.team)), n)].reset_index(drop=True)
            frame["scenario"] = np.repeat(np.arange(n), len(funnel.team))
            self.stacked = frame
            return
        # Resolve the observed year once (every check runs on it) and tile the resolved arrays: the
        # stacked copies differ only in their facts, which pay() swaps in.
        one = resolve_team(plan, funnel.team)
        cols = one.columns

        def tile(d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
            return {k: np.tile(v, n) for k, v in d.items()}

        group = None
        if one.team_group is not None:
            width = int(one.team_group.max()) + 1
            group = (one.team_group[None, :] + width * np.arange(n)[:, None]).ravel()
        columns = _Columns(cols.n * n, tile(cols.facts), tile(cols.targets), tile(cols.team_attainment),
                           np.tile(cols.base, n), np.tile(cols.target_bonus, n))
        self.view: Resolved = replace(one, n=cols.n * n, columns=columns, row_plan=tile(one.row_plan),
                                      given=tile(one.given), team_group=group, n_scenarios=n)

    def reads(self, metric: str) -> bool:
        """Whether the plan's pay reads ``metric`` (a fact it does not read need not be passed to :meth:`pay`)."""
        if self.stacked is not None:
            return metric in self.stacked.columns
        return metric in self.view.columns.facts

    def pay(self, facts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The payout columns (flat rows) for facts of shape (blocks, scenarios, R, P)."""
        if self.stacked is not None:
            frame = self.stacked
            for metric, values in facts.items():
                if metric in frame.columns:
                    frame[metric] = np.broadcast_to(values, (self.blocks, self.scenarios,
                                                             *self.funnel.shape)).ravel()
            table = evaluate(self.plan, frame).table
            return {c: table[c].to_numpy(float) for c in table.columns if pd.api.types.is_numeric_dtype(table[c])}
        view = self.view
        cols = view.columns
        new = dict(cols.facts)
        for metric in new:
            if metric in facts:
                new[metric] = np.ascontiguousarray(np.broadcast_to(
                    facts[metric], (self.blocks, self.scenarios, *self.funnel.shape))).ravel()
        team_att = dict(cols.team_attainment)
        if view.team_group is not None:
            for metric in team_att:  # team attainment moves with the facts
                fact_sum = np.bincount(view.team_group, weights=new[metric])
                target_sum = np.bincount(view.team_group, weights=cols.targets[metric])
                team_att[metric] = (fact_sum / target_sum)[view.team_group]
        swapped = replace(view, columns=_Columns(cols.n, new, cols.targets, team_att, cols.base,
                                                 cols.target_bonus))
        with np.errstate(all="ignore"):
            return pay_resolved(self.plan, swapped)

    def monthly_pay(self, facts: dict[str, np.ndarray]) -> np.ndarray:
        """Expected pay per month, shape (blocks, R): the mean over scenarios and periods."""
        total = self.pay(facts)["total"].reshape(self.blocks, self.scenarios, *self.funnel.shape)
        return total.mean(axis=(1, 3))

    def period_pay(self, facts: dict[str, np.ndarray]) -> np.ndarray:
        """Expected pay per rep and period, shape (blocks, R, P): the mean over scenarios."""
        total = self.pay(facts)["total"].reshape(self.blocks, self.scenarios, *self.funnel.shape)
        return total.mean(axis=1)
