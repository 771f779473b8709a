"""The 部门 page driven through its real widgets; results checked through the services."""

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from evalapp.domain import Adjustment, Category, Department
from evalapp.services import roster
from evalapp.services.context import ADMIN, Actor
from evalapp.services.demo import create_demo
from evalapp.services.evaluations import create_evaluation, get_data
from ui import tasks
from ui.context import AppContext
from ui.fonts import apply_ui_font
from ui.setup.department_table_model import MIME_TYPE, DepartmentTableModel
from ui.setup.departments_page import DepartmentsPage
from ui_helpers import show_active, type_text

ADMIN_ACTOR = Actor("管理员", ADMIN)
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def synchronous(qapp):
    apply_ui_font(qapp)
    tasks.set_synchronous(True)
    yield
    tasks.set_synchronous(False)


@pytest.fixture
def evaluation(db):
    ev = create_evaluation(db, ADMIN_ACTOR, "2022年度考评", 2022)
    roster.save_categories(db, ADMIN_ACTOR, ev, [Category("党群部门"), Category("政府工作部门")])
    rows = [("区委办公室", "党群部门"), ("区财政局", "政府工作部门"), ("区教育局", "政府工作部门")]
    for order, (name, category) in enumerate(rows, start=1):
        roster.save_department(db, ADMIN_ACTOR, ev, Department(order, name, "", category))
    return ev


@pytest.fixture
def page(qtbot, db, evaluation):
    widget = show_active(qtbot, DepartmentsPage(AppContext(db, ADMIN_ACTOR, evaluation)))
    widget.table.setFocus()
    return widget


def departments(page):
    return get_data(page.ctx.db, page.ctx.evaluation_id).departments


def test_add_department_through_the_dialog(qtbot, page):
    qtbot.keyClick(page.table, Qt.Key.Key_N, CTRL)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    type_text(dialog.name, "区委组织部")
    type_text(dialog.short_name, "组织部")
    dialog.category.setCurrentText("党群部门")
    type_text(dialog.presenter, "李四")
    type_text(dialog.title_edit, "常务副部长")
    dialog.order.setValue(2)  # between 区委办公室 and 区财政局: the others shift
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert [(d.order, d.name) for d in departments(page)] == [
        (1, "区委办公室"), (2, "区委组织部"), (3, "区财政局"), (4, "区教育局")]
    added = departments(page)[1]
    assert (added.short_name, added.category, added.presenter, added.title) == \
        ("组织部", "党群部门", "李四", "常务副部长")
    assert page.current().name == "区委组织部"
    qtbot.keyClick(page.table, Qt.Key.Key_Z, CTRL)  # undo: gone, order restored
    assert [d.name for d in departments(page)] == ["区委办公室", "区财政局", "区教育局"]


def test_dialog_refuses_an_empty_or_duplicate_name(qtbot, page):
    qtbot.keyClick(page.table, Qt.Key.Key_N, CTRL)
    dialog = page.dialog
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.isVisible() and "不能为空" in dialog.error.text()
    type_text(dialog.name, "区财政局")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.isVisible() and "重复" in dialog.error.text()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert len(departments(page)) == 3


def test_dialog_warns_of_a_character_no_bundled_font_prints(qtbot, page):
    qtbot.keyClick(page.table, Qt.Key.Key_N, CTRL)
    dialog = page.dialog
    type_text(dialog.name, "区䶮𠇔档案局")  # rare, but the bundled Ming fonts print them
    assert dialog.error.text() == ""
    type_text(dialog.presenter, "刘\U000F0041")  # a private-use character: nothing prints it
    assert "述职人" in dialog.error.text() and "U+F0041" in dialog.error.text()
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)  # a warning does not block saving
    assert not dialog.isVisible()
    assert "区䶮𠇔档案局" in [d.name for d in departments(page)]


def test_edit_with_f2_and_undo(qtbot, page):
    page.select("区财政局")
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    dialog = page.dialog
    assert dialog.name.text() == "区财政局"
    dialog.name.selectAll()
    type_text(dialog.name, "区财政局(国资办)")
    type_text(dialog.presenter, "王五")
    qtbot.keyClick(dialog.presenter, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    edited = departments(page)[1]
    assert (edited.order, edited.name, edited.presenter) == (2, "区财政局(国资办)", "王五")
    qtbot.keyClick(page.table, Qt.Key.Key_Z, CTRL)
    assert departments(page)[1] == Department(2, "区财政局", "", "政府工作部门")


def test_enter_opens_the_edit_dialog(qtbot, page):
    page.select("区教育局")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.dialog is not None and page.dialog.name.text() == "区教育局"
    page.dialog.reject()


def test_reorder_with_ctrl_down_and_up(qtbot, page):
    page.select("区委办公室")
    qtbot.keyClick(page.table, Qt.Key.Key_Down, CTRL)
    assert [d.name for d in departments(page)] == ["区财政局", "区委办公室", "区教育局"]
    assert page.current().name == "区委办公室"
    qtbot.keyClick(page.table, Qt.Key.Key_Down, CTRL)
    assert [d.name for d in departments(page)] == ["区财政局", "区教育局", "区委办公室"]
    qtbot.keyClick(page.table, Qt.Key.Key_Up, CTRL)
    assert [d.name for d in departments(page)] == ["区财政局", "区委办公室", "区教育局"]
    qtbot.keyClick(page.table, Qt.Key.Key_Z, CTRL)
    assert [d.name for d in departments(page)] == ["区财政局", "区教育局", "区委办公室"]


def test_reorder_by_drag_and_drop(qtbot, page):
    model = page.model
    data = model.mimeData([model.index(2, 1)])  # 区教育局 dropped above the first row
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex()) is False
    qtbot.waitUntil(lambda: departments(page)[0].name == "区教育局")
    assert [d.name for d in departments(page)] == ["区教育局", "区委办公室", "区财政局"]


