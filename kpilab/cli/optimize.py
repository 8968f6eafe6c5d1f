"""`kpilab optimize`: the best plan for a budget."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..i18n.messages import msg
from .common import (metavars,
    _add_data_options,
    _band,
    _check_plan_fits,
    _lang,
    _plan_file,
    _positive_int,
    _read_team,
    _seed,
    _t,
    add_command,
    write_atomically,
)


def _read_free(path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """FREE.yaml: ``{key path: [low, high]}``, or sections ``free:`` (and optional ``constraints:``)."""
    from ..errors import PlanError
    from ..plan.yaml_io import _read_file, read_plan_yaml

    data = read_plan_yaml(_read_file(Path(path), path), path)
    if not isinstance(data, dict) or not data:
        raise PlanError([("", msg("plan_errors.free_file"))], source=path)
    if "free" not in data:
        return data, {}
    unknown = sorted(set(data) - {"free", "constraints"})
    if unknown:
        raise PlanError([(k, msg("plan_errors.free_section", known="free, constraints")) for k in unknown], source=path)
    constraints = data.get("constraints") or {}
    if not isinstance(constraints, dict):
        raise PlanError([("constraints", msg("plan_errors.free_constraints"))], source=path)
    known = {"max_loss", "payroll_max", "monotone", "criteria"}
    bad = sorted(set(constraints) - known)
    if bad:
        raise PlanError([(f"constraints.{k}", msg("plan_errors.free_constraint", known=", ".join(sorted(known))))
                         for k in bad], source=path)
    return data["free"] or {}, constraints


def _read_compare_spec(path: str) -> dict[str, Any]:
    """``kpilab compare --optimize FREE.yaml``: the free numbers (a plain mapping of key paths, or a ``free:``
    section) and optionally ``plan`` (a plan of the comparison), ``objective``, ``constraints``, ``budget``, ``seed``."""
    from ..errors import PlanError
    from ..plan.yaml_io import _read_file, read_plan_yaml
    from ..report.optimize_section import SPEC_KEYS

    data = read_plan_yaml(_read_file(Path(path), path), path)
    if not isinstance(data, dict) or not data:
        raise PlanError([("", msg("plan_errors.free_file"))], source=path)
    if "free" not in data:
        return {"free": data}
    unknown = sorted(set(data) - set(SPEC_KEYS))
    if unknown:
        raise PlanError([(k, msg("plan_errors.free_section", known=", ".join(SPEC_KEYS))) for k in unknown], source=path)
    return dict(data)


def _add_compare_optimize_option(sub: Any, lang: str) -> None:
    """``kpilab compare --optimize FREE.yaml``: a search section in the comparison report (issue 16)."""
    compare = sub.choices.get("compare")
    if compare is not None:
        compare.add_argument("--optimize", metavar="FREE.yaml", help=_t("optimize.cli.compare_help", lang))


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_t("cli.err.share", _lang(), text=text)) from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(_t("cli.err.share", _lang(), text=text))
    return value


def cmd_optimize(args: argparse.Namespace) -> int:
    from ..analysis.optimize import optimize, parse_free
    from ..plan import load_plan
    from ..safe_write import check_output_path, check_report_folder

    lang = args.lang
    spec = _plan_file(args.plan)
    output = args.output or f"{Path(str(spec)).stem}_optimized.yaml"
    inputs = (spec, args.team, args.free)
    check_output_path(output, inputs=inputs)  # refuse a bad output before any work
    if args.report:
        check_report_folder(args.report, force=args.force, inputs=inputs)
    plan = load_plan(spec)
    free, constraints = _read_free(args.free)
    items = parse_free(free, plan, source=args.free)  # every bad key path, located, before the team is read
    if args.max_loss is not None:
        constraints["max_loss"] = args.max_loss
    if args.payroll_max is not None:
        constraints["payroll_max"] = args.payroll_max
    team = _read_team(args, args.team)
    _check_plan_fits(plan, team, args, str(spec), args.team)
    scenarios = None
    if args.scenarios:
        from ..data.scenarios import bootstrap_years

        scenarios = bootstrap_years(team, args.scenarios, args.seed)
    client: Any = "inline"
    if args.scheduler:
        client = args.scheduler
    elif args.workers:
        client = None
    criteria = {"cost_of_sales_band": args.cost_band} if args.cost_band else None
    from tqdm import tqdm

    bar = tqdm(total=args.budget, desc=_t("optimize.cli.progress", lang), unit="", file=sys.stderr,
               disable=args.quiet, leave=False)
    try:
        result = optimize(plan, team, items, objective=tuple(args.objective or ("payroll",)),
                          constraints=constraints, criteria=criteria, scenarios=scenarios, seed=args.seed,
                          budget=args.budget, client=client, workers=args.workers,
                          robust_share=args.robust, progress=bar.update, lang=lang)
    finally:
        bar.close()
    print(result.summary(lang))
    if result.best is not None:
        write_atomically(output, lambda p: result.best.to_yaml(p), inputs=inputs)
        print(_t("optimize.cli.written", lang, path=output), file=sys.stderr)
    if args.report:
        _write_optimize_report(result, args.report, lang, force=args.force, inputs=inputs)
        print(_t("optimize.cli.report", lang, path=args.report), file=sys.stderr)
    return 0


def _write_optimize_report(result: Any, folder: str, lang: str, *, force: bool, inputs: Sequence[Any]) -> None:
    """The search in a folder: summary.txt, candidates.csv (every plan tried), pareto.csv, pareto.png/svg, best.yaml."""
    from ..safe_write import write_folder_atomically

    def fill(tmp: Path) -> None:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot as plt

        from ..plots import plot_pareto, save

        (tmp / "summary.txt").write_text(result.summary(lang) + "\n", encoding="utf-8")
        result.table.to_csv(tmp / "candidates.csv")
        if result.pareto is not None:
            result.pareto.to_csv(tmp / "pareto.csv")
        if result.best is not None:
            result.best.to_yaml(tmp / "best.yaml")
        ax = plot_pareto(result, lang=lang)
        save(ax.figure, tmp / "pareto.png")
        save(ax.figure, tmp / "pareto.svg")
        plt.close(ax.figure)

    write_folder_atomically(folder, fill, force=force, inputs=inputs)


def _add_optimize_command(sub: Any, lang: str) -> None:
    """``kpilab optimize``: the best plan for a budget (issue 16)."""
    from ..analysis.optimize import OBJECTIVES

    m = metavars(lang)

    p = add_command(sub, "optimize", cmd_optimize, lang)
    p.add_argument("plan", metavar=m("plan"), help=_t("cli.arg.plan", lang))
    p.add_argument("--team", required=True, metavar=m("data"), help=_t("cli.arg.data_table", lang))
    p.add_argument("--free", required=True, metavar=m("free"), help=_t("cli.optimize.free", lang))
    p.add_argument("--objective", action="append", choices=list(OBJECTIVES), metavar=m("objective"),
                   help=_t("cli.optimize.objective", lang, names=", ".join(OBJECTIVES)))
    p.add_argument("-o", "--output", metavar=m("best_yaml"), help=_t("cli.optimize.output", lang))
    p.add_argument("--report", metavar=m("dir"), help=_t("cli.optimize.report", lang))
    p.add_argument("--force", action="store_true", help=_t("cli.arg.force", lang))
    _add_compare_optimize_option(sub, lang)
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_positive_int, metavar=m("n"), help=_t("cli.optimize.workers", lang))
    where.add_argument("--scheduler", metavar=m("address"), help=_t("cli.optimize.scheduler", lang))
    p.add_argument("--scenarios", type=_positive_int, metavar=m("n"), help=_t("cli.optimize.scenarios", lang))
    p.add_argument("--robust", type=_share, metavar=m("share"), help=_t("cli.optimize.robust", lang))
    p.add_argument("--max-loss", type=_share, metavar=m("share"), help=_t("cli.optimize.max_loss", lang))
    p.add_argument("--payroll-max", type=float, metavar=m("rub"), help=_t("cli.optimize.payroll_max", lang))
    p.add_argument("--cost-band", type=_band, metavar=m("band"), help=_t("cli.optimize.cost_band", lang))
    p.add_argument("--budget", type=_positive_int, default=2000, metavar=m("n"), help=_t("cli.optimize.budget", lang))
    p.add_argument("--seed", type=_seed, default=0, metavar=m("seed"), help=_t("cli.optimize.seed", lang))
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.arg.lang", lang))
    p.add_argument("-q", "--quiet", action="store_true", help=_t("cli.arg.quiet", lang))
    _add_data_options(p, lang)
