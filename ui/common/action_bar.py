"""A row of buttons whose keyboard shortcuts work anywhere inside their page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget


def page_shortcut(page: QWidget, key: str, slot) -> QShortcut:
    """A shortcut active while the focus is inside ``page`` (not on other pages)."""
    shortcut = QShortcut(QKeySequence(key), page)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut


def action_bar(page: QWidget, actions) -> QWidget:
    """Buttons "文字(快捷键)" for (text, key, slot) triples; buttons never take the focus, so
    the keyboard flow of the page is not interrupted."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for text, key, slot in actions:
        button = QPushButton(f"{text}({key})")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setToolTip(f"{text}:{key}")
        button.clicked.connect(slot)
        row.addWidget(button)
        page_shortcut(page, key, slot)
    row.addStretch(1)
    return box
