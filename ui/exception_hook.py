"""Friendly failure: an unexpected exception shows a Chinese message and offers to save a
diagnostic report, instead of a traceback in a console nobody can see."""

from __future__ import annotations

import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from evalapp import __name__ as package
from evalapp.db.urls import scrub
from evalapp.domain import DomainError
from evalapp.paths import user_data_dir

MESSAGE = ("程序遇到了一个意外错误,刚才的操作没有完成。\n\n"
           "已经保存的选票和设置不受影响:每次保存都是一个完整的操作,没完成的修改已全部撤销。\n"
           "可以继续使用;如果问题反复出现,请保存诊断报告交给系统管理员。")
_busy = False


def report_text(exc_type, exc, tb) -> str:
    """A diagnostic report: when, where, versions and the traceback (no ballot data)."""
    lines = [f"集中考评计分系统 诊断报告  {datetime.now():%Y-%m-%d %H:%M:%S}",
             f"程序包:{package}  Python {sys.version.split()[0]}  {platform.platform()}",
             f"冻结(打包)运行:{getattr(sys, 'frozen', False)}", "",
             "".join(traceback.format_exception(exc_type, exc, tb))]
    return scrub("\n".join(lines))  # never a database password in a report


def default_report_path() -> Path:
    return user_data_dir() / f"诊断报告-{datetime.now():%Y%m%d-%H%M%S}.txt"


def save_report(text: str, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def show_error_dialog(text: str, parent=None) -> None:
    """The dialog: the message, the report under 详细信息, and a 保存诊断报告… button."""
    box = QMessageBox(QMessageBox.Icon.Critical, "意外错误", MESSAGE, parent=parent)
    box.setDetailedText(text)
    save = box.addButton("保存诊断报告…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is save:
        path, _ = QFileDialog.getSaveFileName(parent, "保存诊断报告", str(default_report_path()),
                                              "文本文件 (*.txt)")
        if path:
            try:
                save_report(text, path)
            except OSError as exc:
                QMessageBox.warning(parent, "未能保存", f"诊断报告未能保存:{exc}")


def handle_exception(exc_type, exc, tb) -> None:
    """The sys.excepthook: a DomainError is a plain message; anything else gets the dialog."""
    global _busy
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    text = report_text(exc_type, exc, tb)
    sys.stderr.write(text)
    if _busy:  # an error while showing the dialog: do not loop
        return
    _busy = True
    try:
        if QApplication.instance() is None:
            return
        if isinstance(exc, DomainError):
            QMessageBox.warning(QApplication.activeWindow(), "无法完成", str(exc))
        else:
            show_error_dialog(text, QApplication.activeWindow())
    except Exception:  # noqa: BLE001 - the hook itself must never raise
        traceback.print_exc()
    finally:
        _busy = False


def install() -> None:
    """Route every uncaught exception (GUI thread and Qt slots) to the friendly dialog."""
    sys.excepthook = handle_exception
