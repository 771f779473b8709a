"""Reading the evaluation workbook into plain data, reporting every error with its place."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from evalapp.domain import (
    ONSITE_COMPONENT, TIE_EXCELLENT, TIE_ONSITE, Adjustment, Ballot, Category, Component,
    Department, DomainError, EvaluationData, Evaluator, Group, Settings, format_decimal,
    parse_quota,
)
from evalapp.marks import normalize_mark, to_decimal
from evalapp.workbook import layout as L
from evalapp.workbook.settings_sheet import read_settings
from evalapp.workbook.sheets import ImportIssue, Sheet, WorkbookError, clean, text_of

KNOWN_SHEETS = (L.SETTINGS, L.CATEGORIES, L.GROUPS, L.DEPARTMENTS, L.EVALUATORS, L.COMPONENTS,
                L.COMPONENT_VALUES, L.ADJUSTMENTS, L.BALLOTS, L.README)
REQUIRED_SHEETS = (L.SETTINGS, L.GROUPS, L.DEPARTMENTS)
HUNDRED = Decimal(100)


def read_sheets(path: str | Path, only: str | None = None) -> dict[str, list[tuple]]:
    """Rows of every sheet (or of the sheet called ``only``) by sheet name; a file that is not
    an .xlsx workbook raises WorkbookError."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise WorkbookError([ImportIssue(str(path), None, None, None,
                                         f"无法打开工作簿(需要 .xlsx 文件):{exc}")]) from None
    try:
        return {ws.title.strip(): (list(ws.iter_rows(values_only=True))
                                   if ws.title.strip() == L.BALLOTS else _rows_as_shown(ws))
                for ws in book.worksheets if only is None or ws.title.strip() == only}
    finally:
        book.close()


def read_workbook(path: str | Path) -> EvaluationData:
    """Parse a workbook file; raise WorkbookError listing every problem found."""
    return parse_sheets(read_sheets(path))


def _rows_as_shown(ws) -> list[tuple]:
    """Rows of a small sheet; a number formatted as a percentage (Excel stores 10% as 0.1)
    becomes the text the user sees, "10%", so quotas typed as percentages keep their meaning."""
    rows = []
    for row in ws.iter_rows():
        values = []
        for cell in row:
            value = getattr(cell, "value", None)
            if (isinstance(value, (int, float)) and not isinstance(value, bool)
                    and "%" in (getattr(cell, "number_format", "") or "")):
                value = format_decimal(to_decimal(value) * 100) + "%"
            values.append(value)
        rows.append(tuple(values))
    return rows


def parse_sheets(sheets: dict[str, list[tuple]]) -> EvaluationData:
    """Parse sheets given as lists of row tuples (header row first)."""
    return _Parser(sheets).parse()


