"""The owners' dashboard: controls -> state -> view, charts drawn in the browser.

=================  ==================================================================
``state``          :class:`TunerState`: plan being tuned, team, computed results (no widgets)
``specs``          which controls a plan gets (key path, words, range), pure data
``controls``       sliders plus typed-number boxes (ipywidgets)
``charts``         the four charts, bqplot, fed from the state's arrays
``render``         HTML panels from Jinja2 templates (``templates/``), autoescaped
``story``          saving: comments kept, change log appended, atomic write
``upload``         a team table from the page through :func:`kpilab.load_team`
``view``           :class:`Tuner` and :func:`tuner`: a move of a control, through the state, to the page
``page``           the page's widgets and where they go; the page's language
``files``          a team or a plan in (sample, upload, picker), the plan saved, the comparison
``actions``        extra controls on the page (one module each, found by itself; see ``view``)
``comparison``     :class:`PlanComparison` and :func:`comparison`
=================  ==================================================================
"""

from __future__ import annotations

from .comparison import PlanComparison, comparison
from .specs import ControlSpec, control_class, control_specs
from .state import TunerState, simulated_years
from .view import DEFAULT_LANG, Tuner, page_language, tuner

__all__ = ["Tuner", "tuner", "TunerState", "PlanComparison", "comparison", "control_class", "control_specs",
           "ControlSpec", "simulated_years", "page_language", "DEFAULT_LANG"]
