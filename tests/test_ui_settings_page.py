"""考评设置 page: typed settings are validated on the spot, saved through the service, and
summarised in plain language; read-only for a 录入员 and for a finalised evaluation."""

import json
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from evalapp.db import models
from evalapp.domain import TIE_ONSITE, Component, Quota
from evalapp.services.audit_log import list_audit
from evalapp.services.context import ADMIN, CLERK, Actor
from evalapp.services.demo import create_demo
from evalapp.services.evaluations import get_data, get_settings
from ui.context import AppContext
from ui.fonts import apply_ui_font
from ui.setup.category_table_model import CategoryTableModel
from ui.setup.component_table_model import ComponentTableModel
from ui.setup.settings_page import SettingsPage
from ui_helpers import edit_cell, ime, insert_row, open_demo_page

ADMIN_ACTOR = Actor("张主任", ADMIN)
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(scope="module", autouse=True)
def font(qapp):
    apply_ui_font(qapp)


def open_page(qtbot, db, actor=ADMIN_ACTOR):
    return open_demo_page(qtbot, db, SettingsPage, actor)


def retype(qtbot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)
    if text:
        qtbot.keyClicks(edit, text)
    else:
        qtbot.keyClick(edit, Qt.Key.Key_Delete)


def save(qtbot, page, ctx):
    with qtbot.waitSignal(ctx.saved, timeout=2000) as blocker:
        qtbot.keyClick(page, Qt.Key.Key_S, CTRL)
    return blocker.args[0]


def test_change_settings_and_save(qtbot, db):
    page, ctx = open_page(qtbot, db)
    assert not page.save_button.isEnabled()
    retype(qtbot, page.high_line_edit, "90")
    retype(qtbot, page.bonus_cap_edit, "3")
    qtbot.keyClick(page.double_box, Qt.Key.Key_Space)
    assert page.save_button.isEnabled()
    assert save(qtbot, page, ctx) == "已保存 考评设置"
    settings = get_settings(db, ctx.evaluation_id)
    assert settings.high_line == Decimal(90)
    assert settings.bonus_cap == Decimal(3)
    assert settings.double_entry is True
    assert settings.excellent_ratio == Decimal("0.3")  # untouched
    entry = next(a for a in list_audit(db, ADMIN_ACTOR, ctx.evaluation_id)
                 if a.action == "修改设置")
    assert entry.operator == "张主任"
    assert set(json.loads(entry.new)) == {
        "high_line", "bonus_cap", "double_entry"}  # only the changed fields
    assert not page.save_button.isEnabled()


def test_chinese_name_typed_with_input_method(qtbot, db):
    page, ctx = open_page(qtbot, db)
    page.name_edit.setFocus()
    page.name_edit.selectAll()
    ime(page.name_edit, "2021年度区级部门综合考评")
    save(qtbot, page, ctx)
    assert get_settings(db, ctx.evaluation_id).name == "2021年度区级部门综合考评"
    assert "区级部门综合考评" in page.heading.text()


def test_invalid_value_disables_save_and_says_why(qtbot, db):
    page, ctx = open_page(qtbot, db)
    retype(qtbot, page.high_line_edit, "120")
    label = page._error_labels["high_line"]
    assert label.isVisible()
    assert "高分线" in label.text() and "0–100" in label.text()
    assert not page.save_button.isEnabled()
    assert "1 处需要修改" in page.state.text()
    qtbot.keyClick(page, Qt.Key.Key_S, CTRL)  # refused: nothing written
    assert get_settings(db, ctx.evaluation_id).high_line == Decimal(95)
    retype(qtbot, page.ratio_edit, "abc")
    assert "不是数字" in page._error_labels["excellent_ratio"].text()
    below = page.identical_box.mapTo(page, page.identical_box.rect().topLeft())
    retype(qtbot, page.high_line_edit, "96")
    retype(qtbot, page.ratio_edit, "0.25")
    assert not label.isVisible()
    qtbot.wait(50)  # (layouts settle) the warnings went away: the fields below did not move
    assert page.identical_box.mapTo(page, page.identical_box.rect().topLeft()) == below
    assert page.save_button.isEnabled()
    save(qtbot, page, ctx)
    assert get_settings(db, ctx.evaluation_id).high_line == Decimal(96)


def test_component_weights_must_sum_to_100(qtbot, db):
    page, ctx = open_page(qtbot, db)
    view = page.components.view
    edit_cell(qtbot, view, 0, 1, "50")
    assert "权重合计 90,应为 100" in page.components.problems.text()
    assert page.components.problems.isVisible()
    assert not page.save_button.isEnabled()
    edit_cell(qtbot, view, 1, 1, "40")
    assert not page.components.problems.isVisible()
    save(qtbot, page, ctx)
    weights = {c.name: c.weight for c in get_data(db, ctx.evaluation_id).components}
    assert weights == {"集中考评": 50, "目标考核": 40, "日常考核": 10}


