"""Commands that compare plans and write the report folder: compare, demo."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .common import _check_plan_fits, _check_scenario_rows, _plan_file, _read_team, _t


#: The demo judges cost of sales against ZS's "generally 3-9 %" compensation cost of sales (see kpilab.analysis.criteria).
_DEMO_COST_BAND = (0.03, 0.09)
_DEMO_ORDER = ("salary_only", "salary_fines", "tiered_commission", "balanced_kpi", "multi_condition", "roles_scheme")


class _Progress:
    """A tqdm bar on standard error, silent when asked or when stderr is not a terminal."""

    def __init__(self, total: int, quiet: bool) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=total, file=sys.stderr, disable=quiet or not sys.stderr.isatty(),
                         unit="step", leave=False, dynamic_ncols=True)
        self._started = False

    def step(self, description: str) -> None:
        if self._started:
            self._bar.update(1)
        self._started = True
        self._bar.set_description_str(description[:40])

    def close(self) -> None:
        self._bar.close()


def _run_comparison(plans: list[tuple[str, Any]], team: Any, *, baseline: str | None, scenarios: int | None,
                    seed: int, lang: str, report_dir: str, quiet: bool, criteria: dict[str, Any] | None,
                    source: str, force: bool = False, inputs: Sequence[str | Path] = (),
                    branding: dict[str, Any] | None = None, slides: str | None = None) -> Any:
    """Build the comparison, write the report folder (and slides); returns (report, path of report.html)."""
    os.environ.setdefault("MPLBACKEND", "Agg")  # a command line draws into files, never a window
    from ..report import build_report, check_report_dir, unique_names, write_report

    check_report_dir(report_dir, force=force, inputs=inputs)  # before any work: a file in the way is reported at once
    _check_scenario_rows(scenarios, len(team))
    named = unique_names(plans)
    n = len(named)
    progress = _Progress(total=2 * n + 3 + (n + 4) + 2 + (1 if scenarios else 0), quiet=quiet)
    try:
        report = build_report(named, team, baseline=baseline, n_scenarios=scenarios, seed=seed, lang=lang,
                              criteria=criteria, source=source, step=progress.step, **(branding or {}))
        path = write_report(report, report_dir, step=progress.step, force=force, inputs=inputs, slides=slides)
    finally:
        progress.close()
    return report, path


def cmd_compare(args: argparse.Namespace) -> int:
    from ..plan import load_plan

    files = [_plan_file(p) for p in args.plans]
    plans = [(f.stem, load_plan(f)) for f in files]
    if args.baseline is not None:
        base_file = _plan_file(args.baseline)
        match = [i for i, f in enumerate(files) if f.exists() and base_file.exists() and f.samefile(base_file)]
        if match:
            plans.insert(0, plans.pop(match[0]))  # the baseline plan leads the table
        else:
            plans.insert(0, (base_file.stem, load_plan(base_file)))
    inputs = [*files, args.team] + ([_plan_file(args.baseline)] if args.baseline is not None else [])
    if args.logo is not None:
        inputs.append(args.logo)
    if getattr(args, "optimize", None):
        inputs.append(args.optimize)
    from ..report import check_report_dir, check_slides_path

    check_report_dir(args.report, force=args.force, inputs=inputs)  # before reading: nothing is at risk
    if args.slides is not None:
        check_slides_path(args.slides, inputs)
    branding = {"client": args.client, "author": args.author, "date": args.date, "logo": args.logo,
                "guarantee_months": args.guarantee_months, "predict": getattr(args, "predict", False)}
    if getattr(args, "optimize", None):  # a search section in the report (kpilab.report.optimize_section)
        from .optimize import _read_compare_spec

        branding["optimize"] = spec = _read_compare_spec(args.optimize)
        stems = {str(stem): plan.name for stem, plan in plans}
        if str(spec.get("plan", "")) in stems:  # the plan named by its file, as on the command line
            spec["plan"] = stems[str(spec["plan"])]
    team = _read_team(args, args.team)
    where = {f.stem: str(f) for f in [*files, *([_plan_file(args.baseline)] if args.baseline else [])]}
    for name, plan in plans:
        _check_plan_fits(plan, team, args, where.get(name, name), args.team)
    criteria = {"cost_of_sales_band": args.cost_band} if args.cost_band else None
    # the baseline leads the list, and compare() measures against the first plan
    report, path = _run_comparison(plans, team, baseline=None, scenarios=args.scenarios, seed=args.seed,
                                   lang=args.lang, report_dir=args.report, quiet=args.quiet, criteria=criteria,
                                   source=args.team, force=args.force, inputs=inputs, branding=branding,
                                   slides=args.slides)
    print(report.table_text())
    print()
    print(report.robustness_table_text())  # each criterion: value (90 % interval), robustness word
    print()
    print(report.summary_line())
    print()
    print(report.transition_text())
    print(_t("cli.compare.written", args.lang, path=path), file=sys.stderr)
    if args.slides is not None:
        print(_t("cli.compare.slides_written", args.lang, path=args.slides), file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import time

    from ..data import datasets
    from ..i18n import fmt_number

    started = time.perf_counter()
    # The story order: today's salary (the baseline every change is measured against), then
    # what owners try first, then the designed schemes.
    names = sorted(datasets.plan_names(), key=lambda n: (_DEMO_ORDER.index(n) if n in _DEMO_ORDER else 99, n))
    plans = [(name, datasets.load_plan(name)) for name in names]
    team = datasets.load_sample_team()
    report, path = _run_comparison(plans, team, baseline=None, scenarios=args.scenarios, seed=args.seed,
                                   lang=args.lang, report_dir=args.report, quiet=args.quiet,
                                   criteria={"cost_of_sales_band": _DEMO_COST_BAND}, source="sample_team.csv",
                                   force=args.force)
    print(report.verdict_text())
    print()
    print(report.summary_line())
    print(_t("cli.demo.report_path", args.lang, path=path.resolve()))
    print(_t("cli.demo.footer", args.lang, count=args.scenarios,
             seconds=fmt_number(time.perf_counter() - started, args.lang, 1)))
    return 0
