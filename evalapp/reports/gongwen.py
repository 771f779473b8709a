"""GB/T 9704-2012 page geometry and grid typesetting (22 lines × 28 characters) for reportlab.

The text block (版心) is 156 × 225 mm, 37 mm from the top and 28 mm from the left of an A4
page. Body text sits on a grid: 22 lines of 225/22 mm and 28 cells of 156/28 mm, each
full-width character centred in its cell, half-width runs (digits, Latin) at their natural
width, lines justified, and no line starting with closing punctuation (避头尾).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from evalapp.reports.fonts import FANG, FontStack, stack

PAGE_W, PAGE_H = A4
LEFT, TOP = 28 * mm, 37 * mm
BLOCK_W, BLOCK_H = 156 * mm, 225 * mm
BOTTOM = PAGE_H - TOP - BLOCK_H  # 35 mm: the lower edge of the text block
LINES, CHARS = 22, 28
LINE = BLOCK_H / LINES  # line pitch, ≈ 28.99 pt
CELL = BLOCK_W / CHARS  # character pitch, ≈ 15.79 pt
BODY_SIZE = 16.0  # 3号
TITLE_SIZE = 22.0  # 2号
PAGE_NO_SIZE = 14.0  # 4号
PAGE_NO_GAP = 7 * mm
RED = (0.86, 0.0, 0.0)
ASCENT, DESCENT = 0.88, 0.12  # em box of CJK fonts around the baseline

NO_LINE_START = set("，。、；：？！）〕】》」』〉”’％‰·…—,.;:?!)]}%")
NO_LINE_END = set("（〔【《「『〈“‘([{")
_TOKEN = re.compile(r"[A-Za-z0-9.%:/+\-]+|.", re.DOTALL)


_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}


def _cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def cjk_punctuation(text: str) -> str:
    """ASCII , : ; ( ) ! ? next to a Chinese character become full-width (，：；（）！？)."""
    chars = list(text)
    for i, char in enumerate(chars):
        if char in _HALF_TO_FULL:
            before = chars[i - 1] if i else ""
            after = chars[i + 1] if i + 1 < len(chars) else ""
            if (before and _cjk(before)) or (after and _cjk(after)):
                chars[i] = _HALF_TO_FULL[char]
    return "".join(chars)


def is_full_width(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF" or char in "—…·“”‘’□○√×"


def baseline_in_line(top: float, size: float, pitch: float = LINE) -> float:
    """The baseline that centres a ``size`` em box in a line whose top is at ``top``."""
    return top - (pitch - size) / 2 - ASCENT * size


@dataclass
class Token:
    text: str
    font_stack: FontStack
    width: float
    full: bool


@dataclass
class Line:
    tokens: list[Token]
    indent: float
    justify: bool


def tokenize(segments: list[tuple[str, str]], size: float) -> list[Token]:
    tokens = []
    for role, text in segments:
        fonts = stack(role)
        for match in _TOKEN.finditer(cjk_punctuation(text)):
            chunk = match.group()
            full = len(chunk) == 1 and is_full_width(chunk)
            width = CELL * size / BODY_SIZE if full else fonts.width(chunk, size)
            tokens.append(Token(chunk, fonts, width, full))
    return tokens


def break_lines(tokens: list[Token], width: float, first_indent: float,
                indent: float = 0.0) -> list[Line]:
    """Greedy line breaking with 避头尾: a closing mark never starts a line."""
    lines: list[Line] = []
    current: list[Token] = []
    used, start = 0.0, first_indent
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if current and used + token.width > width - start + 0.01:
            if token.text in NO_LINE_START and len(current) > 1:
                i -= 1  # push the last character down with the closing mark
                current.pop()
            while len(current) > 1 and current[-1].text in NO_LINE_END:
                i -= 1
                current.pop()
            lines.append(Line(current, start, True))
            current, used, start = [], 0.0, indent
            continue
        current.append(token)
        used += token.width
        i += 1
    lines.append(Line(current, start, False))
    return lines


class GridText(Flowable):
    """A paragraph on the body grid: mixed roles, e.g. [(KAI, "(一)党群部门。"), (FANG, …)]."""

    def __init__(self, segments, size: float = BODY_SIZE, first_indent: int = 2,
                 indent: int = 0, align: str = "justify", right_indent: float = 0.0,
                 pitch: float = LINE, color=None):
        super().__init__()
        if isinstance(segments, str):
            segments = [(FANG, segments)]
        self.segments, self.size, self.align, self.pitch = segments, size, align, pitch
        self.first_indent, self.indent = first_indent * CELL, indent * CELL
        self.right_indent, self.color = right_indent, color
        self.lines: list[Line] | None = None

    def wrap(self, avail_width, avail_height):
        if self.lines is None:
            tokens = tokenize(self.segments, self.size)
            self.lines = break_lines(tokens, avail_width - self.right_indent,
                                     self.first_indent, self.indent)
        self.width = avail_width
        self.height = len(self.lines) * self.pitch
        return self.width, self.height

    def split(self, avail_width, avail_height):
        self.wrap(avail_width, avail_height)
        fit = int((avail_height + 0.01) // self.pitch)
        if fit <= 0 or fit >= len(self.lines):
            return [] if fit <= 0 else [self]
        head, tail = self._clone(self.lines[:fit]), self._clone(self.lines[fit:])
        return [head, tail]

    def _clone(self, lines):
        piece = GridText(self.segments, self.size, 0, 0, self.align, self.right_indent,
                         self.pitch, self.color)
        piece.first_indent, piece.indent, piece.lines = self.first_indent, self.indent, lines
        return piece

    def draw(self):
        canvas = self.canv
        if self.color:
            canvas.setFillColorRGB(*self.color)
        avail = self.width - self.right_indent
        for n, line in enumerate(self.lines):
            baseline = baseline_in_line(self.height - n * self.pitch, self.size, self.pitch)
            used = sum(t.width for t in line.tokens)
            x, gap = line.indent, 0.0
            room = avail - line.indent - used
            if self.align == "justify" and line.justify and len(line.tokens) > 1:
                gap = room / (len(line.tokens) - 1)
            elif self.align == "center":
                x += room / 2
            elif self.align == "right":
                x += room
            for token in line.tokens:
                self._draw_token(canvas, token, x, baseline)
                x += token.width + gap

    def _draw_token(self, canvas, token: Token, x: float, baseline: float) -> None:
        if token.full:
            glyph = token.font_stack.width(token.text, self.size)
            x += (token.width - glyph) / 2
        token.font_stack.draw(canvas, x, baseline, token.text, self.size)


class Blank(Flowable):
    """``n`` empty grid lines (空一行)."""

    def __init__(self, n: float = 1, pitch: float = LINE):
        super().__init__()
        self.height = n * pitch

    def wrap(self, avail_width, avail_height):
        return avail_width, min(self.height, avail_height)

    def draw(self):
        pass


class RedHeader(Flowable):
    """发文机关标志 (red, 35 mm below the block top), 发文字号 two lines below, red rule 4 mm
    under it, and two blank lines before the title (GB/T 9704 §7.2)."""

    MARK_TOP = 35 * mm
    MAX_HEIGHT, MAX_WIDTH = 15 * mm, 15 * mm  # per character; the standard caps 22 × 15 mm

    def __init__(self, mark: str, number: str, mark_stack: FontStack, number_stack: FontStack):
        super().__init__()
        self.mark, self.number = mark, number
        self.mark_stack, self.number_stack = mark_stack, number_stack

    def geometry(self, width: float) -> dict[str, float]:
        """Distances from the block top (pt): mark top/bottom, number line top, rule, end."""
        em = self.mark_stack.width(self.mark, 1.0) or 1.0
        char_w = min(self.MAX_WIDTH, width / max(len(self.mark), 1), width / em)
        size = self.MAX_HEIGHT
        scale = min(1.0, char_w * len(self.mark) / (em * size)) * 100
        mark_bottom = self.MARK_TOP + size
        number_top = mark_bottom + 2 * LINE
        rule = number_top + LINE + 4 * mm
        return {"size": size, "scale": scale, "mark_top": self.MARK_TOP,
                "mark_bottom": mark_bottom, "number_top": number_top, "rule": rule,
                "end": rule + 2 * LINE}

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.g = self.geometry(avail_width)
        self.height = self.g["end"]
        return self.width, self.height

    def draw(self):
        c, g, top = self.canv, self.g, self.height
        c.saveState()
        c.setFillColorRGB(*RED)
        # baseline so that the em box spans [mark_top, mark_bottom]
        self.mark_stack.draw(c, self.width / 2, top - g["mark_top"] - ASCENT * g["size"],
                             self.mark, g["size"], align="center", hscale=g["scale"])
        c.restoreState()
        c.setFillColorRGB(0, 0, 0)
        self.number_stack.draw(c, self.width / 2, baseline_in_line(top - g["number_top"],
                               BODY_SIZE), self.number, BODY_SIZE, align="center")
        c.setStrokeColorRGB(*RED)
        c.setLineWidth(1.0)
        c.line(0, top - g["rule"], self.width, top - g["rule"])


def page_number_text(page: int) -> str:
    return f"— {page} —"


def draw_page_number(canvas, page: int, song: FontStack, left: float = LEFT,
                     width: float = BLOCK_W, bottom: float = BOTTOM) -> tuple[float, float]:
    """"— n —" in 4号 Song, its top 7 mm below the block; odd pages right, even left (空一字).
    Returns the (x, baseline) used."""
    text = page_number_text(page)
    baseline = bottom - PAGE_NO_GAP - ASCENT * PAGE_NO_SIZE
    canvas.setFillColorRGB(0, 0, 0)
    if page % 2:
        x = left + width - PAGE_NO_SIZE
        song.draw(canvas, x, baseline, text, PAGE_NO_SIZE, align="right")
        return x - song.width(text, PAGE_NO_SIZE), baseline
    x = left + PAGE_NO_SIZE
    song.draw(canvas, x, baseline, text, PAGE_NO_SIZE)
    return x, baseline


def draw_watermark(canvas, text: str, font: FontStack, page_size=None) -> None:
    """A large diagonal grey word across the page (drawn under the content), as outlines:
    it is not text, so copying the page's text never picks up its characters."""
    width, height = page_size or (PAGE_W, PAGE_H)
    size = 120.0
    canvas.saveState()
    canvas.setFillColorRGB(0.82, 0.82, 0.82)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(45)
    x = -font.width(text, size) / 2
    for name, chunk in font.runs(text):
        for char in chunk:
            x += draw_outline(canvas, name, char, x, -40, size)
    canvas.restoreState()


