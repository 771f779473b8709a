"""Moving a whole evaluation between the database and plain data (EvaluationData)."""

from __future__ import annotations

import json

from sqlalchemy import Text, func, select, type_coerce
from sqlalchemy.orm import Session

from evalapp.ballot_status import CONFIRMED  # only confirmed ballots count
from evalapp.ballot_matrix import BallotMatrix, MatrixBuilder
from evalapp.db import models as m
from evalapp.domain import (
    Adjustment, Ballot, Category, Component, Department, EvaluationData, Evaluator, Group,
    Settings, grades_text, parse_grades, parse_quota,
)
from evalapp.services.audit_state import touch_all_ballots
from evalapp.services.context import now


def settings_of(evaluation: m.Evaluation) -> Settings:
    return Settings(
        name=evaluation.name, year=evaluation.year, mode=evaluation.mode,
        low=evaluation.low, high=evaluation.high, mark_decimals=evaluation.mark_decimals,
        result_decimals=evaluation.result_decimals, grades=parse_grades(evaluation.grades),
        excellent_ratio=evaluation.excellent_ratio, high_line=evaluation.high_line,
        void_identical=evaluation.void_identical, bonus_cap=evaluation.bonus_cap,
        admonish_below=evaluation.admonish_below,
        tie_break=tuple(k for k in evaluation.tie_break.split(",") if k),
        commend_quota=parse_quota(evaluation.commend_quota),
        admonish_quota=parse_quota(evaluation.admonish_quota),
        named_ballots=evaluation.named_ballots, double_entry=evaluation.double_entry)


def apply_settings(evaluation: m.Evaluation, s: Settings) -> None:
    evaluation.name, evaluation.year, evaluation.mode = s.name, s.year, s.mode
    evaluation.low, evaluation.high = s.low, s.high
    evaluation.mark_decimals, evaluation.result_decimals = s.mark_decimals, s.result_decimals
    evaluation.grades = grades_text(s.grades)
    evaluation.excellent_ratio, evaluation.high_line = s.excellent_ratio, s.high_line
    evaluation.void_identical, evaluation.bonus_cap = s.void_identical, s.bonus_cap
    evaluation.admonish_below = s.admonish_below
    evaluation.tie_break = ",".join(s.tie_break)
    evaluation.commend_quota = s.commend_quota.text()
    evaluation.admonish_quota = s.admonish_quota.text()
    evaluation.named_ballots, evaluation.double_entry = s.named_ballots, s.double_entry
    evaluation.updated_at = now()


def insert_evaluation(session: Session, data: EvaluationData, with_ballots: bool = True
                      ) -> m.Evaluation:
    """Insert a whole evaluation (in the caller's transaction); returns the new row."""
    stamp = now()
    ev = m.Evaluation(status="draft", created_at=stamp, updated_at=stamp)
    apply_settings(ev, data.settings)
    session.add(ev)
    categories = {c.name: m.Category(position=i, name=c.name, commend_quota=c.commend.text(),
                                     admonish_quota=c.admonish.text())
                  for i, c in enumerate(data.categories, start=1)}
    ev.categories = list(categories.values())
    groups = {g.name: m.EvaluatorGroup(position=i, name=g.name, weight=g.weight, trim=g.trim,
                                       trim_from=g.trim_from, expected=g.expected,
                                       recusal=g.recusal)
              for i, g in enumerate(data.groups, start=1)}
    ev.groups = list(groups.values())
    departments = {d.name: m.Department(position=d.order, name=d.name, short_name=d.short_name,
                                        category=categories.get(d.category or ""),
                                        presenter=d.presenter, title=d.title)
                   for d in data.departments}
    ev.departments = list(departments.values())
    components = {c.name: m.Component(position=i, name=c.name, weight=c.weight)
                  for i, c in enumerate(data.components, start=1)}
    ev.components = list(components.values())
    session.flush()
    for e in data.evaluators:
        session.add(m.Evaluator(evaluation_id=ev.id, group_id=groups[e.group].id, name=e.name,
                                unit=e.unit, seat=e.seat))
    for dept, values in data.component_values.items():
        for comp, value in values.items():
            session.add(m.ComponentValue(department_id=departments[dept].id,
                                         component_id=components[comp].id, value=value))
    for a in data.adjustments:
        session.add(m.Adjustment(evaluation_id=ev.id, department_id=departments[a.department].id,
                                 points=a.points, reason=a.reason, veto=a.veto))
    if with_ballots and data.ballots:
        touch_all_ballots(session, ev.id)  # bulk insert: the import's audit row seals them
        dept_ids = {name: d.id for name, d in departments.items()}
        session.execute(m.Ballot.__table__.insert(), [
            {"evaluation_id": ev.id, "serial": b.serial, "group_id": groups[b.group].id,
             "own_department_id": dept_ids.get(b.own_department or ""),
             "void_reason": b.void_reason, "entered_by": "",
             "marks": {dept_ids[k]: v for k, v in b.marks.items()},
             "created_at": stamp, "updated_at": stamp} for b in data.ballots])
    return ev


