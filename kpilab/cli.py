"""The ``kpilab`` command: argument parsing, exit codes and messages only.

Every input error (a bad plan, bad data, a missing file) prints one clear
message on standard error and exits with status 2, having written nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import KpilabError

EXIT_BAD_INPUT = 2

_EPILOG = """examples:
  kpilab payout data/plans/balanced_kpi.yaml data/sample_team.csv -o payouts.csv
  kpilab validate data/plans/balanced_kpi.yaml
  kpilab explain data/plans/balanced_kpi.yaml data/sample_team.csv --rep R01 --period 2026-03
"""


class UsageError(KpilabError):
    """A command line that cannot be carried out (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and status 2 like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def write_atomically(path: str | Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written file."""
    target = Path(path)
    if target.parent and not target.parent.exists():
        raise UsageError(f"cannot write {target}: folder {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _load(plan_path: str, data_path: str) -> tuple[Any, Any]:
    from .plan import load_plan
    from .team import load_team

    plan = load_plan(Path(plan_path))
    team = load_team(data_path)
    return plan, team


def cmd_payout(args: argparse.Namespace) -> int:
    from .engine import evaluate

    plan, team = _load(args.plan, args.data)
    payouts = evaluate(plan, team, source=args.data)
    if args.output:
        write_atomically(args.output, lambda p: payouts.to_csv(p))
    else:
        sys.stdout.write(payouts.to_csv())
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .plan import load_plan

    plan = load_plan(Path(args.plan))
    kind = "scheme" if hasattr(plan, "plans_by_role") else "plan"
    print(f"ok: {kind} '{plan.name}'")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from .engine import evaluate

    plan, team = _load(args.plan, args.data)
    payouts = evaluate(plan, team, source=args.data)
    try:
        explanation = payouts.explain(args.rep, args.period, args.scenario)
    except KeyError as exc:
        raise UsageError(f"{args.data}: {exc.args[0]}") from None
    print(explanation.text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kpilab", description="Design and test sales pay schemes: salary + KPI bonus.",
                     epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"kpilab {__import__('kpilab').__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, func: Callable[[argparse.Namespace], int], help_text: str, example: str
                ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=f"example:\n  {example}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    p = command("payout", cmd_payout, "Pay every rep in every period under a plan; writes the payout table as CSV.",
                "kpilab payout data/plans/balanced_kpi.yaml data/sample_team.csv -o payouts.csv")
    p.add_argument("plan", help="plan or scheme YAML file")
    p.add_argument("data", help="performance table, .csv or .xlsx")
    p.add_argument("-o", "--output", help="CSV file to write (default: standard output)")

    p = command("validate", cmd_validate, "Check a plan file: prints ok, or every problem with its key path.",
                "kpilab validate data/plans/balanced_kpi.yaml")
    p.add_argument("plan", help="plan or scheme YAML file")

    p = command("explain", cmd_explain, "Explain one rep's pay in one period, line by line.",
                "kpilab explain data/plans/balanced_kpi.yaml data/sample_team.csv --rep R01 --period 2026-03")
    p.add_argument("plan")
    p.add_argument("data")
    p.add_argument("--rep", required=True, help="rep_id")
    p.add_argument("--period", required=True, help="period label, e.g. 2026-03")
    p.add_argument("--scenario", default=None, help="scenario number, when the data has a scenario column")

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 0
        return args.func(args)
    except KpilabError as exc:
        print(f"kpilab: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except FileNotFoundError as exc:
        print(f"kpilab: error: {exc.filename}: no such file", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `kpilab payout ... | head`
        return 0
