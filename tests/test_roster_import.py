"""Importing departments from a workbook's 部门 sheet: merge by name, every error reported."""

import openpyxl
import pytest

from evalapp.domain import Category, Department, DomainError
from evalapp.services import roster
from evalapp.services.audit_log import list_audit
from evalapp.services.context import SYSTEM
from evalapp.services.evaluations import create_evaluation, get_data
from evalapp.services.roster_import import apply_departments, import_departments
from evalapp.workbook.sheets import WorkbookError

HEADER = ("述职顺序", "部门名称", "简称", "类别", "述职人", "职务")


def make_book(path, rows, header=HEADER, title="部门"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def evaluation(db):
    ev = create_evaluation(db, SYSTEM, "2022年度考评", 2022)
    roster.save_categories(db, SYSTEM, ev, [Category("党群部门"), Category("政府工作部门")])
    roster.save_department(db, SYSTEM, ev, Department(1, "区委办公室", "区委办", "党群部门"))
    roster.save_department(db, SYSTEM, ev, Department(2, "区财政局", "财政局", "政府工作部门"))
    return ev


def names(db, ev):
    return [(d.order, d.name) for d in get_data(db, ev).departments]


def test_import_adds_and_updates_by_name(db, evaluation, tmp_path):
    path = make_book(tmp_path / "a.xlsx", [
        (1, "区财政局", "财政", "政府工作部门", "王五", "局长"),
        (2, "区委组织部", "组织部", "党群部门", "李四", "部长"),
    ])
    assert import_departments(db, SYSTEM, evaluation, path).count == 2
    data = get_data(db, evaluation)
    by_name = {d.name: d for d in data.departments}
    assert by_name["区财政局"] == Department(1, "区财政局", "财政", "政府工作部门", "王五", "局长")
    assert by_name["区委组织部"].presenter == "李四"
    # 区委办公室 is not in the workbook: kept, and moved after the listed ones (its 1 is taken)
    assert names(db, evaluation) == [(1, "区财政局"), (2, "区委组织部"), (3, "区委办公室")]
    assert list_audit(db, SYSTEM, evaluation)[0].action == "从工作簿导入部门"


def test_bad_workbook_reports_every_error_and_writes_nothing(db, evaluation, tmp_path):
    before = get_data(db, evaluation).departments
    path = make_book(tmp_path / "bad.xlsx", [
        (1, "区委组织部", "", "党群部门"),
        (1, "", "", "党群部门"),
        ("三", "区委组织部", "", "不存在的类别"),
        (4, "区统计局", "", None),
    ])
    with pytest.raises(WorkbookError) as caught:
        import_departments(db, SYSTEM, evaluation, path)
    lines = [str(i) for i in caught.value.issues]
    assert any("第3行" in x and "述职顺序" in x and "重复" in x for x in lines)
    assert any("第3行" in x and "部门名称" in x and "不能为空" in x for x in lines)
    assert any("第4行" in x and "A(述职顺序)" in x for x in lines)
    assert any("第4行" in x and "部门名称重复" in x for x in lines)
    assert any("第4行" in x and "D(类别)" in x and "类别不存在" in x for x in lines)
    assert any("第5行" in x and "每个部门都要填写类别" in x for x in lines)
    assert all(x.startswith("工作表“部门”") for x in lines)
    assert get_data(db, evaluation).departments == before


def test_missing_sheet_column_or_file(db, evaluation, tmp_path):
    with pytest.raises(WorkbookError, match="缺少此工作表"):
        import_departments(db, SYSTEM, evaluation, make_book(tmp_path / "a.xlsx", [],
                                                             title="评委"))
    with pytest.raises(WorkbookError, match="缺少“部门名称”列"):
        import_departments(db, SYSTEM, evaluation,
                           make_book(tmp_path / "b.xlsx", [(1, "x")], header=("述职顺序", "名称")))
    (tmp_path / "c.xlsx").write_text("not a workbook")
    with pytest.raises(WorkbookError, match="工作簿文件:文件不是 Excel 工作簿"):
        import_departments(db, SYSTEM, evaluation, tmp_path / "c.xlsx")


def test_apply_departments_undoes_a_rename_and_an_addition(db, evaluation):
    before = get_data(db, evaluation).departments
    roster.save_department(db, SYSTEM, evaluation,
                           Department(1, "中共区委办公室", "区委办", "党群部门"),
                           old_name="区委办公室")
    roster.save_department(db, SYSTEM, evaluation, Department(3, "区审计局", "", "政府工作部门"))
    roster.move_department(db, SYSTEM, evaluation, "区审计局", 1)
    apply_departments(db, SYSTEM, evaluation, before, remove={"区审计局"},
                      renamed={"中共区委办公室": "区委办公室"})
    assert get_data(db, evaluation).departments == before


def test_apply_refuses_removing_a_department_with_adjustments(db, evaluation):
    from decimal import Decimal

    from evalapp.domain import Adjustment
    roster.add_adjustment(db, SYSTEM, evaluation, Adjustment("区财政局", Decimal(1), "先进"))
    with pytest.raises(DomainError, match="区财政局"):
        apply_departments(db, SYSTEM, evaluation, [], remove={"区财政局"})
    assert len(get_data(db, evaluation).departments) == 2


def test_import_reads_cells_as_excel_shows_them(db, evaluation, tmp_path):
    """The 部门 sheet goes through the same strict reader as a whole workbook: a formula
    without a saved result, a merged cell, names that collide after normalisation."""
    book = make_book(tmp_path / "f.xlsx", [(1, "=\"区委\"", "x", "党群部门", "x", "x")])
    with pytest.raises(WorkbookError, match="第2行 B.*没有保存") as err:
        import_departments(db, SYSTEM, evaluation, book)
    assert "不能为空" not in str(err.value)  # one message per cell
    path = make_book(tmp_path / "m.xlsx", [(1, "区审计局", "审计", "政府工作部门", "x", "x"),
                                           (2, "区统计局", "统计", "政府工作部门", "x", "x")])
    wb = openpyxl.load_workbook(path)
    wb["部门"].merge_cells("D2:D3")
    wb.save(path)
    with pytest.raises(WorkbookError, match="合并单元格 D2:D3"):
        import_departments(db, SYSTEM, evaluation, path)
    path = make_book(tmp_path / "n.xlsx", [(1, "区ＡＢ局", "x", "党群部门", "x", "x"),
                                           (2, "区ab局\u200b", "x", "党群部门", "x", "x")])
    with pytest.raises(WorkbookError, match="第3行.*部门名称重复"):
        import_departments(db, SYSTEM, evaluation, path)
    assert names(db, evaluation) == [(1, "区委办公室"), (2, "区财政局")]  # nothing written


def test_import_category_resolved_and_warned(db, evaluation, tmp_path):
    """A 类别 written with a zero-width space is the category itself; a sheet whose name has a
    trailing space is read with a warning."""
    path = make_book(tmp_path / "w.xlsx", [(3, "区统计局", "统计", "政府工作部门\u200b", "x", "x")],
                     title="部门 ")
    imported = import_departments(db, SYSTEM, evaluation, path)
    assert imported.count == 1 and len(imported.warnings) == 1
    assert "按“部门”读取" in imported.warnings[0]
    assert get_data(db, evaluation).departments[-1].category == "政府工作部门"


def test_a_name_no_font_prints_is_imported_with_a_warning_naming_its_place(
        db, evaluation, tmp_path):
    path = make_book(tmp_path / "g.xlsx", [
        (1, "区财政局", "财政", "政府工作部门", "王\uE000五", "局长"),
    ])
    report = import_departments(db, SYSTEM, evaluation, path)
    assert report.count == 1 and len(report.warnings) == 1
    warning = report.warnings[0]
    assert "工作表“部门” 第2行" in warning and "述职人" in warning and "U+E000" in warning
    assert {d.name: d for d in get_data(db, evaluation).departments}["区财政局"].presenter \
        == "王\uE000五"
