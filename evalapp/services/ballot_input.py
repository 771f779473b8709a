"""A ballot as typed and as stored, and the checks every way of saving one applies: the
serial, the group, the own department and each mark (RULES §2), by name, in one message.
Used by ballots.py (entry, edit), double_entry.py (the two entries, reconciliation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from evalapp.ballot_status import CONFIRMED, status_label
from evalapp.db import models as m
from evalapp.domain import DomainError
from evalapp.marks import normalize_mark
from evalapp.services.context import now
from evalapp.services.progress import GroupProgress
from evalapp.services.store import settings_of


@dataclass(frozen=True)
class BallotInput:
    """A ballot as typed: marks by department name (raw values; blanks may be omitted)."""

    serial: str
    group: str
    marks: dict[str, object] = field(default_factory=dict)
    own_department: str | None = None


@dataclass(frozen=True)
class BallotInfo:
    id: int
    serial: str
    group: str
    own_department: str | None
    void_reason: str | None
    marks: dict[str, str]
    entered_by: str
    created_at: datetime
    updated_at: datetime
    status: str = CONFIRMED

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass(frozen=True)
class SavedBallot(BallotInfo):
    """A ballot just saved, and — when the save was asked for it — the entry progress right
    after it, read in the same transaction (what the entry page's side panel shows)."""

    progress: tuple[GroupProgress, ...] | None = None


class Names:
    """Id ↔ name maps of one evaluation's groups and departments."""

    def __init__(self, evaluation: m.Evaluation):
        self.groups = {g.name: g for g in evaluation.groups}
        self.departments = {d.name: d for d in evaluation.departments}
        self.group_names = {g.id: g.name for g in evaluation.groups}
        self.dept_names = {d.id: d.name for d in evaluation.departments}

    def info(self, b: m.Ballot) -> BallotInfo:
        return BallotInfo(b.id, b.serial, self.group_names[b.group_id],
                          self.dept_names.get(b.own_department_id) if b.own_department_id
                          else None, b.void_reason,
                          {self.dept_names[k]: v for k, v in b.marks.items()}, b.entered_by,
                          b.created_at, b.updated_at, b.status)


def validate_entry(session: Session, evaluation: m.Evaluation, names: Names, entry: BallotInput,
              ballot_id: int | None) -> tuple[str, dict[int, str]]:
    """Return (serial, marks by department id) or raise naming every bad field."""
    settings = settings_of(evaluation)
    problems = []
    serial = str(entry.serial).strip()
    if not serial:
        problems.append("票号:不能为空")
    else:
        clash = session.scalar(select(m.Ballot.id).where(
            m.Ballot.evaluation_id == evaluation.id, m.Ballot.serial == serial))
        if clash is not None and clash != ballot_id:
            problems.append(f"票号:“{serial}”已录入过,不能重复")
    if entry.group not in names.groups:
        problems.append(f"评委类别:“{entry.group}”不存在")
    if entry.own_department and entry.own_department not in names.departments:
        problems.append(f"所属部门:“{entry.own_department}”不存在")
    marks: dict[int, str] = {}
    for dept, raw in entry.marks.items():
        department = names.departments.get(dept)
        if department is None:
            problems.append(f"“{dept}”:不是本次考评的部门")
            continue
        try:
            text = normalize_mark(settings, raw)
        except DomainError as exc:
            problems.append(f"“{dept}”的评分:{exc}")
            continue
        if text is not None:
            marks[department.id] = text
    if problems:
        raise DomainError(f"选票 {serial or '(无票号)'} 有错误:\n" + "\n".join(problems))
    return serial, marks


def store_entry(session: Session, ballot: m.Ballot, names: Names, entry: BallotInput,
                serial: str, marks: dict) -> None:
    """Write a checked entry (``validate_entry``'s serial and marks) onto its ballot row."""
    own = names.departments.get(entry.own_department or "")
    ballot.serial, ballot.marks = serial, marks
    ballot.group_id = names.groups[entry.group].id
    ballot.own_department_id = own.id if own else None
    ballot.updated_at = now()
    session.flush()


def snapshot(info: BallotInfo) -> dict:
    return {"票号": info.serial, "评委类别": info.group, "所属部门": info.own_department,
            "作废原因": info.void_reason, "评分": info.marks}
