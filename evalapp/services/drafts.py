"""Ballot drafts (草稿): a half-typed ballot kept per (evaluation, operator), so that a crash
loses nothing; offered back on the next start, discarded once the ballot is saved."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.services.ballot_input import BallotInput
from evalapp.services.context import ENTER, Actor, get_evaluation, now, require, unit_of_work


@dataclass(frozen=True)
class Draft:
    """A half-typed ballot as the clerk left it (marks exactly as typed, as text)."""

    serial: str
    group: str
    marks: dict[str, str] = field(default_factory=dict)
    own_department: str | None = None
    updated_at: datetime | None = None
    already_saved: bool = False  # a ballot with this serial exists: the draft may be stale

    def as_input(self):
        """The draft as a ballots.BallotInput, ready to be validated and saved."""
        return BallotInput(self.serial, self.group, dict(self.marks), self.own_department)

    @property
    def empty(self) -> bool:
        return not (self.serial.strip() or any(v.strip() for v in self.marks.values()))


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _payload(entry) -> str:
    marks = {str(k): _text(v) for k, v in (entry.marks or {}).items() if _text(v).strip()}
    return json.dumps({"serial": _text(entry.serial), "group": _text(entry.group),
                       "own_department": entry.own_department or None, "marks": marks},
                      ensure_ascii=False, sort_keys=True)


def save_draft(db: Database, actor: Actor, evaluation_id: int, entry) -> None:
    """Keep what the clerk has typed so far (a BallotInput or Draft; nothing is validated).

    Call it as the clerk types (e.g. after each mark); one draft per clerk and evaluation.
    """
    require(actor, ENTER)
    payload = _payload(entry)
    with unit_of_work(db) as s:
        get_evaluation(s, evaluation_id, for_change=True)
        row = s.scalar(select(m.BallotDraft).where(m.BallotDraft.evaluation_id == evaluation_id,
                                                   m.BallotDraft.operator == actor.name))
        if row is None:
            s.add(m.BallotDraft(evaluation_id=evaluation_id, operator=actor.name,
                                payload=payload, updated_at=now()))
        else:
            row.payload, row.updated_at = payload, now()


def _parse(payload: str) -> dict | None:
    try:
        value = json.loads(payload)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def load_draft(db: Database, actor: Actor, evaluation_id: int) -> Draft | None:
    """The clerk's saved draft in this evaluation, or None (an unreadable one counts as none)."""
    with db.session() as s:
        row = s.scalar(select(m.BallotDraft).where(m.BallotDraft.evaluation_id == evaluation_id,
                                                   m.BallotDraft.operator == actor.name))
        if row is None:
            return None
        value = _parse(row.payload)
        if value is None:
            return None
        serial = _text(value.get("serial")).strip()
        saved = bool(serial) and s.scalar(select(m.Ballot.id).where(
            m.Ballot.evaluation_id == evaluation_id, m.Ballot.serial == serial)) is not None
        marks = value.get("marks") if isinstance(value.get("marks"), dict) else {}
        return Draft(_text(value.get("serial")), _text(value.get("group")),
                     {str(k): _text(v) for k, v in marks.items()},
                     value.get("own_department") or None, row.updated_at, saved)


def discard_draft(db: Database, actor: Actor, evaluation_id: int) -> None:
    """Forget the clerk's draft (after the ballot was saved, or when the clerk clears it)."""
    with unit_of_work(db) as s:
        s.execute(delete(m.BallotDraft).where(m.BallotDraft.evaluation_id == evaluation_id,
                                              m.BallotDraft.operator == actor.name))
