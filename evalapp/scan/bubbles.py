"""The bubbles of a straightened page: fill and tone of each against the page's own levels,
then the row rules.

Every decision is made against the page's own levels: the paper is estimated locally (uneven
light, grey recycled paper), the ink level from the printed corner markers, and each bubble's
fill is measured above the page's blank bubbles. Two thresholds per measure split a bubble
into MARK, BLANK or DOUBT; a row is read only when every bubble is definite and the row rules
hold (one grade; one digit per column; the score in range) — anything else goes to a person,
never silently to a blank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import cv2
import numpy as np

from evalapp.marks import normalize_mark
from evalapp.scan.layout import MARKER, MARKER_AT, OWN, Bubble, PageLayout
from evalapp.scan.reader import PX

INNER = 0.62  # the part of a bubble's radius that is measured (clear of the printed outline)
RIM = 0.82  # … and the ring between INNER and RIM: ink only there (a mark at the edge) is doubtful
RIM_FILL = 0.15
# A bubble's "fill" is the share of its inner disc darker than DARK × the printed black, above
# the page's blank bubbles; its "tone" the mean darkness above them (catches erasures).
DARK = 0.42
MARK_FILL = 0.50  # at or above: a definite mark
BLANK_FILL = 0.12  # below (and tone below BLANK_TONE): a definite blank
BLANK_TONE = 0.07
MARK, BLANK, DOUBT = "mark", "blank", "doubt"


@dataclass
class BubbleReading:
    bubble: Bubble
    fill: float
    tone: float
    state: str
    rim: float = 0.0  # share of the ring inside the outline darker than the blank bubbles


@dataclass
class RowReading:
    index: int
    department: str
    value: str | None  # the mark read (grade name or canonical score text), None = blank
    own: bool  # the 本部门 bubble is marked
    doubts: list[str]  # why a person must look (empty: read with confidence)
    bubbles: list[BubbleReading] = field(default_factory=list)

    @property
    def certain(self) -> bool:
        return not self.doubts


# ---------------------------------------------------------------- bubbles

def _darkness(page: np.ndarray) -> np.ndarray:
    """Darkness 0 (paper) … 1 (black) against the local paper level (uneven light)."""
    h, w = page.shape
    small = cv2.resize(page, (w // 4, h // 4), interpolation=cv2.INTER_AREA)
    k = round(6 * PX / 4) | 1  # wider than any filled bubble: the paper around it
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    paper = cv2.blur(paper, (k, k))
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    paper = np.maximum(paper.astype(np.float32), 40.0)
    return np.clip((paper - page.astype(np.float32)) / paper, 0.0, 1.0)


def _ink_level(dark: np.ndarray) -> float:
    """Darkness of the printed black: the markers' outer ring of cells."""
    values = []
    cell = MARKER / 6
    for x0, y0 in MARKER_AT:
        for k in range(6):
            for cx, cy in ((x0 + (k + 0.5) * cell, y0 + 0.5 * cell),
                           (x0 + 0.5 * cell, y0 + (k + 0.5) * cell)):
                values.append(dark[round(cy * PX), round(cx * PX)])
    return float(np.median(values))


_OFFSETS_CACHE: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _disc(radius_px: float) -> tuple[np.ndarray, np.ndarray]:
    key = round(radius_px * 10)
    if key not in _OFFSETS_CACHE:
        r = int(np.ceil(radius_px))
        yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
        inside = xx ** 2 + yy ** 2 <= radius_px ** 2
        _OFFSETS_CACHE[key] = (yy[inside], xx[inside])
    return _OFFSETS_CACHE[key]


def _ring(radius_px: float) -> tuple[np.ndarray, np.ndarray]:
    """Offsets of the ring between INNER and RIM of a bubble of ``radius_px``."""
    key = -round(radius_px * 10)
    if key not in _OFFSETS_CACHE:
        r = int(np.ceil(radius_px * RIM))
        yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
        d2 = xx ** 2 + yy ** 2
        inside = (d2 > (radius_px * INNER) ** 2) & (d2 <= (radius_px * RIM) ** 2)
        _OFFSETS_CACHE[key] = (yy[inside], xx[inside])
    return _OFFSETS_CACHE[key]


def measure(page: np.ndarray, layout: PageLayout) -> tuple[list[BubbleReading],
                                                           tuple[float, float]]:
    """Fill and tone of every bubble of ``layout`` on a straightened page."""
    dark = _darkness(page)
    ink = max(_ink_level(dark), 0.35)
    bubbles = layout.bubbles
    shift_y, shift_x = _row_shifts(dark, layout)
    dy, dx = _disc(bubbles[0].r * INNER * PX)
    centre_y = np.array([round(b.y * PX) for b in bubbles]) + shift_y
    centre_x = np.array([round(b.x * PX) for b in bubbles]) + shift_x
    cy = centre_y[:, None] + dy[None, :]
    cx = centre_x[:, None] + dx[None, :]
    samples = dark[cy, cx]
    fill = (samples > DARK * ink).mean(axis=1)
    tone = samples.mean(axis=1) / ink
    ry, rx = _ring(bubbles[0].r * PX)
    ring = dark[centre_y[:, None] + ry[None, :], centre_x[:, None] + rx[None, :]]
    rim = (ring > DARK * ink).mean(axis=1)
    base_fill, base_tone = float(np.median(fill)), float(np.median(tone))
    rim = rim - float(np.median(rim))
    out = []
    for b, f, t, e in zip(bubbles, fill - base_fill, tone - base_tone, rim):
        f, t, e = float(f), float(t), float(e)
        state = MARK if f >= MARK_FILL else BLANK if (
            f < BLANK_FILL and t < BLANK_TONE and e < RIM_FILL) else DOUBT
        out.append(BubbleReading(b, round(f, 3), round(t, 3), state, round(e, 3)))
    return out, (base_tone, ink)


