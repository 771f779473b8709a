"""Full garbage collections at moments nobody is typing.

A full collection walks every live object while it holds the interpreter, whichever thread
triggers it; with a city-scale evaluation open (600 departments × 4,000 ballots) one took
100–150 ms on this machine kind, and the GUI thread waited that long although the save ran on
a worker (bench/bench_gui_save.py). ``HeapKeeper`` watches the keyboard and mouse; once the
person has left them for ``IDLE_S`` it runs the full collection itself and then freezes what
survives (``gc.freeze``), so the collections the interpreter starts on its own while the
clerk types walk only what is new since. Nothing is kept that would be collected: each
settle unfreezes first and collects everything.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QEvent, QObject, QTimer

IDLE_S = 2.0  # no key or click for this long: a pause nobody sees
EVERY_S = 20.0  # at most one full collection this often
INPUT = {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
         QEvent.Type.MouseButtonRelease, QEvent.Type.Wheel, QEvent.Type.ShortcutOverride}


def settle() -> None:
    """Collect everything, then keep the survivors out of later collections."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class HeapKeeper(QObject):
    """Installed on the application: notes the last input and settles the heap in pauses."""

    def __init__(self, app):
        super().__init__(app)
        self.last_input = time.monotonic()
        self.last_settle = float("-inf")
        self.settles = 0
        app.installEventFilter(self)
        self.timer = QTimer(self, interval=500)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() in INPUT:
            self.last_input = time.monotonic()
        return False

    def tick(self) -> None:
        now = time.monotonic()
        if now - self.last_input >= IDLE_S and now - self.last_settle >= EVERY_S:
            settle()
            self.last_settle = time.monotonic()
            self.settles += 1


def install(app) -> HeapKeeper:
    """One keeper per application (start-up may prepare the application twice in tests)."""
    keeper = app.findChild(HeapKeeper)
    return keeper if keeper is not None else HeapKeeper(app)
