"""Offline multi-station entry from the menus: export this station's ballots as a batch file,
and merge batch files on the master station (services in evalapp/services/batch.py)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from evalapp.domain import DomainError
from evalapp.services.batch import export_batch, import_batch, write_batch
from evalapp.services.station_kit import issue_kit, read_kit, write_kit
from ui.context import AppContext
from ui.operations import BALLOTS
from ui.tasks import run_with_progress

KIT_SETTING = "batch/kit_path"


def issue_station_kit(parent: QWidget, ctx: AppContext) -> None:
    """On the master: issue a station its kit (key) when setting up offline entry."""
    if ctx.evaluation_id is None:
        return
    station, ok = QInputDialog.getText(parent, "发放录入包",
                                       "录入点名称(如“2号机”,该录入点导出批次时用这个录入包签名):")
    if not ok or not station.strip():
        return
    path, _ = QFileDialog.getSaveFileName(parent, "保存录入包", f"录入包-{station.strip()}.kit",
                                          "录入包 (*.kit)")
    if not path:
        return
    try:
        kit = issue_kit(ctx.db, ctx.actor, ctx.evaluation_id, station)
        write_kit(kit, path)
    except Exception as exc:  # noqa: BLE001 - shown to the user in Chinese
        QMessageBox.warning(parent, "发放失败", str(exc))
        return
    QMessageBox.information(parent, "发放录入包",
                            f"已为录入点“{kit['station']}”发放录入包:\n{path}\n\n请只交给该录入点"
                            "(用 U 盘),它导出批次时要用;合并时本机据此核对批次未被改动。")


def _kit_for_export(parent: QWidget) -> dict | None:
    settings = QSettings()
    start = str(settings.value(KIT_SETTING, ""))
    path, _ = QFileDialog.getOpenFileName(parent, "选择主机发给本录入点的录入包", start,
                                          "录入包 (*.kit)")
    if not path:
        return None
    try:
        kit = read_kit(path)
    except DomainError as exc:
        QMessageBox.warning(parent, "录入包无法使用", str(exc))
        return None
    settings.setValue(KIT_SETTING, path)
    return kit


def export_station_batch(parent: QWidget, ctx: AppContext) -> None:
    """Pick the station's kit and a file, then write the batch signed with the kit."""
    if ctx.evaluation_id is None:
        return
    kit = _kit_for_export(parent)
    if kit is None:
        return
    station = kit["station"]
    path, _ = QFileDialog.getSaveFileName(parent, "导出录入批次", f"录入批次-{station}.json",
                                          "录入批次 (*.json)")
    if not path:
        return
    db, actor, evaluation_id = ctx.db, ctx.actor, ctx.evaluation_id

    def work() -> dict:
        batch = export_batch(db, actor, evaluation_id, station, kit=kit)
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
    ctx.announce(BALLOTS)
    QMessageBox.information(parent, "合并录入批次", "\n\n".join(reports))
