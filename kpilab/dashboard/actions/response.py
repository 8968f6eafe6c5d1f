"""The tuner's behaviour toggle: pay the plan on last year's numbers, or on what reps would do under it.

"As last year" is the tuner as it always was. "As reps would respond" sets
the state's ``frame_hook``: every plan the sliders make is paid on the team as
it would respond to that plan (:class:`kpilab.analysis.response.Responder`,
calibrated once per team on the plan in force). The status line says it is a
model, with the predicted revenue and its range.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as W

from ...i18n import t
from ...i18n.format import fmt_money
from . import Action
from ...i18n.messages import msg

if TYPE_CHECKING:
    from ..view import Tuner

__all__ = ["ResponseToggle", "ACTION"]

AS_LAST_YEAR, RESPOND = "as_last_year", "respond"


class ResponseToggle(Action):
    """Two buttons, "as last year" / "as reps would respond"."""

    key, order = "response", 10

    def __init__(self) -> None:
        self.mode = AS_LAST_YEAR
        self._responder: Any = None
        self._team_id: int | None = None

    def build(self, tuner: Tuner) -> W.Widget:
        lang = tuner.lang
        toggle = W.ToggleButtons(options=[(t("response.dashboard.as_last_year", lang), AS_LAST_YEAR),
                                          (t("response.dashboard.respond", lang), RESPOND)],
                                 value=self.mode, description=t("response.dashboard.label", lang),
                                 style={"button_width": "auto"})  # each button as wide as its words
        toggle.observe(lambda change: self.switch(tuner, change["new"]), names="value")
        self.toggle = toggle
        self._install(tuner)   # a new page may come with a new state: set the hook on it again
        return toggle

    def responder(self, tuner: Tuner) -> Any:
        """The team's responder, calibrated once per team on the plan in force (the tuner's baseline)."""
        from ...analysis.response import Responder

        state = tuner.state
        if self._responder is None or self._team_id != id(state.team):
            team = state.team.drop(columns="scenario") if "scenario" in state.team.columns else state.team
            self._responder = Responder(state.baseline, team)
            self._team_id = id(state.team)
        return self._responder

    def _install(self, tuner: Tuner) -> None:
        if self.mode == RESPOND:
            responder = self.responder(tuner)
            tuner.state.frame_hook = responder.respond
        else:
            tuner.state.frame_hook = None

    def switch(self, tuner: Tuner, mode: str) -> None:
        """Pay the tuned plan as last year (``"as_last_year"``) or as reps would respond (``"respond"``)."""
        if mode not in (AS_LAST_YEAR, RESPOND):
            raise ValueError(msg("api_errors.tuner_response_mode",
                                 AS_LAST_YEAR=AS_LAST_YEAR, RESPOND=RESPOND, mode=mode))
        self.mode = mode
        if mode == RESPOND:
            tuner.say(t("response.dashboard.busy", tuner.lang))
        self._install(tuner)
        tuner.refresh()
        self.changed(tuner)

    def changed(self, tuner: Tuner) -> None:
        if self.mode != RESPOND:
            return
        lang = tuner.lang
        responder = self.responder(tuner)
        revenue = float(responder.facts(tuner.state.plan)["revenue"].sum())
        observed = float(responder.observed()["revenue"].sum())
        pay = float(tuner.state.payouts.table["total"].sum()) / max(getattr(tuner.state, "n_years", 0), 1)
        tuner.say(t("response.dashboard.note", lang, revenue=fmt_money(revenue, lang),
                    observed=fmt_money(observed, lang), pay=fmt_money(pay, lang)), tone="info")


ACTION = ResponseToggle
