"""The score axis of every bar chart (结果 page and big screen): ticks at round values only
(75 / 80 / 85 / 90 …, or every 10 or 20 on a wide range), never 75 / 81 / 88 / 94."""

from __future__ import annotations

import math

from PySide6.QtCharts import QValueAxis

STEPS = (5, 10, 20, 25, 50)
MAX_TICKS = 9


def round_range(low: float, high: float) -> tuple[int, int, int]:
    """(first tick, last tick, step) for scores between ``low`` and ``high``: a little room
    below the lowest bar, every tick a multiple of the step."""
    for step in STEPS:
        floor = max(0, math.floor(low / step) * step - step)
        ceiling = max(floor + step, math.ceil(high / step) * step)
        if (ceiling - floor) // step + 1 <= MAX_TICKS:
            return floor, ceiling, step
    return floor, ceiling, step


def set_score_range(axis: QValueAxis, scores: list[float]) -> None:
    floor, ceiling, step = round_range(min(scores), max(scores))
    axis.setLabelFormat("%.0f")
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(floor)
    axis.setTickInterval(step)
    axis.setRange(floor, ceiling)


def tick_values(axis: QValueAxis) -> list[float]:
    """The values the axis labels (dynamic ticks from the anchor, every interval)."""
    values, value = [], axis.tickAnchor()
    while value <= axis.max() + 1e-9:
        if value >= axis.min() - 1e-9:
            values.append(value)
        value += axis.tickInterval()
    return values
