"""``python -m kpilab``: the same as the ``kpilab`` command.

Ctrl-C and SIGTERM are answered from this file's first line: SIGTERM through the interpreter's
builtin ``_signal`` (already loaded, so no import delays it), Ctrl-C by the ``except`` below, until
:func:`kpilab.cli.main` takes both over. ``import kpilab`` loads nothing heavy, so an interruption
at any moment is one line and exit 130 (143 for SIGTERM), never a traceback. (A signal during the
interpreter's own start-up, before any kpilab code runs, is Python's.)
"""

import _signal
import sys


class _Terminated(BaseException):
    """SIGTERM before the command line handles signals itself."""


def _on_sigterm(_signum, _frame):  # noqa: ANN001, ANN202 - typing is not imported here on purpose
    raise _Terminated


try:
    _signal.signal(_signal.SIGTERM, _on_sigterm)
    from .cli import main

    code = main()
except (KeyboardInterrupt, _Terminated) as exc:
    from .cli._entry import _stopped

    code = _stopped(_signal.SIGINT if isinstance(exc, KeyboardInterrupt) else _signal.SIGTERM)
sys.exit(code)
