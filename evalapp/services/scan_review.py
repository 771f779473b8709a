"""Scanned ballots after reading: how a scanned sheet becomes a ballot (with double entry or
without), and a person's review of the doubtful marks.

Double entry (双人录入) and scans — the policy, with the one lifecycle of ballot_status.py:

* Without double entry, a sheet read with confidence is saved at once (confirmed), and a sheet
  with doubtful marks is saved when a person has decided each of them (核对).
* With double entry, the machine's reading is one independent entry, made by the operator
  MACHINE (not by the clerk who fed the scanner, so that clerk may type the second entry):
  - a sheet read with confidence is the FIRST entry: the ballot waits (待第二次录入) until a
    person types the paper blind — on the entry page, or in the random sample re-typing
    (services/scan_sample.py) — equal entries confirm it, different ones go to 核对 as any
    two entries do. A secretariat that chose double entry expects no ballot to count before
    a person has read it; the scan halves the typing, it does not remove the person.
  - a sheet with doubtful marks: the marks read with confidence are the first entry and the
    person's review is the second for the doubtful ones (the review sees the row images and,
    with F3, the whole sheet): the first entry is recorded with the reviewer's answers filling
    the rows the machine could not read, the review then confirms it.
  - a ballot a person typed before its scan arrives: the scan is its second entry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select

from evalapp.ballot_status import PENDING
from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import DomainError
from evalapp.services.ballots import BallotInfo, BallotInput, add_ballot
from evalapp.services.context import (
    CLERK, ENTER, Actor, NotFound, audit, get_evaluation, now, require, unit_of_work,
)

SAVED, REVIEW, CONFIRMED = "saved", "review", "confirmed"
SOURCE_WORD = "扫描"
WHOLE_PAGE = -1  # ScanCrop.row of a whole straightened page (JPEG) kept for the review
MACHINE = Actor("扫描识别", CLERK)  # the reading's own entry under double entry


def entry_uid(hashes: list[str], kind: str = "scan") -> str:
    """The save identity of a sheet's pages (a repeated import finds its entry)."""
    return f"{kind}-" + hashlib.sha256("|".join(hashes).encode()).hexdigest()[:63 - len(kind)]


def double_entry_on(db: Database, evaluation_id: int) -> bool:
    with db.session() as s:
        return bool(get_evaluation(s, evaluation_id).double_entry)


def save_scanned(db: Database, actor: Actor, evaluation_id: int, entry: BallotInput,
                 hashes: list[str], source: dict, reviewer: Actor | None = None) -> BallotInfo:
    """Save a sheet's reading as a ballot under the policy above. ``actor`` ran the import
    (or the review); ``reviewer`` is the person who decided the doubtful marks, if any."""
    if not double_entry_on(db, evaluation_id):
        return add_ballot(db, reviewer or actor, evaluation_id, entry,
                          entry_uid=entry_uid(hashes), source=source)
    info = add_ballot(db, MACHINE, evaluation_id, entry, entry_uid=entry_uid(hashes),
                      source={**source, "导入人": actor.name})
    if reviewer is not None and info.status == PENDING:
        info = add_ballot(db, reviewer, evaluation_id, entry, entry_uid=entry_uid(hashes, "scanr"),
                          source={**source, "核对为第二次录入": True})
    return info


@dataclass
class ReviewItem:
    crop_id: int
    page: int
    serial: str
    group: str
    department: str
    reasons: list[str]
    fills: list[list]  # [kind, value, fill, tone, state] per bubble
    doubt: int
    png: bytes


def review_queue(db: Database, evaluation_id: int) -> list[ReviewItem]:
    """Unresolved doubtful rows of the evaluation, most doubtful first."""
    with db.session() as s:
        ev = get_evaluation(s, evaluation_id)
        groups = {g.id: g.name for g in ev.groups}
        rows = s.execute(select(m.ScanCrop, m.ScanSheet).join(
            m.ScanSheet, m.ScanCrop.sheet_id == m.ScanSheet.id).where(
            m.ScanSheet.evaluation_id == evaluation_id, m.ScanSheet.status == REVIEW,
            m.ScanCrop.resolved_by.is_(None), m.ScanCrop.row != WHOLE_PAGE)).all()
        items = [ReviewItem(c.id, c.page, sh.serial, groups[sh.group_id], c.department,
                            json.loads(c.reasons), json.loads(c.fills), c.doubt, c.png)
                 for c, sh in rows]
    items.sort(key=lambda i: (-i.doubt, i.serial, i.department))
    return items


