"""Blank ballots (评分表) per evaluator group, each sheet with its own serial (票号)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from evalapp.domain import GRADE_MODE, DomainError, EvaluationData, Group
from evalapp.reports.common import para, table_font
from evalapp.reports.fonts import HEI, SONG, TITLE, stack
from evalapp.reports.gongwen import PAGE_H, PAGE_W
from evalapp.rule_summary import rule_summary
from evalapp.services.results import Results

MARGIN = 15 * mm
WIDTH = PAGE_W - 2 * MARGIN
MIN_ROW, MAX_ROW = 5.4 * mm, 8 * mm
BOX = "□"
_SERIAL = re.compile(r"^(.*?)(\d+)$")


@dataclass
class BallotOptions:
    group: str | None = None  # None: every group
    copies: int | None = None  # None: the group's issued count (发出票数), at least 1
    start: int = 1


def serial_scheme(data: EvaluationData, group: Group) -> tuple[str, int]:
    """(prefix, digits) of the group's serials: taken from ballots already entered when they
    agree (e.g. A001 → ("A", 3)), else a letter by group position and three digits."""
    found = set()
    for b in data.ballots:
        if b.group == group.name:
            match = _SERIAL.match(b.serial)
            found.add((match.group(1), len(match.group(2))) if match else None)
    if len(found) == 1 and None not in found:
        return found.pop()
    index = [g.name for g in data.groups].index(group.name)
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return (letters[index] if index < len(letters) else f"G{index + 1}-"), 3


def serials(data: EvaluationData, group: Group, copies: int, start: int = 1) -> list[str]:
    prefix, digits = serial_scheme(data, group)
    return [f"{prefix}{n:0{digits}d}" for n in range(start, start + copies)]


def _instructions(data: EvaluationData, group: Group) -> str:
    rules = rule_summary(data)
    how = ("请在每个部门相应等次下的方框内打“√”,每个部门只选一个等次。" if data.settings.mode ==
           GRADE_MODE else "请在每个部门的“评分”栏内用正楷填写分数。")
    text = f"填写说明:{how}评分规则:{rules[0]}{rules[1]}"
    if group.recusal:
        text += "本类别评委不对本人所在部门评分(请将本部门一栏留空)。"
    return text + "不填写任何评分的部门视为未评。"


class BallotPainter:
    """Draws the sheets of one group on a canvas."""

    def __init__(self, data: EvaluationData, group: Group, title: str):
        self.data, self.group, self.title = data, group, title
        self.grade_mode = data.settings.mode == GRADE_MODE
        self.departments = sorted(data.departments, key=lambda d: d.order)
        self.columns = 1 if len(self.departments) <= 24 else 2

    def _header(self, c, serial: str, page: int, pages: int) -> float:
        """Draw the heading and rules; returns the y below them."""
        y = PAGE_H - MARGIN - 16
        stack(TITLE).draw(c, PAGE_W / 2, y, f"{self.title}评分表", 17, align="center")
        y -= 26
        stack(HEI).draw(c, MARGIN, y, f"评委类别:{self.group.name}", 12)
        label = f"票号:{serial}" + (f"  第{page}页/共{pages}页" if pages > 1 else "")
        stack(HEI).draw(c, PAGE_W - MARGIN, y, label, 14, align="right")
        c.setLineWidth(0.8)
        w = stack(HEI).width(f"票号:{serial}", 14)
        right = PAGE_W - MARGIN - (stack(HEI).width(label, 14) - w)
        c.rect(right - w - 3, y - 5, w + 6, 20)
        y -= 10
        if page == 1:
            p = self._rules()
            _, h = p.wrap(WIDTH, PAGE_H)
            p.drawOn(c, MARGIN, y - h)
            y -= h + 6
        return y

    def _table(self, chunk, row_h: float, col_w: float) -> Table:
        grades = [g.name for g in self.data.settings.grades]
        head = ["序号", "部门"] + (grades if self.grade_mode else ["评分"])
        mark_w = 10 * mm if self.grade_mode else 20 * mm
        widths = [11 * mm, 0, *([mark_w] * (len(head) - 2))]
        widths[1] = col_w - sum(widths)
        size = 9 if row_h < 6.5 * mm else 10
        rows = [[para(h, HEI, size, align="center") for h in head]]
        for d in chunk:
            marks = [para(BOX, SONG, size + 2, align="center")] * len(grades) \
                if self.grade_mode else [""]
            rows.append([para(str(d.order), SONG, size, align="center"),
                         para(d.name, SONG, size)] + marks)
        table = Table(rows, colWidths=widths, rowHeights=[row_h] * len(rows))
        table.setStyle(TableStyle([
            table_font(),
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1),
                                                            "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92))]))
        return table

    def _rules(self):
        return para(_instructions(self.data, self.group), SONG, 8.5, leading=11.5)

    def _top(self, page: int) -> float:
        """The y below the heading (and, on the first page, the rules)."""
        y = PAGE_H - MARGIN - 16 - 26 - 10
        if page == 1:
            y -= self._rules().wrap(WIDTH, PAGE_H)[1] + 6
        return y

    def layout(self) -> tuple[int, int, float]:
        """(rows per column, pages per sheet, row height)."""
        top, bottom = self._top(1), MARGIN + 24
        n = len(self.departments)
        per_column = -(-n // self.columns)
        row_h = min(MAX_ROW, (top - bottom) / (per_column + 1))
        if row_h >= MIN_ROW:
            return per_column, 1, row_h
        per_column = int((top - bottom) // MIN_ROW) - 1
        return per_column, -(-n // (per_column * self.columns)), MIN_ROW

    def draw_sheet(self, c, serial: str) -> None:
        """One ballot: one page, or several (double-sided) pages carrying the same serial."""
        gap = 6 * mm
        col_w = (WIDTH - gap * (self.columns - 1)) / self.columns
        per_column, pages, row_h = self.layout()
        per_page = per_column * self.columns
        for page in range(1, pages + 1):
            top = self._header(c, serial, page, pages)
            chunk = self.departments[(page - 1) * per_page:page * per_page]
            for col in range(self.columns):
                part = chunk[col * per_column:(col + 1) * per_column]
                if part:
                    table = self._table(part, row_h, col_w)
                    _, h = table.wrap(col_w, top)
                    table.drawOn(c, MARGIN + col * (col_w + gap), top - h)
            self._footer(c, serial)
            c.showPage()

    def _footer(self, c, serial: str) -> None:
        y = MARGIN + 8
        if self.data.settings.named_ballots:
            stack(SONG).draw(c, MARGIN, y, "评委签名:____________", 11)
        stack(SONG).draw(c, PAGE_W - MARGIN, y, f"票号 {serial} · 每张评分表票号唯一,"
                         "请勿复印", 8.5, align="right")


def write_ballots(results: Results, path=None, options: BallotOptions | None = None) -> \
        bytes | None:
    """Blank ballots: for each chosen group, ``copies`` sheets numbered in its serial scheme."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    options = options or BallotOptions()
    data = results.data
    groups = data.groups
    if options.group:
        groups = [g for g in groups if g.name == options.group]
        if not groups:
            raise DomainError(f"没有名为“{options.group}”的评委类别")
    if options.copies is not None and options.copies < 1:
        raise DomainError("份数至少为 1")
    out = io.BytesIO() if path is None else str(path)
    c = Canvas(out, pagesize=(PAGE_W, PAGE_H), invariant=1,
               initialFontName=stack(SONG).primary)  # no unembedded Helvetica
    c.setTitle(f"{results.result.evaluation}评分表")
    for group in groups:  # blank forms carry no result: neither watermark nor digest
        painter = BallotPainter(data, group, results.result.evaluation)
        copies = options.copies if options.copies is not None else max(1, group.expected or 1)
        for serial in serials(data, group, copies, options.start):
            painter.draw_sheet(c, serial)
    c.save()
    return out.getvalue() if path is None else None
