"""Shared helpers of the analysis package: result base class, measures, per-rep aggregation.

Nothing here plots (no matplotlib) and nothing holds state: every function
reads its arguments and returns new objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Union

import numpy as np
import pandas as pd

from ..engine import Payouts, evaluate
from ..errors import KpilabError
from ..metrics import ACTIVITY_METRICS, MANDATORY_ACTIVITY, SALES_METRICS
from ..plan import Plan, Scheme
from ..i18n.messages import msg

__all__ = ["Result", "Measure", "ACTIVITY_METRICS", "SALES_METRICS", "SPECIALISTS", "LANGS",
           "check_lang", "resolve_measure", "measure_label", "align_team", "same_values", "percentile",
           "row_targets", "on_target_variable", "scenario_column", "quartiles"]

#: Specialist archetypes of kpilab.data.synth: strong at one thing, not star closers.
SPECIALISTS: tuple[str, ...] = ("phone_specialist", "paperwork_specialist", "account_manager")
LANGS: tuple[str, ...] = ("en", "ru")

Measure = Union[str, Callable[[pd.DataFrame], Any], None]


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is "en" or "ru", else raise :class:`KpilabError`."""
    if lang not in LANGS:
        raise KpilabError(msg("api_errors.lang_unknown", LANGS=', '.join(LANGS), given=lang))
    return lang


@dataclass(frozen=True, eq=False)
class Result:
    """Base of every analysis result: a frozen object with a ``table``.

    Subclasses are frozen dataclasses whose first field is ``table``
    (a DataFrame). ``to_frame()`` returns it; notebooks render it as HTML.
    """

    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The main table of the result (the same object as ``.table``)."""
        return self.table

    def _html_parts(self) -> list[tuple[str, pd.DataFrame]]:
        return [("", self.table)]

    def _repr_html_(self) -> str:
        out = [f"<div><b>{type(self).__name__}</b>"]
        for title, frame in self._html_parts():
            if frame is None:
                continue
            if title:
                out.append(f"<p><i>{title}</i></p>")
            out.append(frame.head(40).to_html(float_format=lambda v: f"{v:,.4g}"))
        out.append("</div>")
        return "".join(out)

    def __repr__(self) -> str:
        names = [f.name for f in fields(self) if f.name != "table"]
        return f"{type(self).__name__}(table={self.table.shape}, {', '.join(names)})"


def scenario_column(frame: pd.DataFrame) -> bool:
    """True when the frame has a ``scenario`` column (a Monte Carlo table)."""
    return "scenario" in frame.columns


def resolve_measure(team: pd.DataFrame, measure: Measure) -> tuple[np.ndarray, str]:
    """The output measure per row of ``team`` and its name.

    Parameters
    ----------
    team
        The performance table.
    measure
        None: ``margin`` if the table has it, else ``revenue``; a column name;
        an expression for :meth:`pandas.DataFrame.eval` such as
        ``"revenue + 0.5*repeat_revenue"``; or a callable taking the table and
        returning one number per row.

    Returns
    -------
    (values, name)
        A float array with one value per row, and a printable name.
    """
    if measure is None:
        measure = "margin" if "margin" in team.columns else "revenue"
    if callable(measure):
        values = np.asarray(measure(team), dtype=float)
        name = getattr(measure, "__name__", "measure")
    elif isinstance(measure, str):
        name = measure
        if measure in team.columns:
            values = pd.to_numeric(team[measure], errors="coerce").to_numpy(dtype=float)
        else:
            try:
                values = np.asarray(team.eval(measure), dtype=float)
            except Exception as exc:  # pandas raises many kinds here
                raise KpilabError(msg("api_errors.measure_unknown", measure=measure, exc=exc)) from None
    else:
        raise KpilabError(msg("api_errors.measure_kind", measure=measure))
    if values.shape != (len(team),):
        raise KpilabError(msg("api_errors.measure_shape", name=name, rows=len(team), values_shape=values.shape))
    if np.isnan(values).any():
        raise KpilabError(msg("api_errors.measure_empty", name=name, count=int(np.isnan(values).sum())))
    return values, name


def measure_label(measure: Measure) -> str:
    """A short printable name of a measure argument."""
    if measure is None:
        return "revenue/margin"
    return measure if isinstance(measure, str) else getattr(measure, "__name__", "measure")


def _keys(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("scenario", "rep_id", "period") if c in frame.columns]


def same_values(a: pd.Series, b: pd.Series) -> bool:
    """True when two columns hold the same values in the same order, checked without converting them.

    Columns sharing one buffer (the engine copies the team's key columns into
    the payout table without a copy) are equal at no cost; others are compared
    element by element as they are. False means "not shown equal" (NaN keys,
    other dtypes): the caller then falls back to its general comparison.
    """
    if len(a) != len(b):
        return False
    if a.dtype != b.dtype:
        return False
    x, y = a.to_numpy(), b.to_numpy()
    if x is y or (x.dtype == y.dtype and x.strides == y.strides and x.size
                  and x.__array_interface__["data"][0] == y.__array_interface__["data"][0]):
        return True
    try:
        return bool(np.array_equal(x, y))
    except (TypeError, ValueError):
        return False


def align_team(payouts: Payouts, team: pd.DataFrame | None) -> pd.DataFrame:
    """The performance rows matching ``payouts.table`` row by row.

    ``team`` None means ``payouts.inputs``. A team of the same length whose
    keys match (as text) is used as it is; otherwise it is joined on
    ``(scenario,) rep_id, period``; payout rows without a team row are an error.
    Keys equal as they are (the usual case: the team the payouts were computed
    from) are recognised without converting a single key to text.
    """
    table = payouts.table
    if team is None:
        team = payouts.inputs
    if not isinstance(team, pd.DataFrame):
        raise KpilabError(msg("api_errors.team_not_frame", team_type=type(team).__name__))
    keys = _keys(table)
    missing = [k for k in keys if k not in team.columns]
    if missing:
        raise KpilabError(msg("api_errors.team_lacks_keys", missing=', '.join(missing)))
    if len(team) == len(table):
        # Equal as they are implies equal as text: the fast check can only say yes when the text check would.
        same = all(same_values(team[k], table[k]) or
                   np.array_equal(team[k].astype(str).to_numpy(), table[k].astype(str).to_numpy()) for k in keys)
        if same:
            return team.reset_index(drop=True)
    left = table[keys].astype(str).reset_index(drop=True)
    right = team.assign(**{k: team[k].astype(str) for k in keys}).reset_index(drop=True)
    right = right.drop_duplicates(keys)
    merged = left.merge(right, on=keys, how="left", indicator=True)
    if (merged["_merge"] != "both").any():
        n = int((merged["_merge"] != "both").sum())
        raise KpilabError(msg("api_errors.payout_rows_unmatched", count=n))
    merged = merged.drop(columns="_merge")
    for k in keys:  # keep the payouts' own key values and dtypes
        merged[k] = table[k].to_numpy()
    return merged


def quartiles(values: np.ndarray) -> np.ndarray:
    """Quartile 1..4 (4 = top) of each value, by rank; ties broken by position.

    ``ceil(4 * rank / n)`` with ranks 1..n, so 8 values give two per quartile
    and the top quartile is never empty.
    """
    values = np.asarray(values, dtype=float)
    n = values.size
    if n == 0:
        return np.zeros(0, dtype=int)
    rank = pd.Series(values).rank(method="first").to_numpy()
    return np.ceil(4.0 * rank / n).astype(int)


def percentile(values: np.ndarray, q: float) -> float:
    """The q-th percentile (linear interpolation) ignoring NaN; NaN for no data."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return float("nan")
    return float(np.percentile(values, q))


