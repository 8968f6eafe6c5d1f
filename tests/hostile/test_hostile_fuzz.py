"""Fuzz the two readers a stranger's file reaches first: the YAML plan reader and the CSV team reader.

Whatever the bytes, ``kpilab payout`` ends in one of two ways: exit 0 with every amount a finite
number, or exit 2 with one message that starts ``kpilab: error:``; never a traceback, never an
internal error. Each reader gets at least 2,000 generated inputs (in-process calls of
``kpilab.cli.main``, derandomised so that CI is reproducible; about half a minute for both).
"""

from __future__ import annotations

import csv
import io
import math
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpilab.data.team
import kpilab.plan
from kpilab.cli import main

from hostile_inputs import PLANS, small_rows, write_small_team

EXAMPLES = 2000
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
KEYS = ("rep_id", "period", "role", "team", "scenario")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def assert_clean_outcome(code: int, out: str, err: str) -> None:
    """Exit 0 with finite money, or exit 2 with one located message; never a traceback."""
    assert "Traceback" not in err and "internal error" not in err, err
    assert code in (0, 2), (code, err)
    if code == 2:
        assert err.startswith("kpilab: error:") and out == "", err
        return
    rows = list(csv.reader(io.StringIO(out)))
    header = rows[0]
    money = [i for i, c in enumerate(header) if c not in KEYS]
    assert header[-1] == "total", out  # a table of headers only pays no one: an empty payout table
    for row in rows[1:]:
        assert math.isfinite(float(row[-1])), row  # a scheme leaves a role's missing components empty
        assert all(math.isfinite(float(row[i])) for i in money if row[i] != ""), row


# --------------------------------------------------------------------------- plans

TOKENS = ["0", "1", "017", "0o17", "0x1F", "1e3", "1.0e+308", "1e400", "-1", "1.5", ".inf", "-.inf", ".nan", "~",
          "null", "NO", "yes", "on", "off", "true", "false", "1:30", "1_000", "12,5", "2026-01-01", "''", '""',
          "[]", "{}", "[1, 2]", "[[0.5, 0], [1, 1]]", "*a", "&a 1", "!!python/object:os.system", "!!int x",
          "!!binary aGk=", "!!timestamp 2026-01-01", "<<", "? [a, b]", "|", ">", "\x1b[31m", "\u202e", "\t",
          "9" * 60, "0.000001", "1e-300", "all", "base", "revenue", "rеvenue", "bonus", "attainment", "value"]
PLAN_KEYS = ["name", "base", "target_bonus", "targets", "components", "gates", "modifiers", "limits",
             "currency", "description", "kind", "metric", "share", "amount", "curve", "points", "steps",
             "extend", "basis", "rate", "tiers", "from", "cap", "per_unit", "free", "applies_to", "when",
             "at_least", "variable_cap", "floor", "scheme", "plans", "kpis", "weight", "<<", "junior", "NO"]
BUNDLED = sorted(PLANS.glob("*.yaml"))
BUNDLED_TEXT = [p.read_text(encoding="utf-8") for p in BUNDLED]


@st.composite
def mutated_plan(draw: st.DrawFn) -> str:
    """A bundled plan with a few lines' values replaced, text inserted or lines dropped."""
    lines = draw(st.sampled_from(BUNDLED_TEXT)).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["value", "insert", "drop", "indent", "chars"]))
        line = lines[i]
        if action == "value" and ":" in line:
            lines[i] = line.split(":", 1)[0] + ": " + draw(st.sampled_from(TOKENS))
        elif action == "insert":
            lines.insert(i, " " * draw(st.integers(0, 6)) + draw(st.sampled_from(PLAN_KEYS)) + ": "
                         + draw(st.sampled_from(TOKENS)))
        elif action == "drop":
            del lines[i]
        elif action == "indent":
            lines[i] = " " * draw(st.integers(0, 3)) + line
        else:
            pos = draw(st.integers(0, len(line)))
            lines[i] = line[:pos] + draw(st.text(max_size=6)) + line[pos:]
        if not lines:
            lines = ["name: x"]
    return "\n".join(lines) + "\n"


def _render(value: object, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        return "".join(f"\n{pad}{k}: {_render(v, indent + 2)}" for k, v in value.items()) or "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v, indent) for v in value) + "]"
    return str(value)


yaml_values = st.recursive(st.sampled_from(TOKENS),
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(st.sampled_from(PLAN_KEYS), inner, max_size=4)),
                           max_leaves=12)


