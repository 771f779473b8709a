"""Table model of the ballot counts per evaluator group (发出, 收回, 有效, 无效), with totals."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from evalapp.domain import format_decimal
from evalapp.tally_result import GroupStats
from ui.common.base_table_model import LEFT, RIGHT, ROW_ROLE, SORT_ROLE, RowsTableModel

_ROOT = QModelIndex()

HEADERS = ["评委类别", "权重(%)", "发出", "收回", "有效", "无效", "提示"]
NAME, WEIGHT, ISSUED, ENTERED, VALID, INVALID, NOTE = range(len(HEADERS))
TOTAL_LABEL = "合计"
WARN_FILL = QColor("#FFF3CD")


def group_note(g: GroupStats) -> tuple[str, bool]:
    """(hint text, is a warning) for one group's counts."""
    if g.over_issued:
        return f"⚠ 收回多于发出 {g.entered - g.issued} 张,请核对选票;定稿前须管理员确认", True
    notes = []
    if g.issued is not None and g.entered < g.issued:
        notes.append(f"尚有 {g.issued - g.entered} 张未录入")
    if g.invalid:
        notes.append(f"{g.invalid} 张无效,可查看无效票明细")
    if g.issued is None:
        notes.append("未设定发出票数")
    return ";".join(notes) or "✓ 已齐", False


class GroupStatsTableModel(RowsTableModel):
    """One row per group in settings order, then a 合计 row."""

    headers = HEADERS

    def rowCount(self, parent=_ROOT) -> int:
        if parent.isValid() or not self._rows:
            return 0
        return len(self._rows) + 1

    def _total(self, column: int) -> str:
        if column == NAME:
            return TOTAL_LABEL
        if column == WEIGHT:
            return format_decimal(sum((g.weight for g in self._rows), Decimal(0)))
        if column == ISSUED:
            issued = [g.issued for g in self._rows]
            return "" if None in issued else str(sum(issued))
        attr = {ENTERED: "entered", VALID: "valid", INVALID: "invalid"}.get(column)
        return str(sum(getattr(g, attr) for g in self._rows)) if attr else ""

    @staticmethod
    def _cell(g: GroupStats, column: int) -> str:
        values = {NAME: g.name, WEIGHT: format_decimal(g.weight),
                  ISSUED: "" if g.issued is None else str(g.issued), ENTERED: str(g.entered),
                  VALID: str(g.valid), INVALID: str(g.invalid), NOTE: group_note(g)[0]}
        return values[column]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        row, column = index.row(), index.column()
        g = self._rows[row] if row < len(self._rows) else None
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return self._cell(g, column) if g else self._total(column)
        if role == ROW_ROLE:
            return g
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT if column in (NAME, NOTE) else RIGHT
        if role == Qt.ItemDataRole.BackgroundRole and g is not None and group_note(g)[1]:
            return QBrush(WARN_FILL)
        if role == Qt.ItemDataRole.FontRole and g is None:
            font = QFont()
            font.setBold(True)
            return font
        return None
