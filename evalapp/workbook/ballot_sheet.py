"""The 选票 sheet: the bulk of a workbook, read with a per-value cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.utils import get_column_letter

from evalapp.domain import Ballot, DomainError, EvaluationData
from evalapp.marks import normalize_mark
from evalapp.textnorm import identifier, identifier_key
from evalapp.workbook import layout as L
from evalapp.workbook.sheets import Sheet, clean, text_of

if TYPE_CHECKING:
    from evalapp.workbook.importer import _Parser


class BallotReader:
    """Ballots of the 选票 sheet; every department of 部门 must have its column."""

    def __init__(self, parser: _Parser, sheet: Sheet, data: EvaluationData):
        self.parser, self.sheet, self.data = parser, sheet, data
        self.cache: dict[tuple[type, object], str | DomainError | None] = {}
        self.groups = parser.group_names
        self.departments = parser.department_names
        self.columns = self.department_columns()

    def department_columns(self) -> list[tuple[str, int]]:
        """(department, position) of every department column; errors for a column that is
        no department and for a department without a column (its marks would be lost)."""
        columns, found = [], set()
        for header in self.sheet.extra:
            position = self.sheet.index[header]
            letter = get_column_letter(position + 1)
            name = self.departments.resolve(header)
            if name is None:
                self.parser.issue(L.BALLOTS, "列名不是部门名称(应与“部门”表中的部门名称完全一致)",
                                  row=1, column=letter, value=header)
                continue
            if name != header:
                self.parser.warn(L.BALLOTS, f"列名“{header}”按部门“{name}”读取"
                                            "(只差全角半角或大小写)", row=1, column=letter)
            columns.append((name, position))
            found.add(name)
        if self.sheet.ok:
            for name in self.departments:
                if name not in found:
                    self.parser.issue(L.BALLOTS, f"缺少部门“{name}”的列:“部门”表中的每个部门在"
                                                 "选票表中都要有一列(没有评分也要保留该列)",
                                      row=1)
        return columns

    def mark(self, raw: object) -> str | DomainError | None:
        """The canonical mark of a cell value, or the DomainError saying why it is none."""
        key = (raw.__class__, raw)
        hit = self.cache.get(key, self)
        if hit is self:
            try:
                hit = normalize_mark(self.data.settings, clean(raw))
            except DomainError as exc:
                hit = exc
            self.cache[key] = hit
        return hit

    def cell(self, raw: tuple, column: str) -> object:
        position = self.sheet.index.get(column)
        if position is None or position >= len(raw):
            return None
        return clean(raw[position])

    def name(self, raw: tuple, column: str, names, error) -> str | None:
        """A name cell resolved against ``names`` (None when blank)."""
        typed = identifier(text_of(self.cell(raw, column)))
        if not typed:
            return None
        found = names.resolve(typed)
        if found is None:
            error(column, ("评委类别" if column == "评委类别" else "部门") + "不存在", typed)
        elif found != typed:
            error(column, f"按“{found}”读取(只差全角半角或大小写)", typed, warning=True)
        return found or typed

    def read(self) -> list[Ballot]:
        result, serials = [], {}
        for number, raw in self.sheet.raw_rows():
            def error(column: str, message: str, value=None, warning=False) -> None:
                letter = get_column_letter(self.sheet.index[column] + 1)
                report = self.parser.warn if warning else self.parser.issue
                report(L.BALLOTS, message, number, f"{letter}({column})", value)
            serial = identifier(text_of(self.cell(raw, "票号")))
            key = identifier_key(serial)
            if not serial:
                error("票号", "票号不能为空")
            elif key in serials:
                line, first = serials[key]
                error("票号", f"票号重复(与第{line}行相同"
                              + ("" if first == serial else
                                 f",“{first}”只差全角半角、大小写或不可见字符") + ")", serial)
            else:
                serials[key] = (number, serial)
            group = self.name(raw, "评委类别", self.groups, error)
            if group is None:
                error("评委类别", "评委类别不能为空")
            own = self.name(raw, "所属部门", self.departments, error)
            void = text_of(self.cell(raw, "作废原因")) or None
            marks, width, get = {}, len(raw), self.cache.get
            for name, position in self.columns:  # the hot loop: 2.4 M cells at city scale
                value = raw[position] if position < width else None
                text = get((value.__class__, value), self)
                if text is self:
                    text = self.mark(value)
                if text is None:
                    continue
                if text.__class__ is str:
                    marks[name] = text
                else:
                    error_at(self.parser, number, position, name, str(text), value)
            result.append(Ballot(serial, group or "", marks, own, void))
        return result


def error_at(parser, row: int, position: int, name: str, message: str, value) -> None:
    parser.issue(L.BALLOTS, message, row, f"{get_column_letter(position + 1)}({name})", value)
