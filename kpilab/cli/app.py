"""The command line's entry point: the parser of every command, exit codes, signals, one-line errors."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Sequence
from typing import Any

from ..errors import KpilabError
from .common import (metavars,
    _add_data_options,
    _band,
    _bounded,
    _formatter,
    _help_lang,
    _on_sigint,
    _Parser,
    _positive_int,
    _RECEIVED,
    _seed,
    _t,
    MAX_SCENARIOS,
    add_command,
    localise,
    MAX_SIMULATED_ROWS,
)
from .compare import cmd_compare, cmd_demo
from .consultant import _add_consultant_commands
from .optimize import _add_optimize_command
from .pay import (
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
#: The commands shown, with one example each, at the end of ``kpilab --help``.
_OVERVIEW = ("payout", "validate", "explain", "compare", "simulate", "lint", "demo")


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser, every help text in ``lang`` (``--lang``, else ``KPILAB_LANG``, else English)."""
    lang = lang or _help_lang(None)
    examples = "\n".join("  " + _t(f"cli.{name}.example", lang) for name in _OVERVIEW)
    parser = _Parser(prog="kpilab", description=_t("cli.description", lang), add_help=False,
                     epilog=_t("cli.examples", lang) + "\n" + examples, formatter_class=_formatter(lang))
    localise(parser, lang)
    parser.add_argument("--version", action="version", version=f"kpilab {__import__('kpilab').__version__}",
                        help=_t("cli.version", lang))
    sub = parser.add_subparsers(dest="command", metavar=_t("cli.metavar.command", lang), parser_class=_Parser,
                                title=_t("cli.commands", lang))

    m = metavars(lang)

    def lang_option(p: argparse.ArgumentParser, key: str = "cli.arg.lang") -> None:
        p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t(key, lang))

    p = add_command(sub, "payout", cmd_payout, lang)
    p.add_argument("plan", metavar=m("plan"), help=_t("cli.arg.plan", lang))
    p.add_argument("data", metavar=m("data"), help=_t("cli.arg.data_table", lang))
    p.add_argument("-o", "--output", metavar=m("csv"), help=_t("cli.payout.output", lang))
    lang_option(p)
    _add_data_options(p, lang)

    p = add_command(sub, "validate", cmd_validate, lang)
    p.add_argument("plan", metavar=m("plan"), help=_t("cli.arg.plan", lang))
    lang_option(p)

    p = add_command(sub, "explain", cmd_explain, lang)
    p.add_argument("plan", metavar=m("plan"), help=_t("cli.arg.plan", lang))
    p.add_argument("data", metavar=m("data"), help=_t("cli.arg.data_table", lang))
    p.add_argument("--rep", required=True, metavar=m("rep"), help=_t("cli.explain.rep", lang))
    p.add_argument("--period", required=True, metavar=m("period"), help=_t("cli.explain.period", lang))
    p.add_argument("--scenario", default=None, metavar=m("n"), help=_t("cli.explain.scenario", lang))
    lang_option(p, "cli.explain.lang")
    p.add_argument("--detail", action="store_true", help=_t("cli.explain.detail", lang))
    _add_data_options(p, lang)

    p = add_command(sub, "compare", cmd_compare, lang)
    p.add_argument("plans", nargs="+", metavar=m("plans"), help=_t("cli.compare.plans", lang))
    p.add_argument("--team", required=True, metavar=m("data"), help=_t("cli.arg.data_table", lang))
    p.add_argument("--baseline", metavar=m("plan"), help=_t("cli.compare.baseline", lang))
    p.add_argument("--scenarios", type=_bounded(1, MAX_SCENARIOS), metavar=m("n"),
                   help=_t("cli.compare.scenarios", lang))
    p.add_argument("--seed", type=_seed, default=0, metavar=m("seed"), help=_t("cli.compare.seed", lang))
    p.add_argument("--report", required=True, metavar=m("dir"), help=_t("cli.compare.report", lang))
    p.add_argument("--force", action="store_true", help=_t("cli.arg.force", lang))
    _add_data_options(p, lang)
    lang_option(p, "cli.arg.report_lang")
    p.add_argument("--cost-band", type=_band, metavar=m("band"), help=_t("cli.compare.cost_band", lang))
    p.add_argument("--client", metavar=m("name"), help=_t("cli.compare.client", lang))
    p.add_argument("--author", metavar=m("name"), help=_t("cli.compare.author", lang))
    p.add_argument("--date", metavar=m("date"), help=_t("cli.compare.date", lang))
    p.add_argument("--logo", metavar=m("file"), help=_t("cli.compare.logo", lang))
    p.add_argument("--slides", metavar=m("pptx"), help=_t("cli.compare.slides", lang))
    p.add_argument("--guarantee-months", type=_positive_int, default=3, metavar=m("n"),
                   help=_t("cli.compare.guarantee_months", lang))
    p.add_argument("--predict", action="store_true", help=_t("cli.compare.predict", lang))
    p.add_argument("-q", "--quiet", action="store_true", help=_t("cli.arg.quiet", lang))

    p = add_command(sub, "simulate", cmd_simulate, lang)
    p.add_argument("--reps", type=_bounded(1, MAX_SIMULATED_ROWS), required=True, metavar=m("n"),
                   help=_t("cli.simulate.reps", lang))
    p.add_argument("--months", type=_bounded(1, 1200), default=12, metavar=m("n"), help=_t("cli.simulate.months", lang))
    p.add_argument("--seed", type=_seed, default=None, metavar=m("seed"), help=_t("cli.simulate.seed", lang))
    p.add_argument("--mix", metavar=m("mix"), help=_t("cli.simulate.mix", lang))
    p.add_argument("--start", default="2026-01", metavar=m("month"), help=_t("cli.simulate.start", lang))
    p.add_argument("-o", "--output", metavar=m("csv"), help=_t("cli.simulate.output", lang))
    lang_option(p)

    p = add_command(sub, "lint", cmd_lint, lang)
    p.add_argument("plan", metavar=m("plan"), help=_t("cli.arg.plan", lang))
    p.add_argument("--team", metavar=m("data"), help=_t("cli.lint.team", lang))
    _add_data_options(p, lang)
    lang_option(p, "cli.lint.lang")

    p = add_command(sub, "demo", cmd_demo, lang)
    p.add_argument("--scenarios", type=_bounded(1, MAX_SCENARIOS), default=200, metavar=m("n"),
                   help=_t("cli.demo.scenarios", lang))
    p.add_argument("--seed", type=_seed, default=0, metavar=m("seed"), help=_t("cli.arg.seed", lang))
    p.add_argument("--report", default=os.path.join("reports", "demo"), metavar=m("dir"),
                   help=_t("cli.demo.report", lang))
    p.add_argument("--force", action="store_true", help=_t("cli.arg.force", lang))
    lang_option(p, "cli.arg.report_lang")
    p.add_argument("-q", "--quiet", action="store_true", help=_t("cli.arg.quiet", lang))

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
    """Run the command line; returns the exit status. Messages are in the language of ``--lang``
    (else ``KPILAB_LANG``, else English).

    - 0: done; 2: bad input (one message naming file, row, rep, period,
      column or plan key path), nothing written;
    - 130: interrupted by Ctrl-C (SIGINT), one line; 143: terminated
      (SIGTERM; 129 for SIGHUP). Either way every temporary file or folder is
      removed first and no output is left half-written (outputs are renamed
      into place only when complete);
    - 1: an internal error (a bug in kpilab): one line, and the traceback with
      ``KPILAB_DEBUG=1``.
    """
    from ..i18n.messages import messages_in

    with messages_in(_help_lang(argv)):
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    """:func:`main` in the messages' language."""
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
    from ..safe_write import before_publish

    before_publish(_stop_if_signalled)
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
            code = _main(argv)
            _stop_if_signalled()
            return code
    except KeyboardInterrupt:
        _ignore_interrupts()
        _clean_up()
        _say(_stopped_line("errors.interrupted", signal.SIGINT))
        return EXIT_INTERRUPTED
    except _Terminated as exc:
        _ignore_interrupts()
        _clean_up()
        _say(_stopped_line("errors.terminated", exc.signum))
        return 128 + exc.signum
    finally:
        _RECEIVED.clear()  # a later write in this process (an API call after main()) is not this run's
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if previous and sigint is not None:
            signal.signal(signal.SIGINT, sigint)


def _stop_if_signalled() -> None:
    """Raise the interruption again when a signal came but something on its way swallowed it."""
    if _RECEIVED:
        import signal

        if _RECEIVED[-1] == signal.SIGINT:
            raise KeyboardInterrupt
        raise _Terminated(_RECEIVED[-1])


def _stopped_line(key: str, signum: int) -> str:
    """The one line of an interruption. A signal that came inside an import can leave a library the
    catalogs need (PyYAML) half-loaded: then the signal's name says it, never a traceback."""
    try:
        return _msg("errors.stopped", message=_msg(key))
    except Exception:
        import signal

        return f"kpilab: {signal.Signals(signum).name}"


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
        _say(_msg("errors.prefix", message=f"{where}{os_reason(exc)}"))
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
