"""Who works hard, who does the minimum, who is strong at one thing: from what any client export has.

:func:`segment_reps` classes the reps of a team table without synthetic
labels, from two indices per rep computed over all of the rep's rows:

**Effort index.** For each activity with a mandatory plan (calls, meetings,
emails, follow-ups) present in the table: the rep's facts over the rep's
plan for them (sum of facts / sum of ``plan_<metric>``) when the table holds
the plan on every row; otherwise the rep's monthly mean over the median
monthly mean of the reps of the same role (the whole team without a
``role`` column). The effort index is the mean of these ratios.

**Results index.** Revenue over the rep's revenue plan (sum / sum of
``plan_revenue``) when the table has it on every row; otherwise the rep's
monthly mean of the output measure over the role median.

**The rule** (every step a comparison with the rep's own plan or the team,
none with a fixed band of how much above plan a rep works):

1. *Clears the minimums*: every activity ratio is at least ``minimum``
   (default 100 % of plan less half a percent for rounding; without plans,
   70 % of the role median, the usual threshold below which a plan pays
   nothing: Alexander Group, "Careful About That Threshold").
2. *Minimum-doer*: clears the minimums, its effort index is at most the
   median effort of the reps who clear them (of those who do what is
   required, the half that does least) and its results index is at or below
   the team median (a rep who sells more on the same effort is efficient,
   not a minimum-doer).
3. *Hard worker*: effort and results both above the team median.
4. *Specialist*: in the top quarter of exactly one activity family (phone
   work: calls, meetings; written work: emails, follow-ups, CRM quality;
   account work: repeat revenue's share of revenue), when the table has two
   families or more, and not a hard worker.
5. *Below the minimums*: does not clear them and is none of the above;
   everyone else is *other*.

**Strengths** for the verdict's strength criterion are the top quarter of
each family's index (minimum-doers excluded), whether or not the rep is a
specialist: a client export with only calls and meetings still says whether
strong phone work pays.

**Manual labels** override the rule rep by rep: a ``segment`` column in the
table (its first non-empty value per rep), or ``labels`` (a mapping rep ->
segment, a DataFrame or a CSV/XLSX file with ``rep_id`` and ``segment``).

The generator (:mod:`kpilab.data.synth`) has its own behavioural archetypes;
:func:`segment_recovery` measures how well this rule, which never reads them,
recovers them (precision and recall per segment).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import KpilabError
from ..i18n import fmt_number, fmt_percent, t
from ..metrics import MANDATORY_ACTIVITY
from ._common import Measure, Result, check_lang, quartiles, resolve_measure
from ..i18n.messages import msg

__all__ = ["segment_reps", "Segments", "segment_recovery", "SEGMENTS", "FAMILIES", "TRUTH"]

#: The segments, in the order reports list them.
SEGMENTS: tuple[str, ...] = ("minimum_doer", "hard_worker", "specialist", "laggard", "other")
#: Activity families: the metrics whose indices make each family's index.
FAMILIES: dict[str, tuple[str, ...]] = {"phone": ("calls", "meetings"),
                                        "paperwork": ("emails", "follow_ups", "crm_quality"),
                                        "accounts": ("repeat_revenue",)}
#: Generator archetypes that each segment should find (used only to measure the rule, never by it).
TRUTH: dict[str, tuple[str, ...]] = {"minimum_doer": ("minimum_doer",), "hard_worker": ("hard_worker", "star"),
                                     "specialist": ("phone_specialist", "paperwork_specialist", "account_manager"),
                                     "laggard": ("laggard",)}
_PLAN_MINIMUM = 0.995   # 100 % of plan, less half a percent for counts rounded in the plan
_MEDIAN_MINIMUM = 0.70  # without plans: 70 % of the role median


@dataclass(frozen=True, eq=False)
class Segments(Result):
    """The result of :func:`segment_reps`.

    ``table``: one row per rep (order of first appearance): rep_id, [role],
    effort_index, results_index, ``effort_<metric>`` per activity,
    ``family_<family>`` per family present, clears_minimums, segment,
    strength (the family a specialist is strong in, else ""), source
    ("rule" or "label"), ``strong_<family>`` (top quarter of that family).
    """

    effort_basis: str = "median"
    results_basis: str = "revenue"
    minimum: float = _MEDIAN_MINIMUM
    activities: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    effort_median: float = float("nan")
    results_median: float = float("nan")
    n_labelled: int = 0
    lang: str = "en"
    definition: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def minimum_doer(self) -> np.ndarray:
        """Per rep: True for minimum-doers."""
        return (self.table["segment"] == "minimum_doer").to_numpy()

    def strong(self, family: str) -> np.ndarray:
        """Per rep: in the top quarter of ``family`` and not a minimum-doer."""
        col = f"strong_{family}"
        if col not in self.table:
            return np.zeros(len(self.table), bool)
        return self.table[col].to_numpy(bool)

    def describe(self, lang: str = "en") -> str:
        """The rule (and how many reps were labelled by hand) in one paragraph of ``lang``."""
        return _definition(lang, bool(self.activities), self.effort_basis, self.results_basis, self.minimum,
                           self.effort_median, self.results_median, self.n_labelled)

    def counts(self) -> pd.Series:
        """Reps per segment (every segment listed)."""
        return self.table["segment"].value_counts().reindex(list(SEGMENTS), fill_value=0)


def _complete(frame: pd.DataFrame, col: str) -> bool:
    return col in frame.columns and bool(pd.to_numeric(frame[col], errors="coerce").notna().all())


def _role_median_ratio(means: pd.Series, roles: np.ndarray | None) -> np.ndarray:
    """Each rep's value over the median of its role (the team's without roles); 0/0 reads 1."""
    v = means.to_numpy(float)
    if roles is None:
        med = np.full(v.size, np.median(v))
    else:
        med = pd.Series(v).groupby(roles).transform("median").to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(med > 0, v / np.where(med > 0, med, 1.0), np.where(v > 0, np.inf, 1.0))


def _read_labels(labels: Any) -> dict[str, str]:
    if labels is None:
        return {}
    if isinstance(labels, (str, Path)):
        p = Path(labels)
        if not p.exists():
            raise KpilabError(msg("api_errors.segments_file_missing", p=p))
        frame = pd.read_excel(p) if p.suffix.lower() in (".xlsx", ".xlsm") else pd.read_csv(p, dtype=str)
        labels = frame
    if isinstance(labels, pd.DataFrame):
        missing = [c for c in ("rep_id", "segment") if c not in labels.columns]
        if missing:
            raise KpilabError(msg("api_errors.segments_labels_columns", missing=', '.join(missing)))
        labels = dict(zip(labels["rep_id"].astype(str), labels["segment"]))
    if not isinstance(labels, Mapping):
        raise KpilabError(msg("api_errors.segments_labels_kind", labels_type=type(labels).__name__))
    out = {}
    for rep, seg in labels.items():
        if seg is None or (isinstance(seg, float) and np.isnan(seg)) or str(seg).strip() == "":
            continue
        seg = str(seg).strip()
        if seg not in SEGMENTS:
            raise KpilabError(msg("api_errors.segments_unknown_segment",
                                  rep=rep, seg=seg, SEGMENTS=', '.join(SEGMENTS)))
        out[str(rep)] = seg
    return out


def segment_reps(team: pd.DataFrame, labels: Any = None, *, measure: Measure = None,
                 minimum: float | None = None, lang: str = "en") -> Segments:
    """Class each rep as minimum-doer, hard worker, specialist, below the minimums or other.

    Parameters
    ----------
    team
        Performance table with ``rep_id``, ``period`` and whatever activity
        and result columns the client has (``plan_<metric>`` columns used when
        complete; ``role`` used for medians when present; ``segment`` read as
        manual labels).
    labels
        Manual labels overriding the rule: mapping rep_id -> segment, a
        DataFrame or a CSV/XLSX file with ``rep_id`` and ``segment``.
    measure
        Output used for the results index when the table has no ``plan_revenue``
        (as in :func:`~kpilab.analysis.differentiation`).
    minimum
        Share of plan (or of the role median without plans) every activity
        must reach to clear the minimums; default 0.995 with plans, 0.7 without.
    lang
        Language of ``definition``.

    Returns
    -------
    Segments
    """
    check_lang(lang)
    if not isinstance(team, pd.DataFrame) or "rep_id" not in team.columns:
        raise KpilabError(msg("api_errors.segments_needs_team"))
    frame = team.reset_index(drop=True)
    rep = frame["rep_id"].astype(str)
    codes, rep_ids = pd.factorize(rep, sort=False)
    n = len(rep_ids)

    def per_rep(values: np.ndarray, how: str = "sum") -> pd.Series:
        s = pd.Series(np.asarray(values, float)).groupby(codes, sort=True)
        return s.sum() if how == "sum" else s.mean()

    roles = None
    if "role" in frame.columns:
        roles = frame["role"].astype(str).groupby(codes, sort=True).first().to_numpy()

    activities = tuple(m for m in MANDATORY_ACTIVITY if m in frame.columns)
    planned = tuple(m for m in activities if _complete(frame, f"plan_{m}"))
    effort_basis = "plan" if planned else "median"
    used = planned if planned else activities
    ratios: dict[str, np.ndarray] = {}
    for m in used:
        fact = pd.to_numeric(frame[m], errors="coerce").to_numpy(float)
        if effort_basis == "plan":
            target = per_rep(pd.to_numeric(frame[f"plan_{m}"], errors="coerce").to_numpy(float))
            with np.errstate(divide="ignore", invalid="ignore"):
                tv = target.to_numpy()
                fv = per_rep(fact).to_numpy()
                ratios[m] = np.where(tv > 0, fv / np.where(tv > 0, tv, 1.0), np.where(fv > 0, np.inf, 1.0))
        else:
            ratios[m] = _role_median_ratio(per_rep(fact, "mean"), roles)
    effort = np.mean(np.vstack(list(ratios.values())), axis=0) if ratios else np.full(n, np.nan)

    if _complete(frame, "plan_revenue") and "revenue" in frame.columns:
        results_basis = "attainment"
        fv = per_rep(frame["revenue"].to_numpy(float)).to_numpy()
        tv = per_rep(pd.to_numeric(frame["plan_revenue"], errors="coerce").to_numpy(float)).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            results = np.where(tv > 0, fv / np.where(tv > 0, tv, 1.0), np.where(fv > 0, np.inf, 1.0))
    else:
        results_basis = "revenue"
        out, _ = resolve_measure(frame, measure)
        results = _role_median_ratio(per_rep(out, "mean"), roles)

    # Families: each metric's index against plan (where planned) or the role median.
    fam_index: dict[str, np.ndarray] = {}
    for fam, metrics in FAMILIES.items():
        parts = []
        for m in metrics:
            if m not in frame.columns:
                continue
            if fam == "accounts":
                if "revenue" not in frame.columns:
                    continue
                with np.errstate(divide="ignore", invalid="ignore"):
                    rev = per_rep(frame["revenue"].to_numpy(float)).to_numpy()
                    share = np.where(rev > 0, per_rep(frame[m].to_numpy(float)).to_numpy() / np.where(rev > 0, rev, 1), 0)
                parts.append(_role_median_ratio(pd.Series(share), roles))
            elif m in ratios and effort_basis == "plan":
                parts.append(ratios[m])
            else:
                parts.append(_role_median_ratio(per_rep(frame[m].to_numpy(float), "mean"), roles))
        if parts:
            fam_index[fam] = np.mean(np.vstack(parts), axis=0)

    if minimum is None:
        minimum = _PLAN_MINIMUM if effort_basis == "plan" else _MEDIAN_MINIMUM
    if ratios:
        clears = np.all(np.vstack([r >= minimum - 1e-12 for r in ratios.values()]), axis=0)
    else:
        clears = np.zeros(n, bool)
    eff_med = float(np.median(effort[clears])) if clears.any() else float("nan")
    res_med = float(np.median(results)) if n else float("nan")
    team_eff_med = float(np.median(effort)) if ratios else float("nan")

    segment = np.full(n, "other", dtype=object)
    if ratios:
        is_min = clears & (effort <= eff_med + 1e-12) & (results <= res_med + 1e-12)
        hard = ~is_min & (effort > team_eff_med) & (results > res_med)
        strong = {f: (quartiles(v) == 4) & ~is_min for f, v in fam_index.items()}
        strength = np.full(n, "", dtype=object)
        if len(fam_index) >= 2:
            n_strong = np.sum(np.vstack(list(strong.values())), axis=0)
            for f, s in strong.items():
                strength[s & (n_strong == 1) & ~hard] = f
        spec = strength != ""
        segment[~clears] = "laggard"
        segment[spec] = "specialist"
        segment[hard] = "hard_worker"
        segment[is_min] = "minimum_doer"
    else:
        strong = {}
        strength = np.full(n, "", dtype=object)

    source = np.full(n, "rule", dtype=object)
    manual: dict[str, str] = {}
    if "segment" in frame.columns:
        col = frame["segment"].where(frame["segment"].notna(), None)
        firsts = pd.Series(col.to_numpy(), dtype=object).groupby(codes, sort=True).first()
        manual.update(_read_labels({rep_ids[i]: v for i, v in firsts.items() if v is not None}))
    manual.update(_read_labels(labels))
    unknown = sorted(set(manual) - set(rep_ids))
    if unknown:
        raise KpilabError(msg("api_errors.segments_unknown_reps", unknown_5=', '.join(unknown[:5])))
    if manual:
        pos = {r: i for i, r in enumerate(rep_ids)}
        for r, seg in manual.items():
            segment[pos[r]] = seg
            source[pos[r]] = "label"
            if seg != "specialist":
                strength[pos[r]] = ""
        is_min_final = segment == "minimum_doer"
        strong = {f: s & ~is_min_final for f, s in strong.items()}

    table = pd.DataFrame({"rep_id": rep_ids.to_numpy()})
    if roles is not None:
        table["role"] = roles
    table["effort_index"] = effort
    table["results_index"] = results
    for m, r in ratios.items():
        table[f"effort_{m}"] = r
    for f, v in fam_index.items():
        table[f"family_{f}"] = v
    table["clears_minimums"] = clears
    table["segment"] = segment
    table["strength"] = strength
    table["source"] = source
    for f, s in strong.items():
        table[f"strong_{f}"] = s
    if "archetype" in frame.columns:
        table["archetype"] = frame["archetype"].groupby(codes, sort=True).first().to_numpy()

    definition = _definition(lang, bool(ratios), effort_basis, results_basis, minimum, eff_med, res_med,
                             int((source == "label").sum()))
    return Segments(table=table, effort_basis=effort_basis, results_basis=results_basis, minimum=float(minimum),
                    activities=tuple(ratios), families=tuple(fam_index), effort_median=eff_med,
                    results_median=res_med, n_labelled=int((source == "label").sum()), lang=lang,
                    definition=definition)


def _definition(lang: str, has_activity: bool, effort_basis: str, results_basis: str, minimum: float,
                eff_med: float, res_med: float, n_labelled: int) -> str:
    if not has_activity:
        rule = t("verdict.definition.none", lang)
    else:
        minimums = t(f"verdict.minimum.{effort_basis}", lang, percent=fmt_percent(minimum, lang, 0))
        rule = t("verdict.definition.rule", lang, minimums=minimums,
                 effort=fmt_number(eff_med, lang, 2) if np.isfinite(eff_med) else "—",
                 results=fmt_number(res_med, lang, 2), effort_basis=t(f"verdict.basis.{effort_basis}", lang),
                 results_basis=t(f"verdict.basis.{results_basis}", lang))
    if n_labelled:
        return t("verdict.definition.labels", lang, count=n_labelled, rule=rule)
    return rule


def segment_recovery(segments: Segments, archetypes: pd.Series | Mapping[str, str] | None = None) -> pd.DataFrame:
    """Precision and recall of the rule against known archetypes (generated teams only).

    Parameters
    ----------
    segments
        From :func:`segment_reps`.
    archetypes
        rep_id -> archetype; default the ``archetype`` column the team had.

    Returns
    -------
    DataFrame
        Index: segment (minimum_doer, hard_worker, specialist, laggard); columns
        found, true (reps of the matching archetypes, :data:`TRUTH`), hits,
        precision (hits / found), recall (hits / true).
    """
    tab = segments.table
    if archetypes is None:
        if "archetype" not in tab:
            raise KpilabError(msg("api_errors.segments_needs_archetypes"))
        arch = tab["archetype"].to_numpy()
    else:
        arch = pd.Series(dict(archetypes) if isinstance(archetypes, Mapping) else archetypes)
        arch.index = arch.index.astype(str)
        arch = arch.reindex(tab["rep_id"].astype(str)).to_numpy()
    rows = {}
    for seg, truth in TRUTH.items():
        found = tab["segment"].to_numpy() == seg
        true = np.isin(arch, truth)
        hits = int((found & true).sum())
        rows[seg] = {"found": int(found.sum()), "true": int(true.sum()), "hits": hits,
                     "precision": hits / found.sum() if found.any() else float("nan"),
                     "recall": hits / true.sum() if true.any() else float("nan")}
    out = pd.DataFrame(rows).T
    out.index.name = "segment"
    return out.astype({"found": int, "true": int, "hits": int, "precision": float, "recall": float})
