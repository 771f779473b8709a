"""The fast way to read a plain sheet's values: python-calamine (Rust), issue 16.

calamine sees values only. A sheet is read this way only when a scan of its XML shows that
nothing else matters: no formula, no error value, no merged range, no ISO date cell, no cell
styled with a number format the import interprets (percentages, hidden decimals, dates), no
column beyond ZZ, every row numbered within the bounds. Any other sheet is read cell by cell
with openpyxl (xlsx_reader), which says what is wrong where; both give the same values.
"""

from __future__ import annotations

import re

# Each pattern starts with a literal, which the regular expression engine finds fast (one
# alternation of them all is several times slower).
FORMULA = re.compile(rb"<f[ >/]")
WIDE_COLUMN = re.compile(rb'<c r="[A-Z]{3}')
NOT_PLAIN = (b't="e"', b't="d"', b"<mergeCell", b"<c>",  # error, ISO date, merge, no reference
             b"hidden=", b'ht="0"', b'width="0"')  # a hidden (or squeezed) row or column
ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
COLUMN = re.compile(rb'<c r="([A-Z]+)')
MAX_EXACT_INT = 2 ** 53


def plain_sheet(xml: bytes, special_styles: set[int], max_rows: int, max_area: int) -> bool:
    """Whether the sheet's XML has nothing but values calamine reads as openpyxl would, in a
    rectangle calamine can hold (it makes the sheet dense: rows × columns cells)."""
    if b"<sheetData" not in xml or any(token in xml for token in NOT_PLAIN):
        return False  # a namespace prefix (no plain <sheetData), or see NOT_PLAIN
    if FORMULA.search(xml) or WIDE_COLUMN.search(xml):
        return False
    if xml.count(b"<c ") != xml.count(b'<c r="'):
        return False  # a cell whose reference is not its first attribute
    if any(b' s="%d"' % style in xml for style in special_styles if style):
        return False
    numbers = [int(n) for n in ROW_NUMBER.findall(xml)]
    if len(numbers) != xml.count(b"<row"):
        return False  # a row without its number
    if not all(a < b for a, b in zip(numbers, numbers[1:])) or \
            (numbers and numbers[-1] > max_rows):
        return False
    rows = numbers[-1] if numbers else 0
    if rows * 702 <= max_area:  # ZZ is the widest column left
        return True
    widest = max(((len(c), c) for c in set(COLUMN.findall(xml))), default=(0, b""))[1]
    return rows * column_index(widest.decode("ascii")) <= max_area


def column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def calamine_rows(workbook, title: str, raw: bool = False) -> list:
    """The sheet's rows from row 1, as openpyxl gives them: blank cells None, whole numbers
    int, each row as long as its last non-blank cell, no blank rows at the end. ``raw``:
    calamine's own lists (blank "", numbers float), for the bulk of the 选票 sheet, whose
    reader cleans every cell anyway."""
    values_by_row = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
    if raw:
        return values_by_row
    table: list[tuple] = []
    last, limit = 0, MAX_EXACT_INT
    for values in values_by_row:
        row = [None if v == "" else int(v) if type(v) is float and v.is_integer()
               and -limit < v < limit else v for v in values]
        while row and row[-1] is None:
            row.pop()
        table.append(tuple(row))
        if row:
            last = len(table)
    return table[:last]


def open_calamine(path):
    """A calamine workbook, or None when python-calamine is not installed or cannot read
    the file (the openpyxl reader then reads every sheet)."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine's own errors: openpyxl reads it and says what is wrong
        return None
