"""Messages for a person at a terminal (errors, interruptions), in their language.

Errors are raised deep below any ``lang=`` argument, so their language is the
session's: the ``KPILAB_LANG`` environment variable (``en`` or ``ru``),
English by default. The words themselves live in ``catalogs/<lang>/errors.yaml``.

>>> msg("errors.interrupted")
'interrupted (Ctrl-C); no output was left half-written'
"""

from __future__ import annotations

import os

from . import LANGS, t

__all__ = ["message_lang", "msg"]


def message_lang() -> str:
    """The language of messages: ``KPILAB_LANG`` when it names one of :data:`LANGS`, else ``en``."""
    lang = os.environ.get("KPILAB_LANG", "").strip().lower()
    return lang if lang in LANGS else "en"


def msg(key: str, /, **fields: object) -> str:
    """The text of catalog ``key`` in :func:`message_lang`, fields filled in."""
    return t(key, message_lang(), **fields)
