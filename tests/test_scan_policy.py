"""Scanned ballots under double entry (the scan is one entry, a person the other) and the
random sample re-typing with its discrepancy rate."""

from __future__ import annotations

import json
import random

import cv2
import pytest
from sqlalchemy import select

from evalapp.db import models as m
from evalapp.domain import DomainError
from evalapp.scan import synthetic
from evalapp.scan.layout import sheet_layout
from evalapp.scan.sheet_pdf import SheetOptions, write_sheets
from evalapp.services.ballots import BallotInput, add_ballot, get_ballot, list_ballots
from evalapp.services.context import ADMIN, CLERK, SYSTEM, Actor
from evalapp.services.double_entry import list_conflicts
from evalapp.services.evaluations import import_evaluation, update_settings
from evalapp.services.scan_import import import_scans
from evalapp.services.scan_review import MACHINE, resolve_sheet
from evalapp.services.scan_sample import (
    draw_sample, latest_sample, retype, sample_report, scanned_serials,
)
from evalapp.services.verify import verify
from test_scan import _data, doubtful_sheet

FEEDER, TYPIST, REVIEWER = Actor("扫描员", CLERK), Actor("录入二", CLERK), Actor("核对员", CLERK)
BOSS = Actor("主任", ADMIN)


def clean_sheets(folder, data, count=3):
    """``count`` 等次制 sheets, rows 1–3 filled in full (优秀, 良好, 一般): read with
    confidence. Returns {sheet index: marks}."""
    layout = sheet_layout(data, data.groups[0])
    pdf = write_sheets(data, data.settings.name, None, SheetOptions(copies=count))
    names = [r.department for r in layout.pages[0].rows]
    truths = {}
    rng = random.Random(2)
    for k, image in enumerate(synthetic.render_pages(pdf, 200)):
        page = layout.pages[0]
        for row, grade in enumerate((0, 1, 2)):
            bubble = [b for b in page.bubbles if b.row == row and b.kind == "grade"][grade]
            synthetic.draw_mark(image, rng, bubble, 200 / 25.4, "black", "full")
        cv2.imwrite(str(folder / f"c{k}.png"), image)
        truths[k] = dict(zip(names[:3], ("优秀", "良好", "一般")))
    return truths


@pytest.fixture
def double(db):
    data = _data(grade=True, groups=1)
    evaluation_id = import_evaluation(db, SYSTEM, data)
    update_settings(db, SYSTEM, evaluation_id, double_entry=True)
    return data, evaluation_id


def _typed(serial, data, marks, own=None):
    return BallotInput(serial, data.groups[0].name, marks, own)


def test_a_confident_scan_is_the_first_entry_a_person_confirms_it(db, tmp_path, double):
    data, evaluation_id = double
    truths = clean_sheets(tmp_path, data, 2)
    report = import_scans(db, FEEDER, [tmp_path], evaluation_id)
    assert report.counts()["saved"] == 2, report.text()
    ballots = {b.serial: b for b in list_ballots(db, evaluation_id)}
    assert {b.status for b in ballots.values()} == {"pending"}  # not counted yet
    assert {b.entered_by for b in ballots.values()} == {MACHINE.name}
    first, second = sorted(ballots)
    marks = truths[0]
    # The clerk who fed the scanner may type the second entry: the machine read the first.
    add_ballot(db, FEEDER, evaluation_id, _typed(first, data, marks))
    assert get_ballot(db, evaluation_id, first).status == "confirmed"
    # A typing that differs goes to 核对 like any two entries.
    add_ballot(db, TYPIST, evaluation_id, _typed(second, data, {**marks, next(iter(marks)): "一般"}))
    assert get_ballot(db, evaluation_id, second).status == "conflict"
    [conflict] = list_conflicts(db, BOSS, evaluation_id)
    assert conflict.first.operator == MACHINE.name and conflict.second.operator == TYPIST.name
    # Importing again changes nothing; the audit names who fed the scanner.
    assert import_scans(db, FEEDER, [tmp_path], evaluation_id).counts()["unchanged"] == 2
    with db.session() as s:
        row = s.scalar(select(m.AuditEntry).where(m.AuditEntry.action == "第一次录入"))
    assert json.loads(row.new)["导入人"] == FEEDER.name and row.operator == MACHINE.name
    assert verify(db, evaluation_id).ok


