"""Operators (操作员): accounts with a role and a scrypt-hashed password. The rules of who may
be added, changed or disabled live here, for the operators page and the command line alike;
every change is written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import DomainError
from evalapp.services.context import (
    ADMIN, MANAGE, ROLE_LABELS, SYSTEM, Actor, PermissionDenied, audit, now, require,
    unit_of_work,
)
from evalapp.services.passwords import check_strength, hash_password
from evalapp.services.sign_in import (  # noqa: F401 - sign_in is part of this module's API
    CREATED, NAME_LENGTH, PASSWORD_RESET, SignInRefused, sign_in, verify_password,
)

ROLE_CHANGED, DISABLED, ENABLED = "修改角色", "停用操作员", "启用操作员"


@dataclass(frozen=True)
class OperatorInfo:
    id: int
    name: str
    role: str
    active: bool
    created_at: datetime | None = None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def status_label(self) -> str:
        return "在用" if self.active else "已停用"


def _info(row: m.Operator) -> OperatorInfo:
    return OperatorInfo(row.id, row.name, row.role, row.active, row.created_at)


def role_of(label: str) -> str:
    """The role for a label (管理员 / 录入员 / 主持人; the codes are accepted too)."""
    for role, text in ROLE_LABELS.items():
        if label in (role, text):
            return role
    raise DomainError(f"角色:应为管理员、录入员或主持人,而不是“{label}”")


def has_operators(db: Database) -> bool:
    with db.session() as s:
        return bool(s.scalar(select(func.count()).select_from(m.Operator)))


def list_operators(db: Database) -> list[OperatorInfo]:
    with db.session() as s:
        return [_info(o) for o in s.scalars(select(m.Operator).order_by(m.Operator.id))]


def _checked_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("姓名:不能为空")
    if len(name) > NAME_LENGTH:
        raise DomainError(f"姓名:不能超过 {NAME_LENGTH} 个字(现在 {len(name)} 个)")
    if name == SYSTEM.name:
        raise DomainError(f"姓名:“{SYSTEM.name}”是操作日志中命令行操作的署名,请换一个姓名")
    return name


def _row(s: Session, name: str) -> m.Operator:
    row = s.scalar(select(m.Operator).where(m.Operator.name == (name or "").strip()))
    if row is None:
        raise DomainError(f"姓名:没有名为“{(name or '').strip()}”的操作员")
    return row


def _still_admin(s: Session, actor: Actor) -> None:
    """The acting 管理员 as stored now: one disabled or demoted at another station since
    signing in may no longer change operators (the command line acts as itself)."""
    row = s.scalar(select(m.Operator).where(m.Operator.name == actor.name))
    if row is not None and not (row.active and row.role == ADMIN):
        raise PermissionDenied(f"“{actor.name}”已{'停用' if not row.active else '不再是管理员'},"
                               "不能管理操作员;请重新登录")


def _other_active_admins(s: Session, row: m.Operator) -> int:
    return s.scalar(select(func.count()).select_from(m.Operator).where(
        m.Operator.role == ADMIN, m.Operator.active.is_(True), m.Operator.id != row.id)) or 0


def _keep_an_admin(s: Session, actor: Actor, row: m.Operator, change: str) -> None:
    """Refuse a change that would take away the acting or the last active 管理员."""
    if not (row.role == ADMIN and row.active):
        return
    if not _other_active_admins(s, row):
        raise DomainError(f"“{row.name}”是最后一位在用的管理员,不能{change};"
                          "请先添加另一位管理员")
    if row.name == actor.name:
        raise DomainError(f"“{row.name}”是当前登录的您自己,不能{change};请由另一位管理员操作")


def _create(db: Database, actor: Actor, name: str, role: str, password: str) -> OperatorInfo:
    name = _checked_name(name)
    role = role_of(role)
    check_strength(password)
    password_hash = hash_password(password)  # the slow part, before the write lock
    with unit_of_work(db) as s:
        _still_admin(s, actor)
        if s.scalar(select(m.Operator.id).where(m.Operator.name == name)):
            raise DomainError(f"姓名:操作员“{name}”已存在")
        if role != ADMIN and not s.scalar(select(func.count()).select_from(m.Operator)):
            raise DomainError("第一位操作员必须是管理员")
        row = m.Operator(name=name, role=role, password_hash=password_hash, active=True,
                         created_at=now())
        s.add(row)
        s.flush()
        audit(s, actor, None, CREATED, name, new={"角色": ROLE_LABELS[role]})
        return _info(row)


def create_first_admin(db: Database, name: str, password: str) -> OperatorInfo:
    """The first run's 管理员; refused once any operator exists."""
    if has_operators(db):
        raise DomainError("已有操作员,请由管理员添加新的操作员")
    return _create(db, Actor((name or "").strip(), ADMIN), name, ADMIN, password)


def create_operator(db: Database, actor: Actor, name: str, role: str,
                    password: str) -> OperatorInfo:
    """A new 管理员, 录入员 or 主持人 (``role``: a code or its label), added by a 管理员."""
    require(actor, MANAGE)
    return _create(db, actor, name, role, password)


def set_role(db: Database, actor: Actor, name: str, role: str) -> OperatorInfo:
    require(actor, MANAGE)
    role = role_of(role)
    with unit_of_work(db) as s:
        _still_admin(s, actor)
        row = _row(s, name)
        if row.role == role:
            return _info(row)
        if role != ADMIN:
            _keep_an_admin(s, actor, row, f"把角色改为{ROLE_LABELS[role]}")
        audit(s, actor, None, ROLE_CHANGED, row.name, old={"角色": ROLE_LABELS[row.role]},
              new={"角色": ROLE_LABELS[role]})
        row.role = role
        return _info(row)


def set_active(db: Database, actor: Actor, name: str, active: bool) -> OperatorInfo:
    """Disable an operator (it can no longer sign in; its name stays in the records) or
    enable it again."""
    require(actor, MANAGE)
    with unit_of_work(db) as s:
        _still_admin(s, actor)
        row = _row(s, name)
        if row.active == active:
            return _info(row)
        if not active:
            _keep_an_admin(s, actor, row, "停用")
        audit(s, actor, None, ENABLED if active else DISABLED, row.name,
              old={"状态": "已停用" if active else "在用"},
              new={"状态": "在用" if active else "已停用"})
        row.active = active
        return _info(row)


def reset_password(db: Database, actor: Actor, name: str, password: str) -> OperatorInfo:
    """A new password for an operator; its run of wrong passwords is forgotten."""
    require(actor, MANAGE)
    check_strength(password)
    password_hash = hash_password(password)
    with unit_of_work(db) as s:
        _still_admin(s, actor)
        row = _row(s, name)
        row.password_hash = password_hash
        audit(s, actor, None, PASSWORD_RESET, row.name, new={"密码": "已重设"})
        return _info(row)
