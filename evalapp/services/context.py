"""What every service call shares: the acting operator, roles, units of work and the audit."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from evalapp.db.engine import Database
from evalapp.db.retry import serialise_writes
from evalapp.db.models import AuditEntry, Evaluation
from evalapp.domain import STATUS_FINAL, DomainError
from evalapp.services.audit_chain import seal

ADMIN, CLERK, CHAIR = "admin", "clerk", "chair"
ROLE_LABELS = {ADMIN: "管理员", CLERK: "录入员", CHAIR: "主持人"}

# What each permission is called in a refusal, and which roles have it.
MANAGE, ENTER, VIEW_RESULTS = "manage", "enter", "view_results"
PERMISSIONS = {
    MANAGE: ({ADMIN}, "修改考评设置与名单"),
    ENTER: ({ADMIN, CLERK}, "录入和修改选票"),
    VIEW_RESULTS: ({ADMIN, CHAIR}, "查看考评结果"),
}


class PermissionDenied(DomainError):
    """The operator's role may not do this."""


class NotFound(DomainError):
    """The object asked for does not exist."""


class DatabaseRestored(DomainError):
    """The database was restored from a backup by another station since this one opened it."""

    def __init__(self):
        super().__init__("数据库已恢复,请重新登录(本次修改没有保存)")


@dataclass(frozen=True)
class Actor:
    """The operator on whose behalf a service call acts."""

    name: str
    role: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


SYSTEM = Actor("命令行", ADMIN)


def require(actor: Actor, permission: str) -> None:
    roles, label = PERMISSIONS[permission]
    if actor.role not in roles:
        raise PermissionDenied(f"{actor.role_label}“{actor.name}”无权{label}")


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


@contextmanager
def unit_of_work(db: Database) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error. It first
    takes the application's write lock (retry.serialise_writes: an advisory lock on
    PostgreSQL, BEGIN IMMEDIATE on SQLite), so stations change data one at a time and every
    check inside the block sees the others' committed work; a constraint failure that still
    happens reaches the user as a DomainError in Chinese."""
    with db.session() as session:
        try:
            with session.begin():
                serialise_writes(session)
                yield session
                check_not_restored(db, session)
        except IntegrityError as exc:  # a constraint the checks above did not name
            raise DomainError("保存未完成:与数据库中已有的数据冲突(可能另一台电脑刚刚保存了相同的"
                              "内容)。请刷新后核对再保存;已保存的数据没有改变。") from exc


def check_not_restored(db: Database, session: Session) -> None:
    """Refuse to commit into a file restored from a backup since this station opened it
    (checked at the end of the write transaction, under the write lock: a restore cannot
    slip in between). The station must sign in again and see the restored data."""
    expected = getattr(db, "generation", None)
    if expected is None:
        return
    current = session.connection().exec_driver_sql("PRAGMA user_version").scalar()
    if int(current or 0) != expected:
        raise DatabaseRestored()


def get_evaluation(session: Session, evaluation_id: int, for_change: bool = False) -> Evaluation:
    evaluation = session.get(Evaluation, evaluation_id)
    if evaluation is None:
        raise NotFound(f"考评活动(编号 {evaluation_id})不存在")
    if for_change and evaluation.status == STATUS_FINAL:
        raise DomainError(f"“{evaluation.name}”已定稿,不能再修改;如确需修改,请由管理员解锁")
    return evaluation


def _text(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def audit(session: Session, actor: Actor, evaluation_id: int | None, action: str,
          target: str = "", old: object = None, new: object = None) -> None:
    """Record one change (who, when, what, old → new) in the same transaction, chained to
    the previous audit row by its hash (audit_chain.seal)."""
    row = AuditEntry(at=now(), operator=actor.name, role=actor.role,
                     evaluation_id=evaluation_id, action=action, target=target,
                     old=_text(old), new=_text(new))
    session.add(row)
    seal(session, row)
