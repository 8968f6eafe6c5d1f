"""Docstring examples are documentation that runs: every module's examples pass as doctests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kpilab

MODULES = sorted(m.name for m in pkgutil.walk_packages(kpilab.__path__, "kpilab.") if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_examples_exist() -> None:
    """Guard against the check above passing because nothing was found."""
    attempted = sum(doctest.testmod(importlib.import_module(n), verbose=False, report=False).attempted for n in MODULES)
    assert attempted >= 20
