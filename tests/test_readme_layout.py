"""README's "Layout" tree lists every module of kpilab, and no module that is gone: it cannot go stale."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kpilab"
DATA_FOLDERS = {"templates", "catalogs"}


def _readme_tree() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- layout-tree:begin -->\n```text\n(.*?)\n```\n<!-- layout-tree:end -->", text, re.S)
    assert match, "README.md has no layout tree between the layout-tree markers"
    return match.group(1).splitlines()


def _listed() -> set[str]:
    """Paths the README names, rebuilt from the tree's indentation (two spaces a level)."""
    out: set[str] = set()
    stack: list[str] = []
    for line in _readme_tree()[1:]:  # the first line is kpilab/ itself
        depth = (len(line) - len(line.lstrip(" "))) // 2 - 1
        name = line.split()[0]
        del stack[depth:]
        out.add("/".join([*stack, name.rstrip("/")]))
        if name.endswith("/"):
            stack.append(name.rstrip("/"))
    return out


def _existing() -> set[str]:
    out: set[str] = set()
    for path in PACKAGE.rglob("*"):
        rel = path.relative_to(PACKAGE)
        if "__pycache__" in rel.parts or any(part in DATA_FOLDERS for part in rel.parts[:-1]):
            continue
        if path.is_dir() and ((path / "__init__.py").exists() or path.name in DATA_FOLDERS):
            out.add(rel.as_posix())
        elif path.suffix == ".py" and path.name != "__init__.py":
            out.add(rel.as_posix())
    return out


def test_the_readme_tree_lists_every_module_that_exists() -> None:
    listed, existing = _listed(), _existing()
    assert len(existing) > 100, "is the package where this test looks?"
    missing, gone = sorted(existing - listed), sorted(listed - existing)
    assert not missing and not gone, (f"README layout tree is stale (run python scripts/layout_tree.py --write): "
                                      f"missing {missing}, gone {gone}")


def test_every_module_says_what_it_holds() -> None:
    """Each line of the tree carries the module's docstring summary: a module without one is named."""
    bare = [line.split()[0] for line in _readme_tree() if len(line.split()) < 2]
    assert not bare, f"modules without a docstring: {bare}"
