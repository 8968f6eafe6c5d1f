"""`kpilab predict`: how reps would respond to a new plan."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .common import (metavars,
    _add_data_options,
    _bounded,
    _check_plan_fits,
    _plan_file,
    _plan_title,
    _read_team,
    _seed,
    _t,
    add_command,
)


def cmd_predict(args: argparse.Namespace) -> int:
    """``kpilab predict``: how reps would respond to PLAN after BASELINE, with ranges and assumptions."""
    from ..analysis.response import predict
    from ..analysis.response.text import assumptions_text, summary_text
    from ..plan import load_plan
    from ..safe_write import check_report_folder

    lang = args.lang
    new_spec, base_spec = _plan_file(args.plan), _plan_file(args.baseline)
    inputs = (new_spec, base_spec, args.team)
    if args.report:
        check_report_folder(args.report, force=args.force, inputs=inputs)  # refuse a bad folder before any work
    new, current = load_plan(new_spec), load_plan(base_spec)
    team = _read_team(args, args.team)
    _check_plan_fits(current, team, args, str(base_spec), args.team)
    _check_plan_fits(new, team, args, str(new_spec), args.team)
    result = predict(current, new, team, scenarios=args.scenarios, seed=args.seed, lang=lang)
    title = _t("response.cli.title", lang, plan=_plan_title(new, lang),
               baseline=_plan_title(current, lang))
    text = "\n\n".join([title, summary_text(result, lang), result.bunching_text(lang), assumptions_text(result, lang)])
    print(text)
    if args.report:
        _write_predict_report(result, text, args.report, force=args.force, inputs=inputs)
        print(_t("response.cli.saved", lang, path=args.report), file=sys.stderr)
    return 0


def _write_predict_report(result: Any, text: str, folder: str, *, force: bool, inputs: Sequence[Any]) -> None:
    """The prediction in a folder: summary.txt (the table and the assumptions in words) and the tables as CSV."""
    from ..safe_write import write_folder_atomically

    def fill(tmp: Path) -> None:
        (tmp / "summary.txt").write_text(text + "\n", encoding="utf-8")
        result.team.to_csv(tmp / "team.csv")
        result.per_rep.to_csv(tmp / "per_rep.csv", index=False)
        result.effort.to_csv(tmp / "effort.csv", index=False)
        result.sensitivity.to_csv(tmp / "sensitivity.csv", index=False)
        result.verdict.to_csv(tmp / "verdict.csv", index=False)
        result.attainment.to_csv(tmp / "attainment.csv", index=False)
        result.timing.to_csv(tmp / "timing.csv", index=False)
        if result.bunching is not None:
            result.bunching.histogram.to_csv(tmp / "bunching.csv", index=False)
            result.bunching.thresholds.to_csv(tmp / "thresholds.csv", index=False)

    write_folder_atomically(folder, fill, force=force, inputs=inputs)


def _add_predict_command(sub: Any, lang: str) -> None:
    """``kpilab predict``: predicted behaviour under a new plan (issue 15)."""
    m = metavars(lang)

    p = add_command(sub, "predict", cmd_predict, lang)
    p.add_argument("plan", metavar=m("plan"), help=_t("cli.predict.plan", lang))
    p.add_argument("--baseline", required=True, metavar=m("plan"), help=_t("cli.predict.baseline", lang))
    p.add_argument("--team", required=True, metavar=m("data"), help=_t("cli.predict.team", lang))
    p.add_argument("--scenarios", type=_bounded(1, 2000), default=200, metavar=m("n"),
                   help=_t("cli.predict.scenarios", lang))
    p.add_argument("--seed", type=_seed, default=0, metavar=m("seed"), help=_t("cli.arg.seed", lang))
    p.add_argument("--report", metavar=m("dir"), help=_t("cli.predict.report", lang))
    p.add_argument("--force", action="store_true", help=_t("cli.arg.force", lang))
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.arg.lang", lang))
    _add_data_options(p, lang)
