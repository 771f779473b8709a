"""扫描核对 page: the doubtful rows of a scanned sheet, typed like entry, then saved."""

import pytest
from PySide6.QtCore import Qt

from evalapp.services.ballots import list_ballots
from evalapp.services.context import CLERK, SYSTEM, Actor
from evalapp.services.evaluations import import_evaluation
from evalapp.services.scan_import import import_scans
from test_scan import _data, doubtful_sheet
from ui.context import AppContext
from ui.fonts import apply_ui_font
from ui.scan.scan_review_page import ScanReviewPage
from ui_helpers import show_active


@pytest.fixture(scope="module", autouse=True)
def font(qapp):
    apply_ui_font(qapp)


def test_doubtful_rows_are_confirmed_with_grade_keys(qtbot, db, tmp_path):
    data = _data(grade=True, groups=1)
    evaluation_id = import_evaluation(db, SYSTEM, data)
    import_scans(db, SYSTEM, [doubtful_sheet(tmp_path, data)], evaluation_id)
    ctx = AppContext(db, Actor("核对员", CLERK), evaluation_id)
    page = ScanReviewPage(ctx)
    show_active(qtbot, page)
    page.refresh()
    assert page.queue.rowCount() == 2
    assert "待核对 2 个部门" in page.counts.text()
    assert not page.image.pixmap().isNull()
    names = [d.name for d in sorted(data.departments, key=lambda d: d.order)]
    typed = {}
    for _ in range(2):
        department = page.current().department
        key = Qt.Key.Key_2 if department == names[1] else Qt.Key.Key_3
        typed[department] = "良好" if key == Qt.Key.Key_2 else "一般"
        qtbot.keyClick(page.answer, key)
        qtbot.keyClick(page.answer, Qt.Key.Key_Return)
    assert page.queue.rowCount() == 0
    [ballot] = list_ballots(db, evaluation_id)
    assert ballot.marks == {names[0]: "优秀", **typed}
    assert ballot.entered_by == "核对员"


def test_a_bad_key_is_refused_and_nothing_saved(qtbot, db, tmp_path):
    data = _data(grade=True, groups=1)
    evaluation_id = import_evaluation(db, SYSTEM, data)
    import_scans(db, SYSTEM, [doubtful_sheet(tmp_path, data)], evaluation_id)
    page = ScanReviewPage(AppContext(db, Actor("核对员", CLERK), evaluation_id))
    show_active(qtbot, page)
    page.refresh()
    qtbot.keyClick(page.answer, Qt.Key.Key_9)
    qtbot.keyClick(page.answer, Qt.Key.Key_Return)
    assert "按键 9 没有对应的等次" in page.message.text()
    assert page.queue.rowCount() == 2 and list_ballots(db, evaluation_id) == []
