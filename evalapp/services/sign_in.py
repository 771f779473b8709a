"""Signing in (登录) and checking an operator's password again (定稿, 解锁): every wrong
password is written to the audit trail, and repeated ones make the next try wait longer and
longer. The wait is counted per name typed, whether such an operator exists or not, and an
unknown name costs the same scrypt work as a wrong password: neither tells a guesser which
names exist."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import DomainError
from evalapp.services import context
from evalapp.services.context import Actor, audit, unit_of_work
from evalapp.services.passwords import check_password, hash_password, needs_rehash

NAME_LENGTH = 20  # the longest operator name (shorter than the column)
FREE_FAILURES = 2  # wrong passwords in a row that cost no wait
FIRST_WAIT, LONGEST_WAIT = 5, 300  # seconds: 5, 10, 20, 40 … at most five minutes
FORGET_AFTER = timedelta(hours=1)  # older wrong passwords no longer count
SIGNED_IN, WRONG_PASSWORD, PASSWORD_RESET, CREATED = "登录", "密码错误", "重设密码", "新增操作员"
_FRESH_START = (SIGNED_IN, PASSWORD_RESET, CREATED)


class SignInRefused(DomainError):
    """A refused sign-in or password check; ``wait``: seconds before the next try is heard."""

    def __init__(self, message: str, wait: int = 0):
        super().__init__(message)
        self.wait = wait


def wait_after(failures: int) -> int:
    """Seconds to wait after ``failures`` wrong passwords in a row (0: none)."""
    if failures <= FREE_FAILURES:
        return 0
    return min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES - 1), LONGEST_WAIT)


def _key(name: str) -> str:
    return (name or "").strip()[:NAME_LENGTH + 1]


def _failures(s: Session, key: str, moment: datetime) -> tuple[int, datetime | None]:
    """(wrong passwords in a row for this name, when the last one was) from the audit trail."""
    rows = s.execute(select(m.AuditEntry.action, m.AuditEntry.at).where(
        m.AuditEntry.evaluation_id.is_(None), m.AuditEntry.target == key,
        m.AuditEntry.action.in_((WRONG_PASSWORD,) + _FRESH_START))
        .order_by(m.AuditEntry.id.desc()).limit(40)).all()
    count, last = 0, None
    for action, at in rows:
        if action != WRONG_PASSWORD or moment - at > FORGET_AFTER:
            break
        count += 1
        last = last or at
    return count, last


def seconds_to_wait(db: Database, name: str) -> int:
    """How long a sign-in as ``name`` must still wait (0: it may try now)."""
    with db.session() as s:
        return _remaining(s, _key(name), context.now())


def _remaining(s: Session, key: str, moment: datetime) -> int:
    count, last = _failures(s, key, moment)
    if last is None:
        return 0
    ready = last + timedelta(seconds=wait_after(count))
    return max(0, math.ceil((ready - moment).total_seconds()))


def _wait_words(wait: int) -> str:
    return f"请等待 {wait} 秒后再试"


def _check(db: Database, name: str, password: str, purpose: str,
           wrong: str = "姓名或密码不正确") -> tuple[m.Operator, bool]:
    """(the operator's row, whether its hash needs renewing) when the password matches an
    active operator, after the wait check; a wrong password (or an unknown or disabled name)
    is audited and raised as SignInRefused."""
    key = _key(name)
    with db.session() as s:
        wait = _remaining(s, key, context.now())
        if wait:
            raise SignInRefused(f"密码错误次数过多,{_wait_words(wait)}", wait)
        row = s.scalar(select(m.Operator).where(m.Operator.name == key)) if key else None
        if row is not None:
            s.expunge(row)
    matched = check_password(password, row.password_hash if row is not None else None)
    if matched and row.active:
        return row, needs_rehash(row.password_hash)
    with unit_of_work(db) as s:
        audit(s, Actor(key, row.role if row is not None else ""), None, WRONG_PASSWORD, key,
              new={"用途": purpose, **({"原因": "已停用"} if matched else {})})
    with db.session() as s:
        wait = _remaining(s, key, context.now())
    tail = f";{_wait_words(wait)}" if wait else ""
    if matched:  # only someone who knows the password learns that the account is disabled
        raise SignInRefused(f"操作员“{key}”已停用,不能登录;请联系管理员{tail}", wait)
    raise SignInRefused(f"{wrong}{tail}", wait)


def sign_in(db: Database, name: str, password: str) -> Actor:
    """The signed-in Actor; SignInRefused (a DomainError) for a wrong name or password, a
    disabled operator, or while an earlier run of wrong passwords must be waited out."""
    row, rehash = _check(db, name, password, SIGNED_IN)
    # Stored with older parameters: replace it now that the password is known.
    renewed = hash_password(password) if rehash else None
    with unit_of_work(db) as s:
        if renewed:
            s.get(m.Operator, row.id).password_hash = renewed
        audit(s, Actor(row.name, row.role), None, SIGNED_IN, row.name,
              new={"角色": context.ROLE_LABELS.get(row.role, row.role),
                   **({"密码存储": "已更新"} if rehash else {})})
    return Actor(row.name, row.role)


def verify_password(db: Database, actor: Actor, password: str, purpose: str) -> Actor:
    """The acting operator types the password again (定稿, 解锁): the same checks, waits and
    audit as signing in. Returns the operator as stored now (its current role)."""
    row, _rehash = _check(db, actor.name, password, purpose, wrong="密码不正确")
    return Actor(row.name, row.role)