def _plans_by_row(plan: Plan | Scheme, frame: pd.DataFrame) -> dict[Any, np.ndarray]:
    if isinstance(plan, Plan):
        return {None: np.ones(len(frame), bool)}
    roles = frame["role"].astype(str).to_numpy()
    return {role: roles == role for role in plan.plans()}


def row_targets(plan: Plan | Scheme, frame: pd.DataFrame, metric: str) -> np.ndarray:
    """Each row's target for ``metric``: ``plan_<metric>`` where given, else its plan's; NaN if none."""
    out = np.full(len(frame), np.nan)
    for role, rows in _plans_by_row(plan, frame).items():
        p = plan if role is None else plan.plans()[role]
        if metric in p.targets:
            out[rows] = float(p.targets[metric])
    col = f"plan_{metric}"
    if col in frame.columns:
        given = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        out = np.where(np.isnan(given), out, given)
    return out


def on_target_variable(payouts: Payouts) -> np.ndarray:
    """Variable pay per row if every metric the plan reads by attainment were exactly at target.

    Takes each row's target from the engine's resolved view (``payouts.resolved``),
    sets each attainment metric to it, keeps every other input (value-basis
    metrics, gate-only counts) as it was, evaluates that counterfactual with the
    engine, and returns the earned variable pay before penalties (components
    after gates and modifiers, plus the cap adjustment). Used as the "target
    bonus" of plans that state none (commission plans).
    """
    resolved = payouts.resolved
    frame = payouts.inputs.copy()
    for metric, target in resolved.targets.items():
        if metric in frame.columns:
            current = pd.to_numeric(frame[metric], errors="coerce").to_numpy(dtype=float)
            frame[metric] = np.where(np.isnan(target), current, target)
        else:
            frame[metric] = np.asarray(target)
    res = evaluate(payouts.plan, frame).table
    earned = [c for c in payouts.component_names if c not in payouts.penalty_names]
    values = res[earned].fillna(0.0).sum(axis=1).to_numpy(dtype=float) if earned else np.zeros(len(res))
    return values + res["cap_adjustment"].to_numpy(dtype=float)


def as_mapping(obj: Any) -> Mapping[str, Any]:
    """A dict view of a Criteria-like object (helper for tests and reports)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}
