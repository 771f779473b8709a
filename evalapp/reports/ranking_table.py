"""The full ranking per category (附件 of the notice): per-group scores and final score."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Table, TableStyle

from evalapp.domain import ONSITE_COMPONENT
from evalapp.reports.common import para, rank_text, score, table_font
from evalapp.reports.fonts import HEI, SONG, stack
from evalapp.reports.gongwen import BLOCK_W, GridText
from evalapp.services.results import Results
from evalapp.tally_result import ADMONISH, COMMEND, UNSCORED, DepartmentResult

PAD = 2.0


def outcome_word(d: DepartmentResult) -> str:
    """Short outcome text for tables: 表扬 / 诫勉 / 诫勉(否决) / 诫勉(连续末位) / 无评分."""
    if d.outcome == COMMEND:
        return "表扬"
    if d.outcome == ADMONISH:
        notes = (["否决"] if d.veto else []) + (["连续末位"] if d.repeat else [])
        return "诫勉" + (f"({'、'.join(notes)})" if notes else "")
    if d.outcome == UNSCORED:
        return "无评分"
    return ""


def _columns(results: Results, with_components: bool) -> list[tuple[str, str]]:
    """(header, kind) of each column; kind is a group/component name or a key."""
    cols = [("类别\n排名", "#category_rank"), ("总排名", "#rank"), ("部门名称", "#name")]
    cols += [(g.name, "g:" + g.name) for g in results.data.groups]
    cols.append(("集中考评\n得分", "#onsite"))
    others = [c.name for c in results.data.effective_components() if c.name != ONSITE_COMPONENT]
    if with_components:
        cols += [(name, "c:" + name) for name in others]
    cols += [("加减分", "#adjust"), ("综合\n得分", "#final"), ("结果", "#outcome")]
    return cols


def _cell(d: DepartmentResult, kind: str, places: int) -> str:
    if kind == "#category_rank":
        return rank_text(d.category_rank)
    if kind == "#rank":
        return rank_text(d.rank)
    if kind == "#name":
        return d.name
    if kind.startswith("g:"):
        return score(d.group_scores.get(kind[2:]), places)
    if kind.startswith("c:"):
        value = d.component_values.get(kind[2:])
        return "—" if value is None else f"{value:.{places}f}"
    if kind == "#onsite":
        return score(d.onsite_score, places)
    if kind == "#adjust":
        if not d.scored:
            return "—"
        net = d.bonus - d.penalty
        return "0" if net == 0 else f"{net:+.{places}f}"
    if kind == "#final":
        return score(d.final_score, places)
    return outcome_word(d)


def _widths(cols, size: float) -> list[float] | None:
    song = stack(SONG)
    fixed_w = {"#category_rank": "类别", "#rank": "总排名", "#outcome": "诫勉(连续",
               "#adjust": "+10.00"}
    widths = []
    for header, kind in cols:
        if kind == "#name":
            widths.append(0.0)
            continue
        sample = fixed_w.get(kind, "100.00")
        widths.append(max(song.width(sample, size), stack(HEI).width("四个字", size))
                      + 2 * PAD + 1)
    rest = BLOCK_W - sum(widths)
    if rest < song.width("区委组织部", size) + 2 * PAD:
        return None
    widths[[k for _, k in cols].index("#name")] = rest
    return widths


def _layout(results: Results):
    for size in (9.0, 8.0, 7.5):
        for with_components in (True, False):
            cols = _columns(results, with_components)
            widths = _widths(cols, size)
            if widths:
                return cols, widths, size
    cols = _columns(results, False)
    return cols, [BLOCK_W / len(cols)] * len(cols), 7.0


def ranking_table(results: Results, departments: list[DepartmentResult]) -> Table:
    cols, widths, size = _layout(results)
    places = results.result.decimals
    header = [para(h, HEI, size, align="center") for h, _ in cols]
    rows = [header]
    for d in departments:
        row = []
        for _, kind in cols:
            align = "left" if kind == "#name" else "center"
            row.append(para(_cell(d, kind, places), SONG, size, align=align))
        rows.append(row)
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        table_font(),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
    ]))
    return table


def ranking_tables(results: Results) -> list:
    """Per category: a 黑体 caption line and the table in rank order (unscored last)."""
    story = []
    r = results.result
    for i, category in enumerate(r.categories, start=1):
        members = [d for d in r.departments if d.category == category.name]
        members.sort(key=lambda d: (d.category_rank is None, d.category_rank or 0, d.order))
        caption = (f"{'一二三四五六七八九十'[i - 1] if i <= 10 else i}、{category.name}"
                   f"(共{len(members)}个)")
        table = ranking_table(results, members)
        story += [CondPageBreak(90), GridText([(HEI, caption)], first_indent=0), table]
        story.append(GridText(" ", first_indent=0, pitch=8))
    note = ("说明:综合得分 = " + " + ".join(f"{c.name}×{c.weight}%"
                                         for c in results.data.effective_components())
            + " + 加减分;集中考评得分为各评委类别得分的加权平均;"
            f"各项得分保留 {r.decimals} 位小数,四舍五入;名次相同者并列。")
    story.append(para(note, SONG, 9))
    return story
