"""Ballots: add, edit (with a reason), void (with a reason), list — validated per RULES §2–§3."""

from __future__ import annotations

from dataclasses import fields

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from evalapp.ballot_status import CONFIRMED, status_after_entry
from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.db.retry import serialise_writes
from evalapp.domain import DomainError
from evalapp.services.audit_trail import WITHDRAWN as WITHDRAW_ACTION
from evalapp.services.ballot_input import (  # noqa: F401 (BallotInput, BallotInfo: for callers)
    BallotInfo, BallotInput, Names, SavedBallot, snapshot, store_entry, validate_entry,
)
from evalapp.services.context import (
    ENTER, MANAGE, Actor, NotFound, audit, get_evaluation, now, require, unit_of_work,
)
from evalapp.services.double_entry import record_entry
from evalapp.services.audit_log import last_change_id_in
from evalapp.services.progress import progress_after_save, remember


def check_room(session: Session, evaluation: m.Evaluation, group: m.Group,
               moving: int | None = None) -> None:
    """Refuse a new ballot (or ``moving`` one into ``group``) once the group holds as many
    ballots as were handed out (发出票数): a ballot typed into the wrong group or twice
    would otherwise count, and the room would see more ballots back than were issued."""
    if group.expected is None:
        return
    held = session.scalar(select(func.count(m.Ballot.id)).where(
        m.Ballot.evaluation_id == evaluation.id, m.Ballot.group_id == group.id,
        m.Ballot.id != (moving or -1)))
    if held >= group.expected:
        raise DomainError(
            f"评委类别“{group.name}”发出 {group.expected} 张选票,已录入 {held} 张,不能再录入。"
            "请先核对票号和评委类别是否录错;如确实收回了更多选票,请管理员在“评委”页把发出票数"
            "改为实际数(写明原因);如有重复录入或录错类别的选票,请管理员将其撤回(Ctrl+Shift+W)。")


def add_ballot(db: Database, actor: Actor, evaluation_id: int, entry: BallotInput,
               entry_uid: str | None = None, source: dict | None = None,
               with_progress: bool = False) -> SavedBallot:
    """Save a typed ballot. With double entry on, this is one of the two independent entries
    (see double_entry.py): the ballot counts once a second operator typed the same.

    ``entry_uid`` identifies this save (the UI makes one per typed ballot and keeps it until the
    save succeeds): saving again with the same identity — after a lost connection, when the
    first attempt may or may not have been committed — returns the ballot saved the first time
    instead of adding it twice (see evalapp/db/retry.py).

    ``source`` (optional) is added to the audit row, e.g. {"来源": "扫描", "图像SHA-256": …}
    for a ballot read from scanned pages (evalapp/services/scan_import.py).

    Returns the saved ballot (a BallotInfo) with, when ``with_progress``, the entry progress
    after it (progress.GroupProgress per group), read in the same transaction."""
    require(actor, ENTER)
    with unit_of_work(db) as s:
        serialise_writes(s)
        evaluation = get_evaluation(s, evaluation_id, for_change=True)
        if with_progress:
            marker = last_change_id_in(s, evaluation_id)
            before = s.scalar(select(m.Ballot.status).where(
                m.Ballot.evaluation_id == evaluation_id,
                m.Ballot.serial == str(entry.serial).strip()))
        info = _add(s, actor, evaluation, entry, entry_uid, source)
        if with_progress:
            counted_at, progress = progress_after_save(
                db, s, evaluation, marker, before, info.group, info.status,
                info.marks.values(), info.void_reason)
    if not with_progress:
        return SavedBallot(**{f.name: getattr(info, f.name) for f in fields(info)})
    remember(db, evaluation_id, counted_at, progress)  # committed: a later save may add to it
    return SavedBallot(**{f.name: getattr(info, f.name) for f in fields(info)},
                       progress=tuple(progress))


def _add(s: Session, actor: Actor, evaluation: m.Evaluation, entry: BallotInput,
         entry_uid: str | None, source: dict | None) -> BallotInfo:
    """add_ballot inside its transaction: a retried save, a double entry or a new ballot."""
    evaluation_id = evaluation.id
    names = Names(evaluation)
    if entry_uid is not None:
        saved = _saved_with(s, evaluation_id, entry_uid)
        if saved is not None:
            return names.info(saved)
    group = names.groups.get(entry.group)
    exists = s.scalar(select(m.Ballot.id).where(
        m.Ballot.evaluation_id == evaluation_id, m.Ballot.serial == str(entry.serial).strip()))
    if group is not None and exists is None:
        check_room(s, evaluation, group)
    if evaluation.double_entry:
        return record_entry(s, actor, evaluation, names, entry,
                            entry_uid=entry_uid, source=source)
    serial, marks = validate_entry(s, evaluation, names, entry, None)
    stamp = now()
    own = names.departments.get(entry.own_department or "")
    ballot = m.Ballot(evaluation_id=evaluation_id, serial=serial,
                      group_id=names.groups[entry.group].id,
                      own_department_id=own.id if own else None, marks=marks,
                      entered_by=actor.name, created_at=stamp, updated_at=stamp,
                      status=status_after_entry(0, True, double_entry=False),
                      entry_uid=entry_uid)
    s.add(ballot)
    s.flush()
    info = names.info(ballot)
    audit(s, actor, evaluation_id, "录入选票", serial,
          new={**snapshot(info), **(source or {})})
    return info


