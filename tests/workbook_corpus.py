"""A corpus of corrupted workbooks (issue 12), each made by a script from tests/data/example.xlsx.

Every case builds one file and says what must happen: an error naming its sheet, row and
column (``Err``), or an import with the right meaning and, where the workbook deserves a look,
a warning naming its place (``Ok``). tests/test_workbook_corpus.py runs each one in its own
process with a time and memory limit.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

import openpyxl

EXAMPLE = Path(__file__).resolve().parent / "data" / "example.xlsx"
# openpyxl saves the example's sheets in this order as xl/worksheets/sheet1.xml ...
SHEET_FILES = {name: f"xl/worksheets/sheet{i}.xml" for i, name in enumerate(
    ["设置", "部门类别", "评委类别", "部门", "得分构成", "其他得分", "加减分", "选票"], start=1)}
BIG = 10 ** 20


@dataclass(frozen=True)
class Err:
    """Refused: one issue on ``sheet`` ("" = the whole file), ``row``, column ``column``
    (letter), whose message contains ``text``."""

    sheet: str
    row: int | None
    column: str | None
    text: str


@dataclass(frozen=True)
class Ok:
    """Accepted: ``check(data)`` holds; ``warnings`` lists (sheet, row, column letter, text)
    that must each be among the warnings."""

    check: Callable
    warnings: tuple = ()
    no_warnings: bool = False


@dataclass
class Case:
    name: str
    build: Callable[[Path], Path]
    expect: Err | Ok
    suffix: str = ".xlsx"
    extra: dict = field(default_factory=dict)


CASES: list[Case] = []


def case(name: str, expect, suffix: str = ".xlsx"):
    def register(build):
        CASES.append(Case(name, build, expect, suffix))
        return build
    return register


# --------------------------------------------------------------------------- building blocks

def book_edit(path: Path, change) -> Path:
    """The example edited with openpyxl."""
    book = openpyxl.load_workbook(EXAMPLE)
    change(book)
    book.save(path)
    return path


def edited(change):
    return lambda path: book_edit(path, change)


def cell_set(sheet: str, ref: str, value, number_format: str | None = None):
    def change(book):
        cell = book[sheet][ref]
        cell.value = value
        if number_format:
            cell.number_format = number_format
    return edited(change)


def xml_edit(path: Path, sheet: str, change, base=None) -> Path:
    """The example (or ``base(path)``) with one sheet's XML rewritten by ``change(text)``."""
    (base or (lambda p: book_edit(p, lambda b: None)))(path)
    member = SHEET_FILES[sheet]
    with zipfile.ZipFile(path) as archive:
        files = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    text = files[member].decode("utf-8")
    new = change(text)
    assert new != text, f"the edit of {sheet} changed nothing"
    files[member] = new.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def replace_cell(ref: str, xml: str):
    """A change replacing the XML of cell ``ref`` by ``xml`` (``{r}`` = the reference)."""
    pattern = re.compile(rf'<c r="{ref}"(?: [^>/]*)?(?:/>|>.*?</c>)', re.S)

    def change(text: str) -> str:
        assert pattern.search(text), ref
        return pattern.sub(lambda _m: xml.format(r=ref), text, count=1)
    return change


def xml_cell(sheet: str, ref: str, xml: str, base=None):
    return lambda path: xml_edit(path, sheet, replace_cell(ref, xml), base)


def ballot(data, serial):
    return next(b for b in data.ballots if b.serial == serial)


def dept(data, name):
    return next(d for d in data.departments if d.name == name)


def group(data, name):
    return next(g for g in data.groups if g.name == name)


# --------------------------------------------------------------------------- formulas

case("formula_mark_cached", Ok(lambda d: ballot(d, "L1").marks["党政办"] == "95",
                               (("选票", 2, "E", "=90+5"),)))(
    xml_cell("选票", "E2", '<c r="{r}"><f>90+5</f><v>95</v></c>'))
case("formula_mark_stale_cache", Ok(lambda d: ballot(d, "L1").marks["党政办"] == "88",
                                    (("选票", 2, "E", "“88”"),)))(
    xml_cell("选票", "E2", '<c r="{r}"><f>90+5</f><v>88</v></c>'))
