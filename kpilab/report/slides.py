"""The analysts' deck (python-pptx): title, recommendation, verdict, key figures, charts, winners and losers.

Tables are native PowerPoint tables (editable, every figure formatted as in
the report); charts are the report's own PNGs at slide resolution. Every
word comes from the ``report.*`` catalog keys, in the report's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..i18n import fmt_date, t
from ..safe_write import write_file_atomically
from .build import ComparisonReport
from .formatting import metric_label, row_label, word

__all__ = ["write_slides", "KEY_METRICS", "MAX_TRANSITION_ROWS"]

#: The comparison rows a deck shows (the workbook has them all).
KEY_METRICS: tuple[str, ...] = ("payroll", "variable_share", "cost_of_sales", "rho", "top_to_minimum",
                                "p90_target_multiple", "budget_p10", "budget_p90")
#: Winners-and-losers rows on one slide: the biggest losses, then the biggest gains.
MAX_TRANSITION_ROWS = 12

_CHARTS = ("verdict_metrics", "pay_distribution", "budget_fan", "pay_vs_performance")
_BRAND = (0x1F, 0x4E, 0x79)
_FILLS = {"pass": (0xE3, 0xF4, 0xE8), "fail": (0xFD, 0xE8, 0xE6)}


def _rgb(color: tuple[int, int, int]) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor(*color)


def _table(slide: Any, header: Sequence[str], rows: Sequence[Sequence[str]], *, top: float, height: float,
           widths: Sequence[float] | None = None, fills: Sequence[Sequence[str | None]] | None = None,
           font: float = 12) -> Any:
    """A native table: a bold header row, figures right-aligned, optional cell fills by status."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    left, width = Inches(0.5), Inches(12.33)
    shape = slide.shapes.add_table(len(rows) + 1, len(header), left, Inches(top), width, Inches(height))
    table = shape.table
    if widths:
        total = sum(widths)
        for i, w in enumerate(widths):
            table.columns[i].width = int(width * w / total)
    for r, values in enumerate([list(header), *[list(v) for v in rows]]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = str(value)
            para = cell.text_frame.paragraphs[0]
            para.alignment = PP_ALIGN.LEFT if c == 0 or r == 0 else PP_ALIGN.RIGHT
            for run in para.runs:
                run.font.size = Pt(font)
                run.font.bold = r == 0
            status = fills[r - 1][c] if fills is not None and r > 0 else None
            if status in _FILLS:
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(_FILLS[status])
    return table


def _title(slide: Any, text: str, size: float = 28) -> None:
    from pptx.util import Pt

    slide.shapes.title.text = text
    for para in slide.shapes.title.text_frame.paragraphs:
        for run in para.runs:
            run.font.size = Pt(size)
            run.font.color.rgb = _rgb(_BRAND)


def _lines(slide: Any, lines: Sequence[str], *, top: float, height: float, size: float = 16) -> None:
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(0.5), Inches(top), Inches(12.33), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = line
        para.space_after = Pt(6)
        for run in para.runs:
            run.font.size = Pt(size)


def _picture(slide: Any, png: bytes, *, top: float = 1.35, max_height: float = 5.9) -> None:
    import io

    from PIL import Image
    from pptx.util import Inches

    with Image.open(io.BytesIO(png)) as img:
        ratio = img.width / img.height
    width = min(12.33, max_height * ratio)
    left = (13.333 - width) / 2
    slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), width=Inches(width))


def _transition_rows(report: ComparisonReport) -> tuple[list[list[str]], int]:
    """The biggest losses first, then the biggest gains, at most :data:`MAX_TRANSITION_ROWS`; and how many are left."""
    moves = report.transition
    rows = report.transition_rows()
    order = moves.table["change"].to_numpy()
    by_change = sorted(range(len(rows)), key=lambda i: order[i])
    losers = [i for i in by_change if moves.table["status"].iloc[i] == "loses"]
    gainers = [i for i in reversed(by_change) if moves.table["status"].iloc[i] != "loses"]
    keep = (losers + gainers)[:MAX_TRANSITION_ROWS]
    return [rows[i] for i in keep], len(rows) - len(keep)


