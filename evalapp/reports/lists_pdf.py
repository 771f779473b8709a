"""The commendation and admonition lists (表扬名单 / 诫勉名单): one page each, signed."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

from evalapp.reports.common import Status, build_pdf, para, rank_text, score, table_font
from evalapp.reports.fonts import FANG, HEI, KAI, SONG, TITLE, stack
from evalapp.reports.gongwen import BLOCK_W, LEFT, PAGE_H, TITLE_SIZE, cjk_punctuation
from evalapp.services.results import Results
from evalapp.tally_result import ADMONISH, COMMEND, DepartmentResult

KINDS = {COMMEND: "通报表扬名单", ADMONISH: "诫勉谈话名单"}


@dataclass
class ListOptions:
    kinds: tuple[str, ...] = (COMMEND, ADMONISH)
    signers: tuple[str, ...] = ("考评办主任", "监票人", "监票人")
    date: str = "　　　　年　　月　　日"


def listed(results: Results, kind: str) -> list[DepartmentResult]:
    """The departments on a list, by category then category rank (the tally's outcomes)."""
    order = {c.name: i for i, c in enumerate(results.result.categories)}
    chosen = [d for d in results.result.departments if d.outcome == kind]
    return sorted(chosen, key=lambda d: (order.get(d.category, 99), d.category_rank or 10 ** 6,
                                         d.order))


def _reason(d: DepartmentResult) -> str:
    if d.outcome == COMMEND:
        return f"类别内第 {d.category_rank} 名"
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
    widths = [w * mm for w in (12, 40, 30, 17, 13, 17)]
    widths.append(BLOCK_W - sum(widths))
    rows = [[para(h, HEI, 10, align="center") for h in header]]
    for i, d in enumerate(listed(results, kind), start=1):
        cells = [str(i), d.name, d.category, rank_text(d.category_rank), rank_text(d.rank),
                 score(d.final_score, places), _reason(d)]
        rows.append([para(c, SONG, 10, align="left" if j in (1, 2, 6) else "center")
                     for j, c in enumerate(cells)])
    if len(rows) == 1:
        rows.append([para("(无)", SONG, 10.5, align="center")] + [""] * 6)
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [table_font(), ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]
    if len(rows) == 2 and not listed(results, kind):
        style.append(("SPAN", (0, 1), (-1, 1)))
    table.setStyle(TableStyle(style))
    return table


def _signatures(options: ListOptions) -> Table:
    """Labelled signature lines, two per row, and the date on the right."""
    labels = [f"{who}(签字):" for who in options.signers]
    label_w = max(stack(FANG).width(cjk_punctuation(t), 14) for t in labels) + 6
    rows, style = [], [table_font(), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                       ("LEFTPADDING", (0, 0), (-1, -1), 0),
                       ("RIGHTPADDING", (0, 0), (-1, -1), 0)]
    for i in range(0, len(labels), 2):
        pair = labels[i:i + 2]
        row = []
        for j, label in enumerate(pair):
            row += [para(label, FANG, 14), ""]
            style.append(("LINEBELOW", (2 * j + 1, len(rows)), (2 * j + 1, len(rows)), 0.6,
                          colors.black))
        rows.append(row + [""] * (4 - len(row)))
    rows.append(["", "", "", para(options.date, FANG, 14, align="right")])
    line_w = BLOCK_W / 2 - label_w - 8
    table = Table(rows, colWidths=[label_w, line_w, label_w, line_w + 16],
                  rowHeights=[34] * len(rows))
    table.setStyle(TableStyle(style))
    return table


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
                  para("以上名单与计分系统结果一致。", FANG, 14), Spacer(1, 6),
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
                     frame=frame)
