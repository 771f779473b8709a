"""Loading the bundled fonts, so Chinese renders on a machine that has none.

The UI font (WenQuanYi Micro Hei) comes first; the rare-character Ming fonts the printed
documents use (evalapp.reports.fonts.RARE: HanaMin and BabelStone Han subsets) follow as
fallback families, so a name with 䶮, 𠇔 or 𪚥 shows in tables, dialogs and on the projector
as it prints."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

from evalapp.paths import resource
from evalapp.reports.fonts import BUNDLED, RARE

UI_FONT_FILE = "wqy-microhei.ttc"
BASE_POINT_SIZE = 11
_fallbacks: list[str] = []


def _add(file: str) -> list[str]:
    path = resource("fonts", file)
    font_id = QFontDatabase.addApplicationFont(str(path))
    return QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []


def load_fonts() -> str:
    """Register the bundled UI font and the fallback fonts; returns the UI family name
    (raises if the UI font is missing; a missing fallback only loses its characters)."""
    families = _add(UI_FONT_FILE)
    if not families:
        raise RuntimeError(f"无法加载字体文件 {resource('fonts', UI_FONT_FILE)}")
    if not _fallbacks:
        for name in RARE:
            for family in _add(BUNDLED[name][0]):
                if family not in _fallbacks:
                    _fallbacks.append(family)
    return families[0]


def fallback_families() -> list[str]:
    """The rare-character families loaded by ``load_fonts`` (empty before it runs)."""
    return list(_fallbacks)


def with_fallbacks(font: QFont) -> QFont:
    """``font`` with the rare-character families appended (per-character fallback)."""
    families = [f for f in font.families() or [font.family()] if f not in _fallbacks]
    font.setFamilies(families + _fallbacks)
    return font


def apply_ui_font(app) -> str:
    family = load_fonts()
    app.setFont(with_fallbacks(QFont(family, BASE_POINT_SIZE)))
    return family
