"""Importing an evaluation workbook from the GUI, and showing what was accepted but is worth
a look (formulas read by their saved result, names read in another spelling, ...)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from evalapp.services.evaluations import import_evaluation
from ui.tasks import run_with_progress

SHOWN_WARNINGS = 15  # lines in the message itself; all of them under 显示详细信息


def import_workbook_file(ctx, parent: QWidget | None, path: str) -> int | None:
    """Import the workbook at ``path`` as a new evaluation (in the background); returns its
    id. Raises DomainError (a WorkbookError lists every problem) and then writes nothing."""
    from evalapp.workbook.importer import read_workbook_report  # openpyxl: not at start
    db, actor = ctx.db, ctx.actor
    found: list[str] = []

    def work() -> int:
        report = read_workbook_report(path)
        found.extend(str(w) for w in report.warnings)
        return import_evaluation(db, actor, report.data)

    evaluation_id = run_with_progress(work, parent, "正在导入工作簿……")
    show_import_warnings(parent, found)
    return evaluation_id


def import_warning_text(lines) -> str:
    """The warnings as a paragraph to append to a completion message ("" when none)."""
    lines = list(lines)
    if not lines:
        return ""
    text = (f"\n\n⚠ 有 {len(lines)} 处已按下列方式读取,请与纸质材料核对:\n"
            + "\n".join(lines[:SHOWN_WARNINGS]))
    if len(lines) > SHOWN_WARNINGS:
        text += f"\n……另有 {len(lines) - SHOWN_WARNINGS} 处(见“显示详细信息”)"
    return text


def show_import_warnings(parent: QWidget | None, lines: list[str]) -> None:
    """After a successful import: one line per warning, with sheet, row and column."""
    if not lines:
        return
    box = QMessageBox(QMessageBox.Icon.Warning, "导入完成,请核对",
                      "工作簿已导入。" + import_warning_text(lines), parent=parent)
    box.setDetailedText("\n".join(lines))
    box.exec()
