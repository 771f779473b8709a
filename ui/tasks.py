"""Long work off the GUI thread through one helper; tests make it synchronous."""

from __future__ import annotations

import traceback
from typing import Callable

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

_synchronous = False


def set_synchronous(flag: bool) -> None:
    """Run every task on the calling thread (for tests)."""
    global _synchronous
    _synchronous = flag


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], object], signals: _Signals):
        super().__init__()
        self.work, self.signals = work, signals

    def run(self) -> None:  # runs on a pool thread: never touches widgets
        try:
            result = self.work()
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread
            exc.traceback_text = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


_alive: set[_Signals] = set()


def run_in_background(work: Callable[[], object], on_done: Callable[[object], None],
                      on_error: Callable[[Exception], None], parent: QWidget | None = None,
                      label: str = "正在处理,请稍候……", quiet: bool = False) -> None:
    """Run ``work`` on the thread pool with a progress dialog; callbacks run on the GUI thread.

    ``work`` must open its own database session (services do) and never touch widgets.
    ``quiet`` shows no dialog (for the projector: nothing may pop up on the hall's screen).
    """
    if _synchronous:
        try:
            result = work()
        except Exception as exc:  # noqa: BLE001
            on_error(exc)
        else:
            on_done(result)
        return
    dialog = None
    if not quiet:
        dialog = QProgressDialog(label, None, 0, 0, parent)
        dialog.setWindowTitle("请稍候")
        dialog.setMinimumDuration(300)
    signals = _Signals()
    _alive.add(signals)

    def finish(callback, value) -> None:
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()
        _alive.discard(signals)
        callback(value)

    signals.done.connect(lambda value: finish(on_done, value))
    signals.failed.connect(lambda exc: finish(on_error, exc))
    QThreadPool.globalInstance().start(_Task(work, signals))


def soon(work: Callable[[], None]) -> None:
    """Run ``work`` on the GUI thread at the next turn of the event loop (at once in tests)."""
    if _synchronous:
        work()
    else:
        QTimer.singleShot(0, work)


def run_with_progress(work: Callable[[], object], parent: QWidget | None = None,
                      label: str = "正在处理,请稍候……") -> object:
    """Run ``work`` in the background while the GUI stays responsive; return its result
    (or raise its exception) once done. For steps whose caller needs the answer."""
    if _synchronous:
        return work()
    loop = QEventLoop()
    outcome: dict[str, object] = {}

    def done(value) -> None:
        outcome["value"] = value
        loop.quit()

    def failed(exc) -> None:
        outcome["error"] = exc
        loop.quit()

    run_in_background(work, done, failed, parent, label)
    loop.exec()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]
