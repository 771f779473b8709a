"""Rows the program cannot read (a hand edit wrote text where a number or JSON belongs, or
a reference to nothing): found with plain SQL and named one per line, so ``verify`` and
``results`` report them instead of failing with a traceback."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import text

from evalapp.ballot_status import STATUSES
from evalapp.db.engine import Database
from evalapp.domain import DomainError, parse_grades, parse_quota


class MalformedData(DomainError):
    """The database holds rows the program cannot read (the lines name them)."""


def _decimal(value: object, blank_ok: bool) -> bool:
    if value is None:
        return blank_ok
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    return number.is_finite() and (number == 0 or abs(number.adjusted()) <= 30)


def _integer(value: object, blank_ok: bool = False) -> bool:
    if value is None:
        return blank_ok
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < 10 ** 9
    try:
        return abs(int(str(value))) < 10 ** 9
    except ValueError:
        return False


def _date(value: object) -> bool:
    if isinstance(value, datetime):
        return True
    try:
        datetime.fromisoformat(str(value))
        return True
    except (TypeError, ValueError):
        return False


def _check_columns(lines, label, row, decimals=(), blank_decimals=(), ints=(), blank_ints=(),
                   dates=()):
    checks = ((decimals, lambda v: _decimal(v, False), "数值"),
              (blank_decimals, lambda v: _decimal(v, True), "数值"),
              (ints, _integer, "整数"), (blank_ints, lambda v: _integer(v, True), "整数"),
              (dates, _date, "日期时间"))
    for columns, ok, kind in checks:
        for col, name in columns:
            if not ok(row[col]):
                lines.append(f"{label}的{name}不是{kind}:{row[col]!r}")


def _rows(s, sql: str, e: int) -> list[dict]:
    result = s.execute(text(sql), {"e": e})
    keys = list(result.keys())
    return [dict(zip(keys, r)) for r in result]


def _evaluation(s, e: int, lines: list[str]) -> None:
    for row in _rows(s, "SELECT * FROM evaluations WHERE id = :e", e):
        label = "考评设置"
        _check_columns(lines, label, row, decimals=[("low", "分值下限"), ("high", "分值上限")],
                       blank_decimals=[("excellent_ratio", "优秀票上限比例"),
                                       ("high_line", "高分线"), ("bonus_cap", "加分上限"),
                                       ("admonish_below", "诫勉分数线")],
                       ints=[("mark_decimals", "打分小数位"), ("result_decimals", "结果小数位")],
                       blank_ints=[("year", "年度")],
                       dates=[("created_at", "创建时间"), ("updated_at", "修改时间")])
        for col, name in (("commend_quota", "表扬名额"), ("admonish_quota", "诫勉名额")):
            try:
                parse_quota(row[col])
            except (DomainError, ValueError):
                lines.append(f"{label}的{name}无法识别:{row[col]!r}")
        try:
            parse_grades(str(row["grades"] or ""))
        except (DomainError, ValueError, InvalidOperation):
            lines.append(f"{label}的等次分值无法识别:{row['grades']!r}")


def _rosters(s, e: int, lines: list[str]) -> tuple[set, set]:
    categories = set()
    for row in _rows(s, "SELECT * FROM categories WHERE evaluation_id = :e", e):
        categories.add(row["id"])
        for col, name in (("commend_quota", "表扬名额"), ("admonish_quota", "诫勉名额")):
            try:
                parse_quota(row[col])
            except (DomainError, ValueError):
                lines.append(f"部门类别“{row['name']}”的{name}无法识别:{row[col]!r}")
    groups = set()
    for row in _rows(s, "SELECT * FROM evaluator_groups WHERE evaluation_id = :e", e):
        groups.add(row["id"])
        _check_columns(lines, f"评委类别“{row['name']}”", row, decimals=[("weight", "权重")],
                       ints=[("trim", "去掉最高最低分个数"), ("trim_from", "去极值起始人数"),
                             ("position", "顺序")], blank_ints=[("expected", "发出票数")])
    departments = set()
    for row in _rows(s, "SELECT * FROM departments WHERE evaluation_id = :e", e):
        departments.add(row["id"])
        label = f"部门“{row['name']}”"
        _check_columns(lines, label, row, ints=[("position", "述职顺序")])
        if row["category_id"] is not None and row["category_id"] not in categories:
            lines.append(f"{label}的类别指向不存在的部门类别(编号 {row['category_id']})")
    components = set()
    for row in _rows(s, "SELECT * FROM components WHERE evaluation_id = :e", e):
        components.add(row["id"])
        _check_columns(lines, f"其他得分项目“{row['name']}”", row, decimals=[("weight", "权重")])
    for row in _rows(s, "SELECT v.* FROM component_values v JOIN departments d ON "
                        "d.id = v.department_id WHERE d.evaluation_id = :e", e):
        label = f"其他得分(编号 {row['id']})"
        _check_columns(lines, label, row, decimals=[("value", "分值")])
        if row["component_id"] not in components:
            lines.append(f"{label}指向不存在的项目(编号 {row['component_id']})")
    for row in _rows(s, "SELECT * FROM adjustments WHERE evaluation_id = :e", e):
        label = f"加减分(编号 {row['id']},{row['reason']})"
        _check_columns(lines, label, row, decimals=[("points", "分值")])
        if row["department_id"] not in departments:
            lines.append(f"{label}指向不存在的部门(编号 {row['department_id']})")
    return groups, departments


def _ballots(s, e: int, groups: set, departments: set, lines: list[str]) -> None:
    for row in _rows(s, "SELECT id, serial, group_id, own_department_id, marks, status, "
                        "created_at, updated_at FROM ballots WHERE evaluation_id = :e", e):
        label = f"选票 {row['serial']}"
        if row["group_id"] not in groups:
            lines.append(f"{label}的评委类别指向不存在的类别(编号 {row['group_id']})")
        if row["own_department_id"] is not None and row["own_department_id"] not in departments:
            lines.append(f"{label}的所属部门指向不存在的部门(编号 {row['own_department_id']})")
        if row["status"] not in STATUSES:
            lines.append(f"{label}的状态无法识别:{row['status']!r}")
        _check_columns(lines, label, row, dates=[("created_at", "录入时间"),
                                                 ("updated_at", "修改时间")])
        try:
            marks = json.loads(row["marks"]) if row["marks"] is not None else {}
        except (TypeError, ValueError):
            lines.append(f"{label}的评分无法读取(不是有效的评分记录):{str(row['marks'])[:40]!r}")
            continue
        if not isinstance(marks, dict):
            lines.append(f"{label}的评分无法读取(不是有效的评分记录)")
            continue
        for key, value in marks.items():
            if not key.isdigit() or int(key) not in departments:
                lines.append(f"{label}的评分中有不存在的部门(编号 {key})")
            if not isinstance(value, str):
                lines.append(f"{label}的评分中有非文字的分值:{value!r}")


def _finals(s, e: int, lines: list[str]) -> None:
    for row in _rows(s, "SELECT id, result_json, finalised_at FROM final_results "
                        "WHERE evaluation_id = :e", e):
        label = f"定稿记录(编号 {row['id']})"
        _check_columns(lines, label, row, dates=[("finalised_at", "定稿时间")])
        try:
            if not isinstance(json.loads(row["result_json"] or ""), dict):
                raise ValueError
        except (TypeError, ValueError):
            lines.append(f"{label}的结果内容无法读取")


def malformed_rows(db: Database, evaluation_id: int) -> list[str]:
    """One Chinese line per unreadable value of an evaluation's rows (empty: all readable)."""
    lines: list[str] = []
    with db.session() as s:
        _evaluation(s, evaluation_id, lines)
        groups, departments = _rosters(s, evaluation_id, lines)
        _ballots(s, evaluation_id, groups, departments, lines)
        _finals(s, evaluation_id, lines)
    return ["数据无法读取:" + line for line in lines]


def unreadable(db: Database, evaluation_ids: list[int | None], exc: Exception
               ) -> MalformedData:
    """The error to raise when computing a result tripped over a row: every unreadable row
    of the evaluation (and of last year's, used for the rank changes), one line each."""
    lines = []
    for evaluation_id in evaluation_ids:
        if evaluation_id is not None:
            lines += malformed_rows(db, evaluation_id)
    if not lines:
        lines = [f"数据无法读取({exc.__class__.__name__}: {exc})"]
    return MalformedData("数据库中有无法读取的数据,不能计算结果(请运行“核对”,或从备份恢复):\n"
                         + "\n".join(lines[:30]))
