"""The machine-readable ballot (机读评分表) as PDF, drawn from evalapp.scan.layout.

Both modes: one bubble per grade (等次制) or digit bubbles (百分制); corner markers and a QR
code on every page; a multi-page sheet (double-sided) carries the same 票号 on each page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from evalapp.domain import GRADE_MODE, EvaluationData, Group
from evalapp.reports.ballots_pdf import ballot_groups, serial_scheme, serials
from evalapp.reports.common import para
from evalapp.reports.fonts import HEI, SONG, TITLE, stack
from evalapp.scan.layout import (
    MARKER, MARKER_AT, PAGE_H, PAGE_W, QR_BOX, ROWS_TOP, SIDE, PageLayout, QrData, SheetLayout,
    evaluation_key, sheet_layout,
)

INSTRUCTION = "请用黑色或蓝色笔涂满圆圈"
LABEL_GREY = colors.Color(0.72, 0.72, 0.72)  # digits inside bubbles: light, ignored by reading
LINE_GREY = colors.Color(0.6, 0.6, 0.6)
ARUCO_CELLS = 6  # 4×4 bits and a one-cell black border


@dataclass
class SheetOptions:
    group: str | None = None  # None: every group
    copies: int | None = None  # None: the group's issued count (发出票数), at least 1
    start: int | None = None  # None: after the group's highest 票号 already entered (or 1)


def marker_bits(marker_id: int):
    """The 6×6 cells (True = black) of ArUco marker ``marker_id`` (dictionary 4X4_50)."""
    import cv2  # lazy on purpose: the 打印 page imports this module at start-up (OpenCV 0.3 s)
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    image = cv2.aruco.generateImageMarker(dictionary, marker_id, ARUCO_CELLS)
    return image == 0


def _fit(role: str, text: str, size: float, width_mm: float) -> float:
    """The largest font size up to ``size`` at which ``text`` fits ``width_mm``."""
    while size > 6 and stack(role).width(text, size) > width_mm * mm:
        size -= 0.5
    return size


def _x(v: float) -> float:
    return v * mm


def _y(v: float) -> float:
    return (PAGE_H - v) * mm


class SheetPainter:
    def __init__(self, data: EvaluationData, group: Group, title: str):
        self.data, self.group, self.title = data, group, title
        self.layout: SheetLayout = sheet_layout(data, group)
        self.key = evaluation_key(data)

    def draw_sheet(self, c, serial: str) -> None:
        for page in self.layout.pages:
            self._page(c, serial, page)
            c.showPage()

    # ------------------------------------------------------------------ pieces
    def _markers(self, c) -> None:
        cell = MARKER / ARUCO_CELLS
        c.setFillColor(colors.black)
        for marker_id, (x0, y0) in enumerate(MARKER_AT):
            bits = marker_bits(marker_id)
            for i in range(ARUCO_CELLS):
                for j in range(ARUCO_CELLS):
                    if bits[i, j]:
                        c.rect(_x(x0 + j * cell), _y(y0 + (i + 1) * cell), cell * mm + 0.05,
                               cell * mm + 0.05, stroke=0, fill=1)

    def _qr(self, c, serial: str, page: PageLayout) -> None:
        qr = QrData(self.key, serial, self.layout.group_index, page.page, page.pages,
                    self.layout.digest(page.page))
        code = segno.make(qr.text(), error="m", micro=False)
        matrix = [list(row) for row in code.matrix]
        n = len(matrix)
        x0, y0, side = QR_BOX
        quiet = 3
        module = side / (n + 2 * quiet)
        c.setFillColor(colors.black)
        for i, row in enumerate(matrix):
            j = 0
            while j < n:  # one rectangle per horizontal run of dark modules
                if row[j]:
                    k = j
                    while k < n and row[k]:
                        k += 1
                    c.rect(_x(x0 + (quiet + j) * module), _y(y0 + (quiet + i + 1) * module),
                           (k - j) * module * mm, module * mm + 0.02, stroke=0, fill=1)
                    j = k
                else:
                    j += 1

    def _instructions(self, page: PageLayout) -> Paragraph:
        s = self.data.settings
        if s.mode == GRADE_MODE:
            how = "每个部门只涂一个等次。"
        else:
            example = "87.5" if self.layout.decimals else "87"
            how = (f"每个部门在十位、个位{'、小数位' if self.layout.decimals else ''}各涂一个数字"
                   f"(例如 {example} 分:十位涂 8,个位涂 7"
                   f"{',小数第一位涂 5' if self.layout.decimals else ''})"
                   f"{';整数分可不涂小数位' if self.layout.decimals else ''}。")
        text = f"填写说明:{INSTRUCTION},不要打“√”或“×”。{how}"
        if self.layout.own:
            text += "本类别评委请在本人所在部门一行涂“本部门”圆圈,该行不评分。"
        text += "不涂任何圆圈的部门视为未评。改涂时请擦净原圆圈。"
        if page.pages > 1:
            text += f"本评分表共 {page.pages} 页(正反面),每页都要填写。"
        return para(text, SONG, 8.5, leading=11)

    def _page(self, c, serial: str, page: PageLayout) -> None:
        self._markers(c)
        self._qr(c, serial, page)
        title = f"{self.title}评分表"  # kept clear of the corner markers' quiet zone
        stack(TITLE).draw(c, PAGE_W / 2 * mm, _y(15.5), title, _fit(TITLE, title, 15, 150),
                          align="center")
        label = f"评委类别:{self.group.name}"
        stack(HEI).draw(c, _x(SIDE + 10), _y(27), label, _fit(HEI, label, 11, 85))
        label = f"票号:{serial}"
        w = stack(HEI).draw(c, _x(150), _y(27), label, 13, align="right")
        c.setLineWidth(0.8)
        c.rect(_x(150) - w - 3, _y(27) - 4, w + 6, 17)
        if page.pages > 1:
            stack(HEI).draw(c, _x(QR_BOX[0] + QR_BOX[2] / 2), _y(QR_BOX[1] + QR_BOX[2] + 3.5),
                            f"第 {page.page} 页 / 共 {page.pages} 页", 9, align="center")
        p = self._instructions(page)
        _, h = p.wrap(_x(155 - SIDE - 10), PAGE_H * mm)
        p.drawOn(c, _x(SIDE + 10), _y(31) - h)
        self._example(c)
        for t in page.texts:
            stack(t.role).draw(c, _x(t.x), _y(t.y), t.text, t.size, align=t.align)
        c.setStrokeColor(LINE_GREY)
        c.setLineWidth(0.4)
        c.line(_x(SIDE), _y(ROWS_TOP - 1), _x(PAGE_W - SIDE), _y(ROWS_TOP - 1))
        for x0, y0, x1, y1 in page.lines:
            c.line(_x(x0), _y(y0), _x(x1), _y(y1))
        c.setStrokeColor(colors.black)
        by_row: dict[int, list] = {}
        for b in page.bubbles:
            by_row.setdefault(b.row, []).append(b)
        for index, row in enumerate(page.rows):
            size = 8.5
            name = row.department
            first = by_row[index][0]
            room = (first.x - first.r - 1.5 - row.x0 - 7) * mm
            while size > 5.5 and stack(SONG).width(name, size) > room:
                size -= 0.5
            stack(SONG).draw(c, _x(row.x0 + 6), _y(row.y + 1.1), str(row.order), 8,
                             align="right")
            stack(SONG).draw(c, _x(row.x0 + 7), _y(row.y + 1.1), name, size)
        c.setLineWidth(0.6)
        for b in page.bubbles:
            c.setStrokeColor(colors.black)
            c.circle(_x(b.x), _y(b.y), b.r * mm, stroke=1, fill=0)
            if b.label:
                c.setFillColor(LABEL_GREY)
                c.setFont(stack(HEI).primary, 5.2 if len(b.label) == 1 else 4.4)
                c.drawCentredString(_x(b.x), _y(b.y + 0.65), b.label)
        c.setFillColor(colors.black)
        self._footer(c, serial, page)

    def _example(self, c) -> None:
        """Filled and unfilled example bubbles beside the instruction."""
        y = 53.5
        c.setLineWidth(0.6)
        x = SIDE + 10
        x += stack(HEI).draw(c, _x(x), _y(y + 1.2), "示例  涂满(正确):", 8) / mm + 3
        c.circle(_x(x), _y(y), 1.8 * mm, stroke=1, fill=1)
        x += 6
        x += stack(HEI).draw(c, _x(x), _y(y + 1.2), "未涂:", 8) / mm + 3
        c.circle(_x(x), _y(y), 1.8 * mm, stroke=1, fill=0)
        x += 6
        x += stack(HEI).draw(c, _x(x), _y(y + 1.2), "错误(打勾、打叉、半涂,需人工核对):", 8
                             ) / mm + 3
        c.circle(_x(x), _y(y), 1.8 * mm, stroke=1, fill=0)
        c.line(_x(x - 1.3), _y(y), _x(x - 0.3), _y(y + 1.1))
        c.line(_x(x - 0.3), _y(y + 1.1), _x(x + 1.4), _y(y - 1.3))
        x += 5
        c.circle(_x(x), _y(y), 1.8 * mm, stroke=1, fill=0)
        c.line(_x(x - 1.2), _y(y - 1.2), _x(x + 1.2), _y(y + 1.2))
        c.line(_x(x - 1.2), _y(y + 1.2), _x(x + 1.2), _y(y - 1.2))
        x += 5
        c.circle(_x(x), _y(y), 1.8 * mm, stroke=1, fill=0)
        c.wedge(_x(x - 1.8), _y(y + 1.8), _x(x + 1.8), _y(y - 1.8), 180, 180, stroke=0, fill=1)

    def _footer(self, c, serial: str, page: PageLayout) -> None:
        y = 285.5
        if self.data.settings.named_ballots and page.page == 1:
            stack(SONG).draw(c, _x(SIDE + 12), _y(y), "评委签名:____________", 10)
        text = f"票号 {serial}" + (f" · 第{page.page}页/共{page.pages}页" if page.pages > 1
                                    else "") + " · 每张评分表票号唯一,请勿复印,请勿折叠"
        stack(SONG).draw(c, _x(PAGE_W - SIDE - 12), _y(y), text, 8, align="right")


def next_number(data: EvaluationData, group: Group) -> int:
    """The first 票号 number after those the group's entered ballots use (1 if none), so that
    sheets printed for more evaluators never repeat a 票号 already entered."""
    prefix, _ = serial_scheme(data, group)
    used = [int(b.serial[len(prefix):]) for b in data.ballots
            if b.group == group.name and b.serial.startswith(prefix)
            and b.serial[len(prefix):].isdigit()]
    return max(used, default=0) + 1


def write_sheets(data: EvaluationData, title: str, path=None,
                 options: SheetOptions | None = None) -> bytes | None:
    """Machine-readable ballots: for each chosen group, ``copies`` sheets numbered in the same
    serial scheme as the handwritten ballots (each sheet one or more pages)."""
    options = options or SheetOptions()
    groups = ballot_groups(data.groups, options.group, options.copies)
    out = io.BytesIO() if path is None else str(path)
    c = Canvas(out, pagesize=(PAGE_W * mm, PAGE_H * mm), invariant=1,
               initialFontName=stack(SONG).primary)
    c.setTitle(f"{title}评分表")
    for group in groups:
        painter = SheetPainter(data, group, title)
        copies = options.copies if options.copies is not None else max(1, group.expected or 1)
        start = options.start if options.start is not None else next_number(data, group)
        for serial in serials(data, group, copies, start):
            painter.draw_sheet(c, serial)
    c.save()
    return out.getvalue() if path is None else None
