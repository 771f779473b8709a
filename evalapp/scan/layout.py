"""The machine-readable ballot's geometry: ONE description used to draw the sheet (sheet_pdf)
and to read it (reader). Millimetres, origin at the page's top-left corner, y downwards.

Each page carries four ArUco markers (ids 0–3, clockwise from top-left) at known positions, a
QR code naming the evaluation, the 票号, the group, page x/y and the layout, and one bubble per
possible answer of every department row: one per grade (等次制), or digit columns (百分制:
tens within the configured range, units 0–9, one column per decimal of 打分小数位); groups
that recuse their own department get a "本部门" bubble at the end of each row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cached_property
from urllib.parse import quote, unquote

from evalapp.domain import GRADE_MODE, DomainError, EvaluationData, Group
from evalapp.services.batch import evaluation_identity

FORMAT = 1  # the layout version printed in every QR code
QR_PREFIX = "EVS"
PAGE_W, PAGE_H = 210.0, 297.0
MARKER = 10.0  # side of a corner marker (mm)
MARKER_AT = ((8.0, 8.0), (192.0, 8.0), (192.0, 279.0), (8.0, 279.0))  # top-left corners
QR_BOX = (168.0, 21.0, 24.0)  # x, y, side (mm) — including the quiet zone
ROWS_TOP, ROWS_BOTTOM = 61.0, 274.0
MIN_PITCH, MAX_PITCH = 5.5, 7.0
SIDE = 10.0  # left/right edge of the row area
OWN = "own"  # the kind of the 本部门 bubble
KIND_LABELS = {"tens": "十位", "units": "个位", "d1": "小数第一位", "d2": "小数第二位",
               OWN: "本部门"}


@dataclass(frozen=True)
class Bubble:
    x: float  # centre (mm)
    y: float
    r: float
    row: int  # index of the row on its page
    kind: str  # "grade" | "tens" | "units" | "d1" | "d2" | "own"
    value: str  # grade name, digit text ("10" for a tens column reaching 100) or ""
    label: str  # printed inside the bubble ("" for grades)


@dataclass(frozen=True)
class Row:
    department: str
    order: int
    y: float  # centre line (mm)
    x0: float  # the row's extent, for crops
    x1: float


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline (mm)
    text: str
    size: float  # points
    align: str = "left"
    role: str = "hei"


@dataclass(frozen=True)
class PageLayout:
    page: int
    pages: int
    rows: tuple[Row, ...]
    bubbles: tuple[Bubble, ...]
    texts: tuple[Text, ...]  # column headings
    lines: tuple[tuple[float, float, float, float], ...]  # light row separators


@dataclass(frozen=True)
class SheetLayout:
    mode: str
    group: str
    group_index: int
    grades: tuple[str, ...]
    tens: tuple[int, ...]
    decimals: int
    own: bool
    pages: tuple[PageLayout, ...]

    def digest(self, page: int) -> str:
        """8 hex digits naming this page's layout (what the QR promises)."""
        return self._digests[page - 1]

    @cached_property
    def _digests(self) -> tuple[str, ...]:
        return tuple(self._digest(p) for p in range(1, len(self.pages) + 1))

    def _digest(self, page: int) -> str:
        body = {"format": FORMAT, "mode": self.mode, "grades": self.grades, "tens": self.tens,
                "decimals": self.decimals, "own": self.own,
                "page": asdict(self.pages[page - 1])}
        text = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class QrData:
    identity: str  # first 16 hex digits of the evaluation identity
    serial: str
    group_index: int
    page: int
    pages: int
    layout: str
    version: int = FORMAT

    def text(self) -> str:
        return "|".join([QR_PREFIX, str(self.version), self.identity, quote(self.serial, safe=""),
                         str(self.group_index), str(self.page), str(self.pages), self.layout])

    @staticmethod
    def parse(text: str) -> QrData | None:
        parts = text.strip().split("|")
        if len(parts) != 8 or parts[0] != QR_PREFIX:
            return None
        try:
            return QrData(parts[2], unquote(parts[3]), int(parts[4]), int(parts[5]),
                          int(parts[6]), parts[7], int(parts[1]))
        except ValueError:
            return None