class _Parser:
    def __init__(self, sheets: dict[str, list[tuple]]):
        self.raw = sheets
        self.issues: list[ImportIssue] = []
        # Every name listed, even on a row dropped for another error, so that a bad cell in
        # one row does not also make every reference to that name "不存在".
        self.group_names: set[str] = set()
        self.department_names: set[str] = set()

    def issue(self, sheet: str, message: str, row=None, column=None, value=None) -> None:
        self.issues.append(ImportIssue(sheet, row, column, value, message))

    def sheet(self, name: str, required: tuple[str, ...], optional: tuple[str, ...] = (),
              open_columns: bool = False) -> Sheet | None:
        if name not in self.raw:
            if name in REQUIRED_SHEETS:
                self.issue(name, "缺少此工作表")
            return None
        return Sheet(name, self.raw[name], self.issues, required, optional, open_columns)

    def parse(self) -> EvaluationData:
        for name in self.raw:
            if name not in KNOWN_SHEETS:
                self.issue(name, "未知的工作表名(应为:" + "、".join(KNOWN_SHEETS[:-1]) + ")")
        settings = self.settings()
        categories = self.categories()
        if categories is None:
            categories = []
        groups = self.groups(settings)
        departments = self.departments(categories)
        data = EvaluationData(settings=settings, categories=categories, groups=groups,
                              departments=departments)
        data.evaluators = self.evaluators(groups)
        data.components = self.components()
        data.component_values = self.component_values(data)
        data.adjustments = self.adjustments(departments)
        data.ballots = self.ballots(data)
        self.check_tie_break(settings, groups)
        if self.issues:
            raise WorkbookError(self.issues)
        return data

    def settings(self) -> Settings:
        sheet = self.sheet(L.SETTINGS, L.SETTINGS_COLUMNS)
        if sheet is None:
            return Settings(name="")
        return read_settings(sheet, has_categories=L.CATEGORIES in self.raw)

    def categories(self) -> list[Category] | None:
        sheet = self.sheet(L.CATEGORIES, L.CATEGORY_COLUMNS[:1], L.CATEGORY_COLUMNS[1:])
        if sheet is None:
            return None
        result, seen = [], set()
        for row in sheet.rows():
            name = row.text("类别", required=True)
            if name and name in seen:
                row.error("类别", "类别名称重复")
            seen.add(name)
            quotas = []
            for column in ("表扬名额", "诫勉名额"):
                try:
                    quotas.append(parse_quota(row.cells.get(column)))
                except DomainError as exc:
                    row.error(column, str(exc))
                    quotas.append(parse_quota(None))
            if name:
                result.append(Category(name, quotas[0], quotas[1]))
        if sheet.ok and not result:
            self.issue(L.CATEGORIES, "至少要有一个类别(不分类别时请删除此工作表)")
        return result

    def groups(self, settings: Settings) -> list[Group]:
        sheet = self.sheet(L.GROUPS, L.GROUP_COLUMNS[:2], L.GROUP_COLUMNS[2:])
        if sheet is None:
            return []
        result, seen = [], set()
        for row in sheet.rows():
            name = row.text("类别", required=True)
            if name in seen:
                row.error("类别", "评委类别重复")
            elif name in (TIE_ONSITE, TIE_EXCELLENT):
                row.error("类别", "不能用作评委类别名称")
            seen.add(name)
            weight = row.number("权重")
            if row.cells.get("权重") is None:
                row.error("权重", "不能为空")
            elif weight is not None and weight <= 0:
                row.error("权重", "权重必须大于 0")
                weight = None
            trim = row.integer("去掉最高最低分个数", 0, low=0)
            # Blank: the default 5, raised to the least allowed value 2k+1 when k > 2.
            trim_from = row.integer("去极值起始人数", max(5, 2 * (trim or 0) + 1), low=1)
            if trim is not None and trim_from is not None and trim_from < 2 * trim + 1:
                row.error("去极值起始人数", f"去掉最高最低各 {trim} 个时,起始人数至少为 "
                                           f"{2 * trim + 1}")
            expected = row.integer("发出票数", None, low=0)
            recusal = row.flag("回避本部门")
            if name and weight is not None:
                result.append(Group(name, weight, trim or 0, trim_from or 5, expected, recusal))
        self.group_names = {n for n in seen if n}
        total = sum((g.weight for g in result), Decimal(0))
        if sheet.ok and not result:
            self.issue(L.GROUPS, "至少要有一个评委类别")
        elif result and total != HUNDRED and len(result) == sheet_count(sheet):
            self.issue(L.GROUPS, f"各评委类别权重之和为 {total},应为 100",
                       column=column_place(sheet, "权重"))
        return result

    def departments(self, categories: list[Category]) -> list[Department]:
        sheet = self.sheet(L.DEPARTMENTS, L.DEPARTMENT_COLUMNS[1:2],
                           L.DEPARTMENT_COLUMNS[:1] + L.DEPARTMENT_COLUMNS[2:])
        if sheet is None:
            return []
        names = {c.name for c in categories}
        result, seen, orders = [], set(), set()
        for position, row in enumerate(sheet.rows(), start=1):
            name = row.text("部门名称", required=True)
            if name in seen:
                row.error("部门名称", "部门名称重复")
            seen.add(name)
            order = row.integer("述职顺序", position, low=1)
            if order in orders:
                row.error("述职顺序", "述职顺序重复")
            orders.add(order)
            category = row.text("类别") or None
            if categories and category is None:
                row.error("类别", "已定义部门类别,每个部门都要填写类别")
            elif category is not None and category not in names:
                row.error("类别", "类别不存在" + ("(没有“部门类别”工作表时应留空)"
                                                 if L.CATEGORIES not in self.raw else
                                                 "(应为“部门类别”中定义的类别)"))
            if name and order is not None:
                result.append(Department(order, name, row.text("简称"), category,
                                         row.text("述职人"), row.text("职务")))
        self.department_names = {n for n in seen if n}
        if sheet.ok and not result:
            self.issue(L.DEPARTMENTS, "至少要有一个部门")
        return result

    def evaluators(self, groups: list[Group]) -> list:
        sheet = self.sheet(L.EVALUATORS, L.EVALUATOR_COLUMNS[:2], L.EVALUATOR_COLUMNS[2:])
        if sheet is None:
            return []
        names = self.group_names
        result = []
        for row in sheet.rows():
            name = row.text("姓名", required=True)
            group = row.text("评委类别", required=True)
            if group and group not in names:
                row.error("评委类别", "评委类别不存在")
            result.append(Evaluator(name, group, row.text("单位"), row.text("座位号")))
        return result

    def components(self) -> list[Component]:
        sheet = self.sheet(L.COMPONENTS, L.COMPONENT_COLUMNS)
        if sheet is None:
            return []
        result, seen = [], set()
        for row in sheet.rows():
            name = row.text("项目", required=True)
            if name in seen:
                row.error("项目", "项目重复")
            seen.add(name)
            weight = row.number("权重", low=Decimal(0), high=HUNDRED)
            if row.cells.get("权重") is None:
                row.error("权重", "不能为空")
            if name and weight is not None:
                result.append(Component(name, weight))
        if sheet.ok and ONSITE_COMPONENT not in seen:
            self.issue(L.COMPONENTS, f"必须包含“{ONSITE_COMPONENT}”项目")
        total = sum((c.weight for c in result), Decimal(0))
        if result and total != HUNDRED and len(result) == sheet_count(sheet):
            self.issue(L.COMPONENTS, f"各项目权重之和为 {total},应为 100",
                       column=column_place(sheet, "权重"))
        return result

    def component_values(self, data: EvaluationData) -> dict[str, dict[str, Decimal]]:
        others = [c.name for c in data.effective_components() if c.name != ONSITE_COMPONENT]
        sheet = self.sheet(L.COMPONENT_VALUES, (L.VALUE_KEY_COLUMN,), tuple(others))
        if sheet is None:
            return {}
        for name in others:
            if sheet.ok and name not in sheet.index:
                self.issue(L.COMPONENT_VALUES, f"缺少“{name}”列(得分构成中的项目)")
        departments = self.department_names
        result: dict[str, dict[str, Decimal]] = {}
        for row in sheet.rows():
            dept = row.text(L.VALUE_KEY_COLUMN, required=True)
            if dept and dept not in departments:
                row.error(L.VALUE_KEY_COLUMN, "部门不存在")
            elif dept in result:
                row.error(L.VALUE_KEY_COLUMN, "部门重复")
            values = {}
            for name in others:
                if name in sheet.index:
                    value = row.number(name, low=Decimal(0), high=HUNDRED)
                    if value is not None:
                        values[name] = value
            if dept:
                result[dept] = values
        return result

    def adjustments(self, departments: list[Department]) -> list[Adjustment]:
        sheet = self.sheet(L.ADJUSTMENTS, L.ADJUSTMENT_COLUMNS[:2], L.ADJUSTMENT_COLUMNS[2:])
        if sheet is None:
            return []
        names = self.department_names
        result = []
        for row in sheet.rows():
            dept = row.text("部门名称", required=True)
            if dept and dept not in names:
                row.error("部门名称", "部门不存在")
            veto = row.flag("一票否决")
            points = row.number("分值", default=Decimal(0) if veto else None)
            if points is None and row.cells.get("分值") is None:
                row.error("分值", "不能为空(一票否决时可填 0)")
            reason = row.text("事由")
            if dept and points is not None:
                result.append(Adjustment(dept, points, reason, veto))
        return result

    def ballots(self, data: EvaluationData) -> list[Ballot]:
        departments = self.department_names
        sheet = self.sheet(L.BALLOTS, L.BALLOT_FIXED_COLUMNS[:2], L.BALLOT_FIXED_COLUMNS[2:],
                           open_columns=True)
        if sheet is None:
            return []
        for name in sheet.extra:
            if name not in departments:
                letter = get_column_letter(sheet.index[name] + 1)
                self.issue(L.BALLOTS, "列名不是部门名称(应与“部门”表中的部门名称完全一致)",
                           row=1, column=letter, value=name)
        return _BallotReader(self, sheet, data).read()

    def check_tie_break(self, settings: Settings, groups: list[Group]) -> None:
        names = {g.name for g in groups} | {TIE_ONSITE, TIE_EXCELLENT}
        for key in settings.tie_break:
            if key not in names and groups:
                self.issue(L.SETTINGS, f"同分排序中的“{key}”不是“{TIE_ONSITE}”、"
                                       f"“{TIE_EXCELLENT}”或评委类别名称", column="值")


