"""Deliverables of a plan comparison: a self-contained HTML report, charts, a workbook and slides.

One call does it all, like a tear sheet::

    import kpilab
    path = kpilab.report(plans, team, "reports/client", lang="ru", client="Acme Ltd",
                         author="A. Petrova", logo="logo.png", slides="reports/client.pptx")

Step by step, the same flow::

    plans + team ─► build_report() ─► ComparisonReport ─► write_report(dir)   report.html, charts/, payouts.xlsx
                                                       └► write_slides(path)  slides.pptx

=============  ===========================================================
``build``      run the analyses once; format figures; the report object
``charts``     which :mod:`kpilab.plots` charts the report shows
``html``       the page, from ``templates/report.html.j2`` and ``report.css``
``xlsx``       payouts.xlsx (openpyxl; user text always text)
``slides``     the analysts' deck (python-pptx; native tables)
``write``      the report folder, all or nothing (:mod:`kpilab.safe_write`)
=============  ===========================================================

Every word comes from the ``report.*`` catalog keys (:mod:`kpilab.i18n`);
simulated years from :mod:`kpilab.data.scenarios`; the recommended plan from
:mod:`kpilab.analysis.recommend`; winners and losers from
:mod:`kpilab.analysis.transition`.
"""

from __future__ import annotations

import datetime as _dt
import sys
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..analysis.recommend import recommend
from ..data.scenarios import bootstrap_years
from .build import ComparisonReport, build_report, unique_names
from .formatting import format_value, metric_kind, metric_label, period_text, plan_title, text_table, word
from .html import page_context, render_html
from .write import check_report_dir, check_slides_path, render_charts, write_report
from .xlsx import XLSX_FORMATS, sheet_names, write_xlsx

__all__ = ["report", "ComparisonReport", "build_report", "write_report", "check_report_dir", "bootstrap_years",
           "recommend", "metric_kind", "metric_label", "format_value", "text_table", "render_html", "page_context",
           "write_xlsx", "write_slides", "sheet_names", "XLSX_FORMATS", "render_charts", "unique_names", "word"]


def write_slides(report: ComparisonReport, path: str | Path, **kwargs: Any) -> Path:
    """The analysts' deck (see :func:`kpilab.report.slides.write_slides`)."""
    from .slides import write_slides as _write

    return _write(report, path, **kwargs)


def report(plans: Mapping[str, Any] | Sequence[Any], team: Any, path: str | Path, *, lang: str = "en",
           baseline: str | None = None, n_scenarios: int | None = None, seed: int = 0, criteria: Any = None,
           client: str | None = None, author: str | None = None, date: str | _dt.date | None = None,
           logo: str | Path | None = None, slides: str | Path | None = None, force: bool = False,
           guarantee_months: int = 3, loss_threshold: float = 0.01) -> Path:
    """Compare plans on a team and write the whole report folder in one call; returns the path of report.html.

    Parameters
    ----------
    plans
        ``{name: plan}`` or a list of plans; the first is the baseline unless ``baseline`` names another.
    team
        The performance table (e.g. :func:`kpilab.load_team`).
    path
        The report folder (created; an old kpilab report in it is replaced, all or nothing).
    lang
        ``"en"`` or ``"ru"``.
    baseline, n_scenarios, seed, criteria
        As in :func:`build_report`.
    client, author, date, logo
        Branding shown in the page header: the client's name, the author, the date
        (``YYYY-MM-DD``, default today) and a PNG/JPEG/GIF logo file, embedded.
    slides
        Also write the analysts' deck (``.pptx``) here.
    force
        Write into a folder that also holds files kpilab did not write (they are kept).
    guarantee_months, loss_threshold
        Winners and losers: the transition guarantee's months, the share of pay a loss must exceed.

    Returns
    -------
    Path
        ``path/report.html``.
    """
    check_report_dir(path, force=force)
    if slides is not None:
        check_slides_path(slides)
    built = build_report(plans, team, baseline=baseline, n_scenarios=n_scenarios, seed=seed, lang=lang,
                         criteria=criteria, client=client, author=author, date=date, logo=logo,
                         guarantee_months=guarantee_months, loss_threshold=loss_threshold)
    return write_report(built, path, force=force, slides=slides)


class _CallableModule(types.ModuleType):
    """``kpilab.report`` is both this package and the one-call function ``kpilab.report(plans, team, path)``.

    The README promises both spellings (``from kpilab import report as rp; rp.build_report(...)`` and the
    tear-sheet call), so the package module itself is callable and forwards to :func:`report`.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Path:
        return report(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