SHIFT = 5  # pixels (±0.8 mm) a row may sit off where the corner markers put it


def _row_shifts(dark: np.ndarray, layout: PageLayout) -> tuple[np.ndarray, np.ndarray]:
    """Per bubble, the (y, x) pixel offset of its row found by fitting the printed outlines:
    paper stretched by a sheet feeder or curled in a photo moves rows a little, and each row
    is matched where its circles are darkest (most of a row's bubbles are blank circles).
    A row moves only when a shift is clearly better than none."""
    bubbles = layout.bubbles
    angles = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    r = bubbles[0].r * PX
    ring_y = np.round(r * np.sin(angles)).astype(int)
    ring_x = np.round(r * np.cos(angles)).astype(int)
    rows = np.array([b.row for b in bubbles])
    n = len(layout.rows)
    pad = SHIFT + 1
    padded = cv2.copyMakeBorder(dark, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    width = padded.shape[1]
    flat = padded.ravel()
    by = np.array([round(b.y * PX) for b in bubbles]) + pad
    bx = np.array([round(b.x * PX) for b in bubbles]) + pad
    base = ((by[:, None] + ring_y[None, :]) * width + bx[:, None] + ring_x[None, :]).ravel()
    owner = np.repeat(rows, len(angles))
    steps = sorted(range(-SHIFT, SHIFT + 1), key=abs)  # 0 first
    offsets = [(dy, dx) for dy in steps for dx in steps]  # (0, 0) first
    scores = np.stack([np.bincount(owner, weights=flat[base + (dy * width + dx)], minlength=n)
                       for dy, dx in offsets])  # offsets × rows
    best = scores.argmax(axis=0)
    clear = scores[best, np.arange(n)] > scores[0] * 1.03 + 1e-6
    best = np.where(clear, best, 0)
    shift_y = np.array([offsets[k][0] for k in best])
    shift_x = np.array([offsets[k][1] for k in best])
    return shift_y[rows], shift_x[rows]


# ---------------------------------------------------------------- row rules

def _one(readings: list[BubbleReading], what: str, doubts: list[str]) -> str | None:
    """The single marked value of a column (or grade row); None when all are blank."""
    marks = [r for r in readings if r.state == MARK]
    unsure = [r for r in readings if r.state == DOUBT]
    if unsure:
        doubts.append(f"{what}有涂得不清楚的圆圈")
    if len(marks) > 1:
        doubts.append(f"{what}涂了多个圆圈")
    if len(marks) == 1 and not unsure:
        return marks[0].bubble.value
    return None


def read_rows(readings: list[BubbleReading], layout: PageLayout, settings,
              bilevel: bool = False) -> list[RowReading]:
    """Apply the row rules to the bubbles of one page (``bilevel``: see is_bilevel)."""
    by_row: dict[int, list[BubbleReading]] = {}
    for r in readings:
        by_row.setdefault(r.bubble.row, []).append(r)
    rows = []
    for index, row in enumerate(layout.rows):
        cells = by_row.get(index, [])
        doubts: list[str] = []
        own_cells = [c for c in cells if c.bubble.kind == OWN]
        own = False
        if own_cells:
            state = own_cells[0].state
            own = state == MARK
            if state == DOUBT:
                doubts.append("“本部门”圆圈涂得不清楚")
        value = None
        grade_cells = [c for c in cells if c.bubble.kind == "grade"]
        if grade_cells:
            value = _one(grade_cells, "等次", doubts)
        else:
            columns: dict[str, list[BubbleReading]] = {}
            for c in cells:
                if c.bubble.kind != OWN:
                    columns.setdefault(c.bubble.kind, []).append(c)
            digits = {k: _one(v, _COLUMN_WORDS.get(k, k), doubts) for k, v in columns.items()}
            if not doubts:
                value = _score(digits, doubts)
        if value is not None and not doubts:
            try:
                value = normalize_mark(settings, value)
            except Exception as exc:  # noqa: BLE001 — DomainError: out of range etc.
                doubts.append(f"读出的评分 {value} 不合规则:{exc}")
                value = None
        if doubts:
            value = None
        elif value is None and not own and bilevel:
            doubts.append("黑白扫描件上此部门未涂(浅色笔迹可能在黑白扫描中丢失),请核对原票")
        rows.append(RowReading(index, row.department, value, own, doubts, cells))
    return rows


_COLUMN_WORDS = {"tens": "十位", "units": "个位", "d1": "小数第一位", "d2": "小数第二位"}


def _score(digits: dict[str, str | None], doubts: list[str]) -> str | None:
    tens, units = digits.get("tens"), digits.get("units")
    decimals = [digits[k] for k in ("d1", "d2") if k in digits]
    if tens is None and units is None and all(d is None for d in decimals):
        return None  # not rated
    if tens is None or units is None:
        doubts.append("十位和个位都要涂" if tens is None and units is None else
                      ("十位未涂" if tens is None else "个位未涂"))
        return None
    if any(d is None for d in decimals) and not all(d is None for d in decimals):
        doubts.append("小数位只涂了一部分")
        return None
    value = Decimal(int(tens) * 10 + int(units))
    for k, d in enumerate(decimals, 1):
        if d is not None:
            value += Decimal(int(d)).scaleb(-k)
    return str(value)
