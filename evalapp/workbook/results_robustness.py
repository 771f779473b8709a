"""The 稳固程度 sheet of the results workbook (issue 16): ballots to flip per department,
fewest first, with the ballots to re-check, and the weight sensitivity of the lists."""

from __future__ import annotations

from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from evalapp.domain import format_decimal
from evalapp.robustness import OUTCOME_WORDS, analysis_limit, analyse
from evalapp.rounding import round_half_up
from evalapp.services.robustness import (
    DEFINITION, STABLE, WEIGHT_DEFINITION, change_words, flip_words, variation_words,
)
from evalapp.tally_result import TallyResult
from evalapp.workbook.results_layout import (
    BORDER, banner, column_headers, finish, header_block, put,
)

FRAGILE_FILL = PatternFill("solid", fgColor="FFEB9C")  # light yellow: re-check the paper


def robustness_sheet(ws: Worksheet, result: TallyResult, analysis=None) -> None:
    """Ballots to flip per department (fewest first, with the ballots to re-check) and the
    weight sensitivity of the commend and admonish lists."""
    if analysis is None:
        analysis = analyse(result.data, analysis_limit(result.data))
    headers = ["部门名称", "类别", "现结果", "改票翻转数", "改后结果", "核实",
               "改票方案(票号:原评分→改为)"]
    header_row = header_block(ws, result, "稳固程度", len(headers))
    header_row = banner(ws, header_row, DEFINITION, len(headers))
    column_headers(ws, header_row, headers)
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
            cell = put(ws, row, col, value, bold=(col == 1 and f.fragile),
                        align="left" if col in (1, 7) else "center")
            cell.border = BORDER
            if f.fragile:
                cell.fill = FRAGILE_FILL
    row += 2
    row = banner(ws, row, WEIGHT_DEFINITION, len(headers), bold=True)
    if analysis.stable:
        banner(ws, row, STABLE, len(headers))
    else:
        column_headers(ws, row, ["权重变化", "各类别权重(%)", "名单变化"])
        for v in analysis.variations:
            row += 1
            weights = "、".join(f"{g} {format_decimal(round_half_up(w, 2))}"
                               for g, w in v.weights.items())
            for col, value in enumerate([v.label, weights, variation_words(v)], start=1):
                cell = put(ws, row, col, value, align="left")
                cell.border = BORDER
                if v.moves:
                    cell.fill = FRAGILE_FILL
    finish(ws, header_row, headers, result, "$A:$A")
