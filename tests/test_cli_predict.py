"""``kpilab predict``: the team table with ranges and the assumptions in words; bad input exits 2, writes nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kpilab.cli import main

BALANCED = "data/plans/balanced_kpi.yaml"
TIERED = "data/plans/tiered_commission.yaml"


@pytest.fixture(scope="module")
def small_team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import kpilab

    path = tmp_path_factory.mktemp("team") / "team.csv"
    kpilab.make_team(8, 4, seed=2).to_csv(path, index=False)
    return path


def test_predict_prints_the_table_and_writes_the_report(small_team: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "out"
    code = main(["predict", TIERED, "--baseline", BALANCED, "--team", str(small_team), "--scenarios", "8",
                 "--seed", "1", "--report", str(folder), "--lang", "ru"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Выручка:" in out and "модель, а не прогноз" in out and "₽" in out
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == ["attainment.csv", "bunching.csv", "effort.csv",
                                                         "per_rep.csv", "sensitivity.csv", "summary.txt",
                                                         "team.csv", "thresholds.csv", "timing.csv",
                                                         "verdict.csv"]
    team = pd.read_csv(folder / "team.csv", index_col=0)
    assert (team["low"] <= team["predicted"] + 1e-6).all() and (team["predicted"] <= team["high"] + 1e-6).all()
    assert (folder / "summary.txt").read_text(encoding="utf-8").strip() == out.strip()


def test_predict_in_english(small_team: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["predict", TIERED, "--baseline", BALANCED, "--team", str(small_team), "--scenarios", "4"]) == 0
    out = capsys.readouterr().out
    assert "Revenue:" in out and "model, not a forecast" in out


@pytest.mark.parametrize("args", [
    ["--baseline", BALANCED, "--team", "missing.csv"],
    ["--baseline", "no_such_plan.yaml", "--team", "TEAM"],
    ["--baseline", BALANCED, "--team", "TEAM", "--scenarios", "0"],
])
def test_bad_input_exits_2_and_writes_nothing(small_team: Path, tmp_path: Path, args: list[str]) -> None:
    folder = tmp_path / "out"
    args = [str(small_team) if a == "TEAM" else a for a in args]
    assert main(["predict", TIERED, *args, "--report", str(folder)]) == 2
    assert not folder.exists()


def test_team_without_a_metric_names_the_file(small_team: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.csv"
    pd.read_csv(small_team).drop(columns="meetings").to_csv(broken, index=False)
    assert main(["predict", TIERED, "--baseline", BALANCED, "--team", str(broken), "--report",
                 str(tmp_path / "out")]) == 2
    assert "broken.csv" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
