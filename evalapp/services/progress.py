"""Entry progress for the clerks: per group issued / entered / valid / invalid / pending, and
the last ballots an operator saved — readable by any role that may enter ballots."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Text, select, type_coerce

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import SCORE_MODE, Settings
from evalapp.marks import is_excellent, mark_points
from evalapp.services.context import ENTER, Actor, get_evaluation, require
from evalapp.services.store import settings_of
from evalapp.tally import REASON_EMPTY, REASON_IDENTICAL, excellent_limit

CONFIRMED, PENDING, CONFLICT, REENTRY = "confirmed", "pending", "conflict", "reentry"
STATUS_LABELS = {CONFIRMED: "已确认", PENDING: "待第二次录入", CONFLICT: "待核对",
                 REENTRY: "退回重录"}


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
        label = STATUS_LABELS.get(self.status, self.status)
        return f"{label}(已作废)" if self.voided else label


class MarkRules:
    """The validity rules of RULES §3 for one evaluation, with a cache per mark text."""

    def __init__(self, settings: Settings, n_departments: int):
        self.settings = settings
        self.limit = excellent_limit(settings, n_departments)
        self._cache: dict[str, tuple[object, bool]] = {}

    def facts(self, text: str) -> tuple[object, bool]:
        """(points or None for an abstention, is excellent) of a canonical mark text."""
        known = self._cache.get(text)
        if known is None:
            points = mark_points(self.settings, text)
            known = (points, is_excellent(self.settings, text, points))
            self._cache[text] = known
        return known

    def invalid_reason(self, texts, void_reason: str | None = None) -> str | None:
        """Why a ballot with these mark texts is invalid (same rules as the tally), or None."""
        if void_reason:
            return f"人工作废:{void_reason}"
        facts = [self.facts(t) for t in texts if t]
        points = [p for p, _ in facts if p is not None]
        if not points:
            return REASON_EMPTY
        if self.limit is not None:
            excellent = sum(1 for _, e in facts if e)
            if excellent > self.limit:
                return f"优秀 {excellent} 个,超过上限 {self.limit} 个"
        s = self.settings
        if s.mode == SCORE_MODE and s.void_identical and len(points) >= 2 \
                and len(set(points)) == 1:
            return REASON_IDENTICAL
        return None


def entry_progress(db: Database, actor: Actor, evaluation_id: int) -> list[GroupProgress]:
    """Per group, in group order: issued, entered, valid, invalid and double-entry states."""
    require(actor, ENTER)
    with db.session() as s:
        ev = get_evaluation(s, evaluation_id)
        rules = MarkRules(settings_of(ev), len(ev.departments))
        groups = sorted(ev.groups, key=lambda g: g.position)
        table = m.Ballot.__table__
        rows = s.execute(select(table.c.group_id, table.c.status, table.c.void_reason,
                                type_coerce(table.c.marks, Text))
                         .where(table.c.evaluation_id == evaluation_id)).all()
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
