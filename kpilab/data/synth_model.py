"""The behavioural model behind :mod:`kpilab.data.synth`: archetypes, traits, the monthly funnel, plans.

The behavioural model
---------------------
**Reps.** Each rep gets an *archetype* and, from it, traits drawn once:

``effort``
    activity volume relative to the department norm (1.0 = norm);
``skill``
    conversion relative to the norm (calls -> meetings -> deals);
``discipline``
    in [0, 1]: answers inbound calls, keeps the CRM clean, follows up;
``phone``, ``paper``, ``accounts``
    strengths (1.0 = norm) on the phone, in written work (emails, follow-ups,
    CRM) and in account work (repeat customers);
``deal_size``
    the rep's typical deal relative to the norm;
``chase``
    probability of pulling deals into a short month (the rep manages the
    pipeline's timing); 0.85 for most reps, 0.5 for laggards.

Archetypes (trait means; every trait also varies within an archetype):

==================== =====================================================
``star``             works hard and well: effort 1.15, skill 1.22
``hard_worker``      lots of activity (effort 1.22), average conversion
``minimum_doer``     meets every activity plan at its minimum: calls, meetings,
                     emails and follow-ups at 100-110 % of plan each month
                     (they stop booking meetings once the plan is met);
                     conversion and meeting quality below average, so revenue
                     lands at roughly 80-100 % of plan; they manage to the
                     minimum as reliably as others chase (``chase`` 0.85,
                     aiming at 85 % of the revenue plan)
``phone_specialist`` many calls, best meeting rate, few missed calls; weak on
                     emails, follow-ups and CRM
``paperwork_specialist`` emails, follow-ups and CRM quality high; fewer calls
``account_manager``  a large book of repeat customers (``accounts`` 2.0)
``laggard``          low effort and skill, poor discipline: below plan in most
                     months
``newcomer``         joined 0-2 months before the first period; ramps up
==================== =====================================================

**Each month** ``m`` (for every scenario and rep):

- Working days follow an approximate Russian production calendar (January and
  May are short); activity scales with them.
- ``inbound_calls ~ Poisson(130 * wd * (0.7 + 0.3 * accounts) * demand)``;
  ``missed_calls ~ Binomial(inbound_calls, p_miss)`` with ``p_miss`` falling
  with discipline and phone strength.
- outbound calls ``~ Poisson(690 * wd * effort * phone * ramp_act * form)``,
  where ``form`` is a log-normal month-to-month form of the rep;
  ``calls = outbound + inbound_calls - missed_calls``.
- ``meetings ~ Binomial(calls, 0.025 * skill * sqrt(phone) * ramp)``.
- ``emails ~ Poisson(150 * wd * effort * paper * ...)``,
  ``follow_ups ~ Poisson(60 * wd * effort * paper * (0.6 + 0.5 discipline))``.
- ``deals ~ Binomial(meetings, 0.40 * skill * ramp * (follow-up ratio)^0.15 *
  meeting quality)``, less deals already pulled into the previous month.
- new revenue is the exact sum of one log-normal draw per deal (mean
  122,000 RUB x ``deal_size`` x seasonal demand x market, sigma 0.70: a heavy
  right tail), and one deal in 250 is a windfall worth 4-12 typical deals;
  ``deal_size`` itself varies from rep to rep (territory, segment: log-normal,
  sigma 0.70), which is what concentrates revenue in the top fifth of reps;
- 3 % of a month's deals are cancelled the next month: their count and
  value come off that month's new business (never below zero);
- repeat orders ``~ Poisson(10 * accounts * book(tenure) * (follow-up ratio)^0.3
  * demand * wd)``, each a log-normal order (mean 24,000 RUB, sigma 0.5);
  ``book`` grows over the first 18 months as a rep builds a client base.
  ``revenue = new revenue + repeat_revenue``.
- plan chasing: at the end of the month a rep who is short of ``chase_to`` x
  its own plan (1.0; 0.85 for minimum-doers, 0.8 for laggards) compares the
  gap with the typical deal; within reach (at most 50 % of plan and five
  deals) it pulls deals from the pipeline with probability ``0.6 x chase``,
  one by one until the gap is covered. 30 % of the pulled deals are then
  missing next month. This is the bunching of sales just above a rep's own
  quota (Oyer 1998, "Fiscal year ends and nonlinear incentive contracts",
  QJE; Larkin 2014, J. Labor Economics). No other line is defended: the
  generator knows no plan's gates, so a gate at 80 % of plan is judged on
  reps who do not manage to it. It is why ``deals`` may exceed ``meetings``
  in a month: the pulled deals come from earlier meetings.
- ``crm_quality ~ Beta`` with mean rising with discipline and paperwork.
- a market shock per scenario and month (log-normal, sigma 0.05) is shared by
  every rep: good and bad years differ for the whole department.
- ``ramp(t) = 1 - 0.7 exp(-t / 2.5)`` (skill) and
  ``1 - 0.35 exp(-t / 1.5)`` (activity) for a rep in month ``t`` of tenure:
  newcomers start at 30 % of their conversion and reach 94 % by month 6.

**Plans** are set the way a department sets them: by role and grade, never by
archetype (the manager does not know who is a star), partly "from achieved":
result plans (deals, revenue, repeat revenue) are 50 % the grade norm and 50 %
the rep's own level last year (a noisy estimate of capacity; Weitzman's
ratchet), for reps with 12+ months of history. The grade scales the norm
only, never the rep's own level. Seniors: 800 calls, 20
meetings, 150 emails, 60 follow-ups, 8 deals, 1,200,000 RUB revenue of which
250,000 RUB repeat, per average month; seniors with 36+ months of tenure (the
"lead" grade) carry 15 % more on results. Juniors (tenure under 12 months at
the start; every newcomer is junior) carry 80 % of the senior result plans and
the same activity plans. Activity plans scale with working days; result plans
with working days and the seasonal demand index. Newcomers get reduced plans
while ramping: results at 30, 60, 85, 95 % in their first four months,
activities at 60, 80, 90 %. Result plans are set at 90 % of that blend
(``_PLAN_STRETCH``), so about half the reps make their annual plan. Roles are
fixed over the generated horizon.

**Joiners and leavers** (``turnover`` > 0): each rep leaves during the
horizon with probability ``1 - (1 - turnover)^(months / 12)`` in a month drawn
uniformly; its seat stays empty for a month and a newcomer (new ``rep_id``,
tenure 0-2, junior, ramped plans) takes it. The default 0 keeps a closed
panel (every rep every month).
Counts are whole numbers, plans of calls are rounded to tens and money plans
to 10,000 RUB.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import KpilabError
from ..metrics import is_money
from ..i18n.messages import msg

__all__ = ["ARCHETYPES", "DEFAULT_MIX", "Department", "draw_department", "simulate", "rep_labels"]

ARCHETYPES: tuple[str, ...] = (
    "star",
    "hard_worker",
    "minimum_doer",
    "phone_specialist",
    "paperwork_specialist",
    "account_manager",
    "laggard",
    "newcomer",
)

#: Default archetype shares (weights; they sum to 1).
DEFAULT_MIX: dict[str, float] = {
    "star": 0.10,
    "hard_worker": 0.15,
    "minimum_doer": 0.20,
    "phone_specialist": 0.10,
    "paperwork_specialist": 0.10,
    "account_manager": 0.10,
    "laggard": 0.10,
    "newcomer": 0.15,
}

# Approximate working days per calendar month (Russian five-day week).
_WORKDAYS = np.array([17, 19, 21, 22, 19, 21, 23, 21, 22, 22, 19, 22], dtype=float)
_WD_FACTOR = _WORKDAYS / _WORKDAYS.mean()
# Seasonal demand (January holidays, summer lull, December budget flush); mean 1.
_SEASON = np.array([0.85, 0.95, 1.05, 1.00, 0.95, 1.00, 0.92, 0.90, 1.05, 1.08, 1.05, 1.20])

# Department norms per average month.
_OUTBOUND = 690.0
_INBOUND = 130.0
_P_MEET = 0.025
_P_CLOSE = 0.40
_EMAILS = 150.0
_FOLLOW_UPS = 60.0
_DEAL_MEAN = 122_000.0
_DEAL_SIGMA = 0.70          # deal-to-deal spread: a heavy right tail (log-normal)
_BIG_DEAL_P = 0.004         # chance that a deal is a windfall ...
_BIG_DEAL_X = (4.0, 12.0)   # ... of this many typical deals (uniform)
_DEAL_SIZE_SPREAD = 0.70    # rep-to-rep spread of the typical deal (territory, segment): revenue concentration
_CANCEL_P = 0.03            # share of a month's deals cancelled the next month (value and count reversed)
_PLAN_STRETCH = 0.90        # result plans relative to expected capacity
_REPEAT_ORDERS = 10.0
_ORDER_MEAN = 24_000.0
_ORDER_SIGMA = 0.5
_MARKET_SIGMA = 0.05
_FORM_SIGMA = 0.08
_CHASE_REACH = 0.50
_CHASE_MAX = 5
_CHASE_LOST = 0.3    # share of pulled deals that next month would have closed anyway
_PLAN_CHASE_SHARE = 0.6   # chasing the full plan: this share of the chase probability
_CRM_CONCENTRATION = 40.0

# Plans per average month (senior).
_PLAN = {"calls": 800.0, "meetings": 20.0, "emails": 150.0, "follow_ups": 60.0, "deals": 8.0,
         "revenue": 1_200_000.0, "repeat_revenue": 250_000.0}
_JUNIOR_RESULTS = 0.80
_LEAD_RESULTS = 1.15
_LEAD_TENURE = 36
_RESULT_RAMP = np.array([0.30, 0.60, 0.85, 0.95])
_HISTORY_WEIGHT = 0.5
_HISTORY_NOISE = 0.10
_ACTIVITY_RAMP = np.array([0.60, 0.80, 0.90])


@dataclass(frozen=True)
class _Profile:
    """Trait distribution of one archetype: (mean, sd) pairs and ranges."""

    effort: tuple[float, float]
    skill: tuple[float, float]
    discipline: float
    phone: float
    paper: float
    accounts: float
    deal_size: float
    chase: float
    tenure: tuple[int, int]        # tenure at the first period, months, inclusive
    meeting_quality: float = 1.0   # close-rate factor of the rep's meetings
    chase_to: float = 1.0          # share of the revenue plan the rep chases


_PROFILES: dict[str, _Profile] = {
    "star": _Profile((1.15, 0.06), (1.22, 0.07), 0.85, 1.10, 1.05, 1.15, 1.10, 0.85, (24, 84)),
    "hard_worker": _Profile((1.22, 0.06), (0.98, 0.06), 0.75, 1.00, 1.00, 1.00, 1.00, 0.90, (12, 60)),
    "minimum_doer": _Profile((1.00, 0.00), (0.92, 0.05), 0.60, 0.95, 0.95, 0.95, 0.95, 0.85, (12, 72),
                             meeting_quality=0.85, chase_to=0.85),
    "phone_specialist": _Profile((1.10, 0.06), (1.00, 0.06), 0.80, 1.25, 0.75, 0.90, 1.00, 0.85, (12, 60)),
    "paperwork_specialist": _Profile((0.95, 0.05), (1.00, 0.06), 0.92, 0.85, 1.35, 1.05, 1.00, 0.85,
                                     (12, 72)),
    "account_manager": _Profile((0.95, 0.05), (1.00, 0.06), 0.80, 0.90, 1.10, 2.00, 1.00, 0.85, (24, 96)),
    "laggard": _Profile((0.85, 0.06), (0.85, 0.06), 0.45, 0.90, 0.80, 0.85, 0.90, 0.50, (6, 36), chase_to=0.8),
    "newcomer": _Profile((1.05, 0.06), (1.00, 0.08), 0.65, 1.00, 1.00, 1.00, 1.00, 0.80, (0, 2)),
}


# --------------------------------------------------------------------------- helpers


def _allocate(n: int, shares: np.ndarray) -> np.ndarray:
    """Largest-remainder counts: a 30-rep team with 10 % stars has exactly 3."""
    raw = shares * n
    counts = np.floor(raw).astype(int)
    short = n - counts.sum()
    if short:
        order = np.argsort(-(raw - counts), kind="stable")
        counts[order[:short]] += 1
    return counts


def _parse_start(start: str) -> tuple[int, int]:
    try:
        year_s, month_s = str(start).split("-")
        year, month = int(year_s), int(month_s)
    except ValueError:
        raise KpilabError(msg("api_errors.synth_start_2", start=start)) from None
    if not 1 <= month <= 12:
        raise KpilabError(msg("api_errors.synth_start", start=start))
    return year, month


def rep_labels(prefix: str, n: int) -> list[str]:
    """``prefix`` numbered 1..n with zero padding to a common width (R01 ... R30)."""
    width = max(2, len(str(n)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def _team_labels(n: int) -> list[str]:
    if n <= 26:
        return [chr(ord("A") + i) for i in range(n)]
    return rep_labels("T", n)


def _sum_lognormal(rng: np.random.Generator, counts: np.ndarray, mean: np.ndarray,
                   sigma: float, big_p: float = 0.0) -> np.ndarray:
    """Exact sum of ``counts[i]`` independent log-normal draws with mean ``mean[i]``.

    One draw per unit (deal or order), summed per cell with ``np.bincount``;
    no per-cell Python loop. Cells with a count of 0 sum to 0.
    """
    flat_counts = counts.ravel()
    cell = np.repeat(np.arange(flat_counts.size), flat_counts)
    mu = np.log(mean.ravel()) - 0.5 * sigma * sigma
    draws = np.exp(mu[cell] + sigma * rng.standard_normal(cell.size))
    if big_p > 0:  # an occasional windfall deal: several typical deals in one
        big = rng.random(cell.size) < big_p
        draws = np.where(big, draws * rng.uniform(*_BIG_DEAL_X, cell.size), draws)
    return np.bincount(cell, weights=draws, minlength=flat_counts.size).reshape(counts.shape)


def _pull_until(rng: np.random.Generator, chasing: np.ndarray, gap: np.ndarray, mean: np.ndarray,
                sigma: float, most: int) -> tuple[np.ndarray, np.ndarray]:
    """Deals pulled one by one until their value covers ``gap`` (at most ``most``).

    The rep sees the value of each deal in the pipeline, so pulling stops as
    soon as the month is made. Returns (count, value) per cell; 0 where not
    ``chasing``.
    """
    count = np.zeros(gap.shape, dtype=np.int64)
    value = np.zeros(gap.shape)
    idx = np.flatnonzero(chasing)
    if idx.size:
        mu = np.log(mean.ravel()[idx]) - 0.5 * sigma * sigma
        draws = np.exp(mu[:, None] + sigma * rng.standard_normal((idx.size, most)))
        cum = np.cumsum(draws, axis=1)
        enough = cum >= gap.ravel()[idx][:, None]
        j = np.where(enough.any(axis=1), enough.argmax(axis=1), most - 1)
        count.ravel()[idx] = j + 1
        value.ravel()[idx] = cum[np.arange(idx.size), j]
    return count, value


def _ramp(tenure: np.ndarray, floor: float, tau: float) -> np.ndarray:
    return 1.0 - (1.0 - floor) * np.exp(-tenure / tau)


def _plan_ramp(tenure: np.ndarray, steps: np.ndarray) -> np.ndarray:
    idx = np.minimum(tenure, steps.size).astype(int)
    return np.concatenate([steps, [1.0]])[idx]


# --------------------------------------------------------------------------- the department

@dataclass(frozen=True)
class Department:
    """Traits and plans of the reps (identical in every scenario)."""

    rep_id: np.ndarray          # (R,) object
    archetype: np.ndarray       # (R,) object
    role: np.ndarray            # (R,) object
    team: np.ndarray            # (R,) object
    tenure: np.ndarray          # (R, P) int, months at each period
    periods: list[str]          # (P,)
    traits: dict[str, np.ndarray]   # (R,) each
    plans: dict[str, np.ndarray]    # (R, P) each
    wd: np.ndarray              # (P,) working-day factor
    season: np.ndarray          # (P,) demand index


def draw_department(rng: np.random.Generator, n_reps: int, periods: int,
                     shares: np.ndarray, start: str, join: np.ndarray | None = None) -> Department:
    year, month = _parse_start(start)
    counts = _allocate(n_reps, shares)
    codes = rng.permutation(np.repeat(np.arange(len(ARCHETYPES)), counts))
    archetype = np.array(ARCHETYPES, dtype=object)[codes]

    def per_rep(getter) -> np.ndarray:
        return np.array([getter(_PROFILES[a]) for a in ARCHETYPES])[codes]

    eff_mu, eff_sd = per_rep(lambda p: p.effort[0]), per_rep(lambda p: p.effort[1])
    sk_mu, sk_sd = per_rep(lambda p: p.skill[0]), per_rep(lambda p: p.skill[1])
    effort = np.clip(eff_mu + eff_sd * rng.standard_normal(n_reps), 0.4, 2.0)
    skill = np.clip(sk_mu + sk_sd * rng.standard_normal(n_reps), 0.3, 2.0)
    d_mean = per_rep(lambda p: p.discipline)
    discipline = rng.beta(d_mean * 30.0, (1.0 - d_mean) * 30.0)
    wobble = lambda: np.exp(0.05 * rng.standard_normal(n_reps))  # noqa: E731
    phone = per_rep(lambda p: p.phone) * wobble()
    paper = per_rep(lambda p: p.paper) * wobble()
    accounts = per_rep(lambda p: p.accounts) * wobble()
    deal_size = per_rep(lambda p: p.deal_size) * np.exp(_DEAL_SIZE_SPREAD * rng.standard_normal(n_reps)
                                                        - 0.5 * _DEAL_SIZE_SPREAD ** 2)
    chase = per_rep(lambda p: p.chase)
    chase_to = per_rep(lambda p: p.chase_to)
    quality = per_rep(lambda p: p.meeting_quality)
    lo, hi = per_rep(lambda p: p.tenure[0]), per_rep(lambda p: p.tenure[1])
    tenure0 = rng.integers(lo, hi + 1)

    n_teams = max(1, int(round(n_reps / 8)))
    team = np.array(_team_labels(n_teams), dtype=object)[rng.permutation(np.arange(n_reps) % n_teams)]

    role = np.where(tenure0 < 12, "junior", "senior").astype(object)
    # a rep joining in month j (joiners) has its drawn tenure at j; before that the months are not its own
    shift = np.zeros(n_reps, dtype=np.int64) if join is None else np.asarray(join, dtype=np.int64)
    tenure = np.maximum(0, tenure0[:, None] + np.arange(periods)[None, :] - shift[:, None])
    cal = (month - 1 + np.arange(periods)) % 12
    labels = [f"{year + (month - 1 + k) // 12:04d}-{(month - 1 + k) % 12 + 1:02d}"
              for k in range(periods)]
    wd, season = _WD_FACTOR[cal], _SEASON[cal]

    # Plans: by role and grade (never by archetype), seasonality-adjusted, ramped.
    grade = np.where(role == "junior", _JUNIOR_RESULTS,
                     np.where(tenure0 >= _LEAD_TENURE, _LEAD_RESULTS, 1.0))[:, None]
    result_ramp = _plan_ramp(tenure, _RESULT_RAMP)
    activity_ramp = _plan_ramp(tenure, _ACTIVITY_RAMP)
    book = np.minimum(1.0, 0.25 + 0.75 * tenure / 18.0)
    # "From achieved": result plans blend the grade norm with the rep's own level
    # last year (a noisy estimate of capacity). Newcomers have no history: norm.
    calls_rel = ((_OUTBOUND * effort * phone + _INBOUND * (0.7 + 0.3 * accounts) * 0.9)
                 / (_OUTBOUND + _INBOUND * 0.9))
    capacity = 0.8 * calls_rel * skill ** 2 * np.sqrt(phone) * quality * deal_size + 0.2 * accounts
    history = capacity * np.exp(_HISTORY_NOISE * rng.standard_normal(n_reps))
    has_history = tenure0 >= 12
    # The grade scales the norm only: the rep's own level is already the rep's
    # (a lead's history is not inflated by the lead grade a second time).
    g = grade[:, 0]
    fit = _PLAN_STRETCH * (np.where(has_history, g * (1.0 - _HISTORY_WEIGHT) + _HISTORY_WEIGHT * history, g)
                           / g)[:, None]
    fit_repeat = (np.where(has_history, g * (1.0 - _HISTORY_WEIGHT) + _HISTORY_WEIGHT * accounts, g)
                  / g)[:, None]
    plans = {
        "calls": np.round(_PLAN["calls"] * wd * activity_ramp / 10.0) * 10.0,
        "meetings": np.maximum(1, np.round(_PLAN["meetings"] * wd * grade * result_ramp)),
        "emails": np.round(_PLAN["emails"] * wd * activity_ramp),
        "follow_ups": np.round(_PLAN["follow_ups"] * wd * activity_ramp),
        "deals": np.maximum(1, np.round(_PLAN["deals"] * wd * season * grade * fit * result_ramp)),
        "revenue": np.maximum(10_000.0, np.round(
            _PLAN["revenue"] * wd * season * grade * fit * result_ramp / 10_000.0) * 10_000.0),
        "repeat_revenue": np.maximum(10_000.0, np.round(
            _PLAN["repeat_revenue"] * wd * season * grade * fit_repeat * book / 10_000.0) * 10_000.0),
    }
    plans = {k: np.broadcast_to(v, (n_reps, periods)).astype(
        float if is_money(k) else np.int64) for k, v in plans.items()}

    traits = dict(effort=effort, skill=skill, discipline=discipline, phone=phone, paper=paper,
                  accounts=accounts, deal_size=deal_size, chase=chase, chase_to=chase_to, quality=quality,
                  minimum=(archetype == "minimum_doer"))
    return Department(rep_id=np.array(rep_labels("R", n_reps), dtype=object), archetype=archetype,
                       role=role, team=team, tenure=tenure, periods=labels, traits=traits,
                       plans=plans, wd=wd, season=season)


def simulate(rng: np.random.Generator, dep: Department, n_scenarios: int) -> dict[str, np.ndarray]:
    """Outcomes of every scenario x rep x month, arrays of shape (S, R, P)."""
    t = dep.traits
    S, (R, P) = n_scenarios, dep.tenure.shape
    shape = (S, R, P)
    tenure = dep.tenure[None, :, :].astype(float)
    wd = dep.wd[None, None, :]
    season = dep.season[None, None, :]
    col = {k: v[None, :, None] for k, v in t.items()}
    minimum = col["minimum"]

    skill_ramp = _ramp(tenure, 0.30, 2.5)
    act_ramp = _ramp(tenure, 0.65, 1.5)
    market = np.exp(_MARKET_SIGMA * rng.standard_normal((S, 1, P)) - 0.5 * _MARKET_SIGMA ** 2)
    form = np.exp(_FORM_SIGMA * rng.standard_normal(shape) - 0.5 * _FORM_SIGMA ** 2)
    pl = {k: v[None, :, :] for k, v in dep.plans.items()}
    # Minimum-doers aim at 100-110 % of each activity plan, every month.
    aim = {k: np.ceil(pl[k] * rng.uniform(1.0, 1.10, shape))
           for k in ("calls", "meetings", "emails", "follow_ups")}

    # Calls.
    inbound = rng.poisson(_INBOUND * wd * (0.7 + 0.3 * col["accounts"]) * season
                          * np.ones(shape))
    p_miss = np.clip(0.32 * (1.0 - col["discipline"]) * (1.3 - 0.3 * col["phone"]) + 0.01, 0.005, 0.6)
    missed = rng.binomial(inbound, np.broadcast_to(p_miss, shape))
    answered = inbound - missed
    outbound = rng.poisson(_OUTBOUND * wd * col["effort"] * col["phone"] * act_ramp * form)
    outbound = np.where(minimum, np.maximum(0, aim["calls"] - answered), outbound).astype(np.int64)
    calls = outbound + answered

    # Meetings.
    # Conversion ramps at both stages; sqrt so that calls -> deals ramps by ``skill_ramp``.
    p_meet = np.clip(_P_MEET * col["skill"] * np.sqrt(col["phone"] * skill_ramp), 0.0, 0.5)
    meetings = rng.binomial(calls, p_meet)
    # Minimum-doers book meetings until the plan is met, and stop there.
    meetings = np.where(minimum, aim["meetings"], meetings).astype(np.int64)

    # Written work.
    emails = rng.poisson(_EMAILS * wd * col["effort"] * col["paper"] * act_ramp * form)
    emails = np.where(minimum, aim["emails"], emails).astype(np.int64)
    follow_ups = rng.poisson(_FOLLOW_UPS * wd * col["effort"] * col["paper"]
                             * (0.6 + 0.5 * col["discipline"]) * act_ramp * form)
    follow_ups = np.where(minimum, aim["follow_ups"], follow_ups).astype(np.int64)
    fu_ratio = np.clip(follow_ups / (_FOLLOW_UPS * wd), 0.3, 2.0)

    # Deals, repeat orders and revenue; months are linked by plan chasing.
    p_close = np.clip(_P_CLOSE * col["skill"] * np.sqrt(skill_ramp) * fu_ratio ** 0.15 * col["quality"],
                      0.0, 0.95)
    natural = rng.binomial(meetings, p_close)
    deal_mean = _DEAL_MEAN * col["deal_size"] * season * market * np.ones(shape)
    book = np.minimum(1.0, 0.25 + 0.75 * tenure / 18.0)
    orders = rng.poisson(_REPEAT_ORDERS * col["accounts"] * book * fu_ratio ** 0.3
                         * season * market * wd)
    repeat = np.round(_sum_lognormal(rng, orders, _ORDER_MEAN * np.ones(shape), _ORDER_SIGMA))
    chase_u = rng.random(shape)

    deals = np.empty(shape, dtype=np.int64)
    new_rev = np.empty(shape)
    debt = np.zeros((S, R), dtype=np.int64)
    chase_plan = _PLAN_CHASE_SHARE * t["chase"][None, :]
    cancel = np.zeros((S, R), dtype=np.int64)
    cancel_value = np.zeros((S, R))
    for m in range(P):
        plan_m, mean_m, u = pl["revenue"][:, :, m], deal_mean[:, :, m], chase_u[:, :, m]
        d = np.maximum(0, natural[:, :, m] - debt)
        rev = _sum_lognormal(rng, d, mean_m, _DEAL_SIGMA, _BIG_DEAL_P)
        # last month's cancelled deals come off this month's new business (never below zero)
        taken = np.minimum(cancel_value, rev)
        rev = rev - taken
        d = np.maximum(0, d - cancel)
        total = rev + repeat[:, :, m]
        # The rep judges a gap to its own plan by the typical deal: within reach if it is
        # at most _CHASE_REACH of the plan and _CHASE_MAX deals. No other line is defended.
        gap = plan_m * t["chase_to"][None, :] - total
        reach = (gap > 0) & (gap <= _CHASE_REACH * plan_m) & (np.ceil(gap / mean_m) <= _CHASE_MAX)
        to_plan = reach & (u < chase_plan)
        pulled, extra = _pull_until(rng, to_plan, gap, mean_m, _DEAL_SIGMA, _CHASE_MAX)
        deals[:, :, m] = d + pulled
        new_rev[:, :, m] = np.round(rev + extra)
        debt = rng.binomial(pulled, _CHASE_LOST)
        cancel = rng.binomial(deals[:, :, m], _CANCEL_P)
        with np.errstate(divide="ignore", invalid="ignore"):
            cancel_value = np.where(deals[:, :, m] > 0, cancel * new_rev[:, :, m] / np.maximum(deals[:, :, m], 1), 0.0)

    crm_mean = np.clip(0.30 + 0.55 * col["discipline"] + 0.25 * (col["paper"] - 1.0), 0.05, 0.98)
    crm_mean = np.broadcast_to(crm_mean, shape)
    crm = np.round(rng.beta(crm_mean * _CRM_CONCENTRATION, (1.0 - crm_mean) * _CRM_CONCENTRATION), 3)

    return {
        "inbound_calls": inbound.astype(np.int64), "missed_calls": missed.astype(np.int64),
        "calls": calls.astype(np.int64), "meetings": meetings, "emails": emails,
        "follow_ups": follow_ups, "deals": deals, "revenue": new_rev + repeat,
        "repeat_revenue": repeat, "crm_quality": crm,
    }
