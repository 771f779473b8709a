"""Printing a PDF on a QPrinter: each page rendered to an image and painted at the paper's size."""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QProgressDialog

MAX_RENDER_DPI = 300  # enough for text and rules; 1200 dpi would need ~560 MB per A4 page


def new_printer() -> QPrinter:
    """A printer for A4 documents whose own margins are kept (the PDF already has them)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)
    return printer


def page_range(printer: QPrinter, page_count: int) -> list[int]:
    """The 0-based pages chosen in the print dialog (all when no range was given)."""
    first, last = printer.fromPage(), printer.toPage()
    if first <= 0 and last <= 0:
        return list(range(page_count))
    first = max(1, first or 1)
    last = min(page_count, last or page_count)
    return list(range(first - 1, last))


def _page_layout(document: QPdfDocument, page: int) -> QPageLayout:
    size = document.pagePointSize(page)
    orientation = (QPageLayout.Orientation.Landscape if size.width() > size.height()
                   else QPageLayout.Orientation.Portrait)
    portrait = QSizeF(min(size.width(), size.height()), max(size.width(), size.height()))
    page_size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    return QPageLayout(page_size, orientation, QMarginsF(0, 0, 0, 0))


def render_page(document: QPdfDocument, page: int, dpi: int) -> QImage:
    """One page as an image at ``dpi`` (white background, as on paper)."""
    points = document.pagePointSize(page)
    pixels = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    image = document.render(page, pixels, QPdfDocumentRenderOptions())
    if image.hasAlphaChannel():  # transparent areas would print black on some drivers
        flat = QImage(image.size(), QImage.Format.Format_RGB32)
        flat.fill(Qt.GlobalColor.white)
        with_painter = QPainter(flat)
        with_painter.drawImage(0, 0, image)
        with_painter.end()
        image = flat
    return image


def _target(painter: QPainter, image: QImage) -> QRectF:
    """The image fitted into the painter's page, centred, keeping its aspect ratio."""
    area = QRectF(painter.viewport())
    scale = min(area.width() / image.width(), area.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    return QRectF(area.x() + (area.width() - width) / 2, area.y() + (area.height() - height) / 2,
                  width, height)


def print_document(document: QPdfDocument, printer: QPrinter, progress=None) -> int:
    """Print the chosen pages of ``document``; returns the number of sheets sent.

    ``progress(done, total)`` is called after each page (for a progress dialog); it returns
    False to cancel. Raises RuntimeError when the printer cannot be opened."""
    pages = page_range(printer, document.pageCount())
    if not pages:
        return 0
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    dpi = min(printer.resolution(), MAX_RENDER_DPI)
    printer.setFullPage(True)
    printer.setPageLayout(_page_layout(document, pages[0]))
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("无法打开打印机")
    sent, total = 0, len(pages) * copies
    try:
        for _copy in range(copies):
            for page in pages:
                if sent:
                    printer.setPageLayout(_page_layout(document, page))
                    printer.newPage()
                image = render_page(document, page, dpi)
                painter.drawImage(_target(painter, image), image)
                sent += 1
                if progress is not None and progress(sent, total) is False:
                    printer.abort()
                    return sent
    finally:
        painter.end()
    return sent


def print_with_dialog(parent, document: QPdfDocument, printer: QPrinter, name: str) -> int:
    """Ask for printer, range and copies, then print with a progress dialog that can cancel.

    Returns the number of pages sent (0 when the user cancelled the print dialog)."""
    count = document.pageCount()
    printer.setDocName(name)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"打印 — {name}")
    dialog.setMinMax(1, count)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return 0
    progress = QProgressDialog("正在打印……", "取消", 0, count, parent)
    progress.setWindowTitle("打印")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(500)

    def step(done: int, total: int) -> bool:
        progress.setMaximum(total)
        progress.setValue(done)
        return not progress.wasCanceled()

    try:
        return print_document(document, printer, step)
    finally:
        progress.reset()
        progress.deleteLater()
