"""计票核对单: the certificate the 监票人 sign — ballot counts per evaluator group (issued,
returned, valid, invalid), the 校验码 of the result and of the audit log's newest entry, the
paper ballots to re-check where one or two ballots could change an outcome (issue 16), and
signature lines. One page, unless many departments need that re-check. The official
documents carry no hash; this sheet is where the short, grouped 校验码
(evalapp.digest.check_code) is printed."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from evalapp.digest import check_code
from evalapp.domain import format_decimal
from evalapp.reports.common import SignOff, Status, build_pdf, para, table_font
from evalapp.reports.fonts import FANG, HEI, KAI, SONG, TITLE
from evalapp.reports.gongwen import BLOCK_W, LEFT, PAGE_H
from evalapp.robustness import FRAGILE, OUTCOME_WORDS, Robustness, analyse
from evalapp.tally_result import GroupStats, Results

SHEET_TITLE = "计票核对单"
SIGNERS = ("计票人", "监票人", "监票人", "考评办主任")
SHADE = colors.Color(0.93, 0.93, 0.93)


@dataclass(frozen=True)
class ChainHead:
    """The audit log's newest entry: its hash, how many entries, how many breaks found."""

    hash: str
    rows: int
    breaks: int


def count_check(g: GroupStats) -> str:
    if g.issued is None:
        return "未登记发出票数"
    if g.entered > g.issued:
        return f"收回多于发出 {g.entered - g.issued} 张"
    if g.entered < g.issued:
        return f"缺 {g.issued - g.entered} 张"
    return "相符"


def _counts(results: Results) -> Table:
    r = results.result
    head = ("评委类别", "权重", "发出", "收回", "有效", "无效", "核对情况")
    rows = [[para(h, HEI, 10.5, align="center") for h in head]]
    for g in r.groups:
        cells = [g.name, f"{format_decimal(g.weight)}%", "—" if g.issued is None else
                 str(g.issued), str(g.entered), str(g.valid), str(g.invalid), count_check(g)]
        rows.append([para(c, SONG, 10.5, align="left" if i in (0, 6) else "center")
                     for i, c in enumerate(cells)])
    issued = [g.issued for g in r.groups]
    total = ["合计", "", "—" if None in issued else str(sum(issued)), str(r.total_ballots),
             str(r.valid_ballots), str(r.invalid_ballots), ""]
    rows.append([para(c, HEI, 10.5, align="left" if i == 0 else "center")
                 for i, c in enumerate(total)])
    widths = [w * mm for w in (34, 16, 16, 16, 16, 16)]
    widths.append(BLOCK_W - sum(widths))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([table_font(), ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                               ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("BACKGROUND", (0, -1), (-1, -1), SHADE)]))
    return table


def _codes(results: Results, chain: ChainHead | None, final: bool) -> Table:
    r = results.result
    ranked = sum(1 for d in r.departments if d.rank is not None)
    status = "已定稿" if final else "初步结果(未定稿)"
    entry = "双人录入,两次一致后计入" if results.data.settings.double_entry else "单人录入"
    if results.unconfirmed:
        entry += f";另有 {results.unconfirmed} 张尚未核对一致,未计入"
    if chain is None:
        log = "无操作记录"
    else:
        state = "逐条衔接完整" if not chain.breaks else f"发现 {chain.breaks} 处不衔接,须查明"
        log = f"{check_code(chain.hash)}(共 {chain.rows} 条记录,{state})"
    pairs = [("结果状态", status), ("参加排名部门", f"{ranked} 个(共 {len(r.departments)} 个)"),
             ("选票录入", entry), ("结果校验码", check_code(r.digest)),
             ("操作记录校验码", log)]
    rows = [[para(k, HEI, 10.5), para(v, SONG, 12 if "校验码" in k else 10.5)] for k, v in pairs]
    table = Table(rows, colWidths=[34 * mm, BLOCK_W - 34 * mm])
    table.setStyle(TableStyle([table_font(), ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                               ("BACKGROUND", (0, 0), (0, -1), SHADE)]))
    return table


