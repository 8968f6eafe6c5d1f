"""Design risks of a plan, found with the engine itself on synthetic rows.

:func:`payout_curve` builds a one-rep table whose rows sweep one metric (or
every attainment metric together) along a fine grid and runs
:func:`kpilab.evaluate` on it, so a curve drawn or checked here is exactly
what the engine pays. :func:`lint` scans those curves for cliffs, flat zones
and early caps, and runs the plan on a generated team (``make_team(100, 12,
seed=seed)``) for caps hit in practice and gates that would zero most of
the team; it also checks fines against the Russian lawful limit (144-FZ) and
whether activity KPIs weigh more than sales.

The package: ``findings`` (what a finding is, the report, how one names a pay
part), ``sweep`` (:func:`payout_curve` and the synthetic rows), ``curves``
(cliffs, flat zones, early caps, activity against sales), ``team`` (caps hit,
gates closed, fines against the lawful limit), ``behaviour`` (what a rep could
game); :func:`lint` here runs them all.
"""

from __future__ import annotations

import pandas as pd

from ...errors import KpilabError
from ...i18n import t
from ...plan import Plan, Scheme
from .._common import check_lang
from .behaviour import _gaming_findings
from .curves import _activity_vs_sales, _scan_findings
from .findings import Finding, LintReport
from .sweep import GRID, _reference, payout_curve
from .team import _fines, _team_findings
from ...i18n.messages import msg

__all__ = ["lint", "LintReport", "Finding", "payout_curve", "GRID"]


def lint(plan: Plan | Scheme, team: pd.DataFrame | None = None, *, cliff_share: float = 0.1,
         flat_width: float = 0.2, early_cap_at: float = 1.5, gate_zero_share: float = 0.5,
         lawful_cut: float = 0.2, seed: int = 0, lang: str = "en", timing_shift: float = 0.3,
         padding_share: float = 0.1, mandatory_share: float = 0.5) -> LintReport:
    """Find design risks of a plan without real data.

    Parameters
    ----------
    plan
        A Plan or Scheme (each role's plan is linted; components are named ``role.name``).
    team
        A team table for the practical checks (caps hit, gates closed, fine sizes);
        default ``kpilab.make_team(n_reps=100, periods=12, seed=seed)``.
    cliff_share
        A cliff is a pay change larger than this share of the target bonus
        within 1 % of attainment (default 10 %). Plans without a target bonus
        use their variable pay with every metric on plan.
    flat_width
        A flat zone is at least this wide in attainment (default 20 points).
    early_cap_at
        A cap reached below this attainment is early (default 150 %).
    gate_zero_share
        A gate closed in at least this share of rep-months is reported (50 %).
    lawful_cut
        Largest lawful bonus cut as a share of base + target bonus (144-FZ: 0.2).
        Each rep-month's fines are also checked against this share of that
        month's actual wage (kind ``fine_over_wage``).
    seed
        Seed of the generated team.
    lang
        "en" or "ru".
    timing_shift
        Largest share of a month's revenue a rep may move to the adjacent month (timing check).
    padding_share
        Largest extra activity, as a share of its plan, the padding check adds.
    mandatory_share
        Activity plans are mandatory in effect when skipping all activity while
        selling at plan costs at least this share of variable pay at plan (0.5).

    Returns
    -------
    LintReport
        ``findings`` with kinds cliff, flat_zone, early_cap, cap_hit,
        gate_zeroes, unlawful_fine, fine_over_wage, activity_outweighs_sales,
        timing, padding, windfall, not_mandatory, no_activity_kpi (see
        :mod:`kpilab.analysis.gaming`); ``table``; ``gaming`` (the tables behind them).
    """
    check_lang(lang)
    if not isinstance(plan, (Plan, Scheme)):
        raise KpilabError(msg("api_errors.lint_needs_plan", plan_type=type(plan).__name__))
    if team is None:
        from ...data.synth import make_team

        team = make_team(n_reps=100, periods=12, seed=seed)
    findings: list[Finding] = []
    notes: list[str] = []
    for role, p in plan.plans().items():
        prefix = "" if role is None else f"{role}."
        rows = team
        if role is not None:
            rows = team[team["role"].astype(str) == str(role)].reset_index(drop=True) if "role" in team else team.iloc[:0]
        ref = _reference(p)
        scans, caps = _scan_findings(p, prefix, ref, cliff_share, flat_width, early_cap_at, lang)
        findings += scans
        findings += _activity_vs_sales(p, prefix, lang)
        findings += _fines(p, prefix, rows if len(rows) else None, lawful_cut, lang)
        if len(rows):
            findings += _team_findings(p, prefix, rows, caps, gate_zero_share, lang, notes)
        else:
            notes.append(t("lint.no_rows", lang, plan=prefix or p.name))
    tables: dict[str, pd.DataFrame] = {}
    try:
        ref = _reference(next(iter(plan.plans().values())))
        found, tables = _gaming_findings(plan, team, ref, lang, shift=timing_shift, padding_share=padding_share,
                                         mandatory_share=mandatory_share)
        findings += found
    except KpilabError as exc:
        notes.append(t("lint.team_error", lang, plan=plan.title(lang), error=str(exc)))
    cols = ["component", "kind", "metric", "attainment", "value", "severity", "message"]
    table = pd.DataFrame([f.__dict__ for f in findings], columns=cols)
    name = plan.title(lang)
    return LintReport(table=table, findings=tuple(findings), plan_name=name, notes=tuple(notes), lang=lang,
                      gaming=tables)
