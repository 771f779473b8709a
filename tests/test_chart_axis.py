"""Chart ticks at round values (issue 13: the 结果 chart showed 75 / 81 / 88 / 94)."""

import pytest
from PySide6.QtCharts import QValueAxis

from ui.common.chart_axis import round_range, set_score_range, tick_values


@pytest.mark.parametrize("low, high", [(78.3, 99.6), (80.05, 84.9), (0, 100), (62.5, 97.25),
                                       (95, 95), (3.2, 41)])
def test_every_tick_is_a_round_value(qapp, low, high):
    axis = QValueAxis()
    set_score_range(axis, [low, high, (low + high) / 2])
    ticks = tick_values(axis)
    step = axis.tickInterval()
    assert step in (5, 10, 20, 25, 50)
    assert all(t % step == 0 for t in ticks) and len(ticks) <= 9
    assert ticks[0] <= low and ticks[-1] >= high  # every bar fits
    assert axis.min() == ticks[0] and axis.max() == ticks[-1]


def test_the_case_from_the_issue():
    assert round_range(78.3, 99.6) == (70, 100, 5)  # 70 75 80 … 100, not 75/81/88/94
