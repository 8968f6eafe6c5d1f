"""Messages for a person at a terminal (errors, interruptions), in their language.

Errors are raised deep below any ``lang=`` argument, so their language is the
session's: the ``KPILAB_LANG`` environment variable (``en`` or ``ru``),
English by default. The words themselves live in ``catalogs/<lang>/errors.yaml``.
A caller that knows its reader's language (the dashboard, for one page's
upload) says it for a block of work with :func:`messages_in`.

>>> msg("errors.interrupted")
'interrupted (Ctrl-C); no output was left half-written'
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from . import LANGS, t

__all__ = ["message_lang", "messages_in", "msg"]

_FORCED: ContextVar[str | None] = ContextVar("kpilab_message_lang", default=None)


@contextmanager
def messages_in(lang: str) -> Iterator[None]:
    """Within the block (this thread or task only), messages are in ``lang`` whatever ``KPILAB_LANG`` says.

    >>> with messages_in("ru"):
    ...     message_lang()
    'ru'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    token = _FORCED.set(lang)
    try:
        yield
    finally:
        _FORCED.reset(token)


def message_lang() -> str:
    """The language of messages: the one :func:`messages_in` set, else ``KPILAB_LANG`` when it names one
    of :data:`LANGS`, else ``en``."""
    forced = _FORCED.get()
    if forced is not None:
        return forced
    lang = os.environ.get("KPILAB_LANG", "").strip().lower()
    return lang if lang in LANGS else "en"


def msg(key: str, /, **fields: object) -> str:
    """The text of catalog ``key`` in :func:`message_lang`, fields filled in."""
    return t(key, message_lang(), **fields)
