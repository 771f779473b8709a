"""Reading the audit log (操作日志): who changed what, when, old → new."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.services.context import MANAGE, Actor, require


@dataclass(frozen=True)
class AuditInfo:
    id: int
    at: datetime
    operator: str
    role: str
    action: str
    target: str
    old: str | None
    new: str | None


def list_audit(db: Database, actor: Actor, evaluation_id: int | None,
               operator: str | None = None, text: str | None = None,
               limit: int = 5000) -> list[AuditInfo]:
    """Newest first; ``text`` matches the target (e.g. a 票号), action or values."""
    require(actor, MANAGE)
    query = select(m.AuditEntry)
    if evaluation_id is not None:
        query = query.where(or_(m.AuditEntry.evaluation_id == evaluation_id,
                                m.AuditEntry.evaluation_id.is_(None)))
    if operator:
        query = query.where(m.AuditEntry.operator == operator)
    if text:
        like = f"%{text}%"
        query = query.where(or_(m.AuditEntry.target.like(like), m.AuditEntry.action.like(like),
                                m.AuditEntry.old.like(like), m.AuditEntry.new.like(like)))
    query = query.order_by(m.AuditEntry.id.desc()).limit(limit)
    with db.session() as s:
        return [AuditInfo(r.id, r.at, r.operator, r.role, r.action, r.target, r.old, r.new)
                for r in s.scalars(query)]


def audit_operators(db: Database, evaluation_id: int | None) -> list[str]:
    with db.session() as s:
        query = select(m.AuditEntry.operator).distinct().order_by(m.AuditEntry.operator)
        if evaluation_id is not None:
            query = query.where(m.AuditEntry.evaluation_id == evaluation_id)
        return list(s.scalars(query))


def last_change_id(db: Database, evaluation_id: int) -> int:
    """The id of the newest audit row of an evaluation: changes whenever it changes."""
    with db.session() as s:
        return last_change_id_in(s, evaluation_id)


def last_change_id_in(s, evaluation_id: int) -> int:
    """last_change_id inside an open session (one read snapshot)."""
    return s.scalar(select(func.max(m.AuditEntry.id)).where(
        m.AuditEntry.evaluation_id == evaluation_id)) or 0
