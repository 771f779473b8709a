"""Double entry (双人录入核对), as election tally centres do it: every ballot is typed twice,
independently, by two different operators; equal entries confirm it, different ones go to a
reconciliation queue where a 管理员 picks what the paper says or sends it back for re-entry.
Only confirmed ballots count (store.load_ballots)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from evalapp.ballot_status import CONFIRMED, CONFLICT, PENDING, REENTRY, status_after_entry
from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import DomainError
from evalapp.services.ballot_input import (
    BallotInfo, BallotInput, Names, store_entry, validate_entry,
)
from evalapp.services.context import (
    MANAGE, Actor, NotFound, audit, get_evaluation, now, require, unit_of_work,
)


def _active_entries(s: Session, ballot_id: int) -> list[m.BallotEntry]:
    return list(s.scalars(select(m.BallotEntry).where(
        m.BallotEntry.ballot_id == ballot_id, m.BallotEntry.superseded.is_(False))
        .order_by(m.BallotEntry.id)))


def record_entry(s: Session, actor: Actor, evaluation: m.Evaluation, names: Names,
                 entry: BallotInput, entry_uid: str | None = None,
                 source: dict | None = None) -> BallotInfo:
    """One independent entry of a ballot (called by ballots.add_ballot in its transaction);
    ``entry_uid`` is the save's identity (a repeated save finds the entry: ballots.py)."""
    serial = str(entry.serial).strip()
    ballot = s.scalar(select(m.Ballot).where(m.Ballot.evaluation_id == evaluation.id,
                                             m.Ballot.serial == serial))
    serial, marks = validate_entry(s, evaluation, names, entry, ballot.id if ballot else None)
    group_id = names.groups[entry.group].id
    own = names.departments.get(entry.own_department or "")
    own_id = own.id if own else None
    stamp = now()
    if ballot is not None and ballot.status in (CONFIRMED, CONFLICT):
        state = "已核对一致" if ballot.status == CONFIRMED else "已在核对队列中"
        raise DomainError(f"票号:“{serial}”{state},不能再次录入")
    active = _active_entries(s, ballot.id) if ballot is not None else []
    if any(e.operator == actor.name for e in active):
        raise DomainError(f"票号:“{serial}”已由您录入过;双人录入须由另一位录入员独立录入")
    if ballot is None:
        ballot = m.Ballot(evaluation_id=evaluation.id, serial=serial, group_id=group_id,
                          own_department_id=own_id, marks=marks, entered_by=actor.name,
                          status=PENDING, created_at=stamp, updated_at=stamp)
        s.add(ballot)
        s.flush()
    s.add(m.BallotEntry(ballot_id=ballot.id, operator=actor.name, group_id=group_id,
                        own_department_id=own_id, marks=marks, superseded=False,
                        created_at=stamp, entry_uid=entry_uid))
    same = bool(active) and (active[0].group_id, active[0].own_department_id,
                             active[0].marks) == (group_id, own_id, marks)
    ballot.status = status_after_entry(len(active), same)
    if not active:
        ballot.marks, ballot.group_id, ballot.own_department_id = marks, group_id, own_id
        action = "第一次录入"
    else:
        action = "第二次录入(一致,已确认)" if same else "第二次录入(不一致,待核对)"
    ballot.updated_at = stamp
    s.flush()
    info = names.info(ballot)
    audit(s, actor, evaluation.id, action, serial,
          new={"评委类别": entry.group, "所属部门": entry.own_department,
               "评分": {names.dept_names[k]: v for k, v in marks.items()}, **(source or {})})
    return info


@dataclass(frozen=True)
class EntryView:
    operator: str
    group: str
    own_department: str | None
    marks: dict[str, str]


@dataclass(frozen=True)
class Conflict:
    """A ballot whose two entries differ, with both entries and where they differ."""

    ballot_id: int
    serial: str
    first: EntryView
    second: EntryView
    differences: tuple[str, ...]  # "评委类别", "所属部门" or department names


