"""Table models of the supervision aids (监票): per-clerk figures and outlier ballot flags."""

from __future__ import annotations

from PySide6.QtCore import Qt

from evalapp.rounding import round_half_up
from evalapp.services.supervision import ClerkStats, OutlierFlag
from ui.common.base_table_model import RIGHT, ROW_ROLE, SORT_ROLE, RowsTableModel

CLERK_HEADERS = ["录入员", "录入张数", "双录不一致", "录错", "事后更正", "差错率"]
OPERATOR, ENTERED, DIFFERENCES, WRONG, CORRECTIONS, RATE = range(len(CLERK_HEADERS))
FLAG_HEADERS = ["票号", "评委类别", "提示", "说明"]
SERIAL, GROUP, KIND, DETAIL = range(len(FLAG_HEADERS))


def rate_text(stats: ClerkStats) -> str:
    rate = stats.error_rate
    return "—" if rate is None else f"{round_half_up(rate * 100, 1)}%"


class _RowsModel(RowsTableModel):
    def row_object(self, row: int):
        return self._rows[row]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not self.has_row(index):
            return None
        item = self._rows[index.row()]
        if role == ROW_ROLE:
            return item
        return self.cell(item, index.column(), role)

    def cell(self, item, column: int, role):  # pragma: no cover - overridden
        return None


class ClerkTableModel(_RowsModel):
    """One row per clerk: ballots entered, differences, errors, corrections, error rate."""

    headers = tuple(CLERK_HEADERS)

    def cell(self, s: ClerkStats, column: int, role):
        values = [s.operator, s.entered, s.differences, s.wrong, s.corrections]
        if role == Qt.ItemDataRole.DisplayRole:
            return rate_text(s) if column == RATE else str(values[column])
        if role == SORT_ROLE:
            return float(s.error_rate or 0) if column == RATE else values[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column != OPERATOR:
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column == RATE:
            return "差错率 =(录错 + 事后更正)÷ 录入张数"
        return None


class OutlierTableModel(_RowsModel):
    """Ballots flagged for a look: serial, group, kind (a word) and what is unusual."""

    headers = tuple(FLAG_HEADERS)

    def cell(self, f: OutlierFlag, column: int, role):
        values = [f.serial, f.group, f.label, f.detail]
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return values[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "仅供监票人查看原始选票,系统不会自动作废任何选票"
        return None
