"""Reading one scanned page: corner markers → homography → straightened page → QR; then
evalapp/scan/bubbles.py measures the bubbles and applies the row rules.

No Qt. Images are 8-bit greyscale numpy arrays.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import cv2
import numpy as np
import PIL.Image
import zxingcpp

from evalapp.scan.layout import (
    MARKER, MARKER_AT, PAGE_H, PAGE_W, QR_BOX, PageLayout, QrData,
)

PX = 6.0  # pixels per millimetre of the straightened page (≈152 dpi)
WORK_PX = 6.0  # scans are reduced to about this many pixels per millimetre before reading
SEARCH_PX = 3.5  # the markers are first found at this resolution, then refined


class Unreadable(Exception):
    """A page that cannot be read at all; the message (Chinese) names why."""


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


def _detect(images, gray: np.ndarray) -> dict[int, np.ndarray]:
    """Corners (in ``gray`` pixels) of the markers found in ``images`` [(image, scale)], the
    first image first; refined on ``gray`` when found on a smaller copy."""
    found: dict[int, np.ndarray] = {}
    for attempt, scale in images:
        corners, ids, _ = _DETECTOR.detectMarkers(attempt)
        if ids is not None:
            for c, i in zip(corners, ids.ravel()):
                if 0 <= i <= 3 and int(i) not in found:
                    found[int(i)] = c.reshape(4, 2) * scale
        if len(found) == 4:
            break
    if found and images[0][1] > 1.2:
        points = np.concatenate(list(found.values())).astype(np.float32)
        cv2.cornerSubPix(gray, points, (3, 3), (-1, -1),
                         (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.05))
        for k, i in enumerate(list(found)):
            found[i] = points[k * 4:(k + 1) * 4]
    return found


def _fit(found: dict[int, np.ndarray]) -> tuple[np.ndarray | None, bool]:
    """(homography, whether every marker corner agrees with it)."""
    src = np.concatenate([_marker_corners_mm(i) for i in sorted(found)])
    dst = np.concatenate([found[i] for i in sorted(found)])
    matrix, _ = cv2.findHomography(src, dst, 0)
    if matrix is None:
        return None, False
    error = np.abs(cv2.perspectiveTransform(src[None], matrix)[0] - dst).max()
    size = np.linalg.norm(dst[1] - dst[0])  # one marker's side in pixels
    return matrix, bool(error <= max(2.5, size * 0.12))


def find_page(gray: np.ndarray) -> np.ndarray:
    """Homography from page millimetres to ``gray`` pixels, from the corner markers.

    The markers are looked for on a reduced copy first (fast). On a black-and-white copy a
    marker whose inner cells are mostly black can be outlined there about one cell inside its
    border (deck sheet B001 of bench seed 1013: the corners 3 px in at 3.5 px/mm, more than the
    sub-pixel refinement moves them); so when the corners do not fit one page, the markers are
    found again at full size before the page is refused."""
    small = _reduce(gray, SEARCH_PX)
    factor = gray.shape[1] / small.shape[1]
    found = _detect([(small, factor), (gray, 1.0)], gray)  # the full size if some are missed
    matrix, consistent = _fit(found) if len(found) >= 3 else (None, False)
    if not consistent and factor > 1.2:
        again = _detect([(gray, 1.0)], gray)
        if len(again) >= 3:
            matrix, consistent = _fit(again)
            found = again
    if len(found) < 3:
        raise Unreadable(f"找不到页面四角的定位标记(只找到 {len(found)} 个),"
                         "请完整扫描整页(勿裁切、勿遮挡四角)后重试")
    if matrix is None:
        raise Unreadable("定位标记位置异常,无法校正页面,请重新扫描")
    if not consistent:
        raise Unreadable("定位标记位置不一致(页面折叠、变形或不是本系统印制的评分表),"
                         "请展平后重新扫描")
    return matrix


def straighten(small: np.ndarray) -> np.ndarray:
    """The page (already reduced to about WORK_PX) warped to PAGE_W × PAGE_H mm at PX px/mm."""
    to_image = find_page(small)
    return cv2.warpPerspective(small, to_image @ np.diag([1 / PX, 1 / PX, 1.0]),
                               (round(PAGE_W * PX), round(PAGE_H * PX)),
                               flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REPLICATE)


def read_qr(page: np.ndarray, original: np.ndarray | None = None) -> QrData:
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


# ---------------------------------------------------------------- a whole page

def decode_image(data: bytes) -> np.ndarray:
    """Greyscale pixels of an image file; large scans are decoded at half or quarter size
    (JPEG decodes them that way directly), the reading needs about WORK_PX px/mm."""
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
