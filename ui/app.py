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


def run(argv: list[str]) -> int:
    args = _arguments(argv)
    if args.selftest:
        return selftest()
    from PySide6.QtWidgets import QApplication, QMessageBox
    from evalapp.db.engine import open_database
    from evalapp.domain import DomainError
    from ui.fonts import apply_ui_font
    from ui.main_window import MainWindow
    from ui.pages.registry import page_classes
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("集中考评计分系统")
    apply_ui_font(app)
    try:
        db = open_database(args.db)
    except DomainError as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        return 1
    ctx = start_session(db, demo_if_empty=args.demo_if_empty)
    if ctx is None:
        return 0
    window = MainWindow(ctx, page_classes())
    window.resize(1366, 768)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(run(sys.argv))
