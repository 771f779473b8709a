"""The results notice (考评结果通报) in 公文 form (GB/T 9704-2012), with the ranking as 附件."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields

from reportlab.platypus import CondPageBreak, NextPageTemplate, PageBreak
from reportlab.platypus.flowables import DocIf

from evalapp.domain import format_decimal
from evalapp.digest import check_code
from evalapp.reports.common import LANDSCAPE_TEMPLATE, PORTRAIT_TEMPLATE, Status, build_pdf
from evalapp.reports.fonts import FANG, HEI, KAI, TITLE, stack
from evalapp.reports.gongwen import (
    BLOCK_W,
    CELL,
    LINE,
    TITLE_SIZE,
    Blank,
    GridText,
    Imprint,
    RedHeader,
    is_full_width,
)
from evalapp.reports.ranking_table import layout, ranking_tables
from evalapp.services.finalise import final_results
from evalapp.services.results import Results
from evalapp.tally_result import ADMONISH, COMMEND, DepartmentResult

CN_NUMBERS = "一二三四五六七八九十"


@dataclass
class SpecialCommendation:
    """A special award (e.g. 创新奖) entered by the secretariat: award name and departments."""

    award: str
    departments: list[str]
    note: str = ""


@dataclass
class NoticeOptions:
    """The editable texts of the notice; ``default_notice_options`` fills them in."""

    authority: str = "中共××区委考核工作领导小组办公室"
    mark: str = ""  # 发文机关标志; default: authority + 文件
    doc_number: str = ""
    title: str = ""
    addressee: str = "区级各部门:"
    intro: list[str] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    special: list[SpecialCommendation] = field(default_factory=list)
    annex_title: str = ""
    signature: str = ""
    date: str = ""
    # 版记 (GB/T 9704 §7.4): 抄送机关 (one line, "、"-separated), 印发机关, 印发日期.
    copy_to: str = ""
    printed_by: str = ""
    printed_on: str = ""
    check_code: bool = False  # print the result's 校验码 once, small, in the 版记


IMPRINT_SIZE = 14.0  # 4号仿宋


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notice_date(db, evaluation_id: int) -> dt.date | None:
    """The day the evaluation's result was finalised (定稿), if it is: the default 成文日期."""
    current = [f for f in final_results(db, evaluation_id) if not f.superseded]
    return current[0].finalised_at.date() if current else None


def default_notice_options(results: Results, today: dt.date | None = None) -> NoticeOptions:
    """Sensible defaults drawn from the evaluation; every text stays editable. ``today`` is
    the 成文日期 (the finalisation day when there is one, see ``notice_date``); the 文号
    year and the 印发日期 follow it."""
    r, data = results.result, results.data
    day = today or dt.date.today()
    name = r.evaluation
    groups = "、".join(g.name for g in data.groups)
    issued = sum(g.issued or 0 for g in r.groups)
    counts = (f"共发出评分表 {issued} 张,收回 {r.total_ballots} 张,其中有效票 "
              f"{r.valid_ballots} 张、无效票 {r.invalid_ballots} 张。")
    weights = "、".join(f"{g.name}{format_decimal(g.weight)}%" for g in r.groups)
    components = data.effective_components()
    basis = ("综合得分由" + "、".join(f"{c.name}{format_decimal(c.weight)}%" for c in components)
             + "加权合计,再计入加减分。") if len(components) > 1 else "综合得分计入加减分。"
    intro = [
        (f"为深入推进作风建设,激励各部门担当作为,根据区委、区政府关于年度工作业绩考评的有关规定,"
        f"区委考核工作领导小组组织开展了{name}。{len(r.departments)}个区级部门主要负责同志"
        f"现场述职,由{groups}现场评分。"),
        (f"考评坚持同一赛场、同一标准,现场{counts}集中考评得分按{weights}的权重加权计算,"
        f"{basis}经考核工作领导小组审定,现将考评结果通报如下:"),
    ]
    closing = [
        ("希望受到通报表扬的部门珍惜荣誉、再接再厉,继续发挥示范带头作用;被诫勉谈话的部门要"
        "认真查找差距,深刻剖析原因,限期制定整改措施并报区委考核办。各部门要以此次考评为契机,"
        "对标先进、争先进位,推动全区各项工作再上新台阶。"),
    ]
    special = []
    innovative = []
    for a in data.adjustments:
        if a.reason.startswith("创新") and a.department not in innovative:
            innovative.append(a.department)
    if innovative:
        special.append(SpecialCommendation("创新奖", innovative))
    authority = NoticeOptions.authority
    return NoticeOptions(
        mark="", doc_number=f"区考核办〔{day.year}〕1号", title=f"关于{name}结果的通报",
        intro=intro, closing=closing, special=special,
        annex_title=f"{name}结果排名表", signature=authority, date=chinese_date(day),
        copy_to="区委办公室、区人大常委会办公室、区政府办公室、区政协办公室",
        printed_by=authority, printed_on=chinese_date(day))


