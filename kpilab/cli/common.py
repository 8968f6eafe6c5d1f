"""What every command shares: argument types, limits, the client-data options, plan and team loading, atomic writes."""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import KpilabError



class UsageError(KpilabError):
    """A command line that cannot be carried out (exit status 2)."""


def _formatter(lang: str) -> type[argparse.HelpFormatter]:
    """argparse's raw-description formatter whose "usage:" is in ``lang``."""
    class Formatter(argparse.RawDescriptionHelpFormatter):
        def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
            super().add_usage(usage, actions, groups, prefix=_t("cli.usage", lang) + " " if prefix is None else prefix)

    return Formatter


def localise(parser: argparse.ArgumentParser, lang: str) -> argparse.ArgumentParser:
    """Give ``parser`` argparse's own words (section titles, ``-h``) in ``lang``; returns it."""
    parser._positionals.title = _t("cli.positionals", lang)
    parser._optionals.title = _t("cli.optionals", lang)
    parser.add_argument("-h", "--help", action="help", help=_t("cli.help", lang))
    return parser


def metavars(lang: str) -> Callable[[str], str]:
    """The argument placeholders of ``lang`` by key (catalog ``cli.metavar.<key>``, e.g. "PLAN")."""
    return lambda key: _t(f"cli.metavar.{key}", lang)


def add_command(sub: Any, name: str, func: Callable[[argparse.Namespace], int], lang: str
                ) -> argparse.ArgumentParser:
    """One subcommand: its help, description and example from the ``cli`` catalog in ``lang``.

    The words are ``cli.<name>.help`` and ``cli.<name>.example``; ``func`` runs
    the command. Every command is added through here, so each one's help reads
    in the language asked for and ends with an example to copy.
    """
    text = _t(f"cli.{name}.help", lang)
    p = sub.add_parser(name, help=text, description=text, add_help=False, formatter_class=_formatter(lang),
                       epilog=_t("cli.example", lang) + "\n  " + _t(f"cli.{name}.example", lang))
    localise(p, lang)
    p.set_defaults(func=func)
    return p


def _argparse_pattern(template: str) -> re.Pattern[str]:
    """argparse's message template (``invalid choice: %(value)r (choose from %(choices)s)``) as a regex."""
    parts = re.split(r"(%\((\w+)\)[rs]|%[rs])", template)
    out, i, unnamed = "", 0, iter(("args", "other"))
    while i < len(parts):
        out += re.escape(parts[i])
        if i + 1 < len(parts):
            out += f"(?P<{parts[i + 2] or next(unnamed)}>.+?)"
        i += 3
    return re.compile(out)


#: argparse's own messages (Python 3.11+) -> the catalog's words for them.
_ARGPARSE = [(_argparse_pattern(template), key) for template, key in (
    ("the following arguments are required: %s", "cli.err.required"),
    ("argument %(argument_name)s: %(message)s", "cli.err.argument"),
    ("invalid choice: %(value)r (choose from %(choices)s)", "cli.err.invalid_choice"),
    ("invalid %(type)s value: %(value)r", "cli.err.invalid_value"),
    ("expected one argument", "cli.err.expected_one"),
    ("expected at least one argument", "cli.err.expected_some"),
    ("expected at most one argument", "cli.err.expected_at_most_one"),
    ("unrecognized arguments: %s", "cli.err.unrecognized"),
    ("one of the arguments %s is required", "cli.err.one_of"),
    ("not allowed with argument %s", "cli.err.not_allowed"),
    ("ambiguous option: %(option)s could match %(matches)s", "cli.err.ambiguous"),
    ("ignored explicit argument %r", "cli.err.ignored"),
)]


def _argparse_words(message: str, lang: str) -> str:
    """An argparse message in ``lang``: English as argparse words it, other languages from the catalog."""
    if lang == "en":
        return message
    for pattern, key in _ARGPARSE:
        match = pattern.fullmatch(message)
        if match:
            fields = {k: re.sub(r"'([^']*)'", r"«\1»", v) for k, v in match.groupdict().items()}
            if "message" in fields:
                fields["message"] = _argparse_words(match.group("message"), lang)
            return _t(key, lang, **fields)
    return message


def _lang() -> str:
    from ..i18n.messages import message_lang

    return message_lang()


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and status 2 like every other bad input, in the messages' language."""

    def error(self, message: str) -> None:  # type: ignore[override]
        lang = _lang()
        raise UsageError(_t("cli.err.usage", lang, prog=self.prog, message=_argparse_words(message, lang)))


def write_atomically(path: str | Path, write: Callable[[Path], None], *, inputs: Sequence[str | Path] = ()
                     ) -> None:
    """Write through a temporary file, then rename; refuses an input, a device or a read-only file.

    See :func:`kpilab.safe_write.write_file_atomically`.
    """
    from ..safe_write import write_file_atomically

    write_file_atomically(path, write, inputs=inputs)


