"""The commendation and admonition lists (表扬名单 / 诫勉名单): one page each, signed."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

from evalapp.reports.common import (
    SignOff, Status, build_pdf, para, rank_text, score, table_font,
)
from evalapp.reports.fonts import FANG, HEI, KAI, SONG, TITLE
from evalapp.reports.gongwen import BLOCK_W, LEFT, PAGE_H, TITLE_SIZE
from evalapp.reports.ranking_table import packed, tie_breaks, tie_labels
from evalapp.tally_result import Results
from evalapp.tally_result import ADMONISH, COMMEND, DepartmentResult

KINDS = {COMMEND: "通报表扬名单", ADMONISH: "诫勉谈话名单"}


@dataclass
class ListOptions:
    kinds: tuple[str, ...] = (COMMEND, ADMONISH)
    signers: tuple[str, ...] = ("考评办主任", "监票人", "监票人")
    date: str = ""  # empty: 年 月 日 with room to write the date by hand


def listed(results: Results, kind: str) -> list[DepartmentResult]:
    """The departments on a list, by category then category rank (the tally's outcomes)."""
    order = {c.name: i for i, c in enumerate(results.result.categories)}
    chosen = [d for d in results.result.departments if d.outcome == kind]
    return sorted(chosen, key=lambda d: (order.get(d.category, 99), d.category_rank or 10 ** 6,
                                         d.order))


def _reason(d: DepartmentResult, tie: str = "") -> str:
    if d.outcome == COMMEND:
        return f"类别内第 {d.category_rank} 名" + (f"(同分,按{tie}排序)" if tie else "")
    parts = []
    if d.veto:
        parts.append("一票否决" + (f":{d.veto_reason}" if d.veto_reason else ""))
    if "rank" in d.admonish_reasons:
        parts.append("类别内排名末位")
    if "threshold" in d.admonish_reasons:
        parts.append("综合得分低于分数线")
    if d.repeat:
        parts.append("连续末位,提请组织处理")
    return ";".join(parts)


def _table(results: Results, kind: str) -> Table:
    places = results.result.decimals
    header = ["序号", "部门", "类别", "类别内排名", "总排名", "综合得分",
              "依据" if kind == COMMEND else "诫勉原因"]
    widths = [w * mm for w in (11, 38, 28, 16, 14, 15)]
    widths.append(BLOCK_W - sum(widths))
    rows = [[packed(h, HEI, 10, w - 6.5) for h, w in zip(header, widths)]]
    ties, labels = tie_breaks(results), tie_labels(results)
    for i, d in enumerate(listed(results, kind), start=1):
        tie = labels[ties[d.name][0]] if d.name in ties else ""
        cells = [str(i), d.name, d.category, rank_text(d.category_rank), rank_text(d.rank),
                 score(d.final_score, places), _reason(d, tie)]
        rows.append([para(c, SONG, 10, align="left" if j in (1, 2, 6) else "center")
                     for j, c in enumerate(cells)])
    if len(rows) == 1:
        rows.append([para("(无)", SONG, 10.5, align="center")] + [""] * 6)
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [table_font(), ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if len(rows) == 2 and not listed(results, kind):
        style.append(("SPAN", (0, 1), (-1, 1)))
    table.setStyle(TableStyle(style))
    return table


def _signatures(options: ListOptions) -> SignOff:
    """One signature per row with a 60 mm line, rows 14 mm apart, then 年 月 日."""
    return SignOff(tuple(f"{who}(签字):" for who in options.signers), options.date, 14, FANG)


def lists_story(results: Results, options: ListOptions) -> list:
    story: list = []
    r = results.result
    for n, kind in enumerate(options.kinds):
        if n:
            story.append(PageBreak())
        count = len(listed(results, kind))
        story += [para(r.evaluation, TITLE, TITLE_SIZE, align="center", leading=32),
                  para(KINDS[kind], TITLE, TITLE_SIZE, align="center", leading=32),
                  Spacer(1, 6),
                  para(f"(共 {count} 个部门,按类别和类别内排名排列)", KAI, 14,
                       align="center", leading=22),
                  Spacer(1, 12), _table(results, kind), Spacer(1, 18),
                  para(f"以上名单依据{r.evaluation}结果,按规定的名额和条件确定。", FANG, 14,
                       leading=22), Spacer(1, 10),
                  _signatures(options)]
    return story


def write_lists(results: Results, path=None, options: ListOptions | None = None, *,
                final: bool = False) -> bytes | None:
    """Write the lists (one page each, in ``options.kinds`` order) to ``path`` or bytes."""
    options = options or ListOptions()
    status = Status(final, results.unconfirmed)
    title = "、".join(KINDS[k] for k in options.kinds)
    frame = (LEFT, 20 * mm, BLOCK_W, PAGE_H - 45 * mm)
    return build_pdf(lists_story(results, options), path, status, title, page_numbers=False,
                     frame=frame, author=results.result.evaluation)
