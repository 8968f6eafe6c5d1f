"""One vocabulary: every user-facing word lives in kpilab/i18n/catalogs; code holds none."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "kpilab"
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def test_no_russian_letter_outside_the_catalogs() -> None:
    """grep for Cyrillic in kpilab/ outside kpilab/i18n/ finds nothing: not in code, strings or docstrings."""
    found = []
    scanned = 0
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in {".py", ".html", ".css", ".j2", ".jinja", ".txt", ".json", ".yaml"} or "i18n" in path.parts:
            continue
        scanned += 1
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if CYRILLIC.search(line):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()[:80]}")
    assert scanned > 100, f"only {scanned} files scanned: is the package where this test looks?"
    assert not found, "Russian words outside kpilab/i18n/:\n" + "\n".join(found)
