"""The scan entries of the 文件 menu — 导入扫描选票…, 监视扫描文件夹… / 停止监视 — and the
status-bar line of the watched folder, remembered per computer (ui/preferences) and resumed
when the program starts again.

The reading modules (OpenCV) are imported when first used, not at start-up."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox

from evalapp.services.context import ENTER
from ui import preferences
from ui.context import AppContext
from ui.scan.report_dialog import ScanReportDialog


class _StatusLabel(QLabel):
    double_clicked = Signal()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.double_clicked.emit()
        super().mouseDoubleClickEvent(event)


class ScanMenu:
    """Owned by the main window for one operator's session."""

    def __init__(self, window: QMainWindow, ctx: AppContext, add_action):
        self.window, self.ctx = window, ctx
        self.watcher = None
        may = ctx.may(ENTER)
        add_action("导入扫描选票(&S)……", self.import_scans, may)
        self.watch_action = add_action("监视扫描文件夹(&W)……", self.toggle_watch, may)
        self.status = _StatusLabel()
        self.status.setVisible(False)
        self.status.double_clicked.connect(self.report)
        window.statusBar().insertPermanentWidget(0, self.status)  # never hidden by a message
        folder = preferences.scan_watch_folder()
        if folder and may:
            self.start(folder)

    def import_scans(self) -> None:
        from ui.scan.import_run import import_from_menu  # lazy: OpenCV on first use
        import_from_menu(self.window, self.ctx)

    def toggle_watch(self) -> None:
        if self.watcher is not None and self.watcher.active():
            answer = QMessageBox.question(
                self.window, "停止监视扫描文件夹",
                f"停止监视“{self.watcher.folder}”?之后扫描仪新写入的文件不再自动导入"
                "(已导入的不受影响)。")
            if answer == QMessageBox.StandardButton.Yes:
                self.stop(forget=True)
            return
        folder = QFileDialog.getExistingDirectory(self.window, "监视扫描文件夹:选择扫描仪保存文件的文件夹",
                                                  preferences.scan_watch_folder() or "")
        if folder:
            self.start(folder)

    def start(self, folder: str) -> None:
        from ui.scan.folder_watch import ScanFolderWatcher  # lazy: OpenCV on first use
        self.stop()
        self.watcher = ScanFolderWatcher(self.ctx, folder, self.window)
        self.watcher.changed.connect(self._show)
        preferences.set_scan_watch_folder(folder)
        self.watcher.start()
        self.watch_action.setText("停止监视扫描文件夹(&W)……")
        self._show()

    def stop(self, forget: bool = False) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher.deleteLater()
            self.watcher = None
        if forget:
            preferences.set_scan_watch_folder(None)
        self.watch_action.setText("监视扫描文件夹(&W)……")
        self.status.setVisible(False)

    def close(self) -> None:
        """The operator signs out: the watch stops (the folder stays remembered)."""
        self.stop()
        self.window.statusBar().removeWidget(self.status)
        self.status.deleteLater()

    def report(self) -> None:
        """The sheets imported while watching, one row each."""
        if self.watcher is not None:
            ScanReportDialog(self.watcher.sheets, self.watcher.counts, self.window,
                             "监视扫描文件夹:已导入的评分表").exec()

    def _show(self) -> None:
        if self.watcher is None:
            return
        self.status.setText(self.watcher.status_text())
        self.status.setToolTip(f"{self.watcher.folder}\n双击查看每张评分表的导入结果")
        self.status.setVisible(True)
