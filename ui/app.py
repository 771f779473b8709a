"""Starting the GUI: fonts, style, the default database (demo data when empty), the main
window; ``--selftest`` (the bundle's proof of life) and ``--measure-start`` (the cold-start
benchmark: exits once the main window is shown)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

STARTED = time.perf_counter()

from PySide6.QtCore import QCoreApplication  # noqa: E402 (after the start-up clock)
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
)

from evalapp import __version__  # noqa: E402
from evalapp.db.engine import open_database  # noqa: E402
from evalapp.db.urls import needs_password, scrub, shown, with_password  # noqa: E402
from evalapp.domain import DomainError  # noqa: E402
from evalapp.paths import default_database_path, is_frozen, resource  # noqa: E402
from evalapp.reports.notice_pdf import write_notice  # noqa: E402
from evalapp.services import backup  # noqa: E402
from evalapp.services.context import ADMIN, Actor  # noqa: E402
from evalapp.services.demo import create_demo  # noqa: E402
from evalapp.services.evaluations import latest_evaluation_id, list_evaluations  # noqa: E402
from evalapp.services.restore import restore  # noqa: E402
from evalapp.services.results import compute_results  # noqa: E402
from ui import heap, preferences, qt_chinese, wheel_guard  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui.exception_hook import install  # noqa: E402
from ui.fonts import apply_ui_font  # noqa: E402
from ui.icons import app_icon  # noqa: E402
from ui.operators.sign_in_dialog import SignInDialog  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402
from ui.shell.registry import page_classes  # noqa: E402
from ui.shell.start_dialog import StartDialog  # noqa: E402
from ui.style import STYLES, apply_style, style_sheet  # noqa: E402


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py")
    parser.add_argument("--db", default=None,
                        help="数据库文件或服务器地址;给出后本机记住,下次不带 --db 也打开它")
    parser.add_argument("--demo-if-empty", action="store_true",
                        help="数据库为空时直接生成并打开演示考评(开发与演示用)")
    parser.add_argument("--selftest", action="store_true",
                        help="启动 Qt、加载字体、在临时数据库上计算演示数据并生成通报 PDF 后退出")
    parser.add_argument("--measure-start", action="store_true",
                        help="计时:不登录,主窗口显示后立即退出(性能基准用)")
    return parser.parse_args(argv[1:])


def open_with_demo(target: str):
    """Open the database; an empty one gets the demo evaluations."""
    db = open_database(target)
    if not list_evaluations(db):
        create_demo(db)
    return db


def selftest() -> int:
    """Qt offscreen, fonts, style and icons, a temporary database with the demo, its tally and
    the notice PDF; prints one line per step and returns 0 (1 and the reason on failure)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        _selftest_steps()
    except Exception as exc:  # noqa: BLE001 - the report is the point
        traceback.print_exc()
        print(f"selftest FAILED: {exc.__class__.__name__}: {exc}")
        return 1
    print(f"selftest ok ({time.perf_counter() - STARTED:.1f} s)")
    return 0


def _selftest_steps() -> None:

    print(f"evalapp {__version__}, {'bundle' if is_frozen() else 'source'}, "
          f"resources {resource()}")
    app = QApplication.instance() or QApplication([])
    print(f"Qt platform {app.platformName()}, font {apply_ui_font(app)}")
    if not install_translator(app):
        raise RuntimeError("Qt's Chinese catalogue (qtbase_zh_CN.qm) missing")
    print(f"Qt zh_CN: {QCoreApplication.translate('QFileDialog', '&Look in:')}")
    sheets = {name: len(style_sheet(name)) for name in STYLES}
    if app_icon().isNull() or not all(sheets.values()):
        raise RuntimeError(f"icons or styles missing: {sheets}")
    help_pages = sorted(resource("help").glob("*.md"))
    if not help_pages:
        raise RuntimeError("help pages missing")
    print(f"styles {sheets}, help pages {len(help_pages)}")
    with tempfile.TemporaryDirectory() as folder:
        db = open_with_demo(str(Path(folder) / "selftest.db"))
        try:
            results = compute_results(db, latest_evaluation_id(db))
        finally:
            db.dispose()
        result = results.result
        print(f"tally: {len(result.departments)} departments, {result.valid_ballots} valid "
              f"ballots, digest {result.digest[:12]}")
        from evalapp.scan.sample import check_sample  # OpenCV: loaded by the selftest only
        print(check_sample(results.data))
        pdf = write_notice(results)
        if not pdf.startswith(b"%PDF"):
            raise RuntimeError("notice PDF not written")
        print(f"notice PDF: {len(pdf) / 1e3:.0f} kB")


