"""Test decks: the app's own machine-readable ballots filled with KNOWN marks in realistic
strokes and distorted like office scans or phone photos, so the reading can be measured
against the truth (election practice: a test deck with a known tally before the count).

Used by tests (a reduced deck), bench/bench_scan.py (≥ 500 sheets) and the selftest.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

import cv2
import numpy as np
import pypdfium2 as pdfium
import segno
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from evalapp.domain import GRADE_MODE, EvaluationData, Group, format_decimal
from evalapp.reports.ballots_pdf import serials
from evalapp.reports.fonts import SONG, stack
from evalapp.scan.layout import (
    OWN, PAGE_H, PAGE_W, QR_BOX, QrData, SheetLayout, evaluation_key, sheet_layout,
)
from evalapp.scan.sheet_pdf import SheetPainter

# How a filled bubble is drawn: (style, probability). "full" is what the instruction asks.
# Chosen once per row (an evaluator fills a row's bubbles alike); the instruction asks "full".
STYLES = (("full", 0.975), ("offset", 0.01), ("partial", 0.005), ("tick", 0.004),
          ("cross", 0.002), ("light", 0.002), ("heavy", 0.002))
PENS = (("black", 0.55), ("blue", 0.37), ("pencil", 0.08))
ERASE_RATE = 0.003  # a row where a first choice was erased and another filled
STRAY_RATE = 0.02  # a stray stroke near (not in) a bubble


@dataclass
class Truth:
    """What the evaluator meant on one ballot: department → mark text (None: not rated)."""

    serial: str
    group: str
    marks: dict[str, str | None]
    own_department: str | None = None
    styles: dict[str, str] = field(default_factory=dict)  # department → style used


def _pick(rng: random.Random, table) -> str:
    x, total = rng.random(), 0.0
    for name, p in table:
        total += p
        if x < total:
            return name
    return table[0][0]


def random_truth(rng: random.Random, data: EvaluationData, group: Group, serial: str,
                 blank_rate: float = 0.03) -> Truth:
    s = data.settings
    depts = sorted(data.departments, key=lambda d: d.order)
    own = rng.choice(depts).name if group.recusal else None
    marks: dict[str, str | None] = {}
    for d in depts:
        if d.name == own or rng.random() < blank_rate:
            marks[d.name] = None
        elif s.mode == GRADE_MODE:
            marks[d.name] = rng.choice([g.name for g in s.grades])
        else:
            low = max(s.low, Decimal(60)) if s.high >= 90 else s.low
            step = Decimal(1).scaleb(-s.mark_decimals) if rng.random() < 0.4 else Decimal(1)
            n = int((s.high - low) / step)
            marks[d.name] = format_decimal(low + step * rng.randint(0, n))
    return Truth(serial, group.name, marks, own)


def _targets(layout: SheetLayout, truth: Truth) -> dict[tuple[int, int], list]:
    """(page, row) → bubbles to fill for the truth."""
    out: dict[tuple[int, int], list] = {}
    for page in layout.pages:
        for index, row in enumerate(page.rows):
            value = truth.marks.get(row.department)
            cells = [b for b in page.bubbles if b.row == index]
            chosen = []
            if row.department == truth.own_department:
                chosen += [b for b in cells if b.kind == OWN]
            if value is not None:
                if layout.mode == GRADE_MODE:
                    chosen += [b for b in cells if b.kind == "grade" and b.value == value]
                else:
                    number = Decimal(value)
                    whole = int(number)
                    want = {"tens": str(whole // 10), "units": str(whole % 10)}
                    frac = number - whole
                    if frac:
                        for k in range(1, layout.decimals + 1):
                            want[f"d{k}"] = str(int(frac.scaleb(k)) % 10)
                    chosen += [b for b in cells if want.get(b.kind) == b.value]
            out[(page.page, index)] = chosen
    return out


def _ink(rng: random.Random, pen: str) -> tuple[int, float]:
    """(grey level of the stroke, texture noise)."""
    if pen == "black":
        return rng.randint(15, 70), 6.0
    if pen == "blue":
        return rng.randint(55, 115), 8.0
    return rng.randint(80, 130), 22.0


def _blob(rng: random.Random, cx: float, cy: float, r: float, coverage: float = 1.0):
    """A hand-filled disc: an irregular polygon of radius ~r."""
    n = 18
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False) + rng.random()
    radii = r * np.array([rng.uniform(0.88, 1.12) for _ in range(n)])
    if coverage < 1:  # a half-hearted fill: a chord of the disc
        cut = rng.uniform(-0.3, 0.3) * r
        pts = [(cx + rr * np.cos(a), cy + rr * np.sin(a)) for a, rr in zip(angles, radii)]
        theta = rng.random() * np.pi * 2
        pts = [p for p in pts if (p[0] - cx) * np.cos(theta) + (p[1] - cy) * np.sin(theta)
               < cut] or pts[:3]
        return np.array(pts, dtype=np.int32)
    return np.array([(cx + rr * np.cos(a), cy + rr * np.sin(a))
                     for a, rr in zip(angles, radii)], dtype=np.int32)


def draw_mark(img: np.ndarray, rng: random.Random, bubble, px: float, pen: str,
              style: str) -> None:
    level, _ = _ink(rng, pen)
    cx, cy, r = bubble.x * px, bubble.y * px, bubble.r * px
    width = max(1, round(rng.uniform(0.35, 0.6) * px))
    if style == "heavy":  # scribbled well past the outline
        cv2.fillPoly(img, [_blob(rng, cx, cy, r * 1.35)], level)
    elif style == "full" or style == "offset":
        jitter = 0.12 if style == "full" else 0.35
        cx += rng.uniform(-jitter, jitter) * r
        cy += rng.uniform(-jitter, jitter) * r
        cv2.fillPoly(img, [_blob(rng, cx, cy, r * rng.uniform(0.9, 1.1))], level)
    elif style == "partial":
        cv2.fillPoly(img, [_blob(rng, cx, cy, r, coverage=0.6)], level)
    elif style == "light":  # a faint fill (a pen running dry, a light pencil)
        cv2.fillPoly(img, [_blob(rng, cx, cy, r)], rng.randint(150, 185))
    elif style == "tick":
        pts = np.array([(cx - 0.8 * r, cy), (cx - 0.2 * r, cy + 0.7 * r),
                        (cx + 0.9 * r, cy - 1.0 * r)], dtype=np.int32)
        cv2.polylines(img, [pts], False, level, width, cv2.LINE_AA)
    elif style == "cross":
        d = 0.75 * r
        cv2.line(img, (round(cx - d), round(cy - d)), (round(cx + d), round(cy + d)), level,
                 width, cv2.LINE_AA)
        cv2.line(img, (round(cx - d), round(cy + d)), (round(cx + d), round(cy - d)), level,
                 width, cv2.LINE_AA)


def erase(img: np.ndarray, rng: random.Random, bubble, px: float) -> None:
    """What an eraser leaves of a filled bubble: a light grey smudge."""
    cv2.fillPoly(img, [_blob(rng, bubble.x * px, bubble.y * px, bubble.r * px)],
                 rng.randint(195, 228))


def stray(img: np.ndarray, rng: random.Random, bubble, px: float, pen: str) -> None:
    """A stroke beside a bubble (between two bubbles or below the row), never inside."""
    level, _ = _ink(rng, pen)
    cx, cy, r = bubble.x * px, bubble.y * px, bubble.r * px
    dy = rng.choice([-1, 1]) * r * rng.uniform(1.25, 1.5)
    x0 = cx + rng.uniform(-1.5, 0.5) * r
    cv2.line(img, (round(x0), round(cy + dy)), (round(x0 + rng.uniform(0.8, 2) * r),
                                                 round(cy + dy + rng.uniform(-0.3, 0.3) * r)),
             level, max(1, round(0.4 * px)), cv2.LINE_AA)


def fill_page(img: np.ndarray, layout: SheetLayout, page_number: int, truth: Truth,
              rng: random.Random, dpi: float) -> None:
    """Draw the truth's marks on a rendered page (greyscale, ``dpi``)."""
    px = dpi / 25.4
    pen = _pick(rng, PENS)
    ink = np.full_like(img, 255)  # marks darken the paper and the print under them
    page = layout.pages[page_number - 1]
    targets = _targets(layout, truth)
    for index, row in enumerate(page.rows):
        cells = [b for b in page.bubbles if b.row == index]
        chosen = targets[(page_number, index)]
        if chosen and rng.random() < ERASE_RATE:
            wrong = rng.choice([b for b in cells if b not in chosen and b.kind != OWN])
            erase(ink, rng, wrong, px)
            truth.styles[row.department] = "erased"
        style = _pick(rng, STYLES)
        for b in chosen:
            if style != "full":
                truth.styles[row.department] = style
            draw_mark(ink, rng, b, px, pen, style)
        if rng.random() < STRAY_RATE:
            stray(ink, rng, rng.choice(cells), px, pen)
            truth.styles.setdefault(row.department, "stray")
    if pen == "pencil":  # graphite is grainy
        grain = np.random.default_rng(rng.randint(0, 2 ** 31)).normal(0, 14, ink.shape)
        ink = np.where(ink < 255, np.clip(ink + grain, 0, 254), 255).astype(np.uint8)
    np.minimum(img, ink, out=img)


