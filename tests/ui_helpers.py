"""What the UI tests share: showing a page at the usual size, typing Chinese the way an input
method does, and editing a table cell with F2 … Enter. A plain module: ``from ui_helpers
import …`` (pytest puts tests/ on the path)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from evalapp.services.demo import create_demo
from ui.context import AppContext
from ui.fonts import apply_ui_font

SIZE = (1166, 688)  # the smallest window the pages are laid out for


def ime(widget, text: str) -> None:
    """Type Chinese the way an input method commits it (keyClicks cannot send Chinese)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def type_text(widget, text: str) -> None:
    """Focus ``widget``, then type ``text`` through the input method."""
    widget.setFocus()
    ime(widget, text)


def show_page(qtbot, page_class, ctx):
    """``page_class(ctx)`` in the UI font at the usual size, shown and refreshed (no focus)."""
    apply_ui_font(QApplication.instance())
    page = page_class(ctx)
    qtbot.addWidget(page)
    page.resize(*SIZE)
    page.show()
    page.refresh()
    return page


def open_demo_page(qtbot, db, page_class, actor):
    """``page_class`` on a new demo evaluation, shown and active; returns (page, ctx)."""
    evaluation_id = create_demo(db)[-1]
    ctx = AppContext(db, actor, evaluation_id)
    page = page_class(ctx)
    qtbot.addWidget(page)
    page.resize(*SIZE)
    page.show()
    with qtbot.waitActive(page):
        page.activateWindow()
    return page, ctx


def show_active(qtbot, page):
    """The page at the usual size, shown and the active window, so that keys reach it."""
    qtbot.addWidget(page)
    page.resize(*SIZE)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    return page


def commit(qtbot, editor) -> None:
    """Enter in a cell editor; the delegate commits on the next turn of the event loop."""
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not (shiboken6.isValid(editor) and editor.isVisible()),
                    timeout=1000)


def edit_cell(qtbot, view, row: int, column: int, text: str) -> None:
    """Open a cell's editor with F2, replace its text, commit with Enter."""
    view.setFocus()
    view.setCurrentIndex(view.model().index(row, column))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    if text.isascii():
        qtbot.keyClicks(editor, text)
    else:
        ime(editor, text)
    commit(qtbot, editor)


def insert_row(qtbot, view, text: str) -> None:
    """Insert a row with the Insert key and type ``text`` into its first cell."""
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Insert)
    editor = QApplication.focusWidget()
    ime(editor, text)
    commit(qtbot, editor)
