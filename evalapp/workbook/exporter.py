"""Writing a whole evaluation as the workbook of WORKBOOK.md (re-imports to the same digest)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from evalapp.domain import (
    GRADE_MODE, MODE_LABELS, ONSITE_COMPONENT, SCORE_MODE, Category, Component, Department,
    EvaluationData, Group, Settings, format_decimal, grades_text, parse_quota,
)
from evalapp.workbook import layout as L

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def cell_number(value: Decimal | None) -> Decimal | int | str | None:
    """An exact decimal for a cell: a number when a spreadsheet keeps it exactly (up to 15
    significant digits, what a double holds), otherwise its canonical text."""
    if value is None:
        return None
    if value == value.to_integral_value() and abs(value) < 10 ** 15:
        return int(value)
    if len(value.normalize().as_tuple().digits) <= 15:
        return value
    return format_decimal(value)


def _yes(flag: bool) -> str:
    return L.YES if flag else L.NO


def _mark_cell(data: EvaluationData, text: str | None):
    if text is None or data.settings.mode == GRADE_MODE:
        return text
    return cell_number(Decimal(text))


class _Writer:
    def __init__(self):
        self.book = Workbook(write_only=True)

    def sheet(self, title: str, header: tuple | list, rows, widths: dict[int, int] | None = None):
        ws = self.book.create_sheet(title)
        for column in range(1, len(header) + 1):
            letter = ws.column_dimensions[_letter(column)]
            letter.width = (widths or {}).get(column, 14)
        ws.freeze_panes = "A2"
        cells = []
        for name in header:
            cell = WriteOnlyCell(ws, value=name)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cells.append(cell)
        ws.append(cells)
        for row in rows:
            ws.append(list(row))
        return ws


def _letter(column: int) -> str:
    return get_column_letter(column)


def settings_rows(data: EvaluationData) -> list[tuple[str, object]]:
    s = data.settings
    rows: list[tuple[str, object]] = [
        (L.S_NAME, s.name), (L.S_YEAR, s.year), (L.S_MODE, MODE_LABELS[s.mode]),
        (L.S_LOW, cell_number(s.low)), (L.S_HIGH, cell_number(s.high)),
        (L.S_MARK_DECIMALS, s.mark_decimals), (L.S_RESULT_DECIMALS, s.result_decimals),
        (L.S_GRADES, grades_text(s.grades)),
        (L.S_EXCELLENT_RATIO, cell_number(s.excellent_ratio)),
    ]
    if s.mode != GRADE_MODE:
        rows.append((L.S_HIGH_LINE, cell_number(s.high_line)))
    rows += [
        (L.S_VOID_IDENTICAL, _yes(s.void_identical)), (L.S_BONUS_CAP, cell_number(s.bonus_cap)),
        (L.S_ADMONISH_BELOW, cell_number(s.admonish_below)),
        (L.S_TIE_BREAK, ",".join(s.tie_break)),
    ]
    if not data.categories:
        rows += [(L.S_COMMEND, s.commend_quota.text()), (L.S_ADMONISH, s.admonish_quota.text())]
    rows += [(L.S_NAMED, _yes(s.named_ballots)), (L.S_DOUBLE_ENTRY, _yes(s.double_entry))]
    return rows


def build_workbook(data: EvaluationData) -> Workbook:
    w = _Writer()
    w.sheet(L.SETTINGS, L.SETTINGS_COLUMNS, settings_rows(data), {1: 18, 2: 48})
    if data.categories:
        w.sheet(L.CATEGORIES, L.CATEGORY_COLUMNS,
                [(c.name, c.commend.text(), c.admonish.text()) for c in data.categories])
    w.sheet(L.GROUPS, L.GROUP_COLUMNS,
            [(g.name, cell_number(g.weight), g.trim, g.trim_from, g.expected, _yes(g.recusal))
             for g in data.groups], {1: 16, 3: 20, 4: 16})
    departments = sorted(data.departments, key=lambda d: d.order)
    w.sheet(L.DEPARTMENTS, L.DEPARTMENT_COLUMNS,
            [(d.order, d.name, d.short_name, d.category, d.presenter, d.title)
             for d in departments], {2: 22})
    if data.evaluators:
        w.sheet(L.EVALUATORS, L.EVALUATOR_COLUMNS,
                [(e.name, e.group, e.unit, e.seat) for e in data.evaluators])
    if data.components:
        w.sheet(L.COMPONENTS, L.COMPONENT_COLUMNS,
                [(c.name, cell_number(c.weight)) for c in data.components])
    others = [c.name for c in data.effective_components() if c.name != ONSITE_COMPONENT]
    if others:
        w.sheet(L.COMPONENT_VALUES, (L.VALUE_KEY_COLUMN, *others),
                [(d.name, *[cell_number(data.component_values.get(d.name, {}).get(c))
                            for c in others]) for d in departments], {1: 22})
    w.sheet(L.ADJUSTMENTS, L.ADJUSTMENT_COLUMNS,
            [(a.department, cell_number(a.points), a.reason, _yes(a.veto))
             for a in data.adjustments], {1: 22, 3: 30})
    names = [d.name for d in departments]
    w.sheet(L.BALLOTS, (*L.BALLOT_FIXED_COLUMNS, *names),
            ([b.serial, b.group, b.own_department, b.void_reason,
              *[_mark_cell(data, b.marks.get(n)) for n in names]]
             for b in sorted(data.ballots, key=lambda b: b.serial)), {4: 16})
    return w.book


def write_workbook(data: EvaluationData, path: str | Path) -> None:
    build_workbook(data).save(path)


README_LINES = (
    ("工作表", "说明"),
    (L.SETTINGS, "考评名称(必填)、年度、计分方式(百分制/等次制)、分值范围、小数位、等次分值、"
                 "优秀票上限比例、高分线、全同分作废、加分上限、诫勉分数线、同分排序等;留空取默认值"),
    (L.CATEGORIES, "可选。类别、表扬名额、诫勉名额(人数,或百分比如 10%)。不分类别时删除此表,"
                   "名额写在“设置”的表扬名额/诫勉名额"),
    (L.GROUPS, "评委类别、权重(各类别之和必须为 100)、去掉最高最低分个数、去极值起始人数"
               "(至少为 2×个数+1)、发出票数、回避本部门(是/否)"),
    (L.DEPARTMENTS, "述职顺序(也是选票上的顺序)、部门名称(不可重复)、简称、类别、述职人、职务"),
    (L.EVALUATORS, "可选。评委名单:姓名、评委类别、单位、座位号"),
    (L.COMPONENTS, "可选。综合得分的构成及权重(之和为 100),必须包含“集中考评”"),
    (L.COMPONENT_VALUES, "可选。部门名称,以及除集中考评外每个构成项目一列(0–100 分)"),
    (L.ADJUSTMENTS, "可选。部门名称、分值(加分为正、减分为负)、事由、一票否决(是/否)"),
    (L.BALLOTS, "可选。票号(不可重复)、评委类别、所属部门(回避本部门时填写)、作废原因,"
                "然后每个部门一列,列名与部门名称完全一致;百分制填分数,等次制填等次名称,不评留空"),
    ("注意", "导入时发现任何错误都不会写入数据,并列出每一处错误的工作表、行、列和值;本“说明”表导入时忽略"),
)


def template_data(grade_mode: bool = False) -> EvaluationData:
    """A small, importable example to fill in."""
    settings = Settings(name="20XX年度区级部门工作业绩集中考评", year=2021,
                        mode=GRADE_MODE if grade_mode else SCORE_MODE)
    return EvaluationData(
        settings=settings,
        categories=[Category("党群部门", parse_quota(1), parse_quota(1)),
                    Category("政府工作部门", parse_quota("10%"), parse_quota(1))],
        groups=[Group("四大班子领导", Decimal(40), 1, 5, 20, False),
                Group("群众代表", Decimal(60), 1, 5, 50, False)],
        departments=[Department(1, "组织部", "组织", "党群部门", "", "部长"),
                     Department(2, "宣传部", "宣传", "党群部门", "", "部长"),
                     Department(3, "发改委", "发改", "政府工作部门", "", "主任"),
                     Department(4, "财政局", "财政", "政府工作部门", "", "局长")],
        components=[Component(ONSITE_COMPONENT, Decimal(100))])


def write_template(path: str | Path, grade_mode: bool = False) -> None:
    book = build_workbook(template_data(grade_mode))
    ws = book.create_sheet(L.README, 0)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 110
    for row in README_LINES:
        ws.append(list(row))
    book.save(path)