def _view(e: m.BallotEntry, groups: dict[int, str], depts: dict[int, str]) -> EntryView:
    return EntryView(e.operator, groups[e.group_id],
                     depts.get(e.own_department_id) if e.own_department_id else None,
                     {depts[k]: v for k, v in e.marks.items()})


def _differences(a: EntryView, b: EntryView, order: list[str]) -> tuple[str, ...]:
    diff = [label for label, x, y in (("评委类别", a.group, b.group),
                                      ("所属部门", a.own_department, b.own_department)) if x != y]
    diff += [d for d in order if a.marks.get(d) != b.marks.get(d)]
    return tuple(diff)


def list_conflicts(db: Database, actor: Actor, evaluation_id: int) -> list[Conflict]:
    """The reconciliation queue (only a 管理员 may see both entries)."""
    require(actor, MANAGE)
    with db.session() as s:
        ev = get_evaluation(s, evaluation_id)
        groups = {g.id: g.name for g in ev.groups}
        depts = {d.id: d.name for d in ev.departments}
        order = [d.name for d in sorted(ev.departments, key=lambda d: d.position)]
        result = []
        for ballot in s.scalars(select(m.Ballot).where(
                m.Ballot.evaluation_id == evaluation_id, m.Ballot.status == CONFLICT)
                .order_by(m.Ballot.serial)):
            first, second = (_view(e, groups, depts) for e in _active_entries(s, ballot.id)[:2])
            result.append(Conflict(ballot.id, ballot.serial, first, second,
                                   _differences(first, second, order)))
        return result


def _conflict(s: Session, evaluation_id: int, ballot_id: int) -> m.Ballot:
    ballot = s.get(m.Ballot, ballot_id)
    if ballot is None or ballot.evaluation_id != evaluation_id or ballot.status != CONFLICT:
        raise NotFound("这张选票不在核对队列中(可能已被处理)")
    return ballot


def resolve_conflict(db: Database, actor: Actor, evaluation_id: int, ballot_id: int,
                     resolved, note: str = "") -> None:
    """Confirm a conflicting ballot with the values that match the paper (a BallotInput)."""
    require(actor, MANAGE)
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        ballot = _conflict(s, evaluation_id, ballot_id)
        names = Names(ev)
        before = names.info(ballot)
        serial, marks = validate_entry(s, ev, names, resolved, ballot.id)
        ballot.status = CONFIRMED
        store_entry(s, ballot, names, resolved, serial, marks)
        after = names.info(ballot)
        audit(s, actor, evaluation_id, "核对确认", f"{serial}{f'(说明:{note})' if note else ''}",
              old={"第一次录入": before.marks}, new={"评委类别": after.group,
                                                 "所属部门": after.own_department,
                                                 "评分": after.marks})


def send_back(db: Database, actor: Actor, evaluation_id: int, ballot_id: int,
              reason: str) -> None:
    """Discard both entries: the ballot must be typed twice again."""
    require(actor, MANAGE)
    if not (reason or "").strip():
        raise DomainError("退回重录必须填写原因")
    with unit_of_work(db) as s:
        get_evaluation(s, evaluation_id, for_change=True)
        ballot = _conflict(s, evaluation_id, ballot_id)
        for entry in _active_entries(s, ballot.id):
            entry.superseded = True
        ballot.status, ballot.updated_at = REENTRY, now()
        audit(s, actor, evaluation_id, "退回重录", f"{ballot.serial}(原因:{reason.strip()})")


def entry_counts(db: Database, evaluation_id: int) -> dict[str, int]:
    """Ballots by status (confirmed, pending, conflict, reentry)."""
    with db.session() as s:
        return entry_counts_in(s, evaluation_id)


def entry_counts_in(s, evaluation_id: int) -> dict[str, int]:
    """entry_counts inside an open session (one read snapshot)."""
    rows = s.execute(select(m.Ballot.status, func.count()).where(
        m.Ballot.evaluation_id == evaluation_id).group_by(m.Ballot.status)).all()
    counts = {CONFIRMED: 0, PENDING: 0, CONFLICT: 0, REENTRY: 0}
    counts.update(dict(rows))
    return counts