case("formula_mark_no_cache", Err("选票", 2, "E", "没有保存"))(cell_set("选票", "E2", "=90+2"))
case("formula_mark_empty_cache", Err("选票", 2, "E", "没有保存"))(
    xml_cell("选票", "E2", '<c r="{r}" t="str"><f>IF(1,"","")</f><v></v></c>'))


def all_formulas(book):
    for col in "EFGHIJ":
        book["选票"][f"{col}3"] = "=80+10"


case("formula_ballot_all_no_cache", Err("选票", 3, "J", "公式"))(edited(all_formulas))
case("formula_void_cached", Ok(lambda d: ballot(d, "L1").void_reason == "重复",
                               (("选票", 2, "D", "公式"),)))(
    xml_cell("选票", "D2", '<c r="{r}" t="str"><f>"重"&amp;"复"</f><v>重复</v></c>',
             base=cell_set("选票", "D2", "x")))
case("formula_void_no_cache", Err("选票", 2, "D", "没有保存"))(cell_set("选票", "D2", '="重复"'))
case("formula_own_department_cached",
     Ok(lambda d: ballot(d, "L1").own_department == "党政办", (("选票", 2, "C", "公式"),)))(
    xml_cell("选票", "C2", '<c r="{r}" t="str"><f>"党政办"</f><v>党政办</v></c>',
             base=cell_set("选票", "C2", "x")))
case("formula_own_department_no_cache", Err("选票", 2, "C", "没有保存"))(
    cell_set("选票", "C2", '="党政办"'))


def admonish_line(value):
    def change(book):
        book["设置"].append(["诫勉分数线", value])
    return change


case("formula_admonish_line_cached",
     Ok(lambda d: d.settings.admonish_below == Decimal(85), (("设置", 9, "B", "公式"),)))(
    lambda p: xml_edit(p, "设置", replace_cell("B9", '<c r="{r}"><f>80+5</f><v>85</v></c>'),
                       base=edited(admonish_line(1))))
case("formula_admonish_line_no_cache", Err("设置", 9, "B", "没有保存"))(
    edited(admonish_line("=80+5")))
case("formula_other_score_cached",
     Ok(lambda d: d.component_values["党政办"]["目标考核"] == Decimal(91),
        (("其他得分", 2, "B", "公式"),)))(
    xml_cell("其他得分", "B2", '<c r="{r}"><f>90+1</f><v>91</v></c>'))
case("formula_other_score_no_cache", Err("其他得分", 2, "B", "没有保存"))(
    cell_set("其他得分", "B2", "=90+1"))
case("formula_weight_cached", Ok(lambda d: group(d, "领导班子").weight == 60,
                                 (("评委类别", 2, "B", "公式"),)))(
    xml_cell("评委类别", "B2", '<c r="{r}"><f>30*2</f><v>60</v></c>'))
case("formula_department_name_no_cache", Err("部门", 2, "B", "没有保存"))(
    cell_set("部门", "B2", '="党政办"'))
case("formula_error_value", Err("选票", 2, "E", "错误值"))(
    xml_cell("选票", "E2", '<c r="{r}" t="e"><f>1/0</f><v>#DIV/0!</v></c>'))
case("error_value_without_formula", Err("部门", 3, "B", "#N/A"))(
    xml_cell("部门", "B3", '<c r="{r}" t="e"><v>#N/A</v></c>'))


def shared_formula(text: str) -> str:
    text = replace_cell("E2", '<c r="{r}"><f t="shared" ref="E2:E3" si="0">90+5</f>'
                              '<v>95</v></c>')(text)
    return replace_cell("E3", '<c r="{r}"><f t="shared" si="0"/><v>93</v></c>')(text)


case("formula_shared_cached",
     Ok(lambda d: ballot(d, "L2").marks["党政办"] == "93",
        (("选票", 2, "E", "公式"), ("选票", 3, "E", "公式"))))(
    lambda p: xml_edit(p, "选票", shared_formula))
case("formula_array_no_cache", Err("选票", 2, "F", "没有保存"))(
    xml_cell("选票", "F2", '<c r="{r}"><f t="array" ref="F2">SUM(90)</f></c>'))
case("formula_in_settings_name_cached",
     Ok(lambda d: d.settings.name == "示例考评", (("设置", 2, "B", "公式"),)))(
    xml_cell("设置", "B2", '<c r="{r}" t="str"><f>"示例"&amp;"考评"</f><v>示例考评</v></c>'))


