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
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

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
DIGEST_LABEL = "结果摘要(SHA-256)"
ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
Target = "str | PathLike | io.BytesIO | None"


@dataclass(frozen=True)
class Status:
    """What every page says about the result: provisional (watermark) or final (digest)."""

    final: bool
    digest: str
    unconfirmed: int = 0


def status_footer(canvas, status: Status) -> None:
    """Provisional: the 未定稿 watermark and a note; final: the digest in small print."""
    song = stack(SONG)
    canvas.saveState()
    if status.final:
        canvas.setFillColorRGB(0.25, 0.25, 0.25)
        song.draw(canvas, PAGE_W / 2, 12 * 2.8346, f"{DIGEST_LABEL}:{status.digest}"
                  "  可用“main.py verify --digest”核对", 6.5, align="center")
    else:
        draw_watermark(canvas, PROVISIONAL_MARK, song)
        note = "未定稿:结果尚未最终确定,仅供核对"
        if status.unconfirmed:
            note += f";另有 {status.unconfirmed} 张选票尚未完成双人录入核对,未计入"
        canvas.setFillColorRGB(0.55, 0.0, 0.0)
        song.draw(canvas, PAGE_W / 2, 12 * 2.8346, note, 8, align="center")
    canvas.restoreState()


def build_pdf(story: list, target, status: Status, title: str, page_numbers: bool = True,
              frame: tuple[float, float, float, float] | None = None,
              on_page: Callable | None = None) -> bytes | None:
    """Lay out ``story`` in the GB/T 9704 text block (or ``frame``) and write the PDF.

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

    doc = BaseDocTemplate(out, pagesize=(PAGE_W, PAGE_H), title=title,
                          author="集中考评计分系统", creator="evalapp", subject=title,
                          pageTemplates=[PageTemplate("page", [body], onPage=decorate)],
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
