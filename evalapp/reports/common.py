"""Shared pieces of the printed documents: page template, status marks, styled paragraphs."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from os import PathLike

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from evalapp.reports.fonts import SONG, stack
from evalapp.reports.gongwen import (
    BLOCK_H,
    BLOCK_W,
    BOTTOM,
    LEFT,
    PAGE_H,
    PAGE_W,
    cjk_punctuation,
    draw_page_number,
    draw_watermark,
)
from evalapp.rounding import fixed

PROVISIONAL_MARK = "未定稿"
PROVISIONAL_NOTE = "未定稿：结果尚未最终确定，仅供核对"
ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
Target = "str | PathLike | io.BytesIO | None"


@dataclass(frozen=True)
class Status:
    """What every page says about the result: provisional (watermark and a note) or final
    (nothing: official documents carry no hash; the 校验码 is on the 计票核对单)."""

    final: bool
    unconfirmed: int = 0


def status_footer(canvas, status: Status, page_size=None) -> None:
    """Provisional: the 未定稿 watermark (outlines, not text) and a note; final: nothing."""
    if status.final:
        return
    width = (page_size or (PAGE_W, PAGE_H))[0]
    song = stack(SONG)
    canvas.saveState()
    draw_watermark(canvas, PROVISIONAL_MARK, song, page_size)
    note = PROVISIONAL_NOTE
    if status.unconfirmed:
        note += f"；另有 {status.unconfirmed} 张选票尚未完成双人录入核对，未计入"
    canvas.setFillColorRGB(0.55, 0.0, 0.0)
    song.draw(canvas, width / 2, 12 * mm, note, 9, align="center")
    canvas.restoreState()


@dataclass(frozen=True)
class Landscape:
    """An optional landscape page template (横排表格, GB/T 9704 §10.2): its text block is the
    portrait block turned, 225 × 156 mm, centred; ``LANDSCAPE_TEMPLATE`` selects it."""

    block_w: float = BLOCK_H
    block_h: float = BLOCK_W

    @property
    def page(self) -> tuple[float, float]:
        return PAGE_H, PAGE_W

    @property
    def frame(self) -> tuple[float, float, float, float]:
        x = (PAGE_H - self.block_w) / 2
        return x, (PAGE_W - self.block_h) / 2, self.block_w, self.block_h


PORTRAIT_TEMPLATE, LANDSCAPE_TEMPLATE = "page", "landscape"


def build_pdf(story: list, target, status: Status, title: str, page_numbers: bool = True,
              frame: tuple[float, float, float, float] | None = None,
              on_page: Callable | None = None, author: str = "",
              landscape: bool = False) -> bytes | None:
    """Lay out ``story`` in the GB/T 9704 text block (or ``frame``) and write the PDF.

    ``landscape`` adds the landscape template (switch with NextPageTemplate). The metadata
    names the document and its issuer, never the program.
    Returns the bytes when ``target`` is None, else writes the file and returns None."""
    out = io.BytesIO() if target is None else target
    if isinstance(out, PathLike):
        out = str(out)
    x, y, w, h = frame or (LEFT, BOTTOM - 0.01, BLOCK_W, BLOCK_H + 0.01)
    body = Frame(x, y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                 id="body", showBoundary=0)
    song = stack(SONG)

    def decorate(canvas, doc):
        status_footer(canvas, status)
        if page_numbers:
            draw_page_number(canvas, canvas.getPageNumber(), song)
        if on_page:
            on_page(canvas, doc)

    templates = [PageTemplate(PORTRAIT_TEMPLATE, [body], onPage=decorate)]
    if landscape:
        turned = Landscape()
        lx, ly, lw, lh = turned.frame

        def decorate_landscape(canvas, doc):
            status_footer(canvas, status, turned.page)
            if page_numbers:
                draw_page_number(canvas, canvas.getPageNumber(), song, left=lx, width=lw,
                                 bottom=ly)

        templates.append(PageTemplate(LANDSCAPE_TEMPLATE, [
            Frame(lx, ly - 0.01, lw, lh + 0.01, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0, id="landscape")], onPage=decorate_landscape,
            pagesize=turned.page))
    doc = BaseDocTemplate(out, pagesize=(PAGE_W, PAGE_H), title=title, author=author,
                          creator="", producer="", subject=title, pageTemplates=templates,
                          invariant=1, initialFontName=song.primary)
    doc.build(story)
    return out.getvalue() if target is None else None


@cache
def _style(role: str, size: float, leading: float, align: str, first_indent: float) -> \
        ParagraphStyle:
    return ParagraphStyle(f"{role}-{size}-{leading}-{align}-{first_indent}",
                          fontName=stack(role).primary, fontSize=size, leading=leading,
                          alignment=ALIGN[align], wordWrap="CJK",
                          firstLineIndent=first_indent)


def para(text: str, role: str = SONG, size: float = 10.5, leading: float | None = None,
         align: str = "left", first_indent: float = 0.0, bold_role: str | None = None) -> \
        Paragraph:
    """A CJK-wrapped paragraph; characters missing from the role's font fall back."""
    fonts = stack(bold_role or role)
    lines = [fonts.markup(cjk_punctuation(line)) for line in str(text).split("\n")]
    return Paragraph("<br/>".join(lines), _style(fonts.role, size, leading or size * 1.35,
                                                   align, first_indent))


