"""The Qt binding must not leak references to None (PySide6 6.12.0 on Python 3.11 did, and
the app aborted with "none_dealloc" after a few thousand calls)."""

import sys

from PySide6.QtWidgets import QLabel


def test_signal_emits_keep_true_alive(qapp):
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        fired = Signal()

    emitter = Emitter()
    before = sys.getrefcount(True)
    for _ in range(2000):
        emitter.fired.emit()
    assert before - sys.getrefcount(True) < 50


def test_void_calls_keep_none_alive(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("选票")
    assert before - sys.getrefcount(None) < 50
