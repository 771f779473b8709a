"""The operators page, the sign-in wait and 切换用户 (Ctrl+L) in the real main window: on a
fresh database, only through the GUI, the 管理员 adds a 录入员 and hands the station over."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import ime, show_page

from evalapp.services.audit_log import list_audit
from evalapp.services.context import ADMIN, CHAIR, CLERK, Actor
from evalapp.services.drafts import load_draft
from evalapp.services.evaluations import get_data
from evalapp.services.operators import create_first_admin, create_operator, list_operators
from ui import app as ui_app
from ui.context import AppContext
from ui.operators import sign_in_dialog
from ui.operators.operator_dialog import NewOperatorDialog, ResetPasswordDialog
from ui.operators.sign_in_dialog import SignInDialog
from ui.shell.main_window import MainWindow
from ui.entry.entry_page import EntryPage
from ui.operators.operators_page import OperatorsPage
from ui.shell.registry import page_classes

ADMIN_ACTOR = Actor("张主任", ADMIN)
CTRL = Qt.KeyboardModifier.ControlModifier


def on_modal(kind, act, seen: list | None = None):
    """Run ``act(dialog)`` on the next modal dialog of class ``kind`` once it is shown (as a
    person would fill it in), remembering the dialog in ``seen``."""
    tries = iter(range(250))  # five seconds, then the test's own assertion fails

    def look():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not dialog.isVisible():
            if next(tries, None) is not None:
                QTimer.singleShot(20, look)
            return
        if seen is not None:
            seen.append(dialog)
        act(dialog)
    QTimer.singleShot(0, look)


def type_keys(qtbot, widget, text):
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        ime(widget, text)


def fill_sign_in(qtbot, name, password, confirm=None):
    def act(dialog: SignInDialog):
        if confirm is None:
            dialog.name.setCurrentIndex(dialog.name.findText(name))
        else:
            type_keys(qtbot, dialog.name, name)
        type_keys(qtbot, dialog.password, password)
        if confirm is not None:
            type_keys(qtbot, dialog.confirm, confirm)
        qtbot.keyClick(dialog.password if confirm is None else dialog.confirm, Qt.Key.Key_Return)
    return act


def fill_new_operator(qtbot, name, role, password, confirm=None):
    def act(dialog: NewOperatorDialog):
        type_keys(qtbot, dialog.name, name)
        dialog.role.setCurrentIndex(dialog.role.findData(role))
        type_keys(qtbot, dialog.password, password)
        type_keys(qtbot, dialog.confirm, password if confirm is None else confirm)
        qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    return act


def _window(qtbot, ctx):
    window = MainWindow(ctx, page_classes())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_a_second_clerk_from_a_fresh_database_through_the_gui_only(qtbot, db):
    # First run: the sign-in dialog creates the 管理员; the empty database gets the demo.
    on_modal(SignInDialog, fill_sign_in(qtbot, "张主任", "secret1", confirm="secret1"))
    ctx = ui_app.start_session(db, demo_if_empty=True)
    assert ctx is not None and ctx.actor == ADMIN_ACTOR
    window = _window(qtbot, ctx)
    assert "张主任(管理员)" in window.windowTitle()
    # The 操作员 page, by its shortcut; 新增操作员 with Insert.
    qtbot.keyClick(window.nav, Qt.Key.Key_U, CTRL | Qt.KeyboardModifier.ShiftModifier)
    page = window.current_page()
    assert isinstance(page, OperatorsPage)
    on_modal(NewOperatorDialog, fill_new_operator(qtbot, "李录入", "录入员", "clerk12"))
    qtbot.keyClick(page.table, Qt.Key.Key_Insert)
    assert [(o.name, o.role, o.active) for o in list_operators(db)] == [
        ("张主任", ADMIN, True), ("李录入", CLERK, True)]
    assert page.model.rowCount() == 2 and page.selected().name == "李录入"
    # 切换用户 with Ctrl+L: the sign-in dialog lists the new clerk, who signs in.
    seen = []
    on_modal(SignInDialog, fill_sign_in(qtbot, "李录入", "clerk12"), seen)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(page.table, Qt.Key.Key_L, CTRL)
    qtbot.waitUntil(lambda: window.ctx.actor.name == "李录入", timeout=5000)
    assert seen[0].windowTitle() == "切换用户" and "“张主任”已退出登录" in seen[0].intro.text()
    assert window.ctx.actor == Actor("李录入", CLERK)
    assert [p.title for p in window.pages] == ["选票录入", "扫描核对"]
    assert "李录入(录入员)" in window.windowTitle() and "张主任" not in window.windowTitle()
    assert window.ctx.evaluation_id == ctx.evaluation_id  # the same evaluation stays open
    files = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "切换用户(&L)……" in files
    signed = [(a.operator, a.action) for a in list_audit(db, ADMIN_ACTOR, None)
              if a.action in ("登录", "新增操作员")]
    assert signed == [("李录入", "登录"), ("张主任", "新增操作员"), ("张主任", "登录"),
                      ("张主任", "新增操作员")]


def test_switching_keeps_the_ballot_on_screen_as_a_draft(qtbot, demo, monkeypatch):
    db, evaluation_id = demo
    create_first_admin(db, "张主任", "secret1")
    create_operator(db, ADMIN_ACTOR, "李录入", CLERK, "clerk12")
    window = _window(qtbot, AppContext(db, ADMIN_ACTOR, evaluation_id))
    entry = next(p for p in window.pages if isinstance(p, EntryPage))
    window.nav.setCurrentRow(window.pages.index(entry))
    entry.header.set_serial("A901")
    name = get_data(db, evaluation_id).departments[0].name
    entry.model.load_marks({name: "95"})
    entry.model.set_typing(entry.grid.row, "8")  # typed, not yet confirmed with Enter
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a: asked.append(text)
                        or QMessageBox.StandardButton.No)
    window.switch_user()  # the clerk stays signed in: nothing changes
    assert "“8”还没有按 Enter 确认" in asked[0] and window.ctx.actor == ADMIN_ACTOR
    assert entry in window.pages and load_draft(db, ADMIN_ACTOR, evaluation_id) is None
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a: QMessageBox.StandardButton.Yes)
    on_modal(SignInDialog, fill_sign_in(qtbot, "李录入", "clerk12"))
    window.switch_user()
    assert window.ctx.actor.name == "李录入"
    draft = load_draft(db, ADMIN_ACTOR, evaluation_id)
    assert draft is not None and draft.serial == "A901" and draft.marks == {name: "95"}
    assert load_draft(db, Actor("李录入", CLERK), evaluation_id) is None
    # Back to the 管理员: the entry page offers the kept ballot again.
    on_modal(SignInDialog, fill_sign_in(qtbot, "张主任", "secret1"))
    window.switch_user()
    entry = next(p for p in window.pages if isinstance(p, EntryPage))
    assert entry.model.marks_by_name() == {name: "95"}
    assert entry.header.serial_text() == "A901"


def test_cancelling_the_switch_closes_the_program(qtbot, db):
    create_first_admin(db, "张主任", "secret1")
    window = _window(qtbot, AppContext(db, ADMIN_ACTOR))
    on_modal(SignInDialog, lambda dialog: dialog.reject())
    window.switch_user()
    assert not window.isVisible() and window.pages == []


def test_sign_in_dialog_counts_down_the_wait(qtbot, db, monkeypatch):
    create_first_admin(db, "张主任", "secret1")
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.name.currentText() == "张主任"
    for _ in range(3):
        dialog.password.setText("wrong99")
        dialog.try_accept()
    assert dialog.message.text() == "姓名或密码不正确;请等待 5 秒后再试"
    assert not dialog.ok_button.isEnabled() and dialog.seconds_left() in (4, 5)
    start = sign_in_dialog.time.monotonic()
    monkeypatch.setattr(sign_in_dialog.time, "monotonic", lambda: start + 3)
    dialog._tick()
    assert dialog.message.text() == "姓名或密码不正确;请等待 2 秒后再试"
    dialog.password.setText("secret1")
    dialog.try_accept()  # Enter while waiting: nothing happens
    assert dialog.actor is None
    monkeypatch.setattr(sign_in_dialog.time, "monotonic", lambda: start + 6)
    dialog._tick()
    assert dialog.ok_button.isEnabled() and "现在可以再试" in dialog.message.text()


def test_another_name_need_not_wait_for_the_one_that_failed(qtbot, db):
    create_first_admin(db, "张主任", "secret1")
    create_operator(db, ADMIN_ACTOR, "李录入", CLERK, "clerk12")
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    for _ in range(3):
        dialog.password.setText("wrong99")
        dialog.try_accept()
    assert not dialog.ok_button.isEnabled()
    dialog.name.setCurrentIndex(dialog.name.findText("李录入"))
    assert dialog.ok_button.isEnabled() and dialog.message.text() == ""
    dialog.password.setText("clerk12")
    dialog.try_accept()
    assert dialog.actor == Actor("李录入", CLERK)


def test_sign_in_dialog_refuses_a_disabled_operator(qtbot, db):
    from evalapp.services.operators import set_active
    create_first_admin(db, "张主任", "secret1")
    create_operator(db, ADMIN_ACTOR, "李录入", CLERK, "clerk12")
    set_active(db, ADMIN_ACTOR, "李录入", False)
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.name.findText("李录入") == -1  # not offered
    dialog.name.setEditText("李录入")
    dialog.password.setText("clerk12")
    dialog.try_accept()
    assert "已停用" in dialog.message.text() and dialog.actor is None


@pytest.fixture
def page(qtbot, db):
    create_first_admin(db, "张主任", "secret1")
    create_operator(db, ADMIN_ACTOR, "李录入", CLERK, "clerk12")
    return show_page(qtbot, OperatorsPage, AppContext(db, ADMIN_ACTOR))


def test_page_lists_and_refuses_short_passwords_in_the_dialog(qtbot, page, db):
    assert page.model.index(0, 0).data() == "张主任(当前登录)"
    assert [page.model.index(1, c).data() for c in range(3)] == ["李录入", "录入员", "在用"]
    seen = []

    def short_then_good(dialog):
        fill_new_operator(qtbot, "王书记", "主持人", "12345")(dialog)
        assert dialog.isVisible() and "至少 6 位" in dialog.error.text()
        dialog.password.setText("chair12")
        dialog.confirm.setText("chair99")
        dialog.accept()
        assert "不一致" in dialog.error.text()
        dialog.confirm.setText("chair12")
        dialog.accept()
    on_modal(NewOperatorDialog, short_then_good, seen)
    page.add()
    assert seen and [(o.name, o.role) for o in list_operators(db)][-1] == ("王书记", CHAIR)
    assert "在用:管理员 1 人、录入员 1 人、主持人 1 人" == page.status.text()


def test_page_keeps_the_last_admin_and_disables_a_clerk(qtbot, page, db, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.table.selectRow(0)
    page.disable()
    assert "最后一位在用的管理员,不能停用" in warnings[0]
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getItem",
                        lambda *a, **k: ("录入员", True))
    page.change_role()
    assert "不能把角色改为录入员" in warnings[1]
    assert list_operators(db)[0].role == ADMIN
    page.table.selectRow(1)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert not list_operators(db)[1].active and page.model.index(1, 2).data() == "已停用"
    assert page.enable_button.isEnabled() and not page.disable_button.isEnabled()
    page.enable()
    assert list_operators(db)[1].active
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getItem",
                        lambda *a, **k: ("主持人", True))
    page.change_role()
    assert list_operators(db)[1].role == CHAIR and page.model.index(1, 1).data() == "主持人"


def test_page_resets_a_password(qtbot, page, db):
    from evalapp.services.operators import sign_in
    page.table.selectRow(1)

    def act(dialog: ResetPasswordDialog):
        type_keys(qtbot, dialog.password, "newpass1")
        type_keys(qtbot, dialog.confirm, "newpass1")
        qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    on_modal(ResetPasswordDialog, act)
    page.reset_password()
    assert sign_in(db, "李录入", "newpass1") == Actor("李录入", CLERK)
    assert any(a.action == "重设密码" and a.target == "李录入"
               for a in list_audit(db, ADMIN_ACTOR, None))


def test_the_page_is_for_administrators_only(qtbot, demo):
    db, evaluation_id = demo
    for role, shown in ((ADMIN, True), (CLERK, False), (CHAIR, False)):
        window = MainWindow(AppContext(db, Actor("某人", role), evaluation_id), page_classes())
        qtbot.addWidget(window)
        assert any(isinstance(p, OperatorsPage) for p in window.pages) == shown
        window.close()
