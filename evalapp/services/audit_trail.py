"""Replaying the audit trail: what every ballot should look like according to the log."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from evalapp.db import models as m
from evalapp.db.engine import Database

ENTERED = {"录入选票", "第一次录入"}
WITHDRAWN = "撤回选票"  # ballots.WITHDRAW_ACTION
REASON_SUFFIX = re.compile(r"((原因|说明):.*)$", re.DOTALL)


@dataclass
class TrailBallot:
    marks: dict[str, str]
    void_reason: str | None = None


@dataclass
class Trail:
    """Ballots as the log says they should be; ``imported`` counts ballots imported in bulk."""

    ballots: dict[str, TrailBallot] = field(default_factory=dict)
    imported: int = 0
    imported_edited: int = 0  # imported ballots that were later edited (now in ``ballots``)
    imported_withdrawn: int = 0  # imported ballots withdrawn (撤回) since
    # Fingerprints of the imported ballots (serial, marks, void reason), and void changes
    # made in the app to imported ballots since: serial → (void at import, void now).
    imported_prints: set[str] = field(default_factory=set)
    imported_voids: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def ballot_print(serial: str, marks_by_id: dict[int, str], void_reason: str | None) -> str:
    """A short SHA-256 of an imported ballot, with marks keyed by department id (ids survive
    renames and reordering). The serial is inside the hash, so the audit row it is kept in
    does not turn up when the log is searched for a 票号."""
    text = json.dumps([serial, {str(k): v for k, v in marks_by_id.items()}, void_reason or ""],
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def imported_ballots_record(ballots, department_ids: dict[str, int]) -> dict:
    """What the import's audit row keeps of the ballots, so a later hand edit shows."""
    return {"选票指纹": sorted(ballot_print(b.serial, {department_ids[k]: v
                                                       for k, v in b.marks.items()},
                                            b.void_reason) for b in ballots)}


def _load(text: str | None) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _serial(target: str) -> str:
    return REASON_SUFFIX.sub("", target or "").strip()


def _rename(trail: Trail, old: dict, new: dict) -> None:
    before, after = old.get("name"), new.get("name")
    if before and after and before != after:
        for ballot in trail.ballots.values():
            if before in ballot.marks:
                ballot.marks[after] = ballot.marks.pop(before)


def _apply(trail: Trail, action: str, target: str, old: dict, new: dict) -> None:
    if action == "导入考评":
        trail.imported += int(new.get("选票") or 0)
        trail.imported_prints.update(new.get("选票指纹") or [])
    elif action in ENTERED:
        trail.ballots[new.get("票号") or _serial(target)] = TrailBallot(
            dict(new.get("评分") or {}), new.get("作废原因"))
    elif action == "修改选票":
        previous = trail.ballots.pop(old.get("票号") or _serial(target), None)
        if previous is None:
            trail.imported_edited += 1
        void = previous.void_reason if previous else new.get("作废原因")
        trail.ballots[new.get("票号") or _serial(target)] = TrailBallot(
            dict(new.get("评分") or {}), void)
    elif action == "核对确认":
        ballot = trail.ballots.setdefault(_serial(target), TrailBallot({}))
        ballot.marks = dict(new.get("评分") or {})
    elif action in ("作废选票", "恢复选票"):
        ballot = trail.ballots.get(_serial(target))
        if ballot is not None:
            ballot.void_reason = new.get("作废原因")
        else:  # an imported ballot: remember its void reason at import and now
            serial = _serial(target)
            at_import = trail.imported_voids.get(serial, (old.get("作废原因"), None))[0]
            trail.imported_voids[serial] = (at_import, new.get("作废原因"))
    elif action == "导入录入批次":  # ballots typed on another station (batch.py)
        for item in new.get("录入") or []:
            trail.ballots[item["票号"]] = TrailBallot(dict(item.get("评分") or {}),
                                                    item.get("作废原因"))
    elif action == WITHDRAWN:  # the ballot is gone on purpose; its content is in ``old``
        if trail.ballots.pop(old.get("票号") or _serial(target), None) is None:
            trail.imported_withdrawn += 1
    elif action == "修改部门":
        _rename(trail, old, new)


