"""Entry progress for the clerks: per group issued / entered / valid / invalid / pending, and
the last ballots an operator saved — readable by any role that may enter ballots."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from evalapp.ballot_rules import MarkRules
from evalapp.ballot_status import CONFIRMED, CONFLICT, PENDING, REENTRY, status_label
from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.services.audit_log import last_change_id_in
from evalapp.services.context import ENTER, Actor, get_evaluation, require
from evalapp.services.store import settings_of




@dataclass(frozen=True)
class GroupProgress:
    """One evaluator group: ballots handed out, entered (any status), and of the confirmed
    ones how many are valid / invalid; pending / conflict / reentry count double entry."""

    group: str
    issued: int | None
    entered: int
    valid: int
    invalid: int
    pending: int = 0
    conflict: int = 0
    reentry: int = 0


@dataclass(frozen=True)
class RecentBallot:
    serial: str
    group: str
    at: datetime
    status: str
    voided: bool = False

    @property
    def status_label(self) -> str:
        label = status_label(self.status)
        return f"{label}(已作废)" if self.voided else label


def entry_progress(db: Database, actor: Actor, evaluation_id: int) -> list[GroupProgress]:
    """Per group, in group order: issued, entered, valid, invalid and double-entry states."""
    require(actor, ENTER)
    with db.session() as s:
        marker = last_change_id_in(s, evaluation_id)  # first: the rows are at least as new
        progress = progress_in(s, get_evaluation(s, evaluation_id))
    remember(db, evaluation_id, marker, progress)
    return progress


# The last progress counted per database and evaluation, with the audit row it was counted
# at (every change through the services writes one): a save adds itself to it instead of
# recounting every ballot (services/ballots.add_ballot).
_known: dict[tuple[str, int], tuple[int, tuple[GroupProgress, ...]]] = {}


def remember(db: Database, evaluation_id: int, marker: int,
             progress: list[GroupProgress]) -> None:
    """Keep a progress counted at audit row ``marker`` (only once it is committed)."""
    _known[(str(db.engine.url), evaluation_id)] = (marker, tuple(progress))


def counted(progress: list[GroupProgress], group: str, before: str | None, after: str,
            valid: bool) -> list[GroupProgress]:
    """Progress after one saved entry of a ballot of ``group`` (before/after: the ballot's
    status, None when it is new; ``valid``: its validity, RULES §3), without a query."""
    rows = []
    for p in progress:
        if p.group == group:
            change = {"entered": p.entered + (before is None)}
            for status, field in ((PENDING, "pending"), (CONFLICT, "conflict"),
                                  (REENTRY, "reentry")):
                change[field] = getattr(p, field) + (after == status) - (before == status)
            if after == CONFIRMED and before != CONFIRMED:
                kind = "valid" if valid else "invalid"
                change[kind] = getattr(p, kind) + 1
            p = replace(p, **change)
        rows.append(p)
    return rows


def progress_after_save(db: Database, s: Session, ev: m.Evaluation, marker: int,
                        before: str | None, group: str, after: str, marks,
                        void_reason: str | None) -> tuple[int, list[GroupProgress]]:
    """(the newest audit row, the progress) right after a save, inside its transaction
    (``remember`` it once committed). ``marker``: the evaluation's newest audit row before
    the save; ``before``/``after``: the ballot's status. When the progress last counted is
    exactly the state before the save, the save is added to it; otherwise (another change
    came between) every ballot is counted again."""
    now = last_change_id_in(s, ev.id)
    known = _known.get((str(db.engine.url), ev.id))
    if known is not None and known[0] == now:  # nothing written (a repeated save)
        progress = list(known[1])
    elif known is not None and known[0] == marker:
        valid = MarkRules(settings_of(ev), len(ev.departments)).invalid_reason(
            marks, void_reason) is None
        progress = counted(known[1], group, before, after, valid)
    else:
        progress = progress_in(s, ev)
    return now, progress


def progress_in(s: Session, ev: m.Evaluation) -> list[GroupProgress]:
    """entry_progress inside an open session: every ballot counted."""
    rules = MarkRules(settings_of(ev), len(ev.departments))
    groups = sorted(ev.groups, key=lambda g: g.position)
    table = m.Ballot.__table__
    rows = s.execute(select(table.c.group_id, table.c.status, table.c.void_reason,
                            type_coerce(table.c.marks, Text))
                     .where(table.c.evaluation_id == ev.id)).all()
    counts = {g.id: {"entered": 0, "valid": 0, "invalid": 0, PENDING: 0, CONFLICT: 0,
                     REENTRY: 0} for g in groups}
    for group_id, status, void_reason, text in rows:
        c = counts[group_id]
        c["entered"] += 1
        if status != CONFIRMED:
            c[status] = c.get(status, 0) + 1
            continue
        marks = json.loads(text).values() if text else ()
        c["invalid" if rules.invalid_reason(marks, void_reason) else "valid"] += 1
    return [GroupProgress(g.name, g.expected, counts[g.id]["entered"], counts[g.id]["valid"],
                          counts[g.id]["invalid"], counts[g.id][PENDING],
                          counts[g.id][CONFLICT], counts[g.id][REENTRY]) for g in groups]


def recent_ballots(db: Database, actor: Actor, evaluation_id: int,
                   limit: int = 10) -> list[RecentBallot]:
    """The last ballots this operator saved (first or second entry), newest first."""
    require(actor, ENTER)
    with db.session() as s:
        ev = get_evaluation(s, evaluation_id)
        names = {g.id: g.name for g in ev.groups}
        mine = s.execute(select(m.Ballot, m.Ballot.updated_at).where(
            m.Ballot.evaluation_id == evaluation_id, m.Ballot.entered_by == actor.name)
            .order_by(m.Ballot.id.desc()).limit(limit)).all()
        second = s.execute(select(m.Ballot, m.BallotEntry.created_at).join(
            m.BallotEntry, m.BallotEntry.ballot_id == m.Ballot.id).where(
            m.Ballot.evaluation_id == evaluation_id, m.BallotEntry.operator == actor.name,
            m.Ballot.entered_by != actor.name)
            .order_by(m.BallotEntry.id.desc()).limit(limit)).all() if ev.double_entry else []
        found = {}
        for ballot, at in list(mine) + list(second):
            if ballot.id not in found or found[ballot.id].at < at:
                found[ballot.id] = RecentBallot(ballot.serial, names[ballot.group_id], at,
                                                ballot.status, bool(ballot.void_reason))
    return sorted(found.values(), key=lambda r: r.at, reverse=True)[:limit]


@dataclass(frozen=True)
class SerialState:
    status: str
    mine: bool  # double entry: this operator typed one of its active entries


def known_serials(db: Database, actor: Actor, evaluation_id: int) -> dict[str, SerialState]:
    """Every serial of the evaluation with its status, for early duplicate warnings."""
    require(actor, ENTER)
    with db.session() as s:
        table = m.Ballot.__table__
        rows = s.execute(select(table.c.id, table.c.serial, table.c.status)
                         .where(table.c.evaluation_id == evaluation_id)).all()
        typed = set(s.scalars(select(m.BallotEntry.ballot_id).join(
            m.Ballot, m.BallotEntry.ballot_id == m.Ballot.id).where(
            m.Ballot.evaluation_id == evaluation_id, m.BallotEntry.operator == actor.name,
            m.BallotEntry.superseded.is_(False))))
    return {serial: SerialState(status, ballot_id in typed) for ballot_id, serial, status in rows}
