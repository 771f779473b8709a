"""Reading sheets cell by cell while collecting every error with its place."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator

from openpyxl.utils import get_column_letter

from evalapp.domain import DomainError
from evalapp.marks import to_decimal
from evalapp.textnorm import clean_text, identifier, identifier_key
from evalapp.workbook.layout import NO, YES

MAX_MAGNITUDE = Decimal(10) ** 9  # any number in the workbook is smaller than this
MAX_DIGITS = 28  # and this many significant digits at most (no Decimal context rounds it)
MAX_INTEGER = 1_000_000  # default upper bound of a count (发出票数, 述职顺序, ...)


@dataclass(frozen=True)
class ImportIssue:
    sheet: str
    row: int | None
    column: str | None
    value: object
    message: str

    def __str__(self) -> str:
        place = f"工作表“{self.sheet}”" if self.sheet else "工作簿文件"
        if self.row is not None:
            place += f" 第{self.row}行"
        if self.column is not None:
            place += f" {self.column}列"
        value = text_of(self.value) if isinstance(self.value, float) else self.value
        shown = "" if value is None or value == "" else f"(值:{value})"
        return f"{place}{shown}:{self.message}"


class WorkbookError(DomainError):
    """The workbook has errors; ``issues`` lists every one of them."""

    def __init__(self, issues: list[ImportIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def significant_digits(value: Decimal) -> int:
    """Digits of an exact number without its leading and trailing zeros."""
    digits = "".join(map(str, value.as_tuple().digits)).strip("0")
    return len(digits)


def clean(value: object) -> object:
    """Strip text of surrounding spaces and invisible characters; empty text becomes None."""
    if isinstance(value, str):
        value = clean_text(value)
        return value or None
    return value


def text_of(value: object) -> str:
    """Cell as text: integral floats lose their '.0' (票号 1 → "1"); invisible and control
    characters are removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value))


def merge_issues(read_issues: list[ImportIssue], issues: list[ImportIssue]) -> list[ImportIssue]:
    """Problems found while reading cells first; of the others, only those about other cells
    (a formula without a saved result is not also "不能为空")."""
    def place(issue: ImportIssue) -> tuple:
        letters = "".join(ch for ch in (issue.column or "") if "A" <= ch <= "Z")
        return issue.sheet, issue.row, letters
    places = {place(i) for i in read_issues if i.row is not None}
    return read_issues + [i for i in issues if place(i) not in places]


class Names:
    """Names defined in one sheet (部门名称, 评委类别, ...), looked up as Excel shows them:
    two spellings with one identifier_key (full-width/half-width, case, invisible
    characters) are one name."""

    def __init__(self) -> None:
        self.by_key: dict[str, str] = {}

    def define(self, name: str) -> str | None:
        """Register ``name``; return the spelling it collides with, if any."""
        key = identifier_key(name)
        if key in self.by_key:
            return self.by_key[key]
        self.by_key[key] = name
        return None

    def resolve(self, name: str) -> str | None:
        """The defined spelling of ``name``, or None."""
        return self.by_key.get(identifier_key(name)) if name else None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.resolve(name) is not None

    def __iter__(self):
        return iter(self.by_key.values())

    def __len__(self) -> int:
        return len(self.by_key)


@dataclass
class Row:
    """One data row: its 1-based sheet row number and cells by header."""

    sheet: "Sheet"
    line: int
    cells: dict[str, object]
    label: str = ""  # what the row is about (a 设置 item), put before its messages

    def place(self, column: str) -> str:
        index = self.sheet.index.get(column)
        if index is None:  # an optional column the sheet does not have
            return f"({column},表头中没有此列)"
        return f"{get_column_letter(index + 1)}({column})"

    def error(self, column: str | None, message: str) -> None:
        value = self.cells.get(column) if column else None
        if self.label:
            message = f"“{self.label}”{message}"
        self.sheet.issues.append(ImportIssue(self.sheet.name, self.line,
                                             self.place(column) if column else None,
                                             value, message))

    def text(self, column: str, required: bool = False) -> str:
        value = text_of(self.cells.get(column))
        if required and not value:
            self.error(column, "不能为空")
        return value

    def name(self, column: str, required: bool = False) -> str:
        """An identifier cell (a name other cells refer to): text without line breaks."""
        return identifier(self.text(column, required))

    def number(self, column: str, default: Decimal | None = None,
               low: Decimal | None = None, high: Decimal | None = None) -> Decimal | None:
        value = self.cells.get(column)
        if value is None:
            return default
        try:
            result = to_decimal(value)
        except ValueError:
            self.error(column, "应为数字(只写数字和小数点,如“92.5”)")
            return None
        if abs(result) >= MAX_MAGNITUDE or significant_digits(result) > MAX_DIGITS:
            self.error(column, f"数字过大或位数过多(绝对值应小于 {MAX_MAGNITUDE:,},"
                               f"有效数字不超过 {MAX_DIGITS} 位)")
            return None
        if (low is not None and result < low) or (high is not None and result > high):
            self.error(column, f"应在 {low if low is not None else ''}–"
                               f"{high if high is not None else ''} 之间")
            return None
        return result

    def integer(self, column: str, default: int | None = None, low: int | None = None,
                high: int | None = MAX_INTEGER) -> int | None:
        value = self.number(column)
        if value is None:
            return default if self.cells.get(column) is None else None
        if value != value.to_integral_value():
            self.error(column, "应为整数")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"{'' if low is None else low}–{'' if high is None else high}"
            self.error(column, f"应为 {bounds} 之间的整数")
            return None
        return int(value)

    def flag(self, column: str, default: bool = False) -> bool:
        value = self.text(column)
        if not value:
            return default
        if value in (YES, NO):
            return value == YES
        self.error(column, "应为“是”或“否”")
        return default