def _recheck(results: Results, analysis: Robustness) -> list:
    """三、重点复核的纸质选票: per department that one or two ballots could move across the
    表扬 or 诫勉 line, what would change and the 票号 of the ballots to take out and compare
    with what was entered (Robustness.fragile_serials)."""
    serials = analysis.fragile_serials()
    title = para("三、重点复核的纸质选票", HEI, 13, leading=20)
    if not serials:
        return [title, para("经逐个部门测算,改动一至两张选票不会改变任何部门的表扬或诫勉结果,"
                            "无须重点复核。", KAI, 10.5, leading=15)]
    head = ("部门", "可能的变化", "张数", "须复核的票号", "复核情况")
    rows = [[para(h, HEI, 10.5, align="center") for h in head]]
    for department, numbers in serials.items():
        flip = analysis.flip(department)
        change = f"{OUTCOME_WORDS[flip.outcome]}→{OUTCOME_WORDS[flip.new_outcome]}"
        rows.append([para(department, SONG, 10.5), para(change, SONG, 10.5),
                     para(str(flip.count), SONG, 10.5, align="center"),
                     para("、".join(numbers), SONG, 10.5), ""])
    widths = [w * mm for w in (42, 34, 12, 0, 20)]
    widths[3] = BLOCK_W - sum(widths)
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([table_font(), ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                               ("BACKGROUND", (0, 0), (-1, 0), SHADE)]))
    note = para("下列部门的结果距表扬或诫勉界线很近,改动所列张数的评分即可改变。请取出所列票号的"
                "纸质选票,逐张与录入的评分核对,并填写“复核情况”。", KAI, 10.5, leading=14)
    return [title, note, Spacer(1, 1.5 * mm), table]


def tally_sheet_story(results: Results, chain: ChainHead | None, final: bool,
                      signers: tuple[str, ...] = SIGNERS,
                      analysis: Robustness | None = None) -> list:
    r = results.result
    checked = "以上选票数量与收回的纸质选票一致,校验码与计分现场显示的一致"
    if analysis is not None and analysis.fragile_serials():
        checked += ",重点复核的纸质选票与录入的评分一致"
    recheck = [] if analysis is None else [*_recheck(results, analysis), Spacer(1, 1 * mm)]
    short = analysis is None or not analysis.fragile_serials()  # room for a signature a row
    return [para(r.evaluation, TITLE, 18, align="center", leading=24),
            para(SHEET_TITLE, TITLE, 22, align="center", leading=28), Spacer(1, 1 * mm),
            para("一、选票数量", HEI, 13, leading=20), _counts(results), Spacer(1, 2 * mm),
            para("二、结果与校验码", HEI, 13, leading=20), _codes(results, chain, final),
            Spacer(1, 1.5 * mm),
            para("结果校验码由全部考评设置和选票得出,任何一张选票或一项设置改动即随之改变;操作记录"
                 "校验码随每一次录入和修改而变化。", KAI, 10.5, leading=15),
            Spacer(1, 2 * mm), *recheck,
            para(f"经核对,{checked}。", FANG, 14, leading=21),
            SignOff(tuple(f"{who}(签字):" for who in signers), "", 14 if short else 13, FANG,
                    pitch=12 * mm, columns=1 if short else 2)]


def write_tally_sheet(results: Results, path=None, chain: ChainHead | None = None, *,
                      final: bool = False, analysis: Robustness | None = None) -> bytes | None:
    """The 计票核对单 as PDF; ``chain`` from ``services.documents.audit_chain_head(db)``;
    ``analysis`` of the same ``results`` (computed here when not given: the departments 1 or 2 ballots could
    flip, evalapp.robustness)."""
    if analysis is None:
        analysis = analyse(results.data, FRAGILE)
    status = Status(final, results.unconfirmed)
    frame = (LEFT, 16 * mm, BLOCK_W, PAGE_H - 32 * mm)
    return build_pdf(tally_sheet_story(results, chain, final, analysis=analysis), path, status,
                     f"{results.result.evaluation}{SHEET_TITLE}", page_numbers=False,
                     frame=frame, author=results.result.evaluation)
