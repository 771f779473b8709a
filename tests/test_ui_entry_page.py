"""选票录入: whole ballots typed with keys only, in both modes, checked through the services."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from evalapp.domain import Department, EvaluationData, Group, Settings
from evalapp.services import ballots
from evalapp.services.audit_log import list_audit
from evalapp.services.context import ADMIN, CLERK, SYSTEM, Actor
from evalapp.services.demo import create_demo
from evalapp.services.evaluations import import_evaluation
from evalapp.services.progress import entry_progress, recent_ballots
from ui.context import AppContext
from ui.entry.ballot_lookup_dialog import BallotLookupDialog
from ui.common.reason_dialog import ReasonDialog
from ui.fonts import apply_ui_font
from ui.entry.entry_progress_table_model import EntryProgressTableModel
from ui.entry.entry_table_model import EntryTableModel
from ui.entry.recent_ballots_table_model import RecentBallotsTableModel
from ui.entry.entry_page import EntryPage
from ui.entry.entry_header import next_serial
from ui.entry.mark_typing import COMPLETE, OPEN, PARTIAL, ScoreTyper
from ui.operations import BALLOTS

CLERK_A, CLERK_B = Actor("张三", CLERK), Actor("李四", CLERK)
KEYS = {str(d): getattr(Qt.Key, f"Key_{d}") for d in range(10)}
KEYS.update({".": Qt.Key.Key_Period, " ": Qt.Key.Key_Space, "\r": Qt.Key.Key_Return})


@pytest.fixture(autouse=True)
def _font(qapp):
    apply_ui_font(qapp)


def grade_evaluation(db, double_entry=False) -> int:
    settings = Settings(name="等次制测试", year=2021, mode="grade",
                        excellent_ratio=Decimal("0.3"), double_entry=double_entry)
    data = EvaluationData(
        settings=settings,
        groups=[Group("领导", Decimal(60), expected=5),
                Group("互评", Decimal(40), recusal=True, expected=10)],
        departments=[Department(i, f"部门{i}", f"部{i}") for i in range(1, 11)])
    return import_evaluation(db, SYSTEM, data)


def roomy_demo(db) -> int:
    """The demo evaluation with no issued counts: its groups are full (entry refuses a ballot
    beyond 发出票数), and these tests add ballots to them."""
    from dataclasses import replace

    from evalapp.services.evaluations import get_data
    from evalapp.services.roster import save_groups
    evaluation = create_demo(db)[-1]
    groups = get_data(db, evaluation).groups
    save_groups(db, SYSTEM, evaluation, [replace(g, expected=None) for g in groups])
    return evaluation


def open_page(qtbot, db, actor, evaluation_id) -> EntryPage:
    page = EntryPage(AppContext(db, actor, evaluation_id))
    qtbot.addWidget(page)
    page.resize(1166, 688)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(lambda: page.isAncestorOf(QApplication.focusWidget()))
    return page


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def type_keys(qtbot, text: str):
    """ASCII only: digits, '.', space, Enter (\\r) and letters."""
    for char in text:
        qtbot.keyClick(QApplication.focusWidget(), KEYS.get(char, char))


def save_keys(qtbot, page):
    """Ctrl+S shows the last look (the summary line); Enter there saves."""
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.summary
    press(qtbot, Qt.Key.Key_Return)


def start_ballot(qtbot, page, group_digit: str, serial: str):
    """Alt+G, a digit picks the group, then the serial and Enter."""
    press(qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is page.header.group
    type_keys(qtbot, group_digit)
    assert QApplication.focusWidget() is page.header.serial
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_keys(qtbot, serial)
    press(qtbot, Qt.Key.Key_Return)


def test_score_mode_whole_ballot(qtbot, db):
    evaluation = roomy_demo(db)
    page = open_page(qtbot, db, CLERK_A, evaluation)
    start_ballot(qtbot, page, "5", "X001")  # 5 = 群众代表
    assert QApplication.focusWidget() is page.grid and page.grid.row == 0
    values = ["95", "88.5", "100", "72", "", "90.5", "60"] * 11
    expected = {}
    sessions = []
    real_session = db.session
    db.session = lambda: sessions.append(1) or real_session()  # count database use
    for dept, value in zip(page.model.departments(), values[:73]):
        if value == "":
            type_keys(qtbot, " ")  # blank, moves on
            continue
        type_keys(qtbot, value)
        press(qtbot, Qt.Key.Key_Return)  # every typed mark is committed by Enter, "100" too
        expected[dept.name] = value
    assert page.grid.row == 72 and QApplication.focusWidget() is page.summary
    assert sessions == []  # no database work while typing marks
    db.session = real_session
    assert "已填 63/73" in page.summary.text() and "空白:序号 5、12、19" in page.summary.text()
    press(qtbot, Qt.Key.Key_Return)  # Enter on the summary line saves
    saved = ballots.get_ballot(db, evaluation, "X001")
    assert saved.group == "群众代表" and saved.marks == expected and saved.entered_by == "张三"
    assert "已保存 票号 X001 · 无效:优秀 22 个,超过上限 21 个" in page.status.text()
    assert page.header.serial_text() == "X002"
    assert QApplication.focusWidget() is page.header.serial
    assert page.model.marks_by_name() == {}
    assert page.side.recent_model.rows()[0].serial == "X001"
    shown = {p.group: p for p in page.side.progress_model.rows()}
    assert shown == {p.group: p for p in entry_progress(db, CLERK_A, evaluation)}


def test_score_mode_backspace_arrows_and_delete(qtbot, db):
    evaluation = roomy_demo(db)
    page = open_page(qtbot, db, CLERK_A, evaluation)
    start_ballot(qtbot, page, "1", "X100")
    type_keys(qtbot, "98")
    press(qtbot, Qt.Key.Key_Backspace)
    type_keys(qtbot, "7")
    press(qtbot, Qt.Key.Key_Down)  # commits "97" and moves
    assert page.model.mark(0) == "97" and page.grid.row == 1
    press(qtbot, Qt.Key.Key_Backspace)  # empty cell: back to the previous row
    assert page.grid.row == 0
    press(qtbot, Qt.Key.Key_Backspace)  # "97" → typing "9"
    assert page.model.typing_text(0) == "9"
    type_keys(qtbot, "1")
    press(qtbot, Qt.Key.Key_Return)
    assert page.model.mark(0) == "91" and page.grid.row == 1
    type_keys(qtbot, "85")
    press(qtbot, Qt.Key.Key_Up)  # refused while typing: ↑ commits nothing
    assert page.grid.row == 1 and page.model.typing_text(1) == "85" and "正在输入" in page.error.text()
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Up)
    press(qtbot, Qt.Key.Key_Up)
    press(qtbot, Qt.Key.Key_Delete)
    assert page.model.mark(0) is None and page.model.mark(1) == "85"
    save_keys(qtbot, page)
    assert ballots.get_ballot(db, evaluation, "X100").marks == {"区纪委监委": "85"}


def test_grade_mode_whole_ballot_with_own_department(qtbot, db):
    evaluation = grade_evaluation(db)
    page = open_page(qtbot, db, CLERK_A, evaluation)
    assert "1 优秀" in page.legend.text() and "空格 空白" in page.legend.text()
    start_ballot(qtbot, page, "2", "H001")  # 互评 has recusal: the own department comes next
    assert QApplication.focusWidget() is page.header.own
    type_keys(qtbot, "3")
    assert "部门3" in page.header.own_name.text()
    press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is page.grid
    type_keys(qtbot, "0")  # not a grade key: refused, nothing stored
    assert page.grid.row == 0 and page.model.mark(0) is None and "不是等次键" in page.error.text()
    type_keys(qtbot, "1234 12 21")  # one key per mark; space leaves it blank
    assert page.grid.row == 9 and QApplication.focusWidget() is page.summary
    press(qtbot, Qt.Key.Key_Return)
    saved = ballots.get_ballot(db, evaluation, "H001")
    assert saved.own_department == "部门3" and saved.group == "互评"
    assert saved.marks == {"部门1": "优秀", "部门2": "良好", "部门3": "一般", "部门4": "较差",
                           "部门6": "优秀", "部门7": "良好", "部门9": "良好", "部门10": "优秀"}
    assert page.header.serial_text() == "H002"
    assert [r.serial for r in recent_ballots(db, CLERK_A, evaluation)] == ["H001"]


def test_out_of_range_mark_refused_with_reason(qtbot, db):
    evaluation = roomy_demo(db)
    page = open_page(qtbot, db, CLERK_A, evaluation)
    start_ballot(qtbot, page, "1", "X200")
    type_keys(qtbot, "105")
    assert "105 超出分值范围 0–100" in page.error.text()
    assert page.model.typing_text(0) == "105" and page.model.typing_error(0)
    press(qtbot, Qt.Key.Key_Return)  # Enter does not leave a cell that holds no mark
    assert page.grid.row == 0 and page.model.mark(0) is None
    press(qtbot, Qt.Key.Key_Escape)
    type_keys(qtbot, "95.5")  # complete, but only Enter commits it
    assert page.grid.row == 0 and page.model.mark(0) is None
    press(qtbot, Qt.Key.Key_Return)
    assert page.model.mark(0) == "95.5" and page.grid.row == 1
    type_keys(qtbot, "9..")
    assert "“9..”不是数字" in page.error.text() and page.model.typing_text(1) == "9.."
    press(qtbot, Qt.Key.Key_Delete)
    type_keys(qtbot, "x")
    assert "“x”不是数字" in page.error.text() and page.model.typing_text(1) == "x"
    press(qtbot, Qt.Key.Key_Escape)
    save_keys(qtbot, page)
    assert ballots.get_ballot(db, evaluation, "X200").marks == {"区委办公室": "95.5"}


def test_duplicate_serial_refused(qtbot, db, monkeypatch):
    evaluation = roomy_demo(db)
    page = open_page(qtbot, db, CLERK_A, evaluation)
    start_ballot(qtbot, page, "1", "A001")  # in the demo already
    assert "“A001”已录入过" in page.error.text()
    assert QApplication.focusWidget() is page.header.serial
    # another station saves X300 after this page loaded its list: the service refuses
    ballots.add_ballot(db, CLERK_B, evaluation, ballots.BallotInput("X300", "四大班子领导"))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_keys(qtbot, "X300")
    press(qtbot, Qt.Key.Key_Return)
    type_keys(qtbot, "90")
    save_keys(qtbot, page)
    assert warnings and "票号:“X300”已录入过" in warnings[0]
    assert page.model.marks_by_name() == {"区委办公室": "90"}  # nothing lost
    assert ballots.get_ballot(db, evaluation, "X300").marks == {}


def test_live_validity_excellent_quota_and_identical(qtbot, db):
    evaluation = grade_evaluation(db)
    page = open_page(qtbot, db, CLERK_A, evaluation)
    start_ballot(qtbot, page, "1", "L001")
    assert "空白票" in page.summary.text()
    type_keys(qtbot, "111")
    assert "优秀 3(上限 3)" in page.summary.text() and "· 有效" in page.summary.text()
    type_keys(qtbot, "1")
    assert "本票将作废:优秀 4 个,超过上限 3 个" in page.summary.text()
    assert page.summary.kind == "void"
    demo = roomy_demo(db)
    page.close()
    page2 = open_page(qtbot, db, CLERK_A, demo)
    start_ballot(qtbot, page2, "1", "X400")
    type_keys(qtbot, "90\r90\r")
    assert "本票将作废:全同分" in page2.summary.text()
    type_keys(qtbot, "91\r")
    assert page2.summary.text().endswith("· 有效")


def test_edit_and_void_with_reason(qtbot, db, monkeypatch):
    evaluation = roomy_demo(db)
    page = open_page(qtbot, db, CLERK_A, evaluation)
    start_ballot(qtbot, page, "1", "X500")
    type_keys(qtbot, "90\r91\r")
    save_keys(qtbot, page)
    monkeypatch.setattr(BallotLookupDialog, "get_serial", staticmethod(lambda *a, **k: "X500"))
    reasons = iter(["按原票更正", "字迹无法辨认"])
    monkeypatch.setattr(ReasonDialog, "get_reason", staticmethod(lambda *a, **k: next(reasons)))
    press(qtbot, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert "正在修改" in page.banner.text() and page.model.mark(1) == "91"
    type_keys(qtbot, "80\r")
    save_keys(qtbot, page)
    info = ballots.get_ballot(db, evaluation, "X500")
    assert info.marks == {"区委办公室": "80", "区纪委监委": "91"}
    audit = list_audit(db, SYSTEM, evaluation, text="X500")
    assert any("按原票更正" in a.target for a in audit)
    assert page.banner.isHidden() and page.model.marks_by_name() == {}
    press(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert ballots.get_ballot(db, evaluation, "X500").void_reason == "字迹无法辨认"
    assert "已作废 票号 X500" in page.status.text()


def test_double_entry_hides_pending_and_confirms(qtbot, db, monkeypatch):
    evaluation = grade_evaluation(db, double_entry=True)
    ballots.add_ballot(db, CLERK_A, evaluation,
                       ballots.BallotInput("D001", "领导", {"部门1": "优秀", "部门2": "良好"}))
    page = open_page(qtbot, db, CLERK_B, evaluation)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(BallotLookupDialog, "get_serial", staticmethod(lambda *a, **k: "D001"))
    press(qtbot, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert shown and "不能打开查看" in shown[0]
    assert page.model.marks_by_name() == {}  # the first entry is never shown
    start_ballot(qtbot, page, "1", "D001")
    type_keys(qtbot, "12")
    save_keys(qtbot, page)
    assert ballots.get_ballot(db, evaluation, "D001").status == "confirmed"
    assert page.side.recent_model.rows()[0].status_label == "已确认"
    assert page.side.progress_model.rows() == entry_progress(db, CLERK_B, evaluation)
    page.close()
    first = open_page(qtbot, db, CLERK_A, evaluation)
    ballots.add_ballot(db, CLERK_A, evaluation, ballots.BallotInput("D002", "领导"))
    first.ctx.announce(BALLOTS)  # another page saved: the side panel reloads
    start_ballot(qtbot, first, "1", "D002")
    assert "已由您录入过" in first.error.text()


def test_admin_may_open_confirmed_double_entry_ballot(qtbot, db, monkeypatch):
    evaluation = grade_evaluation(db, double_entry=True)
    for actor in (CLERK_A, CLERK_B):
        ballots.add_ballot(db, actor, evaluation,
                           ballots.BallotInput("D010", "领导", {"部门1": "优秀"}))
    monkeypatch.setattr(BallotLookupDialog, "get_serial", staticmethod(lambda *a, **k: "D010"))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    clerk = open_page(qtbot, db, CLERK_A, evaluation)
    press(qtbot, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert "只能由管理员修改" in clerk.error.text() and clerk.banner.isHidden()
    clerk.close()
    admin = open_page(qtbot, db, Actor("王主任", ADMIN), evaluation)
    press(qtbot, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert admin.model.marks_by_name() == {"部门1": "优秀"}


def test_score_typer_states():
    typer = ScoreTyper(Settings(name="t"))
    assert [typer.state(t) for t in ("9", "95", "95.", "95.5", "100", "101")] == [
        OPEN, OPEN, PARTIAL, COMPLETE, COMPLETE, None]
    whole = ScoreTyper(Settings(name="t", mark_decimals=0, low=Decimal(60)))
    assert [whole.state(t) for t in ("6", "60", "95", "10", "5")] == [
        PARTIAL, COMPLETE, COMPLETE, PARTIAL, None]
    assert next_serial("A009") == "A010" and next_serial("B-99") == "B-100"
    assert next_serial("无号") == ""


def test_reason_dialog_takes_chinese_from_an_input_method(qtbot):
    dialog = ReasonDialog("作废选票", "请填写原因", ["字迹无法辨认"])
    qtbot.addWidget(dialog)
    ok = dialog.buttons.buttons()[0]
    assert not ok.isEnabled()
    event = QInputMethodEvent()
    event.setCommitString("票面污损")
    QApplication.sendEvent(dialog.reason.lineEdit(), event)
    assert dialog.text() == "票面污损" and ok.isEnabled()
    lookup = BallotLookupDialog(serial="A001")
    qtbot.addWidget(lookup)
    assert lookup.text() == "A001"


def test_table_models_pass_modeltester(qtmodeltester, db):
    evaluation = create_demo(db)[-1]
    entry = EntryTableModel()
    page_data = ballots.list_ballots(db, evaluation)
    from evalapp.services.evaluations import get_data
    entry.set_rows(get_data(db, evaluation).departments)
    entry.load_marks(page_data[0].marks)
    entry.set_typing(3, "9")
    entry.set_current(2)
    qtmodeltester.check(entry)
    progress = EntryProgressTableModel()
    progress.set_rows(entry_progress(db, CLERK_A, evaluation), double_entry=True)
    qtmodeltester.check(progress)
    ballots.add_ballot(db, CLERK_A, evaluation, ballots.BallotInput("X900", "群众代表"))
    recent = RecentBallotsTableModel()
    recent.set_rows(recent_ballots(db, CLERK_A, evaluation))
    assert recent.rowCount() == 1
    qtmodeltester.check(recent)


def test_half_typed_ballot_survives_a_restart(qtbot, db, monkeypatch):
    from evalapp.services.drafts import load_draft
    evaluation_id = grade_evaluation(db)
    page = open_page(qtbot, db, CLERK_A, evaluation_id)
    start_ballot(qtbot, page, "1", "L7")
    type_keys(qtbot, "123")
    page.drafts.save_now()  # what the timer does 1.5 s after the last key
    draft = load_draft(db, CLERK_A, evaluation_id)
    assert draft.serial == "L7" and draft.marks == {"部门1": "优秀", "部门2": "良好",
                                                    "部门3": "一般"}
    page.close()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    again = open_page(qtbot, db, CLERK_A, evaluation_id)  # the app started again
    assert again.header.serial_text() == "L7" and again.header.group_name() == "领导"
    assert again.model.marks_by_name() == draft.marks
    again.save()
    assert [b.marks for b in ballots.list_ballots(db, evaluation_id)] == [draft.marks]
    assert load_draft(db, CLERK_A, evaluation_id) is None
