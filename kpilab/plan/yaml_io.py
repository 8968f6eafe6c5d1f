"""Plan files: strict YAML 1.2 in, bounded; YAML out, atomic and keeping the file's comments.

Reading (issue 10, items 7, 9, 10, 14):

- **YAML 1.2 numbers and booleans** (the core schema), not PyYAML's YAML 1.1:
  ``017`` is 17, ``1e3`` is 1000, ``1:30`` is the text "1:30", ``NO``/``yes``/
  ``on`` are text, only ``true``/``false`` are booleans, and a date such as
  ``2026-01-01`` is text (a plan holds no dates).
- **Strict**: duplicate keys, keys that are lists or mappings (``? [a, b]``),
  merge keys (``<<``) and any tag beyond the core ones (``!!python/object``,
  ``!!timestamp``, ``!!binary``...) are errors; nothing in a plan builds objects.
- **Bounded**: the file size (:data:`MAX_PLAN_BYTES`), the nesting depth
  (:data:`MAX_DEPTH`, aliases included), the number of values once every
  alias is expanded (:data:`MAX_NODES`; a "billion laughs" file is refused
  before it is built) and the digits of one number (:data:`MAX_DIGITS`).
- Every problem is a :class:`~kpilab.errors.PlanError` located by line and column.

Writing: :func:`save_yaml` writes atomically (:mod:`kpilab.safe_write`) and,
when the file being replaced (or a ``template``) holds the same plan shape,
changes only the numbers and texts that differ, so its comments and layout stay.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from ..errors import PlanError
from ..i18n.messages import msg, os_reason, yaml_problem
from .model import Plan, Scheme

__all__ = ["load_plan", "read_plan_yaml", "save_yaml", "MAX_PLAN_BYTES", "MAX_DEPTH", "MAX_NODES", "MAX_DIGITS"]

#: A plan file larger than this is refused before it is read (the bundled plans are under 10 KB).
MAX_PLAN_BYTES: int = 2 * 2**20
#: Deepest nesting of lists and mappings, aliases included (a scheme needs about 12).
MAX_DEPTH: int = 64
#: Most values (scalars, lists, mappings) once every alias is expanded (the bundled plans hold < 600).
MAX_NODES: int = 100_000
#: Most digits in one number (a plan's largest sensible number has 13).
MAX_DIGITS: int = 40

_STR = "tag:yaml.org,2002:str"
_CORE_TAGS = frozenset({_STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                        "tag:yaml.org,2002:null", BaseResolver.DEFAULT_SEQUENCE_TAG,
                        BaseResolver.DEFAULT_MAPPING_TAG})


# --------------------------------------------------------------------------- YAML 1.2 core schema

class _CoreResolver(BaseResolver):
    """The YAML 1.2 core schema's implicit types (PyYAML only knows YAML 1.1's)."""

    yaml_implicit_resolvers: dict = {}


_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
for _tag, _pattern, _first in (
        ("tag:yaml.org,2002:bool", _BOOL, list("tTfF")),
        ("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""]),
        ("tag:yaml.org,2002:int", _INT, list("-+0123456789")),
        ("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789.")),
):
    _CoreResolver.add_implicit_resolver(_tag, _pattern, _first)


def _mark(node: Node) -> str:
    return msg("errors.yaml_where", line=node.start_mark.line + 1, column=node.start_mark.column + 1)




class _Problem(Exception):
    """A located problem found while reading (turned into a PlanError by :func:`_read_yaml`)."""

    def __init__(self, where: str, text: str) -> None:
        super().__init__(text)
        self.where = where
        self.text = text


class _PlanConstructor(SafeConstructor):
    """SafeConstructor limited to the core tags, with strict mappings and YAML 1.2 integers."""

    yaml_constructors: dict = {}

    def construct_plan_int(self, node: ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        if not _INT.match(text):  # an explicit !!int on text
            raise _Problem(_mark(node), msg("errors.yaml_bad_scalar", value=_short(text), tag=msg("yaml_errors.tag_int")))
        digits = len(re.sub(r"[^0-9a-fA-F]", "", text[2:] if text[:2] in ("0o", "0x") else text))
        if digits > MAX_DIGITS:
            raise _Problem(_mark(node), msg("errors.yaml_digits", digits=digits, limit=MAX_DIGITS))
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)  # YAML 1.2: "017" is 17, never octal

    def construct_plan_float(self, node: ScalarNode) -> float:
        text = str(self.construct_scalar(node))
        if not (_FLOAT.match(text) or _INT.match(text)):
            raise _Problem(_mark(node), msg("errors.yaml_bad_scalar", value=_short(text), tag=msg("yaml_errors.tag_float")))
        digits = len(re.sub(r"[^0-9]", "", text.split("e")[0].split("E")[0]))
        if digits > MAX_DIGITS:
            raise _Problem(_mark(node), msg("errors.yaml_digits", digits=digits, limit=MAX_DIGITS))
        return self.construct_yaml_float(node)

    def construct_plan_bool(self, node: ScalarNode) -> bool:
        text = str(self.construct_scalar(node))
        if not _BOOL.match(text):
            raise _Problem(_mark(node), msg("errors.yaml_bad_scalar", value=_short(text), tag=msg("yaml_errors.tag_bool")))
        return text.lower() == "true"

    def construct_plan_mapping(self, node: MappingNode) -> dict:
        out: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        pairs = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _Problem(_mark(key_node), msg("errors.yaml_complex_key"))
            if key_node.tag == "tag:yaml.org,2002:merge" or (key_node.value == "<<" and not key_node.style):
                raise _Problem(_mark(key_node), msg("errors.yaml_merge_key"))
            key = self.construct_object(key_node)
            if key in first_line:
                raise _Problem(_mark(key_node), msg("errors.yaml_duplicate_key", name=_short(key),
                                                    line=first_line[key] + 1))
            first_line[key] = key_node.start_mark.line
            pairs.append((key, value_node))
        yield out
        for key, value_node in pairs:
            out[key] = self.construct_object(value_node)

    def construct_unknown_tag(self, node: Node) -> Any:
        raise _Problem(_mark(node), msg("errors.yaml_tag", tag=_short(node.tag)))


_PlanConstructor.add_constructor("tag:yaml.org,2002:null", SafeConstructor.construct_yaml_null)
_PlanConstructor.add_constructor("tag:yaml.org,2002:bool", _PlanConstructor.construct_plan_bool)
_PlanConstructor.add_constructor("tag:yaml.org,2002:int", _PlanConstructor.construct_plan_int)
_PlanConstructor.add_constructor("tag:yaml.org,2002:float", _PlanConstructor.construct_plan_float)
_PlanConstructor.add_constructor(_STR, SafeConstructor.construct_yaml_str)
_PlanConstructor.add_constructor(BaseResolver.DEFAULT_SEQUENCE_TAG, SafeConstructor.construct_yaml_seq)
_PlanConstructor.add_constructor(BaseResolver.DEFAULT_MAPPING_TAG, _PlanConstructor.construct_plan_mapping)
_PlanConstructor.add_constructor(None, _PlanConstructor.construct_unknown_tag)


class _PlanLoader(Reader, Scanner, Parser, Composer, _PlanConstructor, _CoreResolver):
    """YAML 1.2 core schema, strict mappings, nesting depth bounded while composing."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _PlanConstructor.__init__(self)
        _CoreResolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()
                raise _Problem(msg("errors.yaml_where", line=event.start_mark.line + 1,
                                   column=event.start_mark.column + 1),
                               msg("errors.yaml_depth", limit=MAX_DEPTH))
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


