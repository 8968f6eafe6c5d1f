"""The tuner's "find the cheapest plan that still passes" button (issue 16).

A click runs :func:`kpilab.analysis.optimize.cheapest_passing` on the tuned
plan and the tuner's data, in a background thread: the page keeps answering
(sliders, language, upload) while a progress bar counts the plans tried. When
the search ends, a cheaper plan that passes every criterion becomes the tuned
plan (controls, panels and charts follow, "Back to the start" undoes it) and
the status line says what it saves; otherwise the plan stays and the status
line says why.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from ...analysis.optimize import cheapest_passing
from ...errors import KpilabError
from ...i18n import fmt_money, fmt_percent, t
from . import Action

if TYPE_CHECKING:
    import ipywidgets as W

    from ..view import Tuner

__all__ = ["Cheapest", "ACTION", "BUDGET"]

#: Most plans one click tries (a few seconds on 50 reps × 12 months).
BUDGET = 400


class Cheapest(Action):
    """The button, its progress bar, and the search thread."""

    key, order = "cheapest", 20

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.result: Any = None
        self.budget = BUDGET

    def build(self, tuner: Tuner) -> W.Widget:
        import ipywidgets as W

        lang = tuner.lang
        self.button = W.Button(description=t("optimize.tuner.button", lang), icon="search",
                               layout=W.Layout(width="auto"))
        self.button.add_class("kp-cheapest")
        self.bar = W.IntProgress(value=0, min=0, max=self.budget, layout=W.Layout(width="160px", display="none"))
        self.bar.add_class("kp-cheapest-progress")
        self.button.on_click(lambda _b: self.start(tuner))
        if self.thread is not None and self.thread.is_alive():  # a rebuild during a search keeps showing it
            self.button.disabled = True
            self.bar.layout.display = ""
        return W.HBox([self.button, self.bar], layout=W.Layout(align_items="center"))

    def start(self, tuner: Tuner) -> None:
        """Start the search in a background thread (a second click while it runs does nothing)."""
        if self.thread is not None and self.thread.is_alive():
            return
        self.button.disabled = True
        self.bar.value, self.bar.layout.display = 0, ""
        plan, data, criteria = tuner.plan, tuner.state.data, tuner.state.criteria
        tuner.say(t("optimize.tuner.running", tuner.lang, done=0, total=self.budget))
        self.thread = threading.Thread(target=self._run, args=(tuner, plan, data, criteria), daemon=True,
                                       name="kpilab-cheapest")
        self.thread.start()

    def _run(self, tuner: Tuner, plan: Any, data: Any, criteria: Any) -> None:
        done = [0]

        def progress(k: int) -> None:
            done[0] += k
            self.bar.value = min(done[0], self.budget)
            tuner.say(t("optimize.tuner.running", tuner.lang, done=done[0], total=self.budget))

        try:
            self.result = result = cheapest_passing(plan, data, criteria=criteria, budget=self.budget,
                                                    progress=progress, lang=tuner.lang)
            self._finish(tuner, plan, result)
        except KpilabError as exc:
            tuner.say(t("optimize.tuner.failed", tuner.lang, error=str(exc)), "error")
        finally:
            self.button.disabled = False
            self.bar.layout.display = "none"

    def _finish(self, tuner: Tuner, plan: Any, result: Any) -> None:
        lang = tuner.lang
        if not result.found:
            tuner.say(t("optimize.tuner.none", lang, count=result.evaluations), "error")
            return
        before, after = result.start_figures["payroll"], result.best_figures["payroll"]
        if result.changes.empty or not after < before:
            tuner.say(t("optimize.tuner.already", lang, count=result.evaluations))
            return
        currency = getattr(plan, "currency", "RUB")
        payroll = t("optimize.payroll_down", lang, before=fmt_money(before, lang, currency),
                    after=fmt_money(after, lang, currency), change=fmt_percent(1.0 - after / before, lang, 1))
        tuner.apply(result.best, t("optimize.tuner.found", lang, payroll=payroll))
        tuner.say(t("optimize.tuner.found", lang, payroll=payroll), "ok")


ACTION = Cheapest
