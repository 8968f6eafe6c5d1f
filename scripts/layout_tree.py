"""Print kpilab's package tree, one line per module, described by the first line of its docstring.

``python scripts/layout_tree.py`` prints the tree that README.md's "Layout"
section shows; ``--write`` puts it there. tests/test_readme_layout.py checks
that the README lists every module that exists, and none that does not.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kpilab"
README = ROOT / "README.md"
WIDTH = 34  # where the descriptions start
#: Folders of data, not code, and what they hold.
DATA_FOLDERS = {"templates": "Jinja2 templates and CSS", "catalogs": "one YAML catalog per area and language (en/, ru/)"}
BEGIN, END = "<!-- layout-tree:begin -->", "<!-- layout-tree:end -->"


def summary(path: Path) -> str:
    """The first line of a module's docstring ('' when it has none)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def tree(folder: Path = PACKAGE, indent: str = "  ") -> list[str]:
    """The lines under ``folder``: modules first, then sub-packages, each sorted by name."""
    out: list[str] = []
    for path in sorted(folder.iterdir(), key=lambda p: (p.is_dir(), p.name)):
        if path.is_dir() and path.name in DATA_FOLDERS:
            out.append(f"{indent}{path.name}/".ljust(WIDTH) + DATA_FOLDERS[path.name])
        elif path.is_dir() and (path / "__init__.py").exists():
            out.append(f"{indent}{path.name}/".ljust(WIDTH) + summary(path / "__init__.py"))
            out += tree(path, indent + "  ")
        elif path.suffix == ".py" and path.name != "__init__.py":
            out.append(f"{indent}{path.name}".ljust(WIDTH) + summary(path))
    return out


def block() -> str:
    """The README block: the tree in a code fence between the two markers."""
    return "\n".join([BEGIN, "```text", "kpilab/" + " " * (WIDTH - 7) + summary(PACKAGE / "__init__.py"),
                      *tree(), "```", END])


def main(argv: list[str]) -> int:
    if "--write" in argv:
        text = README.read_text(encoding="utf-8")
        start, stop = text.index(BEGIN), text.index(END) + len(END)
        README.write_text(text[:start] + block() + text[stop:], encoding="utf-8")
    else:
        print(block())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
