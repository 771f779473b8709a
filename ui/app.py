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


def run(argv: list[str]) -> int:
    args = _arguments(argv)
    if args.selftest:
        return selftest()
    from PySide6.QtWidgets import QApplication, QMessageBox
    from evalapp.domain import DomainError
    from ui.fonts import apply_ui_font
    from ui.main_window import MainWindow
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("集中考评计分系统")
    apply_ui_font(app)
    try:
        db = open_with_demo(args.db)
    except DomainError as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        return 1
    window = MainWindow(db)
    window.resize(1280, 760)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(run(sys.argv))
