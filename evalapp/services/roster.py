"""Editing an evaluation's objects: categories, groups, departments, evaluators, components,
component values, adjustments and vetoes. Every change is validated and audited."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from sqlalchemy import delete, select

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import (
    ONSITE_COMPONENT, Adjustment, Category, Component, Department, DomainError, Evaluator, Group,
)
from evalapp.services.context import (
    MANAGE, Actor, NotFound, audit, get_evaluation, require, unit_of_work,
)
from evalapp.services.store import load_data
from evalapp.services.validation import evaluation_problems


def _plain(obj) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(obj).items()}


def _check(session, evaluation: m.Evaluation) -> None:
    """Validate the evaluation as it now stands in the session (before commit)."""
    session.flush()
    session.expire(evaluation)
    problems = evaluation_problems(load_data(session, evaluation), complete=False)
    if problems:
        raise DomainError("\n".join(problems[:20]))


def _match_by_name(rows, items, model, fill) -> tuple[list, list]:
    """Rows for ``items`` in list order (reusing the row of the same name) and the rows left."""
    existing = {r.name: r for r in rows}
    keep = []
    for position, item in enumerate(items, start=1):
        row = existing.pop(item.name, None) or model(name=item.name)
        row.position = position
        fill(row, item)
        keep.append(row)
    return keep, list(existing.values())


def _fill_category(row: m.Category, c: Category) -> None:
    row.commend_quota, row.admonish_quota = c.commend.text(), c.admonish.text()


def _fill_group(row: m.EvaluatorGroup, g: Group) -> None:
    row.weight, row.trim, row.trim_from = g.weight, g.trim, g.trim_from
    row.expected, row.recusal = g.expected, g.recusal


def _fill_component(row: m.Component, c: Component) -> None:
    row.weight = c.weight


def _replace_named(db: Database, actor: Actor, evaluation_id: int, attr: str, items: list,
                   model, fill, on_drop, action: str) -> None:
    """Replace one of an evaluation's named lists (categories, groups, components)."""
    require(actor, MANAGE)
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        old = [_plain(x) for x in getattr(load_data(s, ev), attr)]
        keep, dropped = _match_by_name(getattr(ev, attr), items, model, fill)
        for row in dropped:
            on_drop(s, row)
        setattr(ev, attr, keep)
        _check(s, ev)
        audit(s, actor, ev.id, action, ev.name, old=old, new=[_plain(x) for x in items])


def _drop_category(s, row: m.Category) -> None:
    if s.scalar(select(m.Department.id).where(m.Department.category_id == row.id)):
        raise DomainError(f"部门类别“{row.name}”下还有部门,不能删除")


def _drop_group(s, row: m.EvaluatorGroup) -> None:
    if s.scalar(select(m.Ballot.id).where(m.Ballot.group_id == row.id)):
        raise DomainError(f"评委类别“{row.name}”已有选票,不能删除")
    s.execute(delete(m.Evaluator).where(m.Evaluator.group_id == row.id))


def _drop_component(s, row: m.Component) -> None:
    s.execute(delete(m.ComponentValue).where(m.ComponentValue.component_id == row.id))


def save_categories(db: Database, actor: Actor, evaluation_id: int,
                    categories: list[Category]) -> None:
    """Replace the category list (order = list order); matched by name."""
    _replace_named(db, actor, evaluation_id, "categories", categories, m.Category,
                   _fill_category, _drop_category, "修改部门类别")


def save_groups(db: Database, actor: Actor, evaluation_id: int, groups: list[Group]) -> None:
    """Replace the evaluator groups (weights must sum to 100); matched by name."""
    _replace_named(db, actor, evaluation_id, "groups", groups, m.EvaluatorGroup, _fill_group,
                   _drop_group, "修改评委类别")


def save_components(db: Database, actor: Actor, evaluation_id: int,
                    components: list[Component]) -> None:
    """Replace the score components (must contain 集中考评, weights sum to 100)."""
    _replace_named(db, actor, evaluation_id, "components", components, m.Component,
                   _fill_component, _drop_component, "修改得分构成")


def save_department(db: Database, actor: Actor, evaluation_id: int, department: Department,
                    old_name: str | None = None) -> None:
    """Add a department, or update the one called ``old_name`` (renaming allowed)."""
    require(actor, MANAGE)
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        rows = {d.name: d for d in ev.departments}
        row = rows.get(old_name) if old_name else None
        if old_name and row is None:
            raise NotFound(f"部门“{old_name}”不存在")
        before = None if row is None else _department_plain(row)
        if not department.name.strip():
            raise DomainError("部门名称:不能为空")
        category = {c.name: c for c in ev.categories}.get(department.category or "")
        if department.category and category is None:
            raise DomainError(f"类别:“{department.category}”不存在")
        clash = rows.get(department.name.strip())
        if clash is not None and clash is not row:
            raise DomainError(f"部门名称:“{department.name.strip()}”重复(已有此部门)")
        if any(d.position == department.order and d is not row for d in ev.departments):
            raise DomainError(f"述职顺序:{department.order} 重复(已被其他部门使用)")
        if row is None:
            row = m.Department()
        row.position, row.name, row.short_name = department.order, department.name.strip(), \
            department.short_name
        row.category, row.presenter, row.title = (category, department.presenter,
                                                  department.title)
        if row not in ev.departments:
            ev.departments.append(row)
        _check(s, ev)
        audit(s, actor, ev.id, "修改部门" if before else "新增部门", row.name, old=before,
              new=_plain(department))


def _department_plain(row: m.Department) -> dict:
    return {"order": row.position, "name": row.name, "short_name": row.short_name,
            "category": row.category.name if row.category else None,
            "presenter": row.presenter, "title": row.title}


