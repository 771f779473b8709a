"""Importing scans from the window: choose files or a folder, read them in the background with
a progress bar (files read / files), then the report per sheet. Imported lazily by
ui/scan/scan_menu.py: OpenCV loads on the first scan, not at start-up."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from evalapp.domain import DomainError
from evalapp.services.scan_import import ScanReport, import_scans
from ui.context import AppContext
from ui.operations import BALLOTS
from ui.scan.report_dialog import ScanReportDialog
from ui.tasks import run_in_background

FILTER = "扫描件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp)"
# One reading process in the window: a worker pool forked from a running Qt program can hang;
# the command line (main.py scan-import) reads on several processes.
WORKERS = 1


class _Progress(QObject):
    """Files read so far: ``step`` is emitted on the pool thread and, this object living on the
    GUI thread, delivered to ``show`` there (a queued connection)."""

    step = Signal(int, int)

    def __init__(self, dialog: QProgressDialog | None, parent: QObject):
        super().__init__(parent)
        self.dialog = dialog
        self.step.connect(self.show)

    @Slot(int, int)
    def show(self, done: int, total: int) -> None:
        if self.dialog is not None:
            self.dialog.setRange(0, total)
            self.dialog.setValue(done)
            self.dialog.setLabelText(f"正在读取扫描件:第 {done} 个,共 {total} 个文件")


def choose_paths(parent: QWidget) -> list[str]:
    """Files, or a whole folder, chosen by the user ([] when cancelled)."""
    box = QMessageBox(QMessageBox.Icon.Question, "导入扫描选票",
                      "导入扫描仪保存的 PDF 或图像文件。要选择文件,还是整个文件夹"
                      "(含子文件夹)?", parent=parent)
    files = box.addButton("选择文件(&F)……", QMessageBox.ButtonRole.AcceptRole)
    folder = box.addButton("选择文件夹(&D)……", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is files:
        chosen, _ = QFileDialog.getOpenFileNames(parent, "导入扫描选票:选择文件", "", FILTER)
        return chosen
    if box.clickedButton() is folder:
        chosen = QFileDialog.getExistingDirectory(parent, "导入扫描选票:选择文件夹")
        return [chosen] if chosen else []
    return []


def run_import(parent: QWidget | None, ctx: AppContext, paths: list[str],
               on_done: Callable[[ScanReport], None], quiet: bool = False,
               on_error: Callable[[Exception], None] | None = None) -> None:
    """Import ``paths`` into the open evaluation off the GUI thread; ``on_done(report)`` on
    the GUI thread (``on_error(exc)``, else a message, if it fails). A progress dialog shows
    the files read unless ``quiet``."""
    db, actor, evaluation_id = ctx.db, ctx.actor, ctx.evaluation_id
    dialog = None
    if not quiet:
        dialog = QProgressDialog("正在读取扫描件……", None, 0, 0, parent)
        dialog.setWindowTitle("导入扫描选票")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
    progress = _Progress(dialog, parent)

    def work() -> ScanReport:
        return import_scans(db, actor, paths, evaluation_id, WORKERS,
                            progress=lambda done, total: progress.step.emit(done, total))

    def finish(callback, value) -> None:
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()
        progress.deleteLater()
        callback(value)

    run_in_background(work, lambda report: finish(on_done, report),
                      lambda exc: finish(on_error or (lambda e: _failed(parent, e)), exc),
                      parent, quiet=True)


def _failed(parent: QWidget, exc: Exception) -> None:
    text = str(exc) if isinstance(exc, DomainError) else f"出现意外错误:{exc}"
    QMessageBox.warning(parent, "导入扫描选票失败", text)


def import_from_menu(parent: QWidget, ctx: AppContext) -> None:
    """文件 → 导入扫描选票……"""
    if ctx.evaluation_id is None:
        QMessageBox.information(parent, "导入扫描选票", "请先打开考评活动。")
        return
    paths = choose_paths(parent)
    if not paths:
        return

    def done(report: ScanReport) -> None:
        ctx.announce(BALLOTS)
        c = report.counts()
        ctx.saved.emit(f"已导入扫描选票:保存 {c['saved']},待核对 {c['review']},拒收 {c['refused']}")
        ScanReportDialog(report.sheets, c, parent).exec()

    run_import(parent, ctx, paths, done)
