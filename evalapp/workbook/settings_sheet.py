"""The 设置 sheet: one 项目/值 row per setting."""

from __future__ import annotations

from decimal import Decimal

from evalapp.domain import (
    GRADE_MODE, SCORE_MODE, TIE_ONSITE, DomainError, Quota, Settings, parse_grades, parse_quota,
)
from evalapp.marks import to_decimal
from evalapp.workbook import layout as L
from evalapp.textnorm import identifier, identifier_key
from evalapp.workbook.sheets import ImportIssue, Row, Sheet, text_of


def read_settings(sheet: Sheet, has_categories: bool) -> Settings:
    rows: dict[str, Row] = {}
    items = {identifier_key(i): i for i in L.SETTING_ITEMS}
    for row in sheet.rows():
        item = row.name("项目", required=True)
        if not item:
            continue
        item = items.get(identifier_key(item), item)
        if item not in L.SETTING_ITEMS:
            row.error("项目", "未知的设置项目(可用:" + "、".join(L.SETTING_ITEMS) + ")")
        elif item in rows:
            row.error("项目", "设置项目重复")
        else:
            row.label = item
            rows[item] = row
    return _SettingsReader(sheet, rows, has_categories).read()


class _SettingsReader:
    def __init__(self, sheet: Sheet, rows: dict[str, Row], has_categories: bool):
        self.sheet, self.rows, self.has_categories = sheet, rows, has_categories

    def value(self, item: str) -> object:
        row = self.rows.get(item)
        return None if row is None else row.cells.get("值")

    def number(self, item: str, default=None, low=None, high=None) -> Decimal | None:
        row = self.rows.get(item)
        return default if row is None else row.number("值", default, low, high)

    def ratio(self, item: str) -> Decimal | None:
        """A number 0–1, also accepted as a percentage ("30%" = 0.3)."""
        value = self.value(item)
        if not (isinstance(value, str) and value.endswith("%")):
            return self.number(item, None, Decimal(0), Decimal(1))
        try:
            percent = to_decimal(value[:-1])
        except ValueError:
            percent = Decimal(-1)
        if not 0 <= percent <= 100:
            self.error(item, "应为 0–1 之间的数字或 0%–100% 的百分比")
            return None
        return percent / 100

    def integer(self, item: str, default: int, low: int, high: int) -> int:
        row = self.rows.get(item)
        if row is None:
            return default
        value = row.integer("值", default, low, high)
        return default if value is None else value

    def flag(self, item: str) -> bool:
        row = self.rows.get(item)
        return False if row is None else row.flag("值")

    def error(self, item: str, message: str) -> None:
        row = self.rows.get(item)
        if row is not None:
            row.error("值", message)
        else:
            self.sheet.issues.append(
                ImportIssue(self.sheet.name, None, None, None, f"“{item}”{message}"))

    def read(self) -> Settings:
        name = text_of(self.value(L.S_NAME))
        if not name and self.sheet.ok:
            self.error(L.S_NAME, "不能为空(缺少考评名称)")
        s = Settings(name=name)
        s.year = self.rows[L.S_YEAR].integer("值", None, 1900, 2999) if L.S_YEAR in self.rows \
            else None
        mode = identifier(text_of(self.value(L.S_MODE))) or "百分制"
        if mode not in L.MODE_BY_LABEL:
            self.error(L.S_MODE, "应为“百分制”或“等次制”")
        s.mode = L.MODE_BY_LABEL.get(mode, SCORE_MODE)
        s.low = self.number(L.S_LOW, Decimal(0)) or Decimal(0)
        s.high = self.number(L.S_HIGH, Decimal(100))
        if s.high is None:
            s.high = Decimal(100)
        elif s.high <= s.low:
            self.error(L.S_HIGH, "分值上限必须大于分值下限")
        s.mark_decimals = self.integer(L.S_MARK_DECIMALS, 1, 0, 4)
        s.result_decimals = self.integer(L.S_RESULT_DECIMALS, 2, 0, 6)
        self.read_grades(s)
        s.excellent_ratio = self.ratio(L.S_EXCELLENT_RATIO)
        if s.excellent_ratio == 0:
            s.excellent_ratio = None
        s.high_line = self.number(L.S_HIGH_LINE)
        s.void_identical = self.flag(L.S_VOID_IDENTICAL)
        s.bonus_cap = self.number(L.S_BONUS_CAP, None, Decimal(0))
        s.admonish_below = self.number(L.S_ADMONISH_BELOW)
        s.tie_break = self.read_tie_break()
        s.commend_quota = self.quota(L.S_COMMEND)
        s.admonish_quota = self.quota(L.S_ADMONISH)
        s.named_ballots = self.flag(L.S_NAMED)
        s.double_entry = self.flag(L.S_DOUBLE_ENTRY)
        return s

    def read_grades(self, s: Settings) -> None:
        text = self.value(L.S_GRADES)
        if text is None:
            return
        try:
            s.grades = parse_grades(str(text))
        except DomainError as exc:
            self.error(L.S_GRADES, str(exc))
        if s.mode == GRADE_MODE and self.value(L.S_HIGH_LINE) is not None:
            self.error(L.S_HIGH_LINE, "等次制不用高分线(优秀票即第一个等次)")

    def read_tie_break(self) -> tuple[str, ...]:
        text = self.value(L.S_TIE_BREAK)
        if text is None:
            return (TIE_ONSITE,)
        keys = [k.strip() for k in str(text).replace("，", ",").split(",") if k.strip()]
        if len(set(keys)) != len(keys):
            self.error(L.S_TIE_BREAK, "同分排序中有重复项")
        return tuple(keys) or (TIE_ONSITE,)

    def quota(self, item: str) -> Quota:
        try:
            return parse_quota(self.value(item))
        except DomainError as exc:
            self.error(item, str(exc))
            return Quota()

