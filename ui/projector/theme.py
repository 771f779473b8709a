"""The projector's high-contrast theme: colours, and font sizes computed from the window
size so the same layout reads from the back of a hall at 1024×768 and at 4K."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

from ui.projector.projector_model import (
    KEY_ADMONISH,
    KEY_COMMEND,
    KEY_NONE,
    KEY_REPEAT,
    KEY_UNSCORED,
    KEY_VETO,
)
from ui.projector.stage_timer import NORMAL, OVER, WARNING

BACKGROUND = QColor("#000000")
BAND = QColor("#10233F")  # header and footer band
TEXT = QColor("#FFFFFF")
DIM = QColor("#B8C2CC")  # secondary text, still ≥ 10:1 on black
ACCENT = QColor("#FFD23F")  # titles
STRIPE = QColor("#161616")  # every other row
COVER = QColor("#2A2F36")  # a line not yet revealed
NEW_LINE = QColor("#3A3000")  # the line just revealed
UP, DOWN = QColor("#5CE67A"), QColor("#FF7A7A")
CORRECTED = QColor("#FF9F1C")

# Outcome: (fill of the word badge, text on it). The word is always written as well.
OUTCOME_COLOURS = {
    KEY_COMMEND: (QColor("#1FA84A"), QColor("#FFFFFF")),
    KEY_ADMONISH: (QColor("#FFA000"), QColor("#000000")),
    KEY_REPEAT: (QColor("#E53935"), QColor("#FFFFFF")),
    KEY_VETO: (QColor("#9C4DCC"), QColor("#FFFFFF")),
    KEY_UNSCORED: (QColor("#5F6B77"), QColor("#FFFFFF")),
    KEY_NONE: (None, TEXT),
}
BAR_COLOURS = {KEY_COMMEND: QColor("#2ECC71"), KEY_ADMONISH: QColor("#FFA000"),
               KEY_REPEAT: QColor("#FF5252"), KEY_VETO: QColor("#B388FF"),
               KEY_UNSCORED: QColor("#5F6B77"), KEY_NONE: QColor("#4FA3FF")}

# Timer: (background, text) per phase.
TIMER_COLOURS = {NORMAL: (QColor("#000000"), QColor("#FFFFFF")),
                 WARNING: (QColor("#FFB300"), QColor("#000000")),
                 OVER: (QColor("#C62828"), QColor("#FFFFFF"))}


def family() -> str:
    """The bundled UI font (loaded by ui.fonts.apply_ui_font at start-up)."""
    return QApplication.font().family()


def font(pixels: float, bold: bool = False) -> QFont:
    f = QFont(family())
    f.setFamilies(QApplication.font().families() or [family()])  # rare-character fallbacks
    f.setPixelSize(max(8, int(pixels)))
    f.setBold(bold)
    return f


@dataclass(frozen=True)
class Metrics:
    """Sizes in pixels for a window of ``width`` × ``height``; ``unit`` is 1% of the height,
    limited by the width so 4:3 and 16:9 screens both fit the same columns."""

    width: int
    height: int

    @property
    def unit(self) -> float:
        return max(3.0, min(self.height / 100, self.width / 133))

    def px(self, units: float) -> int:
        return round(self.unit * units)

    @property
    def header(self) -> int:
        return self.px(11)

    @property
    def footer(self) -> int:
        return self.px(8)

    @property
    def row(self) -> int:
        return self.px(7.4)

    @property
    def row_font(self) -> int:
        return self.px(4.6)

    @property
    def margin(self) -> int:
        return self.px(2.5)

    def rows_per_page(self, body_height: int) -> int:
        """Ranking lines that fit under the category heading of a body this high."""
        return max(3, (body_height - self.px(9)) // max(1, self.row))
