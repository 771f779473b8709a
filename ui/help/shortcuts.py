"""键盘快捷键一览: every menu action that has a shortcut, menu by menu, plus the fixed keys."""

from __future__ import annotations

import re
from html import escape

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

FIXED = (("确认 / 取消", "回车 / Esc"),
         ("打开菜单", "Alt + 菜单名后括号中的字母"))


def _plain(text: str) -> str:
    """``导入工作簿(&I)……`` → ``导入工作簿``."""
    return re.sub(r"\(&.\)", "", text).replace("&", "").replace("……", "").replace("…", "")


def menu_shortcuts(menubar) -> list[tuple[str, list[tuple[str, str]]]]:
    """(menu title, [(action, keys)]) for each menu of the menu bar, in order."""
    found = []
    for top in menubar.actions():
        menu = top.menu()
        if menu is None:
            continue
        rows = [(_plain(a.text()), a.shortcut().toString(QKeySequence.SequenceFormat.NativeText))
                for a in menu.actions() if not a.shortcut().isEmpty()]
        if rows:
            found.append((_plain(top.text()), rows))
    return found


def shortcuts_html(menubar) -> str:
    parts = ["<table cellspacing='0' cellpadding='4' width='100%'>"]
    sections = menu_shortcuts(menubar) + [("其他", list(FIXED))]
    for title, rows in sections:
        parts.append(f"<tr><td colspan='2'><b>{escape(title)}</b></td></tr>")
        parts += [f"<tr><td>&nbsp;&nbsp;{escape(name)}</td><td><b>{escape(keys)}</b></td></tr>"
                  for name, keys in rows]
    parts.append("</table>")
    return "".join(parts)


class ShortcutsDialog(QDialog):
    def __init__(self, menubar, parent=None):
        super().__init__(parent)
        self.setWindowTitle("键盘快捷键一览")
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setHtml(shortcuts_html(menubar))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭(Esc)")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(520, 620)
