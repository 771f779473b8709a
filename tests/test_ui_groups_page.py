"""评委 page: groups edited in the table with a live weight sum, saved through roster.save_groups,
the last save undone; the optional roster; read-only for a 录入员."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox

from evalapp.domain import Evaluator
from evalapp.services.context import ADMIN, CLERK, Actor
from evalapp.services.demo import create_demo
from evalapp.services.evaluations import get_data
from ui.context import AppContext
from ui.fonts import apply_ui_font
from ui.setup.evaluator_table_model import EvaluatorTableModel
from ui.setup.group_table_model import GroupTableModel
from ui.setup.row_edit_table_model import ERROR_ROLE
from ui.setup.groups_page import GroupsPage
from ui_helpers import commit, edit_cell, ime, insert_row, open_demo_page

ADMIN_ACTOR = Actor("张主任", ADMIN)
CTRL = Qt.KeyboardModifier.ControlModifier
WEIGHT, TRIM, TRIM_FROM = 1, 2, 3
DEMO_WEIGHTS = [30, 10, 10, 15, 15, 20]


@pytest.fixture(scope="module", autouse=True)
def font(qapp):
    apply_ui_font(qapp)


def open_page(qtbot, db, actor=ADMIN_ACTOR):
    return open_demo_page(qtbot, db, GroupsPage, actor)


def saved_weights(db, ctx) -> list[Decimal]:
    return [g.weight for g in get_data(db, ctx.evaluation_id).groups]


def test_weight_sum_is_checked_live_then_saved(qtbot, db):
    page, ctx = open_page(qtbot, db)
    assert page.weight_label.text() == "权重合计 100 ✓"
    view = page.groups.view
    edit_cell(qtbot, view, 1, WEIGHT, "5")
    assert page.weight_label.text() == "⚠ 权重合计 95,应为 100"
    assert not page.save_button.isEnabled()
    qtbot.keyClick(page, Qt.Key.Key_S, CTRL)  # refused while the sum is wrong
    assert saved_weights(db, ctx) == DEMO_WEIGHTS
    edit_cell(qtbot, view, 0, WEIGHT, "35")
    assert page.weight_label.text() == "权重合计 100 ✓"
    assert page.save_button.isEnabled()
    with qtbot.waitSignal(ctx.saved) as blocker:
        qtbot.keyClick(page, Qt.Key.Key_S, CTRL)
    assert blocker.args == ["已保存 评委"]
    assert saved_weights(db, ctx) == [35, 5, 10, 15, 15, 20]


def test_undo_restores_the_state_before_the_last_save(qtbot, db):
    page, ctx = open_page(qtbot, db)
    assert not page.undo_button.isEnabled()
    edit_cell(qtbot, page.groups.view, 4, WEIGHT, "10")
    edit_cell(qtbot, page.groups.view, 5, WEIGHT, "25")
    qtbot.keyClick(page, Qt.Key.Key_S, CTRL)
    assert saved_weights(db, ctx) == [30, 10, 10, 15, 10, 25]
    edit_cell(qtbot, page.groups.view, 0, TRIM, "2")
    qtbot.keyClick(page, Qt.Key.Key_S, CTRL)
    assert get_data(db, ctx.evaluation_id).groups[0].trim == 2
    page.groups.view.setFocus()
    with qtbot.waitSignal(ctx.saved) as blocker:
        qtbot.keyClick(page.groups.view, Qt.Key.Key_Z, CTRL)
    assert blocker.args == ["已撤销 评委的上一次修改"]
    assert get_data(db, ctx.evaluation_id).groups[0].trim == 1
    qtbot.keyClick(page.groups.view, Qt.Key.Key_Z, CTRL)
    assert saved_weights(db, ctx) == DEMO_WEIGHTS
    assert page.group_model.index(4, WEIGHT).data() == "15"
    assert not page.undo_button.isEnabled()


def test_trim_from_must_be_at_least_2k_plus_1(qtbot, db):
    page, _ = open_page(qtbot, db)
    edit_cell(qtbot, page.groups.view, 0, TRIM, "3")
    error = page.group_model.index(0, TRIM_FROM).data(ERROR_ROLE)
    assert "至少为 7" in error
    assert "第 1 行 去极值起始人数" in page.groups.problems.text()
    assert not page.save_button.isEnabled()
    edit_cell(qtbot, page.groups.view, 0, TRIM_FROM, "7")
    edit_cell(qtbot, page.groups.view, 1, WEIGHT, "0")
    assert "必须大于 0" in page.group_model.index(1, WEIGHT).data(ERROR_ROLE)
    assert not page.save_button.isEnabled()


def test_add_and_remove_groups(qtbot, db, monkeypatch):
    page, ctx = open_page(qtbot, db)
    questions, warnings = [], []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text: questions.append(text)
                        or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: warnings.append(text))
    view = page.groups.view
    insert_row(qtbot, view, "特邀代表")
    edit_cell(qtbot, view, 6, WEIGHT, "5")
    edit_cell(qtbot, view, 0, WEIGHT, "25")
    view.setCurrentIndex(page.group_model.index(6, 5))
    qtbot.keyClick(view, Qt.Key.Key_Space)  # 回避本部门
    qtbot.keyClick(page, Qt.Key.Key_S, CTRL)
    added = get_data(db, ctx.evaluation_id).groups[6]
    assert (added.name, added.weight, added.trim_from, added.recusal) == \
        ("特邀代表", 5, 5, True)
    view.setCurrentIndex(page.group_model.index(4, 0))  # 群众代表 has ballots
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert "群众代表" in questions[-1]
    edit_cell(qtbot, view, 0, WEIGHT, "40")
    qtbot.keyClick(page, Qt.Key.Key_S, CTRL)
    assert warnings and "已有选票,不能删除" in warnings[-1]
    assert len(get_data(db, ctx.evaluation_id).groups) == 7


def test_roster_is_edited_and_saved(qtbot, db):
    page, ctx = open_page(qtbot, db)
    view = page.roster.view
    edit_cell(qtbot, view, 0, 3, "9排9号")
    view.setCurrentIndex(page.evaluator_model.index(1, 1))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox) and combo.count() == 6
    combo.setCurrentText("企业家代表")
    commit(qtbot, combo)
    qtbot.keyClick(page, Qt.Key.Key_S, CTRL)
    evaluators = get_data(db, ctx.evaluation_id).evaluators
    assert evaluators[0].seat == "9排9号"
    assert evaluators[1].group == "企业家代表"


def test_clerk_sees_the_page_read_only(qtbot, db):
    page, _ = open_page(qtbot, db, Actor("小李", CLERK))
    assert page.read_only
    assert page.note.isVisible() and "录入员“小李”无权" in page.note.text()
    assert page.group_model.rowCount() == 6
    assert not page.group_model.flags(page.group_model.index(0, 1)) & \
        Qt.ItemFlag.ItemIsEditable
    assert not page.groups.add_button.isEnabled()
    assert not page.save_button.isEnabled() and not page.undo_button.isEnabled()


def test_table_models_pass_modeltester(qtmodeltester, db):
    data = get_data(db, create_demo(db)[-1])
    groups = GroupTableModel()
    groups.set_groups(data.groups)
    qtmodeltester.check(groups)
    assert groups.groups() == data.groups
    evaluators = EvaluatorTableModel()
    evaluators.set_group_names([g.name for g in data.groups])
    evaluators.set_evaluators(data.evaluators)
    qtmodeltester.check(evaluators)
    assert evaluators.evaluators() == data.evaluators
    evaluators.insert_row(values={"name": "新评委", "group": "不存在"})
    assert evaluators.problems() == [
        f"第 {evaluators.rowCount()} 行 评委类别:“不存在”不是已设的评委类别"]
    assert Evaluator("新评委", "不存在") == evaluators.evaluators()[-1]


def test_new_evaluation_gets_its_first_group(qtbot, db):
    from evalapp.services.evaluations import create_evaluation
    evaluation_id = create_evaluation(db, ADMIN_ACTOR, "2022年度考评", 2022)
    ctx = AppContext(db, ADMIN_ACTOR, evaluation_id)
    page = GroupsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitActive(page):
        page.activateWindow()
    assert page.weight_label.text().startswith("尚未设置评委类别")
    page.groups.view.setFocus()
    qtbot.keyClick(page.groups.view, Qt.Key.Key_Insert)
    editor = QApplication.focusWidget()
    ime(editor, "群众代表")
    commit(qtbot, editor)
    edit_cell(qtbot, page.groups.view, 0, WEIGHT, "100")
    qtbot.keyClick(page, Qt.Key.Key_S, CTRL)
    groups = get_data(db, evaluation_id).groups
    assert [(g.name, g.weight, g.trim, g.trim_from) for g in groups] == [("群众代表", 100, 0, 5)]
