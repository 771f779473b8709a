"""Reading the evaluation workbook into plain data, reporting every error with its place."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path

from openpyxl.utils import get_column_letter

from evalapp.domain import (
    ONSITE_COMPONENT, TIE_EXCELLENT, TIE_ONSITE, Adjustment, Ballot, Category, Component,
    Department, DomainError, EvaluationData, Evaluator, Group, Settings, format_decimal,
    parse_quota,
)
from evalapp.setting_rules import HUNDRED, min_trim_from, tie_keys, weights_complete
from evalapp.textnorm import identifier_key
from evalapp.reports.fonts import missing_glyphs_message
from evalapp.workbook import layout as L
from evalapp.workbook.ballot_sheet import BallotReader
from evalapp.workbook.settings_sheet import read_settings
from evalapp.workbook.sheets import ImportIssue, Names, Sheet, WorkbookError, merge_issues
from evalapp.workbook.xlsx_reader import read_book

KNOWN_SHEETS = (L.SETTINGS, L.CATEGORIES, L.GROUPS, L.DEPARTMENTS, L.EVALUATORS, L.COMPONENTS,
                L.COMPONENT_VALUES, L.ADJUSTMENTS, L.BALLOTS, L.README)
REQUIRED_SHEETS = (L.SETTINGS, L.GROUPS, L.DEPARTMENTS)
MAX_TRIM = 1_000
MAX_BALLOTS = 1_000_000


@dataclass
class WorkbookImport:
    """A parsed workbook and what was accepted but is worth a look (one line each)."""

    data: EvaluationData
    warnings: list[ImportIssue] = field(default_factory=list)


def read_workbook(path: str | Path) -> EvaluationData:
    """Parse a workbook file; raise WorkbookError listing every problem found."""
    return read_workbook_report(path).data


def read_workbook_report(path: str | Path) -> WorkbookImport:
    """Parse a workbook file with its warnings; raise WorkbookError listing every problem."""
    book = read_book(path)
    parser = _Parser(book.sheets, book.issues, book.warnings)
    return WorkbookImport(parser.parse(), parser.warnings)


def parse_sheets(sheets: dict[str, list[tuple]]) -> EvaluationData:
    """Parse sheets given as lists of row tuples (header row first)."""
    return _Parser(sheets).parse()


class _Parser:
    def __init__(self, sheets: dict[str, list[tuple]], read_issues: list[ImportIssue] = (),
                 warnings: list[ImportIssue] = ()):
        self.raw = sheets
        self.read_issues = list(read_issues)  # from reading the cells (formulas, merges, ...)
        self.issues: list[ImportIssue] = []
        self.warnings: list[ImportIssue] = list(warnings)
        # Every name listed, even on a row dropped for another error, so that a bad cell in
        # one row does not also make every reference to that name "不存在".
        self.category_names = Names()
        self.group_names = Names()
        self.department_names = Names()

    def issue(self, sheet: str, message: str, row=None, column=None, value=None) -> None:
        self.issues.append(ImportIssue(sheet, row, column, value, message))

    def warn(self, sheet: str, message: str, row=None, column=None, value=None) -> None:
        self.warnings.append(ImportIssue(sheet, row, column, value, message))

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
        issues = merge_issues(self.read_issues, self.issues)
        if issues:
            raise WorkbookError(issues)
        return data

    def resolve(self, row, column: str, names: Names, missing: str) -> str | None:
        """The defined spelling of the name in ``column``; an error when it is not defined,
        a warning when it was written differently (full-width, case)."""
        typed = row.name(column)
        if not typed:
            return None
        found = names.resolve(typed)
        if found is None:
            row.error(column, missing)
        elif found != typed:
            self.warn(row.sheet.name, f"“{typed}”按“{found}”读取(只差全角半角或大小写)",
                      row.line, row.place(column))
        return found

    def define(self, row, column: str, names: Names, duplicate: str) -> str:
        """A name defined on this row (its cell as stored); an error when it collides with an
        earlier one, also after Unicode normalisation."""
        name = row.name(column, required=True)
        if name:
            earlier = names.define(name)
            if earlier is not None:
                row.error(column, duplicate + ("" if earlier == name else
                                               f"(与“{earlier}”只差全角半角、大小写或不可见字符)"))
        return name

    def settings(self) -> Settings:
        sheet = self.sheet(L.SETTINGS, L.SETTINGS_COLUMNS)
        if sheet is None:
            return Settings(name="")
        return read_settings(sheet, has_categories=L.CATEGORIES in self.raw)

    def categories(self) -> list[Category] | None:
        sheet = self.sheet(L.CATEGORIES, L.CATEGORY_COLUMNS[:1], L.CATEGORY_COLUMNS[1:])
        if sheet is None:
            return None
        result = []
        for row in sheet.rows():
            name = self.define(row, "类别", self.category_names, "类别名称重复")
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
        result = []
        for row in sheet.rows():
            name = self.define(row, "类别", self.group_names, "评委类别重复")
            if name in (TIE_ONSITE, TIE_EXCELLENT):
                row.error("类别", "不能用作评委类别名称")
            weight = row.number("权重", high=HUNDRED)
            if row.cells.get("权重") is None:
                row.error("权重", "不能为空")
            elif weight is not None and weight <= 0:
                row.error("权重", "权重必须大于 0")
                weight = None
            trim = row.integer("去掉最高最低分个数", 0, low=0, high=MAX_TRIM)
            # Blank: the default 5, raised to the least allowed value 2k+1 when k > 2.
            trim_from = row.integer("去极值起始人数", max(5, min_trim_from(trim or 0)), low=1,
                                    high=MAX_BALLOTS)
            if trim is not None and trim_from is not None and trim_from < min_trim_from(trim):
                row.error("去极值起始人数", f"去掉最高最低各 {trim} 个时,起始人数至少为 "
                                           f"{min_trim_from(trim)}")
            expected = row.integer("发出票数", None, low=0, high=MAX_BALLOTS)
            recusal = row.flag("回避本部门")
            if name and weight is not None:
                result.append(Group(name, weight, trim or 0, trim_from or 5, expected, recusal))
        if sheet.ok and not result:
            self.issue(L.GROUPS, "至少要有一个评委类别")
        else:
            self.check_sum(sheet, [g.weight for g in result], "各评委类别权重")
        return result

    def check_sum(self, sheet: Sheet, weights: list[Decimal], what: str) -> None:
        """Weights must sum to exactly 100 (Fraction: no context rounds 100.000…004 to 100);
        skipped when some rows were already refused."""
        total = sum((Fraction(w) for w in weights), Fraction(0))
        if weights and not weights_complete(total) and len(weights) == sheet_count(sheet):
            self.issue(sheet.name, f"{what}之和为 {_exact_text(weights)},应恰好为 100",
                       column=column_place(sheet, "权重"))

    def departments(self, categories: list[Category]) -> list[Department]:
        sheet = self.sheet(L.DEPARTMENTS, L.DEPARTMENT_COLUMNS[1:2],
                           L.DEPARTMENT_COLUMNS[:1] + L.DEPARTMENT_COLUMNS[2:])
        if sheet is None:
            return []
        result, orders = [], set()
        for position, row in enumerate(sheet.rows(), start=1):
            name = self.define(row, "部门名称", self.department_names, "部门名称重复")
            order = row.integer("述职顺序", position, low=1, high=MAX_BALLOTS)
            if order in orders:
                row.error("述职顺序", "述职顺序重复")
            orders.add(order)
            category = None
            if not row.name("类别"):
                if categories:
                    row.error("类别", "已定义部门类别,每个部门都要填写类别")
            else:
                category = self.resolve(row, "类别", self.category_names, "类别不存在" + (
                    "(没有“部门类别”工作表时应留空)" if L.CATEGORIES not in self.raw else
                    "(应为“部门类别”中定义的类别)"))
            if name and order is not None:
                result.append(Department(order, name, row.text("简称"), category,
                                         row.text("述职人"), row.text("职务")))
                self._unprintable(row, ("部门名称", "简称", "述职人", "职务"))
        if sheet.ok and not result:
            self.issue(L.DEPARTMENTS, "至少要有一个部门")
        return result

    def _unprintable(self, row, columns) -> None:
        """Warn (not refuse) of characters no bundled font can print: a name that would come
        out blank on the notice must be seen before the meeting."""
        for column in columns:
            message = missing_glyphs_message(column, row.text(column))
            if message:
                self.warn(row.sheet.name, message, row.line, row.place(column))

    def evaluators(self, groups: list[Group]) -> list:
        sheet = self.sheet(L.EVALUATORS, L.EVALUATOR_COLUMNS[:2], L.EVALUATOR_COLUMNS[2:])
        if sheet is None:
            return []
        result = []
        for row in sheet.rows():
            name = row.name("姓名", required=True)
            row.name("评委类别", required=True)
            group = self.resolve(row, "评委类别", self.group_names, "评委类别不存在")
            result.append(Evaluator(name, group or row.name("评委类别"), row.text("单位"),
                                    row.text("座位号")))
        return result

    def components(self) -> list[Component]:
        sheet = self.sheet(L.COMPONENTS, L.COMPONENT_COLUMNS)
        if sheet is None:
            return []
        result, names = [], Names()
        for row in sheet.rows():
            name = self.define(row, "项目", names, "项目重复")
            if name and identifier_key(name) == identifier_key(ONSITE_COMPONENT):
                name = ONSITE_COMPONENT
            weight = row.number("权重", low=Decimal(0), high=HUNDRED)
            if row.cells.get("权重") is None:
                row.error("权重", "不能为空")
            if name and weight is not None:
                result.append(Component(name, weight))
        if sheet.ok and ONSITE_COMPONENT not in names:
            self.issue(L.COMPONENTS, f"必须包含“{ONSITE_COMPONENT}”项目")
        self.check_sum(sheet, [c.weight for c in result], "各项目权重")
        return result

    def component_values(self, data: EvaluationData) -> dict[str, dict[str, Decimal]]:
        others = [c.name for c in data.effective_components() if c.name != ONSITE_COMPONENT]
        sheet = self.sheet(L.COMPONENT_VALUES, (L.VALUE_KEY_COLUMN,), tuple(others))
        if sheet is None:
            return {}
        for name in others:
            if sheet.ok and name not in sheet.index:
                self.issue(L.COMPONENT_VALUES, f"缺少“{name}”列(得分构成中的项目)")
        result: dict[str, dict[str, Decimal]] = {}
        for row in sheet.rows():
            row.name(L.VALUE_KEY_COLUMN, required=True)
            dept = self.resolve(row, L.VALUE_KEY_COLUMN, self.department_names, "部门不存在")
            if dept in result:
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
        result = []
        for row in sheet.rows():
            row.name("部门名称", required=True)
            dept = self.resolve(row, "部门名称", self.department_names, "部门不存在")
            veto = row.flag("一票否决")
            points = row.number("分值", default=Decimal(0) if veto else None,
                                low=-HUNDRED, high=HUNDRED)
            if points is None and row.cells.get("分值") is None:
                row.error("分值", "不能为空(一票否决时可填 0)")
            reason = row.text("事由")
            if dept and points is not None:
                result.append(Adjustment(dept, points, reason, veto))
        return result

    def ballots(self, data: EvaluationData) -> list[Ballot]:
        sheet = self.sheet(L.BALLOTS, L.BALLOT_FIXED_COLUMNS[:2], L.BALLOT_FIXED_COLUMNS[2:],
                           open_columns=True)
        if sheet is None:
            return []
        return BallotReader(sheet, data, self.group_names, self.department_names, self.issue,
                            self.warn).read()

    def check_tie_break(self, settings: Settings, groups: list[Group]) -> None:
        names = Names()
        for name in tie_keys(self.group_names):
            names.define(name)
        keys = []
        for key in settings.tie_break:
            found = names.resolve(key)
            if found is None and len(self.group_names):
                self.issue(L.SETTINGS, f"同分排序中的“{key}”不是“{TIE_ONSITE}”、"
                                       f"“{TIE_EXCELLENT}”或评委类别名称", column="值")
            keys.append(found or key)
        settings.tie_break = tuple(keys)


def _exact_text(values: list[Decimal]) -> str:
    """The exact sum of a few bounded decimals, as text (a context wide enough never to
    round, also when the text is made)."""
    with localcontext() as context:
        context.prec = 200
        return format_decimal(sum(values, Decimal(0)))


def column_place(sheet: Sheet, column: str) -> str:
    """``B(权重)``: the letter where the column really is, and its name."""
    return f"{get_column_letter(sheet.index[column] + 1)}({column})"


def sheet_count(sheet: Sheet) -> int:
    """Number of non-empty data rows (to skip the weight sum when some rows were bad)."""
    return sum(1 for _ in sheet.rows())
