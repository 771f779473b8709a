"""The full ranking per category (附件 of the notice): every score that makes up the final
score (each evaluator group, 集中考评, the other components, 加减分), so the 附件 can be
checked against its own 说明; at least 9 pt; headers broken only between words; a note under
each table for departments whose order was decided by a tie-break key."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Paragraph, Table, TableStyle

from evalapp.domain import ONSITE_COMPONENT, TIE_EXCELLENT, TIE_ONSITE, format_decimal
from evalapp.ranking import sort_key as tally_sort_key  # the tally's own ranking key
from evalapp.reports.common import para, rank_text, score, table_font
from evalapp.reports.fonts import HEI, SONG, stack
from evalapp.reports.gongwen import BLOCK_H, BLOCK_W, GridText
from evalapp.rule_summary import rule_summary
from evalapp.setting_rules import tie_label
from evalapp.tally_result import ADMONISH, COMMEND, UNSCORED, DepartmentResult, Results

PAD = 2.5
SIZES = (10.5, 10.0, 9.5, 9.0)  # never under 9 pt
MIN_SIZE = SIZES[-1]
NAME_MIN_CHARS = 7  # the name column holds at least this many characters per line
TIE_MARK = "※"
# Words a header may break after or before (a header never breaks inside one of them, and
# a run of other characters stays together as one word).
HEADER_WORDS = ("加减分", "负责人", "得分", "排名", "代表", "领导", "互评", "考核", "评分",
                "名称", "票数", "结果", "(", "(")


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


def words(text: str) -> list[str]:
    """``text`` cut where a line may break: around the HEADER_WORDS, nowhere else."""
    out: list[str] = []
    i, run = 0, ""
    while i < len(text):
        word = next((w for w in HEADER_WORDS if text.startswith(w, i)), None)
        if word is None:
            run += text[i]
            i += 1
            continue
        if run:
            out.append(run)
            run = ""
        if word in "((" and i + 1 < len(text):  # a bracketed note stays one word
            close = min((j for j in (text.find(")", i), text.find(")", i)) if j >= 0),
                        default=len(text) - 1)
            word = text[i:close + 1]
        out.append(word)
        i += len(word)
    if run:
        out.append(run)
    return out


def packed_lines(text: str, role: str, size: float, width: float) -> list[str]:
    """Greedy lines of whole words within ``width`` (a word wider than it keeps its line)."""
    fonts = stack(role)
    lines: list[str] = []
    for word in words(text):
        if lines and fonts.width(lines[-1] + word, size) <= width:
            lines[-1] += word
        else:
            lines.append(word)
    return lines or [""]


def packed(text: str, role: str, size: float, width: float, align: str = "center") -> \
        Paragraph:
    return para("\n".join(packed_lines(text, role, size, width)), role, size, align=align,
                leading=size * 1.25)


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # "#key", "g:group", "c:component"


def columns(results: Results, with_groups: bool = True) -> list[Column]:
    cols = [Column("类别排名", "#category_rank"), Column("总排名", "#rank"),
            Column("部门名称", "#name")]
    if with_groups:
        cols += [Column(g.name + "评分", "g:" + g.name) for g in results.data.groups]
    cols.append(Column("集中考评得分", "#onsite"))
    cols += [Column(c.name + "得分" if not c.name.endswith("得分") else c.name, "c:" + c.name)
             for c in results.data.effective_components() if c.name != ONSITE_COMPONENT]
    cols += [Column("加减分", "#adjust"), Column("综合得分", "#final"), Column("结果", "#outcome")]
    return cols


def cell_text(d: DepartmentResult, kind: str, places: int) -> str:
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
        return f"{0:.{places}f}" if net == 0 else f"{net:+.{places}f}"
    if kind == "#final":
        return score(d.final_score, places)
    return outcome_word(d)


@dataclass
class Layout:
    cols: list[Column]
    widths: list[float]
    size: float
    landscape: bool
    groups_apart: bool  # the per-group scores in a second table


def _widths(results: Results, cols: list[Column], size: float, avail: float,
            whole_names: bool = False) -> list[float] | None:
    """Column widths: each the widest of its header's longest word and its cells; the name
    column takes the rest. None when the name column would be narrower than its minimum
    (``whole_names``: than the longest name, so that no name wraps)."""
    song, hei = stack(SONG), stack(HEI)
    places = results.result.decimals
    departments = results.result.departments
    widths = []
    for col in cols:
        if col.kind == "#name":
            widths.append(0.0)
            continue
        need = max(hei.width(w, size) for w in words(col.header))
        cells = [cell_text(d, col.kind, places) for d in departments] or ["100"]
        if col.kind == "#outcome":
            need = max([need] + [song.width(w, size) for c in cells for w in words(c)])
        else:
            need = max([need] + [song.width(c, size) for c in cells])
        widths.append(need + 2 * PAD + 1)
    rest = avail - sum(widths)
    name_min = song.width("区" * NAME_MIN_CHARS, size) + 2 * PAD
    longest = max((song.width(d.name + TIE_MARK, size) for d in departments), default=0) \
        + 2 * PAD + 1
    if rest < (longest if whole_names else name_min):
        return None
    name_at = [c.kind for c in cols].index("#name")
    widths[name_at] = rest
    if longest < rest:  # spread the spare width over the number columns
        spare = rest - longest
        widths[name_at] = longest
        others = [i for i, c in enumerate(cols) if c.kind != "#name"]
        for i in others:
            widths[i] += spare / len(others)
    return widths


def layout(results: Results) -> Layout:
    """Portrait if every column fits at ≥ 9 pt, else the 附件 turns landscape (first with
    every name on one line, then allowing names to wrap); if even that is too narrow, the
    per-group scores go to a second table."""
    for whole_names in (True, False):
        for landscape, avail in ((False, BLOCK_W), (True, BLOCK_H)):
            for size in SIZES:
                cols = columns(results)
                widths = _widths(results, cols, size, avail, whole_names)
                if widths:
                    return Layout(cols, widths, size, landscape, False)
    cols = columns(results, with_groups=False)
    widths = _widths(results, cols, MIN_SIZE, BLOCK_H)
    if widths is None:
        widths = [BLOCK_H / len(cols)] * len(cols)
    return Layout(cols, widths, MIN_SIZE, True, True)


def tie_labels(results: Results) -> list[str]:
    """The configured tie-break keys as printed (集中考评得分, 四大班子领导评分, 优秀票数)."""
    return [tie_label(k) for k in results.data.settings.tie_break]


def tie_value(d: DepartmentResult, key: str, places: int) -> str:
    if key == TIE_ONSITE:
        return score(d.onsite_score, places)
    if key == TIE_EXCELLENT:
        return f"{d.excellent_count} 张"
    return score(d.group_scores.get(key), places)


def tie_breaks(results: Results) -> dict[str, tuple[int, list[DepartmentResult]]]:
    """Department name → (index of the deciding tie-break key, the departments with the same
    final score), for every ranked department whose order was decided by a tie-break key."""
    settings = results.data.settings
    ranked = [d for d in results.result.departments if d.scored and d.rank is not None]
    keys = {d.name: tally_sort_key(settings, d) for d in ranked}
    out: dict[str, tuple[int, list[DepartmentResult]]] = {}
    for d in ranked:
        peers = [o for o in ranked if o is not d and keys[o.name][:2] == keys[d.name][:2]]
        deciding = [next((i for i, (a, b) in enumerate(zip(keys[d.name][2:],
                                                           keys[o.name][2:])) if a != b), None)
                    for o in peers]
        deciding = [i for i in deciding if i is not None]
        if deciding:
            out[d.name] = (min(deciding), sorted([d] + peers, key=lambda x: x.rank))
    return out


def _tie_note(results: Results, members: list[DepartmentResult], ties: dict) -> str:
    labels = tie_labels(results)
    keys = results.data.settings.tie_break
    places = results.result.decimals
    notes, seen = [], set()
    for d in members:
        if d.name not in ties:
            continue
        index, group = ties[d.name]
        names = tuple(x.name for x in group)
        if names in seen:
            continue
        seen.add(names)
        listed = "、".join(f"{x.name}(第 {x.rank} 名)" for x in group)
        values = ",".join(f"{x.name} {tie_value(x, keys[index], places)}" for x in group)
        notes.append(f"{listed}综合得分同为 {score(group[0].final_score, places)},按"
                     f"{labels[index]}排序:{values}")
    return f"{TIE_MARK}同分:" + ";".join(notes) + "。" if notes else ""


def ranking_table(results: Results, departments: list[DepartmentResult],
                  plan: Layout | None = None, group_table: bool = False) -> Table:
    plan = plan or layout(results)
    cols, widths, size = plan.cols, plan.widths, plan.size
    if group_table:
        cols = [c for c in columns(results) if c.kind in ("#category_rank", "#rank", "#name")
                or c.kind.startswith("g:")]
        widths = _widths(results, cols, size, BLOCK_H) or [BLOCK_H / len(cols)] * len(cols)
    places = results.result.decimals
    ties = tie_breaks(results)
    rows = [[packed(c.header, HEI, size, w - 2 * PAD) for c, w in zip(cols, widths)]]
    for d in departments:
        row = []
        for c, w in zip(cols, widths):
            text = cell_text(d, c.kind, places)
            if c.kind == "#name":
                row.append(para(text + (TIE_MARK if d.name in ties else ""), SONG, size))
            elif c.kind == "#outcome":
                row.append(packed(text, SONG, size, w - 2 * PAD))
            else:
                row.append(para(text, SONG, size, align="center"))
        rows.append(row)
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        table_font(),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
    ]))
    return table


def annex_note(results: Results) -> str:
    """The 说明: the formula with every column of the table, the rounding and the tie rule
    exactly as configured (the 排名 paragraph of rule_summary)."""
    r, data = results.result, results.data
    groups = "、".join(f"{g.name}{format_decimal(g.weight)}%" for g in data.groups)
    formula = " + ".join(f"{c.name}{'' if c.name.endswith('得分') else '得分'}×"
                         f"{format_decimal(c.weight)}%" for c in data.effective_components())
    ranking = rule_summary(data)[4]
    return (f"说明:综合得分 = {formula} + 加减分;集中考评得分为各评委类别评分按权重"
            f"({groups})加权计算;各项得分保留 {r.decimals} 位小数,四舍五入。{ranking}"
            f"部门名称后标“{TIE_MARK}”的,综合得分与其他部门相同,名次由同分比较项决定,"
            "见表下注。")


def ranking_tables(results: Results, plan: Layout | None = None) -> list:
    """Per category: a 黑体 caption line, the table in rank order (unscored last) and the
    tie note; then the 说明."""
    plan = plan or layout(results)
    story = []
    r = results.result
    ties = tie_breaks(results)
    size = plan.size
    for i, category in enumerate(r.categories, start=1):
        members = [d for d in r.departments if d.category == category.name]
        members.sort(key=lambda d: (d.category_rank is None, d.category_rank or 0, d.order))
        caption = (f"{'一二三四五六七八九十'[i - 1] if i <= 10 else i}、{category.name}"
                   f"(共{len(members)}个)")
        story += [CondPageBreak(90), GridText([(HEI, caption)], first_indent=0),
                  ranking_table(results, members, plan)]
        if plan.groups_apart:
            story += [GridText(" ", first_indent=0, pitch=8),
                      ranking_table(results, members, plan, group_table=True)]
        note = _tie_note(results, members, ties)
        if note:
            story.append(para(note, SONG, size, leading=size * 1.4))
        story.append(GridText(" ", first_indent=0, pitch=8))
    story.append(para(annex_note(results), SONG, max(size, 10), leading=max(size, 10) * 1.45))
    return story
