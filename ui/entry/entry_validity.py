"""The summary line of the ballot being typed: filled, blanks, excellent count and verdict.

It is also the last look before a ballot is stored: Enter on the last row of the grid puts
the keyboard focus here (the line is framed and says so), and Enter again saves. Esc, ↑ or
Backspace go back to the grid. The verdict comes from evalapp.ballot_rules, the tally's rule.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QSizePolicy

from evalapp.ballot_rules import MarkRules
from evalapp.ballot_status import CONFIRMED

OK, VOID, EMPTY = "ok", "void", "empty"
COLOURS = {OK: "#0B5D1E", VOID: "#8A4B00", EMPTY: "#444444"}
BACKGROUNDS = {OK: "#E6F4EA", VOID: "#FFE9C7", EMPTY: "#F2F2F2"}
MAX_BLANKS_SHOWN = 12


def summary_text(rules: MarkRules, marks: list[str | None], orders: list[int],
                 reached: int | None = None) -> tuple[str, str]:
    """(kind, sentence) of a ballot given as one mark (or None) per row in ballot order;
    ``orders`` are the rows' 序号; blanks are listed among the first ``reached`` rows (the
    rows the clerk has passed; all of them by default). Never relies on colour."""
    facts = rules.ballot_facts(marks)
    parts = [f"已填 {facts.filled}/{len(marks)}"]
    blanks = [i for i in facts.blanks if reached is None or i < reached]
    if blanks and facts.filled:
        shown = "、".join(str(orders[i]) for i in blanks[:MAX_BLANKS_SHOWN])
        more = f" 等 {len(blanks)} 个" if len(blanks) > MAX_BLANKS_SHOWN else ""
        parts.append(f"空白:序号 {shown}{more}")
    if rules.limit is not None:
        parts.append(f"优秀 {facts.excellent}(上限 {rules.limit})")
    if facts.reason is None:
        parts.append("有效")
        return OK, " · ".join(parts)
    kind = EMPTY if not facts.filled else VOID
    parts.append(f"本票将作废:{facts.reason}")
    return kind, " · ".join(parts)


class BallotSummary(QLabel):
    """One line under the fields; focused at the end of a ballot for the last look."""

    save_requested = Signal()
    back_requested = Signal()
    stray_key = Signal()  # a key that means nothing here (the ballot is not saved yet)

    def __init__(self, parent=None):
        super().__init__(parent)
        font = self.font()
        font.setPointSize(14)
        font.setBold(True)
        self.setFont(font)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(self.fontMetrics().height() * 2 + 16)
        self.setAccessibleName("本票小结")
        self.kind = EMPTY
        self._line = ""
        self._paint()

    def show_marks(self, rules: MarkRules, marks: list[str | None], orders: list[int],
                   reached: int | None = None) -> None:
        self.kind, self._line = summary_text(rules, marks, orders, reached)
        self._paint()

    def _paint(self) -> None:
        focused = self.hasFocus()
        border = "3px solid #123F8C" if focused else "1px solid #BBBBBB"
        self.setStyleSheet(f"color:{COLOURS[self.kind]}; background:{BACKGROUNDS[self.kind]};"
                           f"border:{border}; padding:4px 8px")
        hint = "  —  按 Enter 保存本票;Esc 返回修改" if focused else ""
        self.setText(self._line + hint)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self._paint()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self._paint()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            event.ignore()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save_requested.emit()
        elif key in (Qt.Key.Key_Escape, Qt.Key.Key_Up, Qt.Key.Key_Backspace):
            self.back_requested.emit()
        elif event.text().strip() or key == Qt.Key.Key_Space:
            self.stray_key.emit()  # typing on: the clerk has not seen that nothing is saved
        else:
            event.ignore()


PENDING_KIND = "pending"
SAVED_STYLES = {OK: ("✓ ", "color:#0B5D1E"), VOID: ("", "color:#000; background:#FFD27F"),
                PENDING_KIND: ("", "color:#123F8C")}


def saved_words(verb: str, info, rules: MarkRules) -> tuple[str, str]:
    """(message, kind) after a save: a ballot the rules void is saved but never shown as a
    success (amber, with the reason); one waiting for its second entry is neutral."""
    head = f"{verb} 票号 {info.serial}"
    if info.status != CONFIRMED:
        return f"{head} · {info.status_label}", PENDING_KIND
    reason = rules.invalid_reason(info.marks.values(), info.void_reason)
    if reason:
        return f"{head} · 无效:{reason}", VOID
    return f"{head} · 有效", OK


class SaveStatus(QLabel):
    """The line under the grid: what was last saved, in the colour of its kind (✓ only for a
    valid ballot)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet("color:#205020")

    def show_saved(self, message: str, kind: str) -> None:
        mark, style = SAVED_STYLES.get(kind, ("", "color:#000"))
        self.setStyleSheet(style + "; padding:2px 6px; font-weight:bold")
        self.setText(mark + message)
