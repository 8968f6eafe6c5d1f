"""Extra actions on the tuner page: one module per action in this package, found by itself.

An action is a small control the tuner shows in the "actions" row under the
sliders (a toggle, a button). To add one, drop a module here that defines
``ACTION``, a subclass of :class:`Action`; nothing else in the dashboard needs
an edit (see the top of :mod:`kpilab.dashboard.view` for the whole contract).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ipywidgets as W

    from ..view import Tuner

__all__ = ["Action", "discover"]


class Action:
    """One extra control of the tuner page.

    Class attributes
    ----------------
    key : str
        Short id: the widget gets the CSS class ``kp-action-<key>``; ``Tuner(actions=[key, ...])`` picks by it.
    order : int
        Place in the actions row (smaller first).

    One instance lives as long as its :class:`~kpilab.dashboard.view.Tuner`, so
    it may keep its own settings between page rebuilds.
    """

    key: str = ""
    order: int = 100

    def build(self, tuner: Tuner) -> W.Widget | None:
        """The widget for the current page (called again after a language switch or a new team), or None."""
        raise NotImplementedError

    def changed(self, tuner: Tuner) -> None:
        """Called after every update of the tuned plan (default: nothing)."""


def discover() -> list[type[Action]]:
    """Every ``ACTION`` defined by a module of this package, by ``order`` then ``key``."""
    found: list[type[Action]] = []
    for info in pkgutil.iter_modules(__path__):
        module: Any = importlib.import_module(f"{__name__}.{info.name}")
        action = getattr(module, "ACTION", None)
        if isinstance(action, type) and issubclass(action, Action):
            found.append(action)
    return sorted(found, key=lambda a: (a.order, a.key))
