"""The fast way to read a plain sheet's values: python-calamine (Rust), issue 16.

calamine sees values only. A sheet is read this way only when plain_scan shows that nothing
else matters (no formula, error value, merged range, hidden row, interpreted number format)
and that calamine's rectangle is small. Any other sheet is read cell by cell with openpyxl
(xlsx_reader), which says what is wrong where; both give the same values.
"""

from __future__ import annotations

from python_calamine import CalamineWorkbook

MAX_EXACT_INT = 2 ** 53


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
    """A calamine workbook, or None when python-calamine cannot read the file (the openpyxl
    reader then reads every sheet and says what is wrong)."""
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine's own errors
        return None
