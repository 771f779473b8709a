"""The side panel of ballot entry: progress per group and the last ballots saved."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from evalapp.services.progress import GroupProgress
from ui.entry.entry_progress_table_model import EntryProgressTableModel, over_issued
from ui.entry.recent_ballots_table_model import COL_SERIAL, RecentBallotsTableModel


def _table(model, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


class EntrySidePanel(QWidget):
    """Progress (录入 / 发出, 有效 / 无效, double-entry queues) and this operator's recent
    ballots; Enter on a recent ballot asks to open it."""

    open_requested = Signal(str)  # a serial

    def __init__(self, parent=None):
        super().__init__(parent)
        self.progress_model = EntryProgressTableModel(self)
        self.recent_model = RecentBallotsTableModel(self)
        self.progress_view = _table(self.progress_model, self.progress_model.columnCount() - 1)
        self.recent_view = _table(self.recent_model, 3)
        self.recent_view.activated.connect(self._activated)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.setMinimumWidth(240)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("录入进度(F5 刷新)")
        title.setStyleSheet("font-weight: bold")
        recent = QLabel("本人最近保存的选票(&L)")
        recent.setBuddy(self.recent_view)
        recent.setStyleSheet("font-weight: bold")
        for widget, stretch in ((title, 0), (self.progress_view, 3), (self.summary, 0),
                                (recent, 0), (self.recent_view, 4)):
            layout.addWidget(widget, stretch)

    def set_progress(self, rows: list[GroupProgress], double_entry: bool) -> None:
        self.progress_model.set_rows(rows, double_entry)
        entered = sum(p.entered for p in rows)
        issued = sum(p.issued or 0 for p in rows)
        valid, invalid = sum(p.valid for p in rows), sum(p.invalid for p in rows)
        lines = [f"合计:已录入 {entered} / 发出 {issued},有效 {valid},无效 {invalid}"]
        waiting = sum(p.pending + p.reentry for p in rows)
        if double_entry:
            lines.append(f"待第二次录入 {waiting},待核对 {sum(p.conflict for p in rows)}")
        lines += [f"⚠ {p.group}录入 {p.entered} 张,多于发出 {p.issued} 张,请核对"
                  for p in rows if over_issued(p)]
        self.summary.setText("\n".join(lines))

    def _activated(self, index) -> None:
        serial = self.recent_model.index(index.row(), COL_SERIAL).data()
        if serial:
            self.open_requested.emit(serial)

    def focus_recent(self) -> None:
        self.recent_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.recent_model.rowCount():
            self.recent_view.selectRow(0)