def remove_department(db: Database, actor: Actor, evaluation_id: int, name: str) -> None:
    """Remove a department that no ballot, score or adjustment refers to."""
    require(actor, MANAGE)
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        row = next((d for d in ev.departments if d.name == name), None)
        if row is None:
            raise NotFound(f"部门“{name}”不存在")
        data = load_data(s, ev)
        if any(name in b.marks or b.own_department == name for b in data.ballots):
            raise DomainError(f"部门“{name}”已有选票评分,不能删除(计分依赖这些选票)")
        if name in data.component_values or any(a.department == name for a in data.adjustments):
            raise DomainError(f"部门“{name}”已有其他得分或加减分,请先删除这些记录")
        before = _department_plain(row)
        ev.departments.remove(row)
        s.delete(row)
        audit(s, actor, ev.id, "删除部门", name, old=before)


def move_department(db: Database, actor: Actor, evaluation_id: int, name: str,
                    new_order: int) -> None:
    """Move a department to another presentation position; the others shift."""
    require(actor, MANAGE)
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        ordered = sorted(ev.departments, key=lambda d: d.position)
        row = next((d for d in ordered if d.name == name), None)
        if row is None:
            raise NotFound(f"部门“{name}”不存在")
        old = row.position
        ordered.remove(row)
        ordered.insert(max(0, min(new_order - 1, len(ordered))), row)
        for position, d in enumerate(ordered, start=1):
            d.position = -position  # avoid transient duplicates
        s.flush()
        for d in ordered:
            d.position = -d.position
        audit(s, actor, ev.id, "调整述职顺序", name, old=old, new=row.position)


def save_evaluators(db: Database, actor: Actor, evaluation_id: int,
                    evaluators: list[Evaluator]) -> None:
    require(actor, MANAGE)
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        groups = {g.name: g.id for g in ev.groups}
        bad = [e.group for e in evaluators if e.group not in groups]
        if bad:
            raise DomainError(f"评委类别:“{bad[0]}”不存在")
        old = [_plain(e) for e in load_data(s, ev).evaluators]
        s.execute(delete(m.Evaluator).where(m.Evaluator.evaluation_id == ev.id))
        for e in evaluators:
            s.add(m.Evaluator(evaluation_id=ev.id, group_id=groups[e.group], name=e.name,
                              unit=e.unit, seat=e.seat))
        audit(s, actor, ev.id, "修改评委名单", ev.name, old=old,
              new=[_plain(e) for e in evaluators])


def set_component_value(db: Database, actor: Actor, evaluation_id: int, department: str,
                        component: str, value: Decimal | None) -> None:
    """Enter (or clear with None) a department's value of a component other than 集中考评."""
    require(actor, MANAGE)
    if component == ONSITE_COMPONENT:
        raise DomainError("集中考评得分由选票计算,不能直接填写")
    if value is not None and not 0 <= value <= 100:
        raise DomainError(f"{component}:{value} 应在 0–100 之间")
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        dept = next((d for d in ev.departments if d.name == department), None)
        comp = next((c for c in ev.components if c.name == component), None)
        if dept is None or comp is None:
            raise NotFound(f"部门“{department}”或得分项目“{component}”不存在")
        row = s.scalar(select(m.ComponentValue).where(
            m.ComponentValue.department_id == dept.id, m.ComponentValue.component_id == comp.id))
        old = None if row is None else str(row.value)
        if value is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(m.ComponentValue(department_id=dept.id, component_id=comp.id, value=value))
        else:
            row.value = value
        audit(s, actor, ev.id, "填写其他得分", f"{department}/{component}", old=old,
              new=None if value is None else str(value))


def add_adjustment(db: Database, actor: Actor, evaluation_id: int,
                   adjustment: Adjustment) -> int:
    """Add a bonus/penalty item or a veto (一票否决, with its reason)."""
    require(actor, MANAGE)
    if not adjustment.reason.strip():
        raise DomainError("事由:加减分和一票否决都必须写明事由")
    if adjustment.points == 0 and not adjustment.veto:
        raise DomainError("分值:不能为 0")
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        dept = next((d for d in ev.departments if d.name == adjustment.department), None)
        if dept is None:
            raise NotFound(f"部门“{adjustment.department}”不存在")
        row = m.Adjustment(evaluation_id=ev.id, department_id=dept.id, points=adjustment.points,
                           reason=adjustment.reason.strip(), veto=adjustment.veto)
        s.add(row)
        s.flush()
        audit(s, actor, ev.id, "一票否决" if adjustment.veto else "新增加减分",
              adjustment.department, new=_plain(adjustment))
        return row.id


def list_adjustments(db: Database, evaluation_id: int) -> list[tuple[int, Adjustment]]:
    with db.session() as s:
        get_evaluation(s, evaluation_id)
        return [(a.id, Adjustment(a.department.name, a.points, a.reason, a.veto))
                for a in s.scalars(select(m.Adjustment).where(
                    m.Adjustment.evaluation_id == evaluation_id).order_by(m.Adjustment.id))]


def remove_adjustment(db: Database, actor: Actor, evaluation_id: int, adjustment_id: int,
                      reason: str) -> None:
    require(actor, MANAGE)
    if not (reason or "").strip():
        raise DomainError("删除加减分或撤销一票否决必须填写原因")
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        row = s.get(m.Adjustment, adjustment_id)
        if row is None or row.evaluation_id != ev.id:
            raise NotFound(f"加减分记录(编号 {adjustment_id})不存在")
        old = _plain(Adjustment(row.department.name, row.points, row.reason, row.veto))
        s.delete(row)
        audit(s, actor, ev.id, "删除加减分", f"{old['department']}(原因:{reason.strip()})",
              old=old)

