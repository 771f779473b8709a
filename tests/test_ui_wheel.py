"""One wheel policy (issue 13): the mouse wheel changes a spin box or a choice box only while
it has the keyboard focus — scrolling 考评设置 must not change 打分小数位 unseen."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QSpinBox

from evalapp.services.context import ADMIN, Actor
from ui import wheel_guard
from ui.setup.settings_page import SettingsPage
from ui_helpers import open_demo_page


def _wheel(widget, steps: int = -1) -> None:
    """One notch of the wheel over the middle of ``widget`` (negative: towards the user)."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(widget.rect().center())), QPoint(),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_wheel_over_unfocused_editors_changes_nothing(qtbot, db):
    wheel_guard.install()
    page, _ctx = open_demo_page(qtbot, db, SettingsPage, Actor("管理员", ADMIN))
    spin = page.mark_decimals_spin  # 打分小数位
    combo = page.findChild(QComboBox)
    page.setFocus()
    for editor in (spin, combo):
        assert editor.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel gives no focus
        before = editor.value() if editor is spin else editor.currentIndex()
        _wheel(editor, 1)
        _wheel(editor, -1)
        _wheel(editor, -1)
        after = editor.value() if editor is spin else editor.currentIndex()
        assert after == before, editor
        assert not editor.hasFocus()


def test_wheel_over_focused_spin_box_still_works(qtbot):
    wheel_guard.install()
    spin = QSpinBox()
    spin.setRange(0, 4)
    spin.setValue(1)
    qtbot.addWidget(spin)
    spin.show()
    qtbot.waitExposed(spin)
    spin.activateWindow()
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    _wheel(spin, 1)
    assert spin.value() == 2
