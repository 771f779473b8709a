"""Table model of the ranking: one row per department, in result order."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from evalapp.rounding import fixed
from evalapp.tally import ADMONISH, COMMEND, OUTCOME_LABELS, DepartmentResult

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
FILLS = {COMMEND: QColor("#DFF0D8"), ADMONISH: QColor("#F8D7DA")}


def outcome_text(d: DepartmentResult) -> str:
    if not d.scored:
        return d.unscored_reason or OUTCOME_LABELS[d.outcome]
    text = OUTCOME_LABELS[d.outcome]
    notes = (["一票否决"] if d.veto else []) + (["连续末位"] if d.repeat else [])
    return text + (f"({'、'.join(notes)})" if notes else "")


class RankingTableModel(QAbstractTableModel):
    FIXED = ["排名", "类别内排名", "部门名称", "类别"]
    TAIL = ["集中考评得分", "加分", "减分", "综合得分", "结果"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[DepartmentResult] = []
        self._groups: list[str] = []
        self._decimals = 2

    def set_rows(self, rows: list[DepartmentResult], groups: list[str], decimals: int) -> None:
        self.beginResetModel()
        self._rows, self._groups, self._decimals = list(rows), list(groups), decimals
        self.endResetModel()

    def headers(self) -> list[str]:
        return self.FIXED + self._groups + self.TAIL

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return None

    def _value(self, d: DepartmentResult, column: int):
        """(display text, sort value) of one cell."""
        places, n_groups = self._decimals, len(self._groups)
        if column == 0:
            return ("" if d.rank is None else str(d.rank)), d.rank or 10 ** 6
        if column == 1:
            return ("" if d.category_rank is None else str(d.category_rank)), \
                d.category_rank or 10 ** 6
        if column == 2:
            return d.name, d.order
        if column == 3:
            return d.category, d.category
        if column < 4 + n_groups:
            score = d.group_scores.get(self._groups[column - 4])
            return fixed(score, places) or "", score if score is not None else -1
        tail = column - 4 - n_groups
        values = [d.onsite_score, d.bonus if d.scored else None,
                  d.penalty if d.scored else None, d.final_score]
        if tail < 4:
            v = values[tail]
            return fixed(v, places) or "", v if v is not None else -1
        return outcome_text(d), d.outcome

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        d = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._value(d, index.column())[0]
        if role == SORT_ROLE:
            return self._value(d, index.column())[1]
        if role == ROW_ROLE:
            return d
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if index.column() in (2, 3) or index.column() == self.columnCount() - 1:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and d.outcome in FILLS:
            return QBrush(FILLS[d.outcome])
        return None
