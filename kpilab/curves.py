"""The boundary rule, written once: when does an x "reach" a threshold t?

Every curve, tier, gate and explanation of kpilab asks this module; nothing
else compares an attainment with a threshold. A curve here is anything with the
fields of :class:`kpilab.plan.Curve` (``kind``, ``xs``, ``ys``, ``below``,
``extend``, ``closed``); this module sits below the plan and imports nothing of kpilab.

Examples
--------
>>> from types import SimpleNamespace
>>> steps = SimpleNamespace(kind="steps", xs=(0.7, 1.0), ys=(0.5, 1.0), below=0.0, extend=False, closed="left")
>>> curve_values(steps, [0.69, 0.7, 0.9999999999999999, 1.2]).tolist()
[0.0, 0.5, 1.0, 1.0]
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

__all__ = ["TOL_REL", "CurveLike", "curve_values", "step_band", "_reach_tolerance"]

#: Relative tolerance of the boundary rule: x reaches t when x >= t - TOL_REL * max(1, |t|).
TOL_REL = 1e-9


class CurveLike(Protocol):
    """What the boundary rule reads of a curve (a :class:`kpilab.plan.Curve`)."""

    kind: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    below: float
    extend: bool
    closed: str


def _reach_tolerance(threshold: np.ndarray | float) -> np.ndarray | float:
    """How far below a threshold an x may fall and still count as reaching it.

    Floats cannot hold 0.7 or 1.1 exactly, so a rep exactly on plan may compute
    to 0.9999999999999999. One relative tolerance, used by every curve, tier
    and gate, makes "on the boundary" mean what a person means.
    """
    return TOL_REL * np.maximum(1.0, np.abs(threshold))


def curve_values(curve: CurveLike, x: Any) -> np.ndarray:
    """y = curve(x) for an array of x (contract section 3).

    Points: ``below`` under the first x, linear in between, the last y above
    the last x (or the last segment's slope continued with ``extend``).
    Steps: y of the largest xi reached; with ``closed: right`` y of the largest
    xi strictly passed.
    """
    x = np.asarray(x, dtype=float)
    xs = np.asarray(curve.xs)
    ys = np.asarray(curve.ys)
    tol = _reach_tolerance(xs)
    if curve.kind == "points":
        # A flat sliver [x0 - tol, x0] at y0 puts the boundary rule inside one np.interp call.
        y = np.interp(x, np.concatenate(([xs[0] - tol[0]], xs)), np.concatenate(([ys[0]], ys)),
                      left=curve.below)
        if curve.extend:
            slope = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
            y = np.where(x > xs[-1], ys[-1] + slope * (x - xs[-1]), y)
        return y
    # Steps: position 0 of the lookup is `below`, position i + 1 is band i.
    lookup = np.concatenate(([curve.below], ys))
    return lookup[step_band(curve, x) + 1]


def step_band(curve: CurveLike, x: Any) -> np.ndarray:
    """The band of a steps curve each x falls in: i for [xi, xi+1) ((xi, xi+1] with
    ``closed: right``), -1 below the first step; by the boundary rule."""
    xs = np.asarray(curve.xs)
    tol = _reach_tolerance(xs)
    if curve.closed == "right":
        return np.searchsorted(xs + tol, x, side="left") - 1  # largest i with x > xs[i]
    return np.searchsorted(xs - tol, x, side="right") - 1  # largest i with x >= xs[i]