def load_data(session: Session, evaluation: m.Evaluation, packed: bool = False
              ) -> EvaluationData:
    """Read a whole evaluation back as plain data (the tally's and the export's input).

    ``packed``: the ballots as a read-only BallotMatrix (a few MB for millions of marks;
    what the results read) instead of a list of Ballot objects."""
    groups = {g.id: g.name for g in evaluation.groups}
    departments = {d.id: d.name for d in evaluation.departments}
    components = {c.id: c.name for c in evaluation.components}
    category_names = {c.id: c.name for c in evaluation.categories}
    data = EvaluationData(
        settings=settings_of(evaluation),
        categories=[Category(c.name, parse_quota(c.commend_quota), parse_quota(c.admonish_quota))
                    for c in evaluation.categories],
        groups=[Group(g.name, g.weight, g.trim, g.trim_from, g.expected, g.recusal)
                for g in evaluation.groups],
        departments=[Department(d.position, d.name, d.short_name,
                                category_names.get(d.category_id), d.presenter, d.title)
                     for d in evaluation.departments],
        components=[Component(c.name, c.weight) for c in evaluation.components])
    ev_id = evaluation.id
    data.evaluators = [Evaluator(e.name, groups[e.group_id], e.unit, e.seat) for e in
                       session.scalars(select(m.Evaluator).where(m.Evaluator.evaluation_id == ev_id)
                                       .order_by(m.Evaluator.id))]
    for value in session.scalars(select(m.ComponentValue).where(
            m.ComponentValue.department_id.in_(departments))):
        data.component_values.setdefault(departments[value.department_id], {})[
            components[value.component_id]] = value.value
    data.adjustments = [Adjustment(departments[a.department_id], a.points, a.reason, a.veto)
                        for a in session.scalars(select(m.Adjustment).where(
                            m.Adjustment.evaluation_id == ev_id).order_by(m.Adjustment.id))]
    loader = load_ballot_matrix if packed else load_ballots
    data.ballots = loader(session, ev_id, groups, departments)
    return data


def load_ballots(session: Session, evaluation_id: int, groups: dict[int, str],
                 departments: dict[int, str]) -> list[Ballot]:
    table = m.Ballot.__table__
    by_key = {str(k): v for k, v in departments.items()}  # JSON keys are id texts
    rows = session.execute(
        select(table.c.serial, table.c.group_id, table.c.own_department_id,
               table.c.void_reason, type_coerce(table.c.marks, Text))
        .where(table.c.evaluation_id == evaluation_id, table.c.status == CONFIRMED)
        .order_by(table.c.serial))
    ballots = []
    for serial, group_id, own, void, text in rows:
        raw = json.loads(text) if text else {}
        marks = dict(zip(map(by_key.__getitem__, raw), raw.values()))
        ballots.append(Ballot(serial, groups[group_id], marks,
                              departments.get(own) if own is not None else None, void))
    return ballots


def load_ballot_matrix(session: Session, evaluation_id: int, groups: dict[int, str],
                       departments: dict[int, str]) -> BallotMatrix:
    """The counted ballots as a code matrix, read row by row (the marks' JSON texts are
    decoded one ballot at a time: no list of dictionaries ever holds them all)."""
    table = m.Ballot.__table__
    where = (table.c.evaluation_id == evaluation_id, table.c.status == CONFIRMED)
    total = session.scalar(select(func.count()).select_from(table).where(*where)) or 0
    builder = MatrixBuilder(list(departments.values()), total)
    column_of_id = {k: j for j, k in enumerate(departments)}
    rows = session.execute(
        select(table.c.serial, table.c.group_id, table.c.own_department_id,
               table.c.void_reason, type_coerce(table.c.marks, Text))
        .where(*where).order_by(table.c.serial).execution_options(yield_per=CHUNK))
    for chunk in rows.partitions(CHUNK):
        builder.add_stored([(serial, groups[group_id],
                             departments.get(own) if own is not None else None, void, text)
                            for serial, group_id, own, void, text in chunk], column_of_id)
    return builder.build()


CHUNK = 64
