"""The 选票 sheet: the bulk of a workbook (2.4 M marks at city scale).

Each distinct cell value is validated once (marks.normalize_mark, the one rule); a row whose
values are all known valid marks becomes its ballot in C loops (map, zip, dict), any other
row is read cell by cell, which names every bad cell by its row and column.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from operator import itemgetter

from openpyxl.utils import get_column_letter

from evalapp.domain import Ballot, DomainError, EvaluationData
from evalapp.marks import normalize_mark
from evalapp.textnorm import identifier, identifier_key
from evalapp.workbook import layout as L
from evalapp.workbook.sheets import Names, Sheet, clean, text_of

Report = Callable[..., None]  # (sheet, message, row, column, value), as _Parser.issue / warn
SHAREABLE = (float, int, str)  # value types whose equal values always give one mark


class BallotReader:
    """Ballots of the 选票 sheet; every department of 部门 must have its column."""

    def __init__(self, sheet: Sheet, data: EvaluationData, groups: Names, departments: Names,
                 issue: Report, warn: Report):
        self.sheet, self.data = sheet, data
        self.issue, self.warn = issue, warn
        self.cache: dict[tuple[type, object], str | DomainError | None] = {}
        # Valid marks ("" for a blank) by value alone, for the rows read in C loops. Never a
        # value equal to 0 or 1: True == 1 and hash(True) == hash(1.0), and no boolean is a mark.
        self.known: dict[object, str] = {"": "", None: ""}
        self.seen: dict[tuple, tuple[str, str | None]] = {}  # name cells already resolved
        self.groups = groups
        self.departments = departments
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
                self.issue(L.BALLOTS, "列名不是部门名称(应与“部门”表中的部门名称完全一致)",
                           row=1, column=letter, value=header)
                continue
            if name != header:
                self.warn(L.BALLOTS, f"列名“{header}”按部门“{name}”读取"
                                     "(只差全角半角或大小写)", row=1, column=letter)
            columns.append((name, position))
            found.add(name)
        if self.sheet.ok:
            for name in self.departments:
                if name not in found:
                    self.issue(L.BALLOTS, f"缺少部门“{name}”的列:“部门”表中的每个部门在"
                                          "选票表中都要有一列(没有评分也要保留该列)", row=1)
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
        position = self.sheet.index.get(column)
        value = raw[position] if position is not None and position < len(raw) else None
        key = (column, value.__class__, value)
        seen = self.seen.get(key)
        if seen is None:  # one identifier_key per distinct cell value
            typed = identifier(text_of(clean(value)))
            seen = self.seen[key] = (typed, names.resolve(typed) if typed else None)
        typed, found = seen
        if not typed:
            return None
        if found is None:
            error(column, ("评委类别" if column == "评委类别" else "部门") + "不存在", typed)
        elif found != typed:
            error(column, f"按“{found}”读取(只差全角半角或大小写)", typed, warning=True)
        return found or typed

    def read(self) -> list[Ballot]:
        result, serials = [], {}
        names = [name for name, _ in self.columns]
        positions = [position for _, position in self.columns]
        width = max(positions, default=-1) + 1
        pick = _picker(positions)
        every = dict.fromkeys(names)  # copied, then filled: no dict grows mark by mark
        known = self.known.get
        for number, raw in self.sheet.raw_rows():
            def error(column: str, message: str, value=None, warning=False) -> None:
                letter = get_column_letter(self.sheet.index[column] + 1)
                report = self.warn if warning else self.issue
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
            if len(raw) < width:
                raw = (*raw, *(None,) * (width - len(raw)))
            texts = list(map(known, pick(raw)))  # "": blank; None: not a known valid mark
            marks = every.copy()
            marks.update(zip(names, texts))
            if not all(texts):
                if None in texts:  # a value not seen yet, or not a mark: cell by cell
                    marks = self.marks(number, names, positions, tuple(pick(raw)))
                else:
                    _drop_blanks(marks, names, texts)
            result.append(Ballot(serial, group or "", marks, own, void))
        return result

    def marks(self, row: int, names: list[str], positions: list[int], values) -> dict:
        """One row's marks cell by cell: every bad cell is reported where it is."""
        marks, get, known = {}, self.cache.get, self.known
        for name, position, value in zip(names, positions, values):
            text = get((value.__class__, value), self)
            if text is self:
                text = self.mark(value)
            if text is None:
                if value.__class__ is str:
                    known[value] = ""  # spaces or invisible characters only
                continue
            if text.__class__ is str:
                marks[name] = text
                if value.__class__ in SHAREABLE and value != 0 and value != 1:
                    known[value] = text
            else:
                error_at(self.issue, row, position, name, str(text), value)
        return marks


def _drop_blanks(marks: dict, names: list[str], texts: list[str]) -> None:
    """Remove the marks whose text is "" (a blank cell), found in C by list.index."""
    at = -1
    try:
        while True:
            at = texts.index("", at + 1)
            del marks[names[at]]
    except ValueError:
        return


def _picker(positions: list[int]) -> Callable:
    """The values at ``positions`` of a row: an iterator over the row when they follow each
    other (no copy of 600 values per row)."""
    if positions and positions == list(range(positions[0], positions[0] + len(positions))):
        low, high = positions[0], positions[0] + len(positions)
        return lambda raw: islice(raw, low, high)
    if len(positions) > 1:
        return itemgetter(*positions)
    return lambda raw: tuple(raw[p] for p in positions)


def error_at(issue: Report, row: int, position: int, name: str, message: str, value) -> None:
    issue(L.BALLOTS, message, row, f"{get_column_letter(position + 1)}({name})", value)
