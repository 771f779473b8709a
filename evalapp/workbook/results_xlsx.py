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

from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from evalapp.domain import ONSITE_COMPONENT, format_decimal
from evalapp.outcome_words import REPEAT_WORD, VETO_WORD, veto_text
from evalapp.tally_result import (
    ADMONISH, OUTCOME_LABELS, UNSCORED, DepartmentResult, GroupStats, TallyResult,
)
from evalapp.workbook.results_layout import (  # noqa: F401 (print sizes: also asked here)
    BORDER, CATEGORY_FILL, FILLS, FONT_SIZE, MIN_SCALE, SIGNED_INT, banner, column_headers,
    column_mm, finish, header_block, number, print_scale, put, score_format,
)
from evalapp.workbook.results_robustness import robustness_sheet

REASON_WORDS = {"veto": VETO_WORD, "threshold": "低于诫勉分数线", "rank": "排名靠后"}


def write_results_workbook(result: TallyResult, path: str | Path, group_names: list[str],
                           component_names: list[str], robustness=None) -> None:
    """Write the results of ``result`` to an .xlsx file at ``path``. ``robustness``: the
    稳固程度 analysis of the same ballots (computed here when not given)."""
    others = [c for c in component_names if c != ONSITE_COMPONENT]
    wb = Workbook()
    _category_sheet(wb.active, result, group_names, others)
    _overall_sheet(wb.create_sheet("总排名"), result)
    _ballot_sheet(wb.create_sheet("选票统计"), result)
    robustness_sheet(wb.create_sheet("稳固程度"), result, robustness)
    wb.save(str(path))


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
    score, signed = score_format(decimals), score_format(decimals, signed=True)
    values: list[tuple] = [(d.rank, "0"), (d.category_rank, "0"), (d.name, None),
                           (d.category, None)]
    groups = d.group_scores
    values += [(number(groups.get(g)), score) for g in group_names]
    values.append((number(d.onsite_score), score))
    for name in others:
        value = d.component_values.get(name)
        places = max(decimals, -value.as_tuple().exponent) if value is not None else decimals
        values.append((number(value), score_format(places)))
    values += [(number(d.bonus), score), (number(d.penalty), score),
               (number(d.final_score), score), (_outcome_text(d), None),
               (number(d.commend_margin), signed), (number(d.admonish_margin), signed),
               (_previous_rank(d), "0"), (d.rank_change, SIGNED_INT), (_remark(d), None)]
    outcome_col = len(values) - 5
    for col, (value, fmt) in enumerate(values, start=1):
        bold = col == 3 or (col == outcome_col and d.outcome in FILLS)
        put(ws, row, col, value, fmt, bold=bold,
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
    header_row = header_block(ws, result, "分类排名", width)
    column_headers(ws, header_row, headers)
    row = header_row + 1
    scored = [d for d in result.departments if d.scored]
    names = [c.name for c in result.categories]
    names += sorted({d.category for d in scored} - set(names))
    summaries = {c.name: c for c in result.categories}
    for name in names:
        members = [d for d in scored if d.category == name]
        row = banner(ws, row, _category_title(name, summaries.get(name), result.decimals),
                      width, bold=True, fill=CATEGORY_FILL)
        for d in members:
            _department_row(ws, row, d, result.decimals, group_names, others)
            row += 1
    unscored = [d for d in result.departments if not d.scored]
    if unscored:
        row = banner(ws, row, f"未参加排名(共 {len(unscored)} 个)", width, bold=True,
                      fill=CATEGORY_FILL)
        for d in unscored:
            _department_row(ws, row, d, result.decimals, group_names, others)
            row += 1
    finish(ws, header_row, headers, result, "$A:$D")


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
    header_row = header_block(ws, result, "总排名", len(headers))
    column_headers(ws, header_row, headers)
    score = score_format(result.decimals)
    for row, d in enumerate(result.departments, start=header_row + 1):
        values = [(d.rank, "0"), (d.name, None), (d.category, None), (d.category_rank, "0"),
                  (number(d.onsite_score), score), (number(d.final_score), score),
                  (_outcome_text(d), None), (_previous_rank(d), "0"),
                  (d.rank_change, SIGNED_INT), (_remark(d), None)]
        for col, (value, fmt) in enumerate(values, start=1):
            put(ws, row, col, value, fmt, bold=(col == 2),
                 align="left" if isinstance(value, str) else "center")
        _fill_row(ws, row, len(values), d.outcome if d.outcome != UNSCORED else "")
    finish(ws, header_row, headers, result, "$A:$B")


def _group_warning(g: GroupStats) -> str:
    if g.over_issued:
        return f"收回 {g.entered} 张多于发出 {g.issued} 张,请核对;定稿前须由管理员确认"
    if g.issued is not None and g.entered < g.issued:
        return f"尚缺 {g.issued - g.entered} 张"
    return ""


def _ballot_sheet(ws: Worksheet, result: TallyResult) -> None:
    headers = ["评委类别", "权重(%)", "发出", "收回", "有效", "无效", "提示"]
    header_row = header_block(ws, result, "选票统计", len(headers))
    column_headers(ws, header_row, headers)
    row = header_row + 1
    for g in result.groups:
        values = [g.name, number(g.weight), g.issued, g.entered, g.valid, g.invalid,
                  _group_warning(g)]
        for col, value in enumerate(values, start=1):
            cell = put(ws, row, col, value, "0" if col > 2 else None, bold=(col == 7),
                        align="left" if col in (1, 7) else "center")
            cell.border = BORDER
            if g.over_issued:
                cell.fill = FILLS[ADMONISH]
        row += 1
    issued = [g.issued for g in result.groups]
    totals = ["合计", number(sum(g.weight for g in result.groups)),
              None if None in issued else sum(issued), result.total_ballots,
              result.valid_ballots, result.invalid_ballots, ""]
    for col, value in enumerate(totals, start=1):
        put(ws, row, col, value, "0" if col > 2 else None, bold=True,
             align="left" if col in (1, 7) else "center").border = BORDER
    row += 2
    invalid = [b for g in result.groups for b in g.invalid_ballots]
    put(ws, row, 1, f"无效票明细(共 {len(invalid)} 张)", bold=True)
    row += 1
    column_headers(ws, row, ["票号", "评委类别", "无效原因"])
    for b in invalid:
        row += 1
        for col, value in enumerate([b.serial, b.group, b.reason], start=1):
            put(ws, row, col, value, "@" if col == 1 else None, align="left").border = BORDER
    finish(ws, header_row, headers, result)