def test_remove_asks_with_the_name(qtbot, page, monkeypatch):
    asked = []

    def answer(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else \
            QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", answer)
    page.select("区教育局")
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert "区教育局" in asked[0] and len(departments(page)) == 3
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert [d.name for d in departments(page)] == ["区委办公室", "区财政局"]
    qtbot.keyClick(page.table, Qt.Key.Key_Z, CTRL)
    assert [d.name for d in departments(page)] == ["区委办公室", "区财政局", "区教育局"]


def test_remove_refused_by_the_service_is_shown(qtbot, page, monkeypatch):
    from decimal import Decimal
    roster.add_adjustment(page.ctx.db, ADMIN_ACTOR, page.ctx.evaluation_id,
                          Adjustment("区教育局", Decimal(1), "先进"))
    shown = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    page.select("区教育局")
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert shown and "区教育局" in shown[0] and "请先删除" in shown[0]
    assert len(departments(page)) == 3


def make_book(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "部门"
    sheet.append(("述职顺序", "部门名称", "简称", "类别", "述职人", "职务"))
    for row in rows:
        sheet.append(row)
    book.save(path)
    return str(path)


def test_import_from_a_workbook(qtbot, page, tmp_path, monkeypatch):
    path = make_book(tmp_path / "部门.xlsx", [
        (1, "区委办公室", "区委办", "党群部门", "张三", "主任"),
        (2, "区委组织部", "组织部", "党群部门", "李四", "部长"),
        (3, "区财政局", "财政局", "政府工作部门", "王五", "局长"),
        (4, "区教育局", "教育局", "政府工作部门", "赵六", "局长"),
    ])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (path, ""))
    infos = []
    monkeypatch.setattr(QMessageBox, "information", lambda p, t, text: infos.append(text))
    qtbot.keyClick(page.table, Qt.Key.Key_I, CTRL)
    assert "4 个部门" in infos[0]
    rows = departments(page)
    assert [d.name for d in rows] == ["区委办公室", "区委组织部", "区财政局", "区教育局"]
    assert rows[0].presenter == "张三" and page.model.rowCount() == 4
    qtbot.keyClick(page.table, Qt.Key.Key_Z, CTRL)
    assert [d.name for d in departments(page)] == ["区委办公室", "区财政局", "区教育局"]


def test_import_of_a_bad_workbook_shows_every_error(qtbot, page, tmp_path, monkeypatch):
    path = make_book(tmp_path / "bad.xlsx", [
        (1, "区委组织部", "", "党群部门"),
        (1, None, "x", "党群部门"),
        (3, "区统计局", "", "统计口"),
    ])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (path, ""))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda p, t, text: warnings.append(text))
    before = departments(page)
    qtbot.keyClick(page.table, Qt.Key.Key_I, CTRL)
    assert "3 处错误" in warnings[0] and "没有导入任何部门" in warnings[0]
    lines = page.problems.toPlainText().splitlines()
    assert len(lines) == 3 and page.problems.isVisible()
    assert any("第3行 A(述职顺序)" in x and "重复" in x for x in lines)
    assert any("第3行 B(部门名称)" in x and "不能为空" in x for x in lines)
    assert any("第4行 D(类别)" in x and "类别不存在" in x for x in lines)
    assert departments(page) == before


def test_department_model_passes_modeltester(qtmodeltester, db):
    ev = create_demo(db)[-1]
    model = DepartmentTableModel()
    model.set_rows(get_data(db, ev).departments)
    qtmodeltester.check(model)
    assert model.rowCount() == 73 and model.index(0, 1).data() == "区委办公室"
    data = QMimeData()
    data.setData(MIME_TYPE, "区委办公室".encode())
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert not model.canDropMimeData(QMimeData(), Qt.DropAction.MoveAction, 3, 0, QModelIndex())


def test_demo_screenshot(qtbot, db, tmp_path):
    ev = create_demo(db)[-1]
    widget = DepartmentsPage(AppContext(db, ADMIN_ACTOR, ev))
    qtbot.addWidget(widget)
    widget.resize(1366 - 200, 768 - 80)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.model.rowCount() == 73
    assert not widget.grab().isNull()
