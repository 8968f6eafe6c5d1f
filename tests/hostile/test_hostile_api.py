"""Hostile input through the Python API (issue 10, items 6, 8, 12, 13): what the CLI corpus cannot reach."""

from __future__ import annotations

import dataclasses
import os
import pathlib

import pandas as pd
import pytest

import kpilab
from kpilab.errors import DataError, PlanError, mixed_script, printable
from kpilab.plan import set_at
from kpilab.safe_write import TEMP_MARK, OutputError

from hostile_inputs import PLANS, small_rows

BALANCED = PLANS / "balanced_kpi.yaml"


def small_team() -> pd.DataFrame:
    rows = small_rows()
    return kpilab.validate_team(pd.DataFrame(rows[1:], columns=rows[0]), whole_as_int=True)


# --------------------------------------------------------------------------- item 8: plan saves

def test_saving_a_tuned_plan_keeps_the_files_comments_and_changes_only_its_numbers(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "plan.yaml"
    original = BALANCED.read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    tuned = set_at(set_at(kpilab.load_plan(path), "base", 47000), "components[1].curve.points[1][1]", 1.25)
    tuned.to_yaml(path)
    saved = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(original.splitlines(), saved.splitlines()) if a != b]
    assert changed == [("base: 45000", "base: 47000"),
                       ("    curve: {points: [[4, 0.25], [8, 1.0], [12, 2.0]]}",
                        "    curve: {points: [[4, 0.25], [8, 1.25], [12, 2.0]]}")]
    assert kpilab.load_plan(path) == tuned


def test_a_plan_of_another_shape_keeps_the_opening_comments(tmp_path: pathlib.Path) -> None:
    plan = kpilab.load_plan(BALANCED)
    other = dataclasses.replace(plan, limits=dataclasses.replace(plan.limits, variable_cap_share=None))
    text = other.to_yaml(template=BALANCED)
    assert text.startswith("# Balanced KPI matrix")
    assert kpilab.load_plan(text) == other


