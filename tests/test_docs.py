"""The in-repo plan format is the published contract, word for word, plus additions."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "design" / "plan-format.md"


def test_plan_format_keeps_the_contract_and_only_adds() -> None:
    ours = (ROOT / "docs" / "plan-format.md").read_text()
    assert "## 10. Additions by kpilab" in ours
    contract_part = ours.split("\n## 10. Additions by kpilab")[0]
    assert "## 9. Worked examples (must hold to the cent)" in contract_part
    if not SHARED.exists():
        pytest.skip("no ../shared beside this clone: the published contract is not here to compare")
    assert contract_part.rstrip() == SHARED.read_text().rstrip()
