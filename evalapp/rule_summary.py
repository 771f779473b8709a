"""The rule set of an evaluation in plain Chinese, as the tally will apply it (no Qt)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from evalapp.ballot_rules import excellent_limit
from evalapp.domain import (
    GRADE_MODE,
    IMPLICIT_CATEGORY,
    ONSITE_COMPONENT,
    EvaluationData,
    Quota,
    Settings,
    format_decimal,
)
from evalapp.ranking import resolve_quota
from evalapp.setting_rules import tie_label, weight_total, weight_total_words, weights_complete


def _n(value: Decimal) -> str:
    return format_decimal(value)


def rule_summary(data: EvaluationData) -> list[str]:
    """One paragraph per topic: marks, validity, groups, final score, ranking, outcomes, entry."""
    s = data.settings
    return [_marks(s), _validity(s, len(data.departments)), _groups(data), _final(data),
            _ranking(s), _outcomes(data), _entry(s)]


def rule_summary_text(data: EvaluationData) -> str:
    return "\n".join(rule_summary(data))


def _marks(s: Settings) -> str:
    if s.mode == GRADE_MODE:
        scored = [f"{g.name} {_n(g.points)} 分" for g in s.grades if g.points is not None]
        text = "等次制,每个部门选一个等次:" + "、".join(scored)
        blank = [f"“{g.name}”" for g in s.grades if g.points is None]
        if blank:
            text += ";" + "、".join(blank) + "不计分,视同未评"
        return text + "。"
    places = "只能打整数" if s.mark_decimals == 0 else f"最多 {s.mark_decimals} 位小数"
    return (f"百分制,{_n(s.low)}–{_n(s.high)} 分,{places};超出范围或小数位过多的评分"
            "当场拒收,不会被截断或四舍五入。")


def _excellent(s: Settings, n_departments: int) -> str:
    ratio = s.excellent_ratio
    if ratio is None or ratio <= 0:
        return "“优秀”个数不设上限"
    if s.mode != GRADE_MODE and s.high_line is None:
        return f"已设优秀票上限比例 {_n(ratio)},但未设高分线,上限暂不生效"
    label = (f"“{s.grades[0].name}”" if s.mode == GRADE_MODE
             else f"“优秀”(≥{_n(s.high_line)} 分)")
    limit = excellent_limit(s, n_departments)
    return (f"每张选票{label}不得超过 {limit} 个(部门数 {n_departments} × {_n(ratio)},"
            "向下取整),否则整张作废")


def _validity(s: Settings, n_departments: int) -> str:
    parts = ["空白选票作废", _excellent(s, n_departments)]
    if s.mode != GRADE_MODE and s.void_identical:
        parts.append("评了 2 个以上部门且全部同分的选票作废")
    parts.append("录入员可注明原因将选票作废;作废票保留并计数")
    return ";".join(parts) + "。"


def _groups(data: EvaluationData) -> str:
    if not data.groups:
        return "尚未设置评委类别。"
    text = f"评委 {len(data.groups)} 类:" + "、".join(
        f"{g.name} {_n(g.weight)}%" for g in data.groups)
    total = weight_total(data.groups)
    if not weights_complete(total):
        text += f"({weight_total_words(total)})"
    trims: dict[tuple[int, int], list[str]] = {}
    for g in data.groups:
        if g.trim > 0:
            trims.setdefault((g.trim, g.trim_from), []).append(g.name)
    for (k, m), names in trims.items():
        text += f";{'、'.join(names)}满 {m} 人评分时去掉最高、最低分各 {k} 个"
    if not trims:
        text += ";不去掉最高最低分"
    recusal = [g.name for g in data.groups if g.recusal]
    if recusal:
        text += ";" + "、".join(recusal) + "回避本部门(不计对本部门的评分)"
    return (text + "。各类别得分取有效票评分的算术平均;集中考评得分 = 各类别得分按权重加权平均,"
            "某类别对某部门没有评分时,其余类别的权重按比例折算。")


def _final(data: EvaluationData) -> str:
    s = data.settings
    components = data.effective_components()
    if len(components) == 1 and components[0].name == ONSITE_COMPONENT:
        text = "综合得分 = 集中考评得分"
    else:
        text = "综合得分 = " + " + ".join(f"{c.name} {_n(c.weight)}%" for c in components)
        total = weight_total(components)
        if not weights_complete(total):
            text += f"({weight_total_words(total)})"
    cap = "" if s.bonus_cap is None else f"(至多 {_n(s.bonus_cap)} 分)"
    text += f" + 加分{cap} − 减分;各项得分保留 {s.result_decimals} 位小数,四舍五入"
    if any(c.name != ONSITE_COMPONENT for c in components):
        text += ";缺少其他得分的部门暂不排名"
    return text + "。"


def _ranking(s: Settings) -> str:
    text = "按综合得分从高到低排名,一票否决的部门排在最后;"
    if s.tie_break:
        text += "同分依次比较" + "、".join(tie_label(k) for k in s.tie_break) + ",仍相同的并列"
    else:
        text += "同分并列"
    return text + "(如 1、2、2、4)。"


def _quota(quota: Quota, size: int | None) -> str:
    if quota.percent is None:
        return f"{quota.count} 名"
    text = f"{_n(quota.percent)}%"
    if size:
        text += f"(按现有 {size} 个部门约 {resolve_quota(quota, size)} 名)"
    return text


def _outcomes(data: EvaluationData) -> str:
    s = data.settings
    sizes = Counter(d.category or IMPLICIT_CATEGORY for d in data.departments)
    if data.categories:
        parts = [f"{c.name}表扬 {_quota(c.commend, sizes.get(c.name))}、"
                 f"诫勉 {_quota(c.admonish, sizes.get(c.name))}" for c in data.categories]
    else:
        size = len(data.departments)
        parts = [f"不分类别统一排名,表扬 {_quota(s.commend_quota, size)}、诫勉 "
                 + _quota(s.admonish_quota, size)]
    parts.append("名额边界同分的一并列入")
    if s.admonish_below is not None:
        parts.append(f"综合得分低于 {_n(s.admonish_below)} 分的部门一律诫勉")
    parts.append("一票否决的部门一律诫勉;今年和上一年度都被诫勉的部门标注“连续末位”")
    return ";".join(parts) + "。"


def _entry(s: Settings) -> str:
    named = ("记名投票:选票可与评委姓名对应" if s.named_ballots
             else "不记名投票:选票不与评委姓名关联")
    double = ("双人录入:每张选票须由两名录入员分别录入,一致后才计入结果" if s.double_entry
              else "单人录入:选票保存后即计入结果")
    return f"{named};{double}。"
