"""verify: recompute from the raw ballots and check the stored/printed digest and result."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.services.audit_chain import check_chain
from evalapp.services.audit_trail import trail_problems
from evalapp.services.finalise import ballot_fingerprints
from evalapp.services.results import compute_results, result_dict
from evalapp.services.validation import evaluation_problems


@dataclass
class VerifyReport:
    evaluation: str
    digest: str
    ok: bool = True
    lines: list[str] = field(default_factory=list)

    def fail(self, line: str) -> None:
        self.ok = False
        self.lines.append("✗ " + line)

    def good(self, line: str) -> None:
        self.lines.append("✓ " + line)

    def text(self) -> str:
        verdict = "核对通过" if self.ok else "核对不通过"
        return "\n".join([f"{self.evaluation}", f"重新计算的摘要:{self.digest}", *self.lines,
                          f"结论:{verdict}"])


def _compare_departments(report: VerifyReport, stored: dict, fresh: dict) -> None:
    old = {d["name"]: d for d in stored.get("departments", [])}
    new = {d["name"]: d for d in fresh["departments"]}
    for name in sorted(set(old) | set(new)):
        if old.get(name) != new.get(name):
            a, b = old.get(name) or {}, new.get(name) or {}
            fields = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            report.fail(f"部门“{name}”与定稿结果不一致:" + ";".join(
                f"{k} 定稿 {a.get(k)} / 现算 {b.get(k)}" for k in fields))


def _stored_final(db: Database, evaluation_id: int) -> m.FinalResult | None:
    with db.session() as s:
        return s.scalar(select(m.FinalResult).where(
            m.FinalResult.evaluation_id == evaluation_id, m.FinalResult.superseded.is_(False))
            .order_by(m.FinalResult.id.desc()))


def final_digest_problems(db: Database, evaluation_id: int) -> tuple[list[str], str]:
    """(problems, note): does the stored final result's digest match a fresh recomputation?"""
    final = _stored_final(db, evaluation_id)
    if final is None:
        return [], "尚未定稿"
    digest = compute_results(db, evaluation_id).result.digest
    if digest != final.digest:
        return [f"摘要与定稿时不同:定稿 {final.digest[:16]}…,现算 {digest[:16]}…"], ""
    return [], f"与定稿摘要一致({digest[:16]}…)"


def _compare_ballots(report: VerifyReport, stored: dict, data) -> None:
    old = stored.get("ballot_fingerprints")
    if old is None:
        return
    new = ballot_fingerprints(data)
    changed = [s for s in sorted(set(old) & set(new)) if old[s] != new[s]]
    for serial in changed:
        report.fail(f"选票 {serial} 在定稿后被改动过(内容与定稿时不同)")
    for serial in sorted(set(old) - set(new)):
        report.fail(f"选票 {serial} 在定稿后被删除或不再计入")
    for serial in sorted(set(new) - set(old)):
        report.fail(f"选票 {serial} 是定稿后新增的")
    if not changed and set(old) == set(new):
        report.good(f"{len(new)} 张计入的选票与定稿时逐张一致")


def _check_audit_head(report: VerifyReport, db: Database, stored: dict) -> None:
    head = stored.get("audit_head")
    if not head or not head.get("id"):
        return
    with db.session() as s:
        row = s.get(m.AuditEntry, head["id"])
    if row is None or row.hash != head.get("hash"):
        report.fail(f"定稿时的最后一条操作日志(第 {head['id']} 条)已不见或被改动"
                    "(日志被截断或改写)")


def _check_chain(report: VerifyReport, db: Database) -> None:
    chain = check_chain(db)
    for item in chain.breaks:
        report.fail(item.message)
    if chain.ok:
        legacy = f"(其中最早 {chain.legacy} 条早于校验链,未加校验)" if chain.legacy else ""
        report.good(f"操作日志 {chain.rows} 条,校验链完整{legacy}")


def _check_trail(report: VerifyReport, db: Database, evaluation_id: int) -> None:
    problems = trail_problems(db, evaluation_id)
    for problem in problems:
        report.fail(problem)
    if not problems:
        report.good("每张选票都与操作日志记录的一致")


def verify(db: Database, evaluation_id: int, digest: str | None = None) -> VerifyReport:
    """Recompute from the raw ballots; check the audit chain, the trail of every ballot, a
    given digest and the stored final result. Each disagreement is one ✗ line."""
    results = compute_results(db, evaluation_id)
    fresh = result_dict(results.result)
    report = VerifyReport(results.result.evaluation, results.result.digest)
    problems = evaluation_problems(results.data)
    for problem in problems:
        report.fail(f"数据不符合规则:{problem}")
    if not problems:
        report.good(f"{results.result.total_ballots} 张选票及全部设置均符合计分规则")
    _check_chain(report, db)
    _check_trail(report, db, evaluation_id)
    if digest:
        wanted = digest.strip().lower()
        if len(wanted) >= 8 and results.result.digest.startswith(wanted):
            report.good(f"与给定摘要 {wanted} 一致")
        else:
            report.fail(f"与给定摘要 {wanted} 不一致(给定摘要至少写 8 位)")
    final = _stored_final(db, evaluation_id)
    if final is None:
        report.lines.append("· 尚未定稿:没有保存的正式结果可比对")
        return report
    if final.digest == results.result.digest:
        report.good(f"与定稿摘要一致({final.finalised_at:%Y-%m-%d %H:%M} 由{final.finalised_by}定稿)")
    else:
        report.fail(f"摘要与定稿时不同:定稿 {final.digest},现算 {results.result.digest}"
                    "(定稿后的设置或选票被改动过)")
    stored = json.loads(final.result_json)
    _compare_departments(report, stored, fresh)
    _compare_ballots(report, stored, results.data)
    _check_audit_head(report, db, stored)
    return report