try:  # libyaml's C parser, 20x faster; it refuses nesting beyond 1,000 levels itself
    from yaml._yaml import CParser as _CParser

    class _CPlanLoader(_CParser, _PlanConstructor, _CoreResolver):  # type: ignore[misc, valid-type]
        """The same reader on libyaml's parser; depth is checked on the composed nodes."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _PlanConstructor.__init__(self)
            _CoreResolver.__init__(self)

    _FAST_LOADER: type | None = _CPlanLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _FAST_LOADER = None


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_expansion(root: Node) -> None:
    """Refuse a document whose aliases expand past :data:`MAX_NODES` values or :data:`MAX_DEPTH`
    levels, or refer to themselves, measured on the node graph (shared nodes counted once per use)
    without building anything; iterative, so a long chain of aliases cannot exhaust the stack."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    pending: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        nid = id(node)
        if finished:
            kids = _children(node)
            size[nid] = 1 + sum(size[id(k)] for k in kids)
            depth[nid] = 1 + max((depth[id(k)] for k in kids), default=0)
            pending.discard(nid)
            if size[nid] > MAX_NODES:
                raise _Problem(_mark(node), msg("errors.yaml_aliases", limit=f"{MAX_NODES:,}"))
            if depth[nid] > MAX_DEPTH:
                raise _Problem(_mark(node), msg("errors.yaml_depth", limit=MAX_DEPTH))
            continue
        if nid in size:
            continue
        if nid in pending:
            raise _Problem(_mark(node), msg("errors.yaml_alias_loop"))
        pending.add(nid)
        stack.append((node, True))
        stack.extend((k, False) for k in _children(node) if id(k) not in size)


