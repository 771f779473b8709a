"""Watching the scanner's output folder from the window: a timer polls the folder
(evalapp/scan/watch.py decides which files are new and complete), imports them in the
background one batch at a time and keeps the counts for the status line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from evalapp.scan.watch import FolderWatch
from evalapp.services.scan_import import ScanReport
from ui.context import AppContext
from ui.operations import BALLOTS
from ui.scan.import_run import run_import

POLL_MS = 2000  # a file must keep its size over two polls: about 2–4 s after the scanner


class ScanFolderWatcher(QObject):
    """Imports the scans that appear in ``folder`` into the open evaluation."""

    changed = Signal()  # the counts or the state changed (status line)

    def __init__(self, ctx: AppContext, folder: str, parent: QObject | None = None,
                 interval_ms: int = POLL_MS):
        super().__init__(parent)
        self.ctx = ctx
        self.watch = FolderWatch(Path(folder))
        self.counts = {"saved": 0, "review": 0, "unchanged": 0, "refused": 0}
        self.sheets: list = []  # every sheet imported while watching (for the report)
        self.busy = False
        self.batch: list[Path] = []  # the files being imported
        self.problem = ""  # why nothing is imported now (no folder, no evaluation)
        self.failure = ""  # why the last import failed as a whole
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)

    @property
    def folder(self) -> Path:
        return self.watch.folder

    def start(self) -> None:
        self.timer.start()
        self.tick()

    def stop(self) -> None:
        self.timer.stop()
        self.changed.emit()

    def active(self) -> bool:
        return self.timer.isActive()

    def tick(self) -> None:
        """One poll: hand the files that are ready to the import (none while one runs)."""
        if self.busy:
            return
        if not self.watch.exists():
            self.problem = "文件夹不存在或无法访问(U 盘或网络盘是否已断开?)"
            self.changed.emit()
            return
        if self.ctx.evaluation_id is None:  # nothing is polled: no file is passed over
            self.problem = "尚未打开考评活动,暂不导入"
            self.changed.emit()
            return
        self.problem = ""
        ready = self.watch.poll()
        if ready:
            self.busy = True
            self.batch = ready
            run_import(None, self.ctx, [str(p) for p in ready], self._imported, quiet=True,
                       on_error=self._failed)
        self.changed.emit()

    def _imported(self, report: ScanReport) -> None:
        self.busy = False
        self.failure = ""
        for key, value in report.counts().items():
            self.counts[key] += value
        self.sheets += report.sheets
        if any(s.status in ("saved", "review") for s in report.sheets):
            self.ctx.announce(BALLOTS.by(self))
        self.changed.emit()

    def _failed(self, exc: Exception) -> None:
        """An import that failed as a whole (e.g. the evaluation was finalised, the database
        unreachable): said on the status line; the watch goes on with the next files."""
        self.busy = False
        self.watch.retry(self.batch)  # tried again at the next polls
        self.failure = f"导入失败(稍后重试):{exc}"
        self.changed.emit()

    def status_text(self) -> str:
        c = self.counts
        state = "监视中" if self.active() else "已停止"
        text = (f"扫描文件夹“{self.folder.name or self.folder}”{state}:已保存 {c['saved']},"
                f"待核对 {c['review']},已导入过 {c['unchanged']},拒收 {c['refused']}")
        waiting = self.watch.waiting()
        if self.busy:
            text += ",正在读取……"
        elif waiting:
            text += f",等待写完 {waiting}"
        for note in (self.problem, self.failure):
            if note:
                text += f"。{note}"
        return text
