"""The tuner's controls: one slider plus a typed-number box per tunable number of the plan.

A slider sends its value when released (``continuous_update=False``), so
dragging costs nothing and the kernel recomputes once per move. Beside it a
box takes a typed number (in percent where the plan holds a fraction); a typed
number above the slider's range widens the range instead of being clipped,
and one below the smallest allowed value is set to that value and said so
(the caller shows the message). The panel never computes: it calls
``on_change(path, value, typed)`` and is told back what value to show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W

from ..plan import Plan
from .render import label_html
from .specs import ControlSpec, control_class, nice_ceiling, section_title, words

__all__ = ["ControlPanel"]

OnChange = Callable[[str, float, bool], None]


class ControlPanel:
    """Sliders and boxes generated from specs, grouped in an accordion by section.

    Attributes
    ----------
    specs : dict
        Key path -> :class:`~kpilab.dashboard.specs.ControlSpec`.
    sliders, boxes : dict
        Key path -> ``FloatSlider`` / ``FloatText`` (the box shows percent for fractions).
    widget : ipywidgets.Accordion
    """

    def __init__(self, specs: list[ControlSpec], plan: Plan, values: dict[str, float], lang: str,
                 on_change: OnChange) -> None:
        self.specs = {s.path: s for s in specs}
        self.lang = lang
        self._on_change = on_change
        self._busy = False
        self.sliders: dict[str, W.FloatSlider] = {}
        self.boxes: dict[str, W.FloatText] = {}
        self.widget = self._build(plan, values)

    # ------------------------------------------------------------------ building
    def _control(self, spec: ControlSpec, value: float) -> W.Widget:
        slider = W.FloatSlider(value=value, min=spec.low, max=max(spec.high, value), step=spec.step,
                               continuous_update=False, readout=False, description="",
                               layout=W.Layout(width="auto", flex="1 1 auto", min_width="110px"))
        slider.add_class("kp-control")
        slider.add_class(control_class(spec.path))
        box = W.FloatText(value=self._shown(spec, value), continuous_update=False, description="",
                          step=None, layout=W.Layout(width="104px", min_width="104px"))
        box.add_class("kp-typed")
        box.add_class(control_class(spec.path) + "-typed")
        slider.observe(lambda change, path=spec.path: self._slid(path, change["new"]), names="value")
        box.observe(lambda change, path=spec.path: self._typed(path, change["new"]), names="value")
        self.sliders[spec.path] = slider
        self.boxes[spec.path] = box
        parts: list[W.Widget] = [slider, box]
        if spec.percent:
            parts.append(W.HTML(label_html("%"), layout=W.Layout(width="14px")))
        return W.HBox(parts, layout=W.Layout(align_items="center", flex="1 1 auto"))

    @staticmethod
    def _label(text: str, width: str) -> W.HTML:
        return W.HTML(label_html(text), layout=W.Layout(width=width, min_width=width, margin="0 6px 0 0"))

    def _build(self, plan: Plan, values: dict[str, float]) -> W.Accordion:
        sections: dict[str, list[W.Widget]] = {}
        rows: dict[str, list[ControlSpec]] = {}
        order: list[tuple[str, str | None, ControlSpec]] = []
        for spec in self.specs.values():
            if spec.row is not None:
                if spec.row not in rows:
                    order.append((spec.section, spec.row, spec))
                rows.setdefault(spec.row, []).append(spec)
            else:
                order.append((spec.section, None, spec))
        for section, row, spec in order:
            items = sections.setdefault(section, [])
            if row is None:
                items.append(W.HBox([self._label(spec.text, "200px"), self._control(spec, values[spec.path])],
                                    layout=W.Layout(align_items="center", width="100%")))
            else:
                parts: list[W.Widget] = []
                for k, s in enumerate(rows[row]):
                    parts += [self._label(s.text, "78px" if k == 0 else "52px"), self._control(s, values[s.path])]
                items.append(W.HBox(parts, layout=W.Layout(align_items="center", width="100%")))
        children, titles = [], []
        for section, items in sections.items():
            if any(self.specs[p].row for p in self.specs if self.specs[p].section == section):
                items.insert(0, W.HTML(label_html(words("curve_help", self.lang))))
            children.append(W.VBox(items, layout=W.Layout(width="100%")))
            titles.append(section_title(section, plan, self.lang))
        acc = W.Accordion(children=children, titles=tuple(titles), selected_index=0 if children else None)
        acc.add_class("kp-controls")
        return W.VBox([W.HTML(label_html(words("typed_help", self.lang))), acc])

    # ------------------------------------------------------------------ values
    @staticmethod
    def _shown(spec: ControlSpec, value: float) -> float:
        """The number the box shows: percent for a fraction, rounded to what the format shows."""
        if spec.percent:
            return round(value * 100.0, 6)
        return round(value, 6)

    def _slid(self, path: str, value: float) -> None:
        if self._busy:
            return
        self._on_change(path, float(value), False)

    def _typed(self, path: str, shown: float | None) -> None:
        if self._busy or shown is None:
            return
        spec = self.specs[path]
        value = float(shown) / 100.0 if spec.percent else float(shown)
        self._on_change(path, value, True)

    def show(self, path: str, value: float) -> None:
        """Show ``value`` at ``path`` without calling back (the range widens to include it)."""
        slider, box = self.sliders[path], self.boxes[path]
        self._busy = True
        try:
            with slider.hold_sync():  # range and value in one message
                if value > slider.max:
                    slider.max = nice_ceiling(value, slider.step)
                if abs(float(slider.value) - value) > 1e-12:
                    slider.value = value
            shown = self._shown(self.specs[path], value)
            if box.value != shown:
                box.value = shown
        finally:
            self._busy = False

    def show_all(self, values: dict[str, float]) -> None:
        for path in self.sliders:
            if path in values:
                self.show(path, values[path])

    def low(self, path: str) -> float:
        return float(self.sliders[path].min)

    def high(self, path: str) -> float:
        return float(self.sliders[path].max)

    def format(self, path: str, value: float) -> Any:
        """``value`` as the box shows it (percent for fractions)."""
        return self._shown(self.specs[path], value)
