"""Offline multi-station entry from the menus: export this station's ballots as a batch file,
and merge batch files on the master station (services in evalapp/services/batch.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from evalapp.services.batch import export_batch, import_batch, write_batch
from ui.context import AppContext
from ui.tasks import run_with_progress


def export_station_batch(parent: QWidget, ctx: AppContext) -> None:
    """Ask for the station's name and a file, then write the batch."""
    if ctx.evaluation_id is None:
        return
    station, ok = QInputDialog.getText(parent, "导出录入批次",
                                       "本录入点名称(如“2号机”,合并时用来区分各台电脑):")
    if not ok or not station.strip():
        return
    path, _ = QFileDialog.getSaveFileName(parent, "导出录入批次", f"录入批次-{station.strip()}.json",
                                          "录入批次 (*.json)")
    if not path:
        return
    db, actor, evaluation_id = ctx.db, ctx.actor, ctx.evaluation_id

    def work() -> dict:
        batch = export_batch(db, actor, evaluation_id, station)
        write_batch(batch, path)
        return batch

    try:
        batch = run_with_progress(work, parent, "正在导出录入批次……")
    except Exception as exc:  # noqa: BLE001 - shown to the user in Chinese
        QMessageBox.warning(parent, "导出失败", str(exc))
        return
    ctx.saved.emit(f"已导出录入批次 {path}:{len(batch['ballots'])} 张选票")


def import_station_batches(parent: QWidget, ctx: AppContext) -> None:
    """Pick one or more batch files and merge each (all or nothing per file)."""
    paths, _ = QFileDialog.getOpenFileNames(parent, "合并录入批次", "", "录入批次 (*.json)")
    if not paths:
        return
    db, actor, evaluation_id = ctx.db, ctx.actor, ctx.evaluation_id
    reports = []
    for path in paths:
        try:
            report = run_with_progress(lambda p=path: import_batch(db, actor, p, evaluation_id),
                                       parent, "正在合并录入批次……")
        except Exception as exc:  # noqa: BLE001 - a refused batch is reported, others go on
            reports.append(f"✗ {path}:{exc}")
        else:
            reports.append(f"✓ {path}:{report.text()}")
    ctx.ballots_changed.emit()
    QMessageBox.information(parent, "合并录入批次", "\n\n".join(reports))