# ---------------------------------------------------------------- distortions

SCANNER, PHOTOCOPY, PHONE = "scanner", "photocopy", "phone"


def distort(img: np.ndarray, rng: random.Random, kind: str, dpi: float) -> np.ndarray:
    h, w = img.shape
    if kind == PHONE:
        # a photo: perspective, uneven light, lower sharpness
        m = 0.05
        src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        def inset(x_edge: float, y_edge: float) -> list[float]:
            """A corner pulled towards the centre by a random part of the frame."""
            dx, dy = (rng.uniform(0, m) + 0.04) * w, (rng.uniform(0, m) + 0.03) * h
            return [x_edge + dx if x_edge == 0 else x_edge - dx,
                    y_edge + dy if y_edge == 0 else y_edge - dy]
        dst = np.float32([inset(0, 0), inset(w, 0), inset(w, h), inset(0, h)])
        matrix = cv2.getPerspectiveTransform(src, dst)
        out = cv2.warpPerspective(img, matrix, (w, h), flags=cv2.INTER_LINEAR,
                                  borderValue=rng.randint(60, 120))
        yy, xx = np.mgrid[0:h:8, 0:w:8].astype(np.float32)  # light varies slowly
        gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
        light = 0.72 + 0.28 * (0.5 + 0.5 * (gx * (xx / w - 0.5) + gy * (yy / h - 0.5)) * 1.6)
        light = cv2.resize(np.clip(light, 0.55, 1.0), (w, h), interpolation=cv2.INTER_LINEAR)
        out = out.astype(np.float32) * light * rng.uniform(0.85, 1.0)
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.6, 1.4))
        out += np.random.default_rng(rng.randint(0, 2 ** 31)).normal(0, rng.uniform(2, 6),
                                                                      out.shape)
        out = np.clip(out, 0, 255).astype(np.uint8)
        return _jpeg(out, rng.randint(40, 90))
    pad = round(6 * dpi / 25.4)  # the scanner's glass is larger than the sheet
    img = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_CONSTANT,
                             value=rng.randint(200, 255))
    h, w = img.shape
    angle = rng.uniform(-3, 3)
    scale = rng.uniform(0.97, 1.03)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    matrix[:, 2] += (rng.uniform(-2, 2) * dpi / 25.4, rng.uniform(-2, 2) * dpi / 25.4)
    out = cv2.warpAffine(img, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    sigma = rng.uniform(0, 1.0) * dpi / 300
    if sigma > 0.2:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    if kind == PHOTOCOPY:
        out = cv2.GaussianBlur(out, (0, 0), 0.8 * dpi / 300)
        out = np.where(out < rng.randint(140, 175), 0, 255).astype(np.uint8)
        return _jpeg(out, rng.randint(70, 90))
    out = out.astype(np.float32) * rng.uniform(0.9, 1.0) + rng.uniform(0, 10)
    out += np.random.default_rng(rng.randint(0, 2 ** 31)).normal(0, rng.uniform(0, 6),
                                                                  out.shape)
    out = np.clip(out, 0, 255).astype(np.uint8)
    return _jpeg(out, rng.randint(40, 90))


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)