def table_font() -> tuple:
    """A TableStyle command so that string cells never pull in unembedded Helvetica."""
    return ("FONTNAME", (0, 0), (-1, -1), stack(SONG).primary)


def score(value: Decimal | None, places: int) -> str:
    return fixed(value, places) if value is not None else "—"


def rank_text(rank: int | None) -> str:
    return "—" if rank is None else str(rank)


class SignOff(Flowable):
    """Signature lines with room to write: one "label(签字):" per row, a 60 mm line after
    it, rows 14 mm apart (≥ 12 mm per signature), then, right-aligned, a date with 12 mm of
    writing space before each of 年, 月 and 日 (or a fixed ``date`` text)."""

    PITCH = 14 * mm
    LINE = 60 * mm
    GAPS = (16 * mm, 11 * mm, 11 * mm)  # space before 年, 月, 日

    def __init__(self, labels: tuple[str, ...], date: str = "", size: float = 14,
                 role: str = SONG, issuer: str = "", pitch: float = 14 * mm,
                 columns: int = 1):
        super().__init__()
        self.PITCH = max(pitch, 12 * mm)  # ≥ 12 mm per signature
        self.labels = tuple(cjk_punctuation(label) for label in labels)
        self.date, self.size, self.role = date, size, role
        self.issuer = cjk_punctuation(issuer)
        self.columns = columns  # signatures side by side (each line then ≥ 36 mm)
        self.rows = -(-len(labels) // columns) + (1 if issuer else 0) + 1

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = self.rows * self.PITCH
        return self.width, self.height

    def _date_width(self) -> float:
        fonts = stack(self.role)
        if self.date:
            return fonts.width(self.date, self.size)
        return sum(self.GAPS) + 3 * fonts.width("年", self.size)

    def draw(self):
        c, fonts, size = self.canv, stack(self.role), self.size
        c.setLineWidth(0.6)
        top = self.height - self.PITCH + 3 * mm
        columns = [self.labels[k::self.columns] for k in range(self.columns)]
        widths = [max((fonts.width(label, size) for label in labels), default=0) + 2 * mm
                  for labels in columns]
        gap = 6 * mm  # between a line and the next column's labels
        line = min(self.LINE, (self.width - sum(widths) - gap * (self.columns - 1))
                   / self.columns)
        left = 0.0
        for labels, width in zip(columns, widths):
            y = top
            for label in labels:
                fonts.draw(c, left, y, label, size)
                c.line(left + width, y - 1.5 * mm, left + width + line, y - 1.5 * mm)
                y -= self.PITCH
            left += width + line + gap
        y = top - (self.rows - 1 - (1 if self.issuer else 0)) * self.PITCH
        right = self.width - 2 * size  # 右空二字
        if self.issuer:
            fonts.draw(c, right, y, self.issuer, size, align="right")
            y -= self.PITCH
        if self.date:
            fonts.draw(c, right, y, self.date, size, align="right")
            return
        x = right - self._date_width()
        for gap, word in zip(self.GAPS, "年月日"):
            x += gap
            x += fonts.draw(c, x, y, word, size)