def _check_tags(root: Node) -> None:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag not in _CORE_TAGS:
            if node.tag == "tag:yaml.org,2002:merge":
                raise _Problem(_mark(node), msg("errors.yaml_merge_key"))
            raise _Problem(_mark(node), msg("errors.yaml_tag", tag=_short(node.tag)))
        stack.extend(_children(node))


def _short(value: object, limit: int = 60) -> str:
    text = str(value).replace("tag:yaml.org,2002:", "!!")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def read_plan_yaml(text: str, source: str | None = None) -> Any:
    """Plan YAML text -> plain data (dicts, lists, str, int, float, bool, None).

    Raises
    ------
    PlanError
        Located by line and column: invalid YAML, a character YAML forbids, a
        duplicate, complex or merge key, a tag, too deep, too many values once
        aliases are expanded, a number with too many digits.
    """
    loader: Any = None
    try:
        loader = (_FAST_LOADER or _PlanLoader)(text)  # the reader checks every character at once
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        _check_tags(node)
        return loader.construct_document(node)
    except _Problem as exc:
        raise PlanError([(exc.where, exc.text)], source=source) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = msg("errors.yaml_where", line=mark.line + 1, column=mark.column + 1) if mark else ""
        what = " ".join(str(exc.problem or exc.context or "").split())
        raise PlanError([(where, msg("errors.yaml_invalid", problem=yaml_problem(what)))], source=source) from None
    except yaml.reader.ReaderError as exc:  # a control character or an invalid code point
        where = msg("errors.yaml_where", line=text.count("\n", 0, exc.position) + 1,
                    column=exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1)
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise PlanError([(where, msg("errors.yaml_character", char=char))], source=source) from None
    except yaml.YAMLError as exc:
        raise PlanError([("", msg("errors.yaml_invalid", problem=yaml_problem(" ".join(str(exc).split()))))],
                        source=source) from None
    finally:
        if loader is not None:
            loader.dispose()


# kept for callers of the old name
def _read_yaml(text: str, source: str | None) -> Any:
    return read_plan_yaml(text, source)


# --------------------------------------------------------------------------- writing

def dump_yaml(data: Mapping[str, Any]) -> str:
    """Plan-format data as YAML text that reads back the same under the YAML 1.2 reader above."""
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)


