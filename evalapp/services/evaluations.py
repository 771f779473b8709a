"""Evaluations: create, import, copy from last year, list, settings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import func, select

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import (
    GRADE_MODE, ONSITE_COMPONENT, SCORE_MODE, STATUS_FINAL, STATUS_LABELS, Component,
    DomainError,
    EvaluationData, Settings,
)
from evalapp.services.context import (
    MANAGE, Actor, NotFound, audit, get_evaluation, require, unit_of_work,
)
from evalapp.services.audit_trail import imported_ballots_record
from evalapp.services.backup import automatic_backup
from evalapp.services.store import apply_settings, insert_evaluation, load_data, settings_of
from evalapp.services.validation import validate_evaluation, validate_settings


@dataclass(frozen=True)
class EvaluationInfo:
    id: int
    name: str
    year: int | None
    status: str
    departments: int
    ballots: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def is_final(self) -> bool:
        """Finalised (定稿): the answer every page, the projector and the CLI read."""
        return self.status == STATUS_FINAL


def list_evaluations(db: Database) -> list[EvaluationInfo]:
    with db.session() as s:
        dept_counts = dict(s.execute(select(m.Department.evaluation_id, func.count())
                                     .group_by(m.Department.evaluation_id)).all())
        ballot_counts = dict(s.execute(select(m.Ballot.evaluation_id, func.count())
                                       .group_by(m.Ballot.evaluation_id)).all())
        return [EvaluationInfo(e.id, e.name, e.year, e.status, dept_counts.get(e.id, 0),
                               ballot_counts.get(e.id, 0))
                for e in s.scalars(select(m.Evaluation).order_by(m.Evaluation.id))]


def is_final(db: Database, evaluation_id: int) -> bool:
    """Whether the evaluation is finalised (定稿): the one place that answers it."""
    with db.session() as s:
        status = s.scalar(select(m.Evaluation.status).where(m.Evaluation.id == evaluation_id))
    return status == STATUS_FINAL


def latest_evaluation_id(db: Database) -> int:
    """The evaluation a command means when none is named: the latest year, then newest."""
    with db.session() as s:
        row = s.execute(select(m.Evaluation.id).order_by(
            m.Evaluation.year.is_(None), m.Evaluation.year.desc(), m.Evaluation.id.desc())
        ).first()
    if row is None:
        raise NotFound("数据库中还没有考评活动:请先导入工作簿(import)或生成演示数据(demo)")
    return row[0]


def previous_evaluation_id(db: Database, evaluation_id: int) -> int | None:
    """RULES §7: the evaluation in this database with the latest year before this one's."""
    with db.session() as s:
        return previous_evaluation_id_in(s, evaluation_id)


def previous_evaluation_id_in(s, evaluation_id: int) -> int | None:
    """previous_evaluation_id inside an open session (one read snapshot)."""
    year = get_evaluation(s, evaluation_id).year
    if year is None:
        return None
    row = s.execute(select(m.Evaluation.id).where(m.Evaluation.year < year)
                    .order_by(m.Evaluation.year.desc(), m.Evaluation.id.desc())).first()
    return None if row is None else row[0]


def get_data(db: Database, evaluation_id: int) -> EvaluationData:
    with db.session() as s:
        return load_data(s, get_evaluation(s, evaluation_id))


def get_settings(db: Database, evaluation_id: int) -> Settings:
    with db.session() as s:
        return settings_of(get_evaluation(s, evaluation_id))


def import_evaluation(db: Database, actor: Actor, data: EvaluationData) -> int:
    """Store a whole evaluation (from a workbook or the demo) in one transaction."""
    require(actor, MANAGE)
    validate_evaluation(data)
    _backup_before_import(db)
    with unit_of_work(db) as s:
        ev = insert_evaluation(s, data)
        s.flush()
        audit(s, actor, ev.id, "导入考评", ev.name,
              new={"部门": len(data.departments), "评委类别": len(data.groups),
                   "选票": len(data.ballots),
                   **imported_ballots_record(data.ballots,
                                             {d.name: d.id for d in ev.departments})})
        return ev.id


def _backup_before_import(db: Database) -> None:
    """An automatic backup before an import (issue 6), unless there is nothing to lose yet."""
    if db.file_path is None or not list_evaluations(db):
        return
    automatic_backup(db, "导入前")


def create_evaluation(db: Database, actor: Actor, name: str, year: int | None,
                      mode: str = SCORE_MODE) -> int:
    """A new, empty evaluation with default settings (groups and departments added later)."""
    require(actor, MANAGE)
    if not name.strip():
        raise DomainError("考评名称不能为空")
    if mode not in (SCORE_MODE, GRADE_MODE):
        raise DomainError("计分方式应为百分制或等次制")
    settings = Settings(name=name.strip(), year=year, mode=mode)
    # 得分构成 starts with the one part every evaluation has (its label says "须含集中考评")
    onsite = [Component(ONSITE_COMPONENT, Decimal(100))]
    with unit_of_work(db) as s:
        ev = insert_evaluation(s, EvaluationData(settings=settings, components=onsite))
        s.flush()
        audit(s, actor, ev.id, "新建考评", ev.name, new={"年度": year})
        return ev.id


def copy_evaluation(db: Database, actor: Actor, source_id: int, name: str, year: int) -> int:
    """Start this year's evaluation from last year's: settings, rosters; no ballots, scores."""
    require(actor, MANAGE)
    source = get_data(db, source_id)
    data = replace(source, settings=replace(source.settings, name=name.strip(), year=year),
                   component_values={}, adjustments=[], ballots=[])
    validate_evaluation(data, complete=False)
    with unit_of_work(db) as s:
        ev = insert_evaluation(s, data)
        s.flush()
        audit(s, actor, ev.id, "复制考评", ev.name, old={"来源": source.settings.name},
              new={"年度": year})
        return ev.id


def update_settings(db: Database, actor: Actor, evaluation_id: int, **changes) -> Settings:
    """Change settings fields (names as in ``Settings``); validated as a whole."""
    require(actor, MANAGE)
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        old = settings_of(ev)
        unknown = set(changes) - set(old.__dataclass_fields__)
        if unknown:
            raise DomainError("未知的设置项:" + "、".join(sorted(unknown)))
        new = replace(old, **changes)
        validate_settings(new, [g.name for g in ev.groups])
        apply_settings(ev, new)
        audit(s, actor, ev.id, "修改设置", ev.name,
              old={k: _plain(getattr(old, k)) for k in changes},
              new={k: _plain(getattr(new, k)) for k in changes})
        return new


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value if isinstance(value, (str, int, bool, type(None))) else str(value)

