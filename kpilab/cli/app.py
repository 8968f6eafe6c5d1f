"""The command line's entry point: the parser of every command, exit codes, signals, one-line errors."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import KpilabError
from .common import (
    _add_data_options,
    _band,
    _bounded,
    _FORCE_HELP,
    _help_lang,
    _on_sigint,
    _Parser,
    _positive_int,
    _RECEIVED,
    _seed,
    _t,
    MAX_SCENARIOS,
    MAX_SIMULATED_ROWS,
)
from .compare import _COMPARE_EXAMPLE, _DEMO_EXAMPLE, cmd_compare, cmd_demo
from .consultant import _add_consultant_commands
from .optimize import _add_optimize_command
from .pay import (
    _LINT_EXAMPLE,
    _SIMULATE_EXAMPLE,
    cmd_explain,
    cmd_lint,
    cmd_payout,
    cmd_simulate,
    cmd_validate,
)
from .predict import _add_predict_command


EXIT_INTERNAL = 1  # a bug in kpilab, never the user's input
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM
_EPILOG = """examples:
  kpilab payout data/plans/balanced_kpi.yaml data/sample_team.csv -o payouts.csv
  kpilab validate data/plans/balanced_kpi.yaml
  kpilab explain data/plans/balanced_kpi.yaml data/sample_team.csv --rep R01 --period 2026-03
  kpilab compare data/plans/*.yaml --team data/sample_team.csv --scenarios 200 --report reports/client
  kpilab simulate --reps 30 --months 12 --seed 7 --mix star=0.1,laggard=0.2 -o team.csv
  kpilab lint data/plans/multi_condition.yaml
  kpilab demo
"""


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    lang = lang or _help_lang(None)
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
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.arg.lang", lang))
    _add_data_options(p, lang)

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
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.explain.lang", lang))
    p.add_argument("--detail", action="store_true", help=_t("cli.explain.detail", lang))
    _add_data_options(p, lang)

    p = command("compare", cmd_compare,
                "Compare plans on a team: prints the metrics x plans table and writes a report folder "
                "(report.html, charts/*.png|svg, payouts.xlsx).", _COMPARE_EXAMPLE)
    p.add_argument("plans", nargs="+", metavar="PLAN", help="plan or scheme YAML files (or bundled plan names)")
    p.add_argument("--team", required=True, metavar="DATA", help="performance table, .csv or .xlsx")
    p.add_argument("--baseline", metavar="PLAN", help="plan the pay changes are measured against (default: the first)")
    p.add_argument("--scenarios", type=_bounded(1, MAX_SCENARIOS), metavar="N",
                   help="simulate N years by resampling the team's months (department-month bootstrap); "
                        "adds budget P10/P50/P90")
    p.add_argument("--seed", type=_seed, default=0, metavar="S", help="seed of the simulation (default 0)")
    p.add_argument("--report", required=True, metavar="DIR",
                   help="report folder to write; kpilab replaces only the files it wrote there before")
    p.add_argument("--force", action="store_true", help=_FORCE_HELP)
    _add_data_options(p, lang)
    p.add_argument("--lang", choices=("en", "ru"), default="en", help="language of the report (default en)")
    p.add_argument("--cost-band", type=_band, metavar="LOW,HIGH",
                   help="acceptable payroll/revenue, e.g. 0.03,0.09 (default: not assessed)")
    p.add_argument("--client", metavar="NAME", help="client's name, shown in the report's header")
    p.add_argument("--author", metavar="NAME", help="author, shown in the report's header")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="date of the report (default: today)")
    p.add_argument("--logo", metavar="FILE", help="logo image (PNG, JPEG or GIF), embedded in the report")
    p.add_argument("--slides", metavar="OUT.pptx", help="also write the analysts' slides (PowerPoint)")
    p.add_argument("--guarantee-months", type=_positive_int, default=3, metavar="N",
                   help="months of the transition guarantee priced under winners and losers (default 3)")
    p.add_argument("--predict", action="store_true",
                   help="add the predicted-behaviour section: what reps would do under each plan, the baseline "
                        "being the plan in force when the data was recorded (a model, not a forecast)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    p = command("simulate", cmd_simulate, "Generate a synthetic sales team (one row per rep per month) as CSV.",
                _SIMULATE_EXAMPLE)
    p.add_argument("--reps", type=_bounded(1, MAX_SIMULATED_ROWS), required=True, metavar="N",
                   help="number of reps")
    p.add_argument("--months", type=_bounded(1, 1200), default=12, metavar="M", help="number of months (default 12)")
    p.add_argument("--seed", type=_seed, default=None, metavar="S", help="seed (default: fresh randomness)")
    p.add_argument("--mix", metavar="ARCHETYPE=W,...",
                   help="archetype weights, e.g. star=0.1,laggard=0.2 (others 0; normalised)")
    p.add_argument("--start", default="2026-01", metavar="YYYY-MM", help="first month (default 2026-01)")
    p.add_argument("-o", "--output", help="CSV (or .xlsx) file to write (default: standard output)")

    p = command("lint", cmd_lint, "Find design problems in a plan: cliffs, flat zones, early caps, gates that "
                "zero the bonus, unlawful fines. Exit status 0 with or without findings.", _LINT_EXAMPLE)
    p.add_argument("plan", help="plan or scheme YAML file (or a bundled plan name)")
    p.add_argument("--team", metavar="DATA", help="performance table: also check caps and gates on real rows")
    _add_data_options(p, lang)
    p.add_argument("--lang", choices=("en", "ru"), default="en", help="language of the findings (default en)")

    p = command("demo", cmd_demo, "Compare the bundled plans on the bundled sample team with simulated years; "
                "writes reports/demo/ and prints the verdict.", _DEMO_EXAMPLE)
    p.add_argument("--scenarios", type=_bounded(1, MAX_SCENARIOS), default=200, metavar="N",
                   help="simulated years (default 200)")
    p.add_argument("--seed", type=_seed, default=0, metavar="S", help="seed (default 0)")
    p.add_argument("--report", default=os.path.join("reports", "demo"), metavar="DIR",
                   help="report folder (default reports/demo)")
    p.add_argument("--force", action="store_true", help=_FORCE_HELP)
    p.add_argument("--lang", choices=("en", "ru"), default="en", help="language of the report (default en)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    _add_consultant_commands(sub, lang)
    _add_optimize_command(sub, lang)
    _add_predict_command(sub, lang)
    return parser


class _Terminated(BaseException):
    """SIGTERM (or SIGHUP), raised in the main thread so that every ``finally`` removes its temporaries."""

    def __init__(self, signum: int = 15) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum: int, _frame: Any) -> None:
    _RECEIVED.append(signum)
    raise _Terminated(signum)


#: Commands whose standard output is data (CSV); it is passed on as it is unless it goes to a terminal.
_DATA_COMMANDS = frozenset({"payout", "simulate"})


class _PrintableStream:
    """A text stream that shows control characters as escapes (``\\x1b``) instead of sending them.

    A rep id or plan name holding ESC sequences would otherwise recolour or retitle
    the user's terminal, or hide text, when ``lint``, ``compare`` or an error prints it.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from ..errors import printable

        self._stream.write(printable(text, keep="\n\t"))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _say(text: str) -> None:
    """One message on standard error, control characters escaped, never raising."""
    from ..errors import printable

    try:
        print(printable(text, keep="\n"), file=sys.stderr, flush=True)
    except (OSError, ValueError):  # stderr closed: nothing more can be said
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    - 0: done; 2: bad input (one message naming file, row, rep, period,
      column or plan key path), nothing written;
    - 130: interrupted by Ctrl-C (SIGINT), one line; 143: terminated
      (SIGTERM; 129 for SIGHUP). Either way every temporary file or folder is
      removed first and no output is left half-written (outputs are renamed
      into place only when complete);
    - 1: an internal error (a bug in kpilab): one line, and the traceback with
      ``KPILAB_DEBUG=1``.
    """
    import signal
    import warnings

    previous: dict[int, Any] = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            previous[signum] = signal.signal(signum, _on_signal)
        except ValueError:  # not the main thread (an embedding application): leave its handlers alone
            break
    _RECEIVED.clear()
    try:
        sigint = signal.getsignal(signal.SIGINT)  # restored on the way out (main() may be called again)
        if previous and sigint is signal.default_int_handler:
            signal.signal(signal.SIGINT, _on_sigint)
    except ValueError:
        sigint = None
    debug = bool(os.environ.get("KPILAB_DEBUG"))
    try:
        with warnings.catch_warnings():
            if not debug:  # numpy/pandas warnings are for developers; a user gets one clear message
                warnings.simplefilter("ignore")
            return _main(argv)
    except KeyboardInterrupt:
        _ignore_interrupts()
        _clean_up()
        _say(_msg("errors.stopped", message=_msg("errors.interrupted")))
        return EXIT_INTERRUPTED
    except _Terminated as exc:
        _ignore_interrupts()
        _clean_up()
        _say(_msg("errors.stopped", message=_msg("errors.terminated")))
        return 128 + exc.signum
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if previous and sigint is not None:
            signal.signal(signal.SIGINT, sigint)


def _ignore_interrupts() -> None:
    """A second Ctrl-C while cleaning up must not leave a traceback (or the temporaries) behind."""
    import signal

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:
        pass


def _msg(key: str, **fields: Any) -> str:
    from ..i18n.messages import msg

    return msg(key, **fields)


def _clean_up() -> None:
    from ..safe_write import remove_temporaries

    remove_temporaries()


@functools.lru_cache(maxsize=4)
def _cached_parser(lang: str) -> argparse.ArgumentParser:
    """The parser in ``lang``, built once per process (building it costs more than most commands on a
    small table)."""
    return build_parser(lang)


def _main(argv: Sequence[str] | None) -> int:
    parser = _cached_parser(_help_lang(argv))
    stdout = sys.stdout
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 0
        if args.command not in _DATA_COMMANDS or getattr(stdout, "isatty", lambda: False)():
            sys.stdout = _PrintableStream(stdout)  # type: ignore[assignment]
        return args.func(args)
    except KpilabError as exc:
        _say(_msg("errors.prefix", message=str(exc)))
        return EXIT_BAD_INPUT
    except FileNotFoundError as exc:
        _say(_msg("errors.prefix", message=_msg("errors.no_such_file", path=str(exc.filename))))
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `kpilab payout ... | head`
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return 0
    except OSError as exc:  # a folder where a file should be, no permission, a full disk
        where = f"{exc.filename}: " if exc.filename else ""
        _say(_msg("errors.prefix", message=f"{where}{exc.strerror or exc}"))
        return EXIT_BAD_INPUT
    except MemoryError:
        _clean_up()
        _say(_msg("errors.prefix", message=_msg("errors.out_of_memory")))
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, _Terminated):
        raise
    except Exception as exc:  # a bug: one line, never a wall of traceback (KPILAB_DEBUG=1 shows it)
        if _RECEIVED:  # a signal arrived inside an import, which re-raised it as an ImportError
            import signal

            if _RECEIVED[-1] == signal.SIGINT:
                raise KeyboardInterrupt from None
            raise _Terminated(_RECEIVED[-1]) from None
        _clean_up()
        if os.environ.get("KPILAB_DEBUG"):
            raise
        _say(_msg("errors.internal", kind=type(exc).__name__, detail=" ".join(str(exc).split())[:200]))
        return EXIT_INTERNAL
    finally:
        sys.stdout = stdout
