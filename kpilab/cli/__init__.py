"""The ``kpilab`` command: argument parsing, exit codes and messages only.

Every input error (a bad plan, bad data, a missing file) prints one clear
message on standard error and exits with status 2, having written nothing.

:func:`main` is the light entry point (:mod:`kpilab.cli._entry`): it answers Ctrl-C and SIGTERM
before the libraries load. The other names load the parser and the commands on first use.
"""

from __future__ import annotations

import importlib

from ._entry import main

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .app import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TERMINATED, build_parser
    from .common import UsageError, parse_mix, write_atomically

_LAZY = {"build_parser": "app", "EXIT_BAD_INPUT": "app", "EXIT_INTERNAL": "app", "EXIT_INTERRUPTED": "app",
         "EXIT_TERMINATED": "app", "UsageError": "common", "parse_mix": "common", "write_atomically": "common"}

__all__ = ["main", *_LAZY]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'kpilab.cli' has no attribute '{name}'")
    return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
