"""Random sample re-typing of scanned ballots: an administrator (for the supervisors) draws a
sample of the ballots saved from scans — a number or a percentage, with a seed that goes into
the audit trail so anyone can draw the same sample again — clerks type those ballots from the
paper without seeing the scan's reading, and the app reports how often the scan and the
person disagree (marks differing / marks compared, ballots differing), each difference with
the image of its row.

With double entry on, a sampled ballot still waiting for its second entry gets it from the
re-typing (services/scan_review.py: the scan was its first entry), so a difference also sends
it to 核对. Otherwise the ballot is left as saved: a difference is reported for the
administrator to correct (修改选票) after looking at the paper.

Everything is kept in the audit trail: the draw (action DRAW) and each re-typing (CHECK).
"""

from __future__ import annotations

import json
import math
import random
import secrets
from dataclasses import dataclass, field

import cv2
import numpy as np
from sqlalchemy import select

from evalapp.ballot_status import PENDING
from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import DomainError
from evalapp.scan.layout import sheet_layout
from evalapp.scan.reader import crop
from evalapp.services.ballots import BallotInput, add_ballot, get_ballot
from evalapp.services.context import (
    ENTER, MANAGE, Actor, audit, get_evaluation, require, unit_of_work,
)
from evalapp.services.scan_review import WHOLE_PAGE
from evalapp.services.store import load_data

DRAW, CHECK = "抽取扫描复核样本", "扫描抽样复核"
GROUP_WORD, OWN_WORD = "评委类别", "所属部门"


@dataclass
class SampleDraw:
    id: int  # the audit row of the draw
    seed: int
    rule: str  # "20 张" or "5%"
    population: int
    serials: list[str]


@dataclass
class Difference:
    serial: str
    department: str  # or GROUP_WORD / OWN_WORD
    scanned: str | None
    typed: str | None
    png: bytes | None = None  # the row as scanned (None for 评委类别 / 所属部门 rows)


@dataclass
class SampleReport:
    draw: SampleDraw
    typed: dict[str, str] = field(default_factory=dict)  # serial → who typed it
    marks_compared: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def marks_differing(self) -> int:
        return sum(1 for d in self.differences if d.department not in (GROUP_WORD, OWN_WORD))

    @property
    def ballots_differing(self) -> int:
        return len({d.serial for d in self.differences})

    @property
    def left(self) -> list[str]:
        return [s for s in self.draw.serials if s not in self.typed]

    def rate(self) -> float:
        return self.marks_differing / self.marks_compared if self.marks_compared else 0.0

    def summary(self) -> str:
        return (f"样本 {len(self.draw.serials)} 张(共 {self.draw.population} 张扫描选票,"
                f"{self.draw.rule},种子 {self.draw.seed}):已复核 {len(self.typed)} 张,"
                f"不一致评分 {self.marks_differing} / {self.marks_compared}"
                f"({self.rate():.2%}),不一致选票 {self.ballots_differing} 张")


def scanned_serials(db: Database, evaluation_id: int) -> list[str]:
    """票号 of the ballots saved from scans (the population a sample is drawn from)."""
    with db.session() as s:
        return sorted(s.scalars(select(m.ScanSheet.serial).where(
            m.ScanSheet.evaluation_id == evaluation_id, m.ScanSheet.ballot_id.is_not(None))))


def draw_sample(db: Database, actor: Actor, evaluation_id: int, size: int | None = None,
                percent: float | None = None, seed: int | None = None) -> SampleDraw:
    """Draw ``size`` ballots (or ``percent`` % of them, rounded up) at random."""
    require(actor, MANAGE)
    population = scanned_serials(db, evaluation_id)
    if not population:
        raise DomainError("还没有由扫描保存的选票,无法抽样")
    if (size is None) == (percent is None):
        raise DomainError("抽样:请给出张数或百分比(二者选一)")
    if percent is not None:
        if not 0 < percent <= 100:
            raise DomainError("抽样百分比应在 0 到 100 之间")
        size, rule = math.ceil(len(population) * percent / 100), f"{percent:g}%"
    else:
        rule = f"{size} 张"
    if not 1 <= size <= len(population):
        raise DomainError(f"抽样张数应在 1 到 {len(population)} 之间")
    seed = secrets.randbelow(10 ** 8) if seed is None else int(seed)
    serials = sorted(random.Random(seed).sample(population, size))
    with unit_of_work(db) as s:
        get_evaluation(s, evaluation_id)
        audit(s, actor, evaluation_id, DRAW, f"{size} 张(种子 {seed})",
              new={"种子": seed, "方式": rule, "总数": len(population), "票号": serials})
        s.flush()
        row_id = s.scalar(select(m.AuditEntry.id).where(
            m.AuditEntry.evaluation_id == evaluation_id, m.AuditEntry.action == DRAW)
            .order_by(m.AuditEntry.id.desc()))
    return SampleDraw(row_id, seed, rule, len(population), serials)


