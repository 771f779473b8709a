"""The main window: navigation on the left, pages in a stack, menus with every shortcut,
a title that names the evaluation, the operator and the role, and a status bar that says
what was last saved and whether the result is 初步 or 正式."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog, QInputDialog, QLabel, QListWidget, QListWidgetItem, QMainWindow, QMessageBox,
    QSplitter, QStackedWidget,
)

from evalapp import APP_NAME
from evalapp.domain import STATUS_FINAL, DomainError
from evalapp.services.context import MANAGE
from evalapp.services.evaluations import get_data, get_settings, list_evaluations
from evalapp.workbook.exporter import write_workbook
from ui.context import AppContext
from ui.dialogs.start_dialog import copy_last_year, import_workbook, new_evaluation
from ui.pages.base import Page
from ui.tasks import run_in_background


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, page_classes: list[type[Page]], parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.pages: list[Page] = [cls(ctx) for cls in page_classes
                                  if cls.permission is None or ctx.may(cls.permission)]
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget()
        for page in self.pages:
            QListWidgetItem(page.title, self.nav)
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.show_page)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self._menus()
        ctx.saved.connect(lambda text: self.statusBar().showMessage(text, 15000))
        ctx.evaluation_changed.connect(lambda _id: self.refresh())
        ctx.data_changed.connect(self.update_title)
        if self.pages:
            self.nav.setCurrentRow(0)
        self.update_title()

    # -- menus ---------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut: str = "", enabled: bool = True):
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        action.setEnabled(enabled)
        menu.addAction(action)
        return action

    def _menus(self) -> None:
        manage = self.ctx.may(MANAGE)
        files = self.menuBar().addMenu("文件(&F)")
        self._action(files, "切换考评(&O)……", self.choose_evaluation, "Ctrl+Shift+O")
        files.addSeparator()
        self._action(files, "新建考评(&N)……", lambda: self.begin(new_evaluation), "Ctrl+Shift+N",
                     manage)
        self._action(files, "从上年复制(&C)……", lambda: self.begin(copy_last_year), "",
                     manage)
        self._action(files, "导入工作簿(&I)……", lambda: self.begin(import_workbook),
                     "Ctrl+Shift+I", manage)
        self._action(files, "导出工作簿(&E)……", self.export_workbook, "Ctrl+Shift+E", manage)
        files.addSeparator()
        self._action(files, "退出(&X)", self.close, "Ctrl+Q")
        pages = self.menuBar().addMenu("页面(&P)")
        for index, page in enumerate(self.pages):
            self._action(pages, page.title, lambda _=False, i=index: self.nav.setCurrentRow(i),
                         page.shortcut)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        self._action(help_menu, "关于(&A)", self.about)

    # -- pages and title -------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        if 0 <= index < len(self.pages):
            self.stack.setCurrentIndex(index)
            self.pages[index].refresh()

    def current_page(self) -> Page | None:
        return self.stack.currentWidget()

    def refresh(self) -> None:
        self.update_title()
        page = self.current_page()
        if page is not None:
            page.refresh()

    def update_title(self) -> None:
        actor = f"{self.ctx.actor.name}({self.ctx.actor.role_label})"
        if self.ctx.evaluation_id is None:
            self.setWindowTitle(f"{APP_NAME} — {actor}")
            self.status_label.setText("")
            return
        info = next((e for e in list_evaluations(self.ctx.db)
                     if e.id == self.ctx.evaluation_id), None)
        final = info is not None and info.status == STATUS_FINAL
        name = info.name if info else get_settings(self.ctx.db, self.ctx.evaluation_id).name
        self.setWindowTitle(f"{name}({'定稿' if final else '初步'}) — {APP_NAME} — {actor}")
        self.status_label.setText("正式结果" if final else "初步结果(未定稿)")

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

    def begin(self, action) -> None:
        try:
            evaluation_id = action(self.ctx, self)
        except DomainError as exc:
            QMessageBox.warning(self, "无法完成", str(exc))
            return
        if evaluation_id is not None:
            self.ctx.set_evaluation(evaluation_id)
            self.ctx.saved.emit("已打开新的考评活动")

    def export_workbook(self) -> None:
        if self.ctx.evaluation_id is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "导出考评工作簿", "考评数据.xlsx",
                                              "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        db, evaluation_id = self.ctx.db, self.ctx.evaluation_id
        run_in_background(lambda: write_workbook(get_data(db, evaluation_id), path),
                          lambda _: self.ctx.saved.emit(f"已导出 {path}"),
                          lambda exc: QMessageBox.warning(self, "导出失败", str(exc)), self,
                          "正在导出工作簿……")

    def about(self) -> None:
        from evalapp import __version__
        QMessageBox.about(self, "关于", f"{APP_NAME}\n版本 {__version__}\n"
                          "界面字体:文泉驿微米黑(Apache-2.0 / GPLv3 字体例外)")

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_F6:  # jump between navigation and page
            (self.stack if self.nav.hasFocus() else self.nav).setFocus()
            return
        super().keyPressEvent(event)
