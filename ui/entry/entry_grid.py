"""The entry grid: departments in ballot order, one mark per row, typed with keys only."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QTableView,
)

from evalapp.domain import DomainError, Settings
from ui.entry.entry_table_model import COL_MARK, COL_NAME, COL_ORDER, COL_SHORT, EntryTableModel
from ui.entry.mark_typing import GradeKeys, ScoreTyper, is_grade_mode

GRID_POINT_SIZE = 16
K = Qt.Key
_MOVES = {K.Key_Up: -1, K.Key_PageUp: -10, K.Key_PageDown: 10}
MAX_TYPED = 12  # characters kept in a cell being typed
FLASH_MS = 350  # how long a row flashes when a key does nothing there


class _MarkDelegate(QStyledItemDelegate):
    """The mark cell keeps its own colours on the current (selected) row, so a value being
    typed, an error or a flash is seen where the clerk is looking."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        if index.data(Qt.ItemDataRole.BackgroundRole) is not None:
            option.state &= ~QStyle.StateFlag.State_Selected
            option.font.setBold(True)


class EntryGrid(QTableView):
    """Keys: digits type a score and Enter / Tab / ↓ commit it (等次制: one grade key is the
    whole mark); Space blanks; Backspace deletes or goes back; Esc drops what is typed;
    Delete clears; ↑ PgUp PgDn Home End move. Enter on the last row: ``finished``."""

    refused = Signal(str)  # why a key was refused ("" clears the message)
    finished = Signal()  # the last row was committed: time for the last look at the ballot
    leave_up = Signal()  # moving up from the first row: back to the fields above

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entry_model = EntryTableModel(self)
        self.setModel(self.entry_model)
        self.setItemDelegateForColumn(COL_MARK, _MarkDelegate(self))
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
            return (f"按键:{self._grades.legend()}(按一个等次键即录入并跳到下一行);"
                    "空格 空白;Enter 确认已有评分;↑↓ 移动")
        return ("按键:输入分数后按 Enter(或 Tab、↓)确认并跳到下一行;空格 空白;"
                "Backspace 退格;Esc 取消正在输入的分数;Delete 清除;↑ 移动")

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
    # One commit rule for every mark: a typed score is committed only by Enter, Tab or ↓ (never
    # by its length); a grade key is the whole mark and commits at once; a blank is made only
    # by Space. Text that is not a mark stays in the cell, shown as an error, and no key but
    # Backspace / Esc / Delete gets past it: nothing is ever stored in part.
    def keyPressEvent(self, event: QKeyEvent) -> None:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.key()
        if mods & ~Qt.KeyboardModifier.ShiftModifier or self.entry_model.rowCount() == 0:
            event.ignore()
            return
        text = event.text()
        if key in (K.Key_Tab, K.Key_Backtab):
            self._tab(key == K.Key_Tab and not mods)
        elif key in (K.Key_Return, K.Key_Enter):
            self._confirm()
        elif key == K.Key_Down:
            self._confirm(empty_moves=True)
        elif key == K.Key_Space:
            self._blank_and_next()
        elif key == K.Key_Backspace:
            self._backspace()
        elif key == K.Key_Delete:
            self.entry_model.set_mark(self._row, None)
            self.refused.emit("")
        elif key == K.Key_Escape and self._typing() is not None:
            self.entry_model.set_typing(self._row, None)
            self.refused.emit("")
        elif key in _MOVES or key in (K.Key_Home, K.Key_End):
            self._move(key)
        elif text and text.isprintable() and not text.isspace():
            self._type(text)
        else:
            event.ignore()

    def _typing(self) -> str | None:
        return self.entry_model.typing_text(self._row)

    def _refuse(self, reason: str) -> None:
        QApplication.beep()
        self.refused.emit(reason)

    def _cue(self, reason: str) -> None:
        """A key that does nothing here: a short visual cue (the row flashes) and why."""
        QApplication.beep()
        self.entry_model.flash(self._row)
        row = self._row  # the model is the timer's context: no call after the page is gone
        QTimer.singleShot(FLASH_MS, self.entry_model, lambda: self.entry_model.flash(row, False))
        self.refused.emit(reason)

    def _advance(self) -> None:
        """After a committed mark: the next row, or the last look at the ballot."""
        if self._row < self.last_row():
            self.go_to(self._row + 1)
        else:
            self.finished.emit()

    def _type(self, char: str) -> None:
        if self._grades is not None:
            self._pick_grade(char)
            return
        typing = self._typing() or ""
        if len(typing) >= MAX_TYPED:
            self._refuse(f"第 {self._row + 1} 行:输入过长,请按 Backspace 或 Esc 改正")
            return
        text = typing + char
        self.entry_model.set_typing(self._row, text)
        if self._score.state(text) is None:
            self.entry_model.set_typing_error(self._row, True)
            self._refuse(f"第 {self._row + 1} 行:{self._score.reason(text)};"
                         "请按 Backspace 或 Esc 改正")
        else:
            self.refused.emit("")

    def _pick_grade(self, char: str) -> None:
        if not (char.isdigit() and char.isascii()) or char == "0":
            self._refuse(f"“{char}”不是等次键。{self._grades.legend()}")
            return
        try:
            grade = self._grades.grade(int(char))
        except DomainError as exc:
            self._refuse(str(exc))
            return
        self.refused.emit("")
        self.entry_model.set_mark(self._row, grade)
        self._advance()

    def commit_typing(self) -> bool:
        """Turn the value being typed into the row's mark; False (and why) when it is not one:
        the text then stays in the cell, shown as an error."""
        text = self._typing()
        if text is None:
            return True
        try:
            mark = self._score.commit(text)
        except DomainError as exc:
            self.entry_model.set_typing_error(self._row, True)
            self._refuse(f"第 {self._row + 1} 行:{exc};请按 Backspace 或 Esc 改正")
            return False
        if mark is None:  # nothing but a lone "." : not a mark, not a blank
            self.entry_model.set_typing_error(self._row, True)
            self._refuse(f"第 {self._row + 1} 行:“{text}”不是分数;请按 Backspace 或 Esc 改正")
            return False
        self.entry_model.set_mark(self._row, mark)
        return True

    def _confirm(self, empty_moves: bool = False) -> None:
        """Enter / ↓: commit what is typed and move on. Enter on a row with nothing typed and
        no mark does nothing (a blank is made by Space only); ↓ there just moves."""
        if self._typing() is not None:
            if self.commit_typing():
                self.refused.emit("")
                self._advance()
            return
        if self.entry_model.mark(self._row) is not None:
            self.refused.emit("")
            self._advance()
        elif empty_moves:
            self.refused.emit("")
            if self._row < self.last_row():
                self.go_to(self._row + 1)
        else:
            self._cue(f"第 {self._row + 1} 行还没有评分:请输入评分后按 Enter;空白请按空格键")

    def _tab(self, forward: bool) -> None:
        """Tab commits a typed mark like Enter; with nothing typed it leaves the grid."""
        if forward and self._typing() is not None:
            self._confirm()
        elif self.commit_typing():
            self.focusNextPrevChild(forward)

    def _blank_and_next(self) -> None:
        if self._typing() is not None:
            self._refuse(f"第 {self._row + 1} 行正在输入“{self._typing()}”:按 Enter 确认,"
                         "或按 Esc 取消后再按空格键留空")
            return
        self.entry_model.set_mark(self._row, None)
        self.refused.emit("")
        self._advance()

    def _backspace(self) -> None:
        model, row = self.entry_model, self._row
        typing = self._typing()
        self.refused.emit("")
        if typing:
            rest = typing[:-1]
            model.set_typing(row, rest or None)
            if rest and self._score.state(rest) is not None:
                model.set_typing_error(row, False)
            elif rest:
                model.set_typing_error(row, True)
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
        if self._typing() is not None:
            self._refuse(f"第 {self._row + 1} 行正在输入“{self._typing()}”:按 Enter 确认,"
                         "或按 Esc 取消")
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
