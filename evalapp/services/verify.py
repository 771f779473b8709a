"""verify: recompute from the raw ballots and check the stored/printed digest and result."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select, text

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.digest import check_code
from evalapp.domain import DomainError
from evalapp.services.audit_chain import ChainReport, check_chain, raw_rows
from evalapp.services.audit_state import ballot_problems, replay_state, section_problems
from evalapp.services.context import NotFound
from evalapp.services.malformed import malformed_rows
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


def _check_chain(report: VerifyReport, db: Database) -> ChainReport:
    chain = check_chain(db)
    for item in chain.breaks:
        report.fail(item.message)
    if chain.ok:
        legacy = (f"(其中最早 {chain.legacy} 条早于校验链,升级时已登记)"
                  if chain.legacy else "")
        report.good(f"操作日志 {chain.rows} 条,校验链完整{legacy}")
    return chain


def _check_trail(report: VerifyReport, db: Database, evaluation_id: int) -> None:
    problems = trail_problems(db, evaluation_id)
    for problem in problems:
        report.fail(problem)
    if not problems:
        report.good("每张选票的评分与作废都与操作日志记录的一致")


def _check_state(report: VerifyReport, db: Database, evaluation_id: int) -> None:
    """Every sealed section and every ballot against the state the log recorded last."""
    with db.session() as s:
        rec = replay_state(s, evaluation_id)
        problems = section_problems(s, evaluation_id, rec)
        ballots = ballot_problems(s, evaluation_id, rec)
    for problem in problems + ballots:
        report.fail(problem)
    if not problems:
        report.good("设置、部门类别、评委类别、部门、其他得分、加减分与一票否决、评委名单、"
                     "定稿记录和操作员都与操作日志记录的一致")
    if not ballots:
        report.good("每张选票的全部内容(类别、所属部门、评分、作废、状态)都与操作日志记录的一致")


def _attempt(report: VerifyReport, what: str, check, *args):
    """Run one check; a malformed row it trips over becomes a ✗ line, never a traceback."""
    try:
        return check(report, *args)
    except DomainError as exc:
        report.fail(f"{what}:{exc}")
    except Exception as exc:  # noqa: BLE001 - any unreadable row must be reported, not raised
        report.fail(f"{what}时遇到无法读取的数据({exc.__class__.__name__}: {exc}):"
                    "数据库中有被改坏的行")
    return None


def hex_of(code: str) -> str:
    """The hex digits of a digest or 校验码 as typed (dashes, spaces and case ignored)."""
    return "".join(ch for ch in (code or "") if ch not in "- \t").lower()


def _check_digest(report: VerifyReport, digest: str | None, given: str) -> None:
    wanted = hex_of(given)
    if len(wanted) < 16 or any(c not in "0123456789abcdef" for c in wanted):
        report.fail(f"给定摘要“{given}”无效:至少要写 16 位十六进制数字")
    elif digest is None:
        report.fail(f"无法与给定摘要 {wanted} 比对:结果无法重新计算")
    elif digest.startswith(wanted):
        report.good(f"与给定摘要 {wanted} 一致")
    else:
        report.fail(f"与给定摘要 {wanted} 不一致:现算 {digest[:len(wanted)]}")


def _check_result_code(report: VerifyReport, digest: str | None, given: str) -> None:
    wanted = hex_of(given)
    if len(wanted) != 16 or any(c not in "0123456789abcdef" for c in wanted):
        report.fail(f"结果校验码“{given}”格式不对:应为 16 位十六进制数字(如 3F2A-9C1B-77D0-E514)")
    elif digest is None:
        report.fail("无法与印出的结果校验码比对:结果无法重新计算")
    elif check_code(digest) == check_code(wanted):
        report.good(f"结果校验码与印出的一致({check_code(digest)})")
    else:
        report.fail(f"结果校验码与印出的不一致:印出 {check_code(wanted)},现算 {check_code(digest)}"
                    "(打印后结果所依据的数据被改动过)")


def _check_chain_code(report: VerifyReport, db: Database, given: str) -> None:
    wanted = hex_of(given)
    if len(wanted) != 16 or any(c not in "0123456789abcdef" for c in wanted):
        report.fail(f"日志校验码“{given}”格式不对:应为 16 位十六进制数字(如 3F2A-9C1B-77D0-E514)")
        return
    with db.session() as s:
        found = s.execute(text("SELECT id FROM audit_log WHERE lower(substr(hash, 1, 16)) = :h "
                               "ORDER BY id"), {"h": wanted}).scalars().all()
        if len(found) != 1:
            report.fail(f"操作日志中找不到印出的日志校验码 {check_code(wanted)}:打印之后,打印时"
                        "已有的操作日志被删除、改动或整体重算过(日志被改写)")
            return
        later = list(raw_rows(s, found[0]))
    report.good(f"日志校验码 {check_code(wanted)} 对应第 {found[0]} 条日志:打印时已有的日志未被改写")
    if later:
        report.lines.append(f"· 打印之后又记录了 {len(later)} 条操作(请确认都是应有的操作):")
        for row in later[:20]:
            at = f"{row['at']:%Y-%m-%d %H:%M}" if row["at"] else str(row["raw_at"])
            report.lines.append(f"    第 {row['id']} 条 {at} {row['operator']} {row['action']} "
                                f"{row['target'] or ''}".rstrip())
        if len(later) > 20:
            report.lines.append(f"    ……共 {len(later)} 条")


def _unlock_history(report: VerifyReport, db: Database, evaluation_id: int) -> None:
    with db.session() as s:
        rows = s.execute(text("SELECT at, operator, target FROM audit_log WHERE evaluation_id = :e "
                              "AND action = '解锁定稿' ORDER BY id"), {"e": evaluation_id}).all()
    for at, operator, target in rows:
        report.lines.append(f"· 定稿后曾解锁:{str(at)[:16]} {operator} {target}")


@dataclass(frozen=True)
class DocumentCodes:
    """The two 校验码 printed on signed documents (evalapp.digest.check_code):
    ``result_code`` of the result digest, ``chain_code`` of the audit chain's head."""

    result_code: str
    chain_code: str
    digest: str
    chain_head_id: int