def column_place(sheet: Sheet, column: str) -> str:
    """``B(权重)``: the letter where the column really is, and its name."""
    return f"{get_column_letter(sheet.index[column] + 1)}({column})"


def sheet_count(sheet: Sheet) -> int:
    """Number of non-empty data rows (to skip the weight sum when some rows were bad)."""
    return sum(1 for _ in sheet.rows())


class _BallotReader:
    """The 选票 sheet: the bulk of a workbook, read with a per-value cache."""

    def __init__(self, parser: _Parser, sheet: Sheet, data: EvaluationData):
        self.parser, self.sheet, self.data = parser, sheet, data
        self.cache: dict[tuple[type, object], str | DomainError | None] = {}
        departments = {d.name for d in data.departments}
        self.columns = [(name, sheet.index[name]) for name in sheet.extra if name in departments]
        self.groups = parser.group_names

    def mark(self, raw: object) -> str | None:
        key = (type(raw), raw)
        hit = self.cache.get(key, self)
        if hit is self:
            try:
                hit = normalize_mark(self.data.settings, clean(raw))
            except DomainError as exc:
                hit = exc
            self.cache[key] = hit
        if isinstance(hit, DomainError):
            raise hit
        return hit

    def cell(self, raw: tuple, column: str) -> object:
        position = self.sheet.index.get(column)
        if position is None or position >= len(raw):
            return None
        return clean(raw[position])

    def read(self) -> list[Ballot]:
        result, serials = [], {}
        departments = self.parser.department_names
        for number, raw in self.sheet.raw_rows():
            def error(column: str, message: str, value=None) -> None:
                letter = get_column_letter(self.sheet.index[column] + 1)
                self.parser.issue(L.BALLOTS, message, number, f"{letter}({column})", value)
            serial = text_of(self.cell(raw, "票号"))
            if not serial:
                error("票号", "票号不能为空")
            elif serial in serials:
                error("票号", f"票号重复(与第{serials[serial]}行相同)", serial)
            else:
                serials[serial] = number
            group = text_of(self.cell(raw, "评委类别"))
            if group not in self.groups:
                error("评委类别", "评委类别不存在" if group else "评委类别不能为空", group)
            own = text_of(self.cell(raw, "所属部门")) or None
            if own is not None and own not in departments:
                error("所属部门", "部门不存在", own)
            void = text_of(self.cell(raw, "作废原因")) or None
            marks = {}
            for name, position in self.columns:
                value = raw[position] if position < len(raw) else None
                try:
                    text = self.mark(value)
                except DomainError as exc:
                    error(name, str(exc), value)
                    continue
                if text is not None:
                    marks[name] = text
            result.append(Ballot(serial, group, marks, own, void))
        return result
