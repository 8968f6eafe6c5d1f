"""No module of kpilab grows past 600 lines (issue 9): a file that long does several jobs, and a newcomer
cannot name the one to change in one guess. Split it by responsibility instead of raising the limit."""

from __future__ import annotations

from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kpilab"
LIMIT = 600


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_package_is_found() -> None:
    """The check below reads real modules (a wrong path would make it pass on nothing)."""
    modules = list(PACKAGE.rglob("*.py"))
    assert len(modules) > 100
    assert _lines(PACKAGE / "plan" / "kinds" / "_base.py") > 100


def test_no_module_over_600_lines() -> None:
    over = sorted((str(p.relative_to(PACKAGE.parent)), n) for p in PACKAGE.rglob("*.py")
                  if "__pycache__" not in p.parts and (n := _lines(p)) > LIMIT)
    assert not over, f"modules over {LIMIT} lines (split them by job): {over}"


@pytest.mark.parametrize("lines, too_long", [(LIMIT, False), (LIMIT + 1, True)])
def test_the_limit_is_inclusive(tmp_path: Path, lines: int, too_long: bool) -> None:
    """Exactly 600 lines is allowed, 601 is not."""
    module = tmp_path / "m.py"
    module.write_text("x = 1\n" * lines, encoding="utf-8")
    assert (_lines(module) > LIMIT) is too_long
