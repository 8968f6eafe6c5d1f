"""Fuzz the two readers a stranger's file reaches first: the YAML plan reader and the CSV team reader.

Whatever the bytes, the reader either returns a plan or table that pays finite money, or raises one
kpilab error (which the command line prints as one ``kpilab: error:`` line with exit 2); never any
other exception, never ``inf`` or ``NaN`` pay. Each reader gets at least 2,000 generated inputs,
counted as they run.

Cheap per input, so that both fit in well under a minute on a loaded machine:

- the reader functions are called in-process (:func:`kpilab.load_plan` on the text,
  :func:`kpilab.load_team` on the file); every input that reads is also paid
  (:func:`kpilab.evaluate`) and its money checked;
- hypothesis draws one seed per input and the input is built from it with :class:`random.Random`
  (a composite strategy of some fifty draws cost more than the reading itself); derandomised, no
  example database, no deadline, so CI runs the same inputs every time; a failure prints the input;
- the first inputs of each outcome also go through the whole command (``kpilab payout``,
  in-process), checking the exit status, the one line on standard error and the finite CSV.
"""

from __future__ import annotations

import csv
import io
import math
import os
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpilab
from kpilab.cli import main
from kpilab.errors import KpilabError, PlanError, printable

from hostile_inputs import PLANS, small_rows, write_small_team

EXAMPLES = 2000
CLI_SAMPLE = 15  # inputs of each outcome (read / refused) also run through `kpilab payout`, per reader
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
SEEDS = st.integers(min_value=0, max_value=2**63 - 1)
KEYS = ("rep_id", "period", "role", "team", "scenario")

# Characters for inserted text: YAML and CSV syntax, controls, bidi and zero-width marks, Cyrillic
# look-alikes, a surrogate-free mix of other scripts.
ODD_CHARS = (list(":-?[]{},&*!|>'\"%@`#;\t\r\n\\=+ .0123456789eE_") + ["\x00", "\x07", "\x1b", "\x7f", "\x85",
             "\x9b", "\u00a0", "\u200b", "\u202e", "\u2066", "\ufeff", "\u0435", "\u0430", "\u0440", "\u0456",
             "\u20bd", "\U0001f600", "\u4e2d", "\u05d0"])


def odd_text(rnd: random.Random, max_size: int) -> str:
    return "".join(rnd.choice(ODD_CHARS) if rnd.random() < 0.6 else chr(rnd.randrange(0x20, 0x2FF))
                   for _ in range(rnd.randint(0, max_size)))


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


def assert_finite_money(payouts: kpilab.Payouts) -> None:
    table = payouts.rounded()
    money = [c for c in table.columns if c not in KEYS and pd.api.types.is_numeric_dtype(table[c].dtype)]
    assert "total" in money and np.isfinite(table["total"].to_numpy(dtype=float)).all(), table
    values = table[money].to_numpy(dtype=float)
    assert not np.isinf(values).any(), table  # NaN only where a scheme's role has no such component


def assert_one_error(exc: KpilabError) -> None:
    """One message: a table's on one line; a plan's on one line, or a count and one indented line per
    problem; no control character sent raw (item 12)."""
    text = str(exc)
    assert text.strip() and printable(text, keep="\n") == text, repr(text)
    lines = text.split("\n")
    if isinstance(exc, PlanError) and len(lines) > 1:
        assert lines[0].endswith("problems in plan:") and all(ln.startswith("  ") for ln in lines[1:]), text
    else:
        assert len(lines) == 1, text


# --------------------------------------------------------------------------- plans

TOKENS = ["0", "1", "017", "0o17", "0x1F", "1e3", "1.0e+308", "1e400", "-1", "1.5", ".inf", "-.inf", ".nan", "~",
          "null", "NO", "yes", "on", "off", "true", "false", "1:30", "1_000", "12,5", "2026-01-01", "''", '""',
          "[]", "{}", "[1, 2]", "[[0.5, 0], [1, 1]]", "*a", "&a 1", "!!python/object:os.system", "!!int x",
          "!!binary aGk=", "!!timestamp 2026-01-01", "<<", "? [a, b]", "|", ">", "\x1b[31m", "\u202e", "\t",
          "9" * 60, "0.000001", "1e-300", "all", "base", "revenue", "r\u0435venue", "bonus", "attainment", "value"]
