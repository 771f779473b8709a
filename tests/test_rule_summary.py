"""The plain-language rule summary says what the tally will do, for each kind of setting."""

from dataclasses import replace
from decimal import Decimal

from evalapp.demo import demo_evaluations
from evalapp.domain import (
    GRADE_MODE,
    Category,
    EvaluationData,
    Group,
    Quota,
    Settings,
    parse_grades,
)
from evalapp.rule_summary import rule_summary, rule_summary_text


def demo() -> EvaluationData:
    return demo_evaluations()[-1]


def test_demo_summary_states_every_rule():
    text = rule_summary_text(demo())
    assert "百分制,0–100 分,最多 1 位小数" in text
    assert "每张选票“优秀”(≥95 分)不得超过 21 个(部门数 73 × 0.3,向下取整)" in text
    assert "全部同分的选票作废" in text
    assert "四大班子领导 30%" in text and "部门互评回避本部门" in text
    assert "群众代表、部门互评满 10 人评分时去掉最高、最低分各 2 个" in text
    assert "综合得分 = 集中考评 60% + 目标考核 30% + 日常考核 10% + 加分(至多 2 分) − 减分" in text
    assert "同分依次比较集中考评得分、四大班子领导评分" in text
    assert "党群部门表扬 3 名、诫勉 1 名" in text
    assert "政府工作部门表扬 15%(按现有 36 个部门约 5 名)" in text
    assert "低于 70 分的部门一律诫勉" in text
    assert "不记名投票" in text and "单人录入" in text
    assert len(rule_summary(demo())) == 7


def test_grade_mode_with_an_abstention_grade():
    settings = Settings(name="x", mode=GRADE_MODE, excellent_ratio=Decimal("0.2"),
                        grades=parse_grades("优秀=100,良好=85,一般=70,不了解="),
                        double_entry=True, named_ballots=True)
    data = replace(demo(), settings=settings)
    text = rule_summary_text(data)
    assert "等次制,每个部门选一个等次:优秀 100 分、良好 85 分、一般 70 分" in text
    assert "“不了解”不计分,视同未评" in text
    assert "每张选票“优秀”不得超过 14 个(部门数 73 × 0.2" in text
    assert "全部同分" not in text  # only in score mode
    assert "记名投票" in text and "双人录入" in text


def test_quota_needs_a_high_line_in_score_mode():
    data = demo()
    data.settings = replace(data.settings, high_line=None)
    assert "未设高分线,上限暂不生效" in rule_summary_text(data)
    data.settings = replace(data.settings, excellent_ratio=None)
    assert "“优秀”个数不设上限" in rule_summary_text(data)


def test_no_categories_one_ranking_and_wrong_weights_flagged():
    data = replace(demo(), categories=[], components=[],
                   departments=[replace(d, category=None) for d in demo().departments],
                   groups=[Group("甲", Decimal(60)), Group("乙", Decimal(35), 1, 3)])
    data.settings = replace(data.settings, commend_quota=Quota(3),
                            admonish_quota=Quota(percent=Decimal(10)), admonish_below=None,
                            bonus_cap=None, tie_break=())
    text = rule_summary_text(data)
    assert "不分类别统一排名,表扬 3 名、诫勉 10%(按现有 73 个部门约 7 名)" in text
    assert "权重合计 95,应为 100" in text
    assert "综合得分 = 集中考评得分 + 加分 − 减分" in text
    assert "同分并列" in text
    assert "低于" not in text  # no admonition threshold


def test_category_without_departments_shows_percent_only():
    data = replace(demo(), categories=[Category("新类别", Quota(percent=Decimal(20)))])
    assert "新类别表扬 20%、诫勉 0 名" in rule_summary_text(data)
