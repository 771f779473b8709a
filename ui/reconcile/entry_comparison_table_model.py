"""Table model of one conflicting ballot: both entries side by side and the value adopted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from evalapp.domain import DomainError
from evalapp.services.ballots import BallotInput
from evalapp.services.double_entry import Conflict
from ui.common.base_table_model import LEFT, RIGHT, ROW_ROLE, SORT_ROLE, RowsTableModel

HEADERS = ["项目", "第一次", "第二次", "采用"]
ITEM, FIRST, SECOND, CHOSEN = range(len(HEADERS))
GROUP_ITEM, OWN_ITEM = "评委类别", "所属部门"
DIFF_MARK = "≠"
BLANK = "(空)"
PENDING = "请按 1 或 2 选择"
DIFF_FILL, CHOSEN_FILL = QColor("#F8D7DA"), QColor("#D4EDDA")
_ITALIC = QFont()
_ITALIC.setItalic(True)


@dataclass
class CompareRow:
    item: str  # 评委类别, 所属部门 or a department name
    first: str | None
    second: str | None
    chosen: str | None
    differs: bool
    picked: str = ""  # "第一次", "第二次", "输入" or "" (equal entries)


class EntryComparisonTableModel(RowsTableModel):
    """Rows: 评委类别, 所属部门, then the departments in ballot order; 采用 is editable."""

    headers = HEADERS
    rejected = Signal(str)  # a typed value was refused, with the reason

    def __init__(self, parent=None):
        super().__init__(parent)
        self._conflict: Conflict | None = None
        self._validate: Callable[[str, str], str | None] = lambda item, text: text or None

    def set_conflict(self, conflict: Conflict | None, departments: list[str],
                     validate: Callable[[str, str], str | None]) -> None:
        """Show one conflict; ``validate(item, text)`` returns the canonical value or raises."""
        self.beginResetModel()
        self._conflict, self._validate = conflict, validate
        self._rows = [] if conflict is None else self._build(conflict, departments)
        self.endResetModel()

    @staticmethod
    def _build(c: Conflict, departments: list[str]) -> list[CompareRow]:
        pairs = [(GROUP_ITEM, c.first.group, c.second.group),
                 (OWN_ITEM, c.first.own_department, c.second.own_department)]
        pairs += [(d, c.first.marks.get(d), c.second.marks.get(d)) for d in departments]
        return [CompareRow(item, a, b, a if a == b else None, a != b) for item, a, b in pairs]

    @property
    def conflict(self) -> Conflict | None:
        return self._conflict

    def row(self, row: int) -> CompareRow:
        return self._rows[row]

    def difference_rows(self) -> list[int]:
        return [i for i, r in enumerate(self._rows) if r.differs]

    def unresolved(self) -> list[str]:
        """Items whose entries differ and for which nothing was adopted yet."""
        return [r.item for r in self._rows if r.differs and not r.picked]

    def pick(self, row: int, which: int) -> bool:
        """Adopt entry 1 or 2 for a row."""
        if not 0 <= row < len(self._rows) or which not in (1, 2):
            return False
        r = self._rows[row]
        r.chosen = r.first if which == 1 else r.second
        r.picked = "第一次" if which == 1 else "第二次"
        self.dataChanged.emit(self.index(row, 0), self.index(row, CHOSEN))
        return True

    def ballot_input(self) -> BallotInput:
        """The ballot as adopted (raises DomainError while a difference is unresolved)."""
        missing = self.unresolved()
        if self._conflict is None:
            raise DomainError("请先在左侧选择一张待核对的选票")
        if missing:
            raise DomainError(f"还有 {len(missing)} 处不一致未选定:{'、'.join(missing[:6])}"
                              f"{'……' if len(missing) > 6 else ''}")
        values = {r.item: r.chosen for r in self._rows}
        marks = {r.item: r.chosen for r in self._rows[2:] if r.chosen}
        return BallotInput(self._conflict.serial, values[GROUP_ITEM] or "", marks,
                           values[OWN_ITEM] or None)

    # ---------------------------------------------------------------- Qt model
    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and index.column() == CHOSEN:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def _text(self, r: CompareRow, column: int) -> str:
        if column == ITEM:
            return f"{DIFF_MARK} {r.item}" if r.differs else r.item
        if column in (FIRST, SECOND):
            value = r.first if column == FIRST else r.second
            text = value or BLANK
            return f"{DIFF_MARK} {text}" if r.differs else text
        if r.differs and not r.picked:
            return PENDING
        text = r.chosen or BLANK
        return f"{text}(取{r.picked})" if r.picked in ("第一次", "第二次") and r.differs \
            else (f"{text}(输入)" if r.picked == "输入" else text)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not self.has_row(index):
            return None
        r, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return self._text(r, column)
        if role == Qt.ItemDataRole.EditRole:
            return r.chosen or ""
        if role == ROW_ROLE:
            return r
        if role == Qt.ItemDataRole.TextAlignmentRole:
            right = column != ITEM and index.row() >= 2  # marks are numbers or grades
            return RIGHT if right else LEFT
        if role == Qt.ItemDataRole.BackgroundRole and r.differs:
            if column == CHOSEN:
                return QBrush(CHOSEN_FILL) if r.picked else None
            return QBrush(DIFF_FILL)
        if role == Qt.ItemDataRole.FontRole and column == CHOSEN and r.differs and not r.picked:
            return _ITALIC
        if role == Qt.ItemDataRole.ToolTipRole and r.differs:
            return "两次录入不一致:按 1 采用第一次,按 2 采用第二次,或按 F2 输入纸质选票上的值"
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != CHOSEN:
            return False
        r = self._rows[index.row()]
        try:
            chosen = self._validate(r.item, str(value or "").strip())
        except DomainError as exc:
            self.rejected.emit(f"“{r.item}”:{exc}")
            return False
        r.chosen, r.picked = chosen, "输入"
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), CHOSEN))
        return True
