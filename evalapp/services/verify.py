"""verify: recompute from the raw ballots and check the stored/printed digest and result."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select

from evalapp.db import models as m
from evalapp.db.engine import Database
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


def verify(db: Database, evaluation_id: int, digest: str | None = None) -> VerifyReport:
    results = compute_results(db, evaluation_id)
    fresh = result_dict(results.result)
    report = VerifyReport(results.result.evaluation, results.result.digest)
    problems = evaluation_problems(results.data)
    for problem in problems:
        report.fail(f"数据不符合规则:{problem}")
    if not problems:
        report.good(f"{results.result.total_ballots} 张选票及全部设置均符合计分规则")
    if digest:
        wanted = digest.strip().lower()
        if len(wanted) >= 8 and results.result.digest.startswith(wanted):
            report.good(f"与给定摘要 {wanted} 一致")
        else:
            report.fail(f"与给定摘要 {wanted} 不一致(给定摘要至少写 8 位)")
    with db.session() as s:
        final = s.scalar(select(m.FinalResult).where(
            m.FinalResult.evaluation_id == evaluation_id, m.FinalResult.superseded.is_(False))
            .order_by(m.FinalResult.id.desc()))
    if final is None:
        report.lines.append("· 尚未定稿:没有保存的正式结果可比对")
        return report
    if final.digest == results.result.digest:
        report.good(f"与定稿摘要一致({final.finalised_at:%Y-%m-%d %H:%M} 由{final.finalised_by}定稿)")
    else:
        report.fail(f"摘要与定稿时不同:定稿 {final.digest},现算 {results.result.digest}"
                    "(定稿后的设置或选票被改动过)")
    _compare_departments(report, json.loads(final.result_json), fresh)
    return report
