"""Opening an .xlsx workbook safely and reading what Excel shows (issue 12).

Before anything is parsed the file's kind is recognised and its size bounded (xlsx_file),
then each sheet's declared used range, rows, columns and cells. Plain sheets are read by
calamine (plain_scan, fast_values); any other cell by cell with openpyxl, one pass: a
formula gives its saved result (with a warning) or is refused when none was saved; error
values, merged ranges and percent-formatted marks are refused; a number formatted as a
percentage elsewhere becomes the text shown ("10%").
"""

from __future__ import annotations

import re
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from evalapp.textnorm import identifier, identifier_key
from evalapp.workbook import layout as L
from evalapp.workbook.fast_values import calamine_rows, open_calamine
from evalapp.workbook.number_formats import style_shows
from evalapp.workbook.plain_scan import plain_cells
from evalapp.workbook.sheets import ImportIssue, WorkbookError, text_of
from evalapp.workbook.xlsx_file import check_file, fatal

MAX_ROWS = 100_000          # rows in one sheet (a city evaluation has a few thousand ballots)
MAX_COLUMNS = 2_000         # columns in one sheet (one per department in 选票)
MAX_CELLS = 6_000_000       # cells in the whole workbook, blank formatted ones included
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([^"]*)"')
DIMENSION_WINDOW = 64 * 1024  # the declared range comes before the cells
USE_CALAMINE = True         # plain sheets through python-calamine (tests compare both ways)

READ_ONLY_SHEETS = (L.README,)  # ignored on import: neither read nor checked


@dataclass
class BookRead:
    """The cells of the sheets that matter, with problems found while reading them."""

    sheets: dict[str, list[tuple]]
    issues: list[ImportIssue] = field(default_factory=list)    # refusals, cell by cell
    warnings: list[ImportIssue] = field(default_factory=list)  # accepted, worth a look


def read_book(path: str | Path, only: str | None = None) -> BookRead:
    """Read the workbook (or only its sheet ``only``); raise WorkbookError when the file cannot
    be read at all (wrong kind, too large, ambiguous or hidden sheets)."""
    path = Path(path)
    check_file(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's English warnings never reach the user
        try:
            with _LOADING, _unsized_sheets():
                book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception:  # any failure of a file already checked to be a zip: say so in Chinese
            raise fatal("无法读取:文件已损坏,或不是 Excel 保存的 .xlsx 工作簿"
                         "(请在 Excel 中打开并另存为 .xlsx 后再导入)") from None
        reader = _BookReader(book, only, path)
        try:
            return reader.read()
        finally:
            book.close()
            if reader.calamine:
                reader.calamine.close()


_LOADING = threading.Lock()


@contextmanager
def _unsized_sheets():
    """openpyxl's read-only sheets parse their whole XML when it declares no range, just to
    size themselves; the import checks the range itself (check_dimension) and never asks."""
    original = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = lambda self: None
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = original


class _CellParser(WorkSheetParser):
    """openpyxl's sheet parser, reading saved results (data_only) and noting formulas."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        formula = element.find(FORMULA_TAG)
        if formula is not None:
            cell["formula"] = "=" + (formula.text or "…")  # later cells of a shared formula
        return cell


class _BookReader:
    def __init__(self, book, only: str | None, path: Path):
        self.book, self.only, self.path = book, only, path
        self.result = BookRead({})
        self.cells = 0
        self.styles = style_shows(book)
        self.calamine = None  # opened for the first plain sheet (fast_values)

    def read(self) -> BookRead:
        chosen = self.choose_sheets()
        for name, ws in chosen.items():
            self.check_dimension(name, ws)
        for name, ws in chosen.items():
            self.result.sheets[name] = self.read_sheet(name, ws) if ws is not None else []
        return self.result

    def choose_sheets(self) -> dict[str, object]:
        """Sheets by their stripped name; the ones the import does not use are listed (the
        parser refuses unknown names) but not read. Ambiguous and hidden sheets are refused."""
        known = {identifier_key(n): n for n in (L.SETTINGS, L.CATEGORIES, L.GROUPS,
                                                L.DEPARTMENTS, L.EVALUATORS, L.COMPONENTS,
                                                L.COMPONENT_VALUES, L.ADJUSTMENTS, L.BALLOTS,
                                                L.README)}
        by_key: dict[str, list] = {}
        for ws in self.book.worksheets:
            by_key.setdefault(identifier_key(ws.title), []).append(ws)
        problems, chosen = [], {}
        for key, sheets in by_key.items():
            if self.only is not None and key != identifier_key(self.only):
                continue
            titles = "、".join(f"“{ws.title}”" for ws in sheets)
            if len(sheets) > 1:
                problems.append(ImportIssue(sheets[0].title, None, None, None,
                                            f"工作表 {titles} 的名称只差空格、大小写或全角半角,"
                                            "无法确定读哪一个:请删除多余的或改名"))
                continue
            ws = sheets[0]
            name = known.get(key, identifier(ws.title) or ws.title)
            if ws.sheet_state != "visible" and name != L.README:
                problems.append(ImportIssue(ws.title, None, None, None,
                                            "工作表是隐藏的,在 Excel 中看不到却会被导入:"
                                            "请在 Excel 中取消隐藏并核对,或删除它"))
                continue
            if ws.title != name:
                self.result.warnings.append(ImportIssue(
                    ws.title, None, None, None, f"工作表名与“{name}”只差空格、全角半角或不可见字符,"
                                                f"按“{name}”读取"))
            chosen[name] = ws if name in known.values() and name not in READ_ONLY_SHEETS \
                else None
        if problems:
            raise WorkbookError(problems)
        return chosen

    def check_dimension(self, name: str, ws) -> None:
        """Refuse a sheet whose declared used range is beyond the bounds, before reading it."""
        if ws is None:
            return
        try:
            with ws._get_source() as source:
                head = source.read(DIMENSION_WINDOW)
        except Exception:
            raise fatal("工作表内容已损坏,无法读取", name) from None
        found = DIMENSION.search(head.split(b"<sheetData", 1)[0])
        if found is None:
            return  # no declared range: the cells are checked one by one as they are read
        try:
            _, _, max_col, max_row = range_boundaries(found.group(1).decode("ascii"))
        except (TypeError, ValueError, UnicodeDecodeError):
            return
        if (max_row or 0) > MAX_ROWS or (max_col or 0) > MAX_COLUMNS:
            corner = f"{get_column_letter(min(max_col or 1, 18278))}{max_row}"
            raise fatal(f"已用区域到 {corner}({max_row} 行 × {max_col} 列),超过上限"
                         f"({MAX_ROWS} 行、{MAX_COLUMNS} 列):请删除多余的行和列"
                         "(选中后“删除”,不是清除内容)后保存再导入", name)

    def read_sheet(self, name: str, ws) -> list[tuple]:
        fast = self.read_plain(ws, raw=name == L.BALLOTS) if USE_CALAMINE else None
        return fast if fast is not None else self.read_cells(name, ws)

    def read_plain(self, ws, raw: bool) -> list | None:
        """A sheet with nothing but values, read by calamine; None for any other sheet."""
        special = set(self.styles) | set(self.book._date_formats) \
            | set(self.book._timedelta_formats)
        try:
            with self.book._archive.open(ws._worksheet_path) as stream:
                cells = plain_cells(stream, special, MAX_ROWS, MAX_CELLS)
        except Exception:
            return None
        if cells is None or self.cells + cells > MAX_CELLS:
            return None
        if self.calamine is None:
            self.calamine = open_calamine(self.path) or False
        if self.calamine is False:
            return None
        try:
            rows = calamine_rows(self.calamine, ws.title, raw)
        except Exception:
            return None
        self.cells += cells
        return rows

    def read_cells(self, name: str, ws) -> list[tuple]:
        """Cell by cell with openpyxl: formulas, error values, styles and merged ranges seen."""
        rows: dict[int, dict[int, object]] = {}
        problems: list[tuple[int, int, str, object]] = []  # row, column, message, value
        formulas: list[tuple[int, int, str, object]] = []
        styles, percent_shown = self.styles, name != L.BALLOTS
        try:
            with ws._get_source() as source:
                parser = _CellParser(source, ws._shared_strings, data_only=True,
                                     epoch=self.book.epoch,
                                     date_formats=self.book._date_formats,
                                     timedelta_formats=self.book._timedelta_formats)
                for number, cells in parser.parse():
                    self.count(name, number, cells)
                    line = {}
                    for cell in cells:
                        value = self.value(cell, styles, percent_shown, problems, formulas)
                        if value is not None:
                            line[cell["column"]] = value
                    if line:
                        rows.setdefault(number, {}).update(line)
                merged = parser.merged_cells
                hidden_data(rows, parser, problems)
        except WorkbookError:
            raise
        except Exception:
            raise fatal("工作表内容已损坏,无法读取(请在 Excel 中打开并另存后再导入)",
                         name) from None
        table = _dense(rows)
        self.report(name, table, problems, formulas, merged)
        return table

    def count(self, name: str, number: int, cells: list[dict]) -> None:
        self.cells += len(cells)
        far = max((c["column"] for c in cells), default=0)
        if number > MAX_ROWS or far > MAX_COLUMNS or self.cells > MAX_CELLS:
            where = f"{get_column_letter(min(max(far, 1), 18278))}{number}"
            raise fatal(f"单元格 {where} 超出可读取的范围(上限 {MAX_ROWS} 行、{MAX_COLUMNS} 列,"
                         f"整个工作簿 {MAX_CELLS} 个单元格):请删除多余的行和列后保存再导入", name)

    def value(self, cell: dict, styles, percent_shown, problems, formulas) -> object:
        value, place = cell["value"], (cell["row"], cell["column"])
        if cell["data_type"] == "e":
            problems.append((*place, f"单元格是错误值 {value}:请改正公式或填入数值", value))
            return None
        if "formula" in cell:
            if value is None or value == "":
                problems.append((*place, f"单元格是公式({cell['formula']}),但工作簿里没有保存"
                                         "它的计算结果:请在 Excel 中打开、保存一次,"
                                         "或把公式改为数值", None))
                return None
            formulas.append((*place, cell["formula"], value))
        how = styles.get(cell["style_id"])
        if how is None or not isinstance(value, (int, float)) or isinstance(value, bool):
            return value
        if how.hides_digits(value):
            problems.append((*place, f"单元格显示为“{how.text(value)}”,实际值却是 "
                                     f"{how.exact(value)}(数字格式隐藏了小数位):"
                                     "请把单元格格式改为“常规”,核对后再导入", value))
            return None
        if not how.percent:
            return value
        if percent_shown:  # 10% typed in Excel is stored as 0.1: keep what the user sees
            return how.text(value)
        problems.append((*place, f"单元格格式为百分比(显示为“{how.text(value)}”),选票上的评分"
                                 "不能是百分比:请把单元格格式改为“常规”并填入分数", value))
        return None

    def report(self, name, table, problems, formulas, merged) -> None:
        header = table[0] if table else ()

        def column(index: int) -> str:
            title = text_of(header[index - 1]) if index - 1 < len(header) else ""
            return get_column_letter(index) + (f"({identifier(title)})" if title else "")

        for row, col, message, value in problems:
            self.result.issues.append(ImportIssue(name, row, column(col), value, message))
        for row, col, formula, value in formulas:
            self.result.warnings.append(ImportIssue(
                name, row, column(col), None,
                f"单元格是公式({formula}),按工作簿保存的计算结果“{text_of(value)}”读取"
                "(请核对结果是否为最新)"))
        for merge in (merged.mergeCell if merged is not None else ()):
            try:
                min_col, min_row, _, _ = range_boundaries(merge.ref)
            except (TypeError, ValueError):
                min_col, min_row = 1, 1
            self.result.issues.append(ImportIssue(
                name, min_row, column(min_col), None,
                f"合并单元格 {merge.ref}:合并后只有左上角的单元格有内容,其余按空白读取,"
                "会丢失数据:请取消合并,并在每个单元格填入内容"))


def _hidden(attrs: dict, size: str) -> bool:
    return attrs.get("hidden") in ("1", "true") or attrs.get(size) in ("0", "0.0")


def hidden_data(rows: dict[int, dict[int, object]], parser, problems: list) -> None:
    """Data in a hidden row or column (or one of zero height or width, or filtered out) is
    invisible in Excel yet would be imported: refuse it, once per row and per column."""
    message = ("{what}是隐藏的(在 Excel 中看不到),但有数据:请取消隐藏并核对,"
               "或删除这些数据后再导入")
    for key, attrs in parser.row_dimensions.items():
        number = int(key)
        if _hidden(attrs, "ht") and rows.get(number):
            problems.append((number, min(rows[number]), message.format(what="此行"), None))
    for attrs in parser.column_dimensions.values():
        if not _hidden(attrs, "width"):
            continue
        low, high = int(attrs.get("min", 0)), int(attrs.get("max", 0))
        found = next(((n, c) for n, cells in sorted(rows.items()) for c in sorted(cells)
                      if low <= c <= high), None)
        if found is not None:
            problems.append((*found, message.format(what="此列"), None))


def _dense(rows: dict[int, dict[int, object]]) -> list[tuple]:
    """Rows 1..last as tuples (each as long as its last non-blank cell)."""
    if not rows:
        return []
    table = []
    for number in range(1, max(rows) + 1):
        cells = rows.get(number)
        if not cells:
            table.append(())
            continue
        line = [None] * max(cells)
        for col, value in cells.items():
            line[col - 1] = value
        table.append(tuple(line))
    return table