PLAN_KEYS = ["name", "base", "target_bonus", "targets", "components", "gates", "modifiers", "limits",
             "currency", "description", "kind", "metric", "share", "amount", "curve", "points", "steps",
             "extend", "basis", "rate", "tiers", "from", "cap", "per_unit", "free", "applies_to", "when",
             "at_least", "variable_cap", "floor", "scheme", "plans", "kpis", "weight", "<<", "junior", "NO"]
BUNDLED_TEXT = [p.read_text(encoding="utf-8") for p in sorted(PLANS.glob("*.yaml"))]


def mutated_plan(rnd: random.Random) -> str:
    """A bundled plan with a few lines' values replaced, text inserted, lines dropped or re-indented."""
    lines = rnd.choice(BUNDLED_TEXT).splitlines()
    for _ in range(rnd.randint(1, 4)):
        i = rnd.randrange(len(lines))
        action = rnd.choice(["value", "value", "insert", "drop", "indent", "chars"])
        line = lines[i]
        if action == "value" and ":" in line:
            lines[i] = line.split(":", 1)[0] + ": " + rnd.choice(TOKENS)
        elif action == "insert":
            lines.insert(i, " " * rnd.randint(0, 6) + rnd.choice(PLAN_KEYS) + ": " + rnd.choice(TOKENS))
        elif action == "drop":
            del lines[i]
        elif action == "indent":
            lines[i] = " " * rnd.randint(0, 3) + line
        else:
            pos = rnd.randint(0, len(line))
            lines[i] = line[:pos] + odd_text(rnd, 6) + line[pos:]
        if not lines:
            lines = ["name: x"]
    return "\n".join(lines) + "\n"


def _value(rnd: random.Random, depth: int) -> object:
    roll = rnd.random()
    if depth >= 3 or roll < 0.5:
        return rnd.choice(TOKENS)
    if roll < 0.75:
        return [_value(rnd, depth + 1) for _ in range(rnd.randint(0, 4))]
    return {rnd.choice(PLAN_KEYS): _value(rnd, depth + 1) for _ in range(rnd.randint(0, 4))}


def _render(value: object, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        return "".join(f"\n{pad}{k}: {_render(v, indent + 2)}" for k, v in value.items()) or "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v, indent) for v in value) + "]"
    return str(value)


def generated_plan(rnd: random.Random) -> str:
    data = {rnd.choice(PLAN_KEYS): _value(rnd, 0) for _ in range(rnd.randint(1, 8))}
    return _render(data, 0).lstrip("\n") + "\n"


def plan_text(seed: int) -> str:
    rnd = random.Random(seed)
    roll = rnd.random()
    if roll < 0.65:
        return mutated_plan(rnd)
    if roll < 0.9:
        return generated_plan(rnd)
    return odd_text(rnd, 200)


