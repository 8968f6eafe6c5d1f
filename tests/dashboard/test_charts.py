"""The tuner's charts: round ticks labelled in the page's language, sent in the order the browser needs."""

from __future__ import annotations

import bqplot as bq
import numpy as np
import pytest

from kpilab.dashboard.charts import Ticks, month_label, nice_ticks


def _messages(axis: bq.Axis, scale: bq.Scale) -> list[tuple[str, list[str]]]:
    """Every state message the axis and its scale send, in order, as (widget, fields)."""
    sent: list[tuple[str, list[str]]] = []
    for name, widget in (("axis", axis), ("scale", scale)):
        original = widget.send_state

        def record(key=None, _name=name, _original=original):  # type: ignore[no-untyped-def]
            keys = [key] if isinstance(key, str) else sorted(key or [])
            sent.append((_name, keys))
            return _original(key)

        widget.send_state = record  # type: ignore[method-assign]
    return sent


def test_labels_go_before_the_ticks_they_name() -> None:
    """bqplot draws new tick values on the next frame with the labels it had when they came: labels first."""
    scale = bq.LinearScale()
    axis = bq.Axis(scale=scale, side="left")
    ticks = Ticks(axis, "ru")
    ticks.fit([0.0, 38.0])
    assert axis.tick_labels == {"0": "0", "10": "10", "20": "20", "30": "30", "40": "40"}
    sent = _messages(axis, scale)
    ticks.fit([0.0, 2_060.0])  # a salary of 2 000 000: payroll in thousands jumps
    assert [name for name, _keys in sent] == ["axis", "scale", "axis"]
    assert sent[0][1] == ["tick_labels"] and sent[2][1] == ["tick_values"]
    assert (scale.min, scale.max) == (0.0, 2500.0)
    # the labels sent first name the old ticks and the new ones, so a redraw in between finds its words
    assert {"0", "10", "40", "500", "1000", "2500"} <= set(axis.tick_labels)
    assert axis.tick_labels["2500"] == "2\u00a0500" and axis.tick_labels["1000"] == "1\u00a0000"
    np.testing.assert_array_equal(axis.tick_values, [0, 500, 1000, 1500, 2000, 2500])
    sent.clear()
    ticks.fit([0.0, 2_100.0])  # the same round range: nothing to send
    assert sent == []
    ticks.fit([0.0, 61_000.0])  # the labels sent do not pile up over a session: the last ticks' and the new
    assert set(axis.tick_labels) == {"0", "500", "1000", "1500", "2000", "2500", "20000", "40000", "60000", "80000"}


def test_english_ticks_and_percent() -> None:
    axis = bq.Axis(scale=bq.LinearScale())
    Ticks(axis, "en").fit([0.0, 61_000.0])
    assert axis.tick_labels["60000"] == "60,000"
    pct = bq.Axis(scale=bq.LinearScale())
    Ticks(pct, "ru", percent=True).fit([0.0, 2.0])
    assert pct.tick_labels["1.5"] == "150\u00a0%"


@pytest.mark.parametrize(("low", "high", "expected"),
                         [(0, 38, [0, 10, 20, 30, 40]), (2000, 2060, [2000, 2020, 2040, 2060])])
def test_nice_ticks(low: float, high: float, expected: list[float]) -> None:
    np.testing.assert_array_equal(nice_ticks(low, high), expected)


def test_month_labels() -> None:
    assert month_label("2026-01", "en") == "Jan 2026"
    assert month_label("2026-01", "ru") == "\u044f\u043d\u0432. 2026\u00a0\u0433."  # CLDR's short January
    assert month_label("2026-03", "ru").startswith("\u043c\u0430\u0440\u0442 2026")  # March is too short to cut
    assert month_label("Q1", "ru") == "Q1"