def encode_jpeg(img: np.ndarray, quality: int = 92) -> bytes:
    ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return data.tobytes()


# ---------------------------------------------------------------- a deck

@dataclass
class DeckSheet:
    truth: Truth
    kind: str
    dpi: int
    pages: list[bytes]  # JPEG (or PNG for photocopies) bytes, one per page


def render_pages(pdf_bytes: bytes, dpi: int) -> list[np.ndarray]:
    pdf = pdfium.PdfDocument(io.BytesIO(pdf_bytes))
    try:
        out = []
        for i in range(len(pdf)):
            page = pdf[i]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            array = bitmap.to_numpy()
            out.append(np.ascontiguousarray(array[:, :, 0] if array.ndim == 3 else array))
            page.close()
        return out
    finally:
        pdf.close()


def _stamp_qr(img: np.ndarray, text: str, dpi: float) -> None:
    """Replace the QR code of a rendered page by the one for ``text`` (same geometry as
    sheet_pdf: a 3-module quiet zone inside QR_BOX)."""
    matrix = np.array([list(row) for row in segno.make(text, error="m", micro=False).matrix],
                      dtype=bool)
    n = matrix.shape[0]
    x0, y0, side = QR_BOX
    px = dpi / 25.4
    module = side / (n + 6)
    top, left = round(y0 * px), round(x0 * px)
    img[top:round((y0 + side) * px), left:round((x0 + side) * px)] = 255
    for i, j in zip(*np.nonzero(matrix)):
        ya, yb = round((y0 + (3 + i) * module) * px), round((y0 + (4 + i) * module) * px)
        xa, xb = round((x0 + (3 + j) * module) * px), round((x0 + (4 + j) * module) * px)
        img[ya:yb, xa:xb] = 0