class Sheet:
    """A worksheet's header and rows; header problems are recorded as issues."""

    def __init__(self, name: str, rows: list[tuple], issues: list[ImportIssue],
                 required: tuple[str, ...], optional: tuple[str, ...] = (),
                 open_columns: bool = False):
        self.name = name
        self.issues = issues
        self.index: dict[str, int] = {}
        self.extra: list[str] = []
        self.ok = True
        self._rows = rows
        header = rows[0] if rows else ()
        self._read_header(header, required, optional, open_columns)
        if self.ok:
            self._check_headless_data(header)

    def _read_header(self, header, required, optional, open_columns) -> None:
        if not any(clean(h) is not None for h in header):
            self._issue(1, None, None, "缺少表头行")
            self.ok = False
            return
        fixed = {identifier_key(n): n for n in (*required, *optional)}
        seen: dict[str, str] = {}
        last = max(i for i, h in enumerate(header) if clean(h) is not None)
        for position, raw in enumerate(header):
            letter = get_column_letter(position + 1)
            name = identifier(text_of(clean(raw)))
            if not name:
                if position < last:
                    self._issue(1, letter, None, "列名为空:每一列都要有列名(不用的列请整列删除)")
                continue
            key = identifier_key(name)
            if key in seen:
                self._issue(1, letter, name, f"列名重复(与{seen[key]}列相同)")
                self.ok = False
                continue
            seen[key] = letter
            name = fixed.get(key, name)
            self.index[name] = position
            if key not in fixed:
                if open_columns:
                    self.extra.append(name)
                else:
                    self._issue(1, letter, name, "多余的列(不是规定的列名)")
        for name in required:
            if name not in self.index:
                self._issue(1, None, None, f"缺少“{name}”列")
                self.ok = False

    def _check_headless_data(self, header) -> None:
        """Data in a column without a header would be silently ignored: refuse it."""
        width = len(header)
        named = set(self.index.values())
        blank = [p for p in range(width) if p not in named]
        reported: set[int] = set()
        for number, raw in enumerate(self._rows[1:], start=2):
            if len(raw) <= width and not blank:
                continue
            for position in [*blank, *range(width, len(raw))]:
                if (position < len(raw) and position not in reported
                        and clean(raw[position]) is not None):
                    reported.add(position)
                    self._issue(number, get_column_letter(position + 1), raw[position],
                                "此列第1行没有列名,但这里有数据(会被忽略):"
                                "请填写列名,或删除这些数据")

    def _issue(self, row, column, value, message) -> None:
        self.issues.append(ImportIssue(self.name, row, column, value, message))

    def rows(self) -> Iterator[Row]:
        if not self.ok:
            return
        columns = list(self.index.items())
        for number, raw in enumerate(self._rows[1:], start=2):
            cells = {}
            for name, position in columns:
                cells[name] = clean(raw[position]) if position < len(raw) else None
            if all(v is None for v in cells.values()):
                continue
            yield Row(self, number, cells)

    def raw_rows(self) -> Iterator[tuple[int, tuple]]:
        """Non-empty data rows as raw tuples (fast path for the ballot sheet)."""
        if not self.ok:
            return
        for number, raw in enumerate(self._rows[1:], start=2):
            if any(clean(v) is not None for v in raw):
                yield number, raw
