"""The tamper-evident audit log: each row's hash covers its content, the state it records
(audit_state.py) and the previous row's hash.

What the chain proves, honestly: it is plain SHA-256 with no secret, so it shows every
edit, deletion or insertion made by someone who does NOT recompute the hashes (a hand
edit, a bit flip, a deleted row). Someone who holds the file and this program's source can
rewrite rows and recompute every hash after them ("re-chaining"): only a code kept outside
the file — the 校验码 of the chain head printed on the signed documents — shows that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.services.audit_state import state_for

# The fields a row's hash covers, in this order (its own id included, so moving a row shows).
HASHED_FIELDS = ("id", "at", "operator", "role", "evaluation_id", "action", "target", "old",
                 "new")
# The row the migration to the full seal wrote once: how many rows before it had no hash.
BASELINE_ACTION = "启用完整校验"
LEGACY_COUNT, LEGACY_LAST = "早于校验链的日志", "其中最后一条"


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value


def canonical_row(row) -> str:
    """The canonical text of one audit row (what its hash covers besides prev_hash): the
    row may be a model or a mapping of raw values; ``state`` is added only when present
    (rows written before the state seal keep their hashes)."""
    get = row.get if isinstance(row, dict) else (lambda f: getattr(row, f, None))
    values = [_plain(get(f)) for f in HASHED_FIELDS]
    state = get("state")
    if state:
        values.append(state)
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def row_hash(prev_hash: str, row) -> str:
    return hashlib.sha256((prev_hash + canonical_row(row)).encode("utf-8")).hexdigest()


def seal(session: Session, row: m.AuditEntry) -> None:
    """Chain a just-added audit row to the newest row before it, in the same transaction,
    with the state of the sealed data after the change it logs.

    The row is flushed first: in SQLite that takes the write lock, so no other writer can
    append between reading the previous hash and writing ours (writers are serialised), and
    the snapshot we read from is the newest one (a stale snapshot cannot take the lock).
    """
    session.flush()
    prev = session.scalar(select(m.AuditEntry.hash).where(m.AuditEntry.id < row.id)
                          .order_by(m.AuditEntry.id.desc()).limit(1)) or ""
    row.state = state_for(session, row.evaluation_id, row.id)
    row.prev_hash = prev
    row.hash = row_hash(prev, row)
    session.execute(update(m.AuditEntry).where(m.AuditEntry.id == row.id)
                    .values(prev_hash=row.prev_hash, hash=row.hash, state=row.state))


@dataclass(frozen=True)
class ChainBreak:
    """One audit row that does not fit the chain, and why (in Chinese)."""

    row_id: int
    message: str


@dataclass
class ChainReport:
    rows: int
    legacy: int  # rows written before the chain existed, as the migration recorded them
    breaks: list[ChainBreak]
    head: str  # the newest row's hash
    head_id: int = 0

    @property
    def ok(self) -> bool:
        return not self.breaks


COLUMNS = HASHED_FIELDS + ("prev_hash", "hash", "state")


def _parse_at(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def raw_rows(s: Session, after_id: int = 0):
    """Audit rows as plain dicts (raw values: a malformed row never stops the reader)."""
    result = s.execute(text(f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE id > :a "
                            "ORDER BY id").execution_options(yield_per=2000), {"a": after_id})
    for values in result:
        row = dict(zip(COLUMNS, values))
        row["raw_at"] = row["at"]
        row["at"] = _parse_at(row["at"])
        yield row


def _label(row: dict) -> str:
    at = f"{row['at']:%Y-%m-%d %H:%M:%S}" if row["at"] else f"时间 {row['raw_at']!r} 无法识别"
    return f"操作日志第 {row['id']} 条({at} {row['operator']} {row['action']})"


def _baseline(row: dict) -> tuple[int, int] | None:
    if row["action"] != BASELINE_ACTION or row["evaluation_id"] is not None:
        return None
    try:
        new = json.loads(row["new"] or "{}")
        return int(new[LEGACY_COUNT]), int(new[LEGACY_LAST])
    except (ValueError, KeyError, TypeError):
        return None


def check_chain(db: Database) -> ChainReport:
    """Walk the whole audit log in id order and report every row that breaks the chain.

    Rows without a hash are accepted only at the very start of the log, and only as many
    as the (chained) migration row recorded once when the chain was extended; any other
    row without a hash — a blanked hash — is a failure."""
    breaks: list[ChainBreak] = []
    unhashed: list[dict] = []
    baseline: tuple[int, int] | None = None
    count = 0
    prev, prev_id, head_id = "", None, 0
    chained = False
    with db.session() as s:
        for row in raw_rows(s):
            count += 1
            head_id = row["id"]
            if not row["hash"] and not chained:
                unhashed.append(row)
                prev_id = row["id"]
                continue
            chained = True
            found = _row_breaks(row, prev, prev_id)
            breaks.extend(found)
            if not found and baseline is None:
                baseline = _baseline(row)
            prev, prev_id = row["hash"], row["id"]
    legacy = 0
    if unhashed:
        allowed, last = baseline or (0, 0)
        if len(unhashed) == allowed and unhashed[-1]["id"] <= last:
            legacy = allowed
        else:
            breaks[:0] = [ChainBreak(r["id"], f"{_label(r)}没有校验值(校验值被清除,或被手工"
                                              "插入)") for r in unhashed]
    return ChainReport(count, legacy, breaks, prev, head_id)


def _row_breaks(row: dict, prev: str, prev_id: int | None) -> list[ChainBreak]:
    found = []
    label = _label(row)
    if not row["hash"]:
        found.append(ChainBreak(row["id"], f"{label}没有校验值(校验值被清除,或被手工插入)"))
        return found
    if row["prev_hash"] != prev:
        where = "日志开头" if prev_id is None else f"第 {prev_id} 条"
        found.append(ChainBreak(row["id"], f"{label}与前一条({where})接不上:其间的日志被删除、"
                                           "插入或改动过"))
    if row["at"] is None or row["hash"] != row_hash(row["prev_hash"] or "", row):
        found.append(ChainBreak(row["id"], f"{label}的内容与校验值不符:这一条被手工改动过"))
    return found


def write_baseline(session: Session) -> None:
    """Once, when a database is migrated to the full seal: record how many rows at the start
    had no hash, then seal the current state of every evaluation (all its ballots too)."""
    rows = list(session.execute(text("SELECT id, hash FROM audit_log ORDER BY id")))
    legacy = []
    for row_id, hashed in rows:
        if hashed:
            break
        legacy.append(row_id)
    evaluations = [r[0] for r in session.execute(text("SELECT id FROM evaluations ORDER BY id"))]
    if not rows and not evaluations:
        return
    stamp = datetime.now().replace(microsecond=0)
    targets = [(None, {LEGACY_COUNT: len(legacy), LEGACY_LAST: legacy[-1] if legacy else 0})]
    targets += [(ev_id, {"说明": "升级时记录的当前数据"}) for ev_id in evaluations]
    for ev_id, new in targets:
        row = m.AuditEntry(at=stamp, operator="系统", role="admin", evaluation_id=ev_id,
                           action=BASELINE_ACTION, target="升级数据库",
                           old=None, new=json.dumps(new, ensure_ascii=False, sort_keys=True))
        session.add(row)
        session.flush()
        prev = session.scalar(select(m.AuditEntry.hash).where(m.AuditEntry.id < row.id)
                              .order_by(m.AuditEntry.id.desc()).limit(1)) or ""
        row.state = state_for(session, ev_id, row.id, all_ballots=ev_id is not None)
        row.prev_hash, row.hash = prev, row_hash(prev, row)
        session.execute(update(m.AuditEntry).where(m.AuditEntry.id == row.id)
                        .values(prev_hash=row.prev_hash, hash=row.hash, state=row.state))
