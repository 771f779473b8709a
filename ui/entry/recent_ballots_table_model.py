"""Table model of the last ballots this operator saved (票号, 评委类别, 时间, 状态)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from evalapp.services.progress import RecentBallot
from ui.common.base_table_model import ROW_ROLE, SORT_ROLE, RowsTableModel

COL_SERIAL, COL_GROUP, COL_TIME, COL_STATUS = range(4)
HEADERS = ["票号", "评委类别", "时间", "状态"]


class RecentBallotsTableModel(RowsTableModel):
    headers = HEADERS

    def __init__(self, parent=None, limit: int = 10):
        super().__init__(parent)
        self.limit = limit

    def set_rows(self, rows: list[RecentBallot]) -> None:
        super().set_rows(list(rows)[: self.limit])

    def add(self, ballot: RecentBallot) -> None:
        """Put a just-saved ballot on top (replacing an older line of the same serial)."""
        rows = [ballot] + [r for r in self._rows if r.serial != ballot.serial]
        self.set_rows(rows)

    def _value(self, r: RecentBallot, column: int):
        """(display text, sort value) of one cell."""
        if column == COL_SERIAL:
            return r.serial, r.serial
        if column == COL_GROUP:
            return r.group, r.group
        if column == COL_TIME:
            return r.at.strftime("%H:%M:%S"), r.at.isoformat()
        return r.status_label, r.status_label

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not self.has_row(index):
            return None
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._value(r, index.column())[0]
        if role == SORT_ROLE:
            return self._value(r, index.column())[1]
        if role == ROW_ROLE:
            return r
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == COL_TIME:
            return r.at.strftime("%Y-%m-%d %H:%M:%S")
        return None
