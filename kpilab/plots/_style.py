"""The house style of every chart: palette, archetype colours and markers, money axes, and :func:`save`."""

from __future__ import annotations

import functools
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter
from pathlib import Path
from typing import Any, TypeVar

from ..engine import Payouts
from ..i18n import check_lang, currency_symbol, format_number, has_label, label
from ..metrics import names
from ..plan import Plan, Scheme
from ..i18n.messages import msg


F = TypeVar("F", bound=Callable[..., Any])


#: Archetypes in the order legends list them (best to worst performer, then the special cases).
ARCHETYPE_ORDER: tuple[str, ...] = ("star", "hard_worker", "account_manager", "phone_specialist",
                                    "paperwork_specialist", "minimum_doer", "newcomer", "laggard")


# seaborn "colorblind" indices: 0 blue, 1 orange, 2 green, 3 vermillion, 4 purple, 5 brown,
# 6 pink, 7 grey, 8 yellow, 9 sky blue. A fixed map keeps an archetype one colour on every slide.
_ARCHETYPE_COLOUR = {"star": 2, "hard_worker": 0, "account_manager": 5, "phone_specialist": 9,
                     "paperwork_specialist": 4, "minimum_doer": 1, "newcomer": 8, "laggard": 3}


_ARCHETYPE_MARKER = {"star": "*", "hard_worker": "o", "account_manager": "D", "phone_specialist": "^",
                     "paperwork_specialist": "s", "minimum_doer": "v", "newcomer": "P", "laggard": "X"}


_UNLABELLED = "unlabelled"


_SEVERITY_COLOUR = {"error": 3, "warning": 1, "info": 7}


_MONEY_METRICS = set(names(family="sales", unit="money") + names(family="pay", unit="money"))


_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def palette(n: int | None = None) -> list[tuple[float, float, float]]:
    """The house palette: seaborn ``colorblind`` (10 colours), or its first ``n``."""
    return list(sns.color_palette("colorblind", n_colors=n if n is not None else 10))


def _house_rc() -> dict[str, Any]:
    return {
        "axes.prop_cycle": cycler(color=palette()),
        "figure.figsize": (7.5, 4.5),
        "figure.dpi": 100,
        "figure.facecolor": "white",
        "figure.constrained_layout.use": True,
        "savefig.dpi": 200,
        "savefig.facecolor": "white",
        "font.size": 10,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.labelsize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.alpha": 0.35,
        "grid.linewidth": 0.6,
        "legend.frameon": False,
        "legend.fontsize": 9,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "lines.linewidth": 2.0,
        # SVG text stays text (editable in a deck) and PDF fonts embed as TrueType (Cyrillic survives).
        "svg.fonttype": "none",
        "svg.hashsalt": "kpilab",  # stable element ids: the same chart saves to the same bytes
        "pdf.fonttype": 42,
    }


@contextmanager
def style(rc: Mapping[str, Any] | None = None) -> Iterator[None]:
    """The kpilab house style, active only inside the ``with`` block.

    Parameters
    ----------
    rc
        Extra ``rcParams`` to apply on top of the house style.

    Examples
    --------
    >>> with style():                       # doctest: +SKIP
    ...     fig, ax = plt.subplots()
    ...     plot_payout_curve(plan, ax=ax)

    Global ``rcParams`` are exactly as before once the block exits
    (``matplotlib.rc_context`` restores them).
    """
    with mpl.rc_context({**_house_rc(), **dict(rc or {})}):
        yield


def _styled(func: F) -> F:
    """Draw inside :func:`style`, so a chart looks the same whoever calls it."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check_lang(kwargs.get("lang", "en"))  # fail before a half-drawn figure exists
        with style():
            return func(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


def _axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    """``ax`` itself, or a new figure's only Axes (pyplot-managed so Jupyter shows it inline)."""
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=figsize)
    return new