# --------------------------------------------------------------------------- merged cells

def merged(sheet: str, ranges: str):
    def change(book):
        book[sheet].merge_cells(ranges)
    return edited(change)


case("merged_ballot_header", Err("选票", 1, "E", "合并单元格 E1:F1"))(merged("选票", "E1:F1"))
case("merged_department_header", Err("部门", 1, "A", "合并单元格"))(merged("部门", "A1:B1"))
case("merged_marks", Err("选票", 2, "E", "合并单元格 E2:E3"))(merged("选票", "E2:E3"))
case("merged_mark_block", Err("选票", 5, "G", "合并单元格"))(merged("选票", "G5:H6"))
case("merged_categories_in_departments", Err("部门", 3, "D", "合并单元格"))(
    merged("部门", "D3:D4"))
case("merged_settings_header", Err("设置", 1, "A", "合并单元格"))(merged("设置", "A1:B1"))
case("merged_groups_row", Err("评委类别", 2, "C", "合并单元格"))(merged("评委类别", "C2:D2"))


# --------------------------------------------------------------------------- headers and columns

case("blank_department_header", Err("选票", 1, "F", "列名为空"))(cell_set("选票", "F1", None))
case("blank_department_header_missing_column", Err("选票", 1, None, "缺少部门“财务科”的列"))(
    cell_set("选票", "F1", None))
case("blank_department_header_data", Err("选票", 2, "F", "没有列名"))(
    cell_set("选票", "F1", None))
case("data_right_of_last_header", Err("选票", 4, "L", "没有列名"))(cell_set("选票", "L4", 5))
case("data_under_blank_header_departments", Err("部门", 2, "H", "没有列名"))(
    cell_set("部门", "H2", "备注"))
case("duplicate_department_header", Err("选票", 1, "F", "列名重复"))(
    cell_set("选票", "F1", "党政办"))
case("duplicate_header_after_normalising", Err("选票", 1, "F", "列名重复"))(
    cell_set("选票", "F1", "党政办\u200b "))


def delete_column(sheet: str, index: int):
    def change(book):
        book[sheet].delete_cols(index)
    return edited(change)


case("missing_department_column", Err("选票", 1, None, "缺少部门“财务科”的列"))(
    delete_column("选票", 6))
case("unknown_department_column", Err("选票", 1, "F", "不是部门名称"))(
    cell_set("选票", "F1", "财政科"))
case("blank_header_gap_groups", Err("评委类别", 1, "C", "列名为空"))(
    lambda p: book_edit(p, lambda b: b["评委类别"].insert_cols(3)))
case("missing_weight_column", Err("评委类别", 1, None, "缺少“权重”列"))(delete_column("评委类别", 2))
case("header_with_invisible_characters",
     Ok(lambda d: len(d.departments) == 6 and dept(d, "党政办").short_name == "党政",
        no_warnings=True))(cell_set("部门", "B1", "\ufeff部门名称\u200b"))
case("header_full_width_space", Ok(lambda d: len(d.ballots) == 10))(
    cell_set("选票", "A1", "\u3000票号"))


def hide_row(sheet: str, row: int):
    def change(book):
        book[sheet].row_dimensions[row].hidden = True
    return edited(change)


def hide_columns(sheet: str, letter: str, width: float | None = None):
    def change(book):
        if width is None:
            book[sheet].column_dimensions[letter].hidden = True
        else:
            book[sheet].column_dimensions[letter].width = width
    return edited(change)


case("hidden_ballot_row", Err("选票", 5, "A", "此行是隐藏的"))(hide_row("选票", 5))
case("hidden_department_row", Err("部门", 3, "A", "此行是隐藏的"))(hide_row("部门", 3))
case("hidden_mark_column", Err("选票", 1, "G", "此列是隐藏的"))(hide_columns("选票", "G"))
case("zero_width_mark_column", Err("选票", 1, "H", "此列是隐藏的"))(
    lambda p: xml_edit(p, "选票", lambda t: t.replace(
        "<sheetData>", '<cols><col min="8" max="8" width="0" customWidth="1"/></cols><sheetData>')))
