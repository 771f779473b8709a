"""Table model of the entry grid: one row per department in ballot order, with its mark."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor

from evalapp.domain import Department
from ui.common.base_table_model import CENTER, LEFT, RIGHT, ROW_ROLE, SORT_ROLE, RowsTableModel

COL_ORDER, COL_NAME, COL_SHORT, COL_MARK = range(4)
HEADERS = ["序号", "部门名称", "简称", "评分"]
TYPING_FILL = QColor("#FFF3B0")  # the value being typed (also shown with a trailing "_")
ERROR_FILL = QColor("#F4B6B6")  # typed text that is not a mark (also shown with "✗")
ERROR_TEXT = QColor("#8B0000")
FLASH_FILL = QColor("#FFD27F")  # a key that did nothing on this row
OWN_FILL = QColor("#E8E8E8")  # the ballot's own department (recusal)


class EntryTableModel(RowsTableModel):
    """Departments and the marks typed so far; the row being typed shows its raw text."""

    headers = HEADERS
    marks_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._marks: list[str | None] = []
        self._typing: tuple[int, str] | None = None
        self._typing_error = False
        self._flash: int | None = None
        self._own: int | None = None
        self._current = -1
        self._numeric = True

    def set_rows(self, departments: list[Department], numeric: bool = True) -> None:
        """New departments (sorted by ballot order); all marks blank."""
        self.beginResetModel()
        self._rows = sorted(departments, key=lambda d: d.order)
        self._marks = [None] * len(self._rows)
        self._typing, self._own, self._numeric = None, None, numeric
        self._current = -1
        self.endResetModel()
        self.marks_changed.emit()

    # --- what the grid and the page read --------------------------------------------------
    def departments(self) -> list[Department]:
        return list(self._rows)

    def mark(self, row: int) -> str | None:
        return self._marks[row]

    def marks(self) -> list[str | None]:
        return list(self._marks)

    def marks_by_name(self) -> dict[str, str]:
        return {d.name: m for d, m in zip(self._rows, self._marks) if m is not None}

    def typing_text(self, row: int) -> str | None:
        return self._typing[1] if self._typing and self._typing[0] == row else None

    def row_of(self, name: str) -> int | None:
        for row, d in enumerate(self._rows):
            if d.name == name:
                return row
        return None

    # --- changes ---------------------------------------------------------------------------
    def set_mark(self, row: int, text: str | None) -> None:
        self._marks[row] = text
        if self._typing and self._typing[0] == row:
            self._typing, self._typing_error = None, False
        self._cell_changed(row)
        self.marks_changed.emit()

    def typing_error(self, row: int) -> bool:
        """Whether the text being typed in this row is shown as not a mark."""
        return self._typing_error and self.typing_text(row) is not None

    def set_typing_error(self, row: int, error: bool) -> None:
        self._typing_error = error
        self._cell_changed(row)

    def flash(self, row: int, on: bool = True) -> None:
        """Flash a row's mark cell briefly (a key that did nothing there)."""
        if not 0 <= row < len(self._rows):
            return
        self._flash = row if on else None
        self._cell_changed(row)

    def set_typing(self, row: int, text: str | None) -> None:
        """Show (or stop showing, with None) a value being typed in a row."""
        old = self._typing
        self._typing = None if text is None else (row, text)
        if text is None:
            self._typing_error = False
        if old and old[0] != row:
            self._cell_changed(old[0])
        self._cell_changed(row)

    def load_marks(self, marks: dict[str, str]) -> None:
        self._typing, self._typing_error = None, False
        self._marks = [marks.get(d.name) for d in self._rows]
        if self._rows:
            self.dataChanged.emit(self.index(0, COL_MARK), self.index(len(self._rows) - 1,
                                                                     COL_MARK))
        self.marks_changed.emit()

    def set_own_department(self, name: str | None) -> None:
        old, self._own = self._own, self.row_of(name) if name else None
        for row in {old, self._own} - {None}:
            self.dataChanged.emit(self.index(row, 0), self.index(row, COL_MARK))

    def set_current(self, row: int) -> None:
        """Mark the row the cursor is on (its 序号 gets a ▶, not only a colour)."""
        old, self._current = self._current, row
        for r in (old, row):
            if 0 <= r < len(self._rows):
                index = self.index(r, COL_ORDER)
                self.dataChanged.emit(index, index)

    def _cell_changed(self, row: int) -> None:
        index = self.index(row, COL_MARK)
        self.dataChanged.emit(index, index)

    # --- Qt model interface ----------------------------------------------------------------
    def _display(self, row: int, column: int) -> str:
        d = self._rows[row]
        if column == COL_ORDER:
            return ("▶ " if row == self._current else "") + str(d.order)
        if column == COL_NAME:
            return d.name + ("(本部门)" if row == self._own else "")
        if column == COL_SHORT:
            return d.short_name
        typing = self.typing_text(row)
        if typing is not None:
            return ("✗ " + typing) if self._typing_error else typing + "_"
        return self._marks[row] or ""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not self.has_row(index):
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._rows[row].order if column != COL_MARK else (self._marks[row] or "")
        if role == ROW_ROLE:
            return self._rows[row]
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_MARK \
                and self.typing_error(row):
            return QBrush(ERROR_TEXT)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == COL_ORDER or (column == COL_MARK and self._numeric):
                return RIGHT
            return CENTER if column == COL_MARK else LEFT
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == COL_MARK and self.typing_error(row):
                return QBrush(ERROR_FILL)
            if column == COL_MARK and self.typing_text(row) is not None:
                return QBrush(TYPING_FILL)
            if column == COL_MARK and row == self._flash:
                return QBrush(FLASH_FILL)
            if row == self._own:
                return QBrush(OWN_FILL)
        return None
