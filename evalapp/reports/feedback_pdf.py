"""Per-department feedback sheets (考评结果反馈单): one page per department."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, PageBreak, Spacer, Table, TableStyle

from evalapp.domain import ONSITE_COMPONENT, DomainError, format_decimal
from evalapp.outcome_words import UNSCORED_WORD, veto_text
from evalapp.reports.common import (
    SignOff, Status, build_pdf, para, rank_text, score, table_font,
)
from evalapp.reports.notice_pdf import SpecialCommendation
from evalapp.reports.ranking_table import tie_breaks, tie_labels
from evalapp.rule_summary import rule_summary
from evalapp.reports.fonts import FANG, HEI, KAI, SONG, TITLE
from evalapp.reports.gongwen import BLOCK_W, LEFT, PAGE_H, TITLE_SIZE
from evalapp.tally_result import OUTCOME_LABELS, DepartmentResult, Results

LABEL_W = 34 * mm
GRID = [("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
SHADE = colors.Color(0.93, 0.93, 0.93)


@dataclass
class FeedbackOptions:
    department: str | None = None  # None: every department, one page each
    issuer: str = "区委考核办"
    date: str = ""  # empty: 年 月 日 with room to write the date by hand
    # the notice's special awards (创新奖 …): each department's sheet names its own
    special: list[SpecialCommendation] = field(default_factory=list)
    # department name → "7分42秒(规定 8 分钟)" (presentation.feedback_times); none: no line
    presentation_times: dict[str, str] = field(default_factory=dict)


def rank_change_text(d: DepartmentResult) -> str:
    if d.previous is None or d.previous.rank is None:
        return "上年无排名"
    change = d.rank_change
    text = f"上年第 {d.previous.rank} 名"
    if change is None:
        return text
    if change > 0:
        return f"{text},上升 {change} 位"
    if change < 0:
        return f"{text},下降 {-change} 位"
    return f"{text},名次不变"


def outcome_text(d: DepartmentResult) -> str:
    text = OUTCOME_LABELS[d.outcome]
    if d.outcome == "none":
        text = "未列入通报表扬或诫勉谈话名单"
    if not d.scored:
        text = f"{UNSCORED_WORD}({d.unscored_reason})" if d.unscored_reason else text
    notes = []
    if d.veto:
        notes.append(veto_text(d))
    if d.repeat:
        notes.append("连续两年末位")
    return text + (f"({';'.join(notes)})" if notes else "")


def _kv_table(pairs: list[tuple[str, str]]) -> Table:
    rows = [[para(k, HEI, 11), para(v, SONG, 11)] for k, v in pairs]
    table = Table(rows, colWidths=[LABEL_W, BLOCK_W - LABEL_W])
    table.setStyle(TableStyle(GRID + [table_font(), ("BACKGROUND", (0, 0), (0, -1), SHADE)]))
    return table


def _points(value, places: int) -> str:
    """An adjustment with the result's decimals and its sign: +1.00, −0.50."""
    return f"{value:+.{places}f}".replace("-", "−")


def _tie_text(results: Results, d: DepartmentResult) -> str | None:
    index_group = tie_breaks(results).get(d.name)
    if index_group is None:
        return None
    index, group = index_group
    others = "、".join(x.name for x in group if x is not d)
    return f"与{others}综合得分相同,按{tie_labels(results)[index]}排序"


def _summary(results: Results, d: DepartmentResult, options: FeedbackOptions) -> Table:
    r, places = results.result, results.result.decimals
    ranked = sum(1 for x in r.departments if x.rank is not None)
    in_category = sum(1 for x in r.departments if x.category == d.category and x.rank is not None)
    pairs = [("综合得分", score(d.final_score, places)),
             ("集中考评得分", score(d.onsite_score, places))]
    for c in results.data.effective_components():
        if c.name != ONSITE_COMPONENT:
            value = d.component_values.get(c.name)
            pairs.append((f"{c.name}（{format_decimal(c.weight)}%）",
                          "—" if value is None else f"{value:.{places}f}"))
    if d.scored:
        pairs += [("加分", f"{d.bonus:.{places}f}"), ("减分", f"{d.penalty:.{places}f}")]
    pairs += [("总排名", f"{rank_text(d.rank)} / {ranked}"),
              ("类别内排名", f"{rank_text(d.category_rank)} / {in_category}({d.category})")]
    tie = _tie_text(results, d)
    if tie:
        pairs.append(("名次说明", tie))
    pairs += [("与上年比较", rank_change_text(d)), ("考评结果", outcome_text(d))]
    awards = [sp.award for sp in options.special if d.name in sp.departments]
    if awards:
        pairs.append(("特别表彰", "、".join(awards)))
    return _kv_table(pairs)


