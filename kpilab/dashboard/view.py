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
- ``tuner.state.report`` right after a move is the quick verdict (figures, statuses, sentences; no
  intervals): ``tuner.state.settled`` says whether the intervals are in; ``tuner.settle()`` computes them now.
  A plan evaluated through ``frame_hook`` is paid by ``kpilab.evaluate`` (not the resolved fast path).

``Tuner(actions=None)`` shows every action found; ``actions=[]`` none; ``actions=["cheapest"]`` those keys.
Words come from the catalogs (``dashboard.yaml`` or the action's own area) like every other word.
"""


from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd

from ..analysis import Criteria
from ..data.profiles import ClientProfile
from ..errors import KpilabError, PlanError
from ..i18n import check_lang, fmt_number
from ..i18n.messages import messages_in, msg
from ..plan import Plan, Scheme, load_plan
from ..plan.paths import numeric_paths
from . import render as R
from .files import TeamAndFiles
from .page import DEFAULT_LANG, PageLayout, page_language
from .specs import nice_ceiling, words
from .state import TunerState
from .story import Outcome
from .upload import in_language

__all__ = ["Tuner", "tuner", "page_language", "DEFAULT_LANG"]

#: Seconds without a move before the verdict's intervals (the bootstrap, the slow part) are computed.
SETTLE_AFTER = 0.6


def _plan_and_text(plan: Plan | Scheme | str | Path) -> tuple[Plan | Scheme, str | None]:
    if isinstance(plan, (str, Path)):
        path = Path(plan)
        return load_plan(path), path.read_text(encoding="utf-8")
    return plan, None


class Tuner(PageLayout, TeamAndFiles):
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
            raise KpilabError(msg("api_errors.tuner_scheme_loaded", name=getattr(loaded, 'name', loaded)))
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
            with messages_in(lang):
                new = state.changed(path, value)
        except (PlanError, KeyError, ValueError) as exc:
            self.panel.show(path, current)
            text = "; ".join(m for _p, m in exc.problems) if isinstance(exc, PlanError) else ""
            if not text or not in_language(text, lang):  # a rule still worded in code: say what was refused
                text = words("rejected_value", lang, what=spec.text, value=_plain(self.panel.format(path, value), lang))
            self.status.value = R.message_html(words("rejected", lang, message=text), "error")
            return
        self.update(new)
        done = words("updated", lang, ms=round(self.timings["total"] * 1000))
        self.status.value = R.message_html(f"{note} {done}" if note else done, "info", data={
            "wall-ms": round(self.timings["total"] * 1000, 1), "cpu-ms": round(self.timings["cpu"] * 1000, 1)})

    def set(self, path: str, value: float) -> None:
        """Move the control at ``path`` to ``value``, exactly as a user would (triggers an update)."""
        if path not in self.controls:
            raise KeyError(msg("api_errors.tuner_no_control", path=path, controls=', '.join(self.controls)))
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
        self.name_box.value = self.state.original.title(self.lang)
        self.description_box.value = self.state.original.describe(self.lang)
        self.status.value = R.message_html(words("was_reset", self.lang))

    def set_lang(self, lang: str) -> None:
        """Show the page in ``lang``: every control, panel, chart and sentence."""
        check_lang(lang)
        if lang == self.state.lang:
            return
        old, plan = self.state.lang, self.state.plan
        typed = {box: value for box, value, shown in ((0, self.name_box.value, plan.title(old)),
                                                      (1, self.description_box.value, plan.describe(old)))
                 if value != shown}  # what the owner typed stays; the plan's own words follow the language
        self.state.set_lang(lang)
        self._build()
        if 0 in typed:
            self.name_box.value = typed[0]
        if 1 in typed:
            self.description_box.value = typed[1]

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
            raise KeyError(msg("api_errors.tuner_no_action", item=item, found=sorted(by_key)))
    return out


def _plain(value: float, lang: str) -> str:
    """A typed number as the page's language writes it (``2 000 000``, ``12,5``)."""
    digits = 0 if float(value).is_integer() else min(4, len(f"{value:.4f}".rstrip("0").split(".")[1]))
    return fmt_number(value, lang, digits)


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
