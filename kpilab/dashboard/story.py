"""Saving a tuned plan so that the file keeps its story.

The saved YAML is the original file with its comments (the design intent a
consultant wrote), only the numbers the owner changed replaced, the name and
description the owner typed, and a change log appended as comments at the end:
one entry per save with the date, each change "from → to", and the verdict and
yearly payroll before and after. Comments are kept by a round-trip YAML editor
(ruamel.yaml); the result is read back and must equal the tuned plan, otherwise
the plain plan YAML is written under the original's leading comments, so a save
never writes a plan other than the one on screen. The write is atomic
(:func:`kpilab.safe_write.write_text_atomically`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..i18n import fmt_money, fmt_number, fmt_percent
from ..plan import Plan, load_plan
from ..safe_write import write_text_atomically
from .specs import ControlSpec, words
from .state import Change

__all__ = ["Outcome", "log_entry", "log_title", "plan_text", "save_plan", "renamed", "LOG_MARK"]

#: What opens the change log's title line; entries follow it, one comment block per save.
LOG_MARK = "# ~~ "


def log_title(lang: str) -> str:
    """The change log's title line, as written into the file."""
    return f"{LOG_MARK}{words('log_title', lang)} ~~"


@dataclass(frozen=True)
class Outcome:
    """The verdict and yearly payroll of a plan (before or after tuning)."""

    passed: bool
    payroll: float


def _number(spec: ControlSpec | None, value: float, lang: str) -> str:
    if spec is not None and spec.percent:
        return fmt_percent(value, lang, 1)
    if spec is not None and spec.fmt.startswith(","):
        return fmt_number(value, lang, 0)
    return fmt_number(value, lang, 0 if float(value).is_integer() else 2)


def log_entry(changes: Sequence[Change], specs: dict[str, ControlSpec], before: Outcome, after: Outcome,
              lang: str, currency: str, *, old_name: str, new_name: str, description_changed: bool,
              when: dt.datetime | None = None) -> list[str]:
    """The comment lines of one change-log entry (without the leading ``# ``)."""
    when = when or dt.datetime.now(dt.timezone.utc)
    parts = []
    if new_name != old_name:
        parts.append(words("log_name", lang, old=old_name, new=new_name))
    if description_changed:
        parts.append(words("log_description", lang))
    parts += [words("log_change", lang, what=specs[c.path].text if c.path in specs else c.path,
                    old=_number(specs.get(c.path), c.old, lang), new=_number(specs.get(c.path), c.new, lang))
              for c in changes]
    date = when.strftime("%Y-%m-%d %H:%M UTC")
    lines = [words("log_entry", lang, date=date, changes=words("log_nothing", lang) if not parts else "")]
    lines[0] = lines[0].rstrip()
    lines += [f"  - {p}" for p in parts]
    verdict = lambda ok: words("verdict_word_pass" if ok else "verdict_word_fail", lang)  # noqa: E731
    lines.append("  " + words("log_verdict", lang, old=verdict(before.passed), new=verdict(after.passed),
                              payroll_old=fmt_money(before.payroll, lang, currency),
                              payroll_new=fmt_money(after.payroll, lang, currency)))
    return lines


def _merge(old: Any, new: Any) -> Any:
    """``new`` written into ``old`` in place where their shapes agree, so comments on ``old`` stay."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key, value in new.items():
            old[key] = _merge(old[key], value) if key in old else value
        return old
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, value in enumerate(new):
            old[i] = _merge(old[i], value)
        return old
    if isinstance(old, (int, float)) and isinstance(new, (int, float)) and not isinstance(old, bool):
        if old == new:
            return old  # keep the file's own spelling of an unchanged number
        return int(new) if isinstance(old, int) and float(new).is_integer() else new
    return old if old == new else new


def _leading_comments(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            lines.append(line)
        else:
            break
    return "\n".join(lines).rstrip() + "\n" if lines else ""


def plan_text(plan: Plan, original_text: str | None) -> str:
    """``plan`` as YAML in the original file's shape, comments kept (see the module docstring)."""
    plain = plan.to_yaml()
    if not original_text:
        return plain
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: comments, key order and flow style survive
    yaml.preserve_quotes = True
    yaml.width = 4096
    try:
        doc = yaml.load(original_text)
        _merge(doc, plan.to_dict())
        out = io.StringIO()
        yaml.dump(doc, out)
        text = out.getvalue()
        if load_plan(text) == plan:
            return text
    except Exception:  # noqa: BLE001 - any surprise in the original's shape: the plain plan below is still right
        pass
    return _leading_comments(original_text) + plain


def save_plan(path: str | Path, plan: Plan, original_text: str | None, entry: list[str], lang: str) -> Path:
    """Write ``plan`` to ``path`` atomically, comments kept, with ``entry`` appended to the change log."""
    text = plan_text(plan, original_text).rstrip("\n") + "\n"
    if not any(line.startswith(LOG_MARK) for line in text.splitlines()):
        text += "\n" + log_title(lang) + "\n"
    text += "".join(f"# {line}\n" for line in entry)
    return write_text_atomically(path, text)


def renamed(plan: Plan, name: str, description: str, lang: str | None = None) -> Plan:
    """``plan`` with the name and description the owner typed in a page in ``lang`` (blank keeps the plan's own).

    The plan file is the one source of a plan's names: when it names the plan
    in ``lang`` (its ``names:`` map), that entry is what the owner saw and
    changed, so that entry changes and the plan's own name stays; otherwise the
    plan's own name and description change.
    """
    if lang is not None and lang in plan.names:
        entry = plan.names[lang]
        names = dict(plan.names)
        names[lang] = dataclasses.replace(entry, name=name.strip() or entry.name,
                                          description=description.strip())
        return dataclasses.replace(plan, names=names)
    name = name.strip() or plan.name
    return dataclasses.replace(plan, name=name, description=description.strip())