def _cn(n: int) -> str:
    if n <= 10:
        return CN_NUMBERS[n - 1]
    return ("" if n < 20 else CN_NUMBERS[n // 10 - 1]) + "十" + \
        ("" if n % 10 == 0 else CN_NUMBERS[n % 10 - 1])


def _by_category(results: Results, outcome: str) -> list[tuple[str, list[DepartmentResult]]]:
    out = []
    for category in results.result.categories:
        chosen = [d for d in results.result.departments
                  if d.category == category.name and d.outcome == outcome]
        chosen.sort(key=lambda d: (d.category_rank or 10 ** 6, d.order))
        out.append((category.name, chosen))
    return out


def _admonish_note(d: DepartmentResult) -> str:
    notes = []
    if d.veto:
        notes.append(f"一票否决:{d.veto_reason}" if d.veto_reason else "一票否决")
    if "threshold" in d.admonish_reasons:
        notes.append("综合得分低于规定分数线")
    if d.repeat:
        notes.append("连续两年排名末位,按规定提请组织处理")
    return f"({';'.join(notes)})" if notes else ""


BREAK_BEFORE = ("集中考评", "考评结果", "结果", "工作", "考评")
BREAK_AFTER = ("年度", "的", "部门", "关于")


def _break_score(title: str, i: int) -> int:
    head, tail = title[:i], title[i:]
    if any(tail.startswith(w) for w in BREAK_BEFORE) or any(head.endswith(w)
                                                           for w in BREAK_AFTER):
        return 0
    if head[-1:].isascii() and tail[:1].isascii():
        return 100  # never inside a number
    return 10


def _title_lines(title: str) -> list[str]:
    """Break a long title into two or more balanced lines at a natural place (a manual
    "\\n" in the title wins)."""
    if "\n" in title:
        return [t for t in title.split("\n") if t]
    fonts = stack(TITLE)
    limit = 28 * CELL - TITLE_SIZE
    if fonts.width(title, TITLE_SIZE) <= limit:
        return [title]
    best = None
    for i in range(2, len(title) - 1):
        head, tail = title[:i], title[i:]
        wh, wt = fonts.width(head, TITLE_SIZE), fonts.width(tail, TITLE_SIZE)
        if wh > limit:
            break
        cost = _break_score(title, i) * TITLE_SIZE + abs(wh - wt)
        if best is None or cost < best[0]:
            best = (cost, i)
    if best is None:
        return [title]
    return [title[:best[1]]] + _title_lines(title[best[1]:])


def _title(title: str) -> list:
    pitch = LINE * 1.25
    return [GridText([(TITLE, line)], size=TITLE_SIZE, first_indent=0, align="center",
                     pitch=pitch) for line in _title_lines(title)]


def _heading(n: int, text: str) -> GridText:
    return GridText([(HEI, f"{_cn(n)}、{text}")])


def _outcome_sections(results: Results, options: NoticeOptions) -> list:
    story, n = [], 1
    commended = [(c, ds) for c, ds in _by_category(results, COMMEND) if ds]
    story.append(_heading(n, "通报表扬"))
    story.append(GridText("对以下综合得分排名靠前的部门予以通报表扬:"))
    for i, (category, ds) in enumerate(commended, start=1):
        names = "、".join(d.name for d in ds)
        story.append(GridText([(KAI, f"({_cn(i)}){category}({len(ds)}个)。"),
                               (FANG, f"依次是:{names}。")]))
    if not commended:
        story.append(GridText("本年度无通报表扬部门。"))
    n += 1
    if options.special:
        story.append(_heading(n, "特别表彰"))
        for i, sp in enumerate(options.special, start=1):
            text = f"授予{'、'.join(sp.departments)}“{sp.award}”。{sp.note}"
            story.append(GridText([(KAI, f"({_cn(i)}){sp.award}。"), (FANG, text)]))
        n += 1
    admonished = [(c, ds) for c, ds in _by_category(results, ADMONISH) if ds]
    story.append(_heading(n, "诫勉谈话"))
    if admonished:
        story.append(GridText("对以下部门的主要负责同志进行诫勉谈话:"))
        for i, (category, ds) in enumerate(admonished, start=1):
            names = "、".join(d.name + _admonish_note(d) for d in ds)
            story.append(GridText([(KAI, f"({_cn(i)}){category}。"), (FANG, f"{names}。")]))
    else:
        story.append(GridText("本年度无诫勉谈话部门。"))
    return story, n + 1


def _signature(options: NoticeOptions) -> list:
    """署名 and 成文日期 without a seal (GB/T 9704 §7.3.5.2): the date right-indented two
    characters; the signature above it, its first character two characters left of the
    date's (or right-indented two characters when it is the longer one)."""
    def cells(text: str) -> float:
        return sum(1 if is_full_width(c) else 0.5 for c in text)
    sign, date = cells(options.signature), cells(options.date)
    if date + 2 > sign:  # the usual case: date first character 2 right of the signature's
        date_right = 2
        sign_right = max(2, date_right + date + 2 - sign)
    else:
        sign_right = 2
        date_right = max(2, sign_right + sign - 2 - date)
    return [Blank(1),
            GridText(options.signature, first_indent=0, align="right",
                     right_indent=sign_right * CELL),
            GridText(options.date, first_indent=0, align="right",
                     right_indent=date_right * CELL)]


def notice_story(results: Results, options: NoticeOptions) -> list:
    story: list = [RedHeader(options.mark or options.authority + "文件", options.doc_number,
                             stack(TITLE), stack(FANG))]
    story += _title(options.title)
    story.append(Blank(1))
    story.append(GridText(options.addressee, first_indent=0))
    story += [GridText(p) for p in options.intro]
    sections, n = _outcome_sections(results, options)
    story += sections
    if options.closing:
        story.append(_heading(n, "工作要求"))
        story += [GridText(p) for p in options.closing]
    story.append(Blank(1))
    story.append(GridText(f"附件:{options.annex_title}"))
    story.append(CondPageBreak(4 * LINE))
    story += _signature(options)
    plan = layout(results)
    if plan.landscape:
        story.append(NextPageTemplate(LANDSCAPE_TEMPLATE))
    story.append(PageBreak())
    story.append(GridText([(HEI, "附件")], first_indent=0))
    story.append(Blank(1))
    story += _title(options.annex_title)
    story.append(Blank(1))
    story += ranking_tables(results, plan)
    story += imprint(results, options, plan.landscape)
    return story


def imprint(results: Results, options: NoticeOptions, after_landscape: bool) -> list:
    """The 版记 at the foot of the last page, which must be an even page (封四): a new
    portrait page after a landscape 附件, an extra page when the last page is odd."""
    note = f"结果校验码 {check_code(results.result.digest)}" if options.check_code else ""
    block = Imprint(options.copy_to, options.printed_by or options.authority,
                    options.printed_on or options.date, IMPRINT_SIZE, note)
    story: list = []
    if after_landscape:
        story += [NextPageTemplate(PORTRAIT_TEMPLATE), PageBreak()]
    story += [CondPageBreak(block.block_height(BLOCK_W) + LINE),
              DocIf("doc.page % 2 == 1", [PageBreak()]), block]
    return story


def write_notice(results: Results, path=None, options: NoticeOptions | None = None, *,
                 final: bool = False) -> bytes | None:
    """Write the notice PDF to ``path`` (or return its bytes when ``path`` is None).

    ``final``: the evaluation is finalised; otherwise every page is watermarked 未定稿."""
    options = options or default_notice_options(results)
    status = Status(final, results.unconfirmed)
    return build_pdf(notice_story(results, options), path, status, options.title,
                     author=options.authority, landscape=True)


def options_to_dict(options: NoticeOptions) -> dict:
    """The notice texts as plain JSON-able data (to remember them per evaluation)."""
    return asdict(options)


def options_from_dict(data: dict) -> NoticeOptions:
    """Back from ``options_to_dict``; unknown keys are ignored, missing ones default."""
    known = {f.name for f in fields(NoticeOptions)}
    values = {k: v for k, v in data.items() if k in known}
    values["special"] = [SpecialCommendation(**{k: v for k, v in sp.items()
                                                if k in ("award", "departments", "note")})
                         for sp in values.get("special", []) if isinstance(sp, dict)]
    return NoticeOptions(**values)