def tens_range(data: EvaluationData) -> tuple[int, ...]:
    s = data.settings
    low, high = int(s.low // 10), int(s.high // 10)
    return tuple(range(max(0, low), high + 1))


def _fit(count: int, per_page: int) -> list[int]:
    """Split ``count`` rows over as few pages as hold them, evenly."""
    pages = max(1, -(-count // per_page))
    base, extra = divmod(count, pages)
    return [base + (1 if i < extra else 0) for i in range(pages)]


def sheet_layout(data: EvaluationData, group: Group) -> SheetLayout:
    """The layout of one group's machine-readable ballot; raises DomainError when the
    settings cannot be printed as bubbles (explained in Chinese)."""
    s = data.settings
    depts = sorted(data.departments, key=lambda d: d.order)
    if not depts:
        raise DomainError("没有部门,无法生成机读评分表")
    index = [g.name for g in data.groups].index(group.name)
    grade_mode = s.mode == GRADE_MODE
    own = bool(group.recusal)
    if grade_mode:
        grades = tuple(g.name for g in s.grades)
        tens, decimals = (), 0
        columns = [("grade", g, "") for g in grades]
        pitch_x = 9.0
    else:
        if s.mark_decimals > 2:
            raise DomainError("打分小数位超过 2 位的百分制无法印制机读评分表,请使用手写评分表")
        if s.low < 0 or s.high >= 1000:
            raise DomainError("分值范围超出 0–999,无法印制机读评分表,请使用手写评分表")
        grades, tens, decimals = (), tens_range(data), s.mark_decimals
        columns = [("tens", str(t), str(t)) for t in tens]
        columns += [("units", str(u), str(u)) for u in range(10)]
        for k in range(decimals):
            columns += [(f"d{k + 1}", str(u), str(u)) for u in range(10)]
        pitch_x = 4.5
    if own:
        columns.append((OWN, "", ""))
    width = PAGE_W - 2 * SIDE
    name_w = 36.0
    gap = 2.5  # between digit columns
    blocks = len({c[0] for c in columns})
    need = lambda p: 7 + name_w + len(columns) * p + (blocks - 1) * gap  # noqa: E731
    per_row_cols = 2 if grade_mode and need(pitch_x) * 2 + 6 <= width else 1
    if per_row_cols == 1 and need(pitch_x) > width:
        pitch_x = (width - 7 - name_w - (blocks - 1) * gap) / len(columns)
        if pitch_x < 3.8:
            raise DomainError("每个部门的选项太多,一行排不下,无法印制机读评分表")
    col_w = (width - (per_row_cols - 1) * 6) / per_row_cols
    capacity = int((ROWS_BOTTOM - ROWS_TOP) // MIN_PITCH)
    per_page = capacity * per_row_cols
    counts = _fit(len(depts), per_page)
    radius = min(pitch_x * 0.39, 2.0)
    pages, start = [], 0
    for number, count in enumerate(counts, 1):
        chunk = depts[start:start + count]
        start += count
        per_col = -(-count // per_row_cols)
        pitch_y = min(MAX_PITCH, (ROWS_BOTTOM - ROWS_TOP) / max(per_col, 1))
        rows, bubbles, texts, lines = [], [], [], []
        for c in range(per_row_cols):
            x0 = SIDE + c * (col_w + 6)
            xb = x0 + 7 + name_w  # first bubble column's left edge
            xs, kind_prev = [], None
            x = xb
            for kind, value, label in columns:
                if kind_prev is not None and kind != kind_prev:
                    x += gap
                xs.append(x + pitch_x / 2)
                x += pitch_x
                kind_prev = kind
            head_y = ROWS_TOP - 2.2
            texts.append(Text(x0, head_y, "序号", 7.5))
            texts.append(Text(x0 + 7, head_y, "部门", 7.5))
            seen = {}
            for (kind, value, _), cx in zip(columns, xs):
                seen.setdefault(kind, []).append(cx)
            for kind, cxs in seen.items():
                if kind == "grade":
                    for (k, value, _), cx in zip(columns, xs):
                        if k == "grade":
                            texts.append(Text(cx, head_y, value, 7.5 if len(value) <= 2 else 6,
                                              "center"))
                else:
                    texts.append(Text((cxs[0] + cxs[-1]) / 2, head_y, KIND_LABELS[kind],
                                      7.5 if kind != OWN else 6.5, "center"))
            for i, d in enumerate(chunk[c * per_col:(c + 1) * per_col]):
                row_index = c * per_col + i
                y = ROWS_TOP + (i + 0.5) * pitch_y
                rows.append(Row(d.name, d.order, round(y, 3), x0, round(x, 3)))
                for (kind, value, label), cx in zip(columns, xs):
                    bubbles.append(Bubble(round(cx, 3), round(y, 3), round(radius, 3),
                                          row_index, kind, value, label))
                if i % 5 == 4 and i < per_col - 1:
                    lines.append((x0, round(y + pitch_y / 2, 3), round(x, 3),
                                  round(y + pitch_y / 2, 3)))
        pages.append(PageLayout(number, len(counts), tuple(rows), tuple(bubbles), tuple(texts),
                                tuple(lines)))
    return SheetLayout(s.mode, group.name, index, grades, tens, decimals, own, tuple(pages))


def evaluation_key(data: EvaluationData) -> str:
    """The evaluation identity printed in the QR (16 hex digits of batch.evaluation_identity:
    settings and rosters, so a sheet printed before a roster change no longer matches)."""
    return evaluation_identity(data)[:16]
