"""The ``kpilab`` command's first code: Ctrl-C and SIGTERM are answered before the heavy libraries load.

The command imports pandas, numpy and matplotlib, which takes a second or more. A Ctrl-C in that
time would otherwise end in a KeyboardInterrupt traceback and a SIGTERM would kill the process
silently. Here nothing heavy is imported until the signals are handled: either signal, at any
moment, prints one line and exits with 130 (SIGINT) or 143 (SIGTERM; 129 for SIGHUP). Once the
real command line (:func:`kpilab.cli.app.main`) runs, it takes over the signals and cleans up its
temporaries before it answers the same way.
"""

from __future__ import annotations

import signal
import sys

TYPE_CHECKING = False  # typing is not imported: every module loaded here delays the signal handling
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = ["main"]

_TERMINATING = ("SIGTERM", "SIGHUP")


class _Stopped(BaseException):
    """A terminating signal that arrived before the command line took the signals over."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum: int, _frame: Any) -> None:
    raise _Stopped(signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kpilab`` command (the console script and ``python -m kpilab``); returns the exit status.

    The exit statuses are those of :func:`kpilab.cli.app.main`; an interruption while the libraries
    load gives the same one line and status as one during the work.
    """
    previous: dict[int, Any] = {}
    try:
        try:
            for name in _TERMINATING:
                signum = getattr(signal, name, None)
                if signum is not None:
                    previous[signum] = signal.signal(signum, _on_signal)
        except ValueError:  # not the main thread (an embedding application): its signals are its own
            pass
        try:
            from .app import main as run

            return run(argv)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    except KeyboardInterrupt:
        return _stopped(signal.SIGINT)
    except _Stopped as exc:
        return _stopped(exc.signum)


def _stopped(signum: int) -> int:
    """Say in one line that the command stopped (nothing was written yet), and return 128 + ``signum``."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the message
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    except ValueError:
        pass
    try:
        from ..i18n.messages import msg

        key = "errors.interrupted" if signum == signal.SIGINT else "errors.terminated"
        text = msg("errors.stopped", message=msg(key))
    except Exception:  # the catalogs themselves could not load: the signal's name still says it
        text = f"kpilab: {signal.Signals(signum).name}"
    try:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return 128 + signum
