"""Table model of the reconciliation queue: ballots whose two entries differ."""

from __future__ import annotations

from PySide6.QtCore import Qt

from evalapp.services.double_entry import Conflict
from ui.common.base_table_model import LEFT, RIGHT, ROW_ROLE, SORT_ROLE, RowsTableModel

HEADERS = ["票号", "第一次录入人", "第二次录入人", "不一致处数"]
SERIAL, FIRST, SECOND, DIFFERENCES = range(len(HEADERS))


class ConflictTableModel(RowsTableModel):
    headers = HEADERS

    def conflict(self, row: int) -> Conflict | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, ballot_id: int | None) -> int | None:
        for row, c in enumerate(self._rows):
            if c.ballot_id == ballot_id:
                return row
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not self.has_row(index):
            return None
        c, column = self._rows[index.row()], index.column()
        values = (c.serial, c.first.operator, c.second.operator, len(c.differences))
        if role == Qt.ItemDataRole.DisplayRole:
            return str(values[column])
        if role == SORT_ROLE:
            return values[column]
        if role == ROW_ROLE:
            return c
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column == DIFFERENCES else LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return "不一致:" + "、".join(c.differences)
        return None