def test_a_failed_plan_save_leaves_the_old_plan_and_no_temporary(tmp_path: pathlib.Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(BALANCED.read_text(encoding="utf-8"), encoding="utf-8")
    before = path.read_bytes()
    real_write = pathlib.Path.write_text

    def disk_full(self: pathlib.Path, text: str, *args: object, **kwargs: object) -> int:
        real_write(self, text[:100], *args, **kwargs)
        raise OSError(28, "No space left on device", str(self))

    monkeypatch.setattr(pathlib.Path, "write_text", disk_full)
    with pytest.raises(OutputError, match="No space left") as err:
        set_at(kpilab.load_plan(BALANCED), "base", 1).to_yaml(path)
    assert TEMP_MARK not in str(err.value)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["plan.yaml"]


def test_a_plan_saved_through_a_symlink_updates_its_target(tmp_path: pathlib.Path) -> None:
    (tmp_path / "plans").mkdir()
    target = tmp_path / "plans" / "real.yaml"
    target.write_text(BALANCED.read_text(encoding="utf-8"), encoding="utf-8")
    link = tmp_path / "link.yaml"
    os.symlink(target, link)
    tuned = set_at(kpilab.load_plan(link), "base", 50000)
    tuned.to_yaml(link)
    assert link.is_symlink() and kpilab.load_plan(target) == tuned


def test_a_plan_is_never_saved_over_a_read_only_file(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("name: locked\n", encoding="utf-8")
    path.chmod(0o444)
    with pytest.raises(OutputError, match="read-only"):
        kpilab.load_plan(BALANCED).to_yaml(path)
    assert path.read_text(encoding="utf-8") == "name: locked\n"


# --------------------------------------------------------------------------- items 6, 13: numbers

@pytest.mark.parametrize("column, values", [
    ("revenue", lambda s: s.astype(float).astype(complex) + 1j),
    ("calls", lambda s: pd.to_timedelta(s.astype(int), unit="s")),
    ("calls", lambda s: pd.Series([pd.Timedelta(seconds=int(v)) for v in s], dtype=object)),
])
def test_complex_numbers_and_durations_are_not_numbers(column: str, values) -> None:
    team = small_team()
    team[column] = values(team[column])
    with pytest.raises(DataError, match=f"row 2, rep R01, period 2026-01, column {column}: .* is not a number"):
        kpilab.evaluate(kpilab.load_plan(BALANCED), team)


def test_pay_that_overflows_names_rep_period_and_component() -> None:
    team = small_team()
    team["plan_deals"] = team["plan_deals"].astype(float)
    team.loc[4, "plan_deals"] = 1e-320
    with pytest.raises(DataError) as err:
        kpilab.evaluate(kpilab.load_plan(PLANS / "roles_scheme.yaml"), team)
    assert (err.value.rep, err.value.period, err.value.column) == ("R08", "2026-02", "deals_bonus")
    assert "inf" in str(err.value)


def test_pay_beyond_exact_kopecks_is_refused_not_rounded_wrong() -> None:
    plan = kpilab.load_plan({"name": "commission", "base": 0, "target_bonus": 0, "limits": {"floor": None},
                             "components": [{"name": "c", "kind": "commission", "metric": "revenue", "rate": 1}]})
    team = pd.DataFrame({"rep_id": ["A", "B"], "period": ["2026-01"] * 2, "revenue": [9.1e13, 9.0e13]})
    with pytest.raises(DataError, match="rep A, period 2026-01, column c: .*kopeck"):
        kpilab.evaluate(plan, team)
    ok = kpilab.evaluate(plan, team.iloc[1:])
    assert ok.rounded()["total"].iloc[0] == 9.0e13


@pytest.mark.parametrize("text, problem", [
    ("name: x\nbase: 1e13\n", r"base: 10000000000000 is beyond kpilab's limit of 1e\+12"),
    ("name: x\ntarget_bonus: -.inf\n", "beyond kpilab's limit"),
    ("name: x\ntargets: {calls: 0.0000001}\n", "below kpilab's smallest target"),
])
def test_plan_numbers_that_would_overflow_pay_are_refused(text: str, problem: str) -> None:
    with pytest.raises(PlanError, match=problem):
        kpilab.load_plan(text)


def test_plans_are_yaml_1_2() -> None:
    plan = kpilab.load_plan("name: NO\nbase: 017\ntarget_bonus: 1e3\ndescription: 1:30\ncurrency: yes\n")
    assert (plan.name, plan.base, plan.target_bonus, plan.description, plan.currency) == (
        "NO", 17.0, 1000.0, "1:30", "yes")


# --------------------------------------------------------------------------- items 12, 14: text

def test_control_characters_are_shown_never_sent() -> None:
    assert printable("R01\x1b[31m\x07\u202e\x9b") == "R01\\x1b[31m\\x07\\u202e\\x9b"
    assert printable("a\nb\tc", keep="\n") == "a\nb\\x09c"
    err = DataError("bad", rep="\x1b]0;owned\x07", column="calls")
    assert "\x1b" not in str(err) and "\\x1b]0;owned\\x07" in str(err)


def test_mixed_latin_and_cyrillic_names_are_found() -> None:
    assert mixed_script("r\u0435venue") == ("revenue", "\u0435", 2)
    assert mixed_script("\u043f\u0440\u0435\u043c\u0438\u044f") is None  # all Cyrillic is a fine name
    assert mixed_script("revenue") is None


def test_an_empty_scenario_number_is_refused_even_when_empty_metrics_are_allowed() -> None:
    """Found by the fuzz: the CLI's empty_metrics_ok made an empty scenario an int64 of -2**63."""
    team = pd.DataFrame({"rep_id": ["A", "B"], "period": ["2026-01"] * 2, "scenario": ["1", ""],
                         "calls": ["1", "2"]})
    with pytest.raises(DataError, match="row 3, rep B, period 2026-01, column scenario: empty cell"):
        kpilab.validate_team(team, empty_metrics_ok=True)