def document_codes(db: Database, evaluation_id: int) -> DocumentCodes:
    """The codes to print on a signed document now (entry progress sheet, 计票核对单,
    notice). ``verify --code RESULT --chain-code CHAIN`` later proves nothing printed has been
    rewritten since. Raises DomainError when the log is already broken (do not print then)."""
    digest = compute_results(db, evaluation_id).result.digest
    chain = check_chain(db)
    if not chain.ok:
        raise DomainError("操作日志校验未通过,不能生成校验码:请先运行“核对”查明原因")
    if not chain.head:
        raise DomainError("操作日志为空,不能生成日志校验码")
    return DocumentCodes(check_code(digest), check_code(chain.head), digest, chain.head_id)


def _results(report: VerifyReport, db: Database, evaluation_id: int):
    results = compute_results(db, evaluation_id)
    report.evaluation, report.digest = results.result.evaluation, results.result.digest
    problems = evaluation_problems(results.data)
    for problem in problems:
        report.fail(f"数据不符合规则:{problem}")
    if not problems:
        report.good(f"{results.result.total_ballots} 张选票及全部设置均符合计分规则")
    return results


def _check_final(report: VerifyReport, db: Database, evaluation_id: int, results) -> None:
    final = _stored_final(db, evaluation_id)
    if final is None:
        report.lines.append("· 尚未定稿:没有保存的正式结果可比对")
        return
    if results is None:
        report.fail("定稿结果无法与重新计算的结果比对:结果无法重新计算")
        return
    if final.digest == results.result.digest:
        report.good(f"与定稿摘要一致({final.finalised_at:%Y-%m-%d %H:%M} 由{final.finalised_by}定稿)")
    else:
        report.fail(f"摘要与定稿时不同:定稿 {final.digest},现算 {results.result.digest}"
                    "(定稿后的设置或选票被改动过)")
    try:
        stored = json.loads(final.result_json)
        assert isinstance(stored, dict)
    except (ValueError, AssertionError):
        report.fail(f"定稿记录(编号 {final.id})的结果内容无法读取(被改动过)")
        return
    _compare_departments(report, stored, result_dict(results.result))
    _compare_ballots(report, stored, results.data)
    _check_audit_head(report, db, stored)


def verify(db: Database, evaluation_id: int, digest: str | None = None,
           result_code: str | None = None, chain_code: str | None = None) -> VerifyReport:
    """Recompute from the raw ballots; check the audit chain, the recorded state of every
    setting, roster, adjustment, ballot and operator, a given digest or printed 校验码 and
    the stored final result. Each disagreement is one ✗ line; a malformed row is reported,
    never raised."""
    report = VerifyReport(f"考评活动(编号 {evaluation_id})", "(无法计算)")
    with db.session() as s:
        if s.execute(text("SELECT id FROM evaluations WHERE id = :e"),
                     {"e": evaluation_id}).first() is None:
            raise NotFound(f"考评活动(编号 {evaluation_id})不存在")
    for line in malformed_rows(db, evaluation_id):
        report.fail(line)
    results = None
    if report.ok:
        results = _attempt(report, "重新计算结果", _results, db, evaluation_id)
    else:
        report.fail("数据库中有无法读取的行,未重新计算结果")
    _attempt(report, "核对操作日志校验链", _check_chain, db)
    _attempt(report, "核对数据与操作日志", _check_state, db, evaluation_id)
    _attempt(report, "核对选票与操作日志", _check_trail, db, evaluation_id)
    fresh = results.result.digest if results is not None else None
    if digest:
        _check_digest(report, fresh, digest)
    if result_code:
        _check_result_code(report, fresh, result_code)
    if chain_code:
        _attempt(report, "核对日志校验码", _check_chain_code, db, chain_code)
    _attempt(report, "核对定稿结果", _check_final, db, evaluation_id, results)
    _attempt(report, "列出解锁记录", _unlock_history, db, evaluation_id)
    return report