def archetype_color(archetype: str) -> tuple[float, float, float]:
    """The colour an archetype has on every chart (grey when unlabelled or unknown)."""
    return palette()[_ARCHETYPE_COLOUR.get(str(archetype), 7)]


def archetype_marker(archetype: str) -> str:
    """The marker shape of an archetype: colour is never the only cue."""
    return _ARCHETYPE_MARKER.get(str(archetype), "o")


class MoneyFormatter(Formatter):
    """Tick labels with the language's thousands separator (``120,000`` / ``120 000``).

    On an axis reaching two million or more the ticks switch to millions
    (``2.5M`` in English, the Russian catalog's short millions in Russian): seven-digit labels run into each other on a
    narrow chart. The currency sign goes in the axis title, not on every tick.
    """

    def __init__(self, lang: str = "en", decimals: int = 0) -> None:
        self.lang = check_lang(lang)
        self.decimals = decimals

    def __call__(self, x: float, pos: int | None = None) -> str:
        if self.axis is not None:
            lo, hi = self.axis.get_view_interval()
            if max(abs(lo), abs(hi)) >= 2e6:
                ticks = np.asarray(self.axis.get_majorticklocs(), dtype=float)
                step = float(np.min(np.abs(np.diff(ticks)))) / 1e6 if ticks.size > 1 else 1.0
                # as many decimals as the tick step needs (0.25 M -> two), never more than two
                decimals = next((d for d in range(3) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 2)
                return f"{format_number(x / 1e6, self.lang, decimals)}\u00a0{label('million', self.lang)}"
        return format_number(x, self.lang, self.decimals)


def money_formatter(lang: str = "en", decimals: int = 0) -> MoneyFormatter:
    """A :class:`MoneyFormatter`: thousands separators, millions on large axes."""
    return MoneyFormatter(lang, decimals)


def _currency_of(obj: Plan | Scheme | Payouts | None) -> str:
    plan = obj.plan if isinstance(obj, Payouts) else obj
    if isinstance(plan, Scheme):
        plan = next(iter(plan.plans().values()))
    return getattr(plan, "currency", "RUB") or "RUB"


def _money_title(key: str, lang: str, currency: str, suffix: str | None = None) -> str:
    """``"Total pay, ₽"``; an optional qualifier goes in parentheses."""
    text = _name(key, lang)
    if suffix:
        text += f" ({suffix})"
    symbol = currency_symbol(currency)
    return f"{text}, {symbol}" if symbol else text


def _name(key: Any, lang: str) -> str:
    """A label for a known key; anything else (a plan or component the user named) verbatim."""
    key = str(key)
    return label(key, lang) if has_label(key) else key


def _set_money_axis(axis: Any, lang: str) -> None:
    axis.set_major_formatter(money_formatter(lang))


def _finding_list(findings: Any) -> list[Any]:
    if findings is None:
        return []
    if hasattr(findings, "findings"):  # a LintReport
        return list(findings.findings)
    return list(findings)


def save(fig: Figure | Axes, path: str | Path, dpi: int = 200, **kwargs: Any) -> Path:
    """Write a chart as presentation-quality PNG, SVG or PDF, chosen by the file's extension.

    Parameters
    ----------
    fig
        A Figure (an Axes saves its figure).
    path
        ``*.png``, ``*.svg`` or ``*.pdf``.
    dpi
        Resolution of PNG (and of raster parts of vector files).
    **kwargs
        Passed to ``Figure.savefig``.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        For any other extension.
    """
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(msg("api_errors.plot_save_extension", path_name=path.name, FORMATS=', '.join(_FORMATS)))
    figure = fig.figure if isinstance(fig, Axes) else fig
    # no timestamps in vector files, so saving the same chart twice gives the same bytes
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)
    options: dict[str, Any] = {"dpi": dpi, "bbox_inches": "tight", "format": fmt, "facecolor": "white"}
    if metadata is not None:
        options["metadata"] = metadata
    options.update(kwargs)
    with style():  # fonttype settings apply at save time
        figure.savefig(path, **options)
    return path
