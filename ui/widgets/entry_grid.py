"""The entry grid: departments in ballot order, one mark per row, typed with keys only."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView

from evalapp.domain import DomainError, Settings
from ui.models.entry_table_model import COL_MARK, COL_NAME, COL_ORDER, COL_SHORT, EntryTableModel
from ui.widgets.mark_typing import COMPLETE, GradeKeys, ScoreTyper, is_grade_mode

GRID_POINT_SIZE = 16
K = Qt.Key
_MOVES = {K.Key_Up: -1, K.Key_Down: 1, K.Key_PageUp: -10, K.Key_PageDown: 10}


class EntryGrid(QTableView):
    """Keys: a digit types a mark (等次制: picks a grade and moves on), Enter confirms,
    Space/0 blank, Backspace deletes or goes back, Delete clears, Up/Down move."""

    refused = Signal(str)  # why a key was refused ("" clears the message)
    finished = Signal()  # Enter on the last row (after confirming what was typed there)
    leave_up = Signal()  # moving up from the first row: back to the fields above

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entry_model = EntryTableModel(self)
        self.setModel(self.entry_model)
        self._grades: GradeKeys | None = None
        self._score: ScoreTyper | None = None
        self._row = 0
        self._style()

    def _style(self) -> None:
        font = QFont(self.font())
        font.setPointSize(GRID_POINT_SIZE)
        self.setFont(font)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#123F8C"))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#FFFFFF"))
        palette.setColor(QPalette.ColorRole.Text, QColor("#000000"))
        self.setPalette(palette)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        rows = self.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(int(self.fontMetrics().height() * 1.55))
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        width = self.fontMetrics().horizontalAdvance("0")
        for column, chars in ((COL_ORDER, 5), (COL_SHORT, 11), (COL_MARK, 7)):
            self.setColumnWidth(column, width * chars + 24)

    def configure(self, settings: Settings) -> None:
        """Set the marking mode (keys and checks) from the evaluation's settings."""
        grade = is_grade_mode(settings)
        self._grades = GradeKeys(settings) if grade else None
        self._score = None if grade else ScoreTyper(settings)
        if grade:
            self.setColumnWidth(COL_MARK, self.fontMetrics().horizontalAdvance("不了解优") + 24)

    def legend(self) -> str:
        if self._grades is not None:
            return f"按键:{self._grades.legend()}(按一个键即录入并跳到下一行)"
        return ("按键:输入分数,按 Enter 确认(分数不能再长时自动跳到下一行);空格 空白;"
                "Backspace 退格/回上一行;Delete 清除;↑↓ 移动")

    # --- cursor ----------------------------------------------------------------------------
    @property
    def row(self) -> int:
        return self._row

    def go_to(self, row: int) -> None:
        """Put the cursor on a row (clamped) and keep it in view."""
        count = self.entry_model.rowCount()
        if count == 0:
            return
        self._row = max(0, min(row, count - 1))
        index = self.entry_model.index(self._row, COL_MARK)
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.selectionModel().setCurrentIndex(index, flags)
        self.entry_model.set_current(self._row)
        visible = QAbstractItemView.ScrollHint.EnsureVisible
        for ahead in (min(self._row + 2, count - 1), max(self._row - 2, 0)):  # rows around
            self.scrollTo(self.entry_model.index(ahead, COL_MARK), visible)
        self.scrollTo(index, visible)

    def start(self) -> None:
        """Begin a ballot: cursor on the first row, keyboard focus on the grid."""
        self.go_to(0)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def last_row(self) -> int:
        return self.entry_model.rowCount() - 1

    # --- keys ------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.key()
        if key in (K.Key_Tab, K.Key_Backtab):
            self.focusNextPrevChild(key == K.Key_Tab and not mods)
            return
        if mods & ~Qt.KeyboardModifier.ShiftModifier or self.entry_model.rowCount() == 0:
            event.ignore()
            return
        text = event.text()
        if text and (text.isdigit() or text == ".") and text.isascii():
            self._type(text)
        elif key in (K.Key_Return, K.Key_Enter):
            self._enter()
        elif key == K.Key_Space:
            self._blank_and_next()
        elif key == K.Key_Backspace:
            self._backspace()
        elif key == K.Key_Delete:
            self.entry_model.set_mark(self._row, None)
            self.refused.emit("")
        elif key in _MOVES or key in (K.Key_Home, K.Key_End):
            self._move(key)
        elif key == K.Key_Escape and self.entry_model.typing_text(self._row) is not None:
            self.entry_model.set_typing(self._row, None)
            self.refused.emit("")
        elif key == K.Key_Escape:
            event.ignore()
        elif text.strip():
            self._refuse(f"“{text}”不能用于评分:请用数字键(见上方按键说明)")
        else:
            event.ignore()

    def _refuse(self, reason: str) -> None:
        QApplication.beep()
        self.refused.emit(reason)

    def _next(self) -> None:
        if self._row < self.last_row():
            self.go_to(self._row + 1)

    def _type(self, char: str) -> None:
        if self._grades is not None:
            self._pick_grade(char)
            return
        text = (self.entry_model.typing_text(self._row) or "") + char
        state = self._score.state(text)
        if state is None:
            self._refuse(f"第 {self._row + 1} 行:{self._score.reason(text)}")
            return
        self.refused.emit("")
        if state == COMPLETE:
            self.entry_model.set_mark(self._row, self._score.commit(text))
            self._next()
        else:
            self.entry_model.set_typing(self._row, text)

    def _pick_grade(self, char: str) -> None:
        if char == ".":
            self._refuse("等次制请按数字键:" + self._grades.legend())
            return
        try:
            grade = self._grades.grade(int(char))
        except DomainError as exc:
            self._refuse(str(exc))
            return
        self.refused.emit("")
        self.entry_model.set_mark(self._row, grade)
        self._next()

    def commit_typing(self) -> bool:
        """Turn the value being typed into the row's mark; False (and why) when it is not one."""
        text = self.entry_model.typing_text(self._row)
        if text is None:
            return True
        try:
            mark = self._score.commit(text)
        except DomainError as exc:
            self._refuse(f"第 {self._row + 1} 行:{exc}")
            return False
        self.entry_model.set_mark(self._row, mark)
        return True

    def _enter(self) -> None:
        """Confirm the value typed and move on; on the last row, save the ballot."""
        if not self.commit_typing():
            return
        if self._row == self.last_row():
            self.finished.emit()
        else:
            self._next()

    def _blank_and_next(self) -> None:
        self.entry_model.set_mark(self._row, None)
        self.refused.emit("")
        self._next()

    def _backspace(self) -> None:
        model, row = self.entry_model, self._row
        typing = model.typing_text(row)
        self.refused.emit("")
        if typing:
            model.set_typing(row, typing[:-1] or None)
        elif model.mark(row) is not None:
            rest = model.mark(row)[:-1] if self._score is not None else ""
            model.set_mark(row, None)
            if rest:
                model.set_typing(row, rest)
        elif row == 0:
            self.leave_up.emit()
        else:
            self.go_to(row - 1)

    def _move(self, key) -> None:
        if not self.commit_typing():
            return
        self.refused.emit("")
        if key == K.Key_Home:
            self.go_to(0)
        elif key == K.Key_End:
            self.go_to(self.last_row())
        elif self._row == 0 and key in (K.Key_Up, K.Key_PageUp):
            self.leave_up.emit()
        else:
            self.go_to(self._row + _MOVES[key])
