"""Pages from what a scanner or a phone leaves: PDFs (rasterised with pdfium), images
(JPEG, PNG, TIFF — multi-page too, BMP, WebP) or folders of them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

from evalapp.scan.reader import Unreadable, darkest_channel, decode_image

IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp"}
PDF_DPI = 200  # scanned PDFs are rasterised at this resolution (the reading needs ~150)


@dataclass
class SourcePage:
    """One page of an input file: where it came from, its SHA-256, its pixels (or why not)."""

    source: str  # file name and page, for messages
    sha256: str  # of the file (single page) or of "file SHA-256#page" (PDF / TIFF pages)
    image: np.ndarray | None
    error: str | None = None


def expand(paths: list[str | Path]) -> tuple[list[Path], list[str]]:
    """Files to read (folders searched recursively, in name order) and problems."""
    files, problems = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.suffix.lower() in IMAGE_TYPES | {".pdf"})
            if not found:
                problems.append(f"文件夹“{path}”中没有 PDF 或图像文件")
            files.extend(found)
        elif path.is_file():
            if path.suffix.lower() in IMAGE_TYPES | {".pdf"}:
                files.append(path)
            else:
                problems.append(f"“{path.name}”不是 PDF 或图像文件(支持 PDF、JPG、PNG、TIFF)")
        else:
            problems.append(f"找不到文件或文件夹“{path}”")
    return files, problems


def pages_of(path: Path) -> list[SourcePage]:
    """Every page of one file (an unreadable file gives one page with its error)."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    name = path.name
    if path.suffix.lower() == ".pdf":
        return _pdf_pages(data, digest, name)
    if path.suffix.lower() in (".tif", ".tiff"):
        ok, images = cv2.imdecodemulti(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
        if ok and len(images) > 1:
            return [SourcePage(f"{name} 第{i}页", _page_hash(digest, i), image)
                    for i, image in enumerate(images, 1)]
    try:
        return [SourcePage(name, digest, decode_image(data))]
    except Unreadable as exc:
        return [SourcePage(name, digest, None, str(exc))]


def _page_hash(file_digest: str, page: int) -> str:
    return hashlib.sha256(f"{file_digest}#{page}".encode()).hexdigest()


def _pdf_pages(data: bytes, digest: str, name: str) -> list[SourcePage]:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return [SourcePage(name, digest, None, "PDF 文件无法打开(已损坏或加密)")]
    out = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            image = darkest_channel(page.render(scale=PDF_DPI / 72).to_numpy())
            page.close()
            out.append(SourcePage(f"{name} 第{i + 1}页", _page_hash(digest, i + 1), image))
    finally:
        pdf.close()
    return out
