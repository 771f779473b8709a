"""The state seal: every audit row records what the data that decides a result looked like
right after the change it logs, so ``verify`` can name any later change made around the
services (a direct edit of the database file).

Each audit row's ``state`` (JSON, covered by the row's chain hash) holds:

* ``h`` — a short hash of every section of its evaluation (settings, categories, groups,
  departments, components, their values, adjustments and vetoes, evaluators, final results)
  and of the operators (names, roles, active, password hash);
* ``c`` — the full content of the sections whose hash changed since the previous row;
* ``b`` — the full content of every ballot written in this transaction (all fields and
  status), keyed by ballot id (None: deleted).

Sections are read with plain SQL (raw column values as text), so a malformed row is
recorded and compared as it stands instead of crashing the reader, and the queries name
their columns (they keep working after later migrations add columns).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from evalapp.db import models as m

STATE_VERSION = 1
TOUCHED, TOUCH_ALL = "evalapp_touched_ballots", "evalapp_touch_all_ballots"

# section → (Chinese label, SQL returning the rows keyed by their first column, column labels)
SECTIONS: dict[str, tuple[str, str, dict[str, str]]] = {
    "evaluation": ("考评设置", "SELECT id, name, year, status, mode, low, high, mark_decimals, "
                   "result_decimals, grades, excellent_ratio, high_line, void_identical, "
                   "bonus_cap, admonish_below, tie_break, commend_quota, admonish_quota, "
                   "named_ballots, double_entry, counts_acknowledged_by, "
                   "counts_acknowledged_reason FROM evaluations WHERE id = :e",
                   {"name": "名称", "year": "年度", "status": "状态", "mode": "计分方式",
                    "low": "最低分", "high": "最高分", "mark_decimals": "评分小数位",
                    "result_decimals": "结果小数位", "grades": "等次", "excellent_ratio":
                    "优秀比例", "high_line": "高分线", "void_identical": "雷同票作废",
                    "bonus_cap": "加分上限", "admonish_below": "诫勉分数线",
                    "tie_break": "同分排序", "commend_quota": "表扬名额",
                    "admonish_quota": "诫勉名额", "named_ballots": "记名投票",
                    "double_entry": "双人录入", "counts_acknowledged_by": "票数确认人",
                    "counts_acknowledged_reason": "票数确认原因"}),
    "categories": ("部门类别", "SELECT id, position, name, commend_quota, admonish_quota "
                   "FROM categories WHERE evaluation_id = :e",
                   {"position": "顺序", "name": "名称", "commend_quota": "表扬名额",
                    "admonish_quota": "诫勉名额"}),
    "groups": ("评委类别", "SELECT id, position, name, weight, trim, trim_from, expected, "
               "recusal FROM evaluator_groups WHERE evaluation_id = :e",
               {"position": "顺序", "name": "名称", "weight": "权重", "trim": "去掉最高最低分数",
                "trim_from": "去分起始票数", "expected": "发出票数", "recusal": "回避本部门"}),
    "departments": ("部门", "SELECT id, position, name, short_name, category_id, presenter, "
                    "title FROM departments WHERE evaluation_id = :e",
                    {"position": "述职顺序", "name": "名称", "short_name": "简称",
                     "category_id": "类别", "presenter": "述职人", "title": "职务"}),
    "components": ("其他得分项目", "SELECT id, position, name, weight FROM components "
                   "WHERE evaluation_id = :e",
                   {"position": "顺序", "name": "名称", "weight": "权重"}),
    "component_values": ("其他得分", "SELECT v.id, v.department_id, v.component_id, v.value "
                         "FROM component_values v JOIN departments d ON d.id = v.department_id "
                         "WHERE d.evaluation_id = :e",
                         {"department_id": "部门", "component_id": "项目", "value": "分值"}),
    "adjustments": ("加减分与一票否决", "SELECT id, department_id, points, reason, veto "
                    "FROM adjustments WHERE evaluation_id = :e",
                    {"department_id": "部门", "points": "分值", "reason": "事由",
                     "veto": "一票否决"}),
    "evaluators": ("评委名单", "SELECT id, group_id, name, unit, seat FROM evaluators "
                   "WHERE evaluation_id = :e",
                   {"group_id": "评委类别", "name": "姓名", "unit": "单位", "seat": "座位"}),
    "final_results": ("定稿记录", "SELECT id, digest, result_json, finalised_by, finalised_at, "
                      "superseded, reason FROM final_results WHERE evaluation_id = :e",
                      {"digest": "摘要", "result_json": "定稿结果内容", "finalised_by": "定稿人",
                       "finalised_at": "定稿时间", "superseded": "已作废(解锁)",
                       "reason": "解锁原因"}),
}
GLOBAL_SECTIONS = {
    "operators": ("操作员", "SELECT id, name, role, active, password_hash FROM operators",
                  {"name": "姓名", "role": "角色", "active": "启用", "password_hash": "密码"}),
}
BALLOT_SQL = ("SELECT id, evaluation_id, serial, group_id, own_department_id, evaluator_id, "
              "void_reason, marks, status FROM ballots WHERE evaluation_id = :e")
BALLOT_FIELDS = {"evaluation_id": "考评活动", "serial": "票号", "group_id": "评委类别",
                 "own_department_id": "所属部门",
                 "evaluator_id": "评委", "void_reason": "作废原因", "marks": "评分",
                 "status": "状态"}
# Long values are kept as their hash (the content is not needed to name the change).
HASHED_VALUES = {"result_json", "password_hash"}


def _plain(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _rows(s: Session, sql: str, params: dict, columns_of=None) -> dict[str, dict]:
    result = s.execute(text(sql), params)
    keys = list(result.keys())
    rows = {}
    for raw in result:
        row = {}
        for k, v in zip(keys[1:], raw[1:]):
            v = _plain(v)
            if k in HASHED_VALUES and v is not None:
                v = "sha256:" + hashlib.sha256(v.encode("utf-8")).hexdigest()[:24]
            row[k] = v
        rows[_plain(raw[0])] = row
    return rows


def _hash(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True,
                                     separators=(",", ":")).encode("utf-8")).hexdigest()[:24]


def section_contents(s: Session, evaluation_id: int | None) -> dict[str, dict]:
    """The current content of every sealed section (an evaluation's and the global ones)."""
    out = {name: _rows(s, sql, {}) for name, (_, sql, _) in GLOBAL_SECTIONS.items()}
    if evaluation_id is not None:
        for name, (_, sql, _) in SECTIONS.items():
            out[name] = _rows(s, sql, {"e": evaluation_id})
    return out


def ballot_contents(s: Session, evaluation_id: int, ids: set[int] | None = None
                    ) -> dict[str, dict]:
    """Ballot rows by id (all of the evaluation's, or only ``ids``), raw values as text."""
    sql, params = BALLOT_SQL, {"e": evaluation_id}
    rows = _rows(s, sql, params) if ids is None or len(ids) > 500 else {}
    if ids is not None and len(ids) <= 500:
        for start in range(0, len(ids), 200):
            chunk = sorted(ids)[start:start + 200]
            marks = ",".join(str(int(i)) for i in chunk)
            rows.update(_rows(s, f"{sql} AND id IN ({marks})", params))
    if ids is not None:
        rows = {k: v for k, v in rows.items() if int(k) in ids}
        rows.update({str(i): None for i in ids if str(i) not in rows})
    return rows


# ---------------------------------------------------------------- recording

@event.listens_for(Session, "before_flush")
def _track_ballots(session: Session, _context, _instances) -> None:
    """Remember which ballot rows this transaction writes (recorded by the next audit row)."""
    touched = session.info.setdefault(TOUCHED, {})
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, m.Ballot):
            touched.setdefault(obj.evaluation_id, set()).add(obj)


