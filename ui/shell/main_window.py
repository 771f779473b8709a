"""The main window: navigation on the left, pages in a stack, menus with every shortcut,
a title that names the evaluation, the operator and the role, and a status bar that says
what was last saved and whether the result is 初步 or 正式. Menus: 文件 (with the recently used
workbooks, 切换用户 Ctrl+L), 页面, 视图 (standard / high-contrast style), 帮助 (guide F1, rules
sheet, shortcuts, About). With ``remember`` set (the real program), geometry and the evaluation are remembered."""

from __future__ import annotations


from PySide6.QtCore import QObject, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QDialog, QFrame, QHBoxLayout, QLabel, QListWidget,
    QListWidgetItem, QMainWindow, QMessageBox, QScrollArea, QStackedWidget, QWidget,
)

from evalapp import APP_NAME
from evalapp.services.context import ENTER, MANAGE
from evalapp.services.evaluations import get_settings, is_final
from ui import preferences, wheel_guard
from ui.shell.batch_actions import export_station_batch, import_station_batches, issue_station_kit
from ui.context import AppContext, ChangeWatcher
from ui.icons import app_icon, icon
from ui.common.base import Page
from ui.entry.entry_page import EntryPage
from ui.operators.sign_in_dialog import SignInDialog
from ui.scan.scan_menu import ScanMenu
from ui.shell.window_actions import WindowActions
from ui.style import STYLES, apply_style, current_style


def _start_action(name: str):
    """A start-dialog action (新建 / 从上年复制), imported when used (keeps start-up short)."""
    def action(ctx, parent):
        from ui.shell import start_dialog
        return getattr(start_dialog, name)(ctx, parent)
    return action


def _scrolling(page: Page) -> QScrollArea:
    """A page in a frameless scroll area: a page wider or taller than a small screen
    (1024×768) scrolls instead of pushing the window past the edge of the screen."""
    area = QScrollArea()
    area.setObjectName("pageArea")
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(page)
    return area


