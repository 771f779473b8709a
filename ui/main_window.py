"""The main window: navigation on the left, pages in a stack, menus with every shortcut,
a title that names the evaluation, the operator and the role, and a status bar that says
what was last saved and whether the result is 初步 or 正式. Menus: 文件 (with the recently used
workbooks), 页面, 视图 (standard / high-contrast style), 帮助 (guide F1, rules sheet, shortcuts,
About). With ``remember`` set (the real program), geometry and the evaluation are remembered."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog, QInputDialog, QLabel, QListWidget, QListWidgetItem, QMainWindow, QMessageBox,
    QSplitter, QStackedWidget,
)

from evalapp import APP_NAME
from evalapp.domain import STATUS_FINAL, DomainError
from evalapp.services.context import ENTER, MANAGE
from evalapp.services.evaluations import get_data, get_settings, list_evaluations
from evalapp.services.evaluations import import_evaluation
from ui import preferences
from ui.batch_actions import export_station_batch, import_station_batches, issue_station_kit
from ui.context import AppContext, ChangeWatcher
from ui.icons import app_icon, icon
from ui.pages.base import Page
from ui.style import STYLES, apply_style, current_style
from ui.tasks import run_in_background, run_with_progress


def _start_action(name: str):
    """A start-dialog action (新建 / 从上年复制), imported when used (keeps start-up short)."""
    def action(ctx, parent):
        from ui.dialogs import start_dialog
        return getattr(start_dialog, name)(ctx, parent)
    return action


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, page_classes: list[type[Page]], parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.remember = False  # set by ui.app.run: geometry and evaluation persist
        self._recent_session: list[tuple[str, str]] = []  # when nothing is remembered
        self.guide = None  # the 使用说明 window, made on first use
        self.setWindowIcon(app_icon())
        self.pages: list[Page] = [cls(ctx) for cls in page_classes
                                  if cls.permission is None or ctx.may(cls.permission)]
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget()
        for page in self.pages:
            QListWidgetItem(page.title, self.nav).setSizeHint(QSize(0, 34))
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
        self.watcher = ChangeWatcher(ctx, parent=self)  # other stations' saves (server mode)
        self.watcher.start()
        ctx.evaluation_changed.connect(lambda _id: self.refresh())
        ctx.evaluation_changed.connect(self._remember_evaluation)
        ctx.data_changed.connect(self.update_title)
        if self.pages:
            self.nav.setCurrentRow(0)
        self.update_title()

    # -- menus ---------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut: str = "", enabled: bool = True,
                icon_name: str = ""):
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{text.split('(')[0]}({shortcut})")
        if icon_name:
            action.setIcon(icon(icon_name))
        action.triggered.connect(slot)
        action.setEnabled(enabled)
        menu.addAction(action)
        return action

    def _menus(self) -> None:
        manage = self.ctx.may(MANAGE)
        files = self.menuBar().addMenu("文件(&F)")
        self._action(files, "切换考评(&O)……", self.choose_evaluation, "Ctrl+Shift+O",
                     icon_name="open")
        files.addSeparator()
        self._action(files, "新建考评(&N)……", lambda: self.begin(_start_action("new_evaluation")), "Ctrl+Shift+N",
                     manage, "new")
        self._action(files, "从上年复制(&C)……", lambda: self.begin(_start_action("copy_last_year")), "",
                     manage, "copy")
        self._action(files, "导入工作簿(&I)……", self.import_workbook, "Ctrl+Shift+I", manage,
                     "import")
        self._action(files, "导出工作簿(&E)……", self.export_workbook, "Ctrl+Shift+E", manage,
                     "export")
        files.addSeparator()
        self._action(files, "发放录入包(&K)……", lambda: issue_station_kit(self, self.ctx),
                     "", manage, "export")
        self._action(files, "导出录入批次(&B)……", lambda: export_station_batch(self, self.ctx),
                     "", self.ctx.may(ENTER), "export")
        self._action(files, "合并录入批次(&M)……", lambda: import_station_batches(self, self.ctx),
                     "", manage, "import")
        self.recent_menu = files.addMenu(icon("recent"), "最近的工作簿(&R)")
        self.recent_menu.setEnabled(manage)
        self.update_recent_menu()
        files.addSeparator()
        self._action(files, "退出(&X)", self.close, "Ctrl+Q", icon_name="quit")
        pages = self.menuBar().addMenu("页面(&P)")
        for index, page in enumerate(self.pages):
            self._action(pages, page.title, lambda _=False, i=index: self.nav.setCurrentRow(i),
                         page.shortcut)
        self._view_menu()
        help_menu = self.menuBar().addMenu("帮助(&H)")
        self._action(help_menu, "使用说明(&G)", self.show_guide, "F1", icon_name="help")
        self._action(help_menu, "监票人规则说明(&R)……", self.show_rules, "Ctrl+Shift+R",
                     icon_name="rules")
        self._action(help_menu, "键盘快捷键一览(&K)", self.show_shortcuts, "Ctrl+F1",
                     icon_name="keyboard")
        help_menu.addSeparator()
        self._action(help_menu, "关于(&A)", self.about, icon_name="about")

    def _view_menu(self) -> None:
        view = self.menuBar().addMenu("视图(&V)")
        self.style_actions = QActionGroup(self)
        from PySide6.QtWidgets import QApplication
        active = current_style(QApplication.instance())
        for key, (label, _file) in STYLES.items():
            action = self._action(view, label, lambda _=False, k=key: self.set_style(k),
                                  icon_name="contrast" if key != "standard" else "")
            action.setCheckable(True)
            action.setChecked(key == active)
            action.setData(key)
            self.style_actions.addAction(action)

    def set_style(self, name: str) -> None:
        from PySide6.QtWidgets import QApplication
        applied = apply_style(QApplication.instance(), name)
        if self.remember:
            preferences.set_style_name(applied)
        for action in self.style_actions.actions():
            action.setChecked(action.data() == applied)

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
        from pathlib import Path
        if not Path(path).exists():
            QMessageBox.warning(self, "找不到文件", f"文件已不存在:{path}")
            return
        answer = QMessageBox.question(self, "导入工作簿",
                                      f"从下面的工作簿导入,建立一个新的考评活动吗?\n{path}\n"
                                      "(现有的考评活动不受影响)")
        if answer == QMessageBox.StandardButton.Yes:
            self.import_path(path)

    def import_path(self, path: str) -> None:
        from evalapp.workbook.importer import read_workbook  # openpyxl: not at start
        db, actor = self.ctx.db, self.ctx.actor
        imported = self.begin(lambda _ctx, parent: run_with_progress(
            lambda: import_evaluation(db, actor, read_workbook(path)), parent,
            "正在导入工作簿……"))
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
        from ui.help.guide import GuideWindow
        if self.guide is None:
            self.guide = GuideWindow(self, chapter)
        self.guide.show()
        self.guide.raise_()
        self.guide.activateWindow()

    def show_rules(self) -> None:
        from ui.help.rules_sheet import RulesSheetDialog
        if self.ctx.evaluation_id is None:
            QMessageBox.information(self, "监票人规则说明", "请先打开一个考评活动。")
            return
        RulesSheetDialog(get_data(self.ctx.db, self.ctx.evaluation_id), self).exec()

    def show_shortcuts(self) -> None:
        from ui.help.shortcuts import ShortcutsDialog
        ShortcutsDialog(self.menuBar(), self).exec()

    def about(self) -> None:
        from ui.help.about import show_about
        show_about(self)

    # -- remembered state ----------------------------------------------------------------
    def restore_state(self) -> None:
        """Geometry from the last run (the default size when there is none)."""
        geometry = preferences.window_geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1366, 768)

    def _remember_evaluation(self, evaluation_id) -> None:
        if self.remember:
            preferences.set_last_evaluation(self.ctx.db.url, evaluation_id)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.remember:
            preferences.set_window_geometry(self.saveGeometry())
            preferences.set_last_evaluation(self.ctx.db.url, self.ctx.evaluation_id)
        super().closeEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_F6:  # jump between navigation and page
            (self.stack if self.nav.hasFocus() else self.nav).setFocus()
            return
        super().keyPressEvent(event)
