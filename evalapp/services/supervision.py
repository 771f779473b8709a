"""Supervision aids (监票): per-clerk entry figures and error rates, and outlier ballots
flagged for a look — flags only, nothing is ever voided automatically."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from statistics import median

from sqlalchemy import select

from evalapp.ballot_status import CONFIRMED
from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import GRADE_MODE, DomainError, EvaluationData
from evalapp.marks import mark_points
from evalapp.services.context import MANAGE, Actor, get_evaluation, require
from evalapp.services.store import load_data

ENTRY_ACTIONS = ("录入选票", "第一次录入", "第二次录入(一致,已确认)", "第二次录入(不一致,待核对)")


@dataclass(frozen=True)
class ClerkStats:
    """One clerk's entry work; ``errors`` are entries that proved wrong plus corrections."""

    operator: str
    entered: int  # ballots typed (each entry of a double-entered ballot counts)
    differences: int  # entries that disagreed with the other clerk's
    wrong: int  # entries that differ from the ballot as finally confirmed
    corrections: int  # later corrections (修改选票) of ballots this clerk typed

    @property
    def errors(self) -> int:
        return self.wrong + self.corrections

    @property
    def error_rate(self) -> Fraction | None:
        return None if not self.entered else Fraction(self.errors, self.entered)


def _entry_counts(s, evaluation_id: int) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for operator, in s.execute(select(m.AuditEntry.operator).where(
            m.AuditEntry.evaluation_id == evaluation_id,
            m.AuditEntry.action.in_(ENTRY_ACTIONS))):
        counts[operator] += 1
    return counts


def _double_entry_figures(s, evaluation_id: int) -> tuple[dict, dict]:
    """(differences, wrong) per operator, from the independent entries of every ballot."""
    differences: dict[str, int] = defaultdict(int)
    wrong: dict[str, int] = defaultdict(int)
    ballots = {b.id: b for b in s.scalars(select(m.Ballot).where(
        m.Ballot.evaluation_id == evaluation_id))}
    entries: dict[int, list[m.BallotEntry]] = defaultdict(list)
    for e in s.scalars(select(m.BallotEntry).where(m.BallotEntry.ballot_id.in_(ballots))
                       .order_by(m.BallotEntry.id)):
        entries[e.ballot_id].append(e)
    for ballot_id, rows in entries.items():
        ballot = ballots[ballot_id]
        keys = {(e.group_id, e.own_department_id, json.dumps(e.marks, sort_keys=True))
                for e in rows}
        if len(keys) > 1 or any(e.superseded for e in rows):
            for e in rows:
                differences[e.operator] += 1
        if ballot.status == CONFIRMED:
            final = (ballot.group_id, ballot.own_department_id, ballot.marks)
            for e in rows:
                if not e.superseded and (e.group_id, e.own_department_id, e.marks) != final:
                    wrong[e.operator] += 1
    return differences, wrong


def _corrections(s, evaluation_id: int) -> dict[str, int]:
    typed_by = dict(s.execute(select(m.Ballot.serial, m.Ballot.entered_by).where(
        m.Ballot.evaluation_id == evaluation_id)).all())
    counts: dict[str, int] = defaultdict(int)
    for new, in s.execute(select(m.AuditEntry.new).where(
            m.AuditEntry.evaluation_id == evaluation_id, m.AuditEntry.action == "修改选票")):
        try:
            serial = json.loads(new or "{}").get("票号")
        except (ValueError, AttributeError):
            continue
        clerk = typed_by.get(serial)
        if clerk:
            counts[clerk] += 1
    return counts


def clerk_statistics(db: Database, actor: Actor, evaluation_id: int) -> list[ClerkStats]:
    """Per clerk: ballots entered, double-entry differences, corrections, error rate."""
    require(actor, MANAGE)
    with db.session() as s:
        get_evaluation(s, evaluation_id)
        entered = _entry_counts(s, evaluation_id)
        differences, wrong = _double_entry_figures(s, evaluation_id)
        corrections = _corrections(s, evaluation_id)
    names = sorted(set(entered) | set(differences) | set(wrong) | set(corrections))
    return [ClerkStats(n, entered.get(n, 0), differences.get(n, 0), wrong.get(n, 0),
                       corrections.get(n, 0)) for n in names]


# ---- outlier ballots -------------------------------------------------------------------

