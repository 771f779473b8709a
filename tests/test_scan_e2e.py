"""End to end, the way a secretariat works: the 打印 page's machine-readable ballots (the PDF
its make_document writes, per group with serial ranges) are filled by hand (synthetic strokes)
and scanned, `main.py scan-import` reads them, a clerk answers the doubtful marks on the 扫描核对
page with the entry keys — and the result equals the result of typing the same ballots."""

from __future__ import annotations

import dataclasses
import json
import random

import pytest
from PySide6.QtCore import Qt

from evalapp.cli import main
from evalapp.reports.ballots_pdf import serials
from evalapp.scan import synthetic
from evalapp.scan.layout import sheet_layout
from evalapp.services.ballots import BallotInput, add_ballot, list_ballots
from evalapp.services.context import CLERK, SYSTEM, Actor
from evalapp.services.evaluations import get_data, import_evaluation
from evalapp.services.results import compute_results
from test_scan import _data
from ui.context import AppContext
from ui.fonts import apply_ui_font
from ui.scan.scan_review_page import ScanReviewPage
from evalapp.services.documents import OMR_BALLOTS, DocumentSpec, make_document
from ui_helpers import show_active

COPIES = 3


def _print_fill_scan(db, evaluation_id, folder, seed=5):
    """Print every group's machine-readable ballots, fill and scan them; the truths."""
    made = make_document(db, evaluation_id, SYSTEM, DocumentSpec(OMR_BALLOTS, copies=COPIES,
                                                                  start=None))
    assert made.spec.label == "机读评分表"
    data = get_data(db, evaluation_id)
    images = iter(synthetic.render_pages(made.pdf, 200))
    rng = random.Random(seed)
    truths = {}
    for group in data.groups:
        layout = sheet_layout(data, group)
        for serial in serials(data, group, COPIES, 1):
            truth = synthetic.random_truth(rng, data, group, serial)
            truths[serial] = truth
            for number in range(1, len(layout.pages) + 1):
                image = next(images)
                synthetic.fill_page(image, layout, number, truth, rng, 200)
                kind = synthetic.SCANNER if rng.random() < 0.7 else synthetic.PHONE
                (folder / f"{serial}-{number}.jpg").write_bytes(
                    synthetic.encode_jpeg(synthetic.distort(image, rng, kind, 200)))
    assert next(images, None) is None  # every printed page was used
    return truths


@pytest.mark.parametrize("grade", [False, True])
def test_printed_filled_scanned_reviewed_equals_typed(qtbot, qapp, db, tmp_path, grade,
                                                      capsys):
    apply_ui_font(qapp)
    data = _data(grade=grade, groups=2)
    evaluation_id = import_evaluation(db, SYSTEM, data)
    typed_id = import_evaluation(db, SYSTEM, dataclasses.replace(
        data, settings=dataclasses.replace(data.settings, name="手工录入对照")))
    folder = tmp_path / "scans"
    folder.mkdir()
    truths = _print_fill_scan(db, evaluation_id, folder)
    assert main(["scan-import", str(folder), "--db", str(tmp_path / "test.db"),
                 "--evaluation", str(evaluation_id), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["counts"]["refused"] == 0 and len(report["sheets"]) == len(truths)
    # The doubtful marks, answered on the review page with the entry keys.
    page = ScanReviewPage(AppContext(db, Actor("核对员", CLERK), evaluation_id))
    show_active(qtbot, page)
    page.refresh()
    keys = {g.name: str(k) for k, g in enumerate(data.settings.grades, 1)}
    reviewed = page.queue.rowCount()
    while page.current() is not None:
        item = page.current()
        truth = truths[item.serial]
        value = truth.marks[item.department]
        page.own_box.setChecked(item.department == truth.own_department)
        if value is None:
            qtbot.keyClick(page.grid, Qt.Key.Key_Space)
        elif grade:
            qtbot.keyClicks(page.grid, keys[value])
        else:
            qtbot.keyClicks(page.grid, value)
            qtbot.keyClick(page.grid, Qt.Key.Key_Return)
    assert reviewed > 0 and report["counts"]["review"] > 0  # (seeded: some doubts)
    saved = {b.serial: b for b in list_ballots(db, evaluation_id)}
    assert set(saved) == set(truths)
    for serial, truth in truths.items():
        marks = {k: v for k, v in truth.marks.items() if v is not None}
        assert saved[serial].marks == marks, serial
        assert saved[serial].own_department == truth.own_department, serial
        add_ballot(db, SYSTEM, typed_id, BallotInput(serial, truth.group, marks,
                                                     truth.own_department))
    scanned, typed = compute_results(db, evaluation_id), compute_results(db, typed_id)
    assert scanned.result.total_ballots == typed.result.total_ballots == len(truths)
    assert [(d.name, d.final_exact, d.rank) for d in scanned.result.departments] == \
        [(d.name, d.final_exact, d.rank) for d in typed.result.departments]
