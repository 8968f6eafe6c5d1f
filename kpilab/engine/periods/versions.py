"""Plan versions over time in the period pass: which version (and, for a scheme, which role's plan) pays
each row, and each version's months."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...i18n.messages import msg
from ...plan.versions import PlanVersions
from ..resolve import _codes, _Locator
from .state import _months, _per_month


def version_bounds(plan: PlanVersions) -> list[tuple[int, int | None]]:
    """Each version's first and last month (None: the last version runs on)."""
    starts = plan.starts
    return [(s, starts[i + 1] - 1 if i + 1 < len(starts) else None) for i, s in enumerate(starts)]


def version_of(plan: Any, month: np.ndarray | int) -> np.ndarray | int:
    """The index of the version in force in ``month`` (0 for a plan or a scheme)."""
    if not isinstance(plan, PlanVersions):
        return np.zeros_like(month) if np.ndim(month) else 0
    return _per_month(lambda m: np.searchsorted(np.asarray(plan.starts), m, side="right") - 1, month)


def version_rows(plan: PlanVersions, frame: pd.DataFrame, loc: _Locator,
                 period: tuple[np.ndarray, int] | None = None) -> dict[Any, np.ndarray]:
    """Each plan's rows, keyed as :meth:`PlanVersions.plans`: the version in force in the row's month, and
    within a scheme's version the row's role. A row before the first version is an error. ``period``: the
    period column's codes, when already worked out."""
    if "period" not in frame.columns:
        raise loc.error(msg("data_errors.missing_key_column"), column="period")
    month = _months(frame, loc, _codes(frame["period"]) if period is None else period)
    vid = np.asarray(version_of(plan, month))
    first = plan.versions[0]
    loc.first(vid < 0, msg("data_errors.no_version", plan=first.plan.name, start=first.start), "period")
    plans = plan.plans()
    roles = None
    if any(role is not None for _, role in plans):
        if "role" not in frame.columns:
            known = sorted({str(r) for _, r in plans if r is not None})
            raise loc.error(msg("data_errors.role_column", roles=", ".join(known)), column="role")
        roles = frame["role"].astype(str).where(frame["role"].notna(), None).to_numpy(dtype=object)
    out: dict[Any, np.ndarray] = {}
    for i, version in enumerate(plan.versions):
        here = vid == i
        keys = [key for key in plans if key[0] == i]
        if keys == [(i, None)]:
            out[(i, None)] = here
            continue
        assert roles is not None
        named = [role for _, role in keys]
        known = np.isin(roles, np.array(named, dtype=object))
        loc.first(here & ~known, msg("data_errors.version_role", plan=version.plan.name, start=version.start,
                                     roles=", ".join(map(str, named))), "role")
        for key in keys:
            out[key] = here & (roles == key[1])
    return out
