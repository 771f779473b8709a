"""The header band (evaluation title, 初步结果 / 正式结果) and the footer band (progress line,
"已更正" notice, page) of the projector, and the big progress-only screen."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QWidget

from ui.projector import theme

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


def _metrics(widget: QWidget) -> theme.Metrics:
    window = widget.window()
    return theme.Metrics(window.width(), window.height())


def fitted(text: str, pixels: float, width: float, bold: bool = False):
    """The font of ``pixels`` shrunk just enough for ``text`` to fit ``width``."""
    f = theme.font(pixels, bold)
    advance = QFontMetrics(f).horizontalAdvance(text)
    if advance > width > 0:
        f = theme.font(pixels * width / advance, bold)
    return f


class Band(QWidget):
    """A strip with a text on the left and an optional badge on the right."""

    def __init__(self, units: float, text_units: float, bold: bool, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.units, self.text_units, self.bold = units, text_units, bold
        self.text = self.badge = ""
        self.badge_colours = (theme.ACCENT, theme.BACKGROUND)

    def sync_height(self) -> None:
        self.setFixedHeight(_metrics(self).px(self.units))

    def set_texts(self, text: str, badge: str = "", colours=None) -> None:
        colours = colours or self.badge_colours
        if (text, badge, colours) != (self.text, self.badge, self.badge_colours):
            self.text, self.badge, self.badge_colours = text, badge, colours
            self.update()

    def paintEvent(self, event) -> None:
        m = _metrics(self)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), theme.BAND)
        right = self.width() - m.margin
        if self.badge:
            f = theme.font(m.px(self.text_units * 0.8), bold=True)
            w = QFontMetrics(f).horizontalAdvance(self.badge) + m.px(3)
            box = QRectF(right - w, self.height() * 0.18, w, self.height() * 0.64)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self.badge_colours[0])
            p.drawRoundedRect(box, m.px(1), m.px(1))
            p.setFont(f)
            p.setPen(self.badge_colours[1])
            p.drawText(box, CENTER, self.badge)
            right = box.left() - m.px(2)
        rect = QRectF(m.margin, 0, right - m.margin, self.height())
        p.setFont(fitted(self.text, m.px(self.text_units), rect.width(), self.bold))
        p.setPen(theme.TEXT)
        p.drawText(rect, LEFT, self.text)
        p.end()


class ProgressView(QWidget):
    """Only the count: "已录入 312/350 张", "已核对 290 张" and a bar — no result."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.lines: tuple[str, ...] = ()
        self.fraction = 0.0

    def set_progress(self, lines: tuple[str, ...], fraction: float) -> None:
        if (lines, fraction) != (self.lines, self.fraction):
            self.lines, self.fraction = lines, fraction
            self.update()

    def paintEvent(self, event) -> None:
        m = _metrics(self)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), theme.BACKGROUND)
        width = self.width() - 4 * m.margin
        p.setPen(theme.ACCENT)
        p.setFont(theme.font(m.px(6), bold=True))
        p.drawText(QRectF(0, self.height() * 0.08, self.width(), m.px(10)), CENTER, "计票进度")
        y = self.height() * 0.08 + m.px(14)
        for i, line in enumerate(self.lines):
            p.setPen(theme.TEXT if i == 0 else theme.DIM)
            p.setFont(fitted(line, m.px(8 if i == 0 else 6), width, bold=i == 0))
            p.drawText(QRectF(2 * m.margin, y, width, m.px(12)), CENTER, line)
            y += m.px(13)
        bar = QRectF(2 * m.margin, y + m.px(4), width, m.px(5))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(theme.COVER)
        p.drawRoundedRect(bar, m.px(1), m.px(1))
        if self.fraction > 0:
            p.setBrush(theme.BAR_COLOURS["none"])
            p.drawRoundedRect(QRectF(bar.left(), bar.top(), bar.width() * self.fraction,
                                     bar.height()), m.px(1), m.px(1))
        p.end()
