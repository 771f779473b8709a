"""The fonts of printed documents, with per-character fallback so nothing prints as a box.

Each role (仿宋, 楷体, 宋体, 小标宋, 黑体) is a *stack* of TrueType fonts: the real Windows
font when the machine has it, then the bundled stand-in, then the Ming (宋体-style) fallback
fonts EvMing* (HanaMin A/B and BabelStone Han subsets: the rest of the URO, Extensions A–H,
compatibility ideographs), with WenQuanYi Micro Hei last. Text is split into runs, each drawn
in the first font of the stack whose cmap has the character (rare name characters such as
堃, 䶮, 𠇔, or ￥). ``missing_glyphs`` names the characters no bundled font can print.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from evalapp.paths import resource

FANG, KAI, SONG, TITLE, HEI = "fang", "kai", "song", "title", "hei"

# Bundled fonts: reportlab name -> (file in resources/fonts, subfont index).
BUNDLED = {
    "EvFandolFang": ("FandolFang-Regular.ttf", 0),
    "EvFandolKai": ("FandolKai-Regular.ttf", 0),
    "EvNotoSerif": ("NotoSerifSC-Regular.ttf", 0),
    "EvNotoSerifBold": ("NotoSerifSC-Bold.ttf", 0),
    "EvWqyMicroHei": ("wqy-microhei.ttc", 0),
    "EvMingA": ("EvMingA.ttf", 0),
    "EvMingB1": ("EvMingB1.ttf", 0),
    "EvMingB2": ("EvMingB2.ttf", 0),
    "EvMingC": ("EvMingC.ttf", 0),
    "EvMingG": ("EvMingG.ttf", 0),
}
# Ming-style fonts for the characters outside the main fonts (URO beyond GB2312, Ext A–H).
RARE = ("EvMingA", "EvMingB1", "EvMingB2", "EvMingC", "EvMingG")
LAST_RESORT = "EvWqyMicroHei"

# Windows fonts preferred when present: reportlab name -> (candidate file names, subfont).
SYSTEM = {
    "SysFangGB2312": (("仿宋_GB2312.ttf", "FS_GB2312.ttf", "FangSong_GB2312.ttf"), 0),
    "SysFangSong": (("simfang.ttf",), 0),
    "SysKaiGB2312": (("楷体_GB2312.ttf", "KT_GB2312.ttf", "KaiTi_GB2312.ttf"), 0),
    "SysKaiTi": (("simkai.ttf",), 0),
    "SysSimSun": (("simsun.ttc",), 0),
    "SysXiaoBiaoSong": (("方正小标宋简体.ttf", "方正小标宋_GBK.ttf", "FZXBSJW.TTF", "FZXBSK.TTF",
                         "FZXBSJW--GB1-0.ttf", "FZXBSK--GBK1-0.ttf"), 0),
    "SysSimHei": (("simhei.ttf",), 0),
}

STACKS = {
    FANG: ("SysFangGB2312", "SysFangSong", "EvFandolFang", "EvNotoSerif", *RARE, LAST_RESORT),
    KAI: ("SysKaiGB2312", "SysKaiTi", "EvFandolKai", "EvFandolFang", "EvNotoSerif", *RARE,
          LAST_RESORT),
    SONG: ("SysSimSun", "EvNotoSerif", *RARE, LAST_RESORT),
    TITLE: ("SysXiaoBiaoSong", "EvNotoSerifBold", "EvNotoSerif", *RARE, LAST_RESORT),
    HEI: ("SysSimHei", LAST_RESORT, *RARE),
}
# Characters that print as nothing and need no glyph (spaces, joiners, line breaks).
NO_GLYPH_NEEDED = set(" \t\n\r\u3000\u200b\u200c\u200d\ufeff")


def is_selector(char: str) -> bool:
    """Variation selectors (U+FE00–FE0F, U+E0100–E01EF) choose a glyph variant; the fonts
    draw the base character, so they are dropped rather than printed as a box."""
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF

NO_SYSTEM_FONTS_ENV = "EVALAPP_NO_SYSTEM_FONTS"
_REPORTLAB_TO_UNICODE = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap writes U+2A6A5 as <2A6A5>, which is not UTF-16: copied
    text and text extraction then lose Extension B characters (𠇔, 𪚥). Same CMap, with
    every target written as UTF-16BE (a surrogate pair above U+FFFF)."""
    text = _REPORTLAB_TO_UNICODE(fontname, [0] * len(subset))
    head, _, tail = text.partition("beginbfchar\n")
    body, _, end = tail.partition("endbfchar")
    pairs = "\n".join(f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>"
                      for i, v in enumerate(subset))
    return f"{head}beginbfchar\n{pairs}\nendbfchar{end}"


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def system_font_dirs() -> list[Path]:
    """Windows font folders (machine-wide and per-user); empty elsewhere or when disabled."""
    if os.environ.get(NO_SYSTEM_FONTS_ENV) or sys.platform != "win32":
        extra = os.environ.get("EVALAPP_SYSTEM_FONT_DIR")  # for tests on other systems
        return [Path(extra)] if extra and not os.environ.get(NO_SYSTEM_FONTS_ENV) else []
    windir = Path(os.environ.get("WINDIR") or r"C:\Windows")
    dirs = [windir / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def _find(names: tuple[str, ...], dirs: list[Path]) -> Path | None:
    for folder in dirs:
        if not folder.is_dir():
            continue
        present = {p.name.lower(): p for p in folder.iterdir()}
        for name in names:
            if name.lower() in present:
                return present[name.lower()]
    return None


def _register(name: str, path: Path, index: int) -> bool:
    if name in pdfmetrics.getRegisteredFontNames():
        return True
    try:
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
    except (TTFError, OSError, ValueError):
        return False
    return True


@dataclass
class FontStack:
    """An ordered list of registered fonts for one role; the first is the primary."""

    role: str
    names: tuple[str, ...]

    @property
    def primary(self) -> str:
        return self.names[0]

    def font_for(self, char: str) -> str:
        code = ord(char)
        for name in self.names:
            if code in _cmap(name):
                return name
        return self.names[-1]

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Split ``text`` into (font name, substring) runs; spaces stay in the current run."""
        out: list[tuple[str, str]] = []
        for char in text:
            if is_selector(char):
                continue
            font = out[-1][0] if out and char in " \u3000" else self.font_for(char)
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + char)
            else:
                out.append((font, char))
        return out

    def markup(self, text: str) -> str:
        """Paragraph markup of ``text`` for a style whose font is ``primary``."""
        parts = []
        for font, chunk in self.runs(text):
            chunk = escape(chunk)
            parts.append(chunk if font == self.primary else f'<font name="{font}">{chunk}</font>')
        return "".join(parts)

    def width(self, text: str, size: float) -> float:
        return sum(pdfmetrics.stringWidth(chunk, font, size) for font, chunk in self.runs(text))

    def draw(self, canvas, x: float, y: float, text: str, size: float,
             align: str = "left", hscale: float = 100.0) -> float:
        """Draw ``text`` with its baseline at ``y``; returns the width drawn.

        ``hscale`` is the horizontal scaling in percent (narrow 发文机关标志 characters)."""
        factor = hscale / 100
        total = self.width(text, size) * factor
        if align == "center":
            x -= total / 2
        elif align == "right":
            x -= total
        text_object = canvas.beginText(x, y)
        if factor != 1:
            text_object.setHorizScale(hscale)
        for font, chunk in self.runs(text):
            text_object.setFont(font, size)
            text_object.textOut(chunk)
        canvas.drawText(text_object)
        return total


@cache
def _cmap(name: str) -> dict[int, int]:
    return pdfmetrics.getFont(name).face.charToGlyph


@cache
def _stacks(system_dirs: tuple[str, ...]) -> dict[str, FontStack]:
    available = set()
    for name, (file, index) in BUNDLED.items():
        path = resource("fonts", file)
        if path.exists() and _register(name, path, index):
            available.add(name)
    dirs = [Path(d) for d in system_dirs]
    for name, (files, index) in SYSTEM.items():
        path = _find(files, dirs) if dirs else None
        if path is not None and _register(name, path, index):
            available.add(name)
    if LAST_RESORT not in available:
        raise RuntimeError("缺少字体文件 resources/fonts/wqy-microhei.ttc,无法生成 PDF")
    return {role: FontStack(role, tuple(n for n in names if n in available))
            for role, names in STACKS.items()}


def font_stacks() -> dict[str, FontStack]:
    """The five stacks, registering the fonts with reportlab on first use."""
    return _stacks(tuple(str(d) for d in system_font_dirs()))


def stack(role: str) -> FontStack:
    return font_stacks()[role]


def has_glyph(char: str) -> bool:
    """True when some bundled font (or a preferred system font) can print ``char``."""
    if char in NO_GLYPH_NEEDED or is_selector(char):
        return True
    code = ord(char)
    if 0x20 <= code < 0x7F or (0x4E00 <= code <= 0x9FFF and unicodedata.name(char, None)):
        # Printable ASCII and every assigned URO ideograph are in the bundled fonts
        # (tests/test_reports_fonts.py checks the whole block): no font file to open for the
        # names of an ordinary roster (the importer calls this for every name).
        return True
    return code in _coverage(tuple(str(d) for d in system_font_dirs()))


@cache
def _coverage(system_dirs: tuple[str, ...]) -> frozenset[int]:
    """Every character some font of the stacks maps, read from the fonts' character maps
    alone (fontTools, lazily: a glyph check on an import does not load whole CJK fonts the
    way registering them for a PDF does — 1.3 s and 150 MB for one rare character)."""
    from fontTools.ttLib import TTFont as ToolsFont  # only when a rare character comes

    paths = [(resource("fonts", file), index) for file, index in BUNDLED.values()]
    dirs = [Path(d) for d in system_dirs]
    paths += [(_find(files, dirs), index) for files, index in SYSTEM.values()] if dirs else []
    codes: set[int] = set()
    for path, index in paths:
        if path is None or not path.exists():
            continue
        try:
            with ToolsFont(str(path), fontNumber=index, lazy=True) as font:
                codes.update(font.getBestCmap() or ())
        except Exception:  # noqa: BLE001 - a font that cannot be read maps nothing
            continue
    return frozenset(codes)


def missing_glyphs(text: str) -> list[str]:
    """The distinct characters of ``text`` that no bundled font can print, in order of
    appearance (empty when everything prints). Qt-free: the importer, the editors and the
    document tests use it alike."""
    seen: list[str] = []
    for char in text or "":
        if char not in seen and not has_glyph(char):
            seen.append(char)
    return seen


def missing_glyphs_message(field: str, text: str) -> str | None:
    """A Chinese warning naming ``field`` when ``text`` has unprintable characters."""
    missing = missing_glyphs(text)
    if not missing:
        return None
    shown = "、".join(f"“{c}”(U+{ord(c):04X})" for c in missing)
    return (f"{field}“{text}”中的 {shown} 在程序自带的字体中没有字形,打印和投影时会显示为"
            "空白或方框;请核对是否输入有误,或改用规范汉字")