case("zero_height_ballot_row", Err("选票", 7, "A", "此行是隐藏的"))(
    lambda p: xml_edit(p, "选票", lambda t: t.replace('<row r="7">',
                                                    '<row r="7" ht="0" customHeight="1">')))
case("hidden_empty_row_is_fine", Ok(lambda d: len(d.ballots) == 10))(hide_row("选票", 40))


# --------------------------------------------------------------------------- sheets

def add_sheet(title: str, state: str = "hidden", copy_of: str | None = None, rows=()):
    def change(book):
        ws = book.copy_worksheet(book[copy_of]) if copy_of else book.create_sheet()
        ws.title = title
        for row in rows:
            ws.append(row)
        ws.sheet_state = state
    return edited(change)


case("hidden_ballots_trailing_space", Err("选票", None, None, "只差空格"))(
    add_sheet("选票 ", copy_of="选票"))
case("hidden_settings_leading_space", Err("设置", None, None, "只差空格"))(
    add_sheet(" 设置", copy_of="设置"))


def hide(sheet: str, state: str = "hidden"):
    def change(book):
        book[sheet].sheet_state = state
    return edited(change)


case("hidden_ballots_only", Err("选票", None, None, "隐藏"))(hide("选票"))
case("very_hidden_departments", Err("部门", None, None, "隐藏"))(hide("部门", "veryHidden"))
case("hidden_unknown_sheet", Err("旧数据", None, None, "隐藏"))(add_sheet("旧数据", rows=[["x"]]))
case("names_differ_by_case", Err("Notes", None, None, "大小写"))(
    lambda p: book_edit(p, lambda b: (b.create_sheet("Notes"), b.create_sheet("notes "))))


def rename(sheet: str, title: str):
    def change(book):
        book[sheet].title = title
    return edited(change)


case("visible_sheet_name_with_space",
     Ok(lambda d: len(d.ballots) == 10, (("选票 ", None, None, "按“选票”读取"),)))(
    rename("选票", "选票 "))
case("unknown_sheet", Err("备注", None, None, "未知的工作表名"))(
    add_sheet("备注", state="visible", rows=[["x"]]))
case("missing_departments_sheet", Err("部门", None, None, "缺少此工作表"))(
    lambda p: book_edit(p, lambda b: b.remove(b["部门"])))
case("readme_hidden_is_ignored", Ok(lambda d: len(d.ballots) == 10))(
    add_sheet("说明", rows=[["本表说明"]]))


# --------------------------------------------------------------------------- identifiers

case("serial_with_zero_width_space", Err("选票", 3, "A", "票号重复"))(
    cell_set("选票", "A3", "L1\u200b"))
case("serial_full_width", Err("选票", 3, "A", "只差全角半角"))(cell_set("选票", "A3", "Ｌ1"))
case("serial_case", Err("选票", 3, "A", "票号重复"))(cell_set("选票", "A3", "l1"))
case("serial_bom_and_spaces", Err("选票", 3, "A", "票号重复"))(
    cell_set("选票", "A3", "\ufeff L1 \u00a0"))
case("department_duplicate_after_zero_width", Err("部门", 3, "B", "部门名称重复"))(
    cell_set("部门", "B3", "党政办\u200b"))


def new_department(name: str, order: int = 7):
    def change(book):
        book["部门"].append([order, name, "x", "业务科室", "x", "x"])
        book["选票"].cell(1, 11, name)
    return change


case("department_full_width_collision", Err("部门", 9, "B", "只差全角半角"))(
    edited(lambda b: (new_department("IT科")(b), new_department("ＩＴ科", 8)(b))))
case("department_case_collision", Err("部门", 9, "B", "部门名称重复"))(
    edited(lambda b: (new_department("IT科")(b), new_department("it科", 8)(b))))
case("department_name_invisible_stripped",
     Ok(lambda d: dept(d, "财务科").order == 2 and ballot(d, "L1").marks["财务科"] == "90",
        no_warnings=True))(cell_set("部门", "B3", "财\u00ad务科\u200b"))
case("ballot_header_full_width_resolved",
     Ok(lambda d: ballot(d, "L1").marks["IT科"] == "70", (("选票", 1, "K", "按部门“IT科”读取"),)))(
    edited(lambda b: (new_department("IT科")(b), b["选票"].cell(1, 11, "ＩＴ科"),
                      [b["选票"].cell(r, 11, 70) for r in range(2, 12)])))
