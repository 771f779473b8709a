"""Table model of the bonus/penalty items (加减分) and vetoes (一票否决) of an evaluation."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from evalapp.domain import Adjustment
from ui.common.base_table_model import LEFT, RIGHT, ROW_ROLE, SORT_ROLE, RowsTableModel

ID_ROLE = Qt.ItemDataRole.UserRole + 3

DEPARTMENT, POINTS, REASON, VETO = range(4)
HEADERS = ["部门", "分值", "事由", "一票否决"]
VETO_WORD = "一票否决"
VETO_FILL = QColor("#F8D7DA")
VETO_TEXT = QColor("#8B0000")
BONUS_FILL = QColor("#E6F4EA")
PENALTY_FILL = QColor("#FFF3CD")


def signed(points: Decimal, decimals: int) -> str:
    """Points with their sign: +1.00, −2.00 (a real minus sign), 0.00."""
    text = f"{abs(points):.{max(decimals, -points.as_tuple().exponent)}f}"
    return f"+{text}" if points > 0 else (f"−{text}" if points < 0 else text)


def adjustment_text(a: Adjustment, decimals: int = 2) -> str:
    """One line naming an item, for confirmations and undo labels."""
    if a.veto:
        return f"“{a.department}”一票否决({a.reason})"
    return f"“{a.department}” {signed(a.points, decimals)} 分({a.reason})"


class AdjustmentTableModel(RowsTableModel):
    """Rows are (id, Adjustment) as the service lists them."""

    headers = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._decimals = 2

    def set_rows(self, rows: list[tuple[int, Adjustment]], decimals: int = 2) -> None:
        self._decimals = decimals
        super().set_rows(rows)

    def _value(self, a: Adjustment, column: int):
        """(display text, sort value) of one cell."""
        if column == DEPARTMENT:
            return a.department, a.department
        if column == POINTS:
            return signed(a.points, self._decimals), a.points
        if column == REASON:
            return a.reason, a.reason
        return (VETO_WORD if a.veto else ""), int(a.veto)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not self.has_row(index):
            return None
        row_id, a = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._value(a, column)[0]
        if role == SORT_ROLE:
            return self._value(a, column)[1]
        if role == ROW_ROLE:
            return a
        if role == ID_ROLE:
            return row_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column == POINTS else LEFT
        if role == Qt.ItemDataRole.BackgroundRole:
            if a.veto:
                return QBrush(VETO_FILL)
            return QBrush(BONUS_FILL if a.points > 0 else PENALTY_FILL)
        if role == Qt.ItemDataRole.ForegroundRole and a.veto and column == VETO:
            return QBrush(VETO_TEXT)
        if role == Qt.ItemDataRole.ToolTipRole:
            return adjustment_text(a, self._decimals)
        return None
