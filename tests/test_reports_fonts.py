"""The bundled 公文 fonts: TrueType, licensed, small enough, and the per-character fallback."""

import io

from fontTools.ttLib import TTFont
from reportlab.pdfbase import pdfmetrics

from evalapp.paths import resource
from evalapp.reports.fonts import (
    BUNDLED, FANG, HEI, KAI, LAST_RESORT, RARE, SONG, TITLE, missing_glyphs, stack,
)

RARE_NAMES = "䶮𠇔堃犇昇翀喆赟燊祎𪚥"

LICENCES = {"FandolFang-Regular.ttf": "LICENSE-fandol.txt",
            "FandolKai-Regular.ttf": "LICENSE-fandol.txt",
            "NotoSerifSC-Regular.ttf": "LICENSE-noto-cjk.txt",
            "NotoSerifSC-Bold.ttf": "LICENSE-noto-cjk.txt",
            "wqy-microhei.ttc": "LICENSE-wqy-microhei.txt",
            "EvMingA.ttf": "LICENSE-hanazono.txt", "EvMingB1.ttf": "LICENSE-hanazono.txt",
            "EvMingB2.ttf": "LICENSE-hanazono.txt", "EvMingC.ttf": "LICENSE-hanazono.txt",
            "EvMingG.ttf": "LICENSE-babelstone-han.txt"}


def test_bundled_fonts_are_truetype_with_licences_and_under_15_mb():
    for file, _ in BUNDLED.values():
        path = resource("fonts", file)
        assert path.stat().st_size < 15e6, file
        assert resource("fonts", LICENCES[file]).exists(), file
        if file.endswith(".ttf"):
            assert "glyf" in TTFont(path, lazy=True), file


def test_stacks_end_in_wenquanyi_and_use_the_stand_ins():
    assert stack(FANG).names[:1] == ("EvFandolFang",)
    assert stack(KAI).names[:1] == ("EvFandolKai",)
    assert stack(SONG).names[:1] == ("EvNotoSerif",)
    assert stack(TITLE).names[:1] == ("EvNotoSerifBold",)
    assert stack(HEI).names == (LAST_RESORT, *RARE)
    assert all(s.names[-1] == LAST_RESORT for s in (stack(r) for r in (FANG, SONG, TITLE)))


def test_fallback_splits_runs_per_character():
    fang = stack(FANG)
    runs = fang.runs("区堃局¥100￥")
    assert "".join(t for _, t in runs) == "区堃局¥100￥"
    for font, text in runs:
        for char in text:
            assert ord(char) in pdfmetrics.getFont(font).face.charToGlyph, (font, char)
    assert fang.font_for("区") == "EvFandolFang"
    assert fang.font_for("堃") != "EvFandolFang"
    assert fang.font_for("￥") != "EvFandolFang"  # Fandol draws ￥ as "$": dropped at build
    assert 'name="' in fang.markup("区堃局")


def test_windows_fonts_are_preferred_when_present(tmp_path, monkeypatch):
    import shutil

    from evalapp.reports import fonts
    shutil.copy(resource("fonts", "FandolKai-Regular.ttf"), tmp_path / "simfang.ttf")
    monkeypatch.setenv("EVALAPP_SYSTEM_FONT_DIR", str(tmp_path))
    stacks = fonts.font_stacks()
    assert stacks[FANG].primary == "SysFangSong"
    assert stacks[FANG].names[1] == "EvFandolFang"
    monkeypatch.delenv("EVALAPP_SYSTEM_FONT_DIR")
    assert fonts.font_stacks()[FANG].primary == "EvFandolFang"


def test_pdf_bytes_without_unembedded_fonts():
    from reportlab.pdfgen.canvas import Canvas
    out = io.BytesIO()
    c = Canvas(out, initialFontName=stack(SONG).primary)
    stack(FANG).draw(c, 50, 50, "区堃局", 16)
    c.save()
    assert b"Helvetica" not in out.getvalue()


def test_rare_name_characters_fall_back_to_ming_fonts_not_the_sans():
    """堃 … are outside GB2312 (and FandolFang): they print in a 宋体-style Ming font, in every
    serif role, and 䶮 (Ext A), 𠇔 𪚥 (Ext B), 𰀀 (Ext G) have a glyph too."""
    for role in (FANG, KAI, SONG, TITLE):
        for char in RARE_NAMES + "\U00030000":
            font = stack(role).font_for(char)
            assert font in RARE, (role, char, font)
            assert ord(char) in pdfmetrics.getFont(font).face.charToGlyph, (role, char)
    assert missing_glyphs(RARE_NAMES + "区委办公室 ·()(),1A") == []


def test_missing_glyphs_names_what_no_font_prints():
    assert missing_glyphs("区\U000F0041局\U000F0041\uE000") == ["\U000F0041", "\uE000"]
    assert missing_glyphs("区\u3000局\U000E0100") == []  # spaces, variation selectors
    assert "".join(t for _, t in stack(FANG).runs("葛\U000E0100局")) == "葛局"


def test_ming_fonts_cover_the_cjk_extensions():
    """Every assigned ideograph of URO and Extensions A–F is printable; G in part (3,045 of
    4,939: no free TrueType font in Debian covers all of it)."""
    import unicodedata
    blocks = {"URO": (0x4E00, 0x9FFF), "A": (0x3400, 0x4DBF), "B": (0x20000, 0x2A6DF),
              "C-F": (0x2A700, 0x2EBEF)}
    for name, (lo, hi) in blocks.items():
        chars = "".join(chr(c) for c in range(lo, hi + 1) if unicodedata.name(chr(c), None))
        assert missing_glyphs(chars) == [], name
    g = "".join(chr(c) for c in range(0x30000, 0x3134B))
    assert len(missing_glyphs(g)) < len(g) * 0.4
