"""Table model of entry progress per evaluator group (已录入 / 发出, 有效 / 无效, 待核对)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from evalapp.services.progress import GroupProgress
from ui.common.base_table_model import LEFT, RIGHT, ROW_ROLE, SORT_ROLE, RowsTableModel

BASE = ["评委类别", "已录入", "发出", "有效", "无效"]
DOUBLE = ["待二录", "待核对"]
OVER_FILL = QColor("#F8D7DA")


def over_issued(p: GroupProgress) -> bool:
    return p.issued is not None and p.entered > p.issued


class EntryProgressTableModel(RowsTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._double = False

    def set_rows(self, rows: list[GroupProgress], double_entry: bool = False) -> None:
        self._double = double_entry
        super().set_rows(rows)

    def header_labels(self) -> list[str]:
        return BASE + (DOUBLE if self._double else [])

    def _value(self, p: GroupProgress, column: int):
        """(display text, sort value) of one cell."""
        if column == 0:
            return p.group, p.group
        if column == 1:
            return f"{p.entered}{' ⚠' if over_issued(p) else ''}", p.entered
        if column == 2:
            return ("" if p.issued is None else str(p.issued)), p.issued or 0
        values = [p.valid, p.invalid, p.pending + p.reentry, p.conflict]
        value = values[column - 3]
        return str(value), value

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not self.has_row(index):
            return None
        p, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._value(p, column)[0]
        if role == SORT_ROLE:
            return self._value(p, column)[1]
        if role == ROW_ROLE:
            return p
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT if column == 0 else RIGHT
        if column == 1 and over_issued(p):
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(OVER_FILL)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"录入 {p.entered} 张,多于发出的 {p.issued} 张,请核对选票"
        return None