def latest_sample(db: Database, evaluation_id: int) -> SampleDraw | None:
    with db.session() as s:
        row = s.scalar(select(m.AuditEntry).where(
            m.AuditEntry.evaluation_id == evaluation_id, m.AuditEntry.action == DRAW)
            .order_by(m.AuditEntry.id.desc()))
        if row is None:
            return None
        new = json.loads(row.new)
        return SampleDraw(row.id, new["种子"], new["方式"], new["总数"], new["票号"])


def _checks(s, evaluation_id: int, draw_id: int) -> list[tuple[str, dict]]:
    rows = s.execute(select(m.AuditEntry.operator, m.AuditEntry.new).where(
        m.AuditEntry.evaluation_id == evaluation_id, m.AuditEntry.action == CHECK,
        m.AuditEntry.id > draw_id).order_by(m.AuditEntry.id)).all()
    return [(who, json.loads(new)) for who, new in rows if json.loads(new)["样本"] == draw_id]


def retype(db: Database, actor: Actor, evaluation_id: int, draw: SampleDraw,
           entry: BallotInput) -> list[Difference]:
    """One sampled ballot typed blind from the paper; returns where it differs from the scan."""
    require(actor, ENTER)
    serial = str(entry.serial).strip()
    if serial not in draw.serials:
        raise DomainError(f"票号 {serial} 不在本次抽取的样本中")
    with db.session() as s:
        if any(c["票号"] == serial for _, c in _checks(s, evaluation_id, draw.id)):
            raise DomainError(f"票号 {serial} 已复核过")
    saved = get_ballot(db, evaluation_id, serial)  # what the scan saved
    differences = _compare(saved, entry)
    if saved.status == PENDING:  # double entry: the re-typing is the second entry
        add_ballot(db, actor, evaluation_id, entry)
    with unit_of_work(db) as s:
        get_evaluation(s, evaluation_id)
        audit(s, actor, evaluation_id, CHECK, serial, new={
            "样本": draw.id, "票号": serial, "评委类别": entry.group,
            "所属部门": entry.own_department,
            "评分": {k: v for k, v in entry.marks.items() if v not in (None, "")},
            "比较评分数": len(_departments(saved, entry)),
            "不一致": [[d.department, d.scanned, d.typed] for d in differences]})
    return differences


def _departments(saved, entry: BallotInput) -> set[str]:
    return set(saved.marks) | {k for k, v in entry.marks.items() if v not in (None, "")}


def _compare(saved, entry: BallotInput) -> list[Difference]:
    serial = saved.serial
    out = []
    if saved.group != entry.group:
        out.append(Difference(serial, GROUP_WORD, saved.group, entry.group))
    if (saved.own_department or None) != (entry.own_department or None):
        out.append(Difference(serial, OWN_WORD, saved.own_department, entry.own_department))
    typed = {k: v for k, v in entry.marks.items() if v not in (None, "")}
    for department in sorted(_departments(saved, entry)):
        if saved.marks.get(department) != typed.get(department):
            out.append(Difference(serial, department, saved.marks.get(department),
                                  typed.get(department)))
    return out


def sample_report(db: Database, evaluation_id: int, draw: SampleDraw | None = None,
                  images: bool = True) -> SampleReport | None:
    """The discrepancy rate of a sample (the latest one by default), with each difference's
    row image as scanned."""
    draw = draw or latest_sample(db, evaluation_id)
    if draw is None:
        return None
    report = SampleReport(draw)
    with db.session() as s:
        for who, check in _checks(s, evaluation_id, draw.id):
            report.typed[check["票号"]] = who
            report.marks_compared += check["比较评分数"]
            report.differences += [Difference(check["票号"], d, a, b)
                                   for d, a, b in check["不一致"]]
    if images and report.differences:
        _add_images(db, evaluation_id, report.differences)
    return report


def _add_images(db: Database, evaluation_id: int, differences: list[Difference]) -> None:
    with db.session() as s:
        data = load_data(s, get_evaluation(s, evaluation_id))
        for d in differences:
            sheet = s.scalar(select(m.ScanSheet).where(
                m.ScanSheet.evaluation_id == evaluation_id, m.ScanSheet.serial == d.serial))
            if sheet is None:
                continue
            name = s.get(m.EvaluatorGroup, sheet.group_id).name
            group = next(g for g in data.groups if g.name == name)
            layout = sheet_layout(data, group)
            for page in layout.pages:
                index = next((i for i, r in enumerate(page.rows)
                              if r.department == d.department), None)
                if index is None:
                    continue
                jpeg = s.scalar(select(m.ScanCrop.png).where(
                    m.ScanCrop.sheet_id == sheet.id, m.ScanCrop.row == WHOLE_PAGE,
                    m.ScanCrop.page == page.page))
                if jpeg:
                    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
                    d.png = cv2.imencode(".png", crop(image, page, index))[1].tobytes()