class MainWindow(WindowActions, QMainWindow):
    def __init__(self, ctx: AppContext, page_classes: list[type[Page]], parent=None):
        super().__init__(parent)
        self.page_classes = list(page_classes)
        self.remember = False  # set by ui.app.run: geometry and evaluation persist
        self._recent_session: list[tuple[str, str]] = []  # when nothing is remembered
        self.guide = None  # the 使用说明 window, made on first use
        self.setWindowIcon(app_icon())
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget()
        self.nav.currentRowChanged.connect(self.show_page)
        self.nav.itemClicked.connect(lambda _item: self.focus_page())  # a click: into the page
        QApplication.instance().focusChanged.connect(self._keep_focus_on_shown_page)
        wheel_guard.install()  # (ui.app installs it at start; here for windows built alone)
        central = QWidget()  # not a splitter: the navigation has a fixed width, and a
        row = QHBoxLayout(central)  # splitter left ~80 px of nothing beside it
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self.pages: list[Page] = []
        self._start_session(ctx)

    # -- the signed-in operator's session ----------------------------------------------------
    def _start_session(self, ctx: AppContext) -> None:
        """Pages, menus and the change watcher for ``ctx``'s operator and role."""
        self.ctx = ctx
        self._session = QObject(self)  # owns this session's actions and watcher
        self.pages = [cls(ctx) for cls in self.page_classes
                      if cls.permission is None or ctx.may(cls.permission)]
        for page in self.pages:
            QListWidgetItem(page.title, self.nav).setSizeHint(QSize(0, 34))
            self.stack.addWidget(_scrolling(page))
        self._menus()
        ctx.saved.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.watcher = ChangeWatcher(ctx, parent=self._session)  # other stations' saves
        self.watcher.start()
        ctx.evaluation_changed.connect(lambda _id: self.refresh())
        ctx.evaluation_changed.connect(self._remember_evaluation)
        ctx.changed.connect(lambda changes: changes.data and self._data_changed())
        if self.pages:
            self.nav.setCurrentRow(0)
        self.update_title()

    def _end_session(self) -> None:
        """Take down the pages and menus of the operator signing out (the context is kept
        until the next one signs in, for the database and the open evaluation)."""
        self.watcher.timer.stop()
        self.scan_menu.close()
        self.ctx.blockSignals(True)  # nothing of the old session reaches the window again
        self.nav.blockSignals(True)
        self.nav.clear()
        self.nav.blockSignals(False)
        while self.stack.count():  # each page sits in its scroll area (_scrolling)
            area = self.stack.widget(0)
            self.stack.removeWidget(area)
            area.hide()
            area.deleteLater()
        self.pages = []
        self.menuBar().clear()
        self._session.deleteLater()
        self.status_label.setText("")
        self.setWindowTitle(f"{APP_NAME} — 未登录")

    def _keep_entry_work(self) -> bool:
        """Before signing out: the ballot being typed is kept as the operator's draft (offered
        back when the operator signs in again). A mark typed but not yet confirmed with Enter
        is not a mark: ask before dropping it. False: stay signed in."""
        for page in self.pages:
            if not isinstance(page, EntryPage):
                continue
            typing = page.model.typing_text(page.grid.row)
            if typing and QMessageBox.question(
                    self, "切换用户", f"录入页上正在输入的“{typing}”还没有按 Enter 确认,"
                    "切换后不保留(已确认的评分会作为草稿保存,下次登录时可恢复)。\n仍要切换吗?"
            ) != QMessageBox.StandardButton.Yes:
                return False
            page.drafts.save_now()
        return True

    def switch_user(self) -> None:
        """Sign out (Ctrl+L): back to the sign-in dialog, then pages for the next operator's
        role; cancelling the dialog closes the program."""
        if not self._keep_entry_work():
            return
        old = self.ctx
        self._end_session()
        dialog = SignInDialog(old.db, self, signed_out=old.actor.name)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
            self.close()
            return
        self._start_session(AppContext(old.db, dialog.actor, old.evaluation_id))
        self.ctx.saved.emit(f"已登录:{dialog.actor.name}({dialog.actor.role_label})")
        self.activateWindow()
        page = self.current_page()
        if page is not None:  # the keyboard goes on in the page, at its first field
            page.setFocus()
            page.focusNextChild()

    # -- menus ---------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut: str = "", enabled: bool = True,
                icon_name: str = ""):
        action = QAction(text, self._session)
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
        files.addSeparator()
        self.scan_menu = ScanMenu(self, self.ctx, lambda text, slot, enabled: self._action(
            files, text, slot, "", enabled, "import"))
        self.recent_menu = files.addMenu(icon("recent"), "最近的工作簿(&R)")
        self.recent_menu.setEnabled(manage)
        self.update_recent_menu()
        files.addSeparator()
        self._action(files, "切换用户(&L)……", self.switch_user, "Ctrl+L")
        self._action(files, "退出(&X)", self.close, "Ctrl+Q", icon_name="quit")
        pages = self.menuBar().addMenu("页面(&P)")
        for index, page in enumerate(self.pages):
            self._action(pages, page.title, lambda _=False, i=index: self.open_page(i),
                         page.shortcut)
        pages.addSeparator()
        self._action(pages, "在导航与页面之间切换", self.toggle_focus, "F6")
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
        self.style_actions = QActionGroup(self._session)
        active = current_style(QApplication.instance())
        for key, (label, _file) in STYLES.items():
            action = self._action(view, label, lambda _=False, k=key: self.set_style(k),
                                  icon_name="contrast" if key != "standard" else "")
            action.setCheckable(True)
            action.setChecked(key == active)
            action.setData(key)
            self.style_actions.addAction(action)

    def set_style(self, name: str) -> None:
        applied = apply_style(QApplication.instance(), name)
        if self.remember:
            preferences.set_style_name(applied)
        for action in self.style_actions.actions():
            action.setChecked(action.data() == applied)

    # -- pages and title -------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        if 0 <= index < len(self.pages):
            self.stack.setCurrentIndex(index)
            self.refresh()

    def current_page(self) -> Page | None:
        index = self.stack.currentIndex()
        return self.pages[index] if 0 <= index < len(self.pages) else None

    def open_page(self, index: int) -> None:
        """A page chosen by its shortcut: shown, and the keyboard goes into it."""
        self.nav.setCurrentRow(index)
        self.focus_page()

    def focus_page(self) -> None:
        page = self.current_page()
        if page is not None:
            page.take_focus()

    def _keep_focus_on_shown_page(self, old, new) -> None:
        """A page that is not shown never holds the keyboard: a hidden page refreshing itself
        (e.g. after 部门 saved a change) must not pull the focus away from the shown one."""
        if new is None or not self.isAncestorOf(new):
            return
        hidden = next((p for p in self.pages if p is not self.current_page()
                       and p.isAncestorOf(new)), None)
        if hidden is None:
            return
        if old is not None and old.isVisible() and self.isAncestorOf(old):
            old.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.focus_page()

    def toggle_focus(self) -> None:
        """F6: from the navigation into the page, from anywhere in the page to the navigation."""
        if self.nav.hasFocus():
            self.focus_page()
        else:
            self.nav.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh(self) -> None:
        final = self.update_title()
        page = self.current_page()
        if page is not None:
            page.refresh()
            page.apply_final(final)

    def _data_changed(self) -> None:
        """Settings or state changed (here or on another station: 定稿, 解锁): the title, and
        whether the page on screen is read-only."""
        final = self.update_title()
        page = self.current_page()
        if page is not None:
            page.apply_final(final)

    def update_title(self) -> bool:
        """The title and status bar; returns whether the evaluation is finalised."""
        actor = f"{self.ctx.actor.name}({self.ctx.actor.role_label})"
        if self.ctx.evaluation_id is None:
            self.setWindowTitle(f"{APP_NAME} — {actor}")
            self.status_label.setText("")
            return False
        # Two one-row reads (this runs at every page switch and every change notice; the
        # evaluation list would count every ballot of every evaluation).
        final = is_final(self.ctx.db, self.ctx.evaluation_id)
        name = get_settings(self.ctx.db, self.ctx.evaluation_id).name
        self.setWindowTitle(f"{name}({'定稿' if final else '初步'}) — {APP_NAME} — {actor}")
        self.status_label.setText("正式结果" if final else "初步结果(未定稿)")
        return final

    # -- remembered state ----------------------------------------------------------------
    def restore_state(self) -> None:
        """Geometry from the last run (the default size when there is none)."""
        geometry = preferences.window_geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1366, 768)
            screen = self.screen() or QApplication.primaryScreen()
            if screen is not None and (screen.availableGeometry().width() <= 1366
                                       or screen.availableGeometry().height() <= 800):
                # 1366×768 plus the title bar would not fit: use the whole screen
                self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        if not self.windowState() & Qt.WindowState.WindowMaximized:
            self.fit_to_screen()  # (a resize would undo the maximized state)
        self._fit_after_show = True  # the window manager's frame is known only once shown

    def fit_to_screen(self) -> None:
        """Never larger than the screen the window is on, never partly off it (a geometry
        remembered on a 1366-wide screen, shown on a 1024×768 one)."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar, borders
        width = min(self.width(), area.width() - frame.width())
        height = min(self.height(), area.height() - frame.height())
        self.resize(width, height)
        x = min(max(self.x(), area.left()), area.right() + 1 - width - frame.width())
        y = min(max(self.y(), area.top()), area.bottom() + 1 - height - frame.height())
        self.move(x, y)

    def _remember_evaluation(self, evaluation_id) -> None:
        if self.remember:
            preferences.set_last_evaluation(self.ctx.db.url, evaluation_id)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if getattr(self, "_fit_after_show", False):
            self._fit_after_show = False
            QTimer.singleShot(300, self._refit)

    def _refit(self) -> None:
        if not self.isMaximized() and not self.isFullScreen():
            self.fit_to_screen()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.remember:
            preferences.set_window_geometry(self.saveGeometry())
            preferences.set_last_evaluation(self.ctx.db.url, self.ctx.evaluation_id)
        super().closeEvent(event)