case("group_with_zero_width_in_ballot", Ok(lambda d: ballot(d, "L1").group == "领导班子"))(
    cell_set("选票", "B2", "领导\u200b班子"))
case("category_ideographic_space", Ok(lambda d: dept(d, "党政办").category == "综合科室"))(
    cell_set("部门", "D2", "综合科室\u3000"))
case("group_duplicate_after_nfkc", Err("评委类别", 3, "A", "评委类别重复"))(
    edited(lambda b: (b["评委类别"].__setitem__("A2", "AB"),
                      b["评委类别"].__setitem__("A3", "ＡＢ"))))
case("unknown_group_in_ballot", Err("选票", 2, "B", "评委类别不存在"))(
    cell_set("选票", "B2", "领导"))
case("unknown_own_department", Err("选票", 2, "C", "部门不存在"))(cell_set("选票", "C2", "党办"))
case("other_score_unknown_department", Err("其他得分", 2, "A", "部门不存在"))(
    cell_set("其他得分", "A2", "党政"))
case("adjustment_unknown_department", Err("加减分", 2, "A", "部门不存在"))(
    cell_set("加减分", "A2", "城建"))


# --------------------------------------------------------------------------- numbers

for label, text in [("underscore", "9_2"), ("exponent", "9.2e1"), ("inf", "inf"),
                    ("nan", "NaN"), ("thousands", "1,000"), ("arabic_digits", "٩٢"),
                    ("hex", "0x5C"), ("two_points", "9.2.1")]:
    case(f"mark_text_{label}", Err("选票", 2, "E", "不是数字"))(cell_set("选票", "E2", text))
case("mark_full_width_digits", Ok(lambda d: ballot(d, "L1").marks["党政办"] == "92"))(
    cell_set("选票", "E2", "９２"))
case("mark_text_with_spaces", Ok(lambda d: ballot(d, "L1").marks["党政办"] == "92.5"))(
    cell_set("选票", "E2", " 92.5\u00a0"))
case("mark_percent_formatted", Err("选票", 2, "E", "百分比"))(cell_set("选票", "E2", 0.9, "0%"))
case("mark_percent_one_decimal", Err("选票", 3, "F", "显示为“91%”"))(
    cell_set("选票", "F3", 0.91, "0.0%"))
case("mark_boolean", Err("选票", 2, "E", "不是数字"))(cell_set("选票", "E2", True))
case("mark_out_of_range", Err("选票", 2, "E", "超出分值范围"))(cell_set("选票", "E2", 920))
case("mark_too_many_decimals", Err("选票", 2, "E", "小数位"))(cell_set("选票", "E2", 92.25))
def settings_row(item, value, number_format=None):
    def change(book):
        book["设置"].append([item, value])
        if number_format:
            book["设置"].cell(book["设置"].max_row, 2).number_format = number_format
    return edited(change)


case("mark_format_hides_decimals", Err("选票", 2, "E", "显示为“92.4”,实际值却是 92.35"))(
    cell_set("选票", "E2", 92.35, "0.0"))
case("mark_integer_format_hides_decimals", Err("选票", 4, "G", "显示为“92”"))(
    cell_set("选票", "G4", 92.4, "0"))
case("mark_fixed_format_shows_more_decimals",
     Ok(lambda d: ballot(d, "L1").marks["党政办"] == "92.5", no_warnings=True))(
    cell_set("选票", "E2", 92.5, "0.00"))
case("admonish_line_format_hides_decimals", Err("设置", 9, "B", "显示为“85.6”"))(
    settings_row("诫勉分数线", 85.55, "0.0"))
case("other_score_custom_format_hides", Err("其他得分", 6, "B", "显示为“86.3”"))(
    cell_set("其他得分", "B6", 86.25, '0.0"分"'))
case("quota_percent_format_hides_decimals", Err("部门类别", 3, "B", "显示为“31%”,实际值却是 30.5%"))(
    cell_set("部门类别", "B3", 0.305, "0%"))
case("quota_percent_formatted_keeps_meaning",
     Ok(lambda d: d.categories[1].commend.percent == Decimal(50)))(
    cell_set("部门类别", "B3", 0.5, "0%"))


