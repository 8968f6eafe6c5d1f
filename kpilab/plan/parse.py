"""Plan-format mappings into plan objects, every problem collected with its key path."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import PlanError, mixed_script
from ..i18n.messages import msg, names_list, os_reason
from ._base import FrozenMap, Problems, _check_keys, _check_number, _fmt, _is_number, _join, _reroot, _suggest
from .curve import parse_curve as _parse_curve
from .kinds import parse_component as _parse_component
from .kinds._base import check_basis as _check_basis, check_metric as _check_metric
from .rules import _OPS, AllOf, AnyOf, Cond, Condition, Gate, Limits, Modifier
from .model import Names, Plan, Scheme
from .periods import PLAN_KEYS as _PERIOD_PLAN_KEYS, parse_period_rules, split_component_timing

# --------------------------------------------------------------------------- parsing

def _parse_condition(data: Any, path: str, problems: Problems) -> Cond | None:
    if not isinstance(data, Mapping):
        problems.append((path, msg("plan_errors.condition_shape")))
        return None
    for combo, cls in (("all", AllOf), ("any", AnyOf)):
        if combo in data:
            _check_keys(data, {combo}, path, problems)
            items = data[combo]
            if not isinstance(items, list) or not items:
                problems.append((_join(path, combo), msg("plan_errors.conditions_list")))
                return None
            subs = [_parse_condition(c, f"{_join(path, combo)}[{i}]", problems) for i, c in enumerate(items)]
            return cls(tuple(subs)) if all(s is not None for s in subs) else None
    _check_keys(data, {"metric", *_OPS}, path, problems)
    ops = [op for op in _OPS if op in data]
    start = len(problems)
    if "metric" not in data:
        problems.append((_join(path, "metric"), msg("plan_errors.required")))
    else:
        _check_metric(problems, path, data["metric"])
    if len(ops) != 1:
        problems.append((path, msg("plan_errors.one_operator", operators=names_list(_OPS))))
    else:
        _check_number(problems, _join(path, ops[0]), data[ops[0]], minimum=None)
    if len(problems) > start:
        return None
    return Condition(data["metric"], ops[0], float(data[ops[0]]))


def _parse_applies(data: Mapping, path: str, problems: Problems) -> tuple[str, ...] | str | None:
    if "applies_to" not in data:
        problems.append((_join(path, "applies_to"), msg("plan_errors.applies_to_required")))
        return None
    raw = data["applies_to"]
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list) and all(isinstance(n, str) for n in raw):
        return tuple(raw)
    problems.append((_join(path, "applies_to"), msg("plan_errors.applies_to_shape", value=_fmt(raw))))
    return None


def _parse_limits(data: Any, problems: Problems) -> Limits | None:
    if data is None:
        return Limits()
    if not isinstance(data, Mapping):
        problems.append(("limits", msg("plan_errors.limits_shape")))
        return None
    _check_keys(data, {"variable_cap", "floor"}, "limits", problems)
    cap, cap_share = data.get("variable_cap"), None
    if isinstance(cap, Mapping):
        _check_keys(cap, {"share"}, "limits.variable_cap", problems)
        if "share" not in cap:
            problems.append(("limits.variable_cap.share", msg("plan_errors.cap_share_required")))
            return None
        cap, cap_share = None, cap["share"]
    floor = data.get("floor", "base")
    if isinstance(floor, str) and floor.lower() in ("none", "null"):
        floor = None
    try:
        return Limits(cap, cap_share, floor)
    except PlanError as exc:
        problems.extend((_reroot(p, "limits"), m) for p, m in exc.problems)
        return None


_PLAN_KEYS = {"name", "currency", "description", "base", "target_bonus", "targets", "components",
              "gates", "modifiers", "limits", "names"} | _PERIOD_PLAN_KEYS
_LANG_RE = re.compile(r"^[a-z]{2,3}$")


def _parse_names(data: Any, path: str, problems: Problems, *, components: bool = True) -> FrozenMap:
    """The ``names`` map: ``{lang: {name, description, components: {component: text}}}`` (additions, 1.2)."""
    if data is None:
        return FrozenMap()
    here = _join(path, "names")
    if not isinstance(data, Mapping):
        problems.append((here, msg("plan_errors.names_shape")))
        return FrozenMap()
    out: dict[str, Names] = {}
    for lang, entry in data.items():
        at = _join(here, str(lang))
        if not isinstance(lang, str) or not _LANG_RE.match(lang):
            problems.append((at, msg("plan_errors.names_lang", value=_fmt(lang))))
            continue
        if not isinstance(entry, Mapping):
            problems.append((at, msg("plan_errors.names_entry")))
            continue
        _check_keys(entry, {"name", "description", "components"} if components else {"name", "description"},
                    at, problems)
        n = len(problems)
        for key in ("name", "description"):
            if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
                problems.append((_join(at, key), msg("plan_errors.nonempty_text", value=_fmt(entry[key]))))
        comps = entry.get("components") or {}
        if not isinstance(comps, Mapping):
            problems.append((_join(at, "components"), msg("plan_errors.names_components")))
            comps = {}
        for comp, text in comps.items():
            if not isinstance(text, str) or not text.strip():
                problems.append((_join(_join(at, "components"), str(comp)), msg("plan_errors.nonempty_text", value=_fmt(text))))
        if len(problems) == n:
            out[lang] = Names(str(entry.get("name", "")).strip(), str(entry.get("description", "")).strip(),
                              FrozenMap({str(k): str(v).strip() for k, v in comps.items()}))
    return FrozenMap(out)



def _parse_plan(data: Any, path: str, problems: Problems) -> Plan | None:
    if not isinstance(data, Mapping):
        problems.append((path, msg("plan_errors.plan_shape")))
        return None
    if "scheme" in data and path == "":
        problems.append(("scheme", msg("plan_errors.is_scheme")))
        return None
    _check_keys(data, _PLAN_KEYS, path, problems)
    start = len(problems)
    if "name" not in data:
        problems.append((_join(path, "name"), msg("plan_errors.required")))
    for key in ("base", "target_bonus"):
        if key in data:
            _check_number(problems, _join(path, key), data[key], what=key)
    targets = data.get("targets") or {}
    if not isinstance(targets, Mapping):
        problems.append((_join(path, "targets"), msg("plan_errors.targets_shape")))
        targets = {}
    for metric, target in targets.items():
        if (mixed := mixed_script(metric)) is not None:
            problems.append((_join(_join(path, "targets"), str(metric)), msg(
                "errors.mixed_script", name=metric, latin=mixed[0], letter=mixed[1], position=mixed[2])))
        _check_number(problems, _join(_join(path, "targets"), str(metric)), target, minimum=0.0, strict=True,
                      what="target")
    comps_raw = data.get("components") or []
    if not isinstance(comps_raw, list):
        problems.append((_join(path, "components"), msg("plan_errors.must_be_list")))
        comps_raw = []
    comps_raw, timing = split_component_timing(comps_raw, path, problems)  # section 10: pay across months
    comps = [_parse_component(c, f"{_join(path, 'components')}[{i}]", problems) for i, c in enumerate(comps_raw)]
    gates, mods = [], []
    for label, parsed in (("gates", gates), ("modifiers", mods)):
        raw = data.get(label) or []
        if not isinstance(raw, list):
            problems.append((_join(path, label), msg("plan_errors.must_be_list")))
            continue
        for i, item in enumerate(raw):
            here = f"{_join(path, label)}[{i}]"
            if not isinstance(item, Mapping):
                problems.append((here, msg("plan_errors.must_be_mapping")))
                continue
            if label == "gates":
                _check_keys(item, {"applies_to", "when"}, here, problems)
                applies = _parse_applies(item, here, problems)
                if "when" not in item:
                    problems.append((_join(here, "when"), msg("plan_errors.required")))
                    continue
                when = _parse_condition(item["when"], _join(here, "when"), problems)
                if applies is not None and when is not None:
                    parsed.append(Gate(applies, when))
            else:
                _check_keys(item, {"applies_to", "metric", "basis", "curve"}, here, problems)
                applies = _parse_applies(item, here, problems)
                n = len(problems)
                if "metric" not in item:
                    problems.append((_join(here, "metric"), msg("plan_errors.required")))
                else:
                    _check_metric(problems, here, item["metric"])
                _check_basis(problems, here, item.get("basis", "attainment"))
                curve = _parse_curve(item.get("curve"), _join(here, "curve"), problems) \
                    if "curve" in item else problems.append((_join(here, "curve"), msg("plan_errors.required")))
                if applies is not None and curve is not None and len(problems) == n:
                    parsed.append(Modifier(applies, item["metric"], curve, item.get("basis", "attainment")))
    limits = _parse_limits(data.get("limits"), problems) if path == "" else \
        _parse_limits_at(data.get("limits"), path, problems)
    for key in ("currency", "description"):
        if key in data and not isinstance(data[key], str):
            problems.append((_join(path, key), msg("plan_errors.must_be_text", value=_fmt(data[key]))))
    names = _parse_names(data.get("names"), path, problems)
    periods = parse_period_rules(data, path, timing, problems)
    if len(problems) > start:
        return None
    kwargs: dict[str, Any] = {"name": data["name"], "components": tuple(comps), "targets": FrozenMap(targets),
                              "gates": tuple(gates), "modifiers": tuple(mods), "limits": limits,
                              "periods": periods}
    for key in ("base", "target_bonus"):
        if key in data:
            kwargs[key] = float(data[key])
    for key in ("currency", "description"):
        if key in data:
            kwargs[key] = data[key]
    if names:
        kwargs["names"] = names
    try:
        return Plan(**kwargs)
    except PlanError as exc:
        problems.extend((_reroot(p, path), m) for p, m in exc.problems)
        return None


def _parse_limits_at(data: Any, path: str, problems: Problems) -> Limits | None:
    sub: Problems = []
    limits = _parse_limits(data, sub)
    problems.extend((_reroot(p, path), m) for p, m in sub)
    return limits


def _parse_scheme(data: Any, problems: Problems, base_dir: Path | None) -> Scheme | None:
    if not isinstance(data, Mapping):
        problems.append(("", msg("plan_errors.scheme_shape")))
        return None
    _check_keys(data, {"scheme", "plans", "description", "names"}, "", problems)
    names = _parse_names(data.get("names"), "", problems, components=False)
    description = data.get("description", "")
    if not isinstance(description, str):
        problems.append(("description", msg("plan_errors.must_be_text", value=_fmt(description))))
    plans_raw = data.get("plans")
    if not isinstance(plans_raw, Mapping) or not plans_raw:
        problems.append(("plans", msg("plan_errors.plans_required")))
        return None
    plans: dict[str, Plan] = {}
    for role, spec in plans_raw.items():
        here = f"plans.{role}"
        if isinstance(spec, str):
            target = (base_dir or Path.cwd()) / spec
            try:
                plans[str(role)] = Plan.from_yaml(target)
            except PlanError as exc:
                problems.extend((f"{here} ({spec}): {p}" if p else f"{here} ({spec})", m) for p, m in exc.problems)
            except OSError as exc:
                problems.append((here, msg("plan_errors.cannot_read_plan_file", name=spec,
                                            reason=os_reason(exc))))
            continue
        plan = _parse_plan(spec, here, problems)
        if plan is not None:
            plans[str(role)] = plan
    if problems:
        return None
    return Scheme(data.get("scheme"), plans, description=description, names=names)

