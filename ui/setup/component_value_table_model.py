"""Table model of component values (其他得分): one row per department, one editable column per
component other than 集中考评; missing values show 缺. A commit goes through ``writer``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from evalapp.domain import Department, format_decimal
from evalapp.setting_rules import score_in_range
from ui.common.base_table_model import CENTER, LEFT, RIGHT

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

ORDER, NAME = 0, 1  # then one column per component
FIXED_HEADERS = ["述职顺序", "部门名称"]
MISSING = "缺"
MISSING_FILL = QColor("#FFE8B3")

Writer = Callable[[str, str, Decimal | None], bool]


def parse_value(text: str, component: str) -> tuple[Decimal | None, str | None]:
    """(value, problem) of a typed cell: blank clears; else a number in 0–100."""
    raw = (text or "").strip().replace("。", ".")
    if not raw or raw == MISSING:
        return None, None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None, f"{component}:“{raw}”不是数字"
    if not value.is_finite() or not score_in_range(value):
        return None, f"{component}:{raw} 应在 0–100 之间"
    return value, None


class ComponentValueTableModel(QAbstractTableModel):
    """``writer(department, component, value)`` saves a cell and says whether it worked;
    ``refused(message)`` is emitted when a typed value is not acceptable."""

    refused = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Department] = []
        self._components: list[str] = []
        self._values: dict[str, dict[str, Decimal]] = {}
        self._decimals = 2
        self.writer: Writer | None = None

    def set_rows(self, departments: list[Department], components: list[str],
                 values: dict[str, dict[str, Decimal]], decimals: int = 2) -> None:
        self.beginResetModel()
        self._rows = sorted(departments, key=lambda d: d.order)
        self._components = list(components)
        self._values = {name: dict(v) for name, v in values.items()}
        self._decimals = decimals
        self.endResetModel()

    def components(self) -> list[str]:
        return list(self._components)

    def value(self, department: str, component: str) -> Decimal | None:
        return self._values.get(department, {}).get(component)

    def missing(self) -> int:
        return sum(1 for d in self._rows for c in self._components
                   if self.value(d.name, c) is None)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(FIXED_HEADERS) + len(self._components)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        headers = FIXED_HEADERS + self._components
        return headers[section] if 0 <= section < len(headers) else None

    def _component(self, column: int) -> str | None:
        position = column - len(FIXED_HEADERS)
        return self._components[position] if 0 <= position < len(self._components) else None

    def _text(self, value: Decimal | None) -> str:
        if value is None:
            return MISSING
        places = max(self._decimals, -value.as_tuple().exponent)
        return f"{value:.{places}f}"

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        d, component = self._rows[index.row()], self._component(index.column())
        value = self.value(d.name, component) if component else None
        if role == ROW_ROLE:
            return d
        if component is None:
            return self._fixed_data(d, index.column(), role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(value)
        if role == Qt.ItemDataRole.EditRole:
            return "" if value is None else format_decimal(value)
        if role == SORT_ROLE:
            return value if value is not None else Decimal(-1)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTER if value is None else RIGHT
        if role == Qt.ItemDataRole.BackgroundRole and value is None:
            return QBrush(MISSING_FILL)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{d.name} 的{component}:尚未填写" if value is None \
                else f"{d.name} 的{component}:{format_decimal(value)}"
        return None

    @staticmethod
    def _fixed_data(d: Department, column: int, role):
        if role == Qt.ItemDataRole.DisplayRole:
            return str(d.order) if column == ORDER else d.name
        if role == SORT_ROLE:
            return d.order if column == ORDER else d.name
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column == ORDER else LEFT
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._component(index.column()) is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        """Validate a typed value and save it through ``writer``; refused values change nothing."""
        component = self._component(index.column()) if index.isValid() else None
        if role != Qt.ItemDataRole.EditRole or component is None or self.writer is None:
            return False
        department = self._rows[index.row()].name
        number, problem = parse_value(str(value if value is not None else ""), component)
        if problem:
            self.refused.emit(f"{department} 的{problem},未保存")
            return False
        if number == self.value(department, component):
            return False
        if not self.writer(department, component, number):
            return False
        self.set_value(department, component, number)
        return True

    def set_value(self, department: str, component: str, value: Decimal | None) -> None:
        """Show a saved value (also used by undo) and tell the views about that one cell."""
        row = next((i for i, d in enumerate(self._rows) if d.name == department), -1)
        if row < 0 or component not in self._components:
            return
        if value is None:
            self._values.get(department, {}).pop(component, None)
        else:
            self._values.setdefault(department, {})[component] = value
        index = self.index(row, len(FIXED_HEADERS) + self._components.index(component))
        self.dataChanged.emit(index, index)