def test_the_review_is_the_second_entry_for_doubtful_marks(db, tmp_path, double):
    data, evaluation_id = double
    report = import_scans(db, FEEDER, [doubtful_sheet(tmp_path, data)], evaluation_id)
    [sheet] = report.sheets
    names = [d.name for d in sorted(data.departments, key=lambda d: d.order)]
    info = resolve_sheet(db, REVIEWER, evaluation_id, sheet.serial,
                         {names[1]: "良好", names[2]: "一般"})
    assert info.status == "confirmed"
    assert info.marks == {names[0]: "优秀", names[1]: "良好", names[2]: "一般"}
    with db.session() as s:
        ballot = s.scalar(select(m.Ballot).where(m.Ballot.serial == sheet.serial))
        operators = [e.operator for e in s.scalars(select(m.BallotEntry).where(
            m.BallotEntry.ballot_id == ballot.id).order_by(m.BallotEntry.id))]
    assert operators == [MACHINE.name, REVIEWER.name]
    assert verify(db, evaluation_id).ok


def test_a_ballot_typed_before_its_scan_gets_the_scan_as_second_entry(db, tmp_path, double):
    data, evaluation_id = double
    truths = clean_sheets(tmp_path, data, 1)
    pdf_serial = _first_serial(data)
    add_ballot(db, TYPIST, evaluation_id, _typed(pdf_serial, data, truths[0]))
    report = import_scans(db, FEEDER, [tmp_path], evaluation_id)
    assert report.counts()["saved"] == 1, report.text()
    assert get_ballot(db, evaluation_id, pdf_serial).status == "confirmed"


def _first_serial(data) -> str:
    from evalapp.reports.ballots_pdf import serials
    return serials(data, data.groups[0], 1, 1)[0]


def test_random_sample_retyping_reports_the_discrepancy_rate(db, tmp_path):
    data = _data(grade=True, groups=1)
    evaluation_id = import_evaluation(db, SYSTEM, data)
    truths = clean_sheets(tmp_path, data, 4)
    assert import_scans(db, FEEDER, [tmp_path], evaluation_id).counts()["saved"] == 4
    population = scanned_serials(db, evaluation_id)
    assert len(population) == 4
    with pytest.raises(DomainError, match="张数或百分比"):
        draw_sample(db, BOSS, evaluation_id)
    with pytest.raises(DomainError, match="1 到 4"):
        draw_sample(db, BOSS, evaluation_id, size=9)
    draw = draw_sample(db, BOSS, evaluation_id, percent=50, seed=7)
    assert draw.rule == "50%" and len(draw.serials) == 2 and draw.seed == 7
    assert draw_sample(db, BOSS, evaluation_id, percent=50, seed=7).serials == draw.serials
    draw = latest_sample(db, evaluation_id)
    with db.session() as s:
        row = s.scalar(select(m.AuditEntry).where(m.AuditEntry.id == draw.id))
    assert json.loads(row.new)["种子"] == 7  # the seed is in the audit trail
    marks = truths[0]
    one, two = draw.serials
    assert retype(db, TYPIST, evaluation_id, draw, _typed(one, data, marks)) == []
    department = next(iter(marks))
    wrong = retype(db, TYPIST, evaluation_id, draw,
                   _typed(two, data, {**marks, department: "一般"}))
    assert [(d.department, d.scanned, d.typed) for d in wrong] == [(department, "优秀", "一般")]
    with pytest.raises(DomainError, match="已复核过"):
        retype(db, TYPIST, evaluation_id, draw, _typed(two, data, marks))
    outside = next(s for s in population if s not in draw.serials)
    with pytest.raises(DomainError, match="不在本次抽取的样本中"):
        retype(db, TYPIST, evaluation_id, draw, _typed(outside, data, marks))
    report = sample_report(db, evaluation_id)
    assert (report.marks_compared, report.marks_differing, report.ballots_differing) == (6, 1, 1)
    assert report.left == [] and "1 / 6" in report.summary()
    [difference] = report.differences
    assert difference.png.startswith(b"\x89PNG")  # the row as scanned
    # Without double entry the ballot stays as saved: a difference is for 修改选票.
    assert get_ballot(db, evaluation_id, two).marks[department] == "优秀"
    assert verify(db, evaluation_id).ok
