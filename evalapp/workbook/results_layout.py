"""The look of the results workbook's sheets: fonts, fills and borders, the header block
every sheet opens with, column widths, wrapped rows and the A4 landscape print set-up that
keeps the text at ≥ 9 pt (results_xlsx and results_robustness write their cells with it)."""

from __future__ import annotations

from decimal import Decimal

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from evalapp.digest import check_code
from evalapp.tally_result import ADMONISH, COMMEND, TallyResult

FONT_NAME = "宋体"
FONT_SIZE = 11
MIN_PRINTED_PT = 9  # the smallest text size on paper
MIN_SCALE = -(-MIN_PRINTED_PT * 100 // FONT_SIZE)  # 82 %: 11 pt × 0.82 ≥ 9 pt
MARGIN_IN = 0.4  # left/right/top/bottom page margins (inches)
PRINTABLE_MM = 297 - 2 * MARGIN_IN * 25.4  # A4 landscape width inside the margins
LINE_PT = 15  # row height per text line
FILLS = {COMMEND: PatternFill("solid", fgColor="C6EFCE"),  # light green
         ADMONISH: PatternFill("solid", fgColor="FFC7CE")}  # light red
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
CATEGORY_FILL = PatternFill("solid", fgColor="EDEDED")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SIGNED_INT = "+0;-0;0"
MAX_WIDTH = 48


def score_format(decimals: int, signed: bool = False) -> str:
    body = "0" if decimals <= 0 else "0." + "0" * decimals
    return f"+{body};-{body};{body}" if signed else body


def number(value: Decimal | int | None) -> Decimal | int | None:
    """An exact Decimal (already rounded for display): openpyxl writes its digits as they are."""
    if value is None or isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return value


def put(ws: Worksheet, row: int, col: int, value, fmt: str | None = None,
         bold: bool = False, align: str | None = None):
    cell = ws.cell(row=row, column=col, value=value)
    cell.font = Font(name=FONT_NAME, size=FONT_SIZE, bold=bold)
    if fmt:
        cell.number_format = fmt
    if align:
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    return cell


def text_width(text: str) -> int:
    """Display width: a CJK (full-width) character counts as two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def banner(ws: Worksheet, row: int, text: str, width: int, *, bold=False, size=11,
            fill: PatternFill | None = None) -> int:
    """A merged, wrapped line across ``width`` columns; returns the next row."""
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = Font(name=FONT_NAME, size=size, bold=bold)
    cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    if fill:
        for col in range(1, width + 1):
            ws.cell(row=row, column=col).fill = fill
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    lines = text.count("\n") + 1
    ws.row_dimensions[row].height = max(size * 1.6, 15 * lines + 3)
    return row + 1


def header_block(ws: Worksheet, result: TallyResult, subtitle: str, width: int) -> int:
    """Evaluation name, ballot totals and warnings (if any); returns the next row."""
    row = banner(ws, 1, f"{result.evaluation} — {subtitle}", width, bold=True, size=16)
    totals = (f"收回选票 {result.total_ballots} 张,有效 {result.valid_ballots} 张,"
              f"无效 {result.invalid_ballots} 张;分数保留 {result.decimals} 位小数(四舍五入)")
    if result.previous is not None:
        totals += f";名次变化对比:{result.previous.name}"
    row = banner(ws, row, totals, width)
    if not result.warnings:
        return row
    warnings = "\n".join(f"【提示】{w}" for w in result.warnings)
    return banner(ws, row, warnings, width, bold=True)


def column_headers(ws: Worksheet, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = put(ws, row, col, text, bold=True, align="center")
        cell.fill = HEADER_FILL
        cell.border = BORDER
    lines = max(h.count("\n") + 1 for h in headers)
    ws.row_dimensions[row].height = 15 * lines + 6


def column_mm(width: float) -> float:
    """Printed width of a column of ``width`` characters (Excel: 7 px a character + 5 px
    padding at 96 px an inch)."""
    return (7 * width + 5) * 25.4 / 96


def print_scale(widths: list[float]) -> int:
    """The print scale (%): the whole width on one page when that keeps ≥ 9 pt, else the
    smallest scale that does (the columns then continue on the next page)."""
    total = sum(column_mm(w) for w in widths)
    return max(MIN_SCALE, min(100, int(PRINTABLE_MM * 100 // total)))


def fit_rows(ws: Worksheet, first_row: int, widths: list[float]) -> None:
    """Row heights for wrapped text, so a long 备注 never runs into the next row."""
    merged = ws.merged_cells
    for row in ws.iter_rows(min_row=1, max_col=len(widths)):
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            if cell.coordinate in merged:  # a banner across the sheet
                room = sum(widths) - 2 if cell.column == 1 else 0
                if not room:
                    continue
            elif cell.row < first_row:
                continue
            else:
                room = max(1.0, widths[cell.column - 1] - 1)
            lines = max(lines, sum(-(-text_width(part) // int(room)) or 1
                                   for part in cell.value.split("\n")))
        height = ws.row_dimensions[row[0].row].height or 0
        if lines > 1 and height < LINE_PT * lines + 3:
            ws.row_dimensions[row[0].row].height = LINE_PT * lines + 3


def finish(ws: Worksheet, header_row: int, headers: list[str], result: TallyResult,
            title_cols: str | None = None) -> None:
    """Column widths, wrapped row heights, frozen header, A4 landscape at ≥ 9 pt."""
    widths = [max(text_width(line) for line in h.split("\n")) for h in headers]
    merged = ws.merged_cells
    for row in ws.iter_rows(min_row=header_row + 1, max_col=len(widths)):
        for cell in row:
            if cell.value is None or cell.coordinate in merged:
                continue
            text = cell.value if isinstance(cell.value, str) else f"{cell.value:.2f}+"
            widths[cell.column - 1] = max(widths[cell.column - 1], text_width(text))
    widths = [min(MAX_WIDTH, w + 3) for w in widths]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    fit_rows(ws, header_row + 1, widths)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    scale = print_scale(widths)
    if title_cols and scale == MIN_SCALE:
        ws.print_title_cols = title_cols  # names repeated on the continuation pages
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = scale
    ws.page_setup.pageOrder = "overThenDown"
    for side in ("left", "right", "top", "bottom"):
        setattr(ws.page_margins, side, MARGIN_IN)
    ws.print_options.horizontalCentered = scale > MIN_SCALE
    ws.oddFooter.left.text = result.evaluation.replace("&", "&&")
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.right.text = f"结果校验码 {check_code(result.digest)}"
