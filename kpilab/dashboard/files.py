"""What goes in and out of the tuner's page: a team (the sample or an upload), a plan picked, a plan saved, a comparison.

:class:`TeamAndFiles` is the part of :class:`~kpilab.dashboard.view.Tuner`
that swaps the team or the plan being tuned (a new state, the page rebuilt)
and writes the tuned plan with its story.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd

from ..data.profiles import ClientProfile
from ..errors import DataError, KpilabError
from ..i18n.messages import messages_in
from ..plan import Plan
from . import render as R
from .specs import name_of, plan_name, words
from .state import TunerState
from .story import Outcome, log_entry, renamed, save_plan
from .upload import UploadError, describe_error, in_language, read_mapping, read_upload

__all__ = ["TeamAndFiles"]


class TeamAndFiles:
    """Team and plan in, plan and comparison out, for a :class:`~kpilab.dashboard.view.Tuner`."""

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
                with messages_in(lang):
                    state = self._new_state(plan, team)
            except DataError as exc:
                problem = describe_error(exc, lang)
            except KpilabError as exc:
                problem = str(exc) if in_language(str(exc), lang) else words("upload_unusable", lang)
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
        plan = renamed(state.plan, self.name_box.value, self.description_box.value, lang)
        # a later save to the same story logs what changed since the last save
        since, before = self._last_save if self._last_save is not None else (state.original, Outcome(
            _passed_of(state, state.original), _payroll_of(state, state.original)))
        after = Outcome(state.passed, float(state.report.metrics["payroll"]))
        entry = log_entry(state.changes(since), self.specs, before, after, lang, state.plan.currency,
                          old_name=since.title(lang), new_name=plan.title(lang),
                          description_changed=plan.describe(lang) != since.describe(lang))
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
