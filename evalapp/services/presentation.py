"""Presentation timing (述职计时): the allowed length per presenter and the time each one used."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import DomainError
from evalapp.services.context import (
    MANAGE,
    VIEW_RESULTS,
    Actor,
    NotFound,
    audit,
    get_evaluation,
    now,
    require,
    unit_of_work,
)

DEFAULT_MINUTES = 8
MAX_MINUTES = 60
MAX_SECONDS = 6 * 3600  # a recorded time longer than this is a mistake, not a speech


@dataclass(frozen=True)
class PresentationTimeInfo:
    """The time one department's presenter used, against the time allowed."""

    department: str
    allowed_seconds: int
    used_seconds: int

    @property
    def overtime_seconds(self) -> int:
        return max(0, self.used_seconds - self.allowed_seconds)

    @property
    def text(self) -> str:
        return time_used_text(self.used_seconds, self.allowed_seconds)


def minutes_seconds(seconds: int) -> str:
    """``462`` → ``7分42秒`` (whole minutes: ``8分钟``)."""
    seconds = max(0, int(seconds))
    minutes, rest = divmod(seconds, 60)
    if rest == 0:
        return f"{minutes}分钟"
    return f"{minutes}分{rest:02d}秒" if minutes else f"{rest}秒"


def time_used_text(used_seconds: int, allowed_seconds: int) -> str:
    """The feedback-sheet wording: ``7分42秒(规定 8 分钟)``, with the overtime when over."""
    allowed = allowed_seconds / 60
    allowed_text = f"{allowed:g}" if allowed != int(allowed) else str(int(allowed))
    text = f"{minutes_seconds(used_seconds)}(规定 {allowed_text} 分钟"
    over = used_seconds - allowed_seconds
    if over > 0:
        text += f",超时 {minutes_seconds(over)}"
    return text + ")"


def feedback_times(times: dict[str, PresentationTimeInfo]) -> dict[str, str]:
    """Department name → the line the feedback sheet prints (pure; no database)."""
    return {name: info.text for name, info in times.items()}


def _check_seconds(value: object, what: str, allow_zero: bool) -> int:
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        raise DomainError(f"{what}“{value}”不是整数秒") from None
    if seconds < (0 if allow_zero else 1) or seconds > MAX_SECONDS:
        raise DomainError(f"{what}“{seconds}”秒不在允许范围内(0–{MAX_SECONDS} 秒)")
    return seconds


def record_time(db: Database, actor: Actor, evaluation_id: int, department: str,
                allowed_seconds: int, used_seconds: int) -> PresentationTimeInfo:
    """Store (or replace) the time a department's presenter used; audited."""
    require(actor, VIEW_RESULTS)
    allowed = _check_seconds(allowed_seconds, "规定时长", allow_zero=False)
    used = _check_seconds(used_seconds, "述职用时", allow_zero=True)
    with unit_of_work(db) as s:
        evaluation = get_evaluation(s, evaluation_id, for_change=True)
        dept = next((d for d in evaluation.departments if d.name == department), None)
        if dept is None:
            raise NotFound(f"部门:“{department}”不是本次考评的部门")
        row = s.scalar(select(m.PresentationTime).where(
            m.PresentationTime.evaluation_id == evaluation_id,
            m.PresentationTime.department_id == dept.id))
        old = None if row is None else {"规定秒数": row.allowed_seconds, "用时秒数": row.used_seconds}
        if row is None:
            row = m.PresentationTime(evaluation_id=evaluation_id, department_id=dept.id)
            s.add(row)
        row.allowed_seconds, row.used_seconds, row.recorded_at = allowed, used, now()
        audit(s, actor, evaluation_id, "记录述职用时", department, old=old,
              new={"规定秒数": allowed, "用时秒数": used})
        return PresentationTimeInfo(department, allowed, used)


def list_times(db: Database, evaluation_id: int) -> dict[str, PresentationTimeInfo]:
    """Recorded times by department name, in presentation order."""
    with db.session() as s:
        evaluation = get_evaluation(s, evaluation_id)
        names = {d.id: (d.position, d.name) for d in evaluation.departments}
        rows = s.scalars(select(m.PresentationTime).where(
            m.PresentationTime.evaluation_id == evaluation_id)).all()
        found = sorted((names[r.department_id], r) for r in rows if r.department_id in names)
        return {name: PresentationTimeInfo(name, r.allowed_seconds, r.used_seconds)
                for (_pos, name), r in found}


def get_presentation_minutes(db: Database, evaluation_id: int) -> int:
    with db.session() as s:
        return get_evaluation(s, evaluation_id).presentation_minutes or DEFAULT_MINUTES


def set_presentation_minutes(db: Database, actor: Actor, evaluation_id: int,
                             minutes: object) -> int:
    """Set the time each presenter has (whole minutes, 1–60); audited."""
    require(actor, MANAGE)
    try:
        value = int(str(minutes).strip())
    except ValueError:
        raise DomainError(f"述职时长:“{minutes}”不是整数分钟") from None
    if not 1 <= value <= MAX_MINUTES:
        raise DomainError(f"述职时长:应为 1–{MAX_MINUTES} 分钟,不能是 {value}")
    with unit_of_work(db) as s:
        evaluation = get_evaluation(s, evaluation_id, for_change=True)
        old = evaluation.presentation_minutes
        if old != value:
            evaluation.presentation_minutes = value
            audit(s, actor, evaluation_id, "修改设置", evaluation.name,
                  old={"述职时长(分钟)": old}, new={"述职时长(分钟)": value})
        return value
