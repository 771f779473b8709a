"""The full garbage collection runs in the clerk's pauses, never while keys arrive."""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from ui import heap


def test_heap_settles_in_a_pause_and_not_while_typing(qtbot, qapp):
    keeper = heap.HeapKeeper(qapp)
    try:
        keeper.timer.stop()  # ticks driven by the test
        field = QLineEdit()
        qtbot.addWidget(field)
        qtbot.keyClick(field, Qt.Key.Key_8)  # a key: the person is busy
        keeper.tick()
        assert keeper.settles == 0
        keeper.last_input = time.monotonic() - heap.IDLE_S - 0.1  # a pause
        keeper.tick()
        assert keeper.settles == 1 and gc.get_freeze_count() > 0
        keeper.last_input = time.monotonic() - heap.IDLE_S - 0.1
        keeper.tick()  # too soon after the last one
        assert keeper.settles == 1
        keeper.last_settle -= heap.EVERY_S
        qtbot.keyClick(field, Qt.Key.Key_5)
        keeper.tick()  # typing again: nothing
        assert keeper.settles == 1 and field.text() == "85"
    finally:
        qapp.removeEventFilter(keeper)
        keeper.timer.stop()
        keeper.deleteLater()
        gc.unfreeze()


def test_one_keeper_per_application(qapp):
    first = heap.install(qapp)
    try:
        assert heap.install(qapp) is first
    finally:
        qapp.removeEventFilter(first)
        first.timer.stop()
        first.setParent(None)
        gc.unfreeze()
