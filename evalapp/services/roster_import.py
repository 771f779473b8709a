"""Importing an evaluation's departments from the 部门 sheet of a workbook (merge by name)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import Department, DomainError
from evalapp.reports.fonts import missing_glyphs_message
from evalapp.services.context import MANAGE, Actor, audit, get_evaluation, require, unit_of_work
from evalapp.services.store import load_data
from evalapp.services.validation import evaluation_problems
from evalapp.workbook import layout as L
from evalapp.workbook.sheets import ImportIssue, Names, Sheet, WorkbookError, merge_issues

MAX_ORDER = 1_000_000


@dataclass(frozen=True)
class DepartmentChanges:
    """What applying a department list did."""

    added: int = 0
    updated: int = 0
    removed: int = 0


@dataclass(frozen=True)
class DepartmentImport:
    """What importing a department list did: rows imported, and lines worth a look."""

    count: int
    warnings: tuple[str, ...] = ()


def import_departments(db: Database, actor: Actor, evaluation_id: int,
                       path: str | Path) -> DepartmentImport:
    """Add the departments of the workbook's 部门 sheet and update those already present (by
    name). Raises WorkbookError listing every problem with its sheet, row and column, and
    then writes nothing."""
    require(actor, MANAGE)
    book = _sheet(path)
    with db.session() as s:
        categories = [c.name for c in get_evaluation(s, evaluation_id).categories]
    warnings = list(book.warnings)
    departments = read_departments(book.sheets[L.DEPARTMENTS], categories, book.issues,
                                   warnings)
    apply_departments(db, actor, evaluation_id, departments, action="从工作簿导入部门",
                      target=Path(path).name)
    return DepartmentImport(len(departments), tuple(str(w) for w in warnings))


def _sheet(path: str | Path):
    """The 部门 sheet as read from the workbook (header first), with reading problems."""
    from evalapp.workbook.xlsx_reader import read_book  # openpyxl only when importing
    book = read_book(path, only=L.DEPARTMENTS)
    if L.DEPARTMENTS not in book.sheets:
        raise WorkbookError([ImportIssue(L.DEPARTMENTS, None, None, None,
                                         "缺少此工作表(部门名单应在名为“部门”的工作表中)")])
    return book


def read_departments(rows: list[tuple], categories: list[str],
                     read_issues: list[ImportIssue] = (),
                     warnings: list[ImportIssue] | None = None) -> list[Department]:
    """Parse the 部门 sheet against the evaluation's categories; raise WorkbookError (with
    ``read_issues``, the problems found while reading the cells, first). Names no bundled
    font can print are added to ``warnings`` (as the whole-workbook import warns)."""
    issues: list[ImportIssue] = []
    sheet = Sheet(L.DEPARTMENTS, rows, issues, L.DEPARTMENT_COLUMNS[1:2],
                  L.DEPARTMENT_COLUMNS[:1] + L.DEPARTMENT_COLUMNS[2:])
    known = Names()
    for category in categories:
        known.define(category)
    result, names, orders = [], Names(), set()
    for position, row in enumerate(sheet.rows(), start=1):
        name = row.name("部门名称", required=True)
        earlier = names.define(name) if name else None
        if earlier is not None:
            row.error("部门名称", "部门名称重复" + ("" if earlier == name else
                                                 f"(与“{earlier}”只差全角半角、大小写或不可见字符)"))
        order = row.integer("述职顺序", position, low=1, high=MAX_ORDER)
        if order is not None and order in orders:
            row.error("述职顺序", "述职顺序重复")
        orders.add(order)
        category = row.name("类别") or None
        if len(known) and category is None:
            row.error("类别", "本次考评已定义部门类别,每个部门都要填写类别")
        elif category is not None and category not in known:
            row.error("类别", "类别不存在(应为" + ("、".join(categories) if len(known) else
                                                  "空:本次考评没有定义部门类别") + ")")
        if name and order is not None:
            result.append(Department(order, name, row.text("简称"),
                                     known.resolve(category) if category else None,
                                     row.text("述职人"), row.text("职务")))
            for column in ("部门名称", "简称", "述职人", "职务"):
                message = missing_glyphs_message(column, row.text(column))
                if message and warnings is not None:
                    warnings.append(ImportIssue(L.DEPARTMENTS, row.line, row.place(column),
                                                None, message))
    issues = merge_issues(list(read_issues), issues)
    if sheet.ok and not result and not issues:
        issues.append(ImportIssue(L.DEPARTMENTS, None, None, None, "没有部门(至少要有一行)"))
    if issues:
        raise WorkbookError(issues)
    return result


def apply_departments(db: Database, actor: Actor, evaluation_id: int,
                      departments: list[Department], remove: Iterable[str] = (),
                      renamed: dict[str, str] | None = None, action: str = "批量修改部门",
                      target: str = "") -> DepartmentChanges:
    """Add or update ``departments`` by name in one transaction (the undo of any department
    change, too): ``renamed`` maps a current name to the listed name it gets back, ``remove``
    names departments to delete (refused when anything refers to them). Departments not
    listed keep their 述职顺序, or follow the listed ones when theirs is taken."""
    require(actor, MANAGE)
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        before = load_data(s, ev)
        rows = _rows_by_name(ev, renamed or {})
        listed = {d.name for d in departments}
        removed = [rows.pop(n) for n in sorted(set(remove) - listed) if n in rows]
        _refuse_referenced(before, [r.name for r in removed])
        for row in removed:
            ev.departments.remove(row)
            s.delete(row)
        categories = {c.name: c for c in ev.categories}
        added = 0
        for d in departments:
            row = rows.get(d.name)
            if row is None:
                row, added = m.Department(name=d.name, position=0), added + 1
                ev.departments.append(row)
            row.short_name, row.presenter, row.title = d.short_name, d.presenter, d.title
            row.category = categories.get(d.category or "")
        _set_positions([r for r in ev.departments if r.name not in listed],
                       {d.name: d.order for d in departments}, ev.departments)
        after = _checked(s, ev)
        audit(s, actor, ev.id, action, target or ev.name,
              old=[_plain(d) for d in before.departments],
              new=[_plain(d) for d in after.departments])
        return DepartmentChanges(added, len(departments) - added, len(removed))


def _rows_by_name(ev: m.Evaluation, renamed: dict[str, str]) -> dict[str, m.Department]:
    rows = {d.name: d for d in ev.departments}
    for current, name in renamed.items():
        if current in rows and name not in rows:
            row = rows.pop(current)
            row.name = name
            rows[name] = row
    return rows


def _checked(s, ev: m.Evaluation):
    """The evaluation as it now stands in the session; DomainError when it is not valid."""
    s.flush()
    s.expire(ev)
    data = load_data(s, ev)
    problems = evaluation_problems(data, complete=False)
    if problems:
        raise DomainError("\n".join(problems[:20]))
    return data


def _refuse_referenced(data, names: list[str]) -> None:
    """Removing a department that ballots, scores or adjustments refer to is refused."""
    wanted = set(names)
    used = {n for b in data.ballots for n in b.marks if n in wanted}
    used |= {b.own_department for b in data.ballots if b.own_department in wanted}
    used |= {n for n in data.component_values if n in wanted}
    used |= {a.department for a in data.adjustments if a.department in wanted}
    if used:
        raise DomainError("以下部门已有选票评分、其他得分或加减分,不能删除:"
                          + "、".join(sorted(used)))


def _set_positions(others: list, orders: dict[str, int], rows: list) -> None:
    """Listed departments take their 述职顺序; the others keep theirs unless it is taken,
    in which case all of them follow the listed ones, in their old order."""
    taken = set(orders.values())
    others = sorted(others, key=lambda r: r.position)
    if any(r.position in taken for r in others):
        start = max(taken, default=0)
        new = {r.name: start + i for i, r in enumerate(others, start=1)}
    else:
        new = {r.name: r.position for r in others}
    new.update(orders)
    for row in rows:
        row.position = new[row.name]


def _plain(d: Department) -> dict:
    return {"order": d.order, "name": d.name, "short_name": d.short_name,
            "category": d.category, "presenter": d.presenter, "title": d.title}
