"""The tamper-evident audit log: each row's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from evalapp.db import models as m
from evalapp.db.engine import Database

# The fields a row's hash covers, in this order (its own id included, so moving a row shows).
HASHED_FIELDS = ("id", "at", "operator", "role", "evaluation_id", "action", "target", "old",
                 "new")


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value


def canonical_row(row: m.AuditEntry) -> str:
    """The canonical text of one audit row (what its hash covers besides prev_hash)."""
    return json.dumps([_plain(getattr(row, f)) for f in HASHED_FIELDS], ensure_ascii=False,
                      separators=(",", ":"))


def row_hash(prev_hash: str, row: m.AuditEntry) -> str:
    return hashlib.sha256((prev_hash + canonical_row(row)).encode("utf-8")).hexdigest()


def seal(session: Session, row: m.AuditEntry) -> None:
    """Chain a just-added audit row to the newest row before it, in the same transaction.

    The row is flushed first: in SQLite that takes the write lock, so no other writer can
    append between reading the previous hash and writing ours (writers are serialised), and
    the snapshot we read from is the newest one (a stale snapshot cannot take the lock).
    """
    session.flush()
    prev = session.scalar(select(m.AuditEntry.hash).where(m.AuditEntry.id < row.id)
                          .order_by(m.AuditEntry.id.desc()).limit(1)) or ""
    row.prev_hash = prev
    row.hash = row_hash(prev, row)
    session.execute(update(m.AuditEntry).where(m.AuditEntry.id == row.id)
                    .values(prev_hash=row.prev_hash, hash=row.hash))


@dataclass(frozen=True)
class ChainBreak:
    """One audit row that does not fit the chain, and why (in Chinese)."""

    row_id: int
    message: str


@dataclass
class ChainReport:
    rows: int
    legacy: int  # rows written before the chain existed (no hash), at the start only
    breaks: list[ChainBreak]
    head: str  # the newest row's hash

    @property
    def ok(self) -> bool:
        return not self.breaks


def check_chain(db: Database) -> ChainReport:
    """Walk the whole audit log in id order and report every row that breaks the chain."""
    breaks: list[ChainBreak] = []
    legacy = count = 0
    prev = ""
    prev_id: int | None = None
    chained = False
    with db.session() as s:
        for row in s.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id)
                             .execution_options(yield_per=2000)):
            count += 1
            if not row.hash and not chained:
                legacy += 1
                prev_id = row.id
                continue
            chained = True
            breaks.extend(_row_breaks(row, prev, prev_id))
            prev, prev_id = row.hash, row.id
    return ChainReport(count, legacy, breaks, prev)


def _row_breaks(row: m.AuditEntry, prev: str, prev_id: int | None) -> list[ChainBreak]:
    found = []
    label = f"操作日志第 {row.id} 条({row.at:%Y-%m-%d %H:%M:%S} {row.operator} {row.action})"
    if not row.hash:
        found.append(ChainBreak(row.id, f"{label}没有校验值(被手工插入或改动)"))
        return found
    if row.prev_hash != prev:
        where = "日志开头" if prev_id is None else f"第 {prev_id} 条"
        found.append(ChainBreak(row.id, f"{label}与前一条({where})接不上:其间的日志被删除、"
                                        "插入或改动过"))
    if row.hash != row_hash(row.prev_hash, row):
        found.append(ChainBreak(row.id, f"{label}的内容与校验值不符:这一条被手工改动过"))
    return found
