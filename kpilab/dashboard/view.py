"""The owners' dashboard: controls -> state -> panels and charts, in one widget.

:class:`Tuner` wires the pieces and holds no business logic: a control change
asks the state for a new plan (:meth:`TunerState.changed`), the state evaluates
and analyses it, and the view re-renders the verdict and cost panels (Jinja2
templates) and sends the charts their new arrays (bqplot, drawn in the browser).
The page can also take the owner's own team (upload), switch between English
and Russian, show one rep's pay under changed numbers, save the plan with its
story and compare it with the starting plan.

Adding a control to the page (a toggle, a button): the extension point
------------------------------------------------------------------------
Do not edit this module. Add one module to ``kpilab/dashboard/actions/`` that
defines ``ACTION``, a subclass of :class:`kpilab.dashboard.actions.Action`::

    # kpilab/dashboard/actions/cheapest.py
    import ipywidgets as W
    from kpilab.dashboard.actions import Action
    from kpilab.dashboard.specs import words

    class Cheapest(Action):
        key, order = "cheapest", 20          # CSS class kp-action-cheapest; place in the row

        def build(self, tuner):              # called on every page (re)build: language switch, new team
            button = W.Button(description=words("cheapest", tuner.lang))   # dashboard.cheapest in the catalogs
            button.on_click(lambda _b: tuner.apply(find_cheapest(tuner.state), words("cheapest_done", tuner.lang)))
            return button

        def changed(self, tuner):            # optional: after every update of the tuned plan
            ...

    ACTION = Cheapest

The tuner finds every such module by itself and shows the widgets in one row
under the sliders (``.kp-actions``). What an action may use:

- ``tuner.state`` (read it: plan, team, data, report, payouts, lang) and ``tuner.lang``;
- ``tuner.apply(plan, message=None)``: make ``plan`` the tuned plan (controls, panels and charts follow)
  and say ``message`` in the status line;
- ``tuner.say(text, tone="info")``: a status line (``"info"``, ``"ok"``, ``"error"``);
- ``tuner.state.frame_hook``: ``None`` or ``f(plan, data) -> frame``, the frame a plan is evaluated on
  instead of ``state.data`` (e.g. the team as reps would respond to the plan); set it, then
  ``tuner.refresh()``. It lives on the state: set it again in ``build`` (a new team makes a new state);
- the action instance lives as long as the tuner: keep its own settings on ``self``.

``Tuner(actions=None)`` shows every action found; ``actions=[]`` none; ``actions=["cheapest"]`` those keys.
Words come from the catalogs (``dashboard.yaml`` or the action's own area) like every other word.
"""

from __future__ import annotations

import asyncio
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd

from ..analysis import Criteria
from ..data.profiles import ClientProfile
from ..errors import DataError, KpilabError, PlanError
from ..i18n import LANGS, check_lang, fmt_number
from ..plan import Plan, Scheme, load_plan
from ..plan.paths import numeric_paths
from . import render as R
from .charts import Charts
from .controls import ControlPanel
from .specs import control_specs, name_of, nice_ceiling, plan_name, words
from .state import TunerState
from .story import Outcome, log_entry, renamed, save_plan
from .upload import UploadError, describe_error, read_mapping, read_upload
from .whatif import WhatIfPanel

__all__ = ["Tuner", "tuner", "page_language", "DEFAULT_LANG"]

#: The page's language when neither the address (``?lang=ru``) nor the browser (Accept-Language) says.
DEFAULT_LANG = "en"

#: Seconds without a move before the verdict's intervals (the bootstrap, the slow part) are computed.
SETTLE_AFTER = 0.6



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


def _plan_and_text(plan: Plan | Scheme | str | Path) -> tuple[Plan | Scheme, str | None]:
    if isinstance(plan, (str, Path)):
        path = Path(plan)
        return load_plan(path), path.read_text(encoding="utf-8")
    return plan, None


