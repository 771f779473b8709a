"""Finalise (定稿) and unlock: the checks, the frozen result on record, the written reason."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from evalapp.ballot_status import CONFIRMED, OPEN_STATUSES, STATUS_LABELS
from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import STATUS_DRAFT, STATUS_FINAL, Ballot, DomainError, EvaluationData
from evalapp.services.context import (
    ADMIN,
    MANAGE,
    Actor,
    PermissionDenied,
    audit,
    get_evaluation,
    now,
    require,
    unit_of_work,
)
from evalapp.services.backup import automatic_backup
from evalapp.services.evaluations import previous_evaluation_id
from evalapp.services.results import previous_result, result_dict
from evalapp.services.sign_in import SignInRefused, verify_password
from evalapp.services.store import load_data
from evalapp.services.validation import evaluation_problems
from evalapp.tally import tally
from evalapp.tally_result import TallyResult

STATUS_WORDS = {s: STATUS_LABELS[s] for s in OPEN_STATUSES}


@dataclass(frozen=True)
class FinalInfo:
    """A result frozen at finalisation; ``superseded`` ones were unlocked (with a reason)."""

    id: int
    digest: str
    finalised_by: str
    finalised_at: datetime
    superseded: bool
    reason: str


def _require_admin(actor: Actor, what: str) -> None:
    require(actor, MANAGE)
    if actor.role != ADMIN:
        raise PermissionDenied(f"{actor.role_label}“{actor.name}”无权{what}")


def ballot_fingerprint(b: Ballot) -> str:
    """A short hash of one counted ballot as it stands (to name changed ballots later)."""
    text = json.dumps([b.serial, b.group, b.own_department, b.void_reason,
                       sorted(b.marks.items())], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def ballot_fingerprints(data: EvaluationData) -> dict[str, str]:
    return {b.serial: ballot_fingerprint(b) for b in data.ballots}


def _status_problems(s: Session, evaluation_id: int) -> list[str]:
    rows = dict(s.execute(select(m.Ballot.status, func.count()).where(
        m.Ballot.evaluation_id == evaluation_id).group_by(m.Ballot.status)).all())
    open_ = {k: v for k, v in rows.items() if k != CONFIRMED and v}
    if not open_:
        return []
    parts = "、".join(f"{STATUS_WORDS.get(k, k)} {v} 张" for k, v in sorted(open_.items()))
    return [f"还有 {sum(open_.values())} 张选票未完成双人录入核对({parts}),请先在核对页处理"]


def _problems(s: Session, ev: m.Evaluation, data: EvaluationData, result: TallyResult
              ) -> list[str]:
    problems = list(evaluation_problems(data))
    problems += _status_problems(s, ev.id)
    if not data.ballots:
        problems.append("还没有录入任何选票")
    for d in result.departments:
        if d.unscored_reason and d.unscored_reason.startswith("缺少"):
            problems.append(f"部门“{d.name}”{d.unscored_reason}的得分,请先填写")
    if not ev.counts_acknowledged_by:
        for g in result.groups:
            if g.over_issued:
                problems.append(f"评委类别“{g.name}”录入 {g.entered} 张,多于发出 {g.issued} 张:"
                                "须由管理员核对后确认票数")
    return problems


def _tally(db: Database, s: Session, ev: m.Evaluation) -> tuple[EvaluationData, TallyResult]:
    data = load_data(s, ev)
    previous_id = previous_evaluation_id(db, ev.id)
    previous = None if previous_id is None else previous_result(db, previous_id)
    return data, tally(data, previous)


def finalise_problems(db: Database, evaluation_id: int) -> list[str]:
    """What still blocks finalisation (empty: it may be finalised)."""
    with db.session() as s:
        ev = get_evaluation(s, evaluation_id)
        if ev.status == STATUS_FINAL:
            return [f"“{ev.name}”已经定稿"]
        data, result = _tally(db, s, ev)
        return _problems(s, ev, data, result)


def acknowledge_counts(db: Database, actor: Actor, evaluation_id: int, reason: str) -> None:
    """A 管理员 confirms, with a reason, that more ballots than issued were checked (RULES §3)."""
    _require_admin(actor, "确认票数")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("确认票数必须填写核对情况或原因")
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        old = {"确认人": ev.counts_acknowledged_by, "原因": ev.counts_acknowledged_reason}
        ev.counts_acknowledged_by, ev.counts_acknowledged_reason = actor.name, reason
        audit(s, actor, ev.id, "确认票数", ev.name, old=old,
              new={"确认人": actor.name, "原因": reason})


def _audit_head(s: Session) -> dict:
    row = s.execute(select(m.AuditEntry.id, m.AuditEntry.hash)
                    .order_by(m.AuditEntry.id.desc()).limit(1)).first()
    return {"id": row[0], "hash": row[1]} if row else {"id": 0, "hash": ""}


def _admin_password(db: Database, actor: Actor, password: str, what: str) -> None:
    """The acting 管理员 types the password again (wrong ones are audited and slow down)."""
    try:
        checked = verify_password(db, actor, password or "", what)
    except SignInRefused as exc:
        raise SignInRefused(str(exc) if exc.wait else f"{exc},未{what}", exc.wait) from None
    if checked.role != ADMIN:
        raise PermissionDenied(f"“{actor.name}”不是管理员,不能{what}")


def finalise(db: Database, actor: Actor, evaluation_id: int, password: str,
             backup: bool = True) -> FinalInfo:
    """Check, back up, then freeze the evaluation and store its result with the digest; the
    acting 管理员's password is asked for, as for unlocking.

    Raises DomainError listing every problem when a check fails (nothing is changed then).
    """
    _require_admin(actor, "定稿")
    _admin_password(db, actor, password, "定稿")
    if backup and db.file_path is not None:
        automatic_backup(db, "定稿前")
    with unit_of_work(db) as s:
        # Take the write lock first, so nobody adds a ballot between the checks and the lock.
        s.execute(update(m.Evaluation).where(m.Evaluation.id == evaluation_id)
                  .values(updated_at=now()))
        ev = get_evaluation(s, evaluation_id, for_change=True)
        data, result = _tally(db, s, ev)
        problems = _problems(s, ev, data, result)
        if problems:
            raise DomainError(f"“{ev.name}”还不能定稿:\n" + "\n".join(problems))
        content = result_dict(result)
        content["ballot_fingerprints"] = ballot_fingerprints(data)
        content["audit_head"] = _audit_head(s)
        row = m.FinalResult(evaluation_id=ev.id, digest=result.digest,
                            result_json=json.dumps(content, ensure_ascii=False, indent=1),
                            finalised_by=actor.name, finalised_at=now(), superseded=False,
                            reason="")
        s.add(row)
        ev.status = STATUS_FINAL
        s.flush()
        audit(s, actor, ev.id, "定稿", ev.name, old={"状态": "初步"},
              new={"状态": "定稿", "摘要": result.digest, "定稿记录": row.id})
        return _info(row)


def unlock(db: Database, actor: Actor, evaluation_id: int, password: str,
           reason: str) -> None:
    """Reopen a finalised evaluation: the 管理员's password and a written reason are needed;
    the final result stays on record, marked superseded with the reason."""
    _require_admin(actor, "解锁定稿")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("解锁必须填写原因")
    _admin_password(db, actor, password, "解锁")
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id)
        if ev.status != STATUS_FINAL:
            raise DomainError(f"“{ev.name}”尚未定稿,无需解锁")
        finals = list(s.scalars(select(m.FinalResult).where(
            m.FinalResult.evaluation_id == ev.id, m.FinalResult.superseded.is_(False))))
        for row in finals:
            row.superseded, row.reason = True, reason
        ev.status, ev.updated_at = STATUS_DRAFT, now()
        audit(s, actor, ev.id, "解锁定稿", f"{ev.name}(原因:{reason})", old={"状态": "定稿"},
              new={"状态": "初步", "作废的定稿记录": [r.id for r in finals]})


def _info(row: m.FinalResult) -> FinalInfo:
    return FinalInfo(row.id, row.digest, row.finalised_by, row.finalised_at, row.superseded,
                     row.reason)


def final_results(db: Database, evaluation_id: int) -> list[FinalInfo]:
    """Every result this evaluation was finalised with, newest first (unlocked ones too)."""
    with db.session() as s:
        return [_info(r) for r in s.scalars(select(m.FinalResult).where(
            m.FinalResult.evaluation_id == evaluation_id).order_by(m.FinalResult.id.desc()))]


def current_final(db: Database, evaluation_id: int) -> FinalInfo | None:
    return next((f for f in final_results(db, evaluation_id) if not f.superseded), None)
