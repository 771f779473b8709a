"""Offline batch merge (离线分站录入): where there is no LAN, every station types ballots into its
own SQLite copy of the evaluation and exports them as a batch file; the master station imports
the batches.

A batch file is UTF-8 JSON:

    {"format": "evalapp-batch", "version": 1, "station": "2号机", "operator": "李录入",
     "exported_at": "2026-12-20 10:31:05",
     "evaluation": {"name": …, "year": …, "identity": SHA-256 of settings and rosters},
     "ballots": [{"serial", "group", "own_department", "void_reason", "marks": {部门: 分},
                  "entered_by", "entry_uid"}, …],            (sorted by serial)
     "not_exported": {"conflict": n, "reentry": n}, "kit_id": the station kit's id,
     "checksum": SHA-256 over the canonical JSON of everything above,
     "mac": HMAC-SHA256 under the kit's secret of everything above (station_kit.py)}

Import refuses a file whose checksum does not match (damaged after export), whose HMAC does
not match a kit the master issued to that station (edited after export, even re-checksummed),
a batch for another evaluation (name, year or settings/rosters differ), and a batch already imported
(its checksum is recorded in ``batches``). Each ballot then is new (added), the same as what
is stored (a duplicate: skipped), or typed differently (a conflict: the two versions become two
entries of the ballot in the double-entry reconciliation queue, and it does not count until a
管理员 decides what the paper says). With double entry on, a batch ballot is one independent
entry: a second station's equal typing confirms it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.db.retry import serialise_writes
from evalapp.domain import DomainError
from evalapp.services.context import (
    ENTER,
    MANAGE,
    Actor,
    audit,
    get_evaluation,
    now,
    require,
    unit_of_work,
)
from evalapp.ballot_status import CONFLICT, REENTRY
from evalapp.services import station_kit
from evalapp.services.batch_file import (  # noqa: F401 (the file's names, for callers)
    FORMAT, VERSION, BatchRefused, BatchReport, check_batch, checksum_of, evaluation_identity,
    read_batch, write_batch,
)
from evalapp.services.batch_merge import BatchMerger
from evalapp.services.store import load_data

def _derived_uid(identity: str, station: str, ballot: m.Ballot) -> str:
    text = f"{identity}|{station}|{ballot.id}|{ballot.serial}|{ballot.created_at.isoformat()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


# ---------------------------------------------------------------- export

def export_batch(db: Database, actor: Actor, evaluation_id: int, station: str | None,
                 operator: str | None = None, kit: dict | None = None) -> dict:
    """This station's ballots of an evaluation as a batch (a dict; ``write_batch`` saves it),
    signed with the station's kit (station_kit.py; the station's name is the kit's).
    Ballots in conflict or sent back for re-entry are not exported (counted in the file)."""
    require(actor, ENTER)
    if kit is None:
        raise DomainError("导出批次需要主机发给本录入点的录入包:请向主机管理员索取")
    station = (station or kit["station"] or "").strip()
    if station != kit["station"]:
        raise DomainError(f"录入包是发给录入点“{kit['station']}”的,不能用来导出“{station}”的批次")
    operator = (operator or actor.name or "").strip()
    if not station:
        raise DomainError("导出批次必须填写录入点名称(如“2号机”)")
    if not operator:
        raise DomainError("导出批次必须填写导出人")
    with db.session() as s:
        ev = get_evaluation(s, evaluation_id)
        data = load_data(s, ev)
        identity = evaluation_identity(data)
        groups = {g.id: g.name for g in ev.groups}
        depts = {d.id: d.name for d in ev.departments}
        ballots, skipped = [], {CONFLICT: 0, REENTRY: 0}
        for b in s.scalars(select(m.Ballot).where(m.Ballot.evaluation_id == evaluation_id)
                           .order_by(m.Ballot.serial)):
            if b.status in skipped:
                skipped[b.status] += 1
                continue
            ballots.append({
                "serial": b.serial, "group": groups[b.group_id],
                "own_department": depts[b.own_department_id] if b.own_department_id else None,
                "void_reason": b.void_reason,
                "marks": {depts[k]: v for k, v in b.marks.items()},
                "entered_by": b.entered_by,
                "entry_uid": b.entry_uid or _derived_uid(identity, station, b)})
    batch = {"format": FORMAT, "version": VERSION, "station": station, "operator": operator,
             "exported_at": now().isoformat(sep=" "),
             "evaluation": {"name": data.settings.name, "year": data.settings.year,
                            "identity": identity},
             "ballots": ballots, "not_exported": skipped}
    station_kit.sign(batch, kit)
    batch["checksum"] = checksum_of(batch)
    station_kit.seal_batch(batch, kit)
    return batch


# ---------------------------------------------------------------- import

def _find_evaluation(s, batch: dict, evaluation_id: int | None) -> m.Evaluation:
    wanted = batch["evaluation"]
    label = f"“{wanted['name']}”({wanted.get('year') or '无'}年度)"
    candidates = ([get_evaluation(s, evaluation_id)] if evaluation_id is not None else
                  list(s.scalars(select(m.Evaluation).order_by(m.Evaluation.id))))
    for ev in candidates:
        if evaluation_identity(load_data(s, ev)) == wanted["identity"]:
            return get_evaluation(s, ev.id, for_change=True)
    same_name = [ev for ev in candidates
                 if ev.name == wanted["name"] and ev.year == wanted.get("year")]
    if same_name:
        raise BatchRefused(
            f"批次属于考评活动{label},但其考评设置或部门、评委类别名单与本机的不一致"
            "(可能在分发各录入点之后修改过设置或名单),拒绝导入。"
            "请把本机的考评重新分发到各录入点后再录入,或核对两边的设置。")
    where = (f"本考评活动“{candidates[0].name}”" if evaluation_id is not None
             else "本机数据库中的任何考评活动")
    raise BatchRefused(f"批次属于另一个考评活动{label},与{where}不符,拒绝导入")


def import_batch(db: Database, actor: Actor, batch: dict | str | Path,
                 evaluation_id: int | None = None) -> BatchReport:
    """Merge a station's batch (a file path or a dict from ``export_batch``) into the
    evaluation it belongs to (found by its identity, or the one given). All or nothing."""
    require(actor, MANAGE)
    if isinstance(batch, (str, Path)):
        batch = read_batch(batch)
    else:
        check_batch(batch)
    report = BatchReport(batch["station"], batch["operator"], ballots=len(batch["ballots"]))
    with unit_of_work(db) as s:
        serialise_writes(s)
        done = s.scalar(select(m.Batch).where(m.Batch.checksum == batch["checksum"]))
        if done is not None:
            raise BatchRefused(
                f"这个批次(录入点“{done.station}”,{done.operator} 于 {done.exported_at} 导出)"
                f"已于 {done.imported_at:%Y-%m-%d %H:%M} 由 {done.imported_by} 导入过,"
                "不再重复导入")
        name = batch.get("station") or "批次文件"
        kit = station_kit.check_mac(s, batch, name)
        ev = _find_evaluation(s, batch, evaluation_id)
        station_kit.check_kit_evaluation(kit, ev, name)
        importer = BatchMerger(s, ev, batch, report)
        seen = set()
        for b in sorted(batch["ballots"], key=lambda b: b["serial"]):
            if b["serial"].strip() in seen:
                raise BatchRefused(f"批次中票号 {b['serial']} 出现了两次,拒绝导入")
            seen.add(b["serial"].strip())
            importer.one(b)
        s.add(m.Batch(evaluation_id=ev.id, checksum=batch["checksum"], station=batch["station"],
                      operator=batch["operator"][:50], exported_at=str(batch["exported_at"])[:30],
                      imported_at=datetime.now().replace(microsecond=0),
                      imported_by=actor.name, ballots=report.ballots, added=report.added,
                      duplicates=report.duplicates, conflicts=report.conflicts))
        audit(s, actor, ev.id, "导入录入批次", f"{batch['station']}({batch['operator']})",
              new={"选票": report.ballots, "新增": report.added, "确认": report.confirmed,
                   "重复": report.duplicates, "不一致": report.conflict_serials,
                   "校验值": batch["checksum"], "录入": importer.logged()})
    return report


@dataclass(frozen=True)
class BatchInfo:
    station: str
    operator: str
    exported_at: str
    imported_at: datetime
    imported_by: str
    ballots: int
    added: int
    duplicates: int
    conflicts: int
    checksum: str


def list_batches(db: Database, evaluation_id: int) -> list[BatchInfo]:
    """The batches imported into an evaluation, oldest first."""
    with db.session() as s:
        return [BatchInfo(b.station, b.operator, b.exported_at, b.imported_at, b.imported_by,
                          b.ballots, b.added, b.duplicates, b.conflicts, b.checksum)
                for b in s.scalars(select(m.Batch).where(m.Batch.evaluation_id == evaluation_id)
                                   .order_by(m.Batch.id))]
