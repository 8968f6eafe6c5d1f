"""Writing a report folder: report.html, charts/*.png and *.svg, payouts.xlsx (and slides), all or nothing.

The atomic-write rules live in :mod:`kpilab.safe_write`: everything is written
into a temporary folder first and moved into place at the end, so a failure
leaves nothing behind and an old report intact; only files kpilab wrote are
ever replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import KpilabError
from ..safe_write import check_output_path, check_report_folder, write_folder_atomically
from . import html as _html
from . import xlsx as _xlsx
from .build import ComparisonReport
from .formatting import Step
from .charts import draw_charts
from ..i18n.messages import msg

__all__ = ["write_report", "check_report_dir", "check_slides_path", "render_charts"]


def check_report_dir(directory: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse a report folder that cannot be (re)written, before any work is done.

    The rules live in :func:`kpilab.safe_write.check_report_folder`: a file in
    its place, or a folder holding files kpilab did not write (unless
    ``force``), is an error naming them.
    """
    check_report_folder(directory, force=force, inputs=inputs)
    return Path(directory)


def render_charts(report: ComparisonReport, folder: Path | None = None, *, step: Step | None = None,
                  dpi: int = 150) -> dict[str, tuple[str, bytes]]:
    """Draw the report's charts; write each as PNG and SVG into ``folder`` when given.

    Returns
    -------
    dict
        Chart stem -> (caption, PNG bytes), in the order the report shows them.
    """
    import io

    import matplotlib.pyplot as plt

    from .. import plots

    tick: Step = step or (lambda _desc: None)
    images: dict[str, tuple[str, bytes]] = {}
    try:
        for stem, caption, fig in draw_charts(report):
            tick(f"chart: {stem}")
            # constrained layout already fits the figure: no second "tight" layout pass (half the time)
            if folder is not None:
                plots.save(fig, folder / f"{stem}.svg", bbox_inches=None)
                png = plots.save(fig, folder / f"{stem}.png", dpi=dpi, bbox_inches=None).read_bytes()
            else:
                buf = io.BytesIO()
                fig.savefig(buf, format="png", dpi=dpi)
                png = buf.getvalue()
            images[stem] = (caption, png)
            plt.close(fig)
    finally:
        plt.close("all")
    return images


def check_slides_path(path: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse a slides file that cannot be written (not ``.pptx``, an input, a folder...), before any work."""
    if Path(path).suffix.lower() != ".pptx":
        raise KpilabError(msg("api_errors.report_slides_extension", path=path))
    return check_output_path(path, inputs)


def write_report(report: ComparisonReport, directory: str | Path, *, step: Step | None = None,
                 force: bool = False, inputs: Iterable[str | Path] = (), slides: str | Path | None = None) -> Path:
    """Write report.html, charts/*.png and *.svg and payouts.xlsx into ``directory``, all or nothing.

    With ``slides``, the deck (:func:`kpilab.report.slides.write_slides`) is
    written there too, from the same charts (drawn once).

    Returns
    -------
    Path
        The path of report.html.
    """
    tick: Step = step or (lambda _desc: None)
    inputs = list(inputs)
    if slides is not None:
        check_slides_path(slides, inputs)
    images: dict[str, tuple[str, bytes]] = {}

    def fill(tmp: Path) -> None:
        charts_dir = tmp / "charts"
        charts_dir.mkdir()
        tick("charts")
        images.update(render_charts(report, charts_dir, step=tick))
        tick("payouts.xlsx")
        _xlsx.write_xlsx(report, tmp / "payouts.xlsx")
        tick("report.html")
        (tmp / "report.html").write_text(_html.render_html(report, images), encoding="utf-8")

    write_folder_atomically(directory, fill, force=force, inputs=inputs)
    if slides is not None:
        from .slides import write_slides

        tick("slides")
        write_slides(report, slides, images=images, inputs=inputs)
    return Path(directory) / "report.html"