ALL_EQUAL, FAR_FROM_GROUP, LONE_EXTREME = "all_equal", "far", "lone_extreme"
FLAG_LABELS = {ALL_EQUAL: "全部同分", FAR_FROM_GROUP: "明显偏离本组", LONE_EXTREME: "单独极端分"}
MIN_GROUP = 5  # a consensus needs at least this many ballots of the group


@dataclass(frozen=True)
class OutlierFlag:
    """A ballot worth a look by the supervisors (never voided automatically)."""

    serial: str
    group: str
    kind: str
    detail: str

    @property
    def label(self) -> str:
        return FLAG_LABELS[self.kind]


def _points(data: EvaluationData) -> dict[str, dict[str, dict[str, Decimal]]]:
    """group → serial → department → points, valid-looking (not voided) ballots only."""
    out: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(dict)
    for b in data.ballots:
        if b.void_reason:
            continue
        values = {}
        for dept, text in b.marks.items():
            try:
                points = mark_points(data.settings, text)
            except DomainError:
                continue
            if points is not None:
                values[dept] = points
        out[b.group][b.serial] = values
    return out


def _fmt(value) -> str:
    text = f"{Decimal(value):.1f}" if not isinstance(value, str) else value
    return text.removesuffix(".0")


def _group_flags(group: str, ballots: dict[str, dict[str, Decimal]], span: Decimal
                 ) -> list[OutlierFlag]:
    flags = []
    for serial, marks in ballots.items():
        if len(marks) >= 3 and len(set(marks.values())) == 1:
            value = next(iter(marks.values()))
            flags.append(OutlierFlag(serial, group, ALL_EQUAL,
                                     f"{len(marks)} 个部门都打了 {_fmt(value)} 分"))
    if len(ballots) < MIN_GROUP:
        return flags
    by_dept: dict[str, list[Decimal]] = defaultdict(list)
    for marks in ballots.values():
        for dept, value in marks.items():
            by_dept[dept].append(value)
    medians = {d: median(v) for d, v in by_dept.items() if len(v) >= MIN_GROUP}
    flags += _far_flags(group, ballots, medians, span)
    flags += _lone_flags(group, ballots, by_dept, medians, span)
    return flags


def _far_flags(group, ballots, medians, span) -> list[OutlierFlag]:
    distance = {}
    for serial, marks in ballots.items():
        gaps = [abs(v - medians[d]) for d, v in marks.items() if d in medians]
        if gaps:
            distance[serial] = sum(gaps) / len(gaps)
    if len(distance) < MIN_GROUP:
        return []
    typical = median(distance.values())
    line = max(typical * 3, span * Decimal("0.15"))
    return [OutlierFlag(serial, group, FAR_FROM_GROUP,
                        f"与本组多数评分平均相差 {_fmt(gap)} 分(本组一般 {_fmt(typical)} 分)")
            for serial, gap in sorted(distance.items()) if gap > line]


def _lone_flags(group, ballots, by_dept, medians, span) -> list[OutlierFlag]:
    flags = []
    for dept, mid in medians.items():
        values = by_dept[dept]
        spread = median(abs(v - mid) for v in values)
        line = max(spread * 4, span * Decimal("0.25"))
        for serial, marks in sorted(ballots.items()):
            value = marks.get(dept)
            if value is None or abs(value - mid) <= line:
                continue
            others = list(values)
            others.remove(value)
            lowest, highest = min(values), max(values)
            if (value == lowest and values.count(value) == 1) or \
                    (value == highest and values.count(value) == 1):
                flags.append(OutlierFlag(
                    serial, group, LONE_EXTREME,
                    f"给“{dept}”打 {_fmt(value)} 分,本组其他评委为 {_fmt(min(others))}–"
                    f"{_fmt(max(others))} 分"))
    return flags


def outlier_flags(db: Database, actor: Actor, evaluation_id: int) -> list[OutlierFlag]:
    """Ballots far from their group's consensus, with all marks equal, or giving one
    department a lone extreme mark — for the supervisors to look at, nothing more."""
    require(actor, MANAGE)
    with db.session() as s:
        data = load_data(s, get_evaluation(s, evaluation_id))
    points = _points(data)
    grades = [g.points for g in data.settings.grades if g.points is not None]
    span = (max(grades) - min(grades)) if data.settings.mode == GRADE_MODE and grades else \
        data.settings.high - data.settings.low
    flags = []
    for group in [g.name for g in data.groups]:
        flags += _group_flags(group, points.get(group, {}), Decimal(span))
    return flags
