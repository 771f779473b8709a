"""Loading the bundled fonts, so Chinese renders on a machine that has none."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

from evalapp.paths import resource

UI_FONT_FILE = "wqy-microhei.ttc"
BASE_POINT_SIZE = 11


def load_fonts() -> str:
    """Register the bundled UI font; returns its family name (raises if it is missing)."""
    path = resource("fonts", UI_FONT_FILE)
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        raise RuntimeError(f"无法加载字体文件 {path}")
    return families[0]


def apply_ui_font(app) -> str:
    family = load_fonts()
    font = QFont(family, BASE_POINT_SIZE)
    app.setFont(font)
    return family