class Tuner:
    """The bonus tuner: controls generated from a plan, panels, in-browser charts, upload, what-if, save.

    Build it with :func:`tuner`.

    Attributes
    ----------
    state : TunerState
        The plan being tuned, the team and every computed result.
    controls : dict
        Key path -> slider (``"target_bonus"``, ``"components[0].kpis.calls.weight"``, ...).
    typed : dict
        Key path -> the box beside the slider that takes a typed number.
    charts : Charts
        The four bqplot charts (``charts.marks`` hold the arrays shown).
    verdict_html, cost_html, status : ipywidgets.HTML
    widget : ipywidgets.VBox
        The whole page, ready to display (CSS class ``kp-tuner``).
    timings : dict
        Seconds of the last update: ``evaluate``, ``analysis``, ``view``, ``total``.
    """

    def __init__(self, plan: Plan | str | Path, team: pd.DataFrame, baseline: Plan | Scheme | None = None,
                 lang: str = "en", n_scenarios: int = 0, seed: int = 0, save_path: str | Path = "tuned_plan.yaml",
                 criteria: Criteria | Mapping[str, Any] | None = None,
                 plans: Mapping[str, Plan | str | Path] | None = None, upload: bool = True,
                 sample_name: str | None = None, actions: list[Any] | None = None, **_ignored: Any) -> None:
        lang = page_language() if lang == "auto" else check_lang(lang)
        loaded, text = _plan_and_text(plan)
        self._texts: dict[str, str | None] = {}
        self._plans: dict[str, Plan] = {}
        for name, p in (plans or {}).items():
            obj, p_text = _plan_and_text(p)
            if isinstance(obj, Plan):
                self._plans[str(name)] = obj
                self._texts[str(name)] = p_text
        self._settings = {"n_scenarios": int(n_scenarios), "seed": int(seed), "criteria": criteria}
        self._fixed_baseline = baseline
        self.sample_team = team
        self.sample_name = sample_name
        self._profile: ClientProfile | None = None
        self.upload_enabled = upload
        if not isinstance(loaded, Plan):
            raise KpilabError(f"the tuner tunes one plan; '{getattr(loaded, 'name', loaded)}' is a scheme of "
                              f"several: pick one of its plans (scheme.plans()[role])")
        self.state = TunerState(loaded, team, baseline=baseline, lang=lang, n_scenarios=int(n_scenarios),
                                seed=int(seed), criteria=criteria)
        self.original_text = text
        self.save_path = Path(save_path).expanduser().resolve()
        self.timings: dict[str, float] = {}
        self.revision = 0
        self._last_save: tuple[Plan, Outcome] | None = None
        self.actions = _actions(actions)
        self._settle_handle: asyncio.TimerHandle | None = None
        self._settle_pool: ThreadPoolExecutor | None = None
        self.widget = W.VBox(layout=W.Layout(width="100%"))
        self.widget.add_class("kp-tuner")
        self._build()

    # ------------------------------------------------------------------ the old attribute names
    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def plan(self) -> Plan:
        return self.state.plan

    @property
    def original(self) -> Plan:
        return self.state.original

    @property
    def baseline(self) -> Plan | Scheme:
        return self.state.baseline  # type: ignore[return-value]

    @property
    def data(self) -> pd.DataFrame:
        return self.state.data

    @property
    def payouts(self) -> Any:
        return self.state.payouts

    @property
    def report(self) -> Any:
        return self.state.report

    @property
    def baseline_report(self) -> Any:
        return self.state.baseline_report

    @property
    def profile(self) -> Any:
        return self.state.profile

    @property
    def controls(self) -> dict[str, W.FloatSlider]:
        return self.panel.sliders

    @property
    def typed(self) -> dict[str, W.FloatText]:
        return self.panel.boxes

    # ------------------------------------------------------------------ building the page
    def _build(self) -> None:
        """(Re)build every child for the current state and language (a language switch rebuilds)."""
        state, lang = self.state, self.state.lang
        self.specs = {s.path: s for s in control_specs(state.plan, lang)}
        self.panel = ControlPanel(list(self.specs.values()), state.plan, numeric_paths(state.plan) | {
            p: state.value(p) for p in self.specs}, lang, self._on_control)
        self.charts = Charts(state)
        self.title = W.HTML(R.header_html(plan_name(state.plan, lang), state.plan.description))
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
        self.name_box = _text(W.Text, state.plan.name, words("plan_name", lang), "kp-plan-name")
        self.description_box = _text(W.Textarea, state.plan.description, words("plan_description", lang),
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

    # ------------------------------------------------------------------ changes
    def _on_control(self, path: str, value: float, typed: bool) -> None:
        state, lang = self.state, self.state.lang
        spec = self.specs[path]
        current = state.value(path)
        note = None
        if typed:
            low, high = self.panel.low(path), self.panel.high(path)
            shown = self.panel.format(path, value)
            if value < low:
                note = words("clipped", lang, what=spec.text, value=_plain(shown, lang),
                             low=_plain(self.panel.format(path, low), lang))
                value = low
            elif value > high:
                self.panel.sliders[path].max = nice_ceiling(value, spec.step)  # the range follows the typed value
                note = words("extended", lang, what=spec.text, value=_plain(shown, lang),
                             high=_plain(self.panel.format(path, self.panel.high(path)), lang))
        elif abs(value - current) < spec.step / 2 - 1e-12:
            return  # the slider only rounded the plan's own value for display
        try:
            new = state.changed(path, value)
        except (PlanError, KeyError, ValueError) as exc:
            self.panel.show(path, current)
            text = "; ".join(m for _p, m in exc.problems) if isinstance(exc, PlanError) else str(exc)
            self.status.value = R.message_html(words("rejected", lang, message=text), "error")
            return
        self.update(new)
        done = words("updated", lang, ms=round(self.timings["total"] * 1000))
        self.status.value = R.message_html(f"{note} {done}" if note else done, "info", data={
            "wall-ms": round(self.timings["total"] * 1000, 1), "cpu-ms": round(self.timings["cpu"] * 1000, 1)})

    def set(self, path: str, value: float) -> None:
        """Move the control at ``path`` to ``value``, exactly as a user would (triggers an update)."""
        if path not in self.controls:
            raise KeyError(f"no control {path!r}; controls: {', '.join(self.controls)}")
        self.controls[path].value = value

    def type_value(self, path: str, shown: float) -> None:
        """Type ``shown`` into the box of ``path`` (percent for fractions), exactly as a user would."""
        self.typed[path].value = shown

    def update(self, plan: Plan) -> None:
        """Make ``plan`` the tuned plan: evaluate, analyse, re-render panels and charts.

        In a running kernel the verdict's intervals (the bootstrap, about ten
        times the rest) follow :data:`SETTLE_AFTER` seconds after the last move,
        computed in a worker thread, and the verdict says "intervals updating"
        meanwhile; the one-rep what-if (below the charts) follows then too;
        everything else is final at once. Without a running event loop (a
        script, a test) both are done before this returns.
        """
        t0, c0 = time.perf_counter(), time.process_time()
        self.state.quick_update(plan)
        t1 = time.perf_counter()
        self.panel.show_all(numeric_paths(plan))
        self._render_text()
        self.charts.update()
        t2 = time.perf_counter()
        self.timings = {**self.state.timings, "view": t2 - t1, "total": t2 - t0, "cpu": time.process_time() - c0}
        for action in self.actions:
            action.changed(self)
        self._settle_later()

    # ------------------------------------------------------------------ the verdict's intervals, after idle
    def _settle_later(self) -> None:
        if self._settle_handle is not None:
            self._settle_handle.cancel()
            self._settle_handle = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None:
            self.what_if_panel.refresh()
            self.settle()
            return
        self._settle_handle = loop.call_later(SETTLE_AFTER, self._start_settling, loop)

    def _start_settling(self, loop: asyncio.AbstractEventLoop) -> None:
        self._settle_handle = None
        self.what_if_panel.refresh()
        state, payouts = self.state, self.state.payouts
        if state.settled:
            return
        if self._settle_pool is None:
            self._settle_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kp-intervals")
        future = self._settle_pool.submit(state.full_report, payouts)
        future.add_done_callback(lambda f: loop.call_soon_threadsafe(self._finish_settling, state, payouts, f))

    def _finish_settling(self, state: TunerState, payouts: Any, future: Future[Any]) -> None:
        if state is not self.state or payouts is not state.payouts or state.settled:
            return  # the owner moved on: that plan's intervals are not wanted
        try:
            report = future.result()
        except Exception as exc:  # noqa: BLE001 - shown in the page, not lost in a thread
            self.say(str(exc), "error")
            return
        state.settle(report)
        self._render_text()

    def settle(self) -> None:
        """Compute the verdict's intervals now (if pending) and show them."""
        if self._settle_handle is not None:
            self._settle_handle.cancel()
            self._settle_handle = None
        if not self.state.settled:
            self.state.settle()
            self._render_text()

    def apply(self, plan: Plan, message: str | None = None) -> None:
        """Make ``plan`` the tuned plan (controls, panels and charts follow) and say ``message``, if any."""
        self.update(plan)
        if message:
            self.say(message)

    def refresh(self) -> None:
        """Recompute the tuned plan as it is (after an action changed how plans are evaluated)."""
        self.update(self.state.plan)

    def say(self, text: str, tone: str = "info") -> None:
        """Show ``text`` in the status line (``tone``: ``"info"``, ``"ok"``, ``"error"``)."""
        self.status.value = R.message_html(text, tone)

    def reset(self) -> None:
        """Back to the starting plan (controls, numbers and charts)."""
        self.update(self.state.original)
        self.name_box.value = self.state.original.name
        self.description_box.value = self.state.original.description
        self.status.value = R.message_html(words("was_reset", self.lang))

    def set_lang(self, lang: str) -> None:
        """Show the page in ``lang``: every control, panel, chart and sentence."""
        check_lang(lang)
        if lang == self.state.lang:
            return
        name, description = self.name_box.value, self.description_box.value
        self.state.set_lang(lang)
        self._build()
        self.name_box.value, self.description_box.value = name, description

    # ------------------------------------------------------------------ team and plan
    def _new_state(self, plan: Plan, team: pd.DataFrame) -> TunerState:
        s = self._settings
        return TunerState(plan, team, baseline=self._fixed_baseline, lang=self.state.lang,
                          n_scenarios=s["n_scenarios"], seed=s["seed"], criteria=s["criteria"])

    def _fits(self, plan: Plan, team: pd.DataFrame) -> str | None:
        """A sentence saying what ``team`` lacks for ``plan``, or None when it has every column."""
        missing = sorted(m for m in plan.metrics_needed() if m not in team.columns)
        if not missing:
            return None
        lang = self.state.lang
        columns = ", ".join(words("quoted", lang, text=name_of(m, lang).lower()) for m in missing)
        return words("upload_missing", lang, plan=plan_name(plan, lang), columns=columns)

    def use_team(self, team: pd.DataFrame, plan: Plan | None = None, text: str | None = None) -> bool:
        """Tune on ``team`` (the sample or an upload); False, with the reason shown, when it cannot be used."""
        lang = self.state.lang
        plan = plan or self.state.original
        source = str(team.attrs.get("source", "")) or "team"
        problem = self._fits(plan, team)
        if problem is None:
            try:
                state = self._new_state(plan, team)
            except DataError as exc:
                problem = describe_error(exc, lang)
            except KpilabError as exc:
                problem = str(exc)
        if problem is not None:
            self._pending_team = team
            self.upload_status.value = R.message_html(words("upload_error", lang, file=Path(source).name,
                                                            message=problem), "error")
            return False
        self._pending_team = None
        if text is not None or plan is not self.state.original:
            self.original_text = text
        self.state = state
        self._build()
        return True

    def _pick_plan(self, key: str) -> None:
        if key == "__start__" or key not in self._plans:
            return
        team = getattr(self, "_pending_team", None)
        if team is None:
            team = self.state.team
        self.use_team(team, self._plans[key], self._texts.get(key))

    def _mapping_uploaded(self, value: Any) -> None:
        if not value:
            return
        item = value[0]
        lang = self.state.lang
        try:
            self._profile = read_mapping(bytes(item["content"]), item["name"], lang)
        except UploadError as exc:
            self.upload_status.value = R.message_html(str(exc), "error")
            return
        self.upload_status.value = R.message_html(words("mapping_loaded", lang, file=item["name"]), "ok")

    def _uploaded(self, value: Any) -> None:
        if not value:
            return
        item = value[0]
        self.load_upload(bytes(item["content"]), item["name"])

    def load_upload(self, content: bytes, name: str, profile: ClientProfile | None = None) -> bool:
        """Read an uploaded table (with ``profile``, else the profile uploaded before) and tune on it."""
        lang = self.state.lang
        try:
            team = read_upload(content, name, profile if profile is not None else self._profile, lang)
        except UploadError as exc:
            self.upload_status.value = R.message_html(str(exc), "error")
            return False
        ok = self.use_team(team)
        if ok:
            self.upload_status.value = ""
        return ok

    # ------------------------------------------------------------------ save and compare
    def _save_clicked(self) -> None:
        try:
            self.save()
        except KpilabError as exc:
            self.status.value = R.message_html(str(exc), "error")

    def save(self, path: str | Path | None = None) -> Path:
        """Write the tuned plan (comments kept, change log appended) and return the absolute path written."""
        state, lang = self.state, self.state.lang
        target = Path(path if path is not None else self.path_box.value).expanduser().resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        plan = renamed(state.plan, self.name_box.value, self.description_box.value)
        # a later save to the same story logs what changed since the last save
        since, before = self._last_save if self._last_save is not None else (state.original, Outcome(
            _passed_of(state, state.original), _payroll_of(state, state.original)))
        after = Outcome(state.passed, float(state.report.metrics["payroll"]))
        entry = log_entry(state.changes(since), self.specs, before, after, lang, state.plan.currency,
                          old_name=since.name, new_name=plan.name,
                          description_changed=plan.description != since.description)
        written = save_plan(target, plan, self.original_text, entry, lang)
        self.original_text = written.read_text(encoding="utf-8")
        self._last_save = (plan, after)
        self.status.value = R.message_html(words("saved", lang, path=str(written)), "ok")
        return written

    def compare_with_start(self) -> Any:
        """Show the starting plan and the tuned plan side by side (below the charts); returns the widget."""
        from .comparison import PlanComparison

        lang = self.state.lang
        start = words("compare_start_name", lang, name=plan_name(self.state.original, lang))
        tuned = words("compare_tuned_name", lang, name=self.name_box.value.strip() or plan_name(self.state.plan, lang))
        view = PlanComparison({start: self.state.original, tuned: self.state.plan}, self.state.data, lang=lang,
                              criteria=self._settings["criteria"])
        self.comparison = view
        self.compare_box.children = [W.HTML(f"<h4>{R.label_html(words('compare_title', lang))}</h4>"), view.widget]
        return view

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def _actions(chosen: list[Any] | None) -> list[Any]:
    """The tuner's actions: every one found (``chosen`` None), or those named by key, or given as classes."""
    from .actions import Action, discover

    found = discover()
    if chosen is None:
        return [a() for a in found]
    by_key = {a.key: a for a in found}
    out = []
    for item in chosen:
        if isinstance(item, Action):
            out.append(item)
        elif isinstance(item, type) and issubclass(item, Action):
            out.append(item())
        elif item in by_key:
            out.append(by_key[item]())
        else:
            raise KeyError(f"no tuner action {item!r}; found: {sorted(by_key)}")
    return out


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


def _plain(value: float, lang: str) -> str:
    """A typed number as the page's language writes it (``2 000 000``, ``12,5``)."""
    digits = 0 if float(value).is_integer() else min(4, len(f"{value:.4f}".rstrip("0").split(".")[1]))
    return fmt_number(value, lang, digits)


def _payroll_of(state: TunerState, plan: Plan) -> float:
    if plan is state.baseline:
        return float(state.baseline_report.metrics["payroll"])
    if plan is state.plan:
        return float(state.report.metrics["payroll"])
    return float(state._judge(state.pay(plan), quick=True).metrics["payroll"])


def _passed_of(state: TunerState, plan: Plan) -> bool:
    if plan is state.baseline:
        return bool(state.baseline_report.passed)
    return bool(state._judge(state.pay(plan), quick=True).passed)


def tuner(plan: Plan | str | Path, team: pd.DataFrame, baseline: Plan | Scheme | None = None, lang: str = "en",
          n_scenarios: int = 0, seed: int = 0, **kwargs: Any) -> Tuner:
    """The owners' bonus tuner for ``plan`` on ``team``.

    Parameters
    ----------
    plan
        A :class:`~kpilab.plan.Plan`, or the path of its YAML (then saving keeps the file's comments).
    team
        The performance table. With a ``scenario`` column it is used as it is.
    baseline
        The plan changes are measured against (default: ``plan`` as given).
    lang
        ``"en"``, ``"ru"``, or ``"auto"`` (the page's address or the browser's language, see :func:`page_language`).
    n_scenarios, seed
        When ``n_scenarios`` > 0 and ``team`` has no ``scenario`` column: tune on that many simulated years of
        the team by the one scenario rule the report uses, so the cost shows as a P10–P90 band.
    **kwargs
        ``save_path``, ``criteria``, ``plans`` (name -> plan or path offered in a picker), ``upload``
        (show the upload controls, default True), ``sample_name``, ``actions`` (keys of the extra actions
        to show, default all found in :mod:`kpilab.dashboard.actions`).

    Returns
    -------
    Tuner
        Display it (or its ``.widget``) in a notebook.
    """
    return Tuner(plan, team, baseline=baseline, lang=lang, n_scenarios=n_scenarios, seed=seed, **kwargs)
