"""Small pieces several pages build the same way: actions with shortcuts and the buttons
showing them, the page heading, list-like tables, the read-only note of an editor page and
the list of changes to undo."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QTableView, QToolButton, QWidget
)

from evalapp.domain import DomainError
from evalapp.services import evaluations
from evalapp.services.context import MANAGE, PERMISSIONS


def make_action(owner: QWidget, text: str, keys, slot, tip: str, widget: QWidget | None = None,
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut) -> QAction:
    """An action of ``owner`` on ``widget`` (default ``owner``): ``keys`` is one key sequence or
    a list of them; the tooltip is ``tip`` with the first shortcut in brackets."""
    action = QAction(text, owner)
    sequences = [QKeySequence(k) for k in (keys if isinstance(keys, list) else [keys])]
    action.setShortcuts(sequences)
    action.setShortcutContext(context)
    shown = sequences[0].toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip}({shown})")
    action.triggered.connect(slot)
    (widget or owner).addAction(action)
    return action


def action_buttons(actions, text_only: bool = False) -> QHBoxLayout:
    """A row of tool buttons for ``actions``, then a stretch; the keys act on the table, so
    the buttons never take the focus."""
    row = QHBoxLayout()
    for action in actions:
        button = QToolButton()
        button.setDefaultAction(action)
        if text_only:
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row.addWidget(button)
    row.addStretch(1)
    return row


def heading_label(text: str) -> QLabel:
    """The page's title in bold, four points larger than the text."""
    heading = QLabel(text)
    font = heading.font()
    font.setPointSizeF(font.pointSizeF() + 4)
    font.setBold(True)
    heading.setFont(font)
    return heading


def enlarge_font(widget: QWidget, step: float = 1) -> None:
    font = widget.font()
    font.setPointSizeF(font.pointSizeF() + step)
    widget.setFont(font)


def row_table(table: QTableView) -> QTableView:
    """A table read one row at a time: no row numbers, alternate colours, one row selected;
    arrows move in it and Tab leaves it (to the next control, e.g. 待核对 → 对照表)."""
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return table


def open_evaluation_info(ctx):
    """The list entry (name, status, ballots) of the open evaluation, or None."""
    return next((e for e in evaluations.list_evaluations(ctx.db) if e.id == ctx.evaluation_id),
                None)


def read_only_reason(ctx, info, what: str) -> str:
    """Why an editor page only shows ``what`` (empty when it may be changed)."""
    if info is None:
        return "请先打开或新建一个考评活动。"
    if info.is_final:
        return f"ⓘ 只读:“{info.name}”已定稿,{what}不能再修改。"
    if not ctx.may(MANAGE):
        return (f"ⓘ 只读:{ctx.actor.role_label}“{ctx.actor.name}”无权"
                f"{PERMISSIONS[MANAGE][1]},只能查看。")
    return ""


def show_edit_state(page, info, what: str) -> None:
    """Set ``page.read_only`` and show the evaluation in ``page.heading``, and why the page
    is read-only in ``page.note``."""
    page.read_only = info is None or info.is_final or not page.ctx.may(MANAGE)
    page.heading.setText("尚未打开考评活动" if info is None
                         else f"<b>{html.escape(info.name)}</b>({info.status_label})")
    page.note.setText(read_only_reason(page.ctx, info, what))
    page.note.setVisible(page.read_only)


class UndoList:
    """The last changes of a page as (label, how to undo it), newest last, at most ``LIMIT``."""

    LIMIT = 20

    def __init__(self):
        self._items: list[tuple[str, Callable[[], None]]] = []

    def __bool__(self) -> bool:
        return bool(self._items)

    def push(self, label: str, undo: Callable[[], None]) -> None:
        self._items.append((label, undo))
        del self._items[:-self.LIMIT]

    def clear(self) -> None:
        self._items.clear()

    def show_on(self, action: QAction, writable: bool) -> None:
        """Enable the undo action when there is something to undo, and name it in the tip."""
        action.setEnabled(writable and bool(self._items))
        label = self._items[-1][0] if self._items else "没有可撤销的修改"
        action.setToolTip(f"撤销上一次修改:{label}(Ctrl+Z)")

    def undo_last(self, page) -> str | None:
        """Undo the newest change; its label, or None when there was none or the service
        refused (shown by ``page``, and the change stays on the list)."""
        if not self._items:
            return None
        label, work = self._items[-1]
        try:
            work()
        except DomainError as exc:
            page.show_error(exc, "无法撤销")
            return None
        self._items.pop()
        return label
