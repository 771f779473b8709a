"""Consistency rules of a whole evaluation (RULES §1–§6), for data from any source."""

from __future__ import annotations

from collections import Counter

from evalapp.domain import (
    GRADE_MODE, ONSITE_COMPONENT, SCORE_MODE, DomainError, EvaluationData, Group, Settings,
)
from evalapp.marks import normalize_mark
from evalapp.setting_rules import (
    min_trim_from, score_in_range, tie_key_problem, weight_total, weights_complete,
)


def _duplicates(names) -> list[str]:
    return [n for n, c in Counter(names).items() if c > 1]


def settings_problems(s: Settings, group_names: list[str]) -> list[str]:
    problems = []
    if not s.name.strip():
        problems.append("考评名称不能为空")
    if s.mode not in (SCORE_MODE, GRADE_MODE):
        problems.append("计分方式应为百分制或等次制")
    if s.high <= s.low:
        problems.append("分值上限必须大于分值下限")
    if not 0 <= s.mark_decimals <= 4:
        problems.append("打分小数位应为 0–4")
    if not 0 <= s.result_decimals <= 6:
        problems.append("结果小数位应为 0–6")
    if s.excellent_ratio is not None and not 0 <= s.excellent_ratio <= 1:
        problems.append("优秀票上限比例应在 0–1 之间")
    if s.bonus_cap is not None and s.bonus_cap < 0:
        problems.append("加分上限不能为负数")
    if not s.grades or s.grades[0].points is None:
        problems.append("等次分值:第一个等次必须有分值")
    problems += [p for p in (tie_key_problem(k, group_names) for k in s.tie_break) if p]
    return problems


def validate_settings(s: Settings, group_names: list[str]) -> None:
    problems = settings_problems(s, group_names)
    if problems:
        raise DomainError(";".join(problems))


def group_problems(groups: list[Group], complete: bool = True) -> list[str]:
    problems = [f"评委类别“{n}”重复" for n in _duplicates(g.name for g in groups)]
    for g in groups:
        if g.weight <= 0:
            problems.append(f"评委类别“{g.name}”的权重必须大于 0")
        if g.trim < 0:
            problems.append(f"评委类别“{g.name}”的去掉最高最低分个数不能为负")
        if g.trim_from < min_trim_from(g.trim):
            problems.append(f"评委类别“{g.name}”的去极值起始人数至少为 {min_trim_from(g.trim)}")
        if g.expected is not None and g.expected < 0:
            problems.append(f"评委类别“{g.name}”的发出票数不能为负")
    total = weight_total(groups)
    if (groups or complete) and not weights_complete(total):
        problems.append(f"各评委类别权重之和为 {total},应为 100")
    return problems


def evaluation_problems(data: EvaluationData, complete: bool = True) -> list[str]:
    s = data.settings
    problems = settings_problems(s, [g.name for g in data.groups])
    problems += group_problems(data.groups, complete)
    problems += [f"部门类别“{n}”重复" for n in _duplicates(c.name for c in data.categories)]
    problems += [f"部门“{n}”重复" for n in _duplicates(d.name for d in data.departments)]
    problems += [f"述职顺序 {n} 重复" for n in _duplicates(d.order for d in data.departments)]
    categories = {c.name for c in data.categories}
    for d in data.departments:
        if categories and d.category not in categories:
            problems.append(f"部门“{d.name}”的类别“{d.category or ''}”不存在")
        if not categories and d.category:
            problems.append(f"部门“{d.name}”填了类别,但没有定义部门类别")
    problems += _component_problems(data)
    departments = {d.name for d in data.departments}
    problems += [f"加减分中的部门“{a.department}”不存在"
                 for a in data.adjustments if a.department not in departments]
    problems += _ballot_problems(data, departments)
    return problems


def _component_problems(data: EvaluationData) -> list[str]:
    problems = []
    if data.components:
        names = [c.name for c in data.components]
        problems += [f"得分构成“{n}”重复" for n in _duplicates(names)]
        if ONSITE_COMPONENT not in names:
            problems.append(f"得分构成必须包含“{ONSITE_COMPONENT}”")
        total = weight_total(data.components)
        if not weights_complete(total):
            problems.append(f"得分构成权重之和为 {total},应为 100")
    others = {c.name for c in data.effective_components()} - {ONSITE_COMPONENT}
    departments = {d.name for d in data.departments}
    for dept, values in data.component_values.items():
        if dept not in departments:
            problems.append(f"其他得分中的部门“{dept}”不存在")
        for comp, value in values.items():
            if comp not in others:
                problems.append(f"其他得分中的项目“{comp}”不在得分构成中")
            elif not score_in_range(value):
                problems.append(f"部门“{dept}”的{comp}得分 {value} 应在 0–100 之间")
    return problems


def _ballot_problems(data: EvaluationData, departments: set[str]) -> list[str]:
    problems = [f"票号“{n}”重复" for n in _duplicates(b.serial for b in data.ballots)]
    groups = {g.name for g in data.groups}
    checked: dict[str, str | None] = {}
    for b in data.ballots:
        if not b.serial.strip():
            problems.append("选票票号不能为空")
        if b.group not in groups:
            problems.append(f"选票 {b.serial} 的评委类别“{b.group}”不存在")
        if b.own_department is not None and b.own_department not in departments:
            problems.append(f"选票 {b.serial} 的所属部门“{b.own_department}”不存在")
        for dept, text in b.marks.items():
            if dept not in departments:
                problems.append(f"选票 {b.serial} 评了不存在的部门“{dept}”")
                continue
            if text not in checked:
                try:
                    checked[text] = None if normalize_mark(data.settings, text) == text \
                        else "不是规范写法"
                except DomainError as exc:
                    checked[text] = str(exc)
            if checked[text]:
                problems.append(f"选票 {b.serial}“{dept}”的评分{checked[text]}")
    return problems


def validate_evaluation(data: EvaluationData, complete: bool = True) -> None:
    problems = evaluation_problems(data, complete)
    if problems:
        shown = problems[:50]
        more = f"\n……另有 {len(problems) - 50} 处问题" if len(problems) > 50 else ""
        raise DomainError("\n".join(shown) + more)
