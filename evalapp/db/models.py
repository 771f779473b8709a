"""Typed SQLAlchemy models of every object and setting in RULES.md (no FLOAT columns)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text, TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from evalapp.ballot_status import CONFIRMED
from evalapp.domain import format_decimal


class ExactDecimal(TypeDecorator):
    """An exact number stored as canonical decimal text (never a binary float)."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else format_decimal(Decimal(value))

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


class MarksJSON(TypeDecorator):
    """A ballot's marks: {department id: mark text}, stored as compact JSON text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return json.dumps({str(k): v for k, v in sorted(value.items())}, ensure_ascii=False,
                          separators=(",", ":"))

    def process_result_value(self, value, dialect):
        return {} if value is None else {int(k): v for k, v in json.loads(value).items()}


class Base(DeclarativeBase):
    pass


class Operator(Base):
    __tablename__ = "operators"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Evaluation(Base):
    __tablename__ = "evaluations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    mode: Mapped[str] = mapped_column(String(10), default="score")
    low: Mapped[Decimal] = mapped_column(ExactDecimal)
    high: Mapped[Decimal] = mapped_column(ExactDecimal)
    mark_decimals: Mapped[int] = mapped_column(Integer)
    result_decimals: Mapped[int] = mapped_column(Integer)
    grades: Mapped[str] = mapped_column(String(500))
    excellent_ratio: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    high_line: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    void_identical: Mapped[bool] = mapped_column(Boolean, default=False)
    bonus_cap: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    admonish_below: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    tie_break: Mapped[str] = mapped_column(String(500))
    commend_quota: Mapped[str] = mapped_column(String(20), default="0")
    admonish_quota: Mapped[str] = mapped_column(String(20), default="0")
    named_ballots: Mapped[bool] = mapped_column(Boolean, default=False)
    double_entry: Mapped[bool] = mapped_column(Boolean, default=False)
    # RULES §3: more ballots entered than issued blocks finalisation until acknowledged.
    counts_acknowledged_by: Mapped[str] = mapped_column(String(50), default="",
                                                        server_default="")
    counts_acknowledged_reason: Mapped[str] = mapped_column(String(500), default="",
                                                            server_default="")
    presentation_minutes: Mapped[int] = mapped_column(Integer, default=8, server_default="8")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    categories: Mapped[list[Category]] = relationship(
        order_by="Category.position", cascade="all, delete-orphan")
    groups: Mapped[list[EvaluatorGroup]] = relationship(
        order_by="EvaluatorGroup.position", cascade="all, delete-orphan")
    departments: Mapped[list[Department]] = relationship(
        order_by="Department.position", cascade="all, delete-orphan")
    components: Mapped[list[Component]] = relationship(
        order_by="Component.position", cascade="all, delete-orphan")


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("evaluation_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    commend_quota: Mapped[str] = mapped_column(String(20), default="0")
    admonish_quota: Mapped[str] = mapped_column(String(20), default="0")


class EvaluatorGroup(Base):
    __tablename__ = "evaluator_groups"
    __table_args__ = (UniqueConstraint("evaluation_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[Decimal] = mapped_column(ExactDecimal)
    trim: Mapped[int] = mapped_column(Integer, default=0)
    trim_from: Mapped[int] = mapped_column(Integer, default=5)
    expected: Mapped[int | None] = mapped_column(Integer)
    recusal: Mapped[bool] = mapped_column(Boolean, default=False)


class Department(Base):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("evaluation_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 述职顺序
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str] = mapped_column(String(50), default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    presenter: Mapped[str] = mapped_column(String(50), default="")
    title: Mapped[str] = mapped_column(String(50), default="")
    category: Mapped[Category | None] = relationship()


class Evaluator(Base):
    __tablename__ = "evaluators"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("evaluator_groups.id"))
    name: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str] = mapped_column(String(100), default="")
    seat: Mapped[str] = mapped_column(String(20), default="")
    group: Mapped[EvaluatorGroup] = relationship()


class Component(Base):
    __tablename__ = "components"
    __table_args__ = (UniqueConstraint("evaluation_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(50))
    weight: Mapped[Decimal] = mapped_column(ExactDecimal)


class ComponentValue(Base):
    __tablename__ = "component_values"
    __table_args__ = (UniqueConstraint("department_id", "component_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    value: Mapped[Decimal] = mapped_column(ExactDecimal)


class Adjustment(Base):
    """A bonus/penalty item (加减分) or a veto (一票否决, ``veto`` with its reason)."""

    __tablename__ = "adjustments"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    points: Mapped[Decimal] = mapped_column(ExactDecimal)
    reason: Mapped[str] = mapped_column(String(200), default="")
    veto: Mapped[bool] = mapped_column(Boolean, default=False)
    department: Mapped[Department] = relationship()


class Ballot(Base):
    """A paper ballot; invalid or voided ballots are kept, never deleted."""

    __tablename__ = "ballots"
    # Serials are unique across stations (the database refuses a second one, whoever saves).
    __table_args__ = (UniqueConstraint("evaluation_id", "serial"),
                      UniqueConstraint("entry_uid", name="uq_ballots_entry_uid"))
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    serial: Mapped[str] = mapped_column(String(50))
    group_id: Mapped[int] = mapped_column(ForeignKey("evaluator_groups.id"))
    own_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("evaluators.id"))
    void_reason: Mapped[str | None] = mapped_column(String(200))
    marks: Mapped[dict] = mapped_column(MarksJSON)
    entered_by: Mapped[str] = mapped_column(String(50), default="")
    # evalapp/ballot_status.py: confirmed (counts) | pending | conflict | reentry.
    # Without double entry: always confirmed.
    status: Mapped[str] = mapped_column(String(10), default=CONFIRMED,
                                        server_default=CONFIRMED)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # The identity of the save that created it (a retried save after a lost connection
    # finds it instead of adding the ballot twice); None for ballots saved without one.
    entry_uid: Mapped[str | None] = mapped_column(String(64))


class BallotEntry(Base):
    """One operator's independent typing of a ballot (双人录入); kept for the record."""

    __tablename__ = "ballot_entries"
    __table_args__ = (UniqueConstraint("entry_uid", name="uq_ballot_entries_entry_uid"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), index=True)
    operator: Mapped[str] = mapped_column(String(50))
    group_id: Mapped[int] = mapped_column(ForeignKey("evaluator_groups.id"))
    own_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    marks: Mapped[dict] = mapped_column(MarksJSON)
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    entry_uid: Mapped[str | None] = mapped_column(String(64))  # see Ballot.entry_uid


