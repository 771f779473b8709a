"""Starting the GUI: fonts, the default database (demo data when empty), the main window."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from evalapp.paths import default_database_path


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py")
    parser.add_argument("--db", default=str(default_database_path()))
    parser.add_argument("--demo-if-empty", action="store_true",
                        help="数据库为空时直接生成并打开演示考评(开发与演示用)")
    parser.add_argument("--selftest", action="store_true",
                        help="启动 Qt、加载字体、在临时数据库上计算演示数据后退出")
    return parser.parse_args(argv[1:])


def open_with_demo(target: str):
    """Open the database; an empty one gets the demo evaluations."""
    from evalapp.db.engine import open_database
    from evalapp.services.demo import create_demo
    from evalapp.services.evaluations import list_evaluations
    db = open_database(target)
    if not list_evaluations(db):
        create_demo(db)
    return db


def selftest() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from evalapp.services.evaluations import latest_evaluation_id
    from evalapp.services.results import compute_results
    from ui.fonts import apply_ui_font
    app = QApplication.instance() or QApplication([])
    family = apply_ui_font(app)
    with tempfile.TemporaryDirectory() as folder:
        db = open_with_demo(str(Path(folder) / "selftest.db"))
        result = compute_results(db, latest_evaluation_id(db)).result
        db.dispose()
    print(f"selftest ok: font {family}, {len(result.departments)} departments, "
          f"digest {result.digest[:12]}")
    return 0


def start_session(db, parent=None, demo_if_empty: bool = False):
    """Sign in, then choose the evaluation (offering a start on an empty database).

    Returns an AppContext, or None when the operator cancelled.
    """
    from PySide6.QtWidgets import QDialog

    from evalapp.services.evaluations import latest_evaluation_id, list_evaluations
    from ui.context import AppContext
    from ui.dialogs.sign_in_dialog import SignInDialog
    from ui.dialogs.start_dialog import StartDialog
    sign_in = SignInDialog(db, parent)
    if sign_in.exec() != QDialog.DialogCode.Accepted or sign_in.actor is None:
        return None
    ctx = AppContext(db, sign_in.actor)
    if demo_if_empty and not list_evaluations(db):
        from evalapp.services.demo import create_demo
        create_demo(db, ctx.actor)
    if list_evaluations(db):
        ctx.evaluation_id = latest_evaluation_id(db)
        return ctx
    start = StartDialog(ctx, parent)
    if start.exec() != QDialog.DialogCode.Accepted:
        return None
    ctx.evaluation_id = start.evaluation_id
    return ctx


def check_database_file(target: str, parent=None) -> bool:
    """PRAGMA integrity_check at start; a damaged file leads to an offer to restore the latest
    good backup (issue 6). False: the program should not go on."""
    from PySide6.QtWidgets import QMessageBox

    from evalapp.services import backup
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
        aside = backup.restore(path, good)
    except backup.BackupError as exc:
        QMessageBox.critical(parent, "恢复失败", str(exc))
        return False
    QMessageBox.information(parent, "已恢复", f"已用备份 {good.name} 恢复。\n"
                                              f"损坏的文件另存为:{aside}")
    return True


def start_backup(db) -> None:
    """The automatic backup at start (rotated); a failure is reported, never fatal."""
    from evalapp.domain import DomainError
    from evalapp.services.backup import automatic_backup
    if db.file_path is None:
        return
    try:
        automatic_backup(db, "启动")
    except DomainError as exc:
        sys.stderr.write(f"启动备份失败:{exc}\n")


def offer_draft(ctx, parent=None) -> None:
    """Tell the clerk a half-typed ballot was kept; the 选票录入 page offers it back."""
    from PySide6.QtWidgets import QMessageBox

    from evalapp.services.drafts import load_draft
    if ctx.evaluation_id is None:
        return
    draft = load_draft(ctx.db, ctx.actor, ctx.evaluation_id)
    if draft is None or draft.empty or draft.already_saved:
        return
    QMessageBox.information(parent, "有未保存的选票",
                            f"上次录入到一半的选票(票号 {draft.serial or '未填'},已填 "
                            f"{len(draft.marks)} 项)已作为草稿保留。\n"
                            "打开“选票录入”页即可继续录入。")


def run(argv: list[str]) -> int:
    args = _arguments(argv)
    if args.selftest:
        return selftest()
    from PySide6.QtWidgets import QApplication, QMessageBox

    from evalapp.db.engine import open_database
    from evalapp.domain import DomainError
    from ui.exception_hook import install
    from ui.fonts import apply_ui_font
    from ui.main_window import MainWindow
    from ui.pages.registry import page_classes
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("集中考评计分系统")
    install()
    apply_ui_font(app)
    if not check_database_file(args.db):
        return 1
    try:
        db = open_database(args.db)
    except Exception as exc:  # noqa: BLE001 - never a traceback at start
        QMessageBox.critical(None, "无法打开数据库", str(exc) if isinstance(exc, DomainError)
                             else f"数据库无法打开:{exc.__class__.__name__}: {exc}")
        return 1
    start_backup(db)
    ctx = start_session(db, demo_if_empty=args.demo_if_empty)
    if ctx is None:
        return 0
    offer_draft(ctx)
    window = MainWindow(ctx, page_classes())
    window.resize(1366, 768)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(run(sys.argv))
