"""The results workbook (考评结果.xlsx): rankings and ballot counts for people to read and print.

Sheets: 排名 (one block per category), 总排名 (overall), 选票统计 (ballot counts and invalid
ballots). Every sheet opens with a header block: evaluation name, ballot totals and, when
there are any, warnings; the result's short 校验码 is in the page footer (no hash rows).
Scores are the tally's rounded Decimals, written as numbers with exactly
``result.decimals`` decimals shown; outcomes are written as words, colour only helps.
Printing: A4 landscape at a fixed scale that keeps the text at ≥ 9 pt (``print_scale``);
a sheet too wide for one page continues on the next with its name columns repeated.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from evalapp.digest import check_code
from evalapp.domain import ONSITE_COMPONENT, format_decimal
from evalapp.rounding import round_half_up
from evalapp.outcome_words import REPEAT_WORD, VETO_WORD, veto_text
from evalapp.tally import (
    ADMONISH, COMMEND, OUTCOME_LABELS, UNSCORED, DepartmentResult, GroupStats, TallyResult,
)

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
REASON_WORDS = {"veto": VETO_WORD, "threshold": "低于诫勉分数线", "rank": "排名靠后"}
SIGNED_INT = "+0;-0;0"
MAX_WIDTH = 48


def write_results_workbook(result: TallyResult, path: str | Path, group_names: list[str],
                           component_names: list[str], robustness=None) -> None:
    """Write the results of ``result`` to an .xlsx file at ``path``. ``robustness``: the
    稳固程度 analysis of the same ballots (computed here when not given)."""
    others = [c for c in component_names if c != ONSITE_COMPONENT]
    wb = Workbook()
    _category_sheet(wb.active, result, group_names, others)
    _overall_sheet(wb.create_sheet("总排名"), result)
    _ballot_sheet(wb.create_sheet("选票统计"), result)
    _robustness_sheet(wb.create_sheet("稳固程度"), result, robustness)
    wb.save(str(path))


# ---------------------------------------------------------------- cell helpers

def _score_format(decimals: int, signed: bool = False) -> str:
    body = "0" if decimals <= 0 else "0." + "0" * decimals
    return f"+{body};-{body};{body}" if signed else body


def _number(value: Decimal | int | None) -> Decimal | int | None:
    """An exact Decimal (already rounded for display): openpyxl writes its digits as they are."""
    if value is None or isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return value


def _put(ws: Worksheet, row: int, col: int, value, fmt: str | None = None,
         bold: bool = False, align: str | None = None):
    cell = ws.cell(row=row, column=col, value=value)
    cell.font = Font(name=FONT_NAME, size=FONT_SIZE, bold=bold)
    if fmt:
        cell.number_format = fmt
    if align:
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    return cell


def _text_width(text: str) -> int:
    """Display width: a CJK (full-width) character counts as two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _banner(ws: Worksheet, row: int, text: str, width: int, *, bold=False, size=11,
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


def _header_block(ws: Worksheet, result: TallyResult, subtitle: str, width: int) -> int:
    """Evaluation name, ballot totals and warnings (if any); returns the next row."""
    row = _banner(ws, 1, f"{result.evaluation} — {subtitle}", width, bold=True, size=16)
    totals = (f"收回选票 {result.total_ballots} 张,有效 {result.valid_ballots} 张,"
              f"无效 {result.invalid_ballots} 张;分数保留 {result.decimals} 位小数(四舍五入)")
    if result.previous is not None:
        totals += f";名次变化对比:{result.previous.name}"
    row = _banner(ws, row, totals, width)
    if not result.warnings:
        return row
    warnings = "\n".join(f"【提示】{w}" for w in result.warnings)
    return _banner(ws, row, warnings, width, bold=True)


def _column_headers(ws: Worksheet, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = _put(ws, row, col, text, bold=True, align="center")
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


def _fit_rows(ws: Worksheet, first_row: int, widths: list[float]) -> None:
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
            lines = max(lines, sum(-(-_text_width(part) // int(room)) or 1
                                   for part in cell.value.split("\n")))
        height = ws.row_dimensions[row[0].row].height or 0
        if lines > 1 and height < LINE_PT * lines + 3:
            ws.row_dimensions[row[0].row].height = LINE_PT * lines + 3


def _finish(ws: Worksheet, header_row: int, headers: list[str], result: TallyResult,
            title_cols: str | None = None) -> None:
    """Column widths, wrapped row heights, frozen header, A4 landscape at ≥ 9 pt."""
    widths = [max(_text_width(line) for line in h.split("\n")) for h in headers]
    merged = ws.merged_cells
    for row in ws.iter_rows(min_row=header_row + 1, max_col=len(widths)):
        for cell in row:
            if cell.value is None or cell.coordinate in merged:
                continue
            text = cell.value if isinstance(cell.value, str) else f"{cell.value:.2f}+"
            widths[cell.column - 1] = max(widths[cell.column - 1], _text_width(text))
    widths = [min(MAX_WIDTH, w + 3) for w in widths]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    _fit_rows(ws, header_row + 1, widths)
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


# ---------------------------------------------------------------- department rows

def _outcome_text(d: DepartmentResult) -> str:
    """结果 as words: 通报表扬 / 诫勉谈话(一票否决、连续末位) / — / 无有效评分."""
    notes = [REASON_WORDS[r] for r in d.admonish_reasons if r in REASON_WORDS]
    if d.outcome != ADMONISH:
        notes = []
    if d.repeat:
        notes.append(REPEAT_WORD)
    label = OUTCOME_LABELS.get(d.outcome, d.outcome)
    return f"{label}({'、'.join(notes)})" if notes else label


def _remark(d: DepartmentResult) -> str:
    parts = []
    if d.unscored_reason:
        parts.append(f"不参加排名:{d.unscored_reason}")
    if d.veto:
        parts.append(veto_text(d))
    if d.repeat:
        parts.append("上年亦被诫勉(连续末位)")
    parts.extend(f"{'+' if a.points > 0 else ''}{format_decimal(a.points)} {a.reason}".strip()
                 for a in d.adjustments if a.points != 0)
    return ";".join(parts)


def _previous_rank(d: DepartmentResult) -> int | str | None:
    if d.previous is None:
        return None
    return d.previous.rank if d.previous.rank is not None else "未排名"


def _fill_row(ws: Worksheet, row: int, width: int, outcome: str) -> None:
    fill = FILLS.get(outcome)
    for col in range(1, width + 1):
        cell = ws.cell(row=row, column=col)
        cell.border = BORDER
        if fill:
            cell.fill = fill


def _department_row(ws: Worksheet, row: int, d: DepartmentResult, decimals: int,
                    group_names: list[str], others: list[str]) -> None:
    score, signed = _score_format(decimals), _score_format(decimals, signed=True)
    values: list[tuple] = [(d.rank, "0"), (d.category_rank, "0"), (d.name, None),
                           (d.category, None)]
    groups = d.group_scores
    values += [(_number(groups.get(g)), score) for g in group_names]
    values.append((_number(d.onsite_score), score))
    for name in others:
        value = d.component_values.get(name)
        places = max(decimals, -value.as_tuple().exponent) if value is not None else decimals
        values.append((_number(value), _score_format(places)))
    values += [(_number(d.bonus), score), (_number(d.penalty), score),
               (_number(d.final_score), score), (_outcome_text(d), None),
               (_number(d.commend_margin), signed), (_number(d.admonish_margin), signed),
               (_previous_rank(d), "0"), (d.rank_change, SIGNED_INT), (_remark(d), None)]
    outcome_col = len(values) - 5
    for col, (value, fmt) in enumerate(values, start=1):
        bold = col == 3 or (col == outcome_col and d.outcome in FILLS)
        _put(ws, row, col, value, fmt, bold=bold,
             align="left" if isinstance(value, str) else "center")
    _fill_row(ws, row, len(values), d.outcome)


def _group_header(name: str, result: TallyResult) -> str:
    weight = next((g.weight for g in result.groups if g.name == name), None)
    return name if weight is None else f"{name}\n(权重{format_decimal(weight)}%)"


def _category_sheet(ws: Worksheet, result: TallyResult, group_names: list[str],
                    others: list[str]) -> None:
    ws.title = "排名"
    headers = (["排名", "类别内排名", "部门名称", "类别"]
               + [_group_header(g, result) for g in group_names]
               + ["集中考评得分"] + others
               + ["加分", "减分", "综合得分", "结果", "与表扬线差距", "与诫勉线差距",
                  "上年排名", "名次变化\n(+为上升)", "备注"])
    width = len(headers)
    header_row = _header_block(ws, result, "分类排名", width)
    _column_headers(ws, header_row, headers)
    row = header_row + 1
    scored = [d for d in result.departments if d.scored]
    names = [c.name for c in result.categories]
    names += sorted({d.category for d in scored} - set(names))
    summaries = {c.name: c for c in result.categories}
    for name in names:
        members = [d for d in scored if d.category == name]
        row = _banner(ws, row, _category_title(name, summaries.get(name), result.decimals),
                      width, bold=True, fill=CATEGORY_FILL)
        for d in members:
            _department_row(ws, row, d, result.decimals, group_names, others)
            row += 1
    unscored = [d for d in result.departments if not d.scored]
    if unscored:
        row = _banner(ws, row, f"未参加排名(共 {len(unscored)} 个)", width, bold=True,
                      fill=CATEGORY_FILL)
        for d in unscored:
            _department_row(ws, row, d, result.decimals, group_names, others)
            row += 1
    _finish(ws, header_row, headers, result, "$A:$D")


def _category_title(name: str, c, decimals: int) -> str:
    if c is None:
        return name
    lines = []
    if c.commend_line is not None:
        lines.append(f"表扬线 {c.commend_line:.{decimals}f} 分")
    if c.admonish_line is not None:
        lines.append(f"诫勉线 {c.admonish_line:.{decimals}f} 分")
    return (f"{name}:参加排名 {c.ranked} 个;表扬名额 {c.commend_quota.text()},"
            f"表扬 {c.commend_count} 个;诫勉名额 {c.admonish_quota.text()},"
            f"诫勉 {c.admonish_count} 个" + ("" if not lines else ";" + ",".join(lines)))


# ---------------------------------------------------------------- other sheets

def _overall_sheet(ws: Worksheet, result: TallyResult) -> None:
    headers = ["排名", "部门名称", "类别", "类别内排名", "集中考评得分", "综合得分", "结果",
               "上年排名", "名次变化\n(+为上升)", "备注"]
    header_row = _header_block(ws, result, "总排名", len(headers))
    _column_headers(ws, header_row, headers)
    score = _score_format(result.decimals)
    for row, d in enumerate(result.departments, start=header_row + 1):
        values = [(d.rank, "0"), (d.name, None), (d.category, None), (d.category_rank, "0"),
                  (_number(d.onsite_score), score), (_number(d.final_score), score),
                  (_outcome_text(d), None), (_previous_rank(d), "0"),
                  (d.rank_change, SIGNED_INT), (_remark(d), None)]
        for col, (value, fmt) in enumerate(values, start=1):
            _put(ws, row, col, value, fmt, bold=(col == 2),
                 align="left" if isinstance(value, str) else "center")
        _fill_row(ws, row, len(values), d.outcome if d.outcome != UNSCORED else "")
    _finish(ws, header_row, headers, result, "$A:$B")


def _group_warning(g: GroupStats) -> str:
    if g.over_issued:
        return f"收回 {g.entered} 张多于发出 {g.issued} 张,请核对;定稿前须由管理员确认"
    if g.issued is not None and g.entered < g.issued:
        return f"尚缺 {g.issued - g.entered} 张"
    return ""


def _ballot_sheet(ws: Worksheet, result: TallyResult) -> None:
    headers = ["评委类别", "权重(%)", "发出", "收回", "有效", "无效", "提示"]
    header_row = _header_block(ws, result, "选票统计", len(headers))
    _column_headers(ws, header_row, headers)
    row = header_row + 1
    for g in result.groups:
        values = [g.name, _number(g.weight), g.issued, g.entered, g.valid, g.invalid,
                  _group_warning(g)]
        for col, value in enumerate(values, start=1):
            cell = _put(ws, row, col, value, "0" if col > 2 else None, bold=(col == 7),
                        align="left" if col in (1, 7) else "center")
            cell.border = BORDER
            if g.over_issued:
                cell.fill = FILLS[ADMONISH]
        row += 1
    issued = [g.issued for g in result.groups]
    totals = ["合计", _number(sum(g.weight for g in result.groups)),
              None if None in issued else sum(issued), result.total_ballots,
              result.valid_ballots, result.invalid_ballots, ""]
    for col, value in enumerate(totals, start=1):
        _put(ws, row, col, value, "0" if col > 2 else None, bold=True,
             align="left" if col in (1, 7) else "center").border = BORDER
    row += 2
    invalid = [b for g in result.groups for b in g.invalid_ballots]
    _put(ws, row, 1, f"无效票明细(共 {len(invalid)} 张)", bold=True)
    row += 1
    _column_headers(ws, row, ["票号", "评委类别", "无效原因"])
    for b in invalid:
        row += 1
        for col, value in enumerate([b.serial, b.group, b.reason], start=1):
            _put(ws, row, col, value, "@" if col == 1 else None, align="left").border = BORDER
    _finish(ws, header_row, headers, result)


# ---------------------------------------------------------------- 稳固程度 (issue 16)

FRAGILE_FILL = PatternFill("solid", fgColor="FFEB9C")  # light yellow: re-check the paper


def _robustness_sheet(ws: Worksheet, result: TallyResult, analysis=None) -> None:
    """Ballots to flip per department (fewest first, with the ballots to re-check) and the
    weight sensitivity of the commend and admonish lists."""
    from evalapp.robustness import OUTCOME_WORDS, analysis_limit, analyse
    from evalapp.services.robustness import (
        DEFINITION, STABLE, WEIGHT_DEFINITION, change_words, flip_words, variation_words,
    )
    if analysis is None:
        analysis = analyse(result.data, analysis_limit(result.data))
    headers = ["部门名称", "类别", "现结果", "改票翻转数", "改后结果", "核实",
               "改票方案(票号:原评分→改为)"]
    header_row = _header_block(ws, result, "稳固程度", len(headers))
    header_row = _banner(ws, header_row, DEFINITION, len(headers))
    _column_headers(ws, header_row, headers)
    row = header_row
    flips = sorted(analysis.flips, key=lambda f: (f.count is None, f.count or 0))
    for f in flips:
        row += 1
        values = [f.department, f.category, OUTCOME_WORDS[f.outcome],
                  flip_words(f, analysis.limit),
                  OUTCOME_WORDS[f.new_outcome] if f.new_outcome else "",
                  ("已重新计算核实" if f.verified else "未核实") if f.count is not None else "",
                  change_words(f)]
        for col, value in enumerate(values, start=1):
            cell = _put(ws, row, col, value, bold=(col == 1 and f.fragile),
                        align="left" if col in (1, 7) else "center")
            cell.border = BORDER
            if f.fragile:
                cell.fill = FRAGILE_FILL
    row += 2
    row = _banner(ws, row, WEIGHT_DEFINITION, len(headers), bold=True)
    if analysis.stable:
        _banner(ws, row, STABLE, len(headers))
    else:
        _column_headers(ws, row, ["权重变化", "各类别权重(%)", "名单变化"])
        for v in analysis.variations:
            row += 1
            weights = "、".join(f"{g} {format_decimal(round_half_up(w, 2))}"
                               for g, w in v.weights.items())
            for col, value in enumerate([v.label, weights, variation_words(v)], start=1):
                cell = _put(ws, row, col, value, align="left")
                cell.border = BORDER
                if v.moves:
                    cell.fill = FRAGILE_FILL
    _finish(ws, header_row, headers, result, "$A:$A")