def make_deck(data: EvaluationData, title: str, count: int, seed: int = 1,
              kinds=((SCANNER, 0.6), (PHOTOCOPY, 0.15), (PHONE, 0.25)),
              dpis=(150, 200, 300), groups: list[str] | None = None,
              templates: bool = False):
    """Yield ``count`` filled, distorted sheets (each a DeckSheet with its truth).

    ``templates``: render each group's PDF once per resolution and give every further sheet
    its own QR code (票号 in the QR; the printed 票号 text stays the first sheet's) — the
    large decks of bench/ are then not limited by drawing PDFs."""
    rng = random.Random(seed)
    chosen = [g for g in data.groups if groups is None or g.name in groups]
    per_group = -(-count // len(chosen))
    made = 0
    key = evaluation_key(data)
    for group in chosen:
        layout = sheet_layout(data, group)
        painter = SheetPainter(data, group, title)
        cache: dict[int, list[np.ndarray]] = {}

        def rendered(serial: str, dpi: int) -> list[np.ndarray]:
            if templates and dpi in cache:
                pages = [p.copy() for p in cache[dpi]]
                for number, page in enumerate(pages, 1):
                    _stamp_qr(page, QrData(key, serial, layout.group_index, number,
                                           len(pages), layout.digest(number)).text(), dpi)
                return pages
            out = io.BytesIO()
            c = Canvas(out, pagesize=(PAGE_W * mm, PAGE_H * mm), invariant=1,
                       initialFontName=stack(SONG).primary)
            painter.draw_sheet(c, serial)
            c.save()
            pages = render_pages(out.getvalue(), dpi)
            if templates:
                cache[dpi] = [p.copy() for p in pages]
            return pages

        for serial in serials(data, group, per_group, 1):
            if made >= count:
                return
            kind = _pick(rng, kinds)
            dpi = rng.choice(dpis) if kind != PHONE else rng.choice((200, 300))
            truth = random_truth(rng, data, group, serial)
            pages = []
            for number, img in enumerate(rendered(serial, dpi), 1):
                fill_page(img, layout, number, truth, rng, dpi)
                pages.append(encode_jpeg(distort(img, rng, kind, dpi), 95))
            made += 1
            yield DeckSheet(truth, kind, dpi, pages)
