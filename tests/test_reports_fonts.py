"""The bundled 公文 fonts: TrueType, licensed, small enough, and the per-character fallback."""

import io

from fontTools.ttLib import TTFont
from reportlab.pdfbase import pdfmetrics

from evalapp.paths import resource
from evalapp.reports.fonts import BUNDLED, FANG, HEI, KAI, LAST_RESORT, SONG, TITLE, stack

LICENCES = {"FandolFang-Regular.ttf": "LICENSE-fandol.txt",
            "FandolKai-Regular.ttf": "LICENSE-fandol.txt",
            "NotoSerifSC-Regular.ttf": "LICENSE-noto-cjk.txt",
            "NotoSerifSC-Bold.ttf": "LICENSE-noto-cjk.txt",
            "wqy-microhei.ttc": "LICENSE-wqy-microhei.txt"}


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
    assert stack(HEI).names == (LAST_RESORT,)
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