def _saved_with(s: Session, evaluation_id: int, entry_uid: str) -> m.Ballot | None:
    """The ballot an earlier save with this identity created or entered, if any."""
    ballot = s.scalar(select(m.Ballot).where(m.Ballot.entry_uid == entry_uid))
    if ballot is None:
        ballot_id = s.scalar(select(m.BallotEntry.ballot_id).where(
            m.BallotEntry.entry_uid == entry_uid))
        ballot = None if ballot_id is None else s.get(m.Ballot, ballot_id)
    if ballot is not None and ballot.evaluation_id != evaluation_id:
        raise DomainError("这次保存的录入标识已被另一个考评活动的选票使用,请重新录入这张选票")
    return ballot


def _for_change(session: Session, evaluation_id: int,
                ballot_id: int) -> tuple[m.Evaluation, Names, m.Ballot]:
    """The evaluation (refused once finalised), its names and one of its ballots."""
    evaluation = get_evaluation(session, evaluation_id, for_change=True)
    return evaluation, Names(evaluation), _load(session, evaluation_id, ballot_id)


def _load(session: Session, evaluation_id: int, ballot_id: int) -> m.Ballot:
    ballot = session.get(m.Ballot, ballot_id)
    if ballot is None or ballot.evaluation_id != evaluation_id:
        raise NotFound(f"选票(编号 {ballot_id})不存在")
    return ballot


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"{what}必须填写原因")
    return reason


def edit_ballot(db: Database, actor: Actor, evaluation_id: int, ballot_id: int,
                entry: BallotInput, reason: str) -> BallotInfo:
    """Correct a saved ballot; the reason and old → new go to the audit log."""
    require(actor, ENTER)
    reason = _reason(reason, "修改选票")
    with unit_of_work(db) as s:
        evaluation, names, ballot = _for_change(s, evaluation_id, ballot_id)
        if ballot.status != CONFIRMED:  # double entry: its two entries decide, not an edit
            raise DomainError(f"票号“{ballot.serial}”尚未核对一致(双人录入),不能直接修改;"
                              "请在“双人录入核对”页处理")
        before = names.info(ballot)
        serial, marks = validate_entry(s, evaluation, names, entry, ballot_id)
        if names.groups[entry.group].id != ballot.group_id:
            check_room(s, evaluation, names.groups[entry.group], moving=ballot.id)
        store_entry(s, ballot, names, entry, serial, marks)
        info = names.info(ballot)
        audit(s, actor, evaluation_id, "修改选票", f"{serial}(原因:{reason})",
              old=snapshot(before), new=snapshot(info))
        return info


def void_ballot(db: Database, actor: Actor, evaluation_id: int, ballot_id: int,
                reason: str | None) -> BallotInfo:
    """Void a ballot with a reason (RULES §3.4), or restore it with ``reason=None``."""
    require(actor, ENTER)
    with unit_of_work(db) as s:
        evaluation, names, ballot = _for_change(s, evaluation_id, ballot_id)
        old = ballot.void_reason
        ballot.void_reason = None if reason is None else _reason(reason, "作废选票")
        ballot.updated_at = now()
        s.flush()
        info = names.info(ballot)
        audit(s, actor, evaluation_id, "作废选票" if reason is not None else "恢复选票",
              ballot.serial, old={"作废原因": old}, new={"作废原因": ballot.void_reason})
        return info


def withdraw_ballot(db: Database, actor: Actor, evaluation_id: int, ballot_id: int,
                    reason: str) -> BallotInfo:
    """撤回 (RULES §3): remove a ballot that has no paper behind it — typed twice, typed into
    the wrong group, a serial never issued. Administrators only, with a reason. The whole
    ballot (and, with double entry, each entry) stays in the audit trail; it counts nowhere
    (not 收回, not valid, not invalid) and its serial may be typed again."""
    require(actor, MANAGE)
    reason = _reason(reason, "撤回选票")
    with unit_of_work(db) as s:
        evaluation, names, ballot = _for_change(s, evaluation_id, ballot_id)
        info = names.info(ballot)
        entries = [{"录入员": e.operator, "评委类别": names.group_names.get(e.group_id),
                    "评分": {names.dept_names.get(k, k): v for k, v in e.marks.items()},
                    "已被取代": e.superseded}
                   for e in s.scalars(select(m.BallotEntry).where(
                       m.BallotEntry.ballot_id == ballot.id).order_by(m.BallotEntry.id))]
        old = snapshot(info) | {"状态": info.status_label, "录入员": info.entered_by}
        if entries:
            old["各次录入"] = entries
        s.execute(delete(m.BallotEntry).where(m.BallotEntry.ballot_id == ballot.id))
        s.delete(ballot)
        s.flush()
        audit(s, actor, evaluation_id, WITHDRAW_ACTION, f"{info.serial}(原因:{reason})",
              old=old, new={"撤回原因": reason})
        return info


def list_ballots(db: Database, evaluation_id: int) -> list[BallotInfo]:
    with db.session() as s:
        names = Names(get_evaluation(s, evaluation_id))
        return [names.info(b) for b in s.scalars(
            select(m.Ballot).where(m.Ballot.evaluation_id == evaluation_id)
            .order_by(m.Ballot.id))]


def get_ballot(db: Database, evaluation_id: int, serial: str) -> BallotInfo:
    with db.session() as s:
        names = Names(get_evaluation(s, evaluation_id))
        ballot = s.scalar(select(m.Ballot).where(m.Ballot.evaluation_id == evaluation_id,
                                                 m.Ballot.serial == serial.strip()))
        if ballot is None:
            raise NotFound(f"票号“{serial}”的选票不存在")
        return names.info(ballot)
