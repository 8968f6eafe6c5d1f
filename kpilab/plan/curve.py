"""A curve of a plan (contract section 3): points or steps, checked on construction, parsed with key paths.

Curves are what bonuses, scorecards, team bonuses and modifiers pay along;
the boundary rule that reads them lives below the plan, in :mod:`kpilab.curves`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..curves import curve_values
from ..errors import PlanError
from ..i18n.messages import msg
from ._base import Problems, _check_keys, _fmt, _is_number, _join, _num_out, _raise, _reroot, _suggest

__all__ = ["Curve", "parse_curve"]


@dataclass(frozen=True)
class Curve:
    """A curve mapping an input x (attainment, value or index) to a factor y.

    Parameters
    ----------
    kind
        ``"points"`` (linear between points) or ``"steps"`` (y of the band x falls in).
    xs, ys
        Break points; ``xs`` strictly increasing.
    below
        y for x under the first point (default 0: ``xs[0]`` is a threshold).
    extend
        Points only: continue the last segment's slope past the last point
        instead of capping at ``ys[-1]``.
    closed
        Steps only: ``"left"`` bands are [xi, xi+1); ``"right"`` bands are (xi, xi+1].
    """

    kind: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    below: float = 0.0
    extend: bool = False
    closed: str = "left"

    def jumps(self) -> list[float]:
        """The x where the factor jumps (a step) or starts after nothing below (a first point above 0):
        where a rep near the line gains most by moving a little across it."""
        if self.kind == "steps":
            out, previous = [], self.below
            for x, y in zip(self.xs, self.ys):
                if y != previous and x > 0:
                    out.append(x)
                previous = y
            return out
        return [self.xs[0]] if self.xs[0] > 0 and self.below != self.ys[0] else []

    def __post_init__(self) -> None:
        object.__setattr__(self, "xs", tuple(float(x) for x in self.xs))
        object.__setattr__(self, "ys", tuple(float(y) for y in self.ys))
        object.__setattr__(self, "below", float(self.below))
        _raise(self.problems(""))

    def problems(self, path: str) -> Problems:
        """Every way this curve breaks the contract, with key paths under ``path``."""
        out: Problems = []
        if self.kind not in ("points", "steps"):
            out.append((path, msg("plan_errors.curve_unknown_kind", name=self.kind,
                                  suggestion=_suggest(self.kind, ("points", "steps")))))
            return out
        key = _join(path, self.kind)
        if len(self.xs) == 0 or len(self.xs) != len(self.ys):
            out.append((key, msg("plan_errors.curve_one_pair")))
        for i in range(1, len(self.xs)):
            if not self.xs[i] > self.xs[i - 1]:
                out.append((f"{key}[{i}]", msg("plan_errors.curve_increasing", value=_fmt(self.xs[i]),
                                               previous=_fmt(self.xs[i - 1]))))
        if self.closed not in ("left", "right"):
            out.append((_join(path, "closed"), msg("plan_errors.curve_closed", value=_fmt(self.closed))))
        if self.closed == "right" and self.kind != "steps":
            out.append((_join(path, "closed"), msg("plan_errors.curve_closed_steps")))
        if self.extend and self.kind != "points":
            out.append((_join(path, "extend"), msg("plan_errors.curve_extend_points")))
        if self.extend and len(self.xs) < 2:
            out.append((_join(path, "extend"), msg("plan_errors.curve_extend_two")))
        return out

    def __call__(self, x: Any) -> Any:
        """y for each x (array in, array out); the engine's boundary rule applies."""
        return curve_values(self, x)

    @classmethod
    def from_dict(cls, data: Any, path: str = "curve", problems: Problems | None = None) -> "Curve | None":
        own = problems is None
        problems = [] if own else problems
        curve = parse_curve(data, path, problems)
        if own:
            _raise(problems)
        return curve

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {self.kind: [[_num_out(x), _num_out(y)] for x, y in zip(self.xs, self.ys)]}
        if self.below != 0.0:
            out["below"] = _num_out(self.below)
        if self.extend:
            out["extend"] = True
        if self.closed != "left":
            out["closed"] = self.closed
        return out


def parse_curve(data: Any, path: str, problems: Problems) -> Curve | None:
    """A plan-format curve mapping as a :class:`Curve`; None, with every problem appended, when it is not one."""
    if not isinstance(data, Mapping):
        problems.append((path, msg("plan_errors.curve_shape")))
        return None
    _check_keys(data, {"points", "steps", "below", "extend", "closed"}, path, problems)
    kinds = [k for k in ("points", "steps") if k in data]
    if len(kinds) != 1:
        problems.append((path, msg("plan_errors.curve_kind")))
        return None
    kind = kinds[0]
    raw = data[kind]
    kp = _join(path, kind)
    if not isinstance(raw, list) or not raw:
        problems.append((kp, msg("plan_errors.curve_pairs")))
        return None
    xs, ys = [], []
    ok = True
    for i, pair in enumerate(raw):
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2 and all(_is_number(v) for v in pair)):
            problems.append((f"{kp}[{i}]", msg("plan_errors.curve_pair", value=_fmt(pair))))
            ok = False
            continue
        xs.append(float(pair[0]))
        ys.append(float(pair[1]))
    below = data.get("below", 0.0)
    if not _is_number(below):
        problems.append((_join(path, "below"), msg("plan_errors.not_a_number", value=_fmt(below))))
        ok = False
    extend = data.get("extend", False)
    if not isinstance(extend, bool):
        problems.append((_join(path, "extend"), msg("plan_errors.true_or_false", value=_fmt(extend))))
        ok = False
    if not ok:
        return None
    try:
        return Curve(kind, tuple(xs), tuple(ys), below=below, extend=extend, closed=data.get("closed", "left"))
    except PlanError as exc:
        problems.extend((_reroot(p, path), m) for p, m in exc.problems)
        return None