def replay(db: Database, evaluation_id: int) -> Trail:
    """Ballot states according to this evaluation's audit rows, oldest first."""
    trail = Trail()
    with db.session() as s:
        rows = s.execute(select(m.AuditEntry.action, m.AuditEntry.target, m.AuditEntry.old,
                                m.AuditEntry.new)
                         .where(m.AuditEntry.evaluation_id == evaluation_id)
                         .order_by(m.AuditEntry.id))
        for action, target, old, new in rows:
            _apply(trail, action, target, _load(old), _load(new))
    return trail


@dataclass(frozen=True)
class StoredBallot:
    serial: str
    marks: dict[str, str]
    void_reason: str | None
    entered_by: str = ""
    marks_by_id: dict[int, str] = field(default_factory=dict)


def stored_ballots(db: Database, evaluation_id: int) -> dict[str, StoredBallot]:
    """Every ballot row of an evaluation (any status), marks by department name."""
    with db.session() as s:
        names = {d.id: d.name for d in s.scalars(select(m.Department).where(
            m.Department.evaluation_id == evaluation_id))}
        return {b.serial: StoredBallot(b.serial, {names.get(k, f"#{k}"): v
                                                  for k, v in b.marks.items()}, b.void_reason,
                                  b.entered_by or "", dict(b.marks))
                for b in s.scalars(select(m.Ballot).where(
                    m.Ballot.evaluation_id == evaluation_id))}


def _mark_differences(logged: dict[str, str], stored: dict[str, str]) -> list[str]:
    out = []
    for name in sorted(set(logged) | set(stored)):
        a, b = logged.get(name), stored.get(name)
        if a != b:
            out.append(f"“{name}” 日志 {a or '空'} / 现存 {b or '空'}")
    return out


def _imported_problems(trail: Trail, stored: dict[str, StoredBallot]) -> list[str]:
    """Ballots without an entry in the log that do not match any imported ballot."""
    if not trail.imported_prints:
        return []  # an import from before fingerprints were kept: counts only (below)
    problems = []
    for serial in sorted(set(stored) - set(trail.ballots)):
        ballot = stored[serial]
        at_import, now_void = trail.imported_voids.get(serial, (ballot.void_reason, None))
        if ballot_print(serial, ballot.marks_by_id, at_import) not in trail.imported_prints:
            problems.append(f"选票 {serial} 与导入时不同(或不是导入的),且操作日志中没有它的记录")
        elif serial in trail.imported_voids and (ballot.void_reason or None) != (now_void or None):
            problems.append(f"选票 {serial} 的作废状态与操作日志不同:现存 "
                            f"{ballot.void_reason or '未作废'}")
    return problems


def trail_problems(db: Database, evaluation_id: int) -> list[str]:
    """Ballots that differ from, are missing from, or never appear in the audit trail."""
    trail = replay(db, evaluation_id)
    stored = stored_ballots(db, evaluation_id)
    problems = []
    for serial, logged in sorted(trail.ballots.items()):
        ballot = stored.get(serial)
        if ballot is None:
            problems.append(f"选票 {serial} 有录入记录,但已不在数据库中(被删除)")
            continue
        diffs = _mark_differences(logged.marks, ballot.marks)
        if diffs:
            problems.append(f"选票 {serial} 的评分与操作日志记录的不同:" + ";".join(diffs))
        if (logged.void_reason or None) != (ballot.void_reason or None):
            problems.append(f"选票 {serial} 的作废原因与日志不同:日志 {logged.void_reason or '无'}"
                            f" / 现存 {ballot.void_reason or '无'}")
    problems += _imported_problems(trail, stored)
    # Ballots typed in the app (entered_by set) must all be in the trail: list those first.
    untracked = sorted(set(stored) - set(trail.ballots),
                       key=lambda serial: (not stored[serial].entered_by, serial))
    expected = max(trail.imported - trail.imported_edited - trail.imported_withdrawn, 0)
    if len(untracked) > expected:
        shown = "、".join(untracked[:10]) + ("…" if len(untracked) > 10 else "")
        problems.append(f"有 {len(untracked) - expected} 张选票没有录入记录(导入 "
                        f"{trail.imported} 张;无记录的票号:{shown})")
    elif len(untracked) < expected:
        problems.append(f"导入的选票少了 {expected - len(untracked)} 张:导入时 "
                        f"{trail.imported} 张,现存 {len(untracked) + trail.imported_edited} 张"
                        "(有选票被删除)")
    return problems
