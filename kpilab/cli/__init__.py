"""The ``kpilab`` command: argument parsing, exit codes and messages only.

Every input error (a bad plan, bad data, a missing file) prints one clear
message on standard error and exits with status 2, having written nothing.
"""

from __future__ import annotations

from .app import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TERMINATED, build_parser, main
from .common import UsageError, parse_mix, write_atomically

__all__ = ["main", "build_parser", "UsageError", "parse_mix", "write_atomically", "EXIT_BAD_INPUT",
           "EXIT_INTERNAL", "EXIT_INTERRUPTED", "EXIT_TERMINATED"]