def _load(plan_path: str, data_path: str, args: argparse.Namespace) -> tuple[Any, Any]:
    from ..plan import load_plan

    plan = load_plan(_plan_file(plan_path))
    team = _read_team(args, data_path)  # the engine checks what each row's plan reads
    _check_plan_fits(plan, team, args, plan_path, data_path)
    return plan, team


def _whole_number(minimum: int) -> Callable[[str], int]:
    """argparse type: an integer >= ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(_t("cli.err.whole_number", _lang(), minimum=minimum, text=text))
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
            raise argparse.ArgumentTypeError(_t("cli.err.over_limit", _lang(), value=_count(value), limit=_count(maximum)))
        return value

    return parse


def _count(value: int) -> str:
    """A whole number in the messages' language: ``2,000,000`` / «2 000 000»."""
    from ..i18n import fmt_number

    return fmt_number(value, _lang())


def _check_scenario_rows(scenarios: int | None, team_rows: int) -> None:
    """Refuse a comparison whose simulated table would exceed :data:`MAX_SCENARIO_ROWS`, before any work."""
    if scenarios and scenarios * team_rows > MAX_SCENARIO_ROWS:
        raise UsageError(_t("cli.err.scenario_rows", _lang(), scenarios=_count(scenarios), rows=_count(team_rows),
                            total=_count(scenarios * team_rows), limit=_count(MAX_SCENARIO_ROWS),
                            most=_count(max(1, MAX_SCENARIO_ROWS // max(team_rows, 1)))))


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
            raise UsageError(_t("cli.err.mix_part", _lang(), part=part))
        try:
            weight = float(value)
        except ValueError:
            raise UsageError(_t("cli.err.mix_number", _lang(), name=name, value=value.strip())) from None
        if name in mix:
            raise UsageError(_t("cli.err.mix_twice", _lang(), name=name))
        if not math.isfinite(weight):
            raise UsageError(_t("cli.err.mix_finite", _lang(), name=name, value=value.strip()))
        mix[name] = weight
    if not mix:
        raise UsageError(_t("cli.err.mix_empty", _lang()))
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
        raise argparse.ArgumentTypeError(_t("cli.err.band", _lang(), text=text)) from None
    if not 0 <= low <= high:
        raise argparse.ArgumentTypeError(_t("cli.err.band_order", _lang(), text=text))
    return low, high


def _plan_file(spec: str) -> Path:
    """A plan file, or the name of a bundled plan (``balanced_kpi``) when no such file exists."""
    path = Path(spec)
    if path.exists() or path.suffix:
        return path
    from ..data import datasets

    if spec in datasets.plan_names():
        return datasets.plan_path(spec)
    return path


def _t(key: str, lang: str, **fields: Any) -> str:
    from ..i18n import t

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
        raise argparse.ArgumentTypeError(_t("cli.data.bad_rows", _lang(), text=text)) from None
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
    from ..data.profiles import ClientProfile, load_mapping, load_profile

    lang = getattr(args, "lang", "en")
    profile = load_profile(args.profile, lang) if getattr(args, "profile", None) else ClientProfile()
    mapping = load_mapping(args.mapping, lang) if getattr(args, "mapping", None) else None
    return profile.merged(columns=mapping, sheet=getattr(args, "sheet", None),
                          skip_rows=getattr(args, "skip_rows", None),
                          drop_blank_rows=getattr(args, "drop_blank_rows", None))


def _read_team(args: argparse.Namespace, path: str) -> Any:
    """The team table read as the client-data options say (see :mod:`kpilab.data.profiles`)."""
    from ..data.profiles import load_client_team

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
    from ..analysis.fit import _metric_list, missing_metrics

    missing, _ = missing_metrics(plan, team)
    if not missing:
        return
    lang = getattr(args, "lang", "en")
    command = f"kpilab fit {plan_path} --team {data_path}{_data_flags(args)} -o FITTED.yaml"
    raise UsageError(_t("cli.plan_needs", lang, plan=_plan_title(plan, lang), data=data_path, count=len(missing),
                        metrics=_metric_list(missing, lang), command=command))


def _plan_title(plan: Any, lang: str) -> str:
    """The plan's name in ``lang``: the plan file's ``names`` map, else its ``name`` (the one place a plan is named)."""
    from ..engine.explain import plan_title

    return plan_title(plan, lang)


#: Signals received during this run: an exception raised by a signal handler inside an import is turned
#: into an ImportError by Python, and this list still says that the run was interrupted.
_RECEIVED: list[int] = []


def _on_sigint(signum: int, _frame: Any) -> None:
    _RECEIVED.append(signum)
    raise KeyboardInterrupt
