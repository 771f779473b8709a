"""Server mode (several stations on one PostgreSQL database): serialised writes and saves that
survive a lost connection.

* ``serialise_writes`` takes a transaction-scoped advisory lock on PostgreSQL, so that writes
  that read-then-write (a serial's uniqueness check, the double-entry pairing, the audit hash
  chain) run one at a time, as SQLite's single writer already guarantees. The lock is released
  by the commit or rollback; a save holds it for a few milliseconds.
* Importing this module also registers a ``before_flush`` hook that takes the same lock before
  any audit row is written on PostgreSQL: the audit chain (audit_chain.seal) reads the previous
  row's hash, which is only safe when audit rows are appended one transaction at a time.
* ``retry_save`` repeats a save whose connection was lost. Combined with a ballot identity
  (``entry_uid``, see ballots.add_ballot) the repeat can never add a ballot twice: if the
  first attempt was committed before the connection died, the repeat finds it and returns it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from evalapp.db.models import AuditEntry
from evalapp.domain import DomainError

T = TypeVar("T")

WRITE_LOCK_KEY = 7_307_202_1  # any constant: the application's one advisory lock
RETRY_WAITS = (0.2, 0.5, 1.0, 2.0)  # seconds before each further attempt


class ConnectionLost(DomainError):
    """The database server could not be reached for a save, even after retrying."""


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def serialise_writes(session: Session) -> None:
    """Take the application's write lock for the rest of this transaction, before anything
    is read, so that every check made in it (a serial's uniqueness, the double-entry pairing,
    the issued count) sees what other stations committed and nobody can slip in between.
    PostgreSQL: an advisory lock. SQLite: BEGIN IMMEDIATE (its driver would otherwise start
    the transaction only at the first write, after the checks had read a stale state, and
    two stations would both pass the check and one hit the unique index). Re-entrant."""
    if session.info.get("evalapp_write_lock"):
        return
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
    elif session.get_bind().dialect.name == "sqlite":
        raw = session.connection().connection.dbapi_connection
        if not raw.in_transaction:  # with a write already made, the lock is held
            raw.execute("BEGIN IMMEDIATE")
    session.info["evalapp_write_lock"] = True


@event.listens_for(Session, "before_flush")
def _lock_before_audit(session: Session, _context, _instances) -> None:
    if any(isinstance(obj, AuditEntry) for obj in session.new):
        serialise_writes(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_lock(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("evalapp_write_lock", None)


def is_connection_error(exc: BaseException) -> bool:
    """A lost or refused connection (worth retrying), as opposed to a refused change."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError)


def retry_save(save: Callable[[], T], what: str = "选票",
               waits: tuple[float, ...] = RETRY_WAITS,
               on_retry: Callable[[int, BaseException], None] | None = None) -> T:
    """Run ``save`` (one transaction); after a lost connection run it again, up to
    ``len(waits)`` more times. ``save`` must be idempotent (carry an entry_uid)."""
    attempt = 0
    while True:
        try:
            return save()
        except (OperationalError, DBAPIError) as exc:
            if not is_connection_error(exc):
                raise
            if attempt >= len(waits):
                raise ConnectionLost(
                    f"与数据库服务器的连接中断,{what}未能确认保存(已自动重试 {attempt} 次)。"
                    "请检查网线或无线网络,确认服务器电脑开着,然后再点一次“保存”:"
                    "同一张选票再次保存不会重复录入。") from exc
            if on_retry is not None:
                on_retry(attempt + 1, exc)
            time.sleep(waits[attempt])
            attempt += 1