def _groups(results: Results, d: DepartmentResult) -> Table:
    places = results.result.decimals
    rows = [[para(h, HEI, 11, align="center") for h in ("评委类别", "权重", "计入评分(份)", "得分")]]
    for g in results.data.groups:
        rows.append([para(g.name, SONG, 11), para(f"{format_decimal(g.weight)}%", SONG, 11,
                                                   align="center"),
                     para(str(d.group_marks.get(g.name, 0)), SONG, 11, align="center"),
                     para(score(d.group_scores.get(g.name), places), SONG, 11, align="center")])
    table = Table(rows, colWidths=[BLOCK_W * 0.4, BLOCK_W * 0.18, BLOCK_W * 0.21,
                                   BLOCK_W * 0.21], repeatRows=1)
    table.setStyle(TableStyle(GRID + [table_font(), ("BACKGROUND", (0, 0), (-1, 0), SHADE)]))
    return table


def _adjustments(d: DepartmentResult, places: int) -> Table:
    rows = [[para(h, HEI, 11, align="center") for h in ("加减分事项", "分值")]]
    for a in d.adjustments:
        points = "一票否决" if a.veto else _points(a.points, places)
        rows.append([para(a.reason or "(未注明)", SONG, 11), para(points, SONG, 11,
                                                                  align="center")])
    if len(rows) == 1:
        rows.append([para("无", SONG, 11), para("—", SONG, 11, align="center")])
    table = Table(rows, colWidths=[BLOCK_W * 0.79, BLOCK_W * 0.21])
    table.setStyle(TableStyle(GRID + [table_font(), ("BACKGROUND", (0, 0), (-1, 0), SHADE)]))
    return table


def _who_pairs(d: DepartmentResult, who: str, options: FeedbackOptions) -> list:
    pairs = [("部门", d.name), ("述职人", who)]
    used = options.presentation_times.get(d.name)
    return pairs + [("述职用时", used)] if used else pairs


def sheet(results: Results, d: DepartmentResult, options: FeedbackOptions) -> list:
    who = f"{d.presenter}({d.title})" if d.presenter and d.title else d.presenter or "—"
    return [para("考评结果反馈单", TITLE, TITLE_SIZE, align="center", leading=30),
            para(results.result.evaluation, KAI, 14, align="center", leading=22),
            Spacer(1, 8),
            _kv_table(_who_pairs(d, who, options)), Spacer(1, 8),
            _summary(results, d, options), Spacer(1, 8),
            para("各评委类别评分", HEI, 12, leading=20), _groups(results, d), Spacer(1, 8),
            para("加减分及一票否决", HEI, 12, leading=20), _adjustments(d, results.result.decimals), Spacer(1, 10),
            para(f"说明:各项得分保留 {results.result.decimals} 位小数,四舍五入。"
                 f"{rule_summary(results.data)[4]}如对结果有异议,请于收到本反馈单后五个工作日内"
                 "向考评办书面提出。", FANG, 11, leading=17),
            Spacer(1, 4),
            SignOff((), options.date, 14, FANG, issuer=f"{options.issuer}(盖章)")]


def write_feedback(results: Results, path=None, options: FeedbackOptions | None = None, *,
                   final: bool = False) -> bytes | None:
    """One page per department (all, or ``options.department`` only)."""
    options = options or FeedbackOptions()
    departments = results.result.departments
    if options.department:
        departments = [d for d in departments if d.name == options.department]
        if not departments:
            raise DomainError(f"没有名为“{options.department}”的部门")
    departments = sorted(departments, key=lambda d: d.order)
    story: list = []
    for i, d in enumerate(departments):
        if i:
            story.append(PageBreak())
        story.append(KeepInFrame(BLOCK_W, PAGE_H - 38 * mm, sheet(results, d, options),
                                 mode="shrink"))
    status = Status(final, results.unconfirmed)
    frame = (LEFT, 18 * mm, BLOCK_W, PAGE_H - 38 * mm)
    return build_pdf(story, path, status, "考评结果反馈单", page_numbers=False, frame=frame,
                     author=results.result.evaluation)