@pytest.fixture
def fast_tmp(tmp_path: Path) -> Iterator[Path]:
    """A folder in memory (/dev/shm) when there is one: on a busy disk writing the input file cost more
    than reading it (6 ms against 0.2 ms a file, measured under load)."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="kpilab-fuzz-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def small_team_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small_team(tmp_path_factory.mktemp("team") / "team.csv")


class Tally:
    """One fuzz input judged end to end, and the counts that show the fuzz reaches every outcome.

    :meth:`judge` reads the input (a kpilab error: "refused", checked to be one clean error), pays what
    was read (a kpilab error is allowed, e.g. a scheme whose roles the team lacks; else the money must be
    finite: "paid"), and runs the first :data:`CLI_SAMPLE` inputs of each outcome through the command.
    """

    def __init__(self) -> None:
        self.seen = {"inputs": 0, "read": 0, "refused": 0, "paid": 0, "cli": 0}

    def judge(self, read: Callable[[], Any], pay: Callable[[Any], kpilab.Payouts],
              command: Callable[[], tuple[int, str, str]]) -> None:
        self.seen["inputs"] += 1
        try:
            got = read()
        except KpilabError as exc:
            assert_one_error(exc)
            outcome = "refused"
        else:
            outcome = "read"
            try:
                payouts = pay(got)
            except KpilabError as exc:
                assert_one_error(exc)
            else:
                assert_finite_money(payouts)
                self.seen["paid"] += 1
        self.seen[outcome] += 1
        if self.seen[outcome] <= CLI_SAMPLE:  # the whole command, for the first inputs of each outcome
            assert_clean_outcome(*command())
            self.seen["cli"] += 1

    def check(self) -> None:
        seen = self.seen
        assert seen["inputs"] >= EXAMPLES, seen
        assert seen["paid"] >= 50 and seen["refused"] >= 500, f"the fuzz no longer reaches both outcomes: {seen}"
        assert seen["cli"] == 2 * CLI_SAMPLE, seen


def test_fuzz_yaml_plan_reader(small_team_file: Path, fast_tmp: Path) -> None:
    team = kpilab.load_team(small_team_file, empty_metrics_ok=True)
    plan_file = fast_tmp / "plan.yaml"
    tally = Tally()

    @SETTINGS
    @given(seed=SEEDS)
    def one(seed: int) -> None:
        text = plan_text(seed)

        def command() -> tuple[int, str, str]:
            plan_file.write_bytes(text.encode("utf-8", errors="surrogatepass"))
            return run("payout", str(plan_file), str(small_team_file))

        tally.judge(lambda: kpilab.load_plan(text), lambda plan: kpilab.evaluate(plan, team), command)

    one()
    tally.check()


# --------------------------------------------------------------------------- team tables

REQUIRED = ["rep_id", "period", "calls", "meetings", "emails", "follow_ups", "deals", "revenue"]
OPTIONAL = ["role", "team", "plan_revenue", "plan_deals", "base", "target_bonus", "scenario", "notes", "",
            "r\u0435venue", "calls", "\u0418\u0442\u043e\u0433\u043e", "crm_quality"]
CELLS = ["0", "1", "7", "800", "20", "1148442.0", "1148442", "12 500", "12\u00a0500", "12500,5", "12,500",
         "1.234", "0.633", "", " ", "nan", "NaN", "inf", "-inf", "-1", "1e400", "1e-320", "1e15", "=1+1",
         "+1", "-", "\u2014", "@SUM(A1)", "\x1b[31mR01", "\u202eR01", '"', '""', "a,b", "a;b",
         "\u0418\u0442\u043e\u0433\u043e", "R01", "R08", "2026-01", "2026-02", "2026-1", "junior", "senior", "85%",
         "12 500 \u20bd", "0x10", "1_000", "9" * 40, "true", "\t", "R01\r", "2026-01-01"]
SAMPLE_ROWS = small_rows()


def team_bytes(seed: int) -> bytes:
    rnd = random.Random(seed)
    optional = [rnd.choice(OPTIONAL) for _ in range(rnd.randint(0, 3))]
    dropped = {rnd.choice(REQUIRED)} if rnd.random() < 0.25 else set()
    header = [c for c in REQUIRED if c not in dropped] + optional
    rnd.shuffle(header)
    rows = []
    for r in range(rnd.randint(0, 6)):
        base = dict(zip(SAMPLE_ROWS[0], SAMPLE_ROWS[1 + r % 6]))
        row = [base.get(c, "1") for c in header]
        for _ in range(rnd.randint(0, 3)):
            if row:
                row[rnd.randrange(len(row))] = rnd.choice(CELLS) if rnd.random() < 0.8 else odd_text(rnd, 5)
        if rnd.random() < 0.1:
            row = row + ["extra"] if rnd.random() < 0.5 else row[:-1]
        rows.append(row)
    sep = rnd.choice([",", ";", "\t"])
    end = rnd.choice(["\n", "\r\n", "\r"])

    def cell(text: str) -> str:
        return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(ch in text for ch in (sep, '"', "\n", "\r")) else text

    text = end.join(sep.join(cell(c) for c in row) for row in [header, *rows]) + end
    encoding = rnd.choice(["utf-8", "utf-8", "utf-8-sig", "cp1251", "utf-16"])
    return text.encode(encoding, errors="replace")


def test_fuzz_csv_team_reader(fast_tmp: Path) -> None:
    plan_path = PLANS / "balanced_kpi.yaml"
    plan = kpilab.load_plan(plan_path)
    team_file = fast_tmp / "team.csv"
    tally = Tally()

    def pay(team: pd.DataFrame) -> kpilab.Payouts:
        assert team["rep_id"].map(lambda v: isinstance(v, str) and v != "").all(), team
        assert team["period"].map(lambda v: isinstance(v, str) and v != "").all(), team
        return kpilab.evaluate(plan, team)  # a kpilab error is allowed: e.g. an empty cell in a metric it reads

    @SETTINGS
    @given(seed=SEEDS)
    def one(seed: int) -> None:
        team_file.write_bytes(team_bytes(seed))
        tally.judge(lambda: kpilab.load_team(team_file, empty_metrics_ok=True), pay,
                    lambda: run("payout", str(plan_path), str(team_file)))

    one()
    tally.check()