def test_summary_mentions_quota_and_follows_typing(qtbot, db):
    page, _ = open_page(qtbot, db)
    text = page.summary_text()
    assert "不得超过 21 个(部门数 73 × 0.3" in text
    assert "≥95 分" in text
    assert "综合得分 = 集中考评 60% + 目标考核 30% + 日常考核 10% + 加分(至多 2 分) − 减分" in text
    retype(qtbot, page.ratio_edit, "0.2")
    assert "不得超过 14 个(部门数 73 × 0.2" in page.summary_text()
    retype(qtbot, page.high_line_edit, "")
    assert "未设高分线,上限暂不生效" in page.summary_text()


def test_tie_break_order_and_category_quota(qtbot, db):
    page, ctx = open_page(qtbot, db)
    page.tie_list.setFocus()
    page.tie_list.setCurrentRow(1)  # 四大班子领导评分
    qtbot.keyClick(page.tie_list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    edit_cell(qtbot, page.categories.view, 1, 1, "10%")
    save(qtbot, page, ctx)
    data = get_data(db, ctx.evaluation_id)
    assert data.settings.tie_break == ("四大班子领导", TIE_ONSITE)
    assert data.categories[1].commend == Quota(percent=Decimal(10))


def test_new_category_added_from_keyboard(qtbot, db):
    page, ctx = open_page(qtbot, db)
    view = page.categories.view
    insert_row(qtbot, view, "街道派出机构")
    edit_cell(qtbot, view, 3, 2, "1")
    save(qtbot, page, ctx)
    names = [c.name for c in get_data(db, ctx.evaluation_id).categories]
    assert names == ["党群部门", "政府工作部门", "垂直管理及其他", "街道派出机构"]


def test_service_refusal_is_shown(qtbot, db, monkeypatch):
    page, ctx = open_page(qtbot, db)
    shown = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: shown.append(text))
    view = page.categories.view
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert page.category_model.rowCount() == 2
    qtbot.keyClick(page, Qt.Key.Key_S, CTRL)
    assert shown and "党群部门" in shown[0] and "还有部门" in shown[0]
    assert len(get_data(db, ctx.evaluation_id).categories) == 3


def test_mode_change_with_ballots_asks_first(qtbot, db, monkeypatch):
    page, ctx = open_page(qtbot, db)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text: asked.append(text)
                        or QMessageBox.StandardButton.No)
    page.mode_box.setFocus()
    qtbot.keyClick(page.mode_box, Qt.Key.Key_Down)
    assert page.grades_edit.isEnabled() and not page.high_line_edit.isEnabled()
    assert "等次制" in page.summary_text()
    qtbot.keyClick(page, Qt.Key.Key_S, CTRL)
    assert asked and "张选票" in asked[0]
    assert get_settings(db, ctx.evaluation_id).mode == "score"


def test_clerk_sees_the_page_read_only(qtbot, db):
    page, _ = open_page(qtbot, db, Actor("小李", CLERK))
    assert page.read_only
    assert page.note.isVisible() and "录入员“小李”无权" in page.note.text()
    assert not page.form.isEnabled()
    assert not page.save_button.isEnabled()
    assert page.name_edit.text() == "2021年度区级部门工作业绩集中考评"
    assert "不得超过 21 个" in page.summary_text()
    index = page.category_model.index(0, 1)
    assert not page.category_model.flags(index) & Qt.ItemFlag.ItemIsEditable


def test_final_evaluation_is_read_only(qtbot, db):
    evaluation_id = create_demo(db)[-1]
    with db.session() as s:
        s.get(models.Evaluation, evaluation_id).status = "final"
        s.commit()
    page = SettingsPage(AppContext(db, ADMIN_ACTOR, evaluation_id))
    qtbot.addWidget(page)
    assert page.read_only and "已定稿" in page.note.text()
    assert not page.form.isEnabled()


def test_table_models_pass_modeltester(qtmodeltester, db):
    data = get_data(db, create_demo(db)[-1])
    categories = CategoryTableModel()
    categories.set_categories(data.categories)
    qtmodeltester.check(categories)
    components = ComponentTableModel()
    components.set_components(data.components)
    qtmodeltester.check(components)
    assert categories.categories() == data.categories
    assert components.components() == data.components


def test_new_empty_evaluation(qtbot, db):
    from evalapp.services.evaluations import create_evaluation
    evaluation_id = create_evaluation(db, ADMIN_ACTOR, "2022年度考评", 2022)
    ctx = AppContext(db, ADMIN_ACTOR, evaluation_id)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    assert "尚未设置评委类别" in page.summary_text()
    assert "综合得分 = 集中考评得分" in page.summary_text()
    # 得分构成 is not empty: it starts with 集中考评 100 (issue 13), saved as such
    assert page.component_model.components() == [Component("集中考评", Decimal(100))]
    assert get_data(db, evaluation_id).components == [Component("集中考评", Decimal(100))]
    assert page.commend_edit.isEnabled()  # no categories: quotas of the whole ranking
    page.commend_edit.setText("3")
    page.admonish_edit.setText("10%")
    page.save()
    settings = get_settings(db, evaluation_id)
    assert settings.commend_quota == Quota(3)
    assert settings.admonish_quota == Quota(percent=Decimal(10))
