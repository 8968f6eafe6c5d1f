"""The tuner's page: which widget goes where, built anew on a language switch or a new team.

:class:`PageLayout` is the part of :class:`~kpilab.dashboard.view.Tuner` that
lays the page out (toolbar, team box, controls, save box, actions row, panels,
charts, what-if) and re-renders the text panels; :func:`page_language` picks
the language the page opens in.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path
from typing import Any

import ipywidgets as W

from ..i18n import LANGS
from ..plan.paths import numeric_paths
from . import render as R
from .charts import Charts
from .controls import ControlPanel
from .specs import control_specs, plan_name, words
from .whatif import WhatIfPanel

__all__ = ["PageLayout", "page_language", "DEFAULT_LANG"]

#: The page's language when neither the address (``?lang=ru``) nor the browser (Accept-Language) says.
DEFAULT_LANG = "en"


def page_language(default: str = DEFAULT_LANG) -> str:
    """The language the page should open in.

    Voila passes the request to the kernel as environment variables: the query
    string (``?lang=ru`` wins) and, when Voila is told to pass it
    (``VoilaConfiguration.http_header_envs = ["Accept-Language"]``, set in
    ``notebooks/voila.json``), the browser's ``Accept-Language``; the first
    supported language there is used. Otherwise ``default``.
    """
    query = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
    for value in query.get("lang", []):
        if value in LANGS:
            return value
    accept = os.environ.get("HTTP_ACCEPT_LANGUAGE", "")
    ranked = []
    for i, part in enumerate(accept.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag.split("-")[0].lower()))
    for _q, _i, tag in sorted(ranked):
        if tag in LANGS:
            return tag
    return default


class PageLayout:
    """The page of a :class:`~kpilab.dashboard.view.Tuner`: its widgets, where they go, the text panels."""

    # ------------------------------------------------------------------ building the page
    def _build(self) -> None:
        """(Re)build every child for the current state and language (a language switch rebuilds)."""
        state, lang = self.state, self.state.lang
        self.specs = {s.path: s for s in control_specs(state.plan, lang)}
        self.panel = ControlPanel(list(self.specs.values()), state.plan, numeric_paths(state.plan) | {
            p: state.value(p) for p in self.specs}, lang, self._on_control)
        self.charts = Charts(state)
        self.title = W.HTML(R.header_html(plan_name(state.plan, lang), state.plan.describe(lang)))
        self.title.add_class("kp-title")
        intro = W.HTML(R.message_html(words("intro", lang)))
        intro.add_class("kp-intro")
        self.verdict_html = W.HTML()
        self.verdict_html.add_class("kp-verdict")
        self.cost_html = W.HTML()
        self.cost_html.add_class("kp-cost")
        self.status = W.HTML()
        self.status.add_class("kp-status")
        self.language = W.ToggleButtons(options=[(words("language_name", code), code) for code in LANGS], value=lang,
                                        description="", style={"button_width": "90px"})
        self.language.add_class("kp-lang")
        self.language.observe(lambda change: self.set_lang(change["new"]), names="value")
        toolbar = [W.HTML(R.label_html(words("language", lang))), self.language]
        if self._plans:
            current = next((n for n, p in self._plans.items() if p == state.original), None)
            options = [(plan_name(p, lang), n) for n, p in self._plans.items()]
            if current is None:
                options.insert(0, (plan_name(state.original, lang), "__start__"))
            self.plan_pick = W.Dropdown(options=options, value=current or "__start__", description="",
                                        layout=W.Layout(width="320px"))
            self.plan_pick.add_class("kp-plan-pick")
            self.plan_pick.observe(lambda change: self._pick_plan(change["new"]), names="value")
            toolbar += [W.HTML(R.label_html(words("plan_pick", lang))), self.plan_pick]
        bar = W.HBox(toolbar, layout=W.Layout(align_items="center", flex_flow="row wrap"))
        team_box = self._build_team(lang)
        save_box = self._build_save(lang)
        left = W.VBox([self.panel.widget, self._build_actions(), save_box, self.status],
                      layout=W.Layout(width="46%", min_width="440px"))
        right = W.VBox([self.cost_html, self.verdict_html], layout=W.Layout(width="54%", padding="0 0 0 12px"))
        top = W.HBox([left, right], layout=W.Layout(width="100%", align_items="flex-start"))
        self.compare_box = W.VBox()
        self.compare_box.add_class("kp-compare-area")
        self.widget.children = [bar, self.title, intro, team_box, top, self.charts.widget, self._build_what_if(),
                                self.compare_box]
        self._render_text()

    def _build_team(self, lang: str) -> W.Widget:
        self.team_html = W.HTML(R.message_html(self._team_sentence(lang)))
        self.team_html.add_class("kp-team")
        self.upload_status = W.HTML()
        self.upload_status.add_class("kp-upload-status")
        if not self.upload_enabled:
            return W.VBox([self.team_html])
        self.upload_file = _upload(".csv,.xlsx,.xlsm,.tsv,.txt", words("upload_file", lang), "kp-upload",
                                   self._uploaded)
        self.upload_mapping = _upload(".yaml,.yml", words("upload_mapping", lang), "kp-upload-mapping",
                                      self._mapping_uploaded)
        self.sample_button = _button(words("upload_use_sample", lang), "kp-use-sample",
                                     lambda: self.use_team(self.sample_team))
        row = W.HBox([self.upload_mapping, self.upload_file, self.sample_button],
                     layout=W.Layout(flex_flow="row wrap"))
        help_text = W.HTML(R.message_html(words("upload_help", lang)))
        return W.VBox([W.HTML(f"<b>{R.label_html(words('team_title', lang))}</b>"), self.team_html, row, help_text,
                       self.upload_status])

    def _build_save(self, lang: str) -> W.Widget:
        state = self.state
        self.name_box = _text(W.Text, state.plan.title(lang), words("plan_name", lang), "kp-plan-name")
        self.description_box = _text(W.Textarea, state.plan.describe(lang), words("plan_description", lang),
                                     "kp-plan-description", height="64px")
        self.path_box = _text(W.Text, str(self.save_path), words("save_path", lang), "kp-save-path")
        self.save_button = _button(words("save", lang), "kp-save", self._save_clicked, icon="save",
                                   button_style="primary")
        self.reset_button = _button(words("reset", lang), "kp-reset", self.reset, icon="undo")
        self.compare_button = _button(words("compare_start", lang), "kp-compare-start", self.compare_with_start,
                                      icon="columns")
        buttons = W.HBox([self.save_button, self.reset_button, self.compare_button])
        return W.VBox([self.name_box, self.description_box, self.path_box, buttons])

    def _build_actions(self) -> W.Widget:
        """The extra actions' widgets in one row (see the top of this module)."""
        built = []
        for action in self.actions:
            widget = action.build(self)
            if widget is not None:
                widget.add_class(f"kp-action-{action.key}")
                built.append(widget)
        row = W.HBox(built, layout=W.Layout(flex_flow="row wrap", align_items="center"))
        row.add_class("kp-actions")
        return row

    def _build_what_if(self) -> W.Widget:
        self.what_if_panel = WhatIfPanel(self.state)
        return self.what_if_panel.widget

    @property
    def whatif_rep(self) -> W.Dropdown:
        return self.what_if_panel.rep

    @property
    def whatif_period(self) -> W.Dropdown:
        return self.what_if_panel.period

    @property
    def whatif_boxes(self) -> dict[str, W.FloatText]:
        return self.what_if_panel.boxes

    @property
    def whatif_html(self) -> W.HTML:
        return self.what_if_panel.html

    @property
    def last_what_if(self) -> Any:
        return self.what_if_panel.last

    def _team_sentence(self, lang: str) -> str:
        from ..i18n import t

        team = self.state.team
        reps = t("common.reps", lang, count=int(team["rep_id"].nunique()))
        months = t("common.months", lang, count=int(team["period"].nunique()))
        source = str(team.attrs.get("source", "")) or None
        if team is self.sample_team or source is None:
            return words("team_sample", lang, reps=reps, months=months)
        if self.state.n_years and "scenario" not in team.columns:
            return words("team_loaded", lang, file=Path(source).name, reps=reps, months=months,
                         years=self.state.n_years)
        return words("team_as_given", lang, file=Path(source).name, reps=reps, months=months)

    # ------------------------------------------------------------------ text panels
    def _render_text(self) -> None:
        self.revision += 1
        self.cost_html.value = R.cost_html(self.state)
        self.verdict_html.value = R.verdict_html(self.state, self.revision)


def _button(text: str, css: str, on_click: Any, **style: Any) -> W.Button:
    button = W.Button(description=text, layout=W.Layout(width="auto"), **style)
    button.add_class(css)
    button.on_click(lambda _b: on_click())
    return button


def _upload(accept: str, text: str, css: str, on_value: Any) -> W.FileUpload:
    box = W.FileUpload(accept=accept, multiple=False, description=text, layout=W.Layout(width="auto"))
    box.add_class(css)
    box.observe(lambda change: on_value(change["new"]), names="value")
    return box


def _text(kind: Any, value: str, text: str, css: str, height: str | None = None) -> W.Widget:
    box = kind(value=value, description=text, layout=W.Layout(width="100%", height=height),
               style={"description_width": "120px"})
    box.add_class(css)
    return box