def sheet_pages(db: Database, evaluation_id: int, serial: str) -> list[bytes]:
    """The straightened pages (JPEG) kept for a sheet sent to review, in page order."""
    with db.session() as s:
        sheet = s.scalar(select(m.ScanSheet).where(m.ScanSheet.evaluation_id == evaluation_id,
                                                   m.ScanSheet.serial == serial))
        if sheet is None:
            return []
        return [c.png for c in s.scalars(select(m.ScanCrop).where(
            m.ScanCrop.sheet_id == sheet.id, m.ScanCrop.row == WHOLE_PAGE)
            .order_by(m.ScanCrop.page))]


def resolve_sheet(db: Database, actor: Actor, evaluation_id: int, serial: str,
                  answers: dict[str, str | None], own_department: str | None = None):
    """A person's reading of every doubtful row of one sheet: department → mark text (None:
    not rated). Saves the ballot through the ballot service (read rows + the answers) and
    records who decided what. ``own_department`` names the 本部门 row if a doubt was there."""
    require(actor, ENTER)
    with db.session() as s:
        sheet = s.scalar(select(m.ScanSheet).where(m.ScanSheet.evaluation_id == evaluation_id,
                                                   m.ScanSheet.serial == serial))
        if sheet is None:
            raise NotFound(f"票号“{serial}”没有扫描件")
        if sheet.status != REVIEW:
            raise DomainError(f"票号“{serial}”的扫描件无需核对(已保存)")
        groups = {g.id: g.name for g in get_evaluation(s, evaluation_id).groups}
        group = groups[sheet.group_id]
        reading = json.loads(sheet.reading)
        hashes = json.loads(sheet.page_hashes)
        crops = list(s.scalars(select(m.ScanCrop).where(m.ScanCrop.sheet_id == sheet.id)))
    doubtful = {r["department"] for r in reading["rows"] if r["doubts"]}
    missing = sorted(doubtful - set(answers))
    if missing:
        raise DomainError(f"票号 {serial}:还有存疑的部门未核对:{'、'.join(missing)}")
    extra = sorted(set(answers) - doubtful)
    if extra:
        raise DomainError(f"票号 {serial}:{'、'.join(extra)} 不是存疑的部门,不能在核对中改动")
    marks = {r["department"]: r["value"] for r in reading["rows"]
             if not r["doubts"] and r["value"] is not None}
    marks.update({k: v for k, v in answers.items() if v not in (None, "")})
    owns = [r["department"] for r in reading["rows"] if r["own"] and not r["doubts"]]
    own = own_department if own_department is not None else (owns[0] if owns else None)
    decided = {k: (v if v not in (None, "") else "未评") for k, v in answers.items()}
    info = save_scanned(db, actor, evaluation_id, BallotInput(serial, group, marks, own), hashes,
                        {"来源": SOURCE_WORD, "图像SHA-256": hashes, "人工核对": decided,
                         "核对人": actor.name}, reviewer=actor)
    with unit_of_work(db) as s:
        sheet = s.get(m.ScanSheet, sheet.id)
        sheet.status, sheet.ballot_id = CONFIRMED, info.id
        stamp = now()
        for crop in crops:
            if crop.row == WHOLE_PAGE:
                continue
            row = s.get(m.ScanCrop, crop.id)
            row.resolved_value = answers.get(row.department)
            row.resolved_own = own == row.department
            row.resolved_by, row.resolved_at = actor.name, stamp
        audit(s, actor, evaluation_id, "核对扫描选票", serial, new={"人工核对": decided})
    return info
