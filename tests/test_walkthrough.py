"""The README's walk-through, "From a client's Excel to a signed plan", run exactly as written.

The commands are parsed out of the README's ``bash`` block, so the README and this test cannot drift
apart; each runs as ``python -m kpilab …`` in a fresh folder holding a copy of ``data/``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
from pptx import Presentation

from kpilab import evaluate, load_plan
from kpilab.data.profiles import load_client_team, load_profile

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## From a client's Excel to a signed plan"


def readme_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line) for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_the_readme_block_is_the_walkthrough() -> None:
    commands = readme_commands()
    assert [c[:2] for c in commands] == [["kpilab", "inspect"], ["kpilab", "fit"], ["kpilab", "compare"],
                                         ["kpilab", "explain"], ["kpilab", "regulation"]]
    assert all("--lang" in c and c[c.index("--lang") + 1] == "ru" for c in commands)


def test_the_walkthrough_runs_from_a_clients_excel_to_a_signed_plan(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    outputs = {}
    for command in readme_commands():
        result = subprocess.run([sys.executable, "-m", "kpilab", *command[1:]], cwd=tmp_path, capture_output=True,
                                text=True, timeout=600, env=env)
        assert result.returncode == 0, (command, result.stderr)
        outputs[command[1]] = result.stdout

    profile = load_profile(tmp_path / "client.profile.yaml")
    assert profile.skip_rows == (21,) and profile.drop_blank_rows and profile.columns["Менеджер"] == "rep_id"
    assert "«Письма», «Повторные касания»" in outputs["fit"]

    team = load_client_team(tmp_path / "data" / "client_export.xlsx", profile)
    fitted = load_plan(tmp_path / "fitted.yaml")
    paid = evaluate(fitted, team).rounded().set_index(["rep_id", "period"])

    # the report folder: HTML and the XLSX of every payout
    assert (tmp_path / "report_ru" / "report.html").is_file()
    page = (tmp_path / "report_ru" / "report.html").read_text(encoding="utf-8")
    assert "ООО «Пример»" in page and "А. Петрова" in page
    workbook = openpyxl.load_workbook(tmp_path / "report_ru" / "payouts.xlsx", read_only=True)
    assert "Расчётные листки" in workbook.sheetnames
    petrova = [row for row in workbook["Расчётные листки"].iter_rows(values_only=True) if "Петрова Е." in row]
    assert petrova  # the named rep's statement is in the workbook

    # the slides: a title, the recommendation, the verdict as a native table, winners and losers
    deck = Presentation(str(tmp_path / "slides.pptx"))
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert len(deck.slides) >= 5 and any("ООО «Пример»" in text for text in texts)
    tables = [shape.table for slide in deck.slides for shape in slide.shapes if shape.has_table]
    assert any("Петрова Е." in cell.text for table in tables for row in table.rows for cell in row.cells)

    # the statement ends on the payout table's total (Петрова Е., February, fitted Balanced KPI version 3 on the
    # regenerated export: activity 1.1 x 4 500 + deals 2.0 x 4 500 + revenue 0.85606 x 36 000, see tests/analysis/test_fit.py)
    assert paid.loc[("Петрова Е.", "2026-02"), "total"] == 89_768.10
    assert outputs["explain"].strip().splitlines()[-1].startswith("Итого к выплате: 89\u00a0768,10\u00a0₽")

    document = docx.Document(str(tmp_path / "regulation.docx"))
    assert document.tables[0].rows[1].cells[1].text == "45\u00a0000\u00a0₽"
    assert "Положение о премировании работников отдела продаж" in [p.text for p in document.paragraphs]
    assert any("ООО «Пример»" in p.text for p in document.paragraphs)  # the employer named by --client
