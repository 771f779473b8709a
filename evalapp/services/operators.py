"""Operators (操作员): accounts with a role and a scrypt-hashed password or PIN."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import DomainError
from evalapp.services.context import ADMIN, ROLE_LABELS, Actor, audit, now, require, MANAGE, \
    unit_of_work

SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), dklen=32,
                             n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


@dataclass(frozen=True)
class OperatorInfo:
    id: int
    name: str
    role: str
    active: bool


def has_operators(db: Database) -> bool:
    with db.session() as s:
        return bool(s.scalar(select(func.count()).select_from(m.Operator)))


def _create(db: Database, actor: Actor, name: str, role: str, password: str) -> OperatorInfo:
    name = name.strip()
    if not name:
        raise DomainError("姓名:不能为空")
    if role not in ROLE_LABELS:
        raise DomainError("角色:应为管理员、录入员或主持人")
    if len(password) < 4:
        raise DomainError("密码:至少 4 位")
    with unit_of_work(db) as s:
        if s.scalar(select(m.Operator.id).where(m.Operator.name == name)):
            raise DomainError(f"姓名:操作员“{name}”已存在")
        row = m.Operator(name=name, role=role, password_hash=hash_password(password),
                         active=True, created_at=now())
        s.add(row)
        s.flush()
        audit(s, actor, None, "新增操作员", name, new={"角色": ROLE_LABELS[role]})
        return OperatorInfo(row.id, row.name, row.role, row.active)


def create_first_admin(db: Database, name: str, password: str) -> OperatorInfo:
    """The first run's 管理员; refused once any operator exists."""
    if has_operators(db):
        raise DomainError("已有操作员,请由管理员添加新的操作员")
    return _create(db, Actor(name.strip(), ADMIN), name, ADMIN, password)


def create_operator(db: Database, actor: Actor, name: str, role: str,
                    password: str) -> OperatorInfo:
    require(actor, MANAGE)
    return _create(db, actor, name, role, password)


def sign_in(db: Database, name: str, password: str) -> Actor:
    with db.session() as s:
        row = s.scalar(select(m.Operator).where(m.Operator.name == name.strip()))
    if row is None or not row.active or not check_password(password, row.password_hash):
        raise DomainError("姓名或密码不正确")
    return Actor(row.name, row.role)


def list_operators(db: Database) -> list[OperatorInfo]:
    with db.session() as s:
        return [OperatorInfo(o.id, o.name, o.role, o.active)
                for o in s.scalars(select(m.Operator).order_by(m.Operator.id))]