def _scalar_text(value: Any) -> str | None:
    """One scalar as YAML 1.2 flow text; None for anything else."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, str):
        import json

        return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    return None


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return old == new
    return type(old) is type(new) and old == new


def _patches(node: Node, old: Any, new: Any, out: list[tuple[int, int, str]], seen: set[int]) -> bool:
    """Text replacements turning the template (``node``/``old``) into ``new``; False when the shapes differ."""
    if id(node) in seen:  # an alias: patching the anchor would change every use
        return _same_tree(old, new)
    seen.add(id(node))
    if isinstance(node, MappingNode):
        if not isinstance(new, Mapping) or not isinstance(old, Mapping) or set(new) - set(old):
            return False
        for (_, value_node), (key, old_value) in zip(node.value, old.items()):
            if key in new and not _patches(value_node, old_value, new[key], out, seen):
                return False
        return True  # keys the new data leaves out keep their text; the result is verified below
    if isinstance(node, SequenceNode):
        if not isinstance(new, list) or not isinstance(old, list) or len(new) != len(old):
            return False
        return all(_patches(n, o, v, out, seen) for n, o, v in zip(node.value, old, new))
    if _same(old, new):
        return True
    text = _scalar_text(new)
    if text is None or node.style in ("|", ">"):
        return False
    out.append((node.start_mark.index, node.end_mark.index, text))
    return True


def _same_tree(old: Any, new: Any) -> bool:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return set(old) == set(new) and all(_same_tree(old[k], new[k]) for k in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_same_tree(a, b) for a, b in zip(old, new))
    return _same(old, new)


def _header(text: str) -> str:
    """The comment lines (and blank lines) that open a YAML text."""
    lines = []
    for line in text.splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def _rebuild(obj: Plan | Scheme, data: Any) -> Plan | Scheme | None:
    try:
        if not isinstance(data, Mapping):
            return None
        return Scheme.from_dict(data) if "scheme" in data else Plan.from_dict(data)
    except (PlanError, OSError):
        return None


def _keep_comments(obj: Plan | Scheme, template: str, fresh: str) -> str:
    """``obj`` written over ``template``: the template with only the changed values replaced, when that
    reads back as exactly ``obj``; else the fresh dump under the template's opening comments."""
    data = obj.to_dict()
    try:
        loader = _PlanLoader(template)
        try:
            node = loader.get_single_node()
            if node is None:
                raise _Problem("", "")
            _check_expansion(node)
            old = loader.construct_document(node)
        finally:
            loader.dispose()
        out: list[tuple[int, int, str]] = []
        if _patches(node, old, data, out, set()):
            text = template
            for start, end, new in sorted(out, reverse=True):
                text = text[:start] + new + text[end:]
            if _rebuild(obj, read_plan_yaml(text)) == obj:
                return text
    except (yaml.YAMLError, _Problem, PlanError, RecursionError):
        pass
    header = _header(template)
    return (header + ("" if not header or header.endswith("\n") else "\n") + fresh) if header else fresh


def save_yaml(obj: Plan | Scheme, path: str | Path | None = None, *, template: str | Path | None = None) -> str:
    """A plan or scheme as YAML text, written atomically to ``path`` when given.

    The text keeps the comments and layout of a template: ``template`` (YAML
    text, or the file a plan came from), else the file at ``path`` being
    replaced. Only the values that changed are rewritten, provided the result
    reads back as exactly ``obj``; when the shape changed (a component added,
    a key removed), the plan is written afresh under the template's opening
    comment block.

    Raises
    ------
    kpilab.safe_write.OutputError
        ``path`` is a folder, a device, read-only, or in a missing folder.
    """
    from ..safe_write import check_output_path, write_text_atomically

    fresh = dump_yaml(obj.to_dict())
    source_text: str | None = None
    if isinstance(template, Path) or (isinstance(template, str) and "\n" not in template
                                      and template.endswith((".yaml", ".yml"))):
        source_text = _template_text(Path(template))
    elif isinstance(template, str):
        source_text = template
    elif path is not None:
        target = check_output_path(path)
        source_text = _template_text(target)
    text = _keep_comments(obj, source_text, fresh) if source_text else fresh
    if path is not None:
        write_text_atomically(path, text)
    return text


