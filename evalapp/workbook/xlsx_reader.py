"""Opening an .xlsx workbook safely and reading what Excel shows (issue 12).

Before anything is parsed the file's kind is recognised (.xls, encrypted, .xlsm, not a
workbook) and its size bounded (uncompressed size, declared used range, rows, columns, cells).
Cells are then read sparsely, one pass: a formula gives its saved result (with a warning) or
is refused when none was saved; error values, merged ranges and percent-formatted marks are
refused; a number formatted as a percentage elsewhere becomes the text shown ("10%").
"""

from __future__ import annotations

import re
import threading
import warnings
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from evalapp.textnorm import identifier, identifier_key
from evalapp.workbook import layout as L
from evalapp.workbook.fast_values import calamine_rows, open_calamine
from evalapp.workbook.plain_scan import plain_cells
from evalapp.workbook.number_formats import style_shows
from evalapp.workbook.sheets import ImportIssue, WorkbookError, text_of

MAX_ROWS = 100_000          # rows in one sheet (a city evaluation has a few thousand ballots)
MAX_COLUMNS = 2_000         # columns in one sheet (one per department in 选票)
MAX_CELLS = 6_000_000       # cells in the whole workbook, blank formatted ones included
MAX_UNCOMPRESSED = 512 * 2**20  # bytes of XML once unzipped
MAX_STRINGS = 64 * 2**20    # bytes of the shared-strings part (all of it is held in memory)
MAX_RATIO = 100             # unzipped / zipped, for entries over 1 MB (a zip bomb is ~1000)
MAX_ENTRIES = 5_000         # files inside the zip
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([^"]*)"')
DIMENSION_WINDOW = 64 * 1024  # the declared range comes before the cells
USE_CALAMINE = True         # plain sheets through python-calamine (tests compare both ways)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARKS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
READ_ONLY_SHEETS = (L.README,)  # ignored on import: neither read nor checked
FILE = ""  # ImportIssue.sheet of a problem with the whole file ("工作簿文件:...")


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
    import openpyxl
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's English warnings never reach the user
        try:
            with _LOADING, _unsized_sheets():
                book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception:  # any failure of a file already checked to be a zip: say so in Chinese
            raise _fatal("无法读取:文件已损坏,或不是 Excel 保存的 .xlsx 工作簿"
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
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    original = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = lambda self: None
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = original


def _fatal(message: str, sheet: str = FILE) -> WorkbookError:
    return WorkbookError([ImportIssue(sheet, None, None, None, message)])


def check_file(path: Path) -> None:
    """Refuse, in words a user understands, anything that is not a plain .xlsx workbook of a
    reasonable size."""
    if not path.exists():
        raise _fatal(f"找不到文件“{path}”")
    if path.is_dir():
        raise _fatal(f"“{path}”是文件夹,不是工作簿文件")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        raise _fatal(f"无法打开文件“{path}”(没有读取权限,或文件正被占用)") from None
    if not head:
        raise _fatal("文件是空的(0 字节),不是 Excel 工作簿")
    if head == OLE_MAGIC:
        raise _fatal(_ole_message(path))
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK"):
            raise _fatal("工作簿文件不完整或已损坏(可能没有复制或下载完整),无法读取:"
                         "请重新复制原文件,或在 Excel 中打开后另存再导入")
        raise _fatal(_not_zip_message(path))
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(path, archive)
    except zipfile.BadZipFile:
        raise _fatal("工作簿文件已损坏(压缩包结构不完整),无法读取") from None


def _ole_message(path: Path) -> str:
    """An OLE compound file: an encrypted (password-protected) .xlsx, or an old .xls."""
    data = path.read_bytes()[: 4 * 2**20]
    if any(mark in data for mark in ENCRYPTED_MARKS):
        return ("工作簿设置了打开密码(文件已加密),无法读取:请在 Excel 中用密码打开,"
                "在“文件 → 信息 → 保护工作簿 → 用密码进行加密”中清除密码,保存后再导入")
    return ("这是旧版 Excel 97-2003 工作簿(.xls),不能直接导入:请在 Excel 中打开,"
            "“另存为”Excel 工作簿(.xlsx)后再导入")


def _not_zip_message(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return f"这是文本文件({suffix}),不是 Excel 工作簿:请在 Excel 中另存为 .xlsx 后再导入"
    return ("文件不是 Excel 工作簿(.xlsx),内容无法识别:请选择用 Excel 保存的 .xlsx 文件"
            + (f"(此文件的扩展名为“{suffix}”)" if suffix and suffix != ".xlsx" else ""))


def _check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if "mimetype" in names and "content.xml" in names:
        raise _fatal("这是 OpenDocument 表格(.ods),不是 Excel 工作簿:"
                     "请另存为 Excel 工作簿(.xlsx)后再导入")
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise _fatal("文件是压缩包,但不是 Excel 工作簿(.xlsx):请选择用 Excel 保存的 .xlsx 文件")
    content_types = archive.read("[Content_Types].xml")[: 2**20]
    if (path.suffix.lower() == ".xlsm" or b"macroEnabled" in content_types
            or any(n.lower().endswith("vbaproject.bin") for n in names)):
        raise _fatal("这是启用宏的工作簿(.xlsm),为安全起见不导入:请在 Excel 中“另存为”"
                     "Excel 工作簿(.xlsx,不含宏)后再导入")
    if len(infos) > MAX_ENTRIES:
        raise _fatal(f"工作簿内部文件过多({len(infos)} 个,上限 {MAX_ENTRIES}),不像考评工作簿")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise _fatal(f"工作簿解压后有 {total // 2**20} MB,超过上限 {MAX_UNCOMPRESSED // 2**20} MB:"
                     "请删除多余的工作表、行、列或格式后再导入")
    for info in infos:
        if info.filename.lower().endswith("sharedstrings.xml") and info.file_size > MAX_STRINGS:
            raise _fatal(f"工作簿中的文字共有 {info.file_size // 2**20} MB,超过上限 "
                         f"{MAX_STRINGS // 2**20} MB,不像考评工作簿:请删除多余的内容后再导入")
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _fatal(f"工作簿内部文件“{info.filename}”的压缩比异常"
                         f"({info.compress_size} 字节解压后为 {info.file_size} 字节),"
                         "可能是恶意构造的文件,不导入")


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
            raise _fatal("工作表内容已损坏,无法读取", name) from None
        found = DIMENSION.search(head.split(b"<sheetData", 1)[0])
        if found is None:
            return  # no declared range: the cells are checked one by one as they are read
        try:
            _, _, max_col, max_row = range_boundaries(found.group(1).decode("ascii"))
        except (TypeError, ValueError, UnicodeDecodeError):
            return
        if (max_row or 0) > MAX_ROWS or (max_col or 0) > MAX_COLUMNS:
            corner = f"{get_column_letter(min(max_col or 1, 18278))}{max_row}"
            raise _fatal(f"已用区域到 {corner}({max_row} 行 × {max_col} 列),超过上限"
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
            raise _fatal("工作表内容已损坏,无法读取(请在 Excel 中打开并另存后再导入)",
                         name) from None
        table = _dense(rows)
        self.report(name, table, problems, formulas, merged)
        return table

    def count(self, name: str, number: int, cells: list[dict]) -> None:
        self.cells += len(cells)
        far = max((c["column"] for c in cells), default=0)
        if number > MAX_ROWS or far > MAX_COLUMNS or self.cells > MAX_CELLS:
            where = f"{get_column_letter(min(max(far, 1), 18278))}{number}"
            raise _fatal(f"单元格 {where} 超出可读取的范围(上限 {MAX_ROWS} 行、{MAX_COLUMNS} 列,"
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
