"""A PDF preview inside the window: QtPdf view with page navigation and zoom from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

ZOOM_STEP = 1.2
ZOOM_MIN, ZOOM_MAX = 0.25, 5.0


class PdfPreview(QWidget):
    """Shows PDF bytes; PgUp/PgDn/Home/End turn pages, Ctrl+= / Ctrl+- zoom, Ctrl+Shift+W
    fits the width (not Ctrl+0: that opens the 操作日志 page)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self._bytes = QByteArray()
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view.pageNavigator().currentPageChanged.connect(self._show_page_number)
        self.page_label = QLabel()
        self.placeholder = QLabel("尚未预览。选择左侧的文件后按“预览(F5)”。")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._toolbar())
        layout.addWidget(self.placeholder, 1)
        layout.addWidget(self.view, 1)
        self.view.setVisible(False)
        self._update_controls()

    # -- controls ------------------------------------------------------------------------
    def _button(self, text: str, keys: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(f"{tip}({keys})")
        button.clicked.connect(slot)
        for key in keys.split(" / "):
            shortcut = QShortcut(QKeySequence(key), self, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        return button

    def _toolbar(self) -> QHBoxLayout:
        self.first_button = self._button("首页", "Home", "第一页", self.first_page)
        self.previous_button = self._button("上一页", "PgUp", "上一页", self.previous_page)
        self.next_button = self._button("下一页", "PgDown", "下一页", self.next_page)
        self.last_button = self._button("末页", "End", "最后一页", self.last_page)
        self.zoom_out_button = self._button("缩小", "Ctrl+-", "缩小", self.zoom_out)
        self.zoom_in_button = self._button("放大", "Ctrl+= / Ctrl++", "放大", self.zoom_in)
        self.fit_width_button = self._button("适合宽度", "Ctrl+Shift+W", "按页面宽度显示",
                                             self.fit_width)
        self.whole_page_button = self._button("整页", "Ctrl+Shift+0", "显示整页",
                                              self.whole_page)
        bar = QHBoxLayout()
        for button in (self.first_button, self.previous_button, self.next_button,
                       self.last_button):
            bar.addWidget(button)
        bar.addWidget(self.page_label)
        bar.addStretch(1)
        for button in (self.zoom_out_button, self.zoom_in_button, self.fit_width_button,
                       self.whole_page_button):
            bar.addWidget(button)
        return bar

    def _update_controls(self) -> None:
        loaded = self.page_count() > 0
        for button in (self.first_button, self.previous_button, self.next_button,
                       self.last_button, self.zoom_out_button, self.zoom_in_button,
                       self.fit_width_button, self.whole_page_button):
            button.setEnabled(loaded)
        self._show_page_number()

    def _show_page_number(self, *_args) -> None:
        count = self.page_count()
        self.page_label.setText(f"第 {self.current_page() + 1} / {count} 页" if count else "")

    # -- loading -------------------------------------------------------------------------
    def set_pdf(self, data: bytes) -> bool:
        """Show new PDF bytes (kept in memory); returns whether the document is ready."""
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
        self._bytes = QByteArray(data)
        self._buffer = QBuffer(self)
        self._buffer.setData(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        ready = self.document.status() == QPdfDocument.Status.Ready
        self.placeholder.setVisible(not ready)
        self.view.setVisible(ready)
        if not ready:
            self.placeholder.setText("文件无法显示,请重新预览。")
        self.jump(0)
        self._update_controls()
        return ready

    def clear(self, message: str = "尚未预览。选择左侧的文件后按“预览(F5)”。") -> None:
        self.document.close()
        self.placeholder.setText(message)
        self.placeholder.setVisible(True)
        self.view.setVisible(False)
        self._update_controls()

    def pdf_bytes(self) -> bytes:
        return bytes(self._bytes.data())

    # -- navigation and zoom -------------------------------------------------------------
    def page_count(self) -> int:
        return self.document.pageCount() if self.document.status() == QPdfDocument.Status.Ready \
            else 0

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def jump(self, page: int) -> None:
        if self.page_count():
            page = max(0, min(page, self.page_count() - 1))
            self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())
            self._show_page_number()

    def first_page(self) -> None:
        self.jump(0)

    def last_page(self) -> None:
        self.jump(self.page_count() - 1)

    def next_page(self) -> None:
        self.jump(self.current_page() + 1)

    def previous_page(self) -> None:
        self.jump(self.current_page() - 1)

    def effective_zoom(self) -> float:
        """The scale shown now (QPdfView keeps zoomFactor() at 1 while fitting)."""
        mode = self.view.zoomMode()
        if mode == QPdfView.ZoomMode.Custom or not self.page_count():
            return self.view.zoomFactor()
        points = self.document.pagePointSize(self.current_page())
        scale = self.view.logicalDpiX() / 72
        margins = self.view.documentMargins()
        area = self.view.viewport().size()
        width = (area.width() - margins.left() - margins.right()) / (points.width() * scale)
        if mode == QPdfView.ZoomMode.FitToWidth:
            return width
        height = (area.height() - margins.top() - margins.bottom()) / (points.height() * scale)
        return min(width, height)

    def _zoom(self, factor: float) -> None:
        if not self.page_count():
            return
        zoom = max(ZOOM_MIN, min(ZOOM_MAX, self.effective_zoom() * factor))
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(zoom)

    def zoom_in(self) -> None:
        self._zoom(ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom(1 / ZOOM_STEP)

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def whole_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
