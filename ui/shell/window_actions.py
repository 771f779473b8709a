"""The main window's menu actions that open, import and export evaluations, the recent
workbooks and the help windows (mixed into MainWindow, which owns ``ctx``, ``remember``,
``recent_menu``, ``guide`` and ``_recent_session``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from evalapp.domain import DomainError
from evalapp.services.evaluations import get_data, list_evaluations
from ui import preferences
from ui.help.about import show_about
from ui.help.guide import GuideWindow
from ui.help.rules_sheet import RulesSheetDialog
from ui.help.shortcuts import ShortcutsDialog
from ui.shell.workbook_import import import_workbook_file
from ui.tasks import run_in_background


class WindowActions:
    # -- recent workbooks ---------------------------------------------------------------
    def update_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        recent = preferences.recent_files() if self.remember else self._recent_session
        for number, (kind, path) in enumerate(recent, start=1):
            label = f"&{number} {kind}:{path}" if number < 10 else f"{kind}:{path}"
            action = menu.addAction(label)
            action.setToolTip(f"从该工作簿导入为新的考评:{path}")
            action.triggered.connect(lambda _=False, p=path: self.import_recent(p))
        if not recent:
            menu.addAction("(还没有导入或导出过工作簿)").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("清除列表", self.clear_recent)

    def add_recent(self, kind: str, path: str) -> None:
        if self.remember:
            preferences.add_recent_file(kind, path)
        else:
            self._recent_session = [(kind, path)] + [r for r in self._recent_session
                                                     if r[1] != path][:7]
        self.update_recent_menu()

    def clear_recent(self) -> None:
        if self.remember:
            preferences.clear_recent_files()
        self._recent_session = []
        self.update_recent_menu()

    # -- actions -------------------------------------------------------------------------
    def choose_evaluation(self) -> None:
        evaluations = list(reversed(list_evaluations(self.ctx.db)))
        if not evaluations:
            return
        labels = [f"{e.name}({e.status_label},编号 {e.id})" for e in evaluations]
        current = next((i for i, e in enumerate(evaluations)
                        if e.id == self.ctx.evaluation_id), 0)
        label, ok = QInputDialog.getItem(self, "切换考评", "考评活动:", labels, current, False)
        if ok:
            self.ctx.set_evaluation(evaluations[labels.index(label)].id)

    def begin(self, action) -> int | None:
        try:
            evaluation_id = action(self.ctx, self)
        except DomainError as exc:
            QMessageBox.warning(self, "无法完成", str(exc))
            return None
        if evaluation_id is not None:
            self.ctx.set_evaluation(evaluation_id)
            self.ctx.saved.emit("已打开新的考评活动")
        return evaluation_id

    def import_workbook(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "导入考评工作簿", "", "Excel 工作簿 (*.xlsx)")
        if path:
            self.import_path(path)

    def import_recent(self, path: str) -> None:
        if not Path(path).exists():
            QMessageBox.warning(self, "找不到文件", f"文件已不存在:{path}")
            return
        answer = QMessageBox.question(self, "导入工作簿",
                                      f"从下面的工作簿导入,建立一个新的考评活动吗?\n{path}\n"
                                      "(现有的考评活动不受影响)")
        if answer == QMessageBox.StandardButton.Yes:
            self.import_path(path)

    def import_path(self, path: str) -> None:
        imported = self.begin(lambda ctx, parent: import_workbook_file(ctx, parent, path))
        if imported is not None:
            self.add_recent("导入", path)

    def export_workbook(self) -> None:
        if self.ctx.evaluation_id is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "导出考评工作簿", "考评数据.xlsx",
                                              "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        from evalapp.workbook.exporter import write_workbook  # openpyxl: not at start
        db, evaluation_id = self.ctx.db, self.ctx.evaluation_id
        run_in_background(lambda: write_workbook(get_data(db, evaluation_id), path),
                          lambda _: self._exported(path),
                          lambda exc: QMessageBox.warning(self, "导出失败", str(exc)), self,
                          "正在导出工作簿……")

    def _exported(self, path: str) -> None:
        self.add_recent("导出", path)
        self.ctx.saved.emit(f"已导出 {path}")

    # -- help ----------------------------------------------------------------------------
    def show_guide(self, chapter: int = 0) -> None:
        if self.guide is None:
            self.guide = GuideWindow(self, chapter)
        self.guide.show()
        self.guide.raise_()
        self.guide.activateWindow()

    def show_rules(self) -> None:
        if self.ctx.evaluation_id is None:
            QMessageBox.information(self, "监票人规则说明", "请先打开一个考评活动。")
            return
        RulesSheetDialog(get_data(self.ctx.db, self.ctx.evaluation_id), self).exec()

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.menuBar(), self).exec()

    def about(self) -> None:
        show_about(self)
