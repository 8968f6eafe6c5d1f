"""A consultant's commands on a client's data: inspect, fit, regulation."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from ..errors import KpilabError
from .common import (
    _add_data_options,
    _check_plan_fits,
    _client_profile,
    _data_flags,
    _plan_file,
    _plan_title,
    _read_team,
    _t,
    UsageError,
    write_atomically,
)


def _column_words(column: str, lang: str) -> str:
    """What a contract column holds, in words: the client's header, or "Plan: Revenue"."""
    from ..i18n import has_label, label

    special = {"rep_id": "rep", "period": "period"}
    if column in special:
        return label(special[column], lang)
    if column.startswith("plan_"):
        return _t("cli.inspect.plan_of", lang, metric=label(column.removeprefix("plan_"), lang))
    return label(column, lang) if has_label(column) else _t("cli.inspect.not_metric", lang)


def cmd_inspect(args: argparse.Namespace) -> int:
    from ..analysis.fit import _metric_list, missing_metrics
    from ..data import datasets
    from ..data.profiles import TARGET_COLUMNS, list_sheets, load_client_team, propose_profile, read_headers
    from ..i18n import fmt_number, label

    lang = args.lang
    given = _client_profile(args)
    out = [_t("cli.inspect.file", lang, path=args.data)]
    sheets = list_sheets(args.data)
    if sheets:
        listed = ", ".join(f"«{name}»" + ("" if shown else " " + _t("cli.inspect.hidden", lang))
                           for name, shown in sheets)
        out.append(_t("cli.inspect.sheets", lang, count=len(sheets), sheets=listed))
    guessed = not given.columns  # no mapping given: propose one (and the rows to leave out)
    profile = given
    if guessed:
        profile = propose_profile(args.data, given.sheet, given.header_row).merged(
            skip_rows=given.skip_rows, drop_blank_rows=given.drop_blank_rows or None)
    headers = read_headers(args.data, profile.sheet, profile.header_row)
    out.append(_t("cli.inspect.columns_guessed" if guessed else "cli.inspect.columns", lang))
    width = max((len(h) for h in headers), default=0)
    for header in headers:
        column = profile.columns.get(header) or (header if header in TARGET_COLUMNS else None)
        words = _t("cli.inspect.unused", lang) if column is None else f"→ {column} ({_column_words(column, lang)})"
        out.append(f"  {header:<{width}}  {words}")
    team = None
    try:
        team = load_client_team(args.data, profile, lang=lang, empty_metrics_ok=True)
    except KpilabError as exc:
        out.append(_t("cli.inspect.unreadable", lang, error=str(exc)))
    if team is not None:
        periods = sorted(team["period"].astype(str).unique())
        out.append(_t("cli.inspect.rows", lang, rows=fmt_number(len(team), lang),
                      reps=_t("common.reps", lang, count=team["rep_id"].nunique()),
                      months=_t("common.months", lang, count=len(periods)), first=periods[0], last=periods[-1]))
        if profile.skip_rows or profile.drop_blank_rows:
            out.append(_t("cli.inspect.left_out", lang, count=len(profile.skip_rows),
                          rows=", ".join(map(str, profile.skip_rows)) or "—",
                          blank=_t("common.yes" if profile.drop_blank_rows else "common.no", lang)))
        out.append(_t("cli.inspect.plans", lang))
        flags = (" --profile " + (args.write_profile or "PROFILE.yaml")) if guessed else _data_flags(args)
        for name in datasets.plan_names():
            plan = datasets.load_plan(name)
            missing, no_target = missing_metrics(plan, team)
            needs_role = hasattr(plan, "plans_by_role") and "role" not in team.columns
            title = f"«{label(name, lang)}» ({name})"
            if not missing and not no_target and not needs_role:
                out.append("  " + _t("cli.inspect.plan_runs", lang, plan=title))
                continue
            why = []
            if missing:
                why.append(_t("cli.inspect.lacks", lang, metrics=_metric_list(missing, lang)))
            if no_target:
                why.append(_t("cli.inspect.no_target", lang, metrics=_metric_list(no_target, lang)))
            if needs_role:
                why.append(_t("cli.inspect.no_role", lang))
            out.append("  " + _t("cli.inspect.plan_lacks", lang, plan=title, why="; ".join(why),
                                 command=f"kpilab fit {name} --team {args.data}{flags}"))
    if guessed:
        out.append(_t("cli.inspect.proposed", lang))
        out.append(_profile_yaml(profile).rstrip())
    if args.write_profile:
        text = _profile_yaml(profile)
        write_atomically(args.write_profile, lambda p: p.write_text(text, encoding="utf-8"), inputs=(args.data,))
        out.append(_t("cli.inspect.written", lang, path=args.write_profile))
    print("\n".join(out))
    return 0


