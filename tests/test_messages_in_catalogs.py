"""Every error a notebook user can meet speaks from the catalogs: no ``raise X("English words")`` in code.

An AST scan over kpilab/**/*.py (kpilab/i18n/ aside, it is the catalogs' machinery): a raise whose
first argument is a string literal or f-string holding a letter, or ``%`` / ``.format`` on such a
literal, is English frozen in code that a Russian session would show untranslated. The words belong in
kpilab/i18n/catalogs/<lang>/*.yaml and reach the error through ``msg(key, **fields)``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "kpilab"
LETTER = re.compile(r"[A-Za-z\u0400-\u04FF]")

# Files whose raises are not moved yet (path relative to kpilab/). Keep this short and explicit: each
# entry is a known gap, and the test fails when a listed file is clean (so the list only shrinks).
NOT_YET_MOVED: frozenset[str] = frozenset()

# Raises that stay in Python's own words, by (file, exception): a module's __getattr__ answers Python's
# attribute protocol (hasattr, import machinery, IDE completion) with the message every module gives, and
# FrozenMap's refusal to be changed is the same built-in wording as a tuple's or a frozenset's. Nobody
# passing a bad argument meets them; a translated text there would differ from the rest of Python.
PYTHON_PROTOCOL: frozenset[tuple[str, str]] = frozenset({
    ("__init__.py", "AttributeError"), ("cli/__init__.py", "AttributeError"), ("data/team.py", "AttributeError"),
    ("plan/_base.py", "AttributeError"),
})


def _literal_text(node: ast.AST) -> str | None:
    """The constant text of a str literal / f-string / ``'..' % x`` / ``'..'.format(..)``, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        left, right = _literal_text(node.left), _literal_text(node.right)
        if left is not None or right is not None:
            return (left or "") + (right or "")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _literal_text(node.func.value)
    return None


def _is_msg(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "msg"


def words_in_raises(path: Path, allowed: frozenset[str] = frozenset()) -> list[int]:
    """Line numbers of raises in ``path`` whose message is literal text holding a letter.

    A raise with a ``msg(...)`` among its arguments takes its words from the catalogs (``PlanError(path,
    msg(...))`` names a key path first); exceptions named in ``allowed`` are skipped."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call) or not node.exc.args:
            continue
        if any(_is_msg(a) for a in node.exc.args):
            continue
        if isinstance(node.exc.func, ast.Name) and node.exc.func.id in allowed:
            continue
        text = _literal_text(node.exc.args[0])
        if text is not None and LETTER.search(text):
            lines.append(node.lineno)
    return sorted(lines)


def _scan() -> dict[str, list[int]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "i18n" in path.relative_to(PACKAGE).parts:
            continue
        rel = path.relative_to(PACKAGE).as_posix()
        lines = words_in_raises(path, frozenset(exc for f, exc in PYTHON_PROTOCOL if f == rel))
        if lines:
            found[rel] = lines
    return found


def test_no_error_words_in_code() -> None:
    """Every raise outside the allow-list takes its words from msg(); the list names exactly the gaps left."""
    found = _scan()
    assert len(list(PACKAGE.rglob("*.py"))) > 50, "is the package where this test looks?"
    bad = [f"kpilab/{f}:{n}" for f, lines in found.items() if f not in NOT_YET_MOVED for n in lines]
    assert not bad, "raise with English words in code (move them to a catalog, use msg()):\n" + "\n".join(bad)
    stale = sorted(NOT_YET_MOVED - set(found))
    assert not stale, f"files moved to the catalogs but still on the allow-list: {stale}"


def test_the_scan_sees_each_shape(tmp_path: Path) -> None:
    """The scan catches a literal, an f-string, % and .format, and lets msg() and bare re-raises pass."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(x):\n"
        "    raise ValueError('bad value')\n"
        "    raise ValueError(f'bad {x}')\n"
        "    raise ValueError('bad %s' % x)\n"
        "    raise ValueError('bad {}'.format(x))\n"
        "    raise ValueError(msg('errors.x', x=x))\n"
        "    raise ValueError(f'{x}')\n"
        "    raise\n",
        encoding="utf-8",
    )
    assert words_in_raises(sample) == [2, 3, 4, 5]


def test_a_notebook_user_reads_argument_errors_in_the_sessions_language() -> None:
    """English stays word for word; a Russian session gets Russian with the names in «» quotes."""
    import pytest

    from kpilab import evaluate, load_plan
    from kpilab.data.synth import make_team
    from kpilab.errors import KpilabError
    from kpilab.i18n.messages import messages_in

    team = make_team(3, periods=2, seed=1)
    plan = load_plan({"name": "Base", "currency": "RUB", "base": 30000, "target_bonus": 10000,
                      "targets": {"revenue": 1_000_000},
                      "components": [{"name": "bonus", "kind": "bonus", "metric": "revenue", "share": 1.0,
                                      "curve": {"points": [[0.8, 0.5], [1.0, 1.0]]}}]})
    payouts = evaluate(plan, team)
    with pytest.raises(KeyError, match="no row for rep R9, period 2026-01"):
        payouts.explain("R9", "2026-01")
    with messages_in("ru"), pytest.raises(KeyError, match="нет строки для сотрудника «R9» за период «2026-01»"):
        payouts.explain("R9", "2026-01")
    with pytest.raises(KpilabError, match=r"turnover must be a share in \[0, 1\), got 2"):
        make_team(3, turnover=2)
    with messages_in("ru"), pytest.raises(KpilabError, match=r"текучесть должна быть долей в \[0; 1\), указано «2»"):
        make_team(3, turnover=2)
