"""The ``kpilab`` command: argument parsing, exit codes and messages only.

Every input error (a bad plan, bad data, a missing file) prints one clear
message on standard error and exits with status 2, having written nothing.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import KpilabError

EXIT_INTERNAL = 1  # a bug in kpilab, never the user's input
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM

_EPILOG = """examples:
  kpilab payout data/plans/balanced_kpi.yaml data/sample_team.csv -o payouts.csv
  kpilab validate data/plans/balanced_kpi.yaml
  kpilab explain data/plans/balanced_kpi.yaml data/sample_team.csv --rep R01 --period 2026-03
  kpilab compare data/plans/*.yaml --team data/sample_team.csv --scenarios 200 --report reports/client
  kpilab simulate --reps 30 --months 12 --seed 7 --mix star=0.1,laggard=0.2 -o team.csv
  kpilab lint data/plans/multi_condition.yaml
  kpilab demo
"""

_COMPARE_EXAMPLE = ("kpilab compare data/plans/balanced_kpi.yaml data/plans/tiered_commission.yaml "
                    "--team data/sample_team.csv --baseline data/plans/balanced_kpi.yaml --scenarios 200 "
                    "--seed 1 --report reports/client --lang ru")
_SIMULATE_EXAMPLE = "kpilab simulate --reps 30 --months 12 --seed 7 --mix star=0.1,laggard=0.2 -o team.csv"
_LINT_EXAMPLE = "kpilab lint data/plans/multi_condition.yaml --team data/sample_team.csv"
_DEMO_EXAMPLE = "kpilab demo --scenarios 200 --report reports/demo"
#: The demo judges cost of sales against ZS's "generally 3-9 %" compensation cost of sales (see kpilab.analysis.criteria).
_DEMO_COST_BAND = (0.03, 0.09)
_DEMO_ORDER = ("salary_only", "salary_fines", "tiered_commission", "balanced_kpi", "multi_condition", "roles_scheme")


_SHEET_HELP = "Excel sheet to read (default: the only visible sheet)"
_FORCE_HELP = ("write into a report folder that also holds files kpilab did not write "
               "(they are kept; only kpilab's own files are replaced)")


class UsageError(KpilabError):
    """A command line that cannot be carried out (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and status 2 like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def write_atomically(path: str | Path, write: Callable[[Path], None], *, inputs: Sequence[str | Path] = ()
                     ) -> None:
    """Write through a temporary file, then rename; refuses an input, a device or a read-only file.

    See :func:`kpilab.safe_write.write_file_atomically`.
    """
    from .safe_write import write_file_atomically

    write_file_atomically(path, write, inputs=inputs)


def _load(plan_path: str, data_path: str, args: argparse.Namespace) -> tuple[Any, Any]:
    from .plan import load_plan

    plan = load_plan(_plan_file(plan_path))
    team = _read_team(args, data_path)  # the engine checks what each row's plan reads
    _check_plan_fits(plan, team, args, plan_path, data_path)
    return plan, team


def cmd_payout(args: argparse.Namespace) -> int:
    from .engine import evaluate

    if args.output:  # refuse an output over an input before any work
        from .safe_write import check_output_path

        check_output_path(args.output, inputs=(args.plan, args.data))
    plan, team = _load(args.plan, args.data, args)
    payouts = evaluate(plan, team, source=args.data)
    if args.output:
        if Path(args.output).suffix.lower() in (".xlsx", ".xlsm"):  # a workbook, not CSV text in one
            write_atomically(args.output, lambda p: _write_payouts_xlsx(payouts, p), inputs=(args.plan, args.data))
        else:
            write_atomically(args.output, lambda p: payouts.to_csv(p), inputs=(args.plan, args.data))
    else:
        sys.stdout.write(payouts.to_csv())
    return 0


def _write_payouts_xlsx(payouts: Any, path: Path) -> None:
    """The rounded payout table as one sheet; user text stays text, never a formula."""
    import openpyxl

    from .spreadsheet_safe import defuse_workbook

    table = payouts.rounded()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "payouts"
    ws.append([str(c) for c in table.columns])
    for row in table.itertuples(index=False):
        ws.append([None if isinstance(v, float) and v != v else (v.item() if hasattr(v, "item") else v)
                   for v in row])
    defuse_workbook(wb)
    wb.save(path)


def cmd_validate(args: argparse.Namespace) -> int:
    from .plan import load_plan

    load_plan(Path(args.plan))  # raises PlanError listing every problem (exit 2)
    print("ok")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from .engine import evaluate

    from .explain import statement_lines

    plan, team = _load(args.plan, args.data, args)
    payouts = evaluate(plan, team, source=args.data)
    try:
        if args.detail:
            print(payouts.explain(args.rep, args.period, args.scenario).text)
        else:
            lines = statement_lines(payouts, args.rep, args.period, args.scenario, args.lang,
                                    plan_title=_plan_title(args.plan, plan, args.lang))
            print("\n".join(lines))
    except KeyError:
        raise UsageError(_t("cli.explain.no_row", args.lang, data=args.data, rep=args.rep,
                            period=args.period)) from None
    return 0


def _whole_number(minimum: int) -> Callable[[str], int]:
    """argparse type: an integer >= ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}")
        return value

    return parse


_positive_int = _whole_number(1)
_seed = _whole_number(0)

#: Resource limits of the command line (stated in the README), refused before any work starts.
MAX_SCENARIOS = 10_000            # simulated years in one comparison
MAX_SCENARIO_ROWS = 2_000_000     # scenarios x team rows evaluated in one comparison
MAX_SIMULATED_ROWS = 2_000_000    # reps x months of `kpilab simulate` (the table limit of load_team)


def _bounded(minimum: int, maximum: int) -> Callable[[str], int]:
    """argparse type: an integer in [minimum, maximum]; the limit is named, nothing is attempted."""
    whole = _whole_number(minimum)

    def parse(text: str) -> int:
        value = whole(text)
        if value > maximum:
            raise argparse.ArgumentTypeError(f"{value:,} is over kpilab's limit of {maximum:,}")
        return value

    return parse


def _check_scenario_rows(scenarios: int | None, team_rows: int) -> None:
    """Refuse a comparison whose simulated table would exceed :data:`MAX_SCENARIO_ROWS`, before any work."""
    if scenarios and scenarios * team_rows > MAX_SCENARIO_ROWS:
        raise UsageError(f"--scenarios {scenarios:,} on a team of {team_rows:,} rows simulates "
                         f"{scenarios * team_rows:,} rows, over kpilab's limit of {MAX_SCENARIO_ROWS:,}; "
                         f"use at most {max(1, MAX_SCENARIO_ROWS // max(team_rows, 1)):,} scenarios")


def parse_mix(text: str) -> dict[str, float]:
    """``"star=0.1,laggard=0.2"`` -> ``{"star": 0.1, "laggard": 0.2}``.

    The archetype names and the weights themselves are checked by
    :func:`kpilab.make_team` (unknown archetype, negative or all-zero weights).

    Raises
    ------
    UsageError
        A part that is not ``name=number``, or a name given twice.
    """
    mix: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--mix: {part!r} is not archetype=weight (example: --mix star=0.1,laggard=0.2)")
        try:
            weight = float(value)
        except ValueError:
            raise UsageError(f"--mix: the weight of {name!r} is not a number: {value.strip()!r}") from None
        if name in mix:
            raise UsageError(f"--mix: {name!r} is given twice")
        if not math.isfinite(weight):
            raise UsageError(f"--mix: the weight of {name!r} is not a finite number: {value.strip()!r}")
        mix[name] = weight
    if not mix:
        raise UsageError("--mix is empty (example: --mix star=0.1,laggard=0.2)")
    top = max(mix.values())
    if top > 0 and not math.isfinite(sum(abs(w) for w in mix.values())):
        # only the ratios matter: scale so that normalising 1e308 + 1e308 cannot overflow to inf
        mix = {name: w / top for name, w in mix.items()}
    return mix


def _band(text: str) -> tuple[float, float]:
    """argparse type: ``0.03,0.09`` (or ``3%,9%``) -> (0.03, 0.09)."""
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    try:
        if len(parts) != 2:
            raise ValueError
        low, high = (float(p[:-1]) / 100 if p.endswith("%") else float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LOW,HIGH such as 0.03,0.09, got {text!r}") from None
    if not 0 <= low <= high:
        raise argparse.ArgumentTypeError(f"expected 0 <= LOW <= HIGH, got {text!r}")
    return low, high


def _plan_file(spec: str) -> Path:
    """A plan file, or the name of a bundled plan (``balanced_kpi``) when no such file exists."""
    path = Path(spec)
    if path.exists() or path.suffix:
        return path
    from .data import datasets

    if spec in datasets.plan_names():
        return datasets.plan_path(spec)
    return path


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
    from .report import build_report, check_report_dir, unique_names, write_report

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
    from .plan import load_plan

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
    from .report import check_report_dir, check_slides_path

    check_report_dir(args.report, force=args.force, inputs=inputs)  # before reading: nothing is at risk
    if args.slides is not None:
        check_slides_path(args.slides, inputs)
    branding = {"client": args.client, "author": args.author, "date": args.date, "logo": args.logo,
                "guarantee_months": args.guarantee_months}
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
    print(report.comparison.robustness_text(args.lang))  # each criterion: value (90 % interval), robustness word
    print()
    print(report.summary_line())
    print()
    print(report.transition_text())
    print(f"kpilab: report written to {path}", file=sys.stderr)
    if args.slides is not None:
        print(f"kpilab: slides written to {args.slides}", file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import time

    from .data import datasets

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
    print(f"Report: {path.resolve()}")
    print(f"(bundled plans on the sample team, {args.scenarios} simulated years, "
          f"{time.perf_counter() - started:.1f} s)")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from .data.synth import make_team

    mix = parse_mix(args.mix) if args.mix is not None else None
    if args.reps * args.months > MAX_SIMULATED_ROWS:
        raise UsageError(f"--reps {args.reps:,} x --months {args.months:,} is {args.reps * args.months:,} rows, "
                         f"over kpilab's limit of {MAX_SIMULATED_ROWS:,} for one table")
    team = make_team(args.reps, periods=args.months, mix=mix, seed=args.seed, start=args.start)
    if args.output:
        if Path(args.output).suffix.lower() in (".xlsx", ".xlsm"):
            write_atomically(args.output, lambda p: team.to_excel(p, index=False, engine="openpyxl"))
        else:
            write_atomically(args.output, lambda p: team.to_csv(p, index=False))
    else:
        sys.stdout.write(team.to_csv(index=False))
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    from .analysis import lint
    from .plan import load_plan

    plan = load_plan(_plan_file(args.plan))
    team = _read_team(args, args.team) if args.team else None
    found = lint(plan, team, lang=args.lang)
    findings = list(found.findings)
    if not findings:
        print(f"{plan.name}: no findings")
        return 0
    print(f"{plan.name}: {len(findings)} finding(s)")
    for f in findings:
        print(f"  [{f.severity}] {f.message}")
    return 0


# --------------------------------------------------------------------------- client data, inspect, fit, regulation

def _t(key: str, lang: str, **fields: Any) -> str:
    from .i18n import t

    return t(key, lang, **fields)


def _help_lang(argv: Sequence[str] | None) -> str:
    """The language of help and messages: ``--lang`` on the command line, else ``KPILAB_LANG``, else English."""
    args = list(sys.argv[1:] if argv is None else argv)
    for i, arg in enumerate(args):
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg.partition("=")[2] \
            if arg.startswith("--lang=") else None
        if value in ("en", "ru"):
            return value
    env = os.environ.get("KPILAB_LANG", "")
    return env if env in ("en", "ru") else "en"


def _rows(text: str) -> list[int]:
    """argparse type: ``20,21`` or ``20-22`` -> file row numbers (the header is row 1)."""
    out: list[int] = []
    try:
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            low, sep, high = part.partition("-")
            first, last = int(low), int(high) if sep else int(low)
            if first < 1 or last < first:
                raise ValueError
            out += range(first, last + 1)
    except ValueError:
        raise argparse.ArgumentTypeError(_t("cli.data.bad_rows", _help_lang(None), text=text)) from None
    return out


def _add_data_options(p: argparse.ArgumentParser, lang: str) -> None:
    """The options of every command that reads a team: how to read a client's export."""
    group = p.add_argument_group(_t("cli.data.group", lang))
    group.add_argument("--profile", metavar=_t("cli.metavar.profile", lang), help=_t("cli.data.profile", lang))
    group.add_argument("--map", dest="mapping", metavar=_t("cli.metavar.mapping", lang), help=_t("cli.data.map", lang))
    group.add_argument("--sheet", metavar=_t("cli.metavar.sheet", lang), help=_t("cli.data.sheet", lang))
    group.add_argument("--skip-rows", type=_rows, metavar=_t("cli.metavar.rows", lang), help=_t("cli.data.skip_rows", lang))
    group.add_argument("--drop-blank-rows", action="store_true", default=None,
                       help=_t("cli.data.drop_blank_rows", lang))


def _client_profile(args: argparse.Namespace) -> Any:
    """The client profile the options describe: ``--profile``, overridden by ``--map``, ``--sheet``..."""
    from .data.profiles import ClientProfile, load_mapping, load_profile

    lang = getattr(args, "lang", "en")
    profile = load_profile(args.profile, lang) if getattr(args, "profile", None) else ClientProfile()
    mapping = load_mapping(args.mapping, lang) if getattr(args, "mapping", None) else None
    return profile.merged(columns=mapping, sheet=getattr(args, "sheet", None),
                          skip_rows=getattr(args, "skip_rows", None),
                          drop_blank_rows=getattr(args, "drop_blank_rows", None))


def _read_team(args: argparse.Namespace, path: str) -> Any:
    """The team table read as the client-data options say (see :mod:`kpilab.data.profiles`)."""
    from .data.profiles import load_client_team

    return load_client_team(path, _client_profile(args), lang=getattr(args, "lang", "en"), empty_metrics_ok=True)


def _data_flags(args: argparse.Namespace) -> str:
    """The client-data options as typed, to repeat them in a suggested command."""
    parts = []
    if getattr(args, "profile", None):
        parts.append(f"--profile {args.profile}")
    if getattr(args, "mapping", None):
        parts.append(f"--map {args.mapping}")
    if getattr(args, "sheet", None):
        parts.append(f"--sheet {args.sheet}")
    if getattr(args, "skip_rows", None):
        parts.append("--skip-rows " + ",".join(map(str, args.skip_rows)))
    if getattr(args, "drop_blank_rows", None):
        parts.append("--drop-blank-rows")
    return (" " + " ".join(parts)) if parts else ""


def _check_plan_fits(plan: Any, team: Any, args: argparse.Namespace, plan_path: str, data_path: str) -> None:
    """Refuse a plan that reads metrics the data lacks, naming them and the command that fits the plan."""
    from .analysis.fit import _metric_list, missing_metrics

    missing, _ = missing_metrics(plan, team)
    if not missing:
        return
    lang = getattr(args, "lang", "en")
    command = f"kpilab fit {plan_path} --team {data_path}{_data_flags(args)} -o FITTED.yaml"
    raise UsageError(_t("cli.plan_needs", lang, plan=_plan_title(plan_path, plan, lang), data=data_path, count=len(missing),
                        metrics=_metric_list(missing, lang), command=command))


def _plan_title(spec: str, plan: Any, lang: str) -> str:
    """The plan's name in ``lang``: the plan file's own (``names``), else a bundled plan's label, else its name."""
    from .data import datasets
    from .explain import plan_title
    from .i18n import has_label, label

    own = plan_title(plan, lang)
    if own != plan.name:
        return own
    stem = Path(spec).stem
    if has_label(stem) and stem in datasets.plan_names():
        return label(stem, lang)
    return plan.name


def _column_words(column: str, lang: str) -> str:
    """What a contract column holds, in words: «Менеджер», «План: Выручка»."""
    from .i18n import has_label, label

    special = {"rep_id": "rep", "period": "period"}
    if column in special:
        return label(special[column], lang)
    if column.startswith("plan_"):
        return _t("cli.inspect.plan_of", lang, metric=label(column.removeprefix("plan_"), lang))
    return label(column, lang) if has_label(column) else _t("cli.inspect.not_metric", lang)


def cmd_inspect(args: argparse.Namespace) -> int:
    from .analysis.fit import _metric_list, missing_metrics
    from .data import datasets
    from .data.profiles import TARGET_COLUMNS, list_sheets, load_client_team, propose_profile, read_headers
    from .i18n import fmt_number, label

    lang = args.lang
    given = _client_profile(args)
    out = [_t("cli.inspect.file", lang, path=args.data)]
    sheets = list_sheets(args.data)
    if sheets:
        listed = ", ".join(f"«{name}»" + ("" if shown else " " + _t("cli.inspect.hidden", lang))
                           for name, shown in sheets)
        out.append(_t("cli.inspect.sheets", lang, count=len(sheets), sheets=listed))
    guessed = not given.columns  # no mapping given: propose one (and the rows to leave out)
    profile = given
    if guessed:
        profile = propose_profile(args.data, given.sheet, given.header_row).merged(
            skip_rows=given.skip_rows, drop_blank_rows=given.drop_blank_rows or None)
    headers = read_headers(args.data, profile.sheet, profile.header_row)
    out.append(_t("cli.inspect.columns_guessed" if guessed else "cli.inspect.columns", lang))
    width = max((len(h) for h in headers), default=0)
    for header in headers:
        column = profile.columns.get(header) or (header if header in TARGET_COLUMNS else None)
        words = _t("cli.inspect.unused", lang) if column is None else f"→ {column} ({_column_words(column, lang)})"
        out.append(f"  {header:<{width}}  {words}")
    team = None
    try:
        team = load_client_team(args.data, profile, lang=lang, empty_metrics_ok=True)
    except KpilabError as exc:
        out.append(_t("cli.inspect.unreadable", lang, error=str(exc)))
    if team is not None:
        periods = sorted(team["period"].astype(str).unique())
        out.append(_t("cli.inspect.rows", lang, rows=fmt_number(len(team), lang),
                      reps=_t("common.reps", lang, count=team["rep_id"].nunique()),
                      months=_t("common.months", lang, count=len(periods)), first=periods[0], last=periods[-1]))
        if profile.skip_rows or profile.drop_blank_rows:
            out.append(_t("cli.inspect.left_out", lang, count=len(profile.skip_rows),
                          rows=", ".join(map(str, profile.skip_rows)) or "—",
                          blank=_t("common.yes" if profile.drop_blank_rows else "common.no", lang)))
        out.append(_t("cli.inspect.plans", lang))
        flags = (" --profile " + (args.write_profile or "PROFILE.yaml")) if guessed else _data_flags(args)
        for name in datasets.plan_names():
            plan = datasets.load_plan(name)
            missing, no_target = missing_metrics(plan, team)
            needs_role = hasattr(plan, "plans_by_role") and "role" not in team.columns
            title = f"«{label(name, lang)}» ({name})"
            if not missing and not no_target and not needs_role:
                out.append("  " + _t("cli.inspect.plan_runs", lang, plan=title))
                continue
            why = []
            if missing:
                why.append(_t("cli.inspect.lacks", lang, metrics=_metric_list(missing, lang)))
            if no_target:
                why.append(_t("cli.inspect.no_target", lang, metrics=_metric_list(no_target, lang)))
            if needs_role:
                why.append(_t("cli.inspect.no_role", lang))
            out.append("  " + _t("cli.inspect.plan_lacks", lang, plan=title, why="; ".join(why),
                                 command=f"kpilab fit {name} --team {args.data}{flags}"))
    if guessed:
        out.append(_t("cli.inspect.proposed", lang))
        out.append(_profile_yaml(profile).rstrip())
    if args.write_profile:
        text = _profile_yaml(profile)
        write_atomically(args.write_profile, lambda p: p.write_text(text, encoding="utf-8"), inputs=(args.data,))
        out.append(_t("cli.inspect.written", lang, path=args.write_profile))
    print("\n".join(out))
    return 0


def _profile_yaml(profile: Any) -> str:
    import yaml

    return yaml.safe_dump(profile.to_dict(), allow_unicode=True, sort_keys=False)


def cmd_fit(args: argparse.Namespace) -> int:
    from .analysis.fit import fit_plan
    from .plan import load_plan

    lang = args.lang
    spec = _plan_file(args.plan)
    if args.output:
        from .safe_write import check_output_path

        check_output_path(args.output, inputs=(spec, args.team))
    plan = load_plan(spec)
    team = _read_team(args, args.team)
    result = fit_plan(plan, team, role=args.role, lang=lang, title=_plan_title(str(spec), plan, lang))
    print(result.text(lang))
    if args.output:
        if result.fitted is None:
            raise UsageError(_t("cli.fit.nothing", lang))
        write_atomically(args.output, lambda p: result.fitted.to_yaml(p), inputs=(spec, args.team))
        print(_t("fit.written", lang, path=args.output), file=sys.stderr)
    return 0


def cmd_regulation(args: argparse.Namespace) -> int:
    from .plan import load_plan

    lang = args.lang
    spec = _plan_file(args.plan)
    from .safe_write import check_output_path

    check_output_path(args.output, inputs=[spec] + ([args.team] if args.team else []))
    plan = load_plan(spec)
    team = _read_team(args, args.team) if args.team else None
    if team is not None:
        _check_plan_fits(plan, team, args, args.plan, args.team)
    profile = _client_profile(args)
    from .regulation import write_regulation

    path = write_regulation(plan, args.output, team=team, lang=lang, client=args.client or profile.name,
                            title=_plan_title(str(spec), plan, lang), write=write_atomically,
                            inputs=[spec] + ([args.team] if args.team else []))
    print(_t("cli.regulation.written", lang, path=path), file=sys.stderr)
    return 0


def _add_consultant_commands(sub: Any, lang: str) -> None:
    """``inspect``, ``fit`` and ``regulation``: help and messages in the language asked for."""
    class Formatter(argparse.RawDescriptionHelpFormatter):
        def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
            super().add_usage(usage, actions, groups, prefix=prefix or _t("cli.usage", lang) + " ")

    def command(name: str, func: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        text = _t(f"cli.{name}.help", lang)
        p = sub.add_parser(name, help=text, description=text, add_help=False,
                           epilog=_t("cli.example", lang) + "\n  " + _t(f"cli.{name}.example", lang),
                           formatter_class=Formatter)
        p._positionals.title = _t("cli.positionals", lang)  # argparse's own words, in the language asked for
        p._optionals.title = _t("cli.optionals", lang)
        p.add_argument("-h", "--help", action="help", help=_t("cli.help", lang))
        p.set_defaults(func=func)
        return p

    p = command("inspect", cmd_inspect)
    p.add_argument("data", metavar=_t("cli.metavar.data", lang), help=_t("cli.arg.data", lang))
    p.add_argument("--write-profile", metavar=_t("cli.metavar.profile", lang), help=_t("cli.inspect.write_profile", lang))
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.arg.lang", lang))
    _add_data_options(p, lang)

    p = command("fit", cmd_fit)
    p.add_argument("plan", metavar=_t("cli.metavar.plan", lang), help=_t("cli.arg.plan", lang))
    p.add_argument("--team", required=True, metavar=_t("cli.metavar.data", lang), help=_t("cli.arg.data", lang))
    p.add_argument("--role", metavar=_t("cli.metavar.role", lang), help=_t("cli.fit.role", lang))
    p.add_argument("-o", "--output", metavar=_t("cli.metavar.out_yaml", lang), help=_t("cli.fit.output", lang))
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.arg.lang", lang))
    _add_data_options(p, lang)

    p = command("regulation", cmd_regulation)
    p.add_argument("plan", metavar=_t("cli.metavar.plan", lang), help=_t("cli.arg.plan", lang))
    p.add_argument("--team", metavar=_t("cli.metavar.data", lang), help=_t("cli.regulation.team", lang))
    p.add_argument("-o", "--output", required=True, metavar=_t("cli.metavar.docx", lang), help=_t("cli.regulation.output", lang))
    p.add_argument("--client", metavar=_t("cli.metavar.client", lang), help=_t("cli.regulation.client", lang))
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.arg.lang", lang))
    _add_data_options(p, lang)


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    lang = lang or _help_lang(None)
    parser = _Parser(prog="kpilab", description="Design and test sales pay schemes: salary + KPI bonus.",
                     epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"kpilab {__import__('kpilab').__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, func: Callable[[argparse.Namespace], int], help_text: str, example: str
                ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=f"example:\n  {example}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    p = command("payout", cmd_payout, "Pay every rep in every period under a plan; writes the payout table as CSV.",
                "kpilab payout data/plans/balanced_kpi.yaml data/sample_team.csv -o payouts.csv")
    p.add_argument("plan", help="plan or scheme YAML file")
    p.add_argument("data", help="performance table, .csv or .xlsx")
    p.add_argument("-o", "--output", help="CSV file to write (default: standard output)")
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.arg.lang", lang))
    _add_data_options(p, lang)

    p = command("validate", cmd_validate, "Check a plan file: prints ok, or every problem with its key path.",
                "kpilab validate data/plans/balanced_kpi.yaml")
    p.add_argument("plan", help="plan or scheme YAML file")

    p = command("explain", cmd_explain, "Explain one rep's pay in one period, line by line.",
                "kpilab explain data/plans/balanced_kpi.yaml data/sample_team.csv --rep R01 --period 2026-03")
    p.add_argument("plan")
    p.add_argument("data")
    p.add_argument("--rep", required=True, help="rep_id")
    p.add_argument("--period", required=True, help="period label, e.g. 2026-03")
    p.add_argument("--scenario", default=None, help="scenario number, when the data has a scenario column")
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.explain.lang", lang))
    p.add_argument("--detail", action="store_true", help=_t("cli.explain.detail", lang))
    _add_data_options(p, lang)

    p = command("compare", cmd_compare,
                "Compare plans on a team: prints the metrics x plans table and writes a report folder "
                "(report.html, charts/*.png|svg, payouts.xlsx).", _COMPARE_EXAMPLE)
    p.add_argument("plans", nargs="+", metavar="PLAN", help="plan or scheme YAML files (or bundled plan names)")
    p.add_argument("--team", required=True, metavar="DATA", help="performance table, .csv or .xlsx")
    p.add_argument("--baseline", metavar="PLAN", help="plan the pay changes are measured against (default: the first)")
    p.add_argument("--scenarios", type=_bounded(1, MAX_SCENARIOS), metavar="N",
                   help="simulate N years by resampling the team's months (department-month bootstrap); "
                        "adds budget P10/P50/P90")
    p.add_argument("--seed", type=_seed, default=0, metavar="S", help="seed of the simulation (default 0)")
    p.add_argument("--report", required=True, metavar="DIR",
                   help="report folder to write; kpilab replaces only the files it wrote there before")
    p.add_argument("--force", action="store_true", help=_FORCE_HELP)
    _add_data_options(p, lang)
    p.add_argument("--lang", choices=("en", "ru"), default="en", help="language of the report (default en)")
    p.add_argument("--cost-band", type=_band, metavar="LOW,HIGH",
                   help="acceptable payroll/revenue, e.g. 0.03,0.09 (default: not assessed)")
    p.add_argument("--client", metavar="NAME", help="client's name, shown in the report's header")
    p.add_argument("--author", metavar="NAME", help="author, shown in the report's header")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="date of the report (default: today)")
    p.add_argument("--logo", metavar="FILE", help="logo image (PNG, JPEG or GIF), embedded in the report")
    p.add_argument("--slides", metavar="OUT.pptx", help="also write the analysts' slides (PowerPoint)")
    p.add_argument("--guarantee-months", type=_positive_int, default=3, metavar="N",
                   help="months of the transition guarantee priced under winners and losers (default 3)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    p = command("simulate", cmd_simulate, "Generate a synthetic sales team (one row per rep per month) as CSV.",
                _SIMULATE_EXAMPLE)
    p.add_argument("--reps", type=_bounded(1, MAX_SIMULATED_ROWS), required=True, metavar="N",
                   help="number of reps")
    p.add_argument("--months", type=_bounded(1, 1200), default=12, metavar="M", help="number of months (default 12)")
    p.add_argument("--seed", type=_seed, default=None, metavar="S", help="seed (default: fresh randomness)")
    p.add_argument("--mix", metavar="ARCHETYPE=W,...",
                   help="archetype weights, e.g. star=0.1,laggard=0.2 (others 0; normalised)")
    p.add_argument("--start", default="2026-01", metavar="YYYY-MM", help="first month (default 2026-01)")
    p.add_argument("-o", "--output", help="CSV (or .xlsx) file to write (default: standard output)")

    p = command("lint", cmd_lint, "Find design problems in a plan: cliffs, flat zones, early caps, gates that "
                "zero the bonus, unlawful fines. Exit status 0 with or without findings.", _LINT_EXAMPLE)
    p.add_argument("plan", help="plan or scheme YAML file (or a bundled plan name)")
    p.add_argument("--team", metavar="DATA", help="performance table: also check caps and gates on real rows")
    _add_data_options(p, lang)
    p.add_argument("--lang", choices=("en", "ru"), default="en", help="language of the findings (default en)")

    p = command("demo", cmd_demo, "Compare the bundled plans on the bundled sample team with simulated years; "
                "writes reports/demo/ and prints the verdict.", _DEMO_EXAMPLE)
    p.add_argument("--scenarios", type=_bounded(1, MAX_SCENARIOS), default=200, metavar="N",
                   help="simulated years (default 200)")
    p.add_argument("--seed", type=_seed, default=0, metavar="S", help="seed (default 0)")
    p.add_argument("--report", default=os.path.join("reports", "demo"), metavar="DIR",
                   help="report folder (default reports/demo)")
    p.add_argument("--force", action="store_true", help=_FORCE_HELP)
    p.add_argument("--lang", choices=("en", "ru"), default="en", help="language of the report (default en)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    _add_consultant_commands(sub, lang)
    _add_optimize_command(sub, lang)
    _add_predict_command(sub, lang)
    return parser


class _Terminated(BaseException):
    """SIGTERM (or SIGHUP), raised in the main thread so that every ``finally`` removes its temporaries."""

    def __init__(self, signum: int = 15) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum: int, _frame: Any) -> None:
    raise _Terminated(signum)


#: Commands whose standard output is data (CSV); it is passed on as it is unless it goes to a terminal.
_DATA_COMMANDS = frozenset({"payout", "simulate"})


class _PrintableStream:
    """A text stream that shows control characters as escapes (``\\x1b``) instead of sending them.

    A rep id or plan name holding ESC sequences would otherwise recolour or retitle
    the user's terminal, or hide text, when ``lint``, ``compare`` or an error prints it.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from .errors import printable

        self._stream.write(printable(text, keep="\n\t"))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _say(text: str) -> None:
    """One message on standard error, control characters escaped, never raising."""
    from .errors import printable

    try:
        print(printable(text, keep="\n"), file=sys.stderr, flush=True)
    except (OSError, ValueError):  # stderr closed: nothing more can be said
        pass


# --------------------------------------------------------------------------- optimize (issue 16)

def _read_free(path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """FREE.yaml: ``{key path: [low, high]}``, or sections ``free:`` (and optional ``constraints:``)."""
    from .errors import PlanError
    from .plan.yaml_io import _read_file, read_plan_yaml

    data = read_plan_yaml(_read_file(Path(path), path), path)
    if not isinstance(data, dict) or not data:
        raise PlanError([("", "a free-numbers file is a mapping of key paths to [low, high]")], source=path)
    if "free" not in data:
        return data, {}
    unknown = sorted(set(data) - {"free", "constraints"})
    if unknown:
        raise PlanError([(k, "unknown section (known: free, constraints)") for k in unknown], source=path)
    constraints = data.get("constraints") or {}
    if not isinstance(constraints, dict):
        raise PlanError([("constraints", "must be a mapping (max_loss: 0.1, payroll_max: ...)")], source=path)
    known = {"max_loss", "payroll_max", "monotone", "criteria"}
    bad = sorted(set(constraints) - known)
    if bad:
        raise PlanError([(f"constraints.{k}", f"unknown constraint (known: {', '.join(sorted(known))})")
                         for k in bad], source=path)
    return data["free"] or {}, constraints


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {text!r}")
    return value


def cmd_optimize(args: argparse.Namespace) -> int:
    from .analysis.optimize import optimize, parse_free
    from .plan import load_plan
    from .safe_write import check_output_path, check_report_folder

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
        from .data.scenarios import bootstrap_years

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
    from .safe_write import write_folder_atomically

    def fill(tmp: Path) -> None:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot as plt

        from .plots import plot_pareto, save

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
    from .analysis.optimize import OBJECTIVES

    text = ("Search a plan's free numbers for the cheapest plan (or a Pareto front) that still passes the "
            "verdict; writes the best plan as YAML.")
    p = sub.add_parser("optimize", help=text, description=text, formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="example:\n  kpilab optimize data/plans/balanced_kpi.yaml --team data/sample_team.csv "
                              "--free free.yaml --max-loss 0.15 --seed 1 -o cheaper.yaml --report reports/optimize")
    p.set_defaults(func=cmd_optimize)
    p.add_argument("plan", metavar="PLAN", help="plan or scheme YAML file (or a bundled plan name)")
    p.add_argument("--team", required=True, metavar="DATA", help="performance table, .csv or .xlsx")
    p.add_argument("--free", required=True, metavar="FREE.yaml",
                   help="key paths of the plan with bounds, e.g. 'target_bonus: [30000, 90000]'")
    p.add_argument("--objective", action="append", choices=list(OBJECTIVES), metavar="NAME",
                   help=f"what to optimise (repeat for a Pareto front): {', '.join(OBJECTIVES)}; default payroll")
    p.add_argument("-o", "--output", metavar="OUT.yaml", help="best plan file (default PLAN_optimized.yaml)")
    p.add_argument("--report", metavar="DIR", help="folder for the candidates, the Pareto table and chart")
    p.add_argument("--force", action="store_true", help=_FORCE_HELP)
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_positive_int, metavar="N", help="local Dask worker processes")
    where.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler of a cluster, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--scenarios", type=_positive_int, metavar="N", help="score every plan over N simulated years")
    p.add_argument("--robust", type=_share, metavar="SHARE",
                   help="each criterion must also hold in this share of the simulated years (e.g. 0.9)")
    p.add_argument("--max-loss", type=_share, metavar="SHARE",
                   help="no rep's monthly pay may fall more than this share below the current plan's")
    p.add_argument("--payroll-max", type=float, metavar="RUB", help="payroll ceiling")
    p.add_argument("--cost-band", type=_band, metavar="LOW,HIGH", help="acceptable payroll/revenue, e.g. 0.03,0.09")
    p.add_argument("--budget", type=_positive_int, default=2000, metavar="N", help="most plans to try (default 2000)")
    p.add_argument("--seed", type=_seed, default=0, metavar="S", help="seed of the search (default 0)")
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.arg.lang", lang))
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _add_data_options(p, lang)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    - 0: done; 2: bad input (one message naming file, row, rep, period,
      column or plan key path), nothing written;
    - 130: interrupted by Ctrl-C (SIGINT), one line; 143: terminated
      (SIGTERM; 129 for SIGHUP). Either way every temporary file or folder is
      removed first and no output is left half-written (outputs are renamed
      into place only when complete);
    - 1: an internal error (a bug in kpilab): one line, and the traceback with
      ``KPILAB_DEBUG=1``.
    """
    import signal
    import warnings

    previous: dict[int, Any] = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            previous[signum] = signal.signal(signum, _on_signal)
        except ValueError:  # not the main thread (an embedding application): leave its handlers alone
            break
    try:
        sigint = signal.getsignal(signal.SIGINT)  # restored on the way out (main() may be called again)
    except ValueError:
        sigint = None
    debug = bool(os.environ.get("KPILAB_DEBUG"))
    try:
        with warnings.catch_warnings():
            if not debug:  # numpy/pandas warnings are for developers; a user gets one clear message
                warnings.simplefilter("ignore")
            return _main(argv)
    except KeyboardInterrupt:
        _ignore_interrupts()
        _clean_up()
        _say(_msg("errors.stopped", message=_msg("errors.interrupted")))
        return EXIT_INTERRUPTED
    except _Terminated as exc:
        _ignore_interrupts()
        _clean_up()
        _say(_msg("errors.stopped", message=_msg("errors.terminated")))
        return 128 + exc.signum
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if previous and sigint is not None:
            signal.signal(signal.SIGINT, sigint)


def _ignore_interrupts() -> None:
    """A second Ctrl-C while cleaning up must not leave a traceback (or the temporaries) behind."""
    import signal

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:
        pass


def _msg(key: str, **fields: Any) -> str:
    from .i18n.messages import msg

    return msg(key, **fields)


def _clean_up() -> None:
    from .safe_write import remove_temporaries

    remove_temporaries()


@functools.lru_cache(maxsize=4)
def _cached_parser(lang: str) -> argparse.ArgumentParser:
    """The parser in ``lang``, built once per process (building it costs more than most commands on a
    small table)."""
    return build_parser(lang)


def _main(argv: Sequence[str] | None) -> int:
    parser = _cached_parser(_help_lang(argv))
    stdout = sys.stdout
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 0
        if args.command not in _DATA_COMMANDS or getattr(stdout, "isatty", lambda: False)():
            sys.stdout = _PrintableStream(stdout)  # type: ignore[assignment]
        return args.func(args)
    except KpilabError as exc:
        _say(_msg("errors.prefix", message=str(exc)))
        return EXIT_BAD_INPUT
    except FileNotFoundError as exc:
        _say(_msg("errors.prefix", message=_msg("errors.no_such_file", path=str(exc.filename))))
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `kpilab payout ... | head`
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return 0
    except OSError as exc:  # a folder where a file should be, no permission, a full disk
        where = f"{exc.filename}: " if exc.filename else ""
        _say(_msg("errors.prefix", message=f"{where}{exc.strerror or exc}"))
        return EXIT_BAD_INPUT
    except MemoryError:
        _clean_up()
        _say(_msg("errors.prefix", message=_msg("errors.out_of_memory")))
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, _Terminated):
        raise
    except Exception as exc:  # a bug: one line, never a wall of traceback (KPILAB_DEBUG=1 shows it)
        _clean_up()
        if os.environ.get("KPILAB_DEBUG"):
            raise
        _say(_msg("errors.internal", kind=type(exc).__name__, detail=" ".join(str(exc).split())[:200]))
        return EXIT_INTERNAL
    finally:
        sys.stdout = stdout


# --------------------------------------------------------------------------- predict (issue 15)

def cmd_predict(args: argparse.Namespace) -> int:
    """``kpilab predict``: how reps would respond to PLAN after BASELINE, with ranges and assumptions."""
    from .analysis.response import predict
    from .analysis.response.text import assumptions_text, summary_text
    from .plan import load_plan
    from .safe_write import check_report_folder

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
    title = _t("response.cli.title", lang, plan=_plan_title(args.plan, new, lang),
               baseline=_plan_title(args.baseline, current, lang))
    text = "\n\n".join([title, summary_text(result, lang), assumptions_text(result, lang)])
    print(text)
    if args.report:
        _write_predict_report(result, text, args.report, force=args.force, inputs=inputs)
        print(_t("response.cli.saved", lang, path=args.report), file=sys.stderr)
    return 0


def _write_predict_report(result: Any, text: str, folder: str, *, force: bool, inputs: Sequence[Any]) -> None:
    """The prediction in a folder: summary.txt (the table and the assumptions in words) and the tables as CSV."""
    from .safe_write import write_folder_atomically

    def fill(tmp: Path) -> None:
        (tmp / "summary.txt").write_text(text + "\n", encoding="utf-8")
        result.team.to_csv(tmp / "team.csv")
        result.per_rep.to_csv(tmp / "per_rep.csv", index=False)
        result.effort.to_csv(tmp / "effort.csv", index=False)
        result.sensitivity.to_csv(tmp / "sensitivity.csv", index=False)
        result.verdict.to_csv(tmp / "verdict.csv", index=False)
        result.attainment.to_csv(tmp / "attainment.csv", index=False)

    write_folder_atomically(folder, fill, force=force, inputs=inputs)


def _add_predict_command(sub: Any, lang: str) -> None:
    """``kpilab predict``: predicted behaviour under a new plan (issue 15)."""
    text = ("Predict what reps would do under PLAN instead of the BASELINE plan in force: activity, deals, "
            "revenue, pay and the verdict, each with its range, and the model's assumptions in plain words.")
    p = sub.add_parser("predict", help=text, description=text, formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="example:\n  kpilab predict data/plans/tiered_commission.yaml --baseline "
                              "data/plans/balanced_kpi.yaml --team data/sample_team.csv --report reports/predict")
    p.set_defaults(func=cmd_predict)
    p.add_argument("plan", metavar="PLAN", help="the new plan or scheme YAML file (or a bundled plan name)")
    p.add_argument("--baseline", required=True, metavar="PLAN", help="the plan in force when the data was recorded")
    p.add_argument("--team", required=True, metavar="DATA", help="one observed year, .csv or .xlsx")
    p.add_argument("--scenarios", type=_bounded(1, 2000), default=200, metavar="N",
                   help="simulated years per prediction (default 200)")
    p.add_argument("--seed", type=_seed, default=0, metavar="S", help="seed (default 0)")
    p.add_argument("--report", metavar="DIR", help="folder for summary.txt and the tables as CSV")
    p.add_argument("--force", action="store_true", help=_FORCE_HELP)
    p.add_argument("--lang", choices=("en", "ru"), default=lang, help=_t("cli.arg.lang", lang))
    _add_data_options(p, lang)
