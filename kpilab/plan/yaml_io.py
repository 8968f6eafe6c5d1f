"""Plan files: strict YAML in (duplicate keys and object tags refused), YAML out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import PlanError
from .model import Plan, Scheme

# --------------------------------------------------------------------------- YAML

class _StrictLoader(yaml.SafeLoader):
    """yaml's SafeLoader (no object-building tags), and duplicate keys are an error."""


def _mapping_no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}' (first on line {seen[key] + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_no_duplicates)


def _read_yaml(text: str, source: str | None) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        what = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in (exc.problem or ""):
            what = f"{exc.problem}: plan files may not contain tags that build objects; nothing in a plan is run"
        raise PlanError([(where, what)], source=source) from None
    except yaml.YAMLError as exc:
        raise PlanError([("", f"invalid YAML: {exc}")], source=source) from None


def _dump_yaml(data: dict[str, Any], path: str | Path | None) -> str:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def _decode(raw: bytes) -> str:
    """Plan text: UTF-8 (with or without BOM), else Windows-1251, which Russian editors often save."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251")


def load_plan(source: str | Path | Mapping[str, Any]) -> Plan | Scheme:
    """Load a plan or a scheme from a YAML file, YAML text, or a mapping.

    Parameters
    ----------
    source
        A path to a ``.yaml``/``.yml`` file, YAML text, or a plan-format mapping.

    Returns
    -------
    Plan or Scheme
        A scheme when the mapping has a ``scheme`` key.

    Raises
    ------
    PlanError
        Every problem found, each with its key path (and the file).
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
            try:
                text = _decode(path.read_bytes())
            except OSError as exc:
                raise PlanError([("", f"cannot read plan file: {exc.strerror}")], source=label) from None
            base_dir = path.parent
        else:
            text = text_source
        data = _read_yaml(text, label)
    if isinstance(data, Mapping) and "scheme" in data:
        return Scheme.from_dict(data, source=label, base_dir=base_dir)
    if not isinstance(data, Mapping):
        raise PlanError([("", "a plan file must hold a mapping (name, base, components, ...)")], source=label)
    return Plan.from_dict(data, source=label)