def _profile_yaml(profile: Any) -> str:
    import yaml

    return yaml.safe_dump(profile.to_dict(), allow_unicode=True, sort_keys=False)


def cmd_fit(args: argparse.Namespace) -> int:
    from ..analysis.fit import fit_plan
    from ..plan import load_plan

    lang = args.lang
    spec = _plan_file(args.plan)
    if args.output:
        from ..safe_write import check_output_path

        check_output_path(args.output, inputs=(spec, args.team))
    plan = load_plan(spec)
    team = _read_team(args, args.team)
    result = fit_plan(plan, team, role=args.role, lang=lang, title=_plan_title(str(spec), plan, lang))
    print(result.text(lang))
    if args.output:
        if result.fitted is None:
            raise UsageError(_t("cli.fit.nothing", lang))
        write_atomically(args.output, lambda p: result.fitted.to_yaml(p), inputs=(spec, args.team))
        print(_t("fit.written", lang, path=args.output), file=sys.stderr)
    return 0


def cmd_regulation(args: argparse.Namespace) -> int:
    from ..plan import load_plan

    lang = args.lang
    spec = _plan_file(args.plan)
    from ..safe_write import check_output_path

    check_output_path(args.output, inputs=[spec] + ([args.team] if args.team else []))
    plan = load_plan(spec)
    team = _read_team(args, args.team) if args.team else None
    if team is not None:
        _check_plan_fits(plan, team, args, args.plan, args.team)
    profile = _client_profile(args)
    from ..report.regulation import write_regulation

    path = write_regulation(plan, args.output, team=team, lang=lang, client=args.client or profile.name,
                            title=_plan_title(str(spec), plan, lang), write=write_atomically,
                            inputs=[spec] + ([args.team] if args.team else []))
    print(_t("cli.regulation.written", lang, path=path), file=sys.stderr)
    return 0


def _add_consultant_commands(sub: Any, lang: str) -> None:
    """``inspect``, ``fit`` and ``regulation``: help and messages in the language asked for."""
    class Formatter(argparse.RawDescriptionHelpFormatter):
        def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
            super().add_usage(usage, actions, groups, prefix=prefix or _t("cli.usage", lang) + " ")

    def command(name: str, func: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        text = _t(f"cli.{name}.help", lang)
        p = sub.add_parser(name, help=text, description=text, add_help=False,
                           epilog=_t("cli.example", lang) + "\n  " + _t(f"cli.{name}.example", lang),
                           formatter_class=Formatter)
        p._positionals.title = _t("cli.positionals", lang)  # argparse's own words, in the language asked for
        p._optionals.title = _t("cli.optionals", lang)
        p.add_argument("-h", "--help", action="help", help=_t("cli.help", lang))
        p.set_defaults(func=func)
        return p

    p = command("inspect", cmd_inspect)
    p.add_argument("data", metavar=_t("cli.metavar.data", lang), help=_t("cli.arg.data", lang))
    p.add_argument("--write-profile", metavar=_t("cli.metavar.profile", lang), help=_t("cli.inspect.write_profile", lang))
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.arg.lang", lang))
    _add_data_options(p, lang)

    p = command("fit", cmd_fit)
    p.add_argument("plan", metavar=_t("cli.metavar.plan", lang), help=_t("cli.arg.plan", lang))
    p.add_argument("--team", required=True, metavar=_t("cli.metavar.data", lang), help=_t("cli.arg.data", lang))
    p.add_argument("--role", metavar=_t("cli.metavar.role", lang), help=_t("cli.fit.role", lang))
    p.add_argument("-o", "--output", metavar=_t("cli.metavar.out_yaml", lang), help=_t("cli.fit.output", lang))
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.arg.lang", lang))
    _add_data_options(p, lang)

    p = command("regulation", cmd_regulation)
    p.add_argument("plan", metavar=_t("cli.metavar.plan", lang), help=_t("cli.arg.plan", lang))
    p.add_argument("--team", metavar=_t("cli.metavar.data", lang), help=_t("cli.regulation.team", lang))
    p.add_argument("-o", "--output", required=True, metavar=_t("cli.metavar.docx", lang), help=_t("cli.regulation.output", lang))
    p.add_argument("--client", metavar=_t("cli.metavar.client", lang), help=_t("cli.regulation.client", lang))
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.arg.lang", lang))
    _add_data_options(p, lang)
