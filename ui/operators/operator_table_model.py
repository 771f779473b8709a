"""Table model of the operators page: one row per operator (姓名, 角色, 状态, 创建时间)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from evalapp.services.operators import OperatorInfo
from ui.common.base_table_model import CENTER, ROW_ROLE, SORT_ROLE, RowsTableModel

HEADERS = ["姓名", "角色", "状态", "添加时间"]
NAME, ROLE, STATUS, CREATED = range(len(HEADERS))
GREY = QColor("#777777")


class OperatorTableModel(RowsTableModel):
    """Operators in the order they were added; a disabled one is greyed and says 已停用;
    the one signed in now is marked (当前登录)."""

    headers = tuple(HEADERS)

    def __init__(self, signed_in: str = "", parent=None):
        super().__init__(parent)
        self.signed_in = signed_in

    def row_object(self, row: int) -> OperatorInfo:
        return self._rows[row]

    def _text(self, o: OperatorInfo, column: int) -> str:
        if column == NAME:
            return f"{o.name}(当前登录)" if o.name == self.signed_in else o.name
        if column == ROLE:
            return o.role_label
        if column == STATUS:
            return o.status_label
        return f"{o.created_at:%Y-%m-%d %H:%M}" if o.created_at else "—"

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not self.has_row(index):
            return None
        o = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return self._text(o, column)
        if role == ROW_ROLE:
            return o
        if role == Qt.ItemDataRole.ForegroundRole and not o.active:
            return GREY
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (ROLE, STATUS):
            return CENTER
        return None
