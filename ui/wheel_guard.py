"""One wheel policy for every editor: a spin box or a choice box changes on the mouse wheel
only while it has the keyboard focus. Scrolling a page over an unfocused one scrolls the page
instead (issue 13: scrolling 考评设置 had changed 打分小数位 from 1 to 3 unseen).

An application-wide event filter, so that every spin box and combo box — on pages, in
dialogs, in table editors — follows it without each one being built a special way."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox

GUARDED = (QAbstractSpinBox, QComboBox)


class WheelGuard(QObject):
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, GUARDED):
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel gives no focus
        elif kind == QEvent.Type.Wheel and isinstance(watched, GUARDED) \
                and not watched.hasFocus():
            event.ignore()  # not handled here: Qt passes it on to the scrolling parent
            return True
        return False


def install(app: QApplication | None = None) -> WheelGuard:
    """Install the guard once on ``app`` (default: the running application)."""
    app = app or QApplication.instance()
    guard = getattr(app, "_evalapp_wheel_guard", None)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
        app._evalapp_wheel_guard = guard
    return guard
