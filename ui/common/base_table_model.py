"""What the read-only table models share: a list of row objects under fixed column headers."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

_ROOT = QModelIndex()
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
# Cell alignments (TextAlignmentRole): numbers right, text left, a missing value centred.
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter)


class RowsTableModel(QAbstractTableModel):
    """Rows in ``self._rows``, one column per entry of ``headers`` (or of ``header_labels()``).

    Subclasses write ``data()``; ``set_rows`` replaces every row at once (a model reset)."""

    headers: tuple[str, ...] | list[str] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list:
        return list(self._rows)

    def header_labels(self):
        """The column headers (a fixed list unless a subclass varies them)."""
        return self.headers

    def has_row(self, index) -> bool:
        """Whether ``index`` is valid and names one of the rows."""
        return index.isValid() and 0 <= index.row() < len(self._rows)

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self.header_labels())

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        headers = self.header_labels()
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(headers)):
            return headers[section]
        return None
