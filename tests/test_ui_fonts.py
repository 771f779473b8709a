"""The Qt UI and the projector print rare name characters with the same Ming fallback fonts
as the PDFs (ui/fonts.py)."""

from PySide6.QtGui import QFont, QTextLayout

from evalapp.reports.fonts import RARE
from ui.fonts import apply_ui_font, fallback_families

RARE_TEXT = "䶮𠇔堃𪚥𰀀"


def _glyph_families(text: str, font: QFont) -> list[tuple[str, list[int]]]:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return [(run.rawFont().familyName(), list(run.glyphIndexes()))
            for run in layout.glyphRuns()]


def test_rare_characters_render_with_real_glyphs(qapp):
    family = apply_ui_font(qapp)
    assert fallback_families() == list(RARE)  # EvMingA … EvMingG, in stack order
    assert qapp.font().families()[0] == family
    runs = _glyph_families(RARE_TEXT, qapp.font())
    assert sum(len(glyphs) for _, glyphs in runs) == len(RARE_TEXT)
    assert all(0 not in glyphs for _, glyphs in runs)  # no .notdef box
    assert {name for name, _ in runs} <= set(RARE) | {family}


def test_projector_fonts_keep_the_fallbacks(qapp):
    from ui.projector import theme
    apply_ui_font(qapp)
    font = theme.font(40, bold=True)
    assert font.families()[1:] == fallback_families()
    runs = _glyph_families("区䶮𠇔档案局", font)
    assert all(0 not in glyphs for _, glyphs in runs)
