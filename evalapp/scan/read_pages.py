"""Reading the pages of scanned files against the machine-readable ballots of candidate
evaluations (no database): each page's QR, layout check, rows read and the crops of the rows a
person must check. Worker processes read files in parallel (read_all)."""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import cv2

from evalapp.domain import DomainError, EvaluationData
from evalapp.scan import bubbles, reader
from evalapp.scan.bubbles import BLANK_FILL, MARK_FILL
from evalapp.scan.layout import FORMAT, evaluation_key, sheet_layout
from evalapp.scan.sources import pages_of

PAGE_QUALITY = 70  # JPEG quality of the kept pages (greyscale, 6 px/mm: about 100 kB)


@dataclass
class PageResult:
    source: str
    sha256: str
    refused: str | None = None
    identity: str = ""
    serial: str = ""
    group: str = ""
    page: int = 0
    pages: int = 0
    bilevel: bool = False
    rows: list[dict] = field(default_factory=list)  # department, value, own, doubts, fills
    crops: dict[int, bytes] = field(default_factory=dict)  # row index → PNG of the row
    page_image: bytes | None = None  # JPEG of the straightened page (kept as evidence)


def doubt_level(fills: list[list]) -> int:
    """0–1000, higher = more doubtful: how close the most ambiguous bubble is to halfway."""
    middle = (BLANK_FILL + MARK_FILL) / 2
    worst = 0.0
    for _kind, _value, fill, tone, state in fills:
        if state == "doubt":
            level = max(fill, tone)
            worst = max(worst, 1 - min(abs(level - middle) / middle, 1))
    return round(1000 * worst) if worst else 1000  # a rule broken by definite marks: first


def read_page(source: str, sha256: str, image, layouts: dict) -> PageResult:
    """Read one page against the layouts {(identity, group index): (group name, SheetLayout,
    settings)} of the candidate evaluations."""
    result = PageResult(source, sha256)
    try:
        scan = reader.scan_page(image)
    except reader.Unreadable as exc:
        result.refused = str(exc)
        return result
    qr = scan.qr
    result.identity, result.serial, result.page, result.pages = (qr.identity, qr.serial, qr.page,
                                                                 qr.pages)
    found = layouts.get((qr.identity, qr.group_index))
    if not any(key[0] == qr.identity for key in layouts):
        result.refused = ("评分表不属于本机的考评活动(二维码中的考评标识不符;"
                          "可能是其他考评的评分表,或印制后修改过考评设置或名单)")
        return result
    if found is None:
        result.refused = "二维码中的评委类别在本考评活动中不存在"
        return result
    group, layout, settings = found
    result.group = group
    if (qr.version != FORMAT or qr.pages != len(layout.pages) or qr.page < 1
            or qr.page > qr.pages or qr.layout != layout.digest(qr.page)):
        result.refused = ("评分表版式与本考评当前的设置不一致(印制后修改过部门名单或计分设置),"
                          "请重新印制评分表")
        return result
    page = layout.pages[qr.page - 1]
    readings, _ = bubbles.measure(scan.image, page)
    rows = bubbles.read_rows(readings, page, settings, scan.bilevel)
    result.bilevel = scan.bilevel
    for row in rows:
        fills = [[b.bubble.kind, b.bubble.value, b.fill, b.tone, b.state] for b in row.bubbles]
        result.rows.append({"department": row.department, "value": row.value, "own": row.own,
                            "doubts": row.doubts, "fills": fills, "row": row.index})
        if row.doubts:
            ok, png = cv2.imencode(".png", reader.crop(scan.image, page, row.index))
            result.crops[row.index] = png.tobytes()
    # Every straightened page is kept (the evidence of what was read: the review's F3 and the
    # random sample's discrepancies show it).
    ok, jpeg = cv2.imencode(".jpg", scan.image, [cv2.IMWRITE_JPEG_QUALITY, PAGE_QUALITY])
    result.page_image = jpeg.tobytes()
    return result


def read_file(path: str, layouts: dict) -> list[PageResult]:
    """Every page of one file, read (top-level: runs in worker processes)."""
    out = []
    for page in pages_of(Path(path)):
        if page.image is None:
            out.append(PageResult(page.source, page.sha256, page.error))
        else:
            out.append(read_page(page.source, page.sha256, page.image, layouts))
    return out


def candidate_layouts(datas: dict[int, EvaluationData]) -> tuple[dict, dict]:
    """({(identity, group index): (group, layout, settings)}, {identity: evaluation id})."""
    layouts, owners = {}, {}
    for evaluation_id, data in datas.items():
        key = evaluation_key(data)
        owners[key] = evaluation_id
        for index, group in enumerate(data.groups):
            try:
                layouts[(key, index)] = (group.name, sheet_layout(data, group), data.settings)
            except DomainError:
                continue  # settings that cannot be printed as bubbles: no such sheet exists
    return layouts, owners


_WORKER_LAYOUTS: dict = {}


def _worker_start(layouts: dict) -> None:
    _WORKER_LAYOUTS.update(layouts)


def _worker_read(path: str) -> list[PageResult]:
    return read_file(path, _WORKER_LAYOUTS)


def read_all(files: list[Path], layouts: dict, workers: int = 1,
             progress: Callable[[int, int], None] | None = None) -> list[PageResult]:
    """Every page of ``files``; ``progress(files read, files)`` after each file."""
    report = progress or (lambda done, total: None)
    out: list[PageResult] = []
    if workers > 1 and len(files) > 2 and not getattr(sys, "frozen", False):
        with ProcessPoolExecutor(workers, initializer=_worker_start,
                                 initargs=(layouts,)) as pool:
            for done, part in enumerate(pool.map(_worker_read, [str(f) for f in files]), 1):
                out += part
                report(done, len(files))
            return out
    for done, f in enumerate(files, 1):
        out += read_file(str(f), layouts)
        report(done, len(files))
    return out