@event.listens_for(Session, "after_transaction_end")
def _forget_touched(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(TOUCHED, None)
        session.info.pop(TOUCH_ALL, None)


def touch_all_ballots(session: Session, evaluation_id: int) -> None:
    """Ballots written in bulk (Core inserts): the next audit row records all of them."""
    session.info.setdefault(TOUCH_ALL, set()).add(evaluation_id)


_HASHES = re.compile(r'"h":(\{[^{}]*\})')


def _hashes_of(prefix: str | None) -> dict[str, str]:
    """The section hashes of a state text, read from its head (``h`` is written right after
    ``v``), so a row holding thousands of imported ballots is not parsed for each save."""
    match = _HASHES.search(prefix or "")
    if not match:
        return _state(prefix).get("h", {}) if prefix else {}
    try:
        value = json.loads(match.group(1))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def previous_hashes(s: Session, evaluation_id: int | None, before_id: int) -> dict[str, str]:
    """The section hashes recorded by the newest earlier rows (the evaluation's and global)."""
    hashes: dict[str, str] = {}
    glob = s.execute(text("SELECT substr(state, 1, 4000) FROM audit_log WHERE id < :i AND "
                          "state <> '' ORDER BY id DESC LIMIT 1"), {"i": before_id}).scalar()
    hashes.update({k: v for k, v in _hashes_of(glob).items() if k in GLOBAL_SECTIONS})
    if evaluation_id is not None:
        own = s.execute(text("SELECT substr(state, 1, 4000) FROM audit_log WHERE id < :i AND "
                             "evaluation_id = :e AND state <> '' ORDER BY id DESC LIMIT 1"),
                        {"i": before_id, "e": evaluation_id}).scalar()
        hashes.update({k: v for k, v in _hashes_of(own).items() if k not in GLOBAL_SECTIONS})
    return hashes


def state_for(s: Session, evaluation_id: int | None, row_id: int,
              all_ballots: bool = False) -> str:
    """The ``state`` text of a new audit row (after the change it logs was flushed)."""
    contents = section_contents(s, evaluation_id)
    hashes = {name: _hash(rows) for name, rows in contents.items()}
    before = previous_hashes(s, evaluation_id, row_id)
    state: dict = {"v": STATE_VERSION, "h": dict(sorted(hashes.items())),
                   "c": {k: v for k, v in contents.items() if before.get(k) != hashes[k]}}
    ballots: dict[str, dict | None] = {}
    touch_all = s.info.get(TOUCH_ALL, set())
    touched = s.info.get(TOUCHED, {})
    for ev_id in sorted(set(touched) | touch_all | ({evaluation_id} if all_ballots else set())):
        if ev_id is None:
            continue
        if ev_id in touch_all or (all_ballots and ev_id == evaluation_id):
            ballots.update(ballot_contents(s, ev_id))
        else:
            ids = {obj if isinstance(obj, int) else obj.id for obj in touched[ev_id]}
            ids.discard(None)
            ballots.update(ballot_contents(s, ev_id, ids))
    s.info.pop(TOUCHED, None)
    s.info.pop(TOUCH_ALL, None)
    if ballots:
        state["b"] = ballots
    # "v" and "h" first (previous_hashes reads only the head of the text)
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"))


def _state(textual: str | None) -> dict:
    try:
        value = json.loads(textual) if textual else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# ---------------------------------------------------------------- comparing

@dataclass
class Recorded:
    """The newest recorded content of each section and ballot, replayed from the log."""

    hashes: dict[str, str] = field(default_factory=dict)
    contents: dict[str, dict] = field(default_factory=dict)
    ballots: dict[str, dict | None] = field(default_factory=dict)
    rows: int = 0
    malformed: list[str] = field(default_factory=list)


def replay_state(s: Session, evaluation_id: int) -> Recorded:
    """Replay every state record in log order: the global sections from all rows, the
    evaluation's sections from its own rows, ballots wherever they were recorded."""
    rec = Recorded()
    query = text("SELECT id, evaluation_id, state FROM audit_log WHERE state <> '' ORDER BY id")
    for row_id, ev_id, raw in s.execute(query):
        state = _state(raw)
        if not state or not isinstance(state.get("h"), dict):
            rec.malformed.append(f"操作日志第 {row_id} 条的状态记录无法读取(被改动过)")
            continue
        own = ev_id is not None and int(ev_id) == evaluation_id
        rec.rows += own
        scope = set(GLOBAL_SECTIONS) | (set(SECTIONS) if own else set())
        for name, value in state["h"].items():
            if name in scope:
                rec.hashes[name] = value
        for name, value in (state.get("c") or {}).items():
            if name in scope and isinstance(value, dict):
                rec.contents[name] = value
        for key, value in (state.get("b") or {}).items():
            if value is None or (isinstance(value, dict)
                                 and value.get("evaluation_id") == str(evaluation_id)):
                rec.ballots[key] = value
            else:
                rec.ballots.pop(key, None)
    return rec


def _label(rows: dict, key: str) -> str:
    row = rows.get(key) or {}
    return f"“{row['name']}”" if row.get("name") else f"(编号 {key})"


def _value(v: object) -> str:
    if v is None or v == "":
        return "空"
    text_ = str(v)
    return text_ if len(text_) <= 60 else text_[:57] + "…"


def _diff_rows(label: str, fields: dict[str, str], logged: dict, now: dict) -> list[str]:
    lines = []
    for key in sorted(set(logged) | set(now), key=lambda k: (len(k), k)):
        a, b = logged.get(key), now.get(key)
        if a == b:
            continue
        name = _label(now if b else logged, key)
        if a is None:
            lines.append(f"{label}{name}没有操作日志记录(被直接加入数据库)")
        elif b is None:
            lines.append(f"{label}{name}已不在数据库中(被直接删除)")
        else:
            diffs = [f"{fields.get(f, f)} 日志 {_value(a.get(f))} / 现存 {_value(b.get(f))}"
                     for f in sorted(set(a) | set(b)) if a.get(f) != b.get(f)]
            lines.append(f"{label}{name}与操作日志记录的不同:" + ";".join(diffs))
    return lines


def section_problems(s: Session, evaluation_id: int, rec: Recorded) -> list[str]:
    """One Chinese line for each sealed item that differs from what the log recorded."""
    lines = list(rec.malformed)
    if not rec.rows:
        return lines + ["操作日志中没有这个考评活动的任何状态记录(日志被删除或改写)"]
    contents = section_contents(s, evaluation_id)
    for name, rows in contents.items():
        label, _, fields = SECTIONS.get(name) or GLOBAL_SECTIONS[name]
        if rec.hashes.get(name) == _hash(rows):
            continue
        logged = rec.contents.get(name)
        if logged is None or _hash(logged) != rec.hashes.get(name):
            lines.append(f"{label}与操作日志记录的状态不同(日志中的记录不完整或被改动)")
            continue
        found = _diff_rows(label, fields, logged, rows)
        lines += found or [f"{label}与操作日志记录的状态不同"]
    return lines


def ballot_problems(s: Session, evaluation_id: int, rec: Recorded) -> list[str]:
    """Ballot rows that differ from, are missing from, or never appear in the recorded state."""
    now = ballot_contents(s, evaluation_id)
    lines = []
    names = {k: (r or {}).get("name") for k, r in _rows(s, "SELECT id, name FROM departments "
                                                       "WHERE evaluation_id = :e",
                                                       {"e": evaluation_id}).items()}
    for key in sorted(set(now) | {k for k, v in rec.ballots.items() if v is not None},
                      key=lambda k: (len(k), k)):
        a, b = rec.ballots.get(key), now.get(key)
        serial = (b or a or {}).get("serial") or f"(编号 {key})"
        if a == b:
            continue
        if a is None:
            lines.append(f"选票 {serial} 没有操作日志记录(被直接加入数据库,或记录被删除)")
        elif b is None:
            lines.append(f"选票 {serial} 已不在数据库中(被直接删除)")
        else:
            diffs = []
            for f in sorted(set(a) | set(b)):
                if a.get(f) == b.get(f):
                    continue
                if f == "marks":
                    diffs.append("评分 " + _marks_diff(a.get(f), b.get(f), names))
                else:
                    diffs.append(f"{BALLOT_FIELDS.get(f, f)} 日志 {_value(a.get(f))} / "
                                 f"现存 {_value(b.get(f))}")
            lines.append(f"选票 {serial} 与操作日志记录的不同:" + ";".join(diffs))
    return lines


def _marks_diff(a: str | None, b: str | None, names: dict) -> str:
    def parse(textual):
        try:
            value = json.loads(textual) if textual else {}
            return value if isinstance(value, dict) else None
        except ValueError:
            return None
    old, new = parse(a), parse(b)
    if old is None or new is None:
        return f"日志 {_value(a)} / 现存 {_value(b)}"
    parts = [f"“{names.get(k) or k}” 日志 {_value(old.get(k))} / 现存 {_value(new.get(k))}"
             for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    return ",".join(parts) or f"日志 {_value(a)} / 现存 {_value(b)}"