@st.composite
def generated_plan(draw: st.DrawFn) -> str:
    data = draw(st.dictionaries(st.sampled_from(PLAN_KEYS), yaml_values, min_size=1, max_size=8))
    return _render(data, 0).lstrip("\n") + "\n"


plan_texts = st.one_of(mutated_plan(), generated_plan(), st.text(max_size=200))


@pytest.fixture(scope="module")
def small_team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small_team(tmp_path_factory.mktemp("team") / "team.csv")


def test_fuzz_yaml_plan_reader(small_team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = tmp_path / "plan.yaml"
    # the team is the same every time: read it once (its own reader is fuzzed below)
    team = kpilab.data.team.load_team(small_team, empty_metrics_ok=True)
    monkeypatch.setattr(kpilab.data.team, "load_team", lambda *a, **k: team)
    seen = {"inputs": 0, "ok": 0}

    @SETTINGS
    @given(text=plan_texts)
    def one(text: str) -> None:
        seen["inputs"] += 1
        plan.write_bytes(text.encode("utf-8", errors="replace"))
        code, out, err = run("payout", str(plan), str(small_team))
        assert_clean_outcome(code, out, err)
        seen["ok"] += code == 0

    one()
    assert seen["inputs"] >= EXAMPLES
    assert seen["ok"] > 0, "no generated plan was valid: the fuzz only exercised the error paths"


# --------------------------------------------------------------------------- team tables

REQUIRED = ["rep_id", "period", "calls", "meetings", "emails", "follow_ups", "deals", "revenue"]
OPTIONAL = ["role", "team", "plan_revenue", "plan_deals", "base", "target_bonus", "scenario", "notes", "",
            "rеvenue", "calls", "Итого", "crm_quality"]
CELLS = ["0", "1", "7", "800", "20", "1148442.0", "1148442", "12 500", "12\u00a0500", "12500,5", "12,500",
         "1.234", "0.633", "", " ", "nan", "NaN", "inf", "-inf", "-1", "1e400", "1e-320", "1e15", "=1+1",
         "+1", "-", "—", "@SUM(A1)", "\x1b[31mR01", "\u202eR01", '"', '""', "a,b", "a;b", "Итого", "R01",
         "R08", "2026-01", "2026-02", "2026-1", "junior", "senior", "85%", "12 500 ₽", "0x10", "1_000",
         "9" * 40, "true", "\t", "R01\r", "2026-01-01"]


@st.composite
def team_bytes(draw: st.DrawFn) -> bytes:
    optional = draw(st.lists(st.sampled_from(OPTIONAL), max_size=3))
    dropped = draw(st.sets(st.sampled_from(REQUIRED), max_size=1)) if draw(st.booleans()) else set()
    header = [c for c in REQUIRED if c not in dropped] + optional
    header = draw(st.permutations(header))
    sample = small_rows()
    n_rows = draw(st.integers(0, 6))
    rows = []
    for r in range(n_rows):
        base = dict(zip(sample[0], sample[1 + r % 6]))
        row = [base.get(c, "1") for c in header]
        for _ in range(draw(st.integers(0, 3))):
            if row:
                row[draw(st.integers(0, len(row) - 1))] = draw(st.sampled_from(CELLS) | st.text(max_size=5))
        if draw(st.integers(0, 9)) == 0:
            row = row + ["extra"] if draw(st.booleans()) else row[:-1]
        rows.append(row)
    sep = draw(st.sampled_from([",", ";", "\t"]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))

    def cell(text: str) -> str:
        return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(ch in text for ch in (sep, '"', "\n", "\r")) else text

    text = end.join(sep.join(cell(c) for c in row) for row in [header, *rows]) + end
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]))
    return text.encode(encoding, errors="replace")


def test_fuzz_csv_team_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = PLANS / "balanced_kpi.yaml"
    # the plan is the same every time: read it once (its own reader is fuzzed above)
    parsed = kpilab.plan.load_plan(plan)
    monkeypatch.setattr(kpilab.plan, "load_plan", lambda *a, **k: parsed)
    team = tmp_path / "team.csv"
    seen = {"inputs": 0, "ok": 0}

    @SETTINGS
    @given(raw=team_bytes())
    def one(raw: bytes) -> None:
        seen["inputs"] += 1
        team.write_bytes(raw)
        code, out, err = run("payout", str(plan), str(team))
        assert_clean_outcome(code, out, err)
        seen["ok"] += code == 0

    one()
    assert seen["inputs"] >= EXAMPLES
    assert seen["ok"] > 0, "no generated table was valid: the fuzz only exercised the error paths"
