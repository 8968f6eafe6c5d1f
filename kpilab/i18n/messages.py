"""Messages for a person at a terminal (errors, interruptions), in their language.

Errors are raised deep below any ``lang=`` argument, so their language is the
session's: the language a caller set with :func:`messages_in` (the command
line does, from ``--lang``), else the ``KPILAB_LANG`` environment variable
(``en`` or ``ru``), English by default. The words themselves live in ``catalogs/<lang>/errors.yaml``.

>>> msg("errors.interrupted")
'interrupted (Ctrl-C); no output was left half-written'
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from . import LANGS, check_lang, t

__all__ = ["message_lang", "messages_in", "msg"]

_SESSION: ContextVar[str | None] = ContextVar("kpilab_message_lang", default=None)


@contextmanager
def messages_in(lang: str) -> Iterator[None]:
    """Within the block, messages are in ``lang`` (what ``kpilab … --lang ru`` asks for)."""
    check_lang(lang)
    token = _SESSION.set(lang)
    try:
        yield
    finally:
        _SESSION.reset(token)


def message_lang() -> str:
    """The language of messages: the one set by :func:`messages_in`, else ``KPILAB_LANG`` when it names one
    of :data:`LANGS`, else ``en``."""
    session = _SESSION.get()
    if session is not None:
        return session
    lang = os.environ.get("KPILAB_LANG", "").strip().lower()
    return lang if lang in LANGS else "en"


def msg(key: str, /, **fields: object) -> str:
    """The text of catalog ``key`` in :func:`message_lang`, fields filled in."""
    return t(key, message_lang(), **fields)