def draw_outline(canvas, font_name: str, char: str, x: float, y: float, size: float) -> float:
    """Fill the outline of ``char`` from the registered TrueType font ``font_name`` at
    (x, y) as a vector path; returns the advance width."""
    from fontTools.pens.basePen import BasePen  # fontTools only for a draft (start-up time)

    glyph_set, cmap, units = _outlines(font_name)
    glyph = cmap.get(ord(char))
    if glyph is None:
        return 0.0
    scale = size / units
    path = canvas.beginPath()

    class Pen(BasePen):
        def _moveTo(self, p):
            path.moveTo(x + p[0] * scale, y + p[1] * scale)

        def _lineTo(self, p):
            path.lineTo(x + p[0] * scale, y + p[1] * scale)

        def _curveToOne(self, p1, p2, p3):
            path.curveTo(*(v for p in (p1, p2, p3)
                           for v in (x + p[0] * scale, y + p[1] * scale)))

        def _closePath(self):
            path.close()

    glyph_set[glyph].draw(Pen(glyph_set))
    canvas.drawPath(path, stroke=0, fill=1, fillMode=1)  # non-zero winding, like the font
    return glyph_set[glyph].width * scale


_OUTLINE_CACHE: dict[str, tuple] = {}


def _outlines(font_name: str):
    """(glyph set, cmap, units per em) of a registered font, read with fontTools."""
    if font_name not in _OUTLINE_CACHE:
        from fontTools.ttLib import TTFont  # only for a draft's watermark (start-up time)

        face = pdfmetrics.getFont(font_name).face
        font = TTFont(face.filename, fontNumber=getattr(face, "subfontIndex", 0) or 0,
                      lazy=True)
        _OUTLINE_CACHE[font_name] = (font.getGlyphSet(), font.getBestCmap(),
                                     font["head"].unitsPerEm)
    return _OUTLINE_CACHE[font_name]


