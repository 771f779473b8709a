"""文件 → 导入扫描选票… and 监视扫描文件夹…, driven through the real main window: files the
scanner writes (one of them half-written) are imported once each, the status line counts
them, the watch stops, and a restart resumes it from the remembered folder."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from evalapp.services.ballots import list_ballots
from evalapp.services.context import CLERK, SYSTEM, Actor
from evalapp.services.evaluations import import_evaluation
from test_scan import _data, doubtful_sheet
from test_scan_policy import clean_sheets
from ui import preferences
from ui.context import AppContext
from ui.shell.main_window import MainWindow
from ui.scan import report_dialog
from ui.scan.scan_menu import ScanMenu
from test_ui_main_window import PAGES


@pytest.fixture
def setup(db, tmp_path, monkeypatch):
    monkeypatch.setenv(preferences.SETTINGS_ENV, str(tmp_path / "settings.ini"))
    data = _data(grade=True, groups=1)
    evaluation_id = import_evaluation(db, SYSTEM, data)
    shown = []
    monkeypatch.setattr(report_dialog.ScanReportDialog, "exec",
                        lambda self: shown.append(self) or QDialog.DialogCode.Accepted)
    return data, AppContext(db, Actor("扫描员", CLERK), evaluation_id), shown


def _action(window, start):
    return next(a for a in window.menuBar().actions()[0].menu().actions()
                if a.text().startswith(start))


def test_import_from_the_file_menu_shows_a_row_per_sheet(qtbot, db, tmp_path, setup,
                                                         monkeypatch):
    data, ctx, shown = setup
    folder = tmp_path / "scans"
    folder.mkdir()
    clean_sheets(folder, data, 2)
    doubtful_sheet(folder, data)  # p.png: the first 票号 again, another scan of its page
    window = MainWindow(ctx, PAGES)
    qtbot.addWidget(window)

    def choose_folder(box):
        next(b for b in box.buttons() if b.text().startswith("选择文件夹")).click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", choose_folder)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    _action(window, "导入扫描选票").trigger()
    [dialog] = shown
    rows = [[dialog.table.item(r, c).text() for c in range(6)]
            for r in range(dialog.table.rowCount())]
    assert sorted(r[2] for r in rows) == ["已保存", "拒收"]
    refused = next(r for r in rows if r[2] == "拒收")
    assert "两份不同的扫描件" in refused[5] and refused[0] != "-"
    saved = next(r for r in rows if r[2] == "已保存")
    assert saved[1] == data.groups[0].name and saved[3] == "3" and saved[4] == "0"
    assert "共 2 张:已保存 1" in dialog.summary.text()
    assert len(list_ballots(db, ctx.evaluation_id)) == 1


def test_the_watched_folder_imports_complete_files_once(qtbot, db, tmp_path, setup,
                                                       monkeypatch):
    data, ctx, shown = setup
    source, folder = tmp_path / "made", tmp_path / "scanner"
    source.mkdir()
    folder.mkdir()
    clean_sheets(source, data, 3)
    window = MainWindow(ctx, PAGES)
    qtbot.addWidget(window)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    _action(window, "监视扫描文件夹").trigger()
    menu: ScanMenu = window.scan_menu
    watcher = menu.watcher
    assert watcher.active() and preferences.scan_watch_folder() == str(folder)
    assert menu.watch_action.text().startswith("停止监视")
    # The scanner writes two pages in full and a third one half.
    for name in ("c0.png", "c1.png"):
        (folder / name).write_bytes((source / name).read_bytes())
    whole = (source / "c2.png").read_bytes()
    (folder / "c2.png").write_bytes(whole[: len(whole) // 2])
    for _ in range(3):
        watcher.tick()
    assert watcher.counts == {"saved": 2, "review": 0, "unchanged": 0, "refused": 0}
    assert "已保存 2" in menu.status.text() and "等待写完 1" in menu.status.text()
    assert menu.status.isVisibleTo(window)
    with open(folder / "c2.png", "ab") as f:
        f.write(whole[len(whole) // 2:])
    for _ in range(4):
        watcher.tick()
    assert watcher.counts["saved"] == 3 and watcher.counts["refused"] == 0
    assert len(list_ballots(db, ctx.evaluation_id)) == 3
    menu.status.double_clicked.emit()
    assert shown and shown[-1].table.rowCount() == 3
    # A restart resumes the watch; pages seen before are recognised, nothing is added.
    window.close()
    again = MainWindow(ctx, PAGES)
    qtbot.addWidget(again)
    resumed = again.scan_menu.watcher
    assert resumed is not None and resumed.active()
    for _ in range(3):
        resumed.tick()
    assert resumed.counts["unchanged"] == 3 and resumed.counts["saved"] == 0
    # Stopping (asked first) forgets the folder.
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    _action(again, "停止监视扫描文件夹").trigger()
    assert again.scan_menu.watcher is None and preferences.scan_watch_folder() is None
    assert _action(again, "监视扫描文件夹").text().startswith("监视")


def test_a_failed_import_is_said_and_the_watch_goes_on(qtbot, db, tmp_path, setup,
                                                       monkeypatch):
    data, ctx, _ = setup
    from ui.scan import folder_watch, import_run
    watcher = folder_watch.ScanFolderWatcher(ctx, str(tmp_path / "scanner"))
    assert "文件夹不存在" in (watcher.tick() or watcher.status_text())
    (tmp_path / "scanner").mkdir()
    clean_sheets(tmp_path / "scanner", data, 1)

    def broken(*args, **kwargs):
        raise RuntimeError("数据库连接中断")
    monkeypatch.setattr(import_run, "import_scans", broken)
    watcher.tick()
    watcher.tick()
    assert "导入失败(稍后重试):数据库连接中断" in watcher.status_text() and not watcher.busy
    assert "文件夹不存在" not in watcher.status_text()
    monkeypatch.undo()  # the database is back: the same file is imported at the next polls
    monkeypatch.setenv(preferences.SETTINGS_ENV, str(tmp_path / "settings.ini"))
    watcher.tick()
    watcher.tick()
    assert watcher.counts["saved"] == 1 and "导入失败" not in watcher.status_text()
