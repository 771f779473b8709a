"""Table model of an evaluation's departments in presentation order (述职顺序), with drag to
reorder: a drop asks the page to move the department, the page writes through the service."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal

from evalapp.domain import Department
from ui.common.base_table_model import LEFT, RIGHT, ROW_ROLE, SORT_ROLE, RowsTableModel

ORDER, NAME, SHORT_NAME, CATEGORY, PRESENTER, TITLE = range(6)
HEADERS = ["述职顺序", "部门名称", "简称", "类别", "述职人", "职务"]
MIME_TYPE = "application/x-evalapp-department"


class DepartmentTableModel(RowsTableModel):
    """One row per department; ``move_requested(name, new_order)`` is emitted on a drop."""

    headers = HEADERS
    move_requested = Signal(str, int)

    def set_rows(self, rows: list[Department]) -> None:
        super().set_rows(sorted(rows, key=lambda d: d.order))

    def row_of(self, name: str) -> int:
        """The row showing department ``name`` (-1 when absent)."""
        return next((i for i, d in enumerate(self._rows) if d.name == name), -1)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return super().headerData(section, orientation, role)

    @staticmethod
    def _value(d: Department, column: int):
        values = [d.order, d.name, d.short_name, d.category or "", d.presenter, d.title]
        return values[column]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not self.has_row(index):
            return None
        d, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self._value(d, column))
        if role == SORT_ROLE:
            return self._value(d, column)
        if role == ROW_ROLE:
            return d
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME:
            return "Enter 或 F2 修改;Ctrl+↑/Ctrl+↓ 或拖动调整述职顺序"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column == ORDER else LEFT
        return None

    # Drag and drop: rows move within the table only.

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled)

    def supportedDropActions(self):
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes) -> QMimeData:
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            data.setData(MIME_TYPE, self._rows[rows[0]].name.encode("utf-8"))
        return data

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data is not None and data.hasFormat(MIME_TYPE) and \
            action == Qt.DropAction.MoveAction

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        """Ask for the move; returns False so the view never removes the dragged row itself."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        name = bytes(data.data(MIME_TYPE)).decode("utf-8")
        source = self.row_of(name)
        if source < 0:
            return False
        if row >= 0 or not parent.isValid():  # between rows (or below the last one)
            target = row if row >= 0 else len(self._rows)
            if target > source:
                target -= 1  # the row is taken out before it is put back
        else:  # onto a row: take its place
            target = parent.row()
        if target != source:
            self.move_requested.emit(name, target + 1)
        return False
