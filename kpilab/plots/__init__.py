"""Charts: every picture a consultant puts on a slide, drawn from engine and analysis results.

Every chart is ``plot_*(..., ax=None, lang="en") -> Axes``: pass an ``ax`` to
place it in your own figure, or leave it out and the chart makes its own.
Composite sheets (:func:`report_sheet`) return the ``Figure``. Nothing here
calls ``plt.show()`` or changes global ``rcParams``: the house style is the
context manager :func:`style`, which every chart enters while it draws and
which you can enter yourself around your own drawing.

The charts draw; they do not decide. Payout curves come from
:func:`kpilab.analysis.payout_curve` (computed by the engine), lint marks from
:func:`kpilab.analysis.lint`, pay from :class:`kpilab.engine.Payouts`. The
only arithmetic here is what a chart needs to lay data out (sums per rep,
quantiles per month, running totals of a waterfall).

Words come from :mod:`kpilab.i18n`, so every chart speaks English or Russian.
Colours are seaborn's ``colorblind`` palette, and where colour carries meaning
(archetypes) a marker shape carries it too.
"""

from __future__ import annotations

from ._style import style, save, palette, archetype_color, archetype_marker, money_formatter, MoneyFormatter, ARCHETYPE_ORDER
from .pay import plot_payout_curve, plot_pay_vs_performance, plot_pay_distribution, plot_waterfall, waterfall_parts
from .budget import plot_budget_fan
from .comparison import plot_comparison_bars, plot_tail, report_sheet
from ..analysis.budget import budget_quantiles
from .optimize import plot_pareto
from .response import plot_bunching

__all__ = [
    "style",
    "save",
    "palette",
    "archetype_color",
    "archetype_marker",
    "money_formatter",
    "MoneyFormatter",
    "ARCHETYPE_ORDER",
    "plot_payout_curve",
    "plot_pay_vs_performance",
    "plot_pay_distribution",
    "plot_budget_fan",
    "plot_waterfall",
    "plot_comparison_bars",
    "plot_tail",
    "report_sheet",
    "budget_quantiles",
    "waterfall_parts",
    "plot_pareto",
    "plot_bunching",
]
