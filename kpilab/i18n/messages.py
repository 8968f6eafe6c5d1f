"""Messages for a person at a terminal (errors, interruptions), in their language.

Errors are raised deep below any ``lang=`` argument, so their language is the
session's: the ``KPILAB_LANG`` environment variable (``en`` or ``ru``),
English by default. The words themselves live in the catalogs: ``errors.yaml`` (the CLI's
frame and the place of a problem), ``plan_errors.yaml`` (a plan's problems after their key path),
``data_errors.yaml`` (a team table's), ``yaml_errors.yaml`` (what a YAML parser found),
``os_errors.yaml`` (what the system refused) and ``output_errors.yaml`` (an output not written).
English keeps the words it always had, the system's and the parsers' included; every other
language gets the catalog's, never a library's English.
A caller that knows its reader's language (the dashboard, for one page's
upload) says it for a block of work with :func:`messages_in`.

>>> msg("errors.interrupted")
'interrupted (Ctrl-C); no output was left half-written'
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from . import LANGS, check_lang, t

__all__ = ["message_lang", "messages_in", "msg", "os_reason", "yaml_problem", "names_list", "number_word"]

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
    """The text of catalog ``key`` in :func:`message_lang`, fields filled in.

    A text is always formatted, with or without fields, so a plan-format shape such as ``{{from, rate}}``
    is written the same way in every message.
    """
    text = t(key, message_lang(), **fields)
    return text if fields else text.format()


def number_word(value: float) -> str:
    """A number that is not finite, for a message: Python's ``inf``/``nan`` in English, words otherwise."""
    if message_lang() == "en":
        return str(value)
    if value != value:
        return msg("errors.not_a_number_value")
    return ("-" if value < 0 else "") + msg("errors.infinity")


def names_list(names: object) -> str:
    """Names a reader types as written (plan keys, columns, sheets, roles), one after another: plain in
    English, each in the language's quotes otherwise (``«bonus», «scorecard»``)."""
    items = [str(n) for n in names]  # type: ignore[attr-defined]
    if message_lang() == "en":
        return ", ".join(items)
    return ", ".join(msg("plan_errors.quoted", value=n) for n in items)


# errno -> catalog key of os_errors.yaml (the same words whatever the platform's own strerror says)
_ERRNO_KEYS = {
    errno.ENOENT: "not_found", errno.EACCES: "no_access", errno.EPERM: "no_access", errno.EISDIR: "is_folder",
    errno.ENOTDIR: "not_folder", errno.ENOSPC: "no_space", errno.EROFS: "read_only", errno.ENAMETOOLONG: "name_too_long",
    errno.EEXIST: "exists", errno.ELOOP: "link_loop", errno.EMFILE: "too_many_open", errno.ENFILE: "too_many_open",
    errno.EIO: "io", errno.EBUSY: "busy", errno.ETXTBSY: "busy", errno.EINVAL: "invalid", errno.EXDEV: "cross_device",
    errno.ENOTEMPTY: "not_empty", errno.EFBIG: "too_big", errno.EDQUOT: "no_space", errno.ENXIO: "no_device",
    errno.ENODEV: "no_device", errno.EAGAIN: "busy",
}
_CLASS_KEYS = ((FileNotFoundError, "not_found"), (PermissionError, "no_access"), (IsADirectoryError, "is_folder"),
               (NotADirectoryError, "not_folder"), (FileExistsError, "exists"))


def os_reason(exc: BaseException) -> str:
    """Why the operating system refused, in words of the messages' language.

    In English it is the system's own words (``No such file or directory``), as before; in any other
    language the words of ``os_errors.yaml`` chosen by the error's number or class, never the system's
    English.

    >>> with messages_in("ru"):
    ...     os_reason(FileNotFoundError(2, "No such file or directory"))
    'файл не найден'
    """
    if message_lang() == "en":
        return getattr(exc, "strerror", None) or str(exc)
    key = _ERRNO_KEYS.get(getattr(exc, "errno", None) or -1)
    if key is None:
        key = next((k for cls, k in _CLASS_KEYS if isinstance(exc, cls)), None)
    if key is not None:
        return msg("os_errors." + key)
    code = getattr(exc, "errno", None)
    return msg("os_errors.other_code", code=code) if code else msg("os_errors.other")


# PyYAML's and libyaml's problem sentences -> catalog keys (yaml_errors.yaml): a Russian reader never sees the
# parser's English. First match wins; anything else gets the generic sentence, the line and column still given.
_YAML_PROBLEMS = (
    (r"',' or '\]'", "unclosed_list"), (r"',' or '\}'", "unclosed_map"),
    (r"expected key|<block end>", "indent"), (r"node content", "no_value"), (r"'-' indicator", "dash"),
    (r"<document start>|expected a single document", "many_documents"),
    (r"mapping values are not allowed", "colon_here"), (r"cannot start any token", "bad_start"),
    (r"could not find expected ':'", "no_colon"), (r"end of stream", "unclosed_quote"),
    (r"undefined alias", "undefined_alias"), (r"duplicate anchor", "duplicate_anchor"),
    (r"escape", "escape"), (r"alphabetic or numeric", "anchor_name"), (r"tab", "tab"),
    (r"sequence entries are not allowed", "dash_here"), (r"comment or (a )?line break", "trailing"),
    (r"unexpected ':'", "stray_colon"), (r"document separator", "separator"),
    (r"chomping|indentation indicator", "block_scalar"), (r"directive|%YAML|%TAG|URI", "directive"),
)


def yaml_problem(text: str) -> str:
    """The parser's sentence ``text`` in the messages' language: as PyYAML wrote it in English, else
    the catalog's sentence for it (never the parser's English)."""
    if message_lang() == "en":
        return text
    key = next((k for pattern, k in _YAML_PROBLEMS if re.search(pattern, text, re.IGNORECASE)), "other")
    return msg("yaml_errors." + key)
