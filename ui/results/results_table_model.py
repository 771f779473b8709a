"""Table model of the results page: the full ranking with components, outcome and margins."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QApplication, QStyle

from evalapp.outcome_words import (  # the words are re-exported for the score chart
    ADMONISH_WORD,
    COMMEND_WORD,
    REPEAT_WORD,
    UNSCORED_WORD,
    VETO_WORD,
    outcome_word,
)
from evalapp.rounding import fixed
from evalapp.tally_result import COMMEND, DepartmentResult
from ui.common.base_table_model import LEFT, RIGHT

_ROOT = QModelIndex()
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

LAST = 10 ** 6  # sorts missing ranks/scores after every real one
LOW = -10.0 ** 6

# Outcome words (colour is never the only signal) and their fill / text colours.
OUTCOME_COLOURS = {
    COMMEND_WORD: ("#D4EDDA", "#155724"), ADMONISH_WORD: ("#FCE4C4", "#8A4B00"),
    REPEAT_WORD: ("#F8D7DA", "#8B1A1A"), VETO_WORD: ("#E2C6F0", "#4A1466"),
    UNSCORED_WORD: ("#E6E6E6", "#444444"),
}
UP_COLOUR, DOWN_COLOUR = "#1E7B34", "#B02A2A"
_BOLD = QFont()
_BOLD.setBold(True)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)


def outcome_detail(d: DepartmentResult) -> str:
    """A sentence behind the outcome word (for the tooltip)."""
    if not d.scored:
        return f"不参加排名:{d.unscored_reason}"
    parts = []
    if d.veto:
        parts.append(f"一票否决:{d.veto_reason or '(未填写原因)'}")
    if "threshold" in d.admonish_reasons:
        parts.append("综合得分低于诫勉分数线")
    if "rank" in d.admonish_reasons:
        parts.append("排名在本类别诫勉名额内")
    if d.repeat:
        parts.append("上一年度也被诫勉(连续末位),可按规定组织处理")
    if d.outcome == COMMEND:
        parts.append("排名在本类别表扬名额内,通报表扬")
    return ";".join(parts) or "不在表扬或诫勉名单内"


def signed(value, places: int) -> str:
    if value is None:
        return ""
    text = fixed(value, places)
    return text if text.startswith("-") or value == 0 else "+" + text


def change_text(d: DepartmentResult, has_previous: bool) -> tuple[str, str]:
    """(上年排名, 变化) texts: "↑3", "↓2", "持平", "新" for a department new this year."""
    if not has_previous:
        return "", ""
    if d.previous is None:
        return "", "新"
    before = "" if d.previous.rank is None else str(d.previous.rank)
    change = d.rank_change
    if change is None:
        return before, "—"
    return before, "持平" if change == 0 else (f"↑{change}" if change > 0 else f"↓{-change}")


_SUFFIXES = ("领导", "代表", "负责人", "得分", "排名", "互评", "考核")


def wrap_header(text: str) -> str:
    """Two short lines for a long header, so that narrow number columns fit on one screen."""
    for suffix in _SUFFIXES:
        if len(text) >= 4 and text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return f"{text[:-len(suffix)]}\n{suffix}"
    return text if len(text) <= 4 else f"{text[:4]}\n{text[4:]}"


class ResultsTableModel(QAbstractTableModel):
    """One row per department in result order; columns depend on groups and components."""

    HEAD = ("排名", "类别内排名", "部门", "类别")
    RANK, CATEGORY_RANK, NAME, CATEGORY = range(4)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[DepartmentResult] = []
        self._groups: list[str] = []
        self._components: list[str] = []
        self._decimals = 2
        self._has_previous = False
        self._headers: list[str] = self._make_headers()
        self._cells: list[list[tuple[str, object]]] = []
        self._flags: dict[str, str] = {}  # department → why it is flagged (稳固程度)

    def set_flags(self, flags: dict[str, str]) -> None:
        """Flag departments (a warning sign on the name, the reason in its tooltip)."""
        self._flags = dict(flags)
        if self._rows:
            self.dataChanged.emit(self.index(0, self.NAME), self.index(len(self._rows) - 1,
                                                                       self.NAME))

    def flagged(self) -> dict[str, str]:
        return dict(self._flags)

    def set_rows(self, rows: list[DepartmentResult], groups: list[str], components: list[str],
                 decimals: int, has_previous: bool) -> None:
        """Replace every row; ``components`` are the components other than 集中考评."""
        self.beginResetModel()
        self._rows, self._groups, self._components = list(rows), list(groups), list(components)
        self._decimals, self._has_previous = decimals, has_previous
        self._headers = self._make_headers()
        # every (text, sort value) once, so painting and sorting only look them up
        self._cells = [[self._value(d, c) for c in range(len(self._headers))]
                       for d in self._rows]
        self.endResetModel()

    def _make_headers(self) -> list[str]:
        return (list(self.HEAD) + self._groups + ["集中考评得分"] + self._components
                + ["加分", "减分", "综合得分", "结果", "与表扬线", "与诫勉线", "上年排名", "变化"])

    def headers(self) -> list[str]:
        return list(self._headers)

    def group_count(self) -> int:
        return len(self._groups)

    def column_of(self, header: str) -> int:
        return self.headers().index(header)

    def row_of(self, name: str) -> int | None:
        for row, d in enumerate(self._rows):
            if d.name == name:
                return row
        return None

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        headers = self._headers
        if not 0 <= section < len(headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return wrap_header(headers[section])
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS.get(headers[section], f"点击按“{headers[section]}”排序")
        return None

    def _number(self, value) -> tuple[str, float]:
        if value is None:
            return "", LOW
        return fixed(value, self._decimals), float(value)

    def _value(self, d: DepartmentResult, column: int) -> tuple[str, object]:
        """(display text, sort value) of one cell."""
        if column == self.RANK:
            return ("" if d.rank is None else str(d.rank)), d.rank or LAST
        if column == self.CATEGORY_RANK:
            return ("" if d.category_rank is None else str(d.category_rank)), \
                d.category_rank or LAST
        if column == self.NAME:
            return d.name, d.name
        if column == self.CATEGORY:
            return d.category, d.category
        column -= len(self.HEAD)
        if column < len(self._groups):
            return self._number(d.group_scores.get(self._groups[column]))
        column -= len(self._groups)
        if column == 0:
            return self._number(d.onsite_score)
        if column <= len(self._components):
            return self._number(d.component_values.get(self._components[column - 1]))
        return self._tail(d, column - 1 - len(self._components))

    def _tail(self, d: DepartmentResult, column: int) -> tuple[str, object]:
        if column == 0:
            return self._number(d.bonus if d.scored else None)
        if column == 1:
            return self._number(d.penalty if d.scored else None)
        if column == 2:
            return self._number(d.final_score)
        if column == 3:
            word = outcome_word(d)
            return word, list(OUTCOME_COLOURS).index(word) if word else 9
        if column in (4, 5):
            margin = d.commend_margin if column == 4 else d.admonish_margin
            return signed(margin, self._decimals), LOW if margin is None else float(margin)
        before, change = change_text(d, self._has_previous)
        if column == 6:
            return before, int(before) if before else LAST
        return change, LAST if d.rank_change is None else -d.rank_change

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        d, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][column][0]
        if role == SORT_ROLE:
            return self._cells[index.row()][column][1]
        if role == ROW_ROLE:
            return d
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            return self._colour(d, column, role)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(d, column)
        if role == Qt.ItemDataRole.FontRole and column == self._outcome_column() - 1:
            return _BOLD
        if role == Qt.ItemDataRole.DecorationRole and column == self.NAME \
                and d.name in self._flags:
            return _flag_icon()
        return None

    def _outcome_column(self) -> int:
        return len(self._headers) - 5

    def _alignment(self, column: int) -> int:
        if column in (self.NAME, self.CATEGORY):
            return LEFT
        if column in (self._outcome_column(), len(self._headers) - 1):
            return _CENTER
        return RIGHT

    def _colour(self, d: DepartmentResult, column: int, role):
        if column == len(self._headers) - 1 and role == Qt.ItemDataRole.ForegroundRole:
            change = d.rank_change or 0
            return QBrush(QColor(UP_COLOUR if change > 0 else DOWN_COLOUR)) if change else None
        word = outcome_word(d)
        if not word or column not in (self.NAME, self._outcome_column()):
            return None
        fill, text = OUTCOME_COLOURS[word]
        return QBrush(QColor(fill if role == Qt.ItemDataRole.BackgroundRole else text))

    def _tooltip(self, d: DepartmentResult, column: int) -> str | None:
        if column in (self.NAME, self._outcome_column()):
            text = f"{d.name}({d.presenter} {d.title}):{outcome_detail(d)}".replace("( )", "")
            if column == self.NAME and d.name in self._flags:
                text += f"\n⚠ {self._flags[d.name]}"
            return text
        return None


_HEADER_TIPS = {
    "与表扬线": "综合得分与本类别表扬线(最后一名表扬单位的得分)之差;≥ 0 表示在表扬名单内",
    "与诫勉线": "综合得分与本类别诫勉线(诫勉名额内最高得分)之差;≤ 0 表示在诫勉名单内",
    "变化": "与上一年度总排名相比:↑ 上升,↓ 下降,“新”为上年没有的部门",
}


def _flag_icon():
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


class ResultsFilterProxy(QSortFilterProxyModel):
    """Sorts by SORT_ROLE and keeps the rows of one category whose name contains a text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._category: str | None = None
        self._text = ""

    def set_filter(self, category: str | None, text: str) -> None:
        self.beginFilterChange()
        self._category, self._text = category, text.strip()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        d = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        if d is None:
            return False
        if self._category and d.category != self._category:
            return False
        return not self._text or self._text in d.name or self._text in d.short_name
