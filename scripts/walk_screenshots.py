"""Walk the meeting day on a real X display and photograph every screen (issue 13).

Run under a window manager, one screen size at a time (scripts/walk-screenshots.sh starts
Xvfb + openbox for 1024×768, 1366×768 and 1920×1080):

    DISPLAY=:92 .venv/bin/python scripts/walk_screenshots.py OUT_FOLDER

First run (the first administrator), the start dialog, a new evaluation's 考评设置 (set-up
from scratch), then the demo evaluation through every page, the dialogs a user can open
(Qt's file dialog and message boxes included), the projector on the single screen (left with
Esc), print preview, 定稿, backup and the audit log. Each shot is the whole screen with the
window manager's frames, as the user sees it. Prints one line per shot with any widget that
sticks out of the screen.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget  # noqa: E402

from ui.app import prepare_application  # noqa: E402


def settle(ms: int = 350) -> None:
    app = QApplication.instance()
    for _ in range(3):
        app.processEvents()
    QTest.qWait(ms)


class Camera:
    def __init__(self, folder: Path):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        screen = QApplication.primaryScreen().geometry()
        self.size = f"{screen.width()}x{screen.height()}"
        self.count = 0

    def shot(self, name: str, window: QWidget | None = None) -> None:
        settle()
        self.count += 1
        screen = QApplication.primaryScreen()
        path = self.folder / f"{self.size}-{self.count:02d}-{name}.png"
        screen.grabWindow(0).save(str(path))
        note = ""
        if window is not None:
            area = screen.availableGeometry()
            frame = window.frameGeometry()
            if not screen.geometry().contains(frame):
                note = f"  OUTSIDE THE SCREEN: {frame.getRect()} on {area.getRect()}"
        print(f"{path.name}{note}", flush=True)


def close_dialogs(keep: QWidget | None = None) -> None:
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget is not keep and widget.isWindow() \
                and hasattr(widget, "reject"):
            widget.reject()
    settle(100)


def walk(out: Path) -> None:
    app = prepare_application([sys.argv[0]])
    camera = Camera(out)
    from evalapp.db.engine import open_database
    from evalapp.services.context import ADMIN, Actor
    from evalapp.services.demo import create_demo
    from evalapp.services.evaluations import create_evaluation
    from ui.context import AppContext
    from ui.operators.sign_in_dialog import SignInDialog
    from ui.shell.start_dialog import NewEvaluationDialog, StartDialog
    from ui.shell.main_window import MainWindow
    from ui.shell.registry import page_classes

    folder = Path(tempfile.mkdtemp(prefix="walk-"))
    db = open_database(folder / "meeting.db")
    # first run: the first administrator
    sign_in = SignInDialog(db)
    sign_in.show()
    camera.shot("first-run-sign-in", sign_in)
    sign_in.close()
    from evalapp.services.operators import create_first_admin
    create_first_admin(db, "张主任", "1234")
    actor = Actor("张主任", ADMIN)
    ctx = AppContext(db, actor)
    start = StartDialog(ctx)
    start.show()
    camera.shot("start-dialog", start)
    start.close()
    new = NewEvaluationDialog("新建考评")
    new.show()
    camera.shot("new-evaluation", new)
    new.close()
    fresh = create_evaluation(db, actor, "2022年度区级部门工作业绩集中考评", 2022)
    ctx = AppContext(db, actor, fresh)
    window = MainWindow(ctx, page_classes())
    window.remember = False
    window.restore_state()
    window.showMaximized()
    settle(800)
    window.activateWindow()
    for page, key in ((0, "settings-new"), (1, "departments-new"), (2, "groups-new"),
                      (3, "scores-new")):
        window.open_page(page)
        camera.shot(key, window)
    # the day itself, on the demo evaluation (rosters, ballots, last year)
    demo = create_demo(db, actor)[-1]
    ctx.set_evaluation(demo)
    settle(500)
    names = {p.title: i for i, p in enumerate(window.pages)}
    for title, key in (("考评设置", "settings"), ("部门", "departments"), ("评委", "groups"),
                       ("其他得分与加减分", "scores"), ("选票录入", "entry"),
                       ("双人录入核对", "reconcile"), ("结果", "results"),
                       ("会场大屏", "meeting"), ("打印", "print"), ("定稿与备份", "integrity"),
                       ("操作日志", "audit")):
        window.open_page(names[title])
        settle(600)
        camera.shot(key, window)
    page = lambda title: window.pages[names[title]]  # noqa: E731
    # results: the chart tab if there is one
    results = page("结果")
    window.open_page(names["结果"])
    tabs = getattr(results, "tabs", None)
    if tabs is not None:
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            camera.shot(f"results-tab{index + 1}", window)
        tabs.setCurrentIndex(0)
    # dialogs the user can open
    window.open_page(names["部门"])
    departments = page("部门")
    departments.add_department()
    camera.shot("dialog-new-department", departments.dialog)
    close_dialogs(window)
    window.open_page(names["其他得分与加减分"])
    scores = page("其他得分与加减分")
    scores.add_adjustment()
    dialog = scores.dialog
    dialog.department.setCurrentIndex(0)
    dialog.points.setText("5")
    camera.shot("dialog-adjustment-over-cap", dialog)
    close_dialogs(window)
    files = QFileDialog(window, "导入考评工作簿", str(folder), "Excel 工作簿 (*.xlsx)")
    files.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    files.show()
    camera.shot("dialog-file-open", files)
    files.close()
    box = QMessageBox(QMessageBox.Icon.Question, "删除部门", "确定删除部门“区委办公室”吗?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    box.show()
    camera.shot("dialog-message-box", box)
    box.close()
    from ui.help.shortcuts import ShortcutsDialog
    keys = ShortcutsDialog(window.menuBar(), window)
    keys.show()
    camera.shot("dialog-shortcuts", keys)
    keys.close()
    window.show_guide()
    camera.shot("guide", window.guide)
    window.guide.close()
    # the projector on the one screen, then Esc
    window.open_page(names["会场大屏"])
    meeting = page("会场大屏")
    meeting.open_projector()
    settle(1200)
    camera.shot("projector-single-screen", meeting.projector)
    from ui.projector.projector_window import MODE_PROGRESS, MODE_REVEAL, MODE_TIMER
    for mode in (MODE_PROGRESS, MODE_REVEAL, MODE_TIMER):
        meeting.mode_buttons[mode].click()
        if mode == MODE_REVEAL:
            for _ in range(5):
                meeting.projector.reveal_next()
        camera.shot(f"projector-{mode}", meeting.projector)
    meeting.chart_check.setChecked(True)
    meeting.mode_buttons["results"].click()
    camera.shot("projector-chart", meeting.projector)
    meeting.chart_check.setChecked(False)
    QTest.keyClick(meeting.projector, Qt.Key.Key_Escape)
    settle(500)
    camera.shot("meeting-after-esc", window)
    # print preview
    window.open_page(names["打印"])
    printing = page("打印")
    printing.preview_document()
    for _ in range(60):  # the PDF is made in the background
        if printing.made is not None and printing.preview.page_count():
            break
        settle(250)
    settle(500)
    camera.shot("print-preview", window)
    # 定稿 and backup
    window.open_page(names["定稿与备份"])
    integrity = page("定稿与备份")
    answer = QMessageBox.question
    QMessageBox.question = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    try:
        integrity.verify()
        if integrity.finalise_button.isEnabled():
            integrity.finalise()
        else:
            print("  (定稿 not possible on the demo: " + integrity.problems.text() + ")")
    finally:
        QMessageBox.question = answer
    camera.shot("integrity-after-finalise", window)
    integrity.backup_now()
    settle(800)
    camera.shot("integrity-after-backup", window)
    window.open_page(names["结果"])
    camera.shot("results-final", window)
    window.open_page(names["操作日志"])
    camera.shot("audit-final", window)
    QTimer.singleShot(0, app.quit)
    window.close()
    db.dispose()


if __name__ == "__main__":
    walk(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
