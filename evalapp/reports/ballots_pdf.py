"""Blank ballots (评分表) per evaluator group, each sheet with its own serial (票号).

The handwritten layout is parameterised (``BallotLayout``) and drawn by ``BallotPainter``,
whose pieces (header, instructions, department table, footer) can be reused or extended —
e.g. by a machine-readable ballot that adds markers around the same table."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Table, TableStyle

from evalapp.ballot_rules import excellent_limit
from evalapp.domain import GRADE_MODE, DomainError, EvaluationData, Group, format_decimal
from evalapp.reports.common import para, table_font
from evalapp.reports.fonts import HEI, SONG, TITLE, stack
from evalapp.reports.gongwen import PAGE_H, PAGE_W, cjk_punctuation
from evalapp.tally_result import Results

BOX = "□"
_SERIAL = re.compile(r"^(.*?)(\d+)$")
_FULL_WIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；"})


@dataclass(frozen=True)
class BallotLayout:
    """Sizes of the handwritten ballot (all in points)."""

    margin: float = 15 * mm
    row_min: float = 7 * mm  # room to write a score by hand
    row_max: float = 9 * mm
    score_cell: float = 25 * mm  # the 评分 column (score mode)
    grade_cell: float = 13 * mm  # one tick box per grade (grade mode)
    order_cell: float = 10 * mm
    column_gap: float = 6 * mm
    title_size: float = 17.0
    label_size: float = 12.0
    serial_size: float = 14.0
    text_size: float = 10.5  # instructions and table text: ≥ 10.5 pt (五号)
    footer_size: float = 10.5
    one_column_max: int = 24  # more departments than this: two columns per side

    @property
    def width(self) -> float:
        return PAGE_W - 2 * self.margin


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


def full_width(text: str) -> str:
    """Brackets, colons, commas in full width throughout (no “（≥95 分)” mixtures)."""
    return text.translate(_FULL_WIDTH)


def instructions(data: EvaluationData, group: Group) -> str:
    """What the evaluator needs to fill in the sheet — nothing for the data-entry staff."""
    s = data.settings
    if s.mode == GRADE_MODE:
        text = "请在每个部门相应等次下的方框内打“√”,每个部门只选一个等次。"
        first = s.grades[0].name if s.grades else "优秀"
        label = f"“{first}”"
    else:
        places = "整数" if s.mark_decimals == 0 else f"最多 {s.mark_decimals} 位小数的分数"
        text = (f"请在每个部门的“评分”栏内用正楷填写 {format_decimal(s.low)}–"
                f"{format_decimal(s.high)} 分之间的{places},字迹清楚,涂改处请签名确认。")
        label = f"“优秀”(≥{format_decimal(s.high_line)} 分)" if s.high_line is not None \
            else ""
    limit = excellent_limit(s, len(data.departments))
    if limit is not None and label:
        text += f"每张评分表{label}不得超过{limit}个,超过则整张无效。"
    if s.void_identical and s.mode != GRADE_MODE:
        text += "对所有部门打相同分数的评分表无效。"
    if group.recusal:
        text += "请填写本人所在部门,本部门一栏不评分(留空)。"
    text += "不评分的部门请留空。"
    return full_width(cjk_punctuation(text))


def own_departments(data: EvaluationData, group: Group) -> list[str] | None:
    """The evaluators' departments in roster order, when the group's roster links every
    evaluator to a department (unit = a department name); else None (written by hand)."""
    names = {d.name for d in data.departments}
    units = [e.unit for e in data.evaluators if e.group == group.name]
    return units if units and all(u in names for u in units) else None


class BallotPainter:
    """Draws the sheets of one group on a canvas; ``layout`` sets the sizes."""

    def __init__(self, data: EvaluationData, group: Group, title: str,
                 layout: BallotLayout | None = None):
        self.data, self.group, self.title = data, group, title
        self.layout = layout or BallotLayout()
        self.grade_mode = data.settings.mode == GRADE_MODE
        self.departments = sorted(data.departments, key=lambda d: d.order)
        self.columns = 1 if len(self.departments) <= self.layout.one_column_max else 2
        self.owners = own_departments(data, group) if group.recusal else None

    # ---------------------------------------------------------------- pieces
    def header(self, c, serial: str, page: int, pages: int, own: str | None) -> float:
        """Title, group, serial (boxed), 所在部门 on recusal ballots; returns the y below."""
        lay = self.layout
        y = PAGE_H - lay.margin - lay.title_size
        stack(TITLE).draw(c, PAGE_W / 2, y, f"{self.title}评分表", lay.title_size,
                          align="center")
        y -= lay.title_size + 10
        hei = stack(HEI)
        hei.draw(c, lay.margin, y, full_width(f"评委类别:{self.group.name}"), lay.label_size)
        label = full_width(f"票号:{serial}")
        side = f"  第{page}面/共{pages}面" if pages > 1 else ""
        right = PAGE_W - lay.margin
        hei.draw(c, right, y, label + side, lay.serial_size, align="right")
        w = hei.width(label, lay.serial_size)
        box_right = right - hei.width(side, lay.serial_size)
        c.setLineWidth(0.8)
        c.rect(box_right - w - 3, y - 5, w + 6, lay.serial_size + 6)
        if self.group.recusal:
            y -= lay.label_size + 12
            text = full_width("本人所在部门:")
            hei.draw(c, lay.margin, y, text, lay.label_size)
            x = lay.margin + hei.width(text, lay.label_size) + 2
            if own:
                stack(SONG).draw(c, x + 4, y, own, lay.label_size)
            c.setLineWidth(0.6)
            c.line(x, y - 3, x + 80 * mm, y - 3)
        y -= 12
        if page == 1:
            p = self.rules()
            _, h = p.wrap(lay.width, PAGE_H)
            p.drawOn(c, lay.margin, y - h)
            y -= h + 6
        return y

    def rules(self):
        lay = self.layout
        return para("填写说明:" + instructions(self.data, self.group), SONG, lay.text_size,
                    leading=lay.text_size * 1.45)

    def table(self, chunk, row_h: float, col_w: float, own: str | None = None) -> Table:
        lay = self.layout
        grades = [full_width(g.name) for g in self.data.settings.grades]
        head = ["序号", "部门"] + (grades if self.grade_mode else ["评分"])
        mark_w = lay.grade_cell if self.grade_mode else lay.score_cell
        widths = [lay.order_cell, 0, *([mark_w] * (len(head) - 2))]
        widths[1] = col_w - sum(widths)
        size = lay.text_size
        rows = [[para(h, HEI, size, align="center") for h in head]]
        style = [table_font(),
                 ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                 ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                 ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                 ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92))]
        for n, d in enumerate(chunk, start=1):
            mine = own is not None and d.name == own
            marks = [para("本部门" if mine else BOX, SONG, size + (0 if mine else 2),
                          align="center")] * len(grades) if self.grade_mode else \
                [para("本部门,不评" if mine else "", SONG, size, align="center")]
            rows.append([para(str(d.order), SONG, size, align="center"),
                         para(d.name, SONG, size)] + marks)
            if mine:
                style.append(("BACKGROUND", (0, n), (-1, n), colors.Color(0.85, 0.85, 0.85)))
        table = Table(rows, colWidths=widths, rowHeights=[row_h] * len(rows))
        table.setStyle(TableStyle(style))
        return table

    def footer(self, c, serial: str) -> None:
        lay = self.layout
        y = lay.margin + 4
        song = stack(SONG)
        if self.data.settings.named_ballots:
            label = full_width("评委签名:")
            song.draw(c, lay.margin, y, label, lay.footer_size)
            x = lay.margin + song.width(label, lay.footer_size) + 2
            c.line(x, y - 3, x + 45 * mm, y - 3)
        song.draw(c, PAGE_W - lay.margin, y, f"票号 {serial}", lay.footer_size, align="right")

    # ---------------------------------------------------------------- geometry
    def top(self, page: int) -> float:
        """The y below the heading (and, on the first side, the instructions)."""
        lay = self.layout
        y = PAGE_H - lay.margin - lay.title_size - lay.title_size - 10 - 12
        if self.group.recusal:
            y -= lay.label_size + 12
        if page == 1:
            y -= self.rules().wrap(lay.width, PAGE_H)[1] + 6
        return y

    def plan(self) -> tuple[list[list], float]:
        """The departments of each side (in presentation order) and the row height."""
        lay = self.layout
        bottom = lay.margin + 20
        n = len(self.departments)
        per_column = -(-n // self.columns)
        row_h = min(lay.row_max, (self.top(1) - bottom) / (per_column + 1))
        if row_h >= lay.row_min:
            return [self.departments], row_h
        sides, rest = [], list(self.departments)
        page = 1
        while rest:
            rows = int((self.top(page) - bottom) // lay.row_min) - 1
            take = max(1, rows * self.columns)
            sides.append(rest[:take])
            rest = rest[take:]
            page += 1
        return sides, lay.row_min

    def draw_sheet(self, c, serial: str, own: str | None = None) -> None:
        """One ballot: one side, or both sides (pages) carrying the same serial."""
        lay = self.layout
        col_w = (lay.width - lay.column_gap * (self.columns - 1)) / self.columns
        sides, row_h = self.plan()
        for page, chunk in enumerate(sides, start=1):
            top = self.header(c, serial, page, len(sides), own)
            per_column = -(-len(chunk) // self.columns)
            for col in range(self.columns):
                part = chunk[col * per_column:(col + 1) * per_column]
                if part:
                    table = self.table(part, row_h, col_w, own)
                    _, h = table.wrap(col_w, top)
                    table.drawOn(c, lay.margin + col * (col_w + lay.column_gap), top - h)
            self.footer(c, serial)
            c.showPage()


def ballot_groups(groups: list, name: str | None, copies: int | None) -> list:
    """The groups ballots are printed for (one named group, or all) — refused in Chinese when
    the name is unknown or the number of copies is below 1. Shared by the handwritten and the
    machine-readable ballots."""
    if name:
        groups = [g for g in groups if g.name == name]
        if not groups:
            raise DomainError(f"没有名为“{name}”的评委类别")
    if copies is not None and copies < 1:
        raise DomainError("份数至少为 1")
    return list(groups)


def write_ballots(results: Results, path=None, options: BallotOptions | None = None,
                  layout: BallotLayout | None = None) -> bytes | None:
    """Blank ballots: for each chosen group, ``copies`` sheets numbered in its serial scheme;
    on recusal groups the evaluator's department is pre-printed when the roster gives it."""
    options = options or BallotOptions()
    data = results.data
    groups = ballot_groups(data.groups, options.group, options.copies)
    out = io.BytesIO() if path is None else str(path)
    c = Canvas(out, pagesize=(PAGE_W, PAGE_H), invariant=1,
               initialFontName=stack(SONG).primary)  # no unembedded Helvetica
    evaluation = results.result.evaluation
    c.setTitle(f"{evaluation}评分表")
    c.setAuthor(evaluation)
    c.setSubject(f"{evaluation}评分表")
    c.setCreator("")
    c.setProducer("")
    for group in groups:  # blank forms carry no result: neither watermark nor digest
        painter = BallotPainter(data, group, evaluation, layout)
        copies = options.copies if options.copies is not None else max(1, group.expected or 1)
        for i, serial in enumerate(serials(data, group, copies, options.start)):
            owners = painter.owners
            index = options.start - 1 + i
            painter.draw_sheet(c, serial, owners[index] if owners and index < len(owners)
                               else None)
    c.save()
    return out.getvalue() if path is None else None