def measure_start(target: str) -> int:
    """Cold start as the program does it, minus the sign-in dialog: integrity check, database,
    start backup, style, the main window with every page shown; then print and exit."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    app = prepare_application([sys.argv[0]])
    if not check_database_file(target):
        return 1
    db = open_database(target)
    start_backup(db)
    ctx = AppContext(db, Actor("启动计时", ADMIN),
                     latest_evaluation_id(db) if list_evaluations(db) else None)
    window = MainWindow(ctx, page_classes())
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    print(f"main window shown after {time.perf_counter() - STARTED:.3f} s "
          f"(in-process, from the first import of ui.app)", flush=True)
    window.close()
    db.dispose()
    return 0


def prepare_application(argv: list[str]):
    """QApplication with name, icon, Chinese Qt dialogs, the bundled font and the style."""
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("集中考评计分系统")
    app.setOrganizationName("evalapp")
    app.setWindowIcon(app_icon())
    install_translator(app)
    wheel_guard.install(app)
    heap.install(app)  # full collections in the clerk's pauses
    apply_ui_font(app)
    apply_style(app, preferences.style_name())
    return app


def install_translator(app) -> bool:
    """Qt's own Chinese strings (是/否/取消 in message boxes, the file and print dialogs)."""
    return qt_chinese.install(app)


def start_session(db, parent=None, demo_if_empty: bool = False,
                  remembered: int | None = None):
    """Sign in, then choose the evaluation (offering a start on an empty database): the
    ``remembered`` one from the last run when it still exists, else the latest.

    Returns an AppContext, or None when the operator cancelled.
    """
    sign_in = SignInDialog(db, parent)
    if sign_in.exec() != QDialog.DialogCode.Accepted or sign_in.actor is None:
        return None
    ctx = AppContext(db, sign_in.actor)
    if demo_if_empty and not list_evaluations(db):
        create_demo(db, ctx.actor)
    evaluations = list_evaluations(db)
    if evaluations:
        known = {e.id for e in evaluations}
        ctx.evaluation_id = remembered if remembered in known else latest_evaluation_id(db)
        return ctx
    start = StartDialog(ctx, parent)
    if start.exec() != QDialog.DialogCode.Accepted:
        return None
    ctx.evaluation_id = start.evaluation_id
    return ctx


def check_database_file(target: str, parent=None) -> bool:
    """PRAGMA integrity_check at start; a damaged file leads to an offer to restore the latest
    good backup (issue 6). False: the program should not go on."""
    path = backup.local_file(target)
    if path is None or not path.exists():
        return True
    problems = backup.integrity_problems(path)
    if not problems:
        return True
    good = backup.latest_good_backup(backup.default_folder(path))
    detail = "\n".join(problems[:5])
    if good is None:
        QMessageBox.critical(parent, "数据库文件已损坏",
                             f"数据库文件 {path} 检查未通过,且没有找到完好的备份。\n{detail}\n\n"
                             "请不要再写入此文件,并联系系统管理员。")
        return False
    answer = QMessageBox.question(
        parent, "数据库文件已损坏",
        f"数据库文件检查未通过:\n{detail}\n\n找到最近的完好备份:\n{good.name}\n\n"
        "用这个备份恢复吗?(损坏的文件会另存一份,不会删除)")
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        aside = restore(path, good)
    except backup.BackupError as exc:
        QMessageBox.critical(parent, "恢复失败", str(exc))
        return False
    QMessageBox.information(parent, "已恢复", f"已用备份 {good.name} 恢复。\n"
                                              f"损坏的文件另存为:{aside}")
    return True


def ask_password(target: str, parent=None) -> str | None:
    """A server address without a password: ask for it once for this session (it is never
    stored). None: the user cancelled."""
    if not needs_password(target):
        return target
    password, ok = QInputDialog.getText(parent, "连接数据库服务器",
                                        f"请输入数据库服务器的密码({shown(target)}):\n"
                                        "(密码只在本次运行中使用,不会保存)",
                                        QLineEdit.EchoMode.Password)
    return with_password(target, password) if ok else None


def start_backup(db) -> None:
    """The automatic backup at start (rotated); a failure is reported, never fatal."""
    if db.file_path is None:
        return
    try:
        backup.automatic_backup(db, "启动")
    except DomainError as exc:
        sys.stderr.write(f"启动备份失败:{exc}\n")


def run(argv: list[str]) -> int:
    args = _arguments(argv)
    if args.selftest:
        return selftest()
    if args.measure_start:
        return measure_start(args.db or str(default_database_path()))

    app = prepare_application(argv)
    install()
    remembered_db = args.db is not None
    args.db = args.db or preferences.database(str(default_database_path()))
    if not check_database_file(args.db):
        return 1
    target = ask_password(args.db)
    if target is None:
        return 1
    try:
        db = open_database(target)
    except Exception as exc:  # noqa: BLE001 - never a traceback at start
        QMessageBox.critical(None, "无法打开数据库", scrub(
            str(exc) if isinstance(exc, DomainError)
            else f"数据库无法打开:{exc.__class__.__name__}: {exc}", target))
        return 1
    if remembered_db:
        preferences.set_database(args.db)
    start_backup(db)
    ctx = start_session(db, demo_if_empty=args.demo_if_empty,
                        remembered=preferences.last_evaluation(db.url))
    if ctx is None:
        return 0
    window = MainWindow(ctx, page_classes())
    window.remember = True
    window.update_recent_menu()
    window.restore_state()
    preferences.set_last_evaluation(db.url, ctx.evaluation_id)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(run(sys.argv))
