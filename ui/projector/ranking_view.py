"""The ranking of one category on the big screen, painted (no child widgets: a refresh is
one repaint, so nothing flickers): rank, department, final score, outcome word on its
colour, and the change against last year."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ui.projector import theme
from ui.projector.projector_model import ProjectorCategory, ProjectorRow

# Column left edges and widths as fractions of the usable width.
COLUMNS = {"rank": (0.00, 0.08), "name": (0.105, 0.445), "score": (0.56, 0.15),
           "outcome": (0.73, 0.15), "change": (0.89, 0.11)}
HEADINGS = {"rank": "名次", "name": "部门", "score": "综合得分", "outcome": "结果",
            "change": "较上年"}
HEADING_UNITS = 12  # category title + column headings, in Metrics units
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


class RankingView(QWidget):
    """Rows [start, end) of one category; in a reveal, covered rows show only their rank."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.category: ProjectorCategory | None = None
        self.start = self.end = 0
        self.page_text = ""
        self.show_change = False
        self.covered: set[int] = set()
        self.highlight: int | None = None

    def metrics(self) -> theme.Metrics:
        window = self.window()
        return theme.Metrics(window.width(), window.height())

    def rows_per_page(self) -> int:
        m = self.metrics()
        return max(3, (self.height() - m.px(HEADING_UNITS)) // max(1, m.row))

    def set_content(self, category: ProjectorCategory | None, start: int, end: int,
                    page_text: str = "", show_change: bool = False,
                    covered: set[int] | None = None, highlight: int | None = None) -> None:
        state = (category, start, end, page_text, show_change, set(covered or ()), highlight)
        if state == (self.category, self.start, self.end, self.page_text, self.show_change,
                     self.covered, self.highlight):
            return  # same frame: no repaint
        (self.category, self.start, self.end, self.page_text, self.show_change,
         self.covered, self.highlight) = state
        self.update()

    def shown_rows(self) -> list[ProjectorRow]:
        """The rows whose content is visible (covered ones excluded) — for tests."""
        if self.category is None:
            return []
        return [r for i, r in enumerate(self.category.rows[self.start:self.end], self.start)
                if i not in self.covered]

    # ----------------------------------------------------------------- painting
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.fillRect(self.rect(), theme.BACKGROUND)
        if self.category is None:
            p.end()
            return
        m = self.metrics()
        self._heading(p, m)
        top = m.px(HEADING_UNITS)
        for n, index in enumerate(range(self.start, self.end)):
            rect = QRectF(m.margin, top + n * m.row, self.width() - 2 * m.margin, m.row)
            self._row(p, m, rect, index, n)
        p.end()

    def _col(self, m: theme.Metrics, key: str, rect: QRectF) -> QRectF:
        left, width = COLUMNS[key]
        usable = rect.width() - m.px(2)
        return QRectF(rect.left() + m.px(1) + left * usable, rect.top(), width * usable,
                      rect.height())

    def _heading(self, p: QPainter, m: theme.Metrics) -> None:
        title = QRectF(m.margin, 0, self.width() - 2 * m.margin, m.px(7.5))
        p.setFont(theme.font(m.px(5.4), bold=True))
        p.setPen(theme.ACCENT)
        p.drawText(title, LEFT, self.category.name)
        p.setFont(theme.font(m.px(3.4)))
        p.setPen(theme.DIM)
        p.drawText(title, RIGHT, self.page_text)
        line = QRectF(m.margin, m.px(7.5), self.width() - 2 * m.margin, m.px(4.5))
        p.setFont(theme.font(m.px(3.0)))
        for key, text in HEADINGS.items():
            if key == "change" and not self.show_change:
                continue
            align = RIGHT if key in ("rank", "score") else CENTER if key != "name" else LEFT
            p.drawText(self._col(m, key, line), align, text)
        p.setPen(QPen(theme.DIM, max(1, m.px(0.2))))
        p.drawLine(int(line.left()), int(line.bottom()), int(line.right()), int(line.bottom()))

    def _row(self, p: QPainter, m: theme.Metrics, rect: QRectF, index: int, n: int) -> None:
        row = self.category.rows[index]
        covered = index in self.covered
        fill = theme.COVER if covered else theme.NEW_LINE if index == self.highlight else (
            theme.STRIPE if n % 2 else theme.BACKGROUND)
        p.fillRect(rect.adjusted(0, 1, 0, -1), fill)
        if index == self.highlight and not covered:
            p.setPen(QPen(theme.ACCENT, max(2, m.px(0.4))))
            p.drawRect(rect.adjusted(1, 2, -1, -2))
        p.setFont(theme.font(m.row_font, bold=True))
        p.setPen(theme.TEXT)
        p.drawText(self._col(m, "rank", rect), RIGHT, row.rank_text)
        if covered:
            p.setPen(theme.DIM)
            p.drawText(self._col(m, "name", rect), LEFT, "· · · · · ·")
            return
        self._name(p, m, self._col(m, "name", rect), row)
        p.setFont(theme.font(m.row_font, bold=True))
        p.setPen(theme.TEXT)
        p.drawText(self._col(m, "score", rect), RIGHT, row.score)
        self._badge(p, m, self._col(m, "outcome", rect), row)
        if self.show_change and row.change:
            self._change(p, m, self._col(m, "change", rect), row.change)

    def _name(self, p: QPainter, m: theme.Metrics, rect: QRectF, row: ProjectorRow) -> None:
        f = theme.font(m.row_font)
        fm = QFontMetrics(f)
        text = row.name
        if fm.horizontalAdvance(text) > rect.width():
            text = row.short_name
            if fm.horizontalAdvance(text) > rect.width():  # shrink, never cut a name
                f = theme.font(m.row_font * rect.width() / fm.horizontalAdvance(text))
        p.setFont(f)
        p.setPen(theme.TEXT)
        p.drawText(rect, LEFT, text)

    def _badge(self, p: QPainter, m: theme.Metrics, rect: QRectF, row: ProjectorRow) -> None:
        word = row.outcome_word
        if not word:
            return
        fill, ink = theme.OUTCOME_COLOURS[row.outcome]
        f = theme.font(m.px(3.7), bold=True)
        fm = QFontMetrics(f)
        if fm.horizontalAdvance(word) > rect.width() - m.px(1.5):
            f = theme.font(m.px(3.7) * (rect.width() - m.px(1.5)) / fm.horizontalAdvance(word),
                           bold=True)
        badge = rect.adjusted(0, m.px(1.0), 0, -m.px(1.0))
        if fill is not None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(fill)
            p.drawRoundedRect(badge, m.px(1), m.px(1))
        p.setFont(f)
        p.setPen(ink)
        p.drawText(badge, CENTER, word)

    def _change(self, p: QPainter, m: theme.Metrics, rect: QRectF, change: str) -> None:
        colour = theme.UP if change.startswith("↑") else theme.DOWN if change.startswith("↓") \
            else theme.ACCENT if change == "新" else theme.DIM
        p.setFont(theme.font(m.px(4.0), bold=True))
        p.setPen(colour)
        p.drawText(rect, CENTER, change)