def write_slides(report: ComparisonReport, path: str | Path, *,
                 images: Mapping[str, tuple[str, bytes]] | None = None,
                 inputs: Sequence[str | Path] = ()) -> Path:
    """Write the deck to ``path`` (through a temporary file: never half-written) and return it.

    Parameters
    ----------
    report
        From :func:`kpilab.report.build_report`.
    path
        A ``.pptx`` file.
    images
        The report's charts (stem -> (caption, PNG bytes)); drawn here when not given.
    inputs
        The command's input files: writing over one is refused.
    """
    from pptx import Presentation
    from pptx.util import Inches

    if images is None:
        from .write import render_charts

        images = render_charts(report, dpi=120)
    lang = report.lang
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    title_layout, title_only = prs.slide_layouts[0], prs.slide_layouts[5]

    # 1. Title
    slide = prs.slides.add_slide(title_layout)
    slide.shapes.title.text = word("title", lang)
    byline = [word("prepared_for", lang, client=report.client)] if report.client else []
    if report.author:
        byline.append(word("prepared_by", lang, author=report.author))
    byline.append(fmt_date(report.created, lang))
    byline.append(word("slides_subtitle", lang, reps=t("common.reps", lang, count=report.n_reps),
                       months=report.months()))
    slide.placeholders[1].text = "\n".join(byline)

    # 2. Recommendation
    slide = prs.slides.add_slide(title_only)
    _title(slide, word("slide_recommendation", lang))
    _lines(slide, [report.summary_line(), *report.summary_notes(),
                   word("baseline_line", lang, plan=report.title(report.baseline))], top=1.4, height=2.0, size=18)
    reco = report.recommended
    keys = [k for k in KEY_METRICS if k in report.comparison.table.index]
    rows = [[row_label(k, lang), *[report.cell(k, n) for n in report.names]] for k in keys]
    _table(slide, [word("metric", lang), *report.titles], rows, top=3.6, height=0.4 * (len(rows) + 1),
           widths=[3] + [2] * len(report.names), font=12)

    # 3. Verdict
    slide = prs.slides.add_slide(title_only)
    _title(slide, word("slide_verdict", lang))
    rows, fills = [], []
    for c in report.criteria:
        statuses = [report.status(n, c) for n in report.names]
        cells = []
        for n, s in zip(report.names, statuses):
            value = report.verdict_row(n, c).get("value")
            shown = report.fmt(value, report.criterion_kind(c)) if value is not None else ""
            cells.append(f"{report.status_word(s)} · {shown}" if shown and shown != "—" else report.status_word(s))
        rows.append([metric_label(c, lang), report.threshold_text(c), *cells])
        fills.append([None, None, *statuses])
    _table(slide, [word("criterion", lang), word("threshold", lang), *report.titles], rows, top=1.4,
           height=0.5 * (len(rows) + 1), widths=[3, 1.6] + [2] * len(report.names), fills=fills,
           font=12 if len(report.names) <= 4 else 10)

    # 4. Charts, one a slide, titled by their caption
    for stem in _CHARTS:
        if stem not in images:
            continue
        caption, png = images[stem]
        slide = prs.slides.add_slide(title_only)
        _title(slide, caption, size=20)
        _picture(slide, png)

    # 5. Winners and losers
    slide = prs.slides.add_slide(title_only)
    _title(slide, word("slide_transition", lang))
    lines = report.transition_lines()
    _lines(slide, lines, top=1.3, height=1.6, size=14)
    if report.transition is not None and reco != report.baseline:
        rows, more = _transition_rows(report)
        _table(slide, report.transition_header(), rows, top=3.0, height=0.3 * (len(rows) + 1),
               widths=[1.6, 2, 2, 2, 1.6, 2], font=11)
        if more:
            _lines(slide, [word("slide_more", lang, count=more)], top=3.1 + 0.3 * (len(rows) + 1), height=0.4,
                   size=11)

    return write_file_atomically(path, lambda tmp: prs.save(str(tmp)), inputs=inputs)
