"""Importing scanned ballots (issue 17): read pages, check each sheet, save what was read with
confidence through the ballot service, keep doubtful rows (with their crops) for a person.

A sheet is refused — nothing saved — with a named reason when a page cannot be read, belongs
to no evaluation here, was printed with another layout, misses a page, repeats a 票号 or has
two different scans of one page. Importing the same pages again changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import select

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import DomainError, EvaluationData
from evalapp.services.ballots import BallotInput, add_ballot
from evalapp.services.context import (
    ENTER, Actor, NotFound, audit, get_evaluation, now, require, unit_of_work,
)
from evalapp.services.store import load_data

SAVED, REVIEW, CONFIRMED = "saved", "review", "confirmed"
STATUS_WORDS = {SAVED: "已保存", REVIEW: "待人工核对", CONFIRMED: "已核对保存",
                "unchanged": "已导入过(未改变)", "refused": "拒收"}
SOURCE_WORD = "扫描"
WHOLE_PAGE = -1  # ScanCrop.row of a whole straightened page (JPEG) kept for the review


# ---------------------------------------------------------------- reading (no database)

@dataclass
class PageResult:
    source: str
    sha256: str
    refused: str | None = None
    identity: str = ""
    serial: str = ""
    group: str = ""
    page: int = 0
    pages: int = 0
    bilevel: bool = False
    rows: list[dict] = field(default_factory=list)  # department, value, own, doubts, fills
    crops: dict[int, bytes] = field(default_factory=dict)  # row index → PNG of the row
    page_image: bytes | None = None  # JPEG of the straightened page (kept for review)


def _doubt(fills: list[list]) -> int:
    """0–1000, higher = more doubtful: how close the most ambiguous bubble is to halfway."""
    from evalapp.scan.reader import BLANK_FILL, MARK_FILL
    middle = (BLANK_FILL + MARK_FILL) / 2
    worst = 0.0
    for _kind, _value, fill, tone, state in fills:
        if state == "doubt":
            level = max(fill, tone)
            worst = max(worst, 1 - min(abs(level - middle) / middle, 1))
    return round(1000 * worst) if worst else 1000  # a rule broken by definite marks: first


def read_page(source: str, sha256: str, image, layouts: dict) -> PageResult:
    """Read one page against the layouts {(identity, group index): (group name, SheetLayout,
    settings)} of the candidate evaluations."""
    import cv2

    from evalapp.scan import reader
    result = PageResult(source, sha256)
    try:
        scan = reader.scan_page(image)
    except reader.Unreadable as exc:
        result.refused = str(exc)
        return result
    qr = scan.qr
    result.identity, result.serial, result.page, result.pages = (qr.identity, qr.serial, qr.page,
                                                                 qr.pages)
    found = layouts.get((qr.identity, qr.group_index))
    if not any(key[0] == qr.identity for key in layouts):
        result.refused = ("评分表不属于本机的考评活动(二维码中的考评标识不符;"
                          "可能是其他考评的评分表,或印制后修改过考评设置或名单)")
        return result
    if found is None:
        result.refused = "二维码中的评委类别在本考评活动中不存在"
        return result
    group, layout, settings = found
    result.group = group
    if (qr.version != reader_format() or qr.pages != len(layout.pages) or qr.page < 1
            or qr.page > qr.pages or qr.layout != layout.digest(qr.page)):
        result.refused = ("评分表版式与本考评当前的设置不一致(印制后修改过部门名单或计分设置),"
                          "请重新印制评分表")
        return result
    page = layout.pages[qr.page - 1]
    readings, _ = reader.measure(scan.image, page)
    rows = reader.read_rows(readings, page, settings, scan.bilevel)
    result.bilevel = scan.bilevel
    for row in rows:
        fills = [[b.bubble.kind, b.bubble.value, b.fill, b.tone, b.state] for b in row.bubbles]
        result.rows.append({"department": row.department, "value": row.value, "own": row.own,
                            "doubts": row.doubts, "fills": fills, "row": row.index})
        if row.doubts:
            ok, png = cv2.imencode(".png", reader.crop(scan.image, page, row.index))
            result.crops[row.index] = png.tobytes()
    if result.crops:
        ok, jpeg = cv2.imencode(".jpg", scan.image, [cv2.IMWRITE_JPEG_QUALITY, 80])
        result.page_image = jpeg.tobytes()
    return result


def reader_format() -> int:
    from evalapp.scan.layout import FORMAT
    return FORMAT


def read_file(path: str, layouts: dict) -> list[PageResult]:
    """Every page of one file, read (top-level: runs in worker processes)."""
    from evalapp.scan.sources import pages_of
    out = []
    for page in pages_of(Path(path)):
        if page.image is None:
            out.append(PageResult(page.source, page.sha256, page.error))
        else:
            out.append(read_page(page.source, page.sha256, page.image, layouts))
    return out


def candidate_layouts(datas: dict[int, EvaluationData]) -> tuple[dict, dict]:
    """({(identity, group index): (group, layout, settings)}, {identity: evaluation id})."""
    from evalapp.scan.layout import evaluation_key, sheet_layout
    layouts, owners = {}, {}
    for evaluation_id, data in datas.items():
        key = evaluation_key(data)
        owners[key] = evaluation_id
        for index, group in enumerate(data.groups):
            try:
                layouts[(key, index)] = (group.name, sheet_layout(data, group), data.settings)
            except DomainError:
                continue  # settings that cannot be printed as bubbles: no such sheet exists
    return layouts, owners


_WORKER_LAYOUTS: dict = {}


def _worker_start(layouts: dict) -> None:
    _WORKER_LAYOUTS.update(layouts)


def _worker_read(path: str) -> list[PageResult]:
    return read_file(path, _WORKER_LAYOUTS)


def read_all(files: list[Path], layouts: dict, workers: int = 1) -> list[PageResult]:
    if workers > 1 and len(files) > 2 and not getattr(sys, "frozen", False):
        with ProcessPoolExecutor(workers, initializer=_worker_start,
                                 initargs=(layouts,)) as pool:
            parts = pool.map(_worker_read, [str(f) for f in files])
            return [page for part in parts for page in part]
    return [page for f in files for page in read_file(str(f), layouts)]


# ---------------------------------------------------------------- the report

@dataclass
class SheetOutcome:
    status: str  # saved | review | unchanged | refused
    serial: str | None
    group: str | None
    sources: list[str]
    marks: int = 0  # departments read with a mark
    doubtful: int = 0  # departments a person must check
    reason: str | None = None
    doubts: list[str] = field(default_factory=list)  # "部门:原因"

    @property
    def status_word(self) -> str:
        return STATUS_WORDS[self.status]


@dataclass
class ScanReport:
    evaluation_id: int | None
    sheets: list[SheetOutcome]

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in ("saved", "review", "unchanged", "refused")}
        for s in self.sheets:
            out[s.status] += 1
        return out

    def as_json(self) -> str:
        return json.dumps({"evaluation": self.evaluation_id, "counts": self.counts(),
                           "sheets": [{**asdict(s), "status_word": s.status_word}
                                      for s in self.sheets]}, ensure_ascii=False, indent=1)

    def text(self) -> str:
        lines = ["票号\t评委类别\t结果\t读出评分\t存疑\t说明"]
        for s in self.sheets:
            note = s.reason or ";".join(s.doubts[:3]) + ("……" if len(s.doubts) > 3 else "")
            lines.append(f"{s.serial or '-'}\t{s.group or '-'}\t{s.status_word}\t{s.marks}\t"
                         f"{s.doubtful}\t{note}" + (f"\t[{'、'.join(s.sources)}]"
                                                    if s.status == "refused" else ""))
        c = self.counts()
        lines.append(f"共 {len(self.sheets)} 张:已保存 {c['saved']},待人工核对 {c['review']},"
                     f"已导入过 {c['unchanged']},拒收 {c['refused']}")
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- importing

def _entry_uid(hashes: list[str]) -> str:
    return "scan-" + hashlib.sha256("|".join(hashes).encode()).hexdigest()[:59]


def _datas(db: Database, evaluation_id: int | None) -> dict[int, EvaluationData]:
    with db.session() as s:
        if evaluation_id is not None:
            return {evaluation_id: load_data(s, get_evaluation(s, evaluation_id))}
        return {ev.id: load_data(s, ev) for ev in s.scalars(select(m.Evaluation))}


def import_scans(db: Database, actor: Actor, paths: list, evaluation_id: int | None = None,
                 workers: int = 1) -> ScanReport:
    """Read every page of ``paths`` (files or folders) and import the sheets found."""
    from evalapp.scan.sources import expand
    require(actor, ENTER)
    files, problems = expand(paths)
    outcomes = [SheetOutcome("refused", None, None, [], reason=p) for p in problems]
    datas = _datas(db, evaluation_id)
    layouts, owners = candidate_layouts(datas)
    pages = read_all(files, layouts, workers)
    sheets: dict[tuple[str, str], dict[int, PageResult]] = {}
    seen_hashes: set[str] = set()
    broken: dict[tuple[str, str], str] = {}
    for page in pages:
        if page.sha256 in seen_hashes:
            continue  # the same page given twice in one run (a file and its folder)
        seen_hashes.add(page.sha256)
        if page.refused:
            outcomes.append(SheetOutcome("refused", page.serial or None, page.group or None,
                                         [page.source], reason=page.refused))
            continue
        key = (page.identity, page.serial)
        got = sheets.setdefault(key, {})
        if page.page in got:
            broken[key] = (f"票号 {page.serial} 的第 {page.page} 页有两份不同的扫描件"
                           f"({got[page.page].source}、{page.source}),无法确定以哪份为准")
        else:
            got[page.page] = page
    used = {owners[identity] for identity, _ in sheets}
    report_id = evaluation_id if evaluation_id is not None else (
        used.pop() if len(used) == 1 else None)
    for (identity, serial), got in sheets.items():
        try:
            outcomes.append(_import_sheet(db, actor, owners[identity], serial, got,
                                          broken.get((identity, serial))))
        except DomainError as exc:  # e.g. the evaluation was finalised: this sheet not saved
            outcomes.append(SheetOutcome("refused", serial, next(iter(got.values())).group,
                                         [p.source for p in got.values()], reason=str(exc)))
    return ScanReport(report_id, outcomes)


def _import_sheet(db: Database, actor: Actor, evaluation_id: int, serial: str,
                  got: dict[int, PageResult], broken: str | None) -> SheetOutcome:
    first = next(iter(got.values()))
    sources = [got[k].source for k in sorted(got)]
    outcome = SheetOutcome("refused", serial, first.group, sources)
    if broken:
        outcome.reason = broken
        return outcome
    missing = [str(n) for n in range(1, first.pages + 1) if n not in got]
    if missing:
        outcome.reason = (f"缺少第 {'、'.join(missing)} 页(共 {first.pages} 页,正反面都要扫描),"
                          "请把整张评分表的各页一起导入")
        return outcome
    hashes = [got[n].sha256 for n in range(1, first.pages + 1)]
    uid = _entry_uid(hashes)
    rows = [(n, r) for n in range(1, first.pages + 1) for r in got[n].rows]
    owns = [r["department"] for _, r in rows if r["own"]]
    if len(owns) > 1:
        for _, r in rows:
            if r["own"]:
                r["doubts"].append("多个部门涂了“本部门”")
                r["value"] = None
    doubtful = [(n, r) for n, r in rows if r["doubts"]]
    if not doubtful and not owns and all(r["value"] is None for _, r in rows):
        outcome.reason = ("整张评分表没有涂任何圆圈(未填写的评分表或空白票),未导入;"
                          "如确为空白票,请在选票录入中录入")
        return outcome
    outcome.marks = sum(1 for _, r in rows if r["value"] is not None and not r["doubts"])
    outcome.doubtful = len(doubtful)
    outcome.doubts = [f"{r['department']}:{r['doubts'][0]}" for _, r in doubtful]
    with db.session() as s:
        sheet = s.scalar(select(m.ScanSheet).where(m.ScanSheet.evaluation_id == evaluation_id,
                                                   m.ScanSheet.serial == serial))
        ballot = s.scalar(select(m.Ballot).where(m.Ballot.evaluation_id == evaluation_id,
                                                 m.Ballot.serial == serial))
        if sheet is not None:
            if json.loads(sheet.page_hashes) == hashes:
                outcome.status = "unchanged"
                outcome.reason = f"这些页面已于 {sheet.imported_at:%m-%d %H:%M} 导入过"
            else:
                outcome.reason = (f"票号 {serial} 已由另一份扫描件导入过(票号重复),"
                                  "请核对纸质评分表")
            return outcome
        if ballot is not None and ballot.entry_uid != uid:
            outcome.reason = f"票号 {serial} 已录入过(手工录入或其他来源),票号重复,请核对纸质评分表"
            return outcome
    own = owns[0] if len(owns) == 1 else None
    reading = {"pages": first.pages, "bilevel": any(got[n].bilevel for n in got),
               "rows": [{k: r[k] for k in ("department", "value", "own", "doubts", "fills")}
                        | {"page": n} for n, r in rows]}
    if not doubtful:
        marks = {r["department"]: r["value"] for _, r in rows if r["value"] is not None}
        info = add_ballot(db, actor, evaluation_id,
                          BallotInput(serial, first.group, marks, own), entry_uid=uid,
                          source={"来源": SOURCE_WORD, "图像SHA-256": hashes})
        _store_sheet(db, evaluation_id, serial, first.group, hashes, sources, reading, SAVED,
                     info.id, actor, [])
        outcome.status = SAVED
        return outcome
    crops = [(n, r, got[n].crops[r["row"]]) for n, r in doubtful if r["row"] in got[n].crops]
    crops += [(n, {"row": WHOLE_PAGE, "department": "", "doubts": [], "fills": []},
               got[n].page_image) for n in sorted(got) if got[n].page_image]
    _store_sheet(db, evaluation_id, serial, first.group, hashes, sources, reading, REVIEW, None,
                 actor, crops)
    outcome.status = REVIEW
    return outcome


def _store_sheet(db, evaluation_id, serial, group, hashes, sources, reading, status, ballot_id,
                 actor, crops) -> None:
    with unit_of_work(db) as s:
        ev = get_evaluation(s, evaluation_id, for_change=True)
        group_id = next(g.id for g in ev.groups if g.name == group)
        sheet = m.ScanSheet(evaluation_id=evaluation_id, serial=serial, group_id=group_id,
                            page_hashes=json.dumps(hashes), sources=json.dumps(
                                sources, ensure_ascii=False),
                            reading=json.dumps(reading, ensure_ascii=False), status=status,
                            ballot_id=ballot_id, imported_by=actor.name, imported_at=now())
        s.add(sheet)
        s.flush()
        for page, row, png in crops:
            s.add(m.ScanCrop(sheet_id=sheet.id, page=page, row=row["row"],
                             department=row["department"],
                             reasons=json.dumps(row["doubts"], ensure_ascii=False),
                             fills=json.dumps(row["fills"], ensure_ascii=False),
                             doubt=_doubt(row["fills"]) if row["fills"] else 0, png=png))
        if status == REVIEW:
            audit(s, actor, evaluation_id, "导入扫描选票(待核对)", serial,
                  new={"来源": SOURCE_WORD, "图像SHA-256": hashes,
                       "存疑部门": [r["department"] for _, r, _ in crops if r["department"]]})


# ---------------------------------------------------------------- review

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
    info = add_ballot(db, actor, evaluation_id, BallotInput(serial, group, marks, own),
                      entry_uid=_entry_uid(hashes),
                      source={"来源": SOURCE_WORD, "图像SHA-256": hashes, "人工核对": decided,
                              "核对人": actor.name})
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


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