case("ratio_percent_formatted_keeps_meaning",
     Ok(lambda d: d.settings.excellent_ratio == Decimal("0.3")))(
    settings_row("优秀票上限比例", 0.3, "0%"))
case("admonish_line_percent_refused", Err("设置", 9, "B", "应为数字"))(
    settings_row("诫勉分数线", 0.85, "0%"))
case("weight_percent_text", Err("评委类别", 2, "B", "应为数字"))(cell_set("评委类别", "B2", "60%"))
case("weights_exact_thirds_accepted",
     Ok(lambda d: sum(g.weight for g in d.groups) == 100 and len(d.groups) == 3))(
    edited(lambda b: (b["评委类别"].__setitem__("B2", "33.33333333333333333333333334"),
                      b["评委类别"].__setitem__("B3", "33.33333333333333333333333333"),
                      b["评委类别"].append(["其他", "33.33333333333333333333333333", 0, 5, 0,
                                            "否"]))))
# 28 significant digits each: a 28-digit Decimal context would round the sum to 100
case("weights_sum_just_over_100",
     Err("评委类别", None, "B", "之和为 100.00000000000000000000000004,"))(
    cell_set("评委类别", "B3", "40.00000000000000000000000004"))
case("weights_sum_just_under_100", Err("评委类别", None, "B", "应恰好为 100"))(
    cell_set("评委类别", "B3", "39.99999999999999999999999999"))
case("component_weights_sum_off", Err("得分构成", None, "B", "之和为 100.00000000000000000000000001,"))(
    cell_set("得分构成", "B3", "50.00000000000000000000000001"))
case("weight_with_too_many_digits", Err("评委类别", 3, "B", "有效数字不超过 28 位"))(
    cell_set("评委类别", "B3", "40.0000000000000000000000000004"))
case("upper_bound_exponent_text", Err("设置", 9, "B", "应为数字"))(settings_row("分值上限", "1e3"))
case("quota_exponent_text", Err("部门类别", 2, "B", "名额"))(cell_set("部门类别", "B2", "1e1"))
case("year_underscore", Err("设置", 3, "B", "应为数字"))(cell_set("设置", "B3", "20_20"))
case("other_score_huge_float", Err("其他得分", 3, "B", "数字过大"))(
    cell_set("其他得分", "B3", 1e300))
for label, sheet, ref in [("expected_ballots", "评委类别", "E2"), ("trim", "评委类别", "C2"),
                          ("trim_from", "评委类别", "D3"), ("order", "部门", "A2"),
                          ("quota", "部门类别", "C3"), ("year", "设置", "B3"),
                          ("mark_decimals", "设置", "B5"), ("adjustment", "加减分", "B2")]:
    row = int(ref[1:])
    case(f"huge_integer_{label}", Err(sheet, row, ref[0], "不对" if sheet == "部门类别" else "应"))(
        cell_set(sheet, ref, BIG))
case("huge_order_as_text", Err("部门", 2, "A", "数字过大"))(cell_set("部门", "A2", str(BIG)))
case("order_too_large_but_finite", Err("部门", 2, "A", "之间的整数"))(
    cell_set("部门", "A2", 5_000_000))
case("date_as_mark", Err("选票", 2, "E", "不是数字"))(
    cell_set("选票", "E2", __import__("datetime").datetime(2021, 1, 1)))


# --------------------------------------------------------------------------- size guards

case("cell_at_xfd1048576_settings", Err("设置", None, None, "超过上限"))(
    cell_set("设置", "XFD1048576", 1))
case("cell_at_xfd1048576_ballots", Err("选票", None, None, "超过上限"))(
    cell_set("选票", "XFD1048576", 1))


case("far_cell_within_bounds", Err("选票", 90000, "ZZ", "没有列名"))(
    cell_set("选票", "ZZ90000", 1))
case("far_cell_within_bounds_settings", Err("设置", 99999, "BX", "没有列名"))(
    cell_set("设置", "BX99999", "x"))


def lying_dimension(text: str) -> str:
    text = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:J11"/>', text)
    return text.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
                                        "</sheetData>")


case("cell_far_away_dimension_lies", Err("选票", None, None, "超出可读取的范围"))(
    lambda p: xml_edit(p, "选票", lying_dimension))


