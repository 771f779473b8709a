"""Several entry stations on one server database (多台电脑同时录入): a save that survives a lost
connection, and a cheap poll telling a station that another one changed something."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from evalapp.db.engine import Database
from evalapp.db.retry import RETRY_WAITS, retry_save
from evalapp.services.audit_log import last_change_id
from evalapp.services.ballots import BallotInput, SavedBallot, add_ballot
from evalapp.services.context import Actor


def new_entry_uid() -> str:
    """A fresh identity for one typed ballot (keep it until its save succeeds)."""
    return uuid.uuid4().hex


def save_ballot(db: Database, actor: Actor, evaluation_id: int, entry: BallotInput,
                entry_uid: str, waits: tuple[float, ...] = RETRY_WAITS,
                on_retry: Callable[[int, BaseException], None] | None = None) -> SavedBallot:
    """add_ballot, repeated after a lost connection with the same identity: the ballot is saved
    exactly once, or a ConnectionLost (a DomainError in Chinese) says it was not confirmed —
    then the clerk saves again later (same entry_uid) without any risk of a duplicate.

    Returns the saved ballot with ``progress``: the entry progress per group right after it,
    read in the save's own transaction (the side panel shows it; no page recounts)."""
    serial = str(entry.serial).strip()
    return retry_save(lambda: add_ballot(db, actor, evaluation_id, entry, entry_uid=entry_uid,
                                         with_progress=True),
                      what=f"选票 {serial}" if serial else "选票", waits=waits,
                      on_retry=on_retry)


def change_marker(db: Database, evaluation_id: int) -> int:
    """The evaluation's current version: the id of its newest audit row (every change through
    the services writes one; on PostgreSQL they are appended under the write lock, so a
    larger id is always a later commit)."""
    return last_change_id(db, evaluation_id)


def changes_since(db: Database, evaluation_id: int, marker: int) -> tuple[bool, int]:
    """(whether anything changed since ``marker``, the new marker). One indexed query: cheap
    enough to poll every 2–3 seconds from each station's results page and projector."""
    current = change_marker(db, evaluation_id)
    return current != marker, current


def was_restored(db: Database) -> bool:
    """Whether the database file was restored from a backup since this station opened it
    (its saves are then refused: "数据库已恢复,请重新登录")."""
    if getattr(db, "generation", None) is None:
        return False
    with db.engine.connect() as connection:
        return int(connection.exec_driver_sql("PRAGMA user_version").scalar() or 0) \
            != db.generation
