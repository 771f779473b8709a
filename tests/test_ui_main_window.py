"""Start, sign-in and the main window's frame: title, role-based pages, menus."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton, QVBoxLayout

from evalapp.services.context import ADMIN, CHAIR, CLERK, ENTER, MANAGE, Actor
from evalapp.services.demo import create_demo
from evalapp.services.evaluations import list_evaluations
from evalapp.services.operators import create_operator, list_operators
from ui.context import AppContext
from ui.operators.sign_in_dialog import SignInDialog
from ui.shell.start_dialog import StartDialog
from ui.shell.main_window import MainWindow
from ui.common.base import Page


def _page(title, permission, shortcut):
    class _P(Page):
        def __init__(self, ctx, parent=None):
            super().__init__(ctx, parent)
            self.refreshed = 0
            QVBoxLayout(self).addWidget(QLabel(title))

        def refresh(self):
            self.refreshed += 1
    _P.title, _P.permission, _P.shortcut = title, permission, shortcut
    return _P


PAGES = [_page("考评设置", MANAGE, "Ctrl+1"), _page("选票录入", ENTER, "Ctrl+5"),
         _page("结果", "view_results", "Ctrl+7")]


def _type(widget, text):
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def test_first_run_creates_admin_and_signs_in(qtbot, db):
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.first_run
    _type(dialog.name, "张主任")
    qtbot.keyClicks(dialog.password, "123456")
    qtbot.keyClicks(dialog.confirm, "123457")
    dialog.try_accept()
    assert "不一致" in dialog.message.text() and dialog.actor is None
    dialog.confirm.clear()
    qtbot.keyClicks(dialog.confirm, "123456")
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor == Actor("张主任", ADMIN)
    assert [o.name for o in list_operators(db)] == ["张主任"]


def test_sign_in_refuses_wrong_password(qtbot, db):
    from evalapp.services.operators import create_first_admin
    create_first_admin(db, "张主任", "123456")
    create_operator(db, Actor("张主任", ADMIN), "李录入", CLERK, "567890")
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    dialog.name.setCurrentText("李录入")
    qtbot.keyClicks(dialog.password, "000000")
    dialog.try_accept()
    assert "密码不正确" in dialog.message.text()
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "567890")
    dialog.try_accept()
    assert dialog.actor == Actor("李录入", CLERK)


def test_start_dialog_opens_demo(qtbot, db):
    ctx = AppContext(db, Actor("张主任", ADMIN))
    dialog = StartDialog(ctx)
    qtbot.addWidget(dialog)
    buttons = {b.text(): b for b in dialog.findChildren(QPushButton)}
    assert not buttons["从上年复制(&C)……"].isEnabled()
    qtbot.mouseClick(buttons["打开演示考评(&D)"], Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.evaluation_id == max(e.id for e in list_evaluations(db))


@pytest.mark.parametrize("role, titles", [
    (ADMIN, ["考评设置", "选票录入", "结果"]),
    (CLERK, ["选票录入"]),
    (CHAIR, ["结果"]),
])
def test_pages_follow_the_role(qtbot, db, role, titles):
    evaluation_id = create_demo(db)[-1]
    ctx = AppContext(db, Actor("某人", role), evaluation_id)
    window = MainWindow(ctx, PAGES)
    qtbot.addWidget(window)
    assert [p.title for p in window.pages] == titles
    assert "2021年度区级部门工作业绩集中考评(初步)" in window.windowTitle()
    assert "某人" in window.windowTitle()
    actions = [a.text() for a in window.menuBar().actions()[1].menu().actions()]
    assert actions[:len(titles)] == titles  # the pages, then 在导航与页面之间切换 (F6)
    assert actions[len(titles) + 1:] == ["在导航与页面之间切换"]
    import_action = next(a for a in window.menuBar().actions()[0].menu().actions()
                         if a.text().startswith("导入工作簿"))
    assert import_action.isEnabled() == (role == ADMIN)


def test_shortcut_switches_page_and_refreshes(qtbot, db):
    evaluation_id = create_demo(db)[-1]
    ctx = AppContext(db, Actor("张主任", ADMIN), evaluation_id)
    window = MainWindow(ctx, PAGES)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    QApplication.processEvents()
    qtbot.keyClick(window.nav, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_page().title == "结果", timeout=2000)
    assert window.current_page().refreshed >= 1
    ctx.saved.emit("已保存 选票 A001")
    assert window.statusBar().currentMessage() == "已保存 选票 A001"
    assert window.status_label.text().startswith("初步结果")


def test_import_from_the_file_menu_reports_every_error(qtbot, db, tmp_path, monkeypatch):
    import openpyxl
    from PySide6.QtWidgets import QFileDialog, QMessageBox
    from test_workbook_percent import EXAMPLE
    book = openpyxl.load_workbook(EXAMPLE)
    book["选票"]["E2"] = 101
    book["评委类别"]["B2"] = "六十"
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    ctx = AppContext(db, Actor("张主任", ADMIN), None)
    window = MainWindow(ctx, PAGES)
    qtbot.addWidget(window)
    shown = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    import_action = next(a for a in window.menuBar().actions()[0].menu().actions()
                         if a.text().startswith("导入工作簿"))
    import_action.trigger()
    assert "101 超出分值范围" in shown[0] and "权重" in shown[0]
    assert list_evaluations(db) == []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(EXAMPLE), ""))
    import_action.trigger()
    assert ctx.evaluation_id == list_evaluations(db)[0].id
    assert "示例" in window.windowTitle()


def test_create_an_evaluation_from_the_start_dialog(qtbot, db, monkeypatch):
    from ui.shell import start_dialog

    def fill_and_accept(dialog):
        dialog.year.setValue(2022)
        assert dialog.name.text() == "2022年度区级部门工作业绩集中考评"
        dialog.mode.setCurrentIndex(1)  # 等次制
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(start_dialog.NewEvaluationDialog, "exec", fill_and_accept)
    ctx = AppContext(db, Actor("张主任", ADMIN))
    dialog = StartDialog(ctx)
    qtbot.addWidget(dialog)
    buttons = {b.text(): b for b in dialog.findChildren(QPushButton)}
    qtbot.mouseClick(buttons["新建考评(&N)……"], Qt.MouseButton.LeftButton)
    [created] = list_evaluations(db)
    assert dialog.evaluation_id == created.id
    assert (created.name, created.year) == ("2022年度区级部门工作业绩集中考评", 2022)
    from evalapp.services.evaluations import get_settings
    assert get_settings(db, created.id).mode == "grade"


def test_changes_saved_elsewhere_reach_the_pages(qtbot, db):
    from evalapp.services.ballots import BallotInput, add_ballot
    from ui.context import ChangeWatcher
    evaluation_id = create_demo(db)[-1]
    ctx = AppContext(db, Actor("王书记", CHAIR), evaluation_id)
    watcher = ChangeWatcher(ctx)
    watcher.start()
    heard = []
    ctx.changed.connect(lambda changes: heard.append(1) if changes.data else None)
    watcher.poll()
    assert heard == []  # nothing new yet
    # Another station saves a ballot: this process's signals know nothing of it.
    add_ballot(db, Actor("李录入", CLERK), evaluation_id,
               BallotInput("Z001", "群众代表", {"区委办公室": "90"}))
    watcher.poll()
    assert heard == [1]
    watcher.poll()
    assert heard == [1]


def test_remembered_geometry_fits_a_smaller_screen(qtbot, db, monkeypatch):
    """A window remembered at 1366×768 (or placed off to the right) reopens inside the screen."""
    from ui import preferences
    big = MainWindow(AppContext(db, Actor("张主任", ADMIN)), PAGES)
    qtbot.addWidget(big)
    big.setGeometry(600, 300, 1366, 768)
    saved = big.saveGeometry()
    monkeypatch.setattr(preferences, "window_geometry", lambda: saved)
    window = MainWindow(AppContext(db, Actor("张主任", ADMIN)), PAGES)
    qtbot.addWidget(window)
    window.restore_state()
    area = window.screen().availableGeometry()
    assert area.width() < 1366  # the test screen is smaller than the remembered window
    assert area.contains(window.frameGeometry())
    monkeypatch.setattr(preferences, "window_geometry", lambda: None)  # first run: 1366×768
    first = MainWindow(AppContext(db, Actor("张主任", ADMIN)), PAGES)
    qtbot.addWidget(first)
    first.restore_state()
    assert first.isMaximized()  # 1366×768 and a title bar do not fit this screen: all of it
    first.show()
    qtbot.waitUntil(lambda: area.contains(first.frameGeometry()))