def no_dimension_wide_row(text: str) -> str:
    text = re.sub(r'<dimension ref="[^"]*"/>', "", text)
    return text.replace("</sheetData>", '<row r="12"><c r="CCC12"><v>1</v></c></row>'
                                        "</sheetData>")


case("column_beyond_bound_without_dimension", Err("选票", None, None, "超出可读取的范围"))(
    lambda p: xml_edit(p, "选票", no_dimension_wide_row))


def many_rows(text: str) -> str:
    rows = "".join(f'<row r="{r}"><c r="A{r}" s="0"/></row>' for r in range(12, 100_200))
    return text.replace("</sheetData>", rows + "</sheetData>")


case("too_many_rows_of_blank_cells", Err("设置", None, None, "超出可读取的范围"))(
    lambda p: xml_edit(p, "设置", lambda t: many_rows(re.sub(r'<dimension ref="[^"]*"/>', "", t))))


def bomb(path: Path) -> Path:
    book_edit(path, lambda b: None)
    with zipfile.ZipFile(path) as archive:
        files = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    text = files[SHEET_FILES["设置"]].decode()
    files[SHEET_FILES["设置"]] = text.replace("<sheetData>", "<sheetData>" + " " * (64 * 2**20)
                                              ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


case("zip_bomb", Err("", None, None, "压缩比异常"))(bomb)


def many_strings(path: Path) -> Path:
    """66 MB of shared strings that hardly compress (random hex, so no ratio alarm)."""
    import random
    book_edit(path, lambda b: None)
    text = random.Random(7).randbytes(33 * 2**20).hex()
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/sharedStrings.xml",
                         '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                         f"<si><t>{text}</t></si></sst>")
    return path


case("huge_shared_strings", Err("", None, None, "文字共有"))(many_strings)


# --------------------------------------------------------------------------- the file itself

def write_bytes(data: bytes):
    def build(path: Path) -> Path:
        path.write_bytes(data)
        return path
    return build


case("text_file", Err("", None, None, "不是 Excel 工作簿"))(write_bytes("票号,评委类别\n".encode()))
case("csv_file", Err("", None, None, "文本文件"), suffix=".csv")(write_bytes(b"a,b\n1,2\n"))
case("empty_file", Err("", None, None, "0 字节"))(write_bytes(b""))
case("old_xls", Err("", None, None, ".xls"), suffix=".xls")(write_bytes(
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le")
    + bytes(1024)))


def encrypted(path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile
    with EXAMPLE.open("rb") as source, path.open("wb") as out:
        OOXMLFile(source).encrypt("密码123", out)
    return path


case("encrypted_with_password", Err("", None, None, "已加密"))(encrypted)
case("xlsm_by_suffix", Err("", None, None, ".xlsm"), suffix=".xlsm")(
    lambda p: shutil.copy(EXAMPLE, p) and p)


def macro_content_type(path: Path) -> Path:
    shutil.copy(EXAMPLE, path)
    with zipfile.ZipFile(path) as archive:
        files = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
    files["xl/vbaProject.bin"] = b"\x00" * 64
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


case("xlsm_renamed_to_xlsx", Err("", None, None, "启用宏"))(macro_content_type)


def plain_zip(members: dict[str, bytes]):
    def build(path: Path) -> Path:
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        return path
    return build


case("zip_not_a_workbook", Err("", None, None, "不是 Excel 工作簿"))(
    plain_zip({"notes.txt": b"hello"}))
case("ods_spreadsheet", Err("", None, None, "OpenDocument"), suffix=".ods")(
    plain_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
               "content.xml": b"<x/>"}))
case("docx_document", Err("", None, None, "不是 Excel 工作簿"), suffix=".docx")(
    plain_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<x/>"}))
case("truncated_file", Err("", None, None, "不完整"))(
    write_bytes(EXAMPLE.read_bytes()[: len(EXAMPLE.read_bytes()) // 2]))
case("broken_sheet_xml", Err("选票", None, None, "已损坏"))(
    lambda p: xml_edit(p, "选票", lambda t: t.replace("</sheetData>", "<row><c r=")))
case("a_folder", Err("", None, None, "文件夹"))(lambda p: (p.mkdir(), p)[1])
case("missing_file", Err("", None, None, "找不到文件"))(lambda p: p)
