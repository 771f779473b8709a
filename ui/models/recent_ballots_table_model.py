"""Table model of the last ballots this operator saved (票号, 评委类别, 时间, 状态)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from evalapp.services.progress import RecentBallot

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
COL_SERIAL, COL_GROUP, COL_TIME, COL_STATUS = range(4)
HEADERS = ["票号", "评委类别", "时间", "状态"]


class RecentBallotsTableModel(QAbstractTableModel):
    def __init__(self, parent=None, limit: int = 10):
        super().__init__(parent)
        self._rows: list[RecentBallot] = []
        self.limit = limit

    def set_rows(self, rows: list[RecentBallot]) -> None:
        self.beginResetModel()
        self._rows = list(rows)[: self.limit]
        self.endResetModel()

    def add(self, ballot: RecentBallot) -> None:
        """Put a just-saved ballot on top (replacing an older line of the same serial)."""
        rows = [ballot] + [r for r in self._rows if r.serial != ballot.serial]
        self.set_rows(rows)

    def rows(self) -> list[RecentBallot]:
        return list(self._rows)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

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
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
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