class Imprint(Flowable):
    """版记 (GB/T 9704 §7.4) at the foot of the page: a thick rule, 抄送 (4号仿宋, 左空一字,
    continuation lines aligned after the colon), a thin rule, 印发机关 (左空一字) and
    印发日期 (右空一字) on one line, a thick rule at the last line of the text block.
    It takes the rest of the frame so that it sits at the bottom; ``note`` (the 校验码, if
    wanted) goes small above the first rule."""

    THICK, THIN = 0.35 * mm, 0.25 * mm

    def __init__(self, copy_to: str, printed_by: str, printed_on: str, size: float = 14.0,
                 note: str = ""):
        super().__init__()
        self.copy_to, self.printed_by, self.printed_on = copy_to, printed_by, printed_on
        self.size, self.note = size, note
        self.fonts = stack(FANG)

    def _copy_lines(self, width: float) -> list[str]:
        if not self.copy_to:
            return []
        text = self.copy_to.rstrip("。") + "。"
        label = "抄送："
        room = width - 2 * CELL * self.size / BODY_SIZE - self.fonts.width(label, self.size)
        lines, current = [], ""
        for char in text:
            if current and self.fonts.width(current + char, self.size) > room and \
                    char not in NO_LINE_START:
                lines.append(current)
                current = ""
            current += char
        lines.append(current)
        lines[0] = label + lines[0]
        return lines

    def block_height(self, width: float) -> float:
        pitch = self.size * 1.75
        return (len(self._copy_lines(width)) + 1) * pitch + pitch * 0.3 + \
            (self.size if self.note else 0)

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = max(self.block_height(avail_width), avail_height - 0.5)
        return self.width, self.height

    def draw(self):
        c, fonts, size = self.canv, self.fonts, self.size
        pitch = size * 1.75
        indent = CELL * size / BODY_SIZE  # 一字
        lines = self._copy_lines(self.width)
        y = (len(lines) + 1) * pitch + pitch * 0.3
        c.setStrokeColorRGB(0, 0, 0)
        if self.note:
            c.setFillColorRGB(0.3, 0.3, 0.3)
            stack(FANG).draw(c, self.width, y + 2.5, self.note, 9, align="right")
            c.setFillColorRGB(0, 0, 0)
        c.setLineWidth(self.THICK)
        c.line(0, y, self.width, y)
        label_w = fonts.width("抄送：", size)
        for n, line in enumerate(lines):
            y -= pitch
            fonts.draw(c, indent + (label_w if n else 0), y + pitch * 0.3, line, size)
        if lines:
            c.setLineWidth(self.THIN)
            c.line(0, y, self.width, y)
        y -= pitch
        fonts.draw(c, indent, y + pitch * 0.3, self.printed_by, size)
        fonts.draw(c, self.width - indent, y + pitch * 0.3, f"{self.printed_on}印发", size,
                   align="right")
        c.setLineWidth(self.THICK)
        c.line(0, y, self.width, y)
