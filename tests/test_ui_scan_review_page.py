"""扫描核对 page: the doubtful rows of a scanned sheet, typed with the entry page's keys and
rule (a grade key is the mark, Enter commits a score, a blank only by Space), then saved."""

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


def _page(qtbot, db, tmp_path):
    data = _data(grade=True, groups=1)
    evaluation_id = import_evaluation(db, SYSTEM, data)
    import_scans(db, SYSTEM, [doubtful_sheet(tmp_path, data)], evaluation_id)
    page = ScanReviewPage(AppContext(db, Actor("核对员", CLERK), evaluation_id))
    show_active(qtbot, page)
    page.refresh()
    names = [d.name for d in sorted(data.departments, key=lambda d: d.order)]
    return page, evaluation_id, names


def test_doubtful_rows_are_confirmed_with_grade_keys(qtbot, db, tmp_path):
    page, evaluation_id, names = _page(qtbot, db, tmp_path)
    assert page.queue.rowCount() == 2
    assert "待核对 2 个部门" in page.counts.text()
    assert not page.image.pixmap().isNull()
    assert page.grid.hasFocus() and page.grid.entry_model.rowCount() == 1
    typed = {}
    for _ in range(2):
        department = page.current().department
        assert page.grid.entry_model.departments()[0].name == department
        key = Qt.Key.Key_2 if department == names[1] else Qt.Key.Key_3
        typed[department] = "良好" if key == Qt.Key.Key_2 else "一般"
        qtbot.keyClick(page.grid, key)  # a grade key is the whole mark, as on the entry page
    assert page.queue.rowCount() == 0
    [ballot] = list_ballots(db, evaluation_id)
    assert ballot.marks == {names[0]: "优秀", **typed}
    assert ballot.entered_by == "核对员"


def test_enter_on_an_empty_answer_does_nothing_a_blank_is_space(qtbot, db, tmp_path):
    """The entry page's rule: Enter on an empty row is no answer; Space makes it 未评."""
    page, evaluation_id, names = _page(qtbot, db, tmp_path)
    first = page.current().department
    qtbot.keyClick(page.grid, Qt.Key.Key_Return)
    assert page.queue.rowCount() == 2 and page.current().department == first
    assert "空白请按空格键" in page.message.text()
    qtbot.keyClick(page.grid, Qt.Key.Key_Space)  # 未评
    assert page.queue.rowCount() == 1 and page.answers[page.current().serial] == {first: None}
    qtbot.keyClick(page.grid, Qt.Key.Key_1)
    [ballot] = list_ballots(db, evaluation_id)
    other = next(n for n in names[1:3] if n != first)
    assert ballot.marks == {names[0]: "优秀", other: "优秀"}


def test_a_bad_key_is_refused_and_nothing_saved(qtbot, db, tmp_path):
    page, evaluation_id, _ = _page(qtbot, db, tmp_path)
    qtbot.keyClick(page.grid, Qt.Key.Key_9)
    assert "按键 9 没有对应的等次" in page.message.text()
    qtbot.keyClick(page.grid, Qt.Key.Key_0)
    assert "不是等次键" in page.message.text()  # 0 is no longer 未评: Space is
    assert page.queue.rowCount() == 2 and list_ballots(db, evaluation_id) == []