def _template_text(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_PLAN_BYTES:
            return None
        return _decode(path.read_bytes(), str(path))
    except (OSError, PlanError):
        return None


def _dump_yaml(data: dict[str, Any], path: str | Path | None) -> str:
    """Old entry point: ``data`` as YAML, written atomically to ``path`` when given."""
    text = dump_yaml(data)
    if path is not None:
        from ..safe_write import write_text_atomically

        write_text_atomically(path, text)
    return text


# --------------------------------------------------------------------------- loading

def _decode(raw: bytes, source: str | None = None) -> str:
    """Plan text: UTF-8 (with or without BOM), else Windows-1251, which Russian editors often save."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanError([("", msg("errors.plan_utf16"))], source=source)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1251")
    except UnicodeDecodeError as exc:  # a byte Windows-1251 does not define (0x98)
        raise PlanError([("", msg("errors.plan_encoding", byte=f"0x{raw[exc.start]:02X}",
                                  offset=exc.start))], source=source) from None


def _read_file(path: Path, label: str) -> str:
    import stat as stat_mod

    try:
        info = path.stat()
        if stat_mod.S_ISDIR(info.st_mode):
            raise PlanError([("", msg("errors.plan_is_folder"))], source=label)
        if not stat_mod.S_ISREG(info.st_mode):
            raise PlanError([("", msg("errors.plan_not_regular"))], source=label)
        if info.st_size > MAX_PLAN_BYTES:
            raise PlanError([("", msg("errors.plan_too_big", size=f"{info.st_size / 2**20:,.1f}",
                                      limit=f"{MAX_PLAN_BYTES / 2**20:,.0f}"))], source=label)
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanError([("", msg("errors.plan_unreadable", reason=os_reason(exc)))],
                        source=label) from None
    return _decode(raw, label)


def load_plan(source: str | Path | Mapping[str, Any]) -> Plan | Scheme:
    """Load a plan or a scheme from a YAML file, YAML text, or a mapping.

    Parameters
    ----------
    source
        A path to a ``.yaml``/``.yml`` file, YAML text, or a plan-format mapping.

    Returns
    -------
    Plan or Scheme
        A scheme when the mapping has a ``scheme`` key; plan versions over time
        (:class:`~kpilab.plan.versions.PlanVersions`) when it has a ``versions`` key.

    Raises
    ------
    PlanError
        Every problem found, each with its key path (and the file); a YAML
        problem with its line and column.
    """
    base_dir: Path | None = None
    label: str | None = None
    if isinstance(source, Mapping):
        data: Any = source
    else:
        text_source = str(source)
        is_path = isinstance(source, Path) or ("\n" not in text_source and text_source.endswith((".yaml", ".yml")))
        if is_path:
            path = Path(source)
            label = str(source)
            text = _read_file(path, label)
            base_dir = path.parent
        else:
            text = text_source
            if len(text) > MAX_PLAN_BYTES:
                raise PlanError([("", msg("errors.plan_too_big", size=f"{len(text) / 2**20:,.1f}",
                                          limit=f"{MAX_PLAN_BYTES / 2**20:,.0f}"))])
        data = read_plan_yaml(text, label)
    if isinstance(data, Mapping) and "scheme" in data:
        return Scheme.from_dict(data, source=label, base_dir=base_dir)
    if isinstance(data, Mapping) and "versions" in data:  # plan versions over time (additions, 1.3)
        from .versions import PlanVersions

        return PlanVersions.from_dict(data, source=label, base_dir=base_dir)
    if not isinstance(data, Mapping):
        raise PlanError([("", msg("plan_errors.file_not_mapping"))], source=label)
    return Plan.from_dict(data, source=label)
