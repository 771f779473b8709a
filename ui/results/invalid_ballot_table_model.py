"""Table model of the invalid ballots (票号, 评委类别, 原因) behind the ballot statistics."""

from __future__ import annotations

from PySide6.QtCore import Qt

from evalapp.tally_result import InvalidBallot
from ui.common.base_table_model import ROW_ROLE, SORT_ROLE, RowsTableModel

HEADERS = ["票号", "评委类别", "原因"]


class InvalidBallotTableModel(RowsTableModel):
    headers = HEADERS

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not self.has_row(index):
            return None
        b: InvalidBallot = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return (b.serial, b.group, b.reason)[index.column()]
        if role == ROW_ROLE:
            return b
        return None