class Batch(Base):
    """A station's batch file imported into this database (离线分站录入合并): its checksum is
    recorded so that the same batch is never imported twice."""

    __tablename__ = "batches"
    __table_args__ = (UniqueConstraint("checksum", name="uq_batches_checksum"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    checksum: Mapped[str] = mapped_column(String(64))
    station: Mapped[str] = mapped_column(String(100))
    operator: Mapped[str] = mapped_column(String(50))
    exported_at: Mapped[str] = mapped_column(String(30))
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(50))
    ballots: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)
    conflicts: Mapped[int] = mapped_column(Integer)


class FinalResult(Base):
    """A result frozen at finalisation (定稿); earlier ones stay on record."""

    __tablename__ = "final_results"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    result_json: Mapped[str] = mapped_column(Text)
    finalised_by: Mapped[str] = mapped_column(String(50))
    finalised_at: Mapped[datetime] = mapped_column(DateTime)
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(500), default="")


class AuditEntry(Base):
    """Who changed what, when: old → new (JSON texts)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    operator: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(10))
    evaluation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(200), default="")
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    # Tamper evidence: SHA-256 over this row's content and the previous row's hash.
    prev_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # What the sealed data looked like after this change (audit_state.py), under the hash.
    state: Mapped[str] = mapped_column(Text, default="", server_default="")


class StationKit(Base):
    """The key the master issued to an offline entry station (离线录入包): batches exported
    with it carry an HMAC the master checks before merging."""

    __tablename__ = "station_kits"
    __table_args__ = (UniqueConstraint("kit_id", name="uq_station_kits_kit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    kit_id: Mapped[str] = mapped_column(String(32))
    station: Mapped[str] = mapped_column(String(100))
    secret: Mapped[str] = mapped_column(String(64))
    issued_by: Mapped[str] = mapped_column(String(50))
    issued_at: Mapped[datetime] = mapped_column(DateTime)


class BallotDraft(Base):
    """A ballot being typed, saved as the clerk types so a crash loses nothing."""

    __tablename__ = "ballot_drafts"
    __table_args__ = (UniqueConstraint("evaluation_id", "operator"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    operator: Mapped[str] = mapped_column(String(50))
    payload: Mapped[str] = mapped_column(Text)  # JSON: serial, group, own department, marks
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class PresentationTime(Base):
    """How long a presenter spoke (述职计时), recorded by the timer."""

    __tablename__ = "presentation_times"
    __table_args__ = (UniqueConstraint("evaluation_id", "department_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    allowed_seconds: Mapped[int] = mapped_column(Integer)
    used_seconds: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class ScanSheet(Base):
    """A ballot read from scanned pages (issue 17): the evidence behind a scanned ballot.

    ``page_hashes`` (JSON list, page order) are the SHA-256 of each page as read; ``reading``
    (JSON) what was read per department; ``status``: saved (read with confidence, ballot
    saved) | review (doubtful marks wait for a person) | confirmed (a person reviewed them)."""

    __tablename__ = "scan_sheets"
    __table_args__ = (UniqueConstraint("evaluation_id", "serial", name="uq_scan_sheets_serial"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    serial: Mapped[str] = mapped_column(String(50))
    group_id: Mapped[int] = mapped_column(ForeignKey("evaluator_groups.id"))
    page_hashes: Mapped[str] = mapped_column(Text)
    sources: Mapped[str] = mapped_column(Text)
    reading: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id"))
    imported_by: Mapped[str] = mapped_column(String(50))
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class ScanCrop(Base):
    """The image of one doubtful row of a scanned sheet, and how a person resolved it."""

    __tablename__ = "scan_crops"
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("scan_sheets.id"), index=True)
    page: Mapped[int] = mapped_column(Integer)
    row: Mapped[int] = mapped_column(Integer)
    department: Mapped[str] = mapped_column(String(100))
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of Chinese reasons
    fills: Mapped[str] = mapped_column(Text)  # JSON list of [kind, value, fill, tone, state]
    doubt: Mapped[int] = mapped_column(Integer)  # 0–1000: higher = more doubtful (queue order)
    png: Mapped[bytes] = mapped_column(LargeBinary)
    resolved_value: Mapped[str | None] = mapped_column(String(50))
    resolved_own: Mapped[bool | None] = mapped_column(Boolean)
    resolved_by: Mapped[str | None] = mapped_column(String(50))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
