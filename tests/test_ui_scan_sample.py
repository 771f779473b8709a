"""扫描抽样复核, driven through its widgets: an administrator draws a seeded sample, a clerk
types the sampled ballots blind with the entry keys, the rate and each difference show."""

from __future__ import annotations

from PySide6.QtCore import Qt

from evalapp.services.context import ADMIN, SYSTEM, Actor
from evalapp.services.evaluations import import_evaluation
from evalapp.services.scan_import import import_scans
from test_scan import _data
from test_scan_policy import clean_sheets
from ui.context import AppContext
from ui.scan.sample_dialog import ScanSampleDialog


def _type(qtbot, grid, keys, rows):
    for key in keys:
        qtbot.keyClick(grid, key)
    for _ in range(rows - len(keys)):
        qtbot.keyClick(grid, Qt.Key.Key_Space)


def test_draw_retype_blind_and_see_the_differences(qtbot, db, tmp_path):
    data = _data(grade=True, groups=1)
    evaluation_id = import_evaluation(db, SYSTEM, data)
    clean_sheets(tmp_path, data, 3)
    assert import_scans(db, SYSTEM, [tmp_path], evaluation_id).counts()["saved"] == 3
    dialog = ScanSampleDialog(AppContext(db, Actor("主任", ADMIN), evaluation_id))
    qtbot.addWidget(dialog)
    dialog.show()
    assert "尚未抽样" in dialog.summary.text()
    dialog.size.setValue(2)
    dialog.seed.setText("42")
    qtbot.mouseClick(dialog.draw_button, Qt.MouseButton.LeftButton)
    assert "种子 42" in dialog.summary.text() and dialog.serials.count() == 2
    rows = len(data.departments)
    assert dialog.serial and dialog.grid.entry_model.marks_by_name() == {}  # blind
    K = Qt.Key
    _type(qtbot, dialog.grid, [K.Key_1, K.Key_2, K.Key_3], rows)  # as on the paper
    assert "与扫描结果一致" in dialog.message.text()
    _type(qtbot, dialog.grid, [K.Key_3, K.Key_2, K.Key_3], rows)  # one mark typed wrong
    assert "1 处与扫描结果不一致" in dialog.message.text()
    assert "不一致评分 1 / 6" in dialog.summary.text()
    assert "不一致选票 1 张" in dialog.summary.text()
    assert dialog.differences.rowCount() == 1
    assert dialog.differences.item(0, 2).text() == "优秀"
    assert dialog.differences.item(0, 3).text() == "一般"
    dialog.differences.setCurrentCell(0, 0)
    assert dialog.crop.pixmap() is not None and not dialog.crop.pixmap().isNull()
    assert not dialog.grid.isEnabled()  # the sample is done
