"""Importing scanned ballots (issue 17): read pages (evalapp/scan/read_pages.py), check each
sheet, save what was read with confidence (services/scan_review.save_scanned: with or without
double entry), keep doubtful rows (with their crops) for a person (services/scan_review.py).

A sheet is refused — nothing saved — with a named reason when a page cannot be read, belongs
to no evaluation here, was printed with another layout, misses a page, repeats a 票号 or has
two different scans of one page. Importing the same pages again changes nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Callable

from sqlalchemy import select

from evalapp.db import models as m
from evalapp.db.engine import Database
from evalapp.domain import DomainError, EvaluationData
from evalapp.scan.read_pages import PageResult, candidate_layouts, doubt_level, read_all
from evalapp.scan.sources import expand
from evalapp.services.ballots import BallotInput
from evalapp.services.context import (
    ENTER, Actor, audit, get_evaluation, now, require, unit_of_work,
)
from evalapp.services.scan_review import (
    CONFIRMED, REVIEW, SAVED, SOURCE_WORD, WHOLE_PAGE, double_entry_on, entry_uid, save_scanned,
)
from evalapp.services.store import load_data

STATUS_WORDS = {SAVED: "已保存", REVIEW: "待人工核对", CONFIRMED: "已核对保存",
                "unchanged": "已导入过(未改变)", "refused": "拒收"}


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

def _datas(db: Database, evaluation_id: int | None) -> dict[int, EvaluationData]:
    with db.session() as s:
        if evaluation_id is not None:
            return {evaluation_id: load_data(s, get_evaluation(s, evaluation_id))}
        return {ev.id: load_data(s, ev) for ev in s.scalars(select(m.Evaluation))}


def import_scans(db: Database, actor: Actor, paths: list, evaluation_id: int | None = None,
                 workers: int = 1, progress: Callable[[int, int], None] | None = None
                 ) -> ScanReport:
    """Read every page of ``paths`` (files or folders) and import the sheets found;
    ``progress(files read, files)`` is called as the files are read."""
    require(actor, ENTER)
    files, problems = expand(paths)
    outcomes = [SheetOutcome("refused", None, None, [], reason=p) for p in problems]
    datas = _datas(db, evaluation_id)
    layouts, owners = candidate_layouts(datas)
    pages = read_all(files, layouts, workers, progress)
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
    uid = entry_uid(hashes)
    double_entry = double_entry_on(db, evaluation_id)
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
        if ballot is not None and not double_entry and ballot.entry_uid != uid:
            outcome.reason = f"票号 {serial} 已录入过(手工录入或其他来源),票号重复,请核对纸质评分表"
            return outcome  # (with double entry the scan may be its second entry: save_scanned)
    own = owns[0] if len(owns) == 1 else None
    reading = {"pages": first.pages, "bilevel": any(got[n].bilevel for n in got),
               "rows": [{k: r[k] for k in ("department", "value", "own", "doubts", "fills")}
                        | {"page": n} for n, r in rows]}
    if not doubtful:
        marks = {r["department"]: r["value"] for _, r in rows if r["value"] is not None}
        info = save_scanned(db, actor, evaluation_id, BallotInput(serial, first.group, marks, own),
                            hashes, {"来源": SOURCE_WORD, "图像SHA-256": hashes})
        _store_sheet(db, evaluation_id, serial, first.group, hashes, sources, reading, SAVED,
                     info.id, actor, _pages(got))
        outcome.status = SAVED
        return outcome
    crops = [(n, r, got[n].crops[r["row"]]) for n, r in doubtful if r["row"] in got[n].crops]
    crops += _pages(got)
    _store_sheet(db, evaluation_id, serial, first.group, hashes, sources, reading, REVIEW, None,
                 actor, crops)
    outcome.status = REVIEW
    return outcome


def _pages(got: dict[int, PageResult]) -> list[tuple]:
    """The straightened pages of a sheet, as crops of row WHOLE_PAGE."""
    return [(n, {"row": WHOLE_PAGE, "department": "", "doubts": [], "fills": []},
             got[n].page_image) for n in sorted(got) if got[n].page_image]


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
                             doubt=doubt_level(row["fills"]) if row["fills"] else 0, png=png))
        if status == REVIEW:
            audit(s, actor, evaluation_id, "导入扫描选票(待核对)", serial,
                  new={"来源": SOURCE_WORD, "图像SHA-256": hashes,
                       "存疑部门": [r["department"] for _, r, _ in crops if r["department"]]})


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
