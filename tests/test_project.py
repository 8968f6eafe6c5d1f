"""The project's own set-up: packaging, conda environment, CI script, README."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject_packages_and_pins() -> None:
    project = _pyproject()["project"]
    wanted = dict(_split(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_lines = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    got = dict(_split(d) for d in conda if _split(d)[0] not in ("python", "pip"))
    assert got == wanted
    assert "-e ." in pip_lines
    python_pin = next(d for d in conda if _split(d)[0] == "python")
    assert python_pin.replace("python", "") == project["requires-python"]


def test_console_script_and_module_entry_point() -> None:
    assert _pyproject()["project"]["scripts"]["kpilab"] == "kpilab.cli:main"
    out = subprocess.run([sys.executable, "-m", "kpilab", "--help"], capture_output=True, text=True, check=True)
    assert "payout" in out.stdout and "example" in out.stdout


def test_readme_opens_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    first_block = re.search(r"```(?:\w+)?\n(.*?)```", text, re.S)
    assert first_block, "README needs a code block with the two commands"
    assert first_block.group(1).split() == ["make", "demo", "make", "test"]
    # nothing but a title and one sentence before it
    assert text.index("```") < 600


def test_ci_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script
    assert "REQUIRE_BROWSER=1" in script
    assert "chromium" in script
