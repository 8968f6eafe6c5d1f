"""Commands about one plan's pay: payout, validate, explain, simulate, lint."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import (
    _count,
    _lang,
    _load,
    _plan_file,
    _plan_title,
    _read_team,
    _t,
    MAX_SIMULATED_ROWS,
    parse_mix,
    UsageError,
    write_atomically,
)


def cmd_payout(args: argparse.Namespace) -> int:
    from ..engine import evaluate

    if args.output:  # refuse an output over an input before any work
        from ..safe_write import check_output_path

        check_output_path(args.output, inputs=(args.plan, args.data))
    plan, team = _load(args.plan, args.data, args)
    payouts = evaluate(plan, team, source=args.data)
    if args.output:
        if Path(args.output).suffix.lower() in (".xlsx", ".xlsm"):  # a workbook, not CSV text in one
            write_atomically(args.output, lambda p: _write_payouts_xlsx(payouts, p), inputs=(args.plan, args.data))
        else:
            write_atomically(args.output, lambda p: payouts.to_csv(p), inputs=(args.plan, args.data))
    else:
        sys.stdout.write(payouts.to_csv())
    return 0


def _write_payouts_xlsx(payouts: Any, path: Path) -> None:
    """The rounded payout table as one sheet; user text stays text, never a formula."""
    import openpyxl

    from ..spreadsheet_safe import defuse_workbook

    table = payouts.rounded()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "payouts"
    ws.append([str(c) for c in table.columns])
    for row in table.itertuples(index=False):
        ws.append([None if isinstance(v, float) and v != v else (v.item() if hasattr(v, "item") else v)
                   for v in row])
    defuse_workbook(wb)
    wb.save(path)


def cmd_validate(args: argparse.Namespace) -> int:
    from ..plan import load_plan

    load_plan(Path(args.plan))  # raises PlanError listing every problem (exit 2)
    print("ok")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from ..engine import evaluate

    from ..engine.explain import statement_lines

    plan, team = _load(args.plan, args.data, args)
    payouts = evaluate(plan, team, source=args.data)
    try:
        if args.detail:
            print(payouts.explain(args.rep, args.period, args.scenario).text)
        else:
            lines = statement_lines(payouts, args.rep, args.period, args.scenario, args.lang,
                                    plan_title=_plan_title(plan, args.lang))
            print("\n".join(lines))
    except KeyError:
        raise UsageError(_t("cli.explain.no_row", args.lang, data=args.data, rep=args.rep,
                            period=args.period)) from None
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from ..data.synth import make_team

    mix = parse_mix(args.mix) if args.mix is not None else None
    if args.reps * args.months > MAX_SIMULATED_ROWS:
        raise UsageError(_t("cli.err.simulated_rows", _lang(), reps=_count(args.reps), months=_count(args.months),
                            total=_count(args.reps * args.months), limit=_count(MAX_SIMULATED_ROWS)))
    team = make_team(args.reps, periods=args.months, mix=mix, seed=args.seed, start=args.start)
    if args.output:
        if Path(args.output).suffix.lower() in (".xlsx", ".xlsm"):
            write_atomically(args.output, lambda p: team.to_excel(p, index=False, engine="openpyxl"))
        else:
            write_atomically(args.output, lambda p: team.to_csv(p, index=False))
    else:
        sys.stdout.write(team.to_csv(index=False))
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    from ..analysis import lint
    from ..plan import load_plan

    plan = load_plan(_plan_file(args.plan))
    team = _read_team(args, args.team) if args.team else None
    found = lint(plan, team, lang=args.lang)
    print(found)  # the plan's name, the count and each finding, in the chosen language
    for note in found.notes:
        print(f"  {note}")
    return 0
