"""Base table model for the set-up tables: rows of typed text, each cell validated as it is
edited (an invalid cell is tinted, says why in its tooltip and is listed by ``problems()``)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from evalapp.marks import to_decimal
from ui.common.base_table_model import LEFT, RIGHT

ROOT = QModelIndex()
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
ERROR_ROLE = Qt.ItemDataRole.UserRole + 3
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 4
ERROR_FILL = QColor("#F8D7DA")


@dataclass(frozen=True)
class Column:
    """One column: the row key it edits, its header and how it is shown."""

    key: str
    header: str
    numeric: bool = False
    check: bool = False  # a yes/no box
    tip: str = ""


class RowEditTableModel(QAbstractTableModel):
    """Rows are dicts of text (bool for check columns); subclasses validate and convert."""

    COLUMNS: tuple[Column, ...] = ()
    edited = Signal()  # any change made through the model (cell, row added or removed)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[dict] = []
        self._errors: list[dict[str, str]] = []
        self._editable = True

    # Subclass hooks.

    def blank_row(self) -> dict:
        return {c.key: (False if c.check else "") for c in self.COLUMNS}

    def row_errors(self, row: dict) -> dict[str, str]:
        """Column key -> why the cell is wrong (only what one row can tell)."""
        return {}

    def table_problems(self) -> list[str]:
        """Problems of the table as a whole (duplicates, sums)."""
        return []

    def choices(self, key: str) -> list[str]:
        """Allowed values of a column edited with a drop-down (empty: free text)."""
        return []

    # Rows.

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = [dict(r) for r in rows]
        self._errors = [self.row_errors(r) for r in self._rows]
        self.endResetModel()
        self.edited.emit()

    def rows(self) -> list[dict]:
        return [dict(r) for r in self._rows]

    def set_editable(self, editable: bool) -> None:
        self.beginResetModel()
        self._editable = editable
        self.endResetModel()

    def insert_row(self, at: int | None = None, values: dict | None = None) -> int:
        at = len(self._rows) if at is None else max(0, min(at, len(self._rows)))
        row = self.blank_row() | (values or {})
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.insert(at, row)
        self._errors.insert(at, self.row_errors(row))
        self.endInsertRows()
        self.edited.emit()
        return at

    def remove_row(self, row: int) -> None:
        if not 0 <= row < len(self._rows):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row], self._errors[row]
        self.endRemoveRows()
        self.edited.emit()

    def revalidate(self) -> None:
        """Check every row again (after something the rows depend on changed)."""
        self._errors = [self.row_errors(r) for r in self._rows]
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(self.COLUMNS) - 1))
        self.edited.emit()

    def problems(self) -> list[str]:
        """Every problem, one line each, naming the row and the column."""
        headers = {c.key: c.header for c in self.COLUMNS}
        lines = [f"第 {n} 行 {headers[key]}:{message}"
                 for n, errors in enumerate(self._errors, start=1)
                 for key, message in errors.items()]
        return lines + self.table_problems()

    def cell_error(self, row: int, column: int) -> str | None:
        return self._errors[row].get(self.COLUMNS[column].key)

    # Qt model interface.

    def rowCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.COLUMNS[section].tip or None
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable:
            flags |= (Qt.ItemFlag.ItemIsUserCheckable if self.COLUMNS[index.column()].check
                      else Qt.ItemFlag.ItemIsEditable)
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], self.COLUMNS[index.column()]
        value = row[column.key]
        error = self._errors[index.row()].get(column.key)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return ("是" if value else "否") if column.check else value
        if role == Qt.ItemDataRole.CheckStateRole and column.check:
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == SORT_ROLE:
            return value
        if role == ROW_ROLE:
            return dict(row)
        if role == ERROR_ROLE:
            return error
        if role == CHOICES_ROLE:
            return self.choices(column.key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"⚠ {error}" if error else (column.tip or None)
        if role == Qt.ItemDataRole.BackgroundRole and error:
            return QBrush(ERROR_FILL)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column.numeric else LEFT
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not self._editable:
            return False
        column = self.COLUMNS[index.column()]
        if column.check and role == Qt.ItemDataRole.CheckStateRole:
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif not column.check and role == Qt.ItemDataRole.EditRole:
            value = "" if value is None else str(value).strip()
        else:
            return False
        row = self._rows[index.row()]
        if row[column.key] == value:
            return False
        row[column.key] = value
        self._errors[index.row()] = self.row_errors(row)
        self.dataChanged.emit(self.index(index.row(), 0),
                              self.index(index.row(), len(self.COLUMNS) - 1))
        self.edited.emit()
        return True


def number_error(text: str, *, integer: bool = False, minimum=None, above=None,
                 maximum=None, optional: bool = False) -> str | None:
    """Why ``text`` is not an acceptable number (None when it is)."""
    if not text:
        return None if optional else "不能为空"
    try:
        value = to_decimal(text)
    except ValueError:
        return f"“{text}”不是数字"
    if integer and value != value.to_integral_value():
        return "应为整数"
    if minimum is not None and value < minimum:
        return f"不能小于 {minimum}"
    if above is not None and value <= above:
        return f"必须大于 {above}"
    if maximum is not None and value > maximum:
        return f"不能大于 {maximum}"
    return None
