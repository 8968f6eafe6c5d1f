"""One rep, what if? Pick a rep and a month, change their numbers, see their pay under the tuned plan and the baseline.

The panel only collects the numbers and shows the result; the pay and the
plain-words statement come from :meth:`TunerState.what_if` (the engine and
:func:`kpilab.engine.explain.statement_lines`).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import pandas as pd

from ..errors import KpilabError
from . import render as R
from .specs import name_of, words
from .state import TunerState

__all__ = ["WhatIfPanel"]


class WhatIfPanel:
    """The what-if controls and result for one state (rebuilt with the page).

    Attributes
    ----------
    rep, period : ipywidgets.Dropdown
    boxes : dict
        Metric -> the box holding the rep's number (their real number until changed).
    html : ipywidgets.HTML
        The result in plain words.
    last : WhatIf or None
        The latest result.
    widget : ipywidgets.VBox
    """

    def __init__(self, state: TunerState) -> None:
        self.state = state
        lang = state.lang
        rows = state.real_rows()
        reps = list(pd.unique(rows["rep_id"].astype(str)))
        periods = list(pd.unique(rows["period"].astype(str)))
        self.last: Any = None
        self._busy = True
        self.rep = W.Dropdown(options=reps, value=reps[0], description=words("whatif_rep", lang))
        self.rep.add_class("kp-whatif-rep")
        self.period = W.Dropdown(options=periods, value=periods[-1], description=words("whatif_period", lang))
        self.period.add_class("kp-whatif-period")
        self.boxes: dict[str, W.FloatText] = {}
        for m in sorted(m for m in state.plan.metrics_needed() if m in rows.columns):
            box = W.FloatText(description=name_of(m, lang), continuous_update=False,
                              style={"description_width": "140px"}, layout=W.Layout(width="300px"))
            box.add_class(f"kp-whatif-{m}")
            box.observe(lambda _c: self.refresh(), names="value")
            self.boxes[m] = box
        actual = W.Button(description=words("whatif_reset", lang), layout=W.Layout(width="auto"))
        actual.on_click(lambda _b: self.load())
        self.html = W.HTML()
        self.html.add_class("kp-whatif")
        self.rep.observe(lambda _c: self.load(), names="value")
        self.period.observe(lambda _c: self.load(), names="value")
        self._busy = False
        self.load()
        grid = W.GridBox(list(self.boxes.values()), layout=W.Layout(grid_template_columns="repeat(auto-fill, 310px)"))
        title = W.HTML(f"<h4 style='margin:8px 0 2px 0'>{R.label_html(words('whatif_title', lang))}</h4>")
        self.widget = W.VBox([title, W.HTML(R.message_html(words("whatif_help", lang))),
                              W.HBox([self.rep, self.period, actual]), grid, self.html])

    def load(self) -> None:
        """Fill the boxes with the rep's real numbers for the month, and show the result."""
        rows = self.state.real_rows()
        mask = (rows["rep_id"].astype(str) == self.rep.value) & (rows["period"].astype(str) == self.period.value)
        if not mask.any():
            self.html.value = R.message_html(words("whatif_none", self.state.lang))
            return
        row = rows[mask].iloc[0]
        self._busy = True
        try:
            for m, box in self.boxes.items():
                box.value = float(row[m])
        finally:
            self._busy = False
        self.refresh()

    def refresh(self) -> None:
        """Recompute the rep's pay with the numbers in the boxes under the current tuned plan."""
        if self._busy:
            return
        values = {m: float(b.value) for m, b in self.boxes.items()}
        try:
            result = self.state.what_if(self.rep.value, self.period.value, values)
        except KpilabError as exc:
            self.html.value = R.message_html(str(exc), "error")
            return
        self.last = result
        self.html.value = R.whatif_html(self.state, result)
