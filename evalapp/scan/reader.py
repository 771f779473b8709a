"""Reading one scanned page: corner markers → homography → QR → bubble fills → row rules.

No Qt. Images are 8-bit greyscale numpy arrays. Every decision is made against the page's own
levels: the paper is estimated locally (uneven light, grey recycled paper), the ink level from
the printed corner markers, and each bubble's fill is measured above the page's blank bubbles.

Two thresholds per measure split a bubble into MARK, BLANK or DOUBT; a row is read only when
every bubble is definite and the row rules hold (one grade; one digit per column; the score in
range) — anything else goes to a person, never silently to a blank.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal

import cv2
import numpy as np

from evalapp.scan.layout import (
    MARKER, MARKER_AT, OWN, PAGE_H, PAGE_W, QR_BOX, Bubble, PageLayout, QrData,
)

PX = 6.0  # pixels per millimetre of the straightened page (≈152 dpi)
WORK_PX = 6.0  # scans are reduced to about this many pixels per millimetre before reading
SEARCH_PX = 3.5  # the markers are first found at this resolution, then refined
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


class Unreadable(Exception):
    """A page that cannot be read at all; the message (Chinese) names why."""


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


@dataclass
class PageScan:
    """A straightened page and what was read from it."""

    image: np.ndarray  # straightened greyscale page, PX px/mm
    qr: QrData
    bilevel: bool  # a black-and-white (1-bit) scan or photocopy: faint marks may be lost


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- geometry

_DICTIONARY = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)


def _detector() -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    params.adaptiveThreshWinSizeMin = 5
    params.adaptiveThreshWinSizeMax = 25
    params.adaptiveThreshWinSizeStep = 10
    return cv2.aruco.ArucoDetector(_DICTIONARY, params)


_DETECTOR = _detector()


def _marker_corners_mm(marker_id: int) -> np.ndarray:
    x, y = MARKER_AT[marker_id]
    return np.array([[x, y], [x + MARKER, y], [x + MARKER, y + MARKER], [x, y + MARKER]],
                    dtype=np.float32)


def _reduce(gray: np.ndarray, px: float = WORK_PX) -> np.ndarray:
    """Scale a scan so that an A4 page is about ``px`` px/mm (never enlarge)."""
    h, w = gray.shape[:2]
    scale = px * max(PAGE_W, PAGE_H) / max(h, w)
    if scale < 0.9:
        return cv2.resize(gray, (round(w * scale), round(h * scale)),
                          interpolation=cv2.INTER_AREA)
    return gray


def find_page(gray: np.ndarray) -> np.ndarray:
    """Homography from page millimetres to ``gray`` pixels, from the corner markers."""
    found: dict[int, np.ndarray] = {}
    small = _reduce(gray, SEARCH_PX)
    factor = gray.shape[1] / small.shape[1]
    for attempt, scale in ((small, factor), (gray, 1.0)):  # the full size if some are missed
        corners, ids, _ = _DETECTOR.detectMarkers(attempt)
        if ids is not None:
            for c, i in zip(corners, ids.ravel()):
                if 0 <= i <= 3 and int(i) not in found:
                    found[int(i)] = c.reshape(4, 2) * scale
        if len(found) == 4:
            break
    if found and factor > 1.2:
        points = np.concatenate(list(found.values())).astype(np.float32)
        cv2.cornerSubPix(gray, points, (3, 3), (-1, -1),
                         (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.05))
        for k, i in enumerate(list(found)):
            found[i] = points[k * 4:(k + 1) * 4]
    if len(found) < 3:
        raise Unreadable(f"找不到页面四角的定位标记(只找到 {len(found)} 个),"
                         "请完整扫描整页(勿裁切、勿遮挡四角)后重试")
    src = np.concatenate([_marker_corners_mm(i) for i in sorted(found)])
    dst = np.concatenate([found[i] for i in sorted(found)])
    matrix, _ = cv2.findHomography(src, dst, 0)
    if matrix is None:
        raise Unreadable("定位标记位置异常,无法校正页面,请重新扫描")
    error = np.abs(cv2.perspectiveTransform(src[None], matrix)[0] - dst).max()
    size = np.linalg.norm(dst[1] - dst[0])  # one marker's side in pixels
    if error > max(2.5, size * 0.12):
        raise Unreadable("定位标记位置不一致(页面折叠、变形或不是本系统印制的评分表),"
                         "请展平后重新扫描")
    # Scale check (a sheet printed well below or above 100 %: markers closer or farther).
    return matrix


def straighten(small: np.ndarray) -> np.ndarray:
    """The page (already reduced to about WORK_PX) warped to PAGE_W × PAGE_H mm at PX px/mm."""
    to_image = find_page(small)
    return cv2.warpPerspective(small, to_image @ np.diag([1 / PX, 1 / PX, 1.0]),
                               (round(PAGE_W * PX), round(PAGE_H * PX)),
                               flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REPLICATE)


def read_qr(page: np.ndarray, original: np.ndarray | None = None) -> QrData:
    import zxingcpp
    x, y, side = QR_BOX
    m = 4
    crop = page[max(0, round((y - m) * PX)):round((y + side + m) * PX),
                max(0, round((x - m) * PX)):round((x + side + m) * PX)]
    tries = [crop, cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)]
    if original is not None:
        tries.append(original)
    texts = []
    for image in tries:
        for result in zxingcpp.read_barcodes(np.ascontiguousarray(image),
                                             formats=zxingcpp.BarcodeFormat.QRCode):
            texts.append(result.text)
            qr = QrData.parse(result.text)
            if qr is not None:
                return qr
        if texts:
            break
    if texts:
        raise Unreadable("二维码不是本系统评分表的二维码")
    raise Unreadable("二维码无法识别(污损、模糊或扫描分辨率过低),请重新扫描")


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
    from evalapp.marks import normalize_mark
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


# ---------------------------------------------------------------- a whole page

def decode_image(data: bytes) -> np.ndarray:
    """Greyscale pixels of an image file; large scans are decoded at half or quarter size
    (JPEG decodes them that way directly), the reading needs about WORK_PX px/mm."""
    import PIL.Image
    try:
        with PIL.Image.open(io.BytesIO(data)) as probe:
            long_side = max(probe.size)
            colour = probe.mode not in ("1", "L", "LA", "I", "I;16", "F", "P")
    except (OSError, ValueError, PIL.Image.DecompressionBombError):
        raise Unreadable("无法打开图像文件(格式不支持或文件已损坏)") from None
    ratio = long_side / (WORK_PX * PAGE_H)
    if colour:
        flag = (cv2.IMREAD_REDUCED_COLOR_4 if ratio >= 3.6 else
                cv2.IMREAD_REDUCED_COLOR_2 if ratio >= 1.8 else cv2.IMREAD_COLOR)
    else:
        flag = (cv2.IMREAD_REDUCED_GRAYSCALE_4 if ratio >= 3.6 else
                cv2.IMREAD_REDUCED_GRAYSCALE_2 if ratio >= 1.8 else cv2.IMREAD_GRAYSCALE)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    if image is None:
        raise Unreadable("无法打开图像文件(格式不支持或文件已损坏)")
    return darkest_channel(image)


def darkest_channel(image: np.ndarray) -> np.ndarray:
    """Greyscale for reading: of a colour image the darkest channel at each pixel, so blue or
    coloured ink counts as dark as it looks, while white paper stays white."""
    if image.ndim == 3:
        return np.ascontiguousarray(image[:, :, :3].min(axis=2))
    return image


def scan_page(gray: np.ndarray) -> PageScan:
    """Straighten a page and decode its QR (raises Unreadable)."""
    if gray is None or gray.size == 0 or min(gray.shape[:2]) < 300:
        raise Unreadable("图像太小或无法打开,不是整页扫描件")
    gray = darkest_channel(gray)
    small = _reduce(gray)
    page = straighten(small)
    qr = read_qr(page, small)
    return PageScan(page, qr, is_bilevel(page))


def is_bilevel(page: np.ndarray) -> bool:
    """Whether the page was scanned in black and white (or photocopied): its black is
    saturated and its paper pure white. A faint fill may vanish there without a trace, so a
    department left blank on such a page is checked by a person."""
    sample = page[::3, ::3]
    dark, light = sample[sample < 128], sample[sample >= 128]
    if dark.size == 0 or light.size == 0:
        return True
    return bool((dark < 30).mean() > 0.3 and (light >= 245).mean() > 0.88)


def crop(page: np.ndarray, layout: PageLayout, row: int, scale: float = 1.0) -> np.ndarray:
    """The straightened image of one row (for the review screen and the evidence)."""
    r = layout.rows[row]
    bubbles = [b for b in layout.bubbles if b.row == row]
    top = min(b.y - b.r for b in bubbles) - 1.2
    bottom = max(b.y + b.r for b in bubbles) + 1.2
    image = page[max(0, round(top * PX)):round(bottom * PX),
                 max(0, round(r.x0 * PX)):round((r.x1 + 1) * PX)]
    if scale != 1.0:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return image
