"""Bad workbooks (WORKBOOK.md "Bad input"): every error is reported with its place, in Chinese,
all at once, and nothing is written."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from evalapp.domain import GRADE_MODE
from evalapp.services.context import SYSTEM
from evalapp.services.evaluations import import_evaluation, list_evaluations
from evalapp.workbook.importer import read_workbook
from evalapp.workbook.sheets import ImportIssue, WorkbookError

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")

DEPTS = ["党政办", "财务科", "城建科", "民政科"]

BASE: dict[str, list[list]] = {
    "设置": [
        ["项目", "值"],
        ["考评名称", "测试考评"],
        ["年度", 2021],
        ["计分方式", "百分制"],
        ["打分小数位", 1],
        ["结果小数位", 2],
        ["加分上限", 3],
    ],
    "部门类别": [
        ["类别", "表扬名额", "诫勉名额"],
        ["综合科室", 1, 1],
        ["业务科室", "50%", 1],
    ],
    "评委类别": [
        ["类别", "权重", "去掉最高最低分个数", "去极值起始人数", "发出票数", "回避本部门"],
        ["领导", 60, 0, 5, 3, "否"],
        ["群众", 40, 1, 3, 3, "是"],
    ],
    "部门": [
        ["述职顺序", "部门名称", "简称", "类别", "述职人", "职务"],
        [1, "党政办", "党政", "综合科室", "张一", "主任"],
        [2, "财务科", "财务", "综合科室", "张二", "科长"],
        [3, "城建科", "城建", "业务科室", "张三", "科长"],
        [4, "民政科", "民政", "业务科室", "张四", "科长"],
    ],
    "评委": [
        ["姓名", "评委类别", "单位", "座位号"],
        ["王五", "领导", "区委", "1"],
        ["赵六", "群众", "街道", "2"],
    ],
    "得分构成": [
        ["项目", "权重"],
        ["集中考评", 60],
        ["目标考核", 40],
    ],
    "其他得分": [
        ["部门名称", "目标考核"],
        ["党政办", 90],
        ["财务科", 88.5],
        ["城建科", 91],
        ["民政科", 85],
    ],
    "加减分": [
        ["部门名称", "分值", "事由", "一票否决"],
        ["城建科", 1, "市级先进", "否"],
        ["民政科", -1, "通报批评", "否"],
    ],
    "选票": [
        ["票号", "评委类别", "所属部门", "作废原因", *DEPTS],
        ["L1", "领导", None, None, 95, 90, 92, 85],
        ["L2", "领导", None, None, 93, 91.5, 90, 86],
        ["L3", "领导", None, None, 96, 89, 94, 84],
        ["Q1", "群众", "党政办", None, 90, 88, 90, 80],
        ["Q2", "群众", "财务科", None, 91, None, 92, 82],
        ["Q3", "群众", None, "字迹无法辨认", 60, 60, 60, 60],
    ],
}


def base() -> dict[str, list[list]]:
    """A fresh copy of the valid base workbook (sheet name -> rows, header first)."""
    return copy.deepcopy(BASE)


def put(book: dict, sheet: str, row: int, column: str, value) -> None:
    """Set the cell of sheet row number ``row`` (header = 1) in the column headed ``column``."""
    rows = book[sheet]
    position = rows[0].index(column)
    while len(rows) < row:
        rows.append([None] * len(rows[0]))
    line = rows[row - 1]
    while len(line) <= position:
        line.append(None)
    line[position] = value


def setting(book: dict, item: str, value) -> None:
    """Set (or add) a 设置 item."""
    for line in book["设置"][1:]:
        if line[0] == item:
            line[1] = value
            return
    book["设置"].append([item, value])


def save(book: dict, path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in book.items():
        ws = wb.create_sheet(name)
        for line in rows:
            ws.append(list(line))
    wb.save(path)
    return path


def issues_of(book: dict, tmp_path: Path) -> list[ImportIssue]:
    path = save(book, tmp_path / "bad.xlsx")
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    issues = info.value.issues
    assert issues, "WorkbookError without issues"
    for issue in issues:
        assert CJK.search(issue.message), f"message not Chinese: {issue}"
        assert CJK.search(str(issue))
    return issues


def one_issue(issues: list[ImportIssue], sheet: str, row=None, letter=None, column=None,
              value=None, text=None) -> ImportIssue:
    """The issue at that place; fails listing all issues when there is none."""
    found = []
    for i in issues:
        if i.sheet != sheet or i.row != row:
            continue
        if letter is not None and (i.column is None or not i.column.startswith(letter)):
            continue
        if column is not None and column not in str(i):
            continue
        if value is not None and i.value != value:
            continue
        if text is not None and text not in i.message:
            continue
        found.append(i)
    assert found, f"no issue at {sheet}!{letter}{row} ({column}, {value!r}) in:\n" + \
        "\n".join(map(str, issues))
    return found[0]


def column_issue(issues, sheet, row, letter, column, value, text=None) -> ImportIssue:
    """A cell issue: its column shows both the letter and the header name."""
    issue = one_issue(issues, sheet, row, letter, column, value, text)
    assert issue.column == f"{letter}({column})", issue
    shown = str(issue)
    assert sheet in shown and f"第{row}行" in shown and letter in shown
    return issue


# --------------------------------------------------------------------------- the base is valid

def test_base_workbook_is_valid(tmp_path):
    data = read_workbook(save(base(), tmp_path / "ok.xlsx"))
    assert [d.name for d in data.departments] == DEPTS
    assert len(data.ballots) == 6
    assert data.ballots[1].marks["财务科"] == "91.5"
    assert data.ballots[4].own_department == "财务科"
    assert data.ballots[5].void_reason == "字迹无法辨认"
    assert data.component_values["财务科"]["目标考核"] == Decimal("88.5")
    assert [g.recusal for g in data.groups] == [False, True]


# --------------------------------------------------------------------------- sheets and columns

@pytest.mark.parametrize("sheet", ["设置", "评委类别", "部门"])
def test_missing_required_sheet(tmp_path, sheet):
    book = base()
    del book[sheet]
    issues = issues_of(book, tmp_path)
    issue = one_issue(issues, sheet, None)
    assert "缺少" in issue.message and sheet in str(issue)


def test_missing_column(tmp_path):
    book = base()
    for line in book["评委类别"]:
        del line[1]  # 权重
    issues = issues_of(book, tmp_path)
    issue = one_issue(issues, "评委类别", 1, column="权重")
    assert "缺少" in issue.message


def test_duplicate_column_header(tmp_path):
    book = base()
    book["部门"][0].append("简称")
    issues = issues_of(book, tmp_path)
    issue = one_issue(issues, "部门", 1, letter="G", value="简称")
    assert "重复" in issue.message


def test_extra_column(tmp_path):
    book = base()
    book["评委类别"][0].append("备注")
    book["评委类别"][1].append("随便写")
    issues = issues_of(book, tmp_path)
    issue = one_issue(issues, "评委类别", 1, letter="G", value="备注")
    assert "多余" in issue.message


def test_unknown_sheet(tmp_path):
    book = base()
    book["草稿"] = [["随便"], ["1"]]
    issues = issues_of(book, tmp_path)
    issue = one_issue(issues, "草稿")
    assert "未知" in issue.message


def test_readme_sheet_is_ignored(tmp_path):
    book = base()
    book["说明"] = [["工作表", "说明"], ["设置", "随便写什么"]]
    read_workbook(save(book, tmp_path / "ok.xlsx"))


# --------------------------------------------------------------------------- unknown names

def test_unknown_department_in_ballot_header(tmp_path):
    book = base()
    book["选票"][0][6] = "城建局"  # G1 instead of 城建科
    issues = issues_of(book, tmp_path)
    issue = one_issue(issues, "选票", 1, letter="G", value="城建局")
    assert "部门" in issue.message


def test_unknown_department_in_component_values(tmp_path):
    book = base()
    put(book, "其他得分", 4, "部门名称", "城建局")
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "其他得分", 4, "A", "部门名称", "城建局")
    assert "不存在" in issue.message


def test_unknown_department_in_adjustments(tmp_path):
    book = base()
    put(book, "加减分", 3, "部门名称", "民政局")
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "加减分", 3, "A", "部门名称", "民政局")
    assert "不存在" in issue.message


def test_unknown_own_department_in_ballots(tmp_path):
    book = base()
    put(book, "选票", 5, "所属部门", "党政局")
    issues = issues_of(book, tmp_path)
    column_issue(issues, "选票", 5, "C", "所属部门", "党政局")


def test_unknown_group_in_ballots(tmp_path):
    book = base()
    put(book, "选票", 3, "评委类别", "领导班子")
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "选票", 3, "B", "评委类别", "领导班子")
    assert "不存在" in issue.message


def test_unknown_group_in_evaluators(tmp_path):
    book = base()
    put(book, "评委", 3, "评委类别", "群众代表")
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "评委", 3, "B", "评委类别", "群众代表")
    assert "不存在" in issue.message


# --------------------------------------------------------------------------- duplicates

def test_duplicate_ballot_serial(tmp_path):
    book = base()
    put(book, "选票", 4, "票号", "L1")
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "选票", 4, "A", "票号", "L1")
    assert "重复" in issue.message and "第2行" in issue.message


def test_duplicate_ballot_serial_number_and_text(tmp_path):
    book = base()
    put(book, "选票", 2, "票号", 7)
    put(book, "选票", 3, "票号", "7")
    issues = issues_of(book, tmp_path)
    one_issue(issues, "选票", 3, "A", "票号", "7", text="重复")


def test_duplicate_department_name(tmp_path):
    book = base()
    put(book, "部门", 4, "部门名称", "财务科")
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "部门", 4, "B", "部门名称", "财务科")
    assert "重复" in issue.message


# --------------------------------------------------------------------------- weights and trims

def test_group_weights_not_100(tmp_path):
    book = base()
    put(book, "评委类别", 3, "权重", 30)
    issues = issues_of(book, tmp_path)
    issue = one_issue(issues, "评委类别", None, letter="B", column="权重")
    assert "90" in issue.message and "100" in issue.message


def test_group_weight_sum_names_the_real_column(tmp_path):
    """The weight-sum issue should point at the 权重 column wherever it is."""
    book = base()
    for line in book["评委类别"]:
        line[1], line[2] = line[2], line[1]  # 权重 now in column C
    put(book, "评委类别", 3, "权重", 30)
    issues = issues_of(book, tmp_path)
    issue = one_issue(issues, "评委类别", None, column="权重", text="100")
    assert issue.column.startswith("C"), issue


def test_component_weights_not_100(tmp_path):
    book = base()
    put(book, "得分构成", 3, "权重", 30)
    issues = issues_of(book, tmp_path)
    issue = one_issue(issues, "得分构成", None, letter="B", column="权重")
    assert "90" in issue.message and "100" in issue.message


def test_components_missing_onsite(tmp_path):
    book = base()
    put(book, "得分构成", 2, "项目", "日常考核")
    book["其他得分"][0].append("日常考核")
    for line in book["其他得分"][1:]:
        line.append(80)
    issues = issues_of(book, tmp_path)
    issue = one_issue(issues, "得分构成", None, text="集中考评")
    assert "必须" in issue.message


def test_trim_from_below_2k_plus_1(tmp_path):
    book = base()
    put(book, "评委类别", 3, "去掉最高最低分个数", 2)
    put(book, "评委类别", 3, "去极值起始人数", 4)
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "评委类别", 3, "D", "去极值起始人数", 4)
    assert "5" in issue.message


# --------------------------------------------------------------------------- marks

def test_mark_out_of_range(tmp_path):
    book = base()
    put(book, "选票", 3, "城建科", 101)
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "选票", 3, "G", "城建科", 101)
    assert "超出" in issue.message


def test_negative_mark(tmp_path):
    book = base()
    put(book, "选票", 2, "党政办", -5)
    issues = issues_of(book, tmp_path)
    column_issue(issues, "选票", 2, "E", "党政办", -5, text="超出")


def test_mark_with_too_many_decimals(tmp_path):
    book = base()
    put(book, "选票", 4, "民政科", 88.25)
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "选票", 4, "H", "民政科", 88.25)
    assert "小数" in issue.message


def test_mark_as_text(tmp_path):
    book = base()
    put(book, "选票", 5, "财务科", "优")
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "选票", 5, "F", "财务科", "优")
    assert "不是数字" in issue.message


def test_unknown_grade(tmp_path):
    book = grade_book()
    put(book, "选票", 3, "财务科", "很好")
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "选票", 3, "F", "财务科", "很好")
    assert "等次" in issue.message


# --------------------------------------------------------------------------- text for numbers

def test_weight_as_text(tmp_path):
    book = base()
    put(book, "评委类别", 2, "权重", "六十")
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "评委类别", 2, "B", "权重", "六十")
    assert "数字" in issue.message


def test_year_as_text(tmp_path):
    book = base()
    setting(book, "年度", "二〇二一")
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "设置", 3, "B", "值", "二〇二一")
    assert "数字" in issue.message


def test_component_value_as_text(tmp_path):
    book = base()
    put(book, "其他得分", 3, "目标考核", "良")
    issues = issues_of(book, tmp_path)
    column_issue(issues, "其他得分", 3, "B", "目标考核", "良", text="数字")


def test_adjustment_points_as_text(tmp_path):
    book = base()
    put(book, "加减分", 2, "分值", "一分")
    issues = issues_of(book, tmp_path)
    column_issue(issues, "加减分", 2, "B", "分值", "一分", text="数字")


# ---------------------------------------------------------------- flags, quotas, categories

def test_bad_yes_no_in_groups(tmp_path):
    book = base()
    put(book, "评委类别", 3, "回避本部门", "yes")
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "评委类别", 3, "F", "回避本部门", "yes")
    assert "是" in issue.message and "否" in issue.message


def test_bad_yes_no_in_adjustments(tmp_path):
    book = base()
    put(book, "加减分", 3, "一票否决", "对")
    issues = issues_of(book, tmp_path)
    column_issue(issues, "加减分", 3, "D", "一票否决", "对", text="是")


def test_bad_yes_no_in_settings(tmp_path):
    book = base()
    setting(book, "全同分作废", "Y")
    issues = issues_of(book, tmp_path)
    column_issue(issues, "设置", 8, "B", "值", "Y", text="是")


def test_bad_quota_in_categories(tmp_path):
    book = base()
    put(book, "部门类别", 3, "表扬名额", "两个")
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "部门类别", 3, "B", "表扬名额", "两个")
    assert "名额" in issue.message


@pytest.mark.parametrize("text", ["1.5", "-1", "120%", "10 %%"])
def test_bad_quota_values(tmp_path, text):
    book = base()
    put(book, "部门类别", 2, "诫勉名额", text)
    issues = issues_of(book, tmp_path)
    column_issue(issues, "部门类别", 2, "C", "诫勉名额", text, text="名额")


def without_categories(book: dict) -> dict:
    del book["部门类别"]
    for line in book["部门"][1:]:
        line[3] = None
    return book


def test_without_categories_is_valid(tmp_path):
    book = without_categories(base())
    setting(book, "表扬名额", "25%")
    setting(book, "诫勉名额", 1)
    data = read_workbook(save(book, tmp_path / "ok.xlsx"))
    assert data.categories == []
    assert data.settings.commend_quota.text() == "25%"
    assert data.settings.admonish_quota.count == 1


def test_bad_quota_in_settings(tmp_path):
    book = without_categories(base())
    setting(book, "表扬名额", "前三名")
    issues = issues_of(book, tmp_path)
    column_issue(issues, "设置", 8, "B", "值", "前三名", text="名额")


def test_category_not_defined(tmp_path):
    book = base()
    put(book, "部门", 5, "类别", "执法科室")
    issues = issues_of(book, tmp_path)
    issue = column_issue(issues, "部门", 5, "D", "类别", "执法科室")
    assert "不存在" in issue.message


def test_category_given_without_category_sheet(tmp_path):
    book = base()
    del book["部门类别"]
    issues = issues_of(book, tmp_path)
    for row, category in ((2, "综合科室"), (3, "综合科室"), (4, "业务科室"), (5, "业务科室")):
        issue = column_issue(issues, "部门", row, "D", "类别", category)
        assert "部门类别" in issue.message


def test_missing_category_when_categories_defined(tmp_path):
    book = base()
    put(book, "部门", 3, "类别", None)
    issues = issues_of(book, tmp_path)
    one_issue(issues, "部门", 3, "D", "类别", text="类别")


# --------------------------------------------------------------------------- not an xlsx

def test_not_an_xlsx_file(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_text("票号,评委类别\nL1,领导\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    [issue] = info.value.issues
    assert CJK.search(issue.message) and "xlsx" in issue.message


def test_csv_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    assert CJK.search(str(info.value))


def test_missing_file(tmp_path):
    with pytest.raises(WorkbookError) as info:
        read_workbook(tmp_path / "nowhere.xlsx")
    assert CJK.search(str(info.value))


# --------------------------------------------------------------------------- every error at once

def multi_error_book() -> dict:
    book = base()
    put(book, "评委类别", 2, "权重", "六十")              # text for a number
    book["部门"].append([5, "财务科", "", "综合科室", "", ""])  # duplicate 部门名称
    put(book, "加减分", 3, "部门名称", "民政局")          # unknown department
    put(book, "选票", 3, "城建科", 101)                   # out of range
    put(book, "选票", 4, "民政科", 88.25)                 # too many decimals
    put(book, "选票", 5, "票号", "L1")                    # duplicate 票号
    put(book, "选票", 6, "评委类别", "路人")              # unknown group
    setting(book, "年度", "明年")                         # text year
    return book


def test_all_errors_are_reported(tmp_path):
    issues = issues_of(multi_error_book(), tmp_path)
    column_issue(issues, "评委类别", 2, "B", "权重", "六十")
    column_issue(issues, "部门", 6, "B", "部门名称", "财务科")
    column_issue(issues, "加减分", 3, "A", "部门名称", "民政局")
    column_issue(issues, "选票", 3, "G", "城建科", 101)
    column_issue(issues, "选票", 4, "H", "民政科", 88.25)
    column_issue(issues, "选票", 5, "A", "票号", "L1")
    column_issue(issues, "选票", 6, "B", "评委类别", "路人")
    column_issue(issues, "设置", 3, "B", "值", "明年")
    assert len(issues) == 8, "\n".join(map(str, issues))


def test_bad_group_row_does_not_make_its_name_unknown(tmp_path):
    """A bad 权重 is one error, not also "评委类别不存在" on every ballot and evaluator."""
    book = base()
    put(book, "评委类别", 2, "权重", "六十")
    issues = issues_of(book, tmp_path)
    assert [(i.sheet, i.row, i.column) for i in issues] == [("评委类别", 2, "B(权重)")], \
        "\n".join(map(str, issues))


def test_bad_department_row_does_not_make_its_name_unknown(tmp_path):
    book = base()
    put(book, "部门", 4, "述职顺序", "三")
    issues = issues_of(book, tmp_path)
    assert [(i.sheet, i.row, i.column) for i in issues] == [("部门", 4, "A(述职顺序)")], \
        "\n".join(map(str, issues))


def test_several_errors_in_one_ballot_row(tmp_path):
    book = base()
    put(book, "选票", 2, "党政办", 200)
    put(book, "选票", 2, "财务科", "x")
    put(book, "选票", 2, "城建科", 1.25)
    issues = issues_of(book, tmp_path)
    column_issue(issues, "选票", 2, "E", "党政办", 200)
    column_issue(issues, "选票", 2, "F", "财务科", "x")
    column_issue(issues, "选票", 2, "G", "城建科", 1.25)


def test_same_bad_value_reported_on_every_row(tmp_path):
    """The per-value cache of the ballot reader must not hide repeats of one bad value."""
    book = base()
    for row in (2, 3, 4):
        put(book, "选票", row, "党政办", 150)
    issues = issues_of(book, tmp_path)
    for row in (2, 3, 4):
        column_issue(issues, "选票", row, "E", "党政办", 150)


def test_cli_import_writes_nothing(tmp_path):
    bad = save(multi_error_book(), tmp_path / "bad.xlsx")
    db = tmp_path / "cli.db"
    run = subprocess.run([sys.executable, "main.py", "import", str(bad), "--db", str(db)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode != 0
    assert run.stdout.strip() == ""
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    expected = [str(i) for i in issues_of(multi_error_book(), tmp_path)]
    assert lines == expected
    for line in lines:
        assert line.startswith("工作表“") and CJK.search(line)
    listed = subprocess.run([sys.executable, "main.py", "list", "--db", str(db)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert listed.returncode == 0
    assert listed.stdout == ""


# --------------------------------------------------------------------------- accepted variants

def test_numbers_as_text_and_spaces_are_accepted(tmp_path):
    book = base()
    put(book, "选票", 2, "党政办", "95.5")
    put(book, "选票", 2, "财务科", " 90 ")
    put(book, "选票", 2, "票号", "  L1 ")
    put(book, "选票", 2, "评委类别", " 领导")
    put(book, "选票", 4, "所属部门", " 城建科 ")
    put(book, "评委类别", 2, "权重", " 60 ")
    put(book, "评委类别", 3, "回避本部门", " 是 ")
    put(book, "部门", 2, "部门名称", " 党政办 ")
    put(book, "部门", 2, "述职顺序", "1")
    put(book, "部门类别", 2, "表扬名额", " 1 ")
    put(book, "其他得分", 2, "目标考核", " 90.5")
    put(book, "加减分", 2, "分值", "+1")
    setting(book, "年度", " 2021 ")
    setting(book, "计分方式", " 百分制 ")
    book["选票"][0][4] = " 党政办 "
    book["选票"][0][0] = "票号 "
    data = read_workbook(save(book, tmp_path / "ok.xlsx"))
    first = data.ballots[0]
    assert first.serial == "L1" and first.group == "领导"
    assert first.marks["党政办"] == "95.5" and first.marks["财务科"] == "90"
    assert data.ballots[2].own_department == "城建科"
    assert data.groups[0].weight == Decimal(60)
    assert data.settings.year == 2021
    assert data.departments[0].name == "党政办"
    assert data.component_values["党政办"]["目标考核"] == Decimal("90.5")
    assert data.adjustments[0].points == Decimal(1)


def test_integral_float_serial_is_text(tmp_path):
    book = base()
    for row, serial in ((2, 1), (3, 2.0), (4, 3)):
        put(book, "选票", row, "票号", serial)
    data = read_workbook(save(book, tmp_path / "ok.xlsx"))
    assert [b.serial for b in data.ballots[:3]] == ["1", "2", "3"]


def grade_book() -> dict:
    book = base()
    setting(book, "计分方式", "等次制")
    setting(book, "等次分值", "优秀=100,良好=85,一般=70,较差=50,不了解=")
    grades = ["优秀", "良好", "一般", "较差", "不了解"]
    for number, line in enumerate(book["选票"][1:]):
        line[4:8] = [grades[(number + k) % 5] for k in range(4)]
    put(book, "选票", 3, "民政科", None)
    return book


def test_grade_mode_with_abstention_imports(tmp_path, db):
    data = read_workbook(save(grade_book(), tmp_path / "grade.xlsx"))
    assert data.settings.mode == GRADE_MODE
    assert data.settings.grades[-1].name == "不了解" and data.settings.grades[-1].points is None
    assert any("不了解" in b.marks.values() for b in data.ballots)
    evaluation_id = import_evaluation(db, SYSTEM, data)
    assert [e.id for e in list_evaluations(db)] == [evaluation_id]


def test_grade_mode_first_grade_without_points_is_a_workbook_error(tmp_path):
    book = grade_book()
    setting(book, "等次分值", "不了解=,优秀=100,良好=85")
    issues = issues_of(book, tmp_path)
    one_issue(issues, "设置", 8, "B", "值", text="等次")


def test_grade_mode_with_blank_high_line_row_imports(tmp_path):
    """A score-mode template switched to 等次制 keeps its blank 高分线 row: that is fine."""
    book = grade_book()
    setting(book, "高分线", None)
    data = read_workbook(save(book, tmp_path / "grade.xlsx"))
    assert data.settings.mode == GRADE_MODE and data.settings.high_line is None


def test_grade_mode_with_high_line_value_is_an_error(tmp_path):
    book = grade_book()
    setting(book, "高分线", 90)
    issues = issues_of(book, tmp_path)
    one_issue(issues, "设置", 9, "B", "值", 90, text="高分线")


def test_unprintable_name_is_a_warning_naming_the_cell(tmp_path):
    """A presenter's name with a character no bundled font has is imported, with a warning
    that names the sheet, row and column (it would print as a blank on the notice)."""
    from openpyxl import load_workbook

    from evalapp.workbook.importer import read_workbook_report
    from test_workbook_percent import EXAMPLE
    book = load_workbook(EXAMPLE)
    ws = book["部门"]
    header = [c.value for c in ws[1]]
    column = header.index("述职人") + 1
    ws.cell(row=2, column=column).value = "王\U000F0041明"  # a private-use character
    path = tmp_path / "生僻字.xlsx"
    book.save(path)
    result = read_workbook_report(path)
    lines = [w for w in result.warnings if "没有字形" in w.message]
    assert len(lines) == 1 and lines[0].sheet == "部门" and lines[0].row == 2
    assert "述职人" in lines[0].column
