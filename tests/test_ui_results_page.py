"""The 结果 page: the same numbers as the command line, filters, sorting, live refresh,
the chart and the workbook export."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog

import ui.tasks
from evalapp.services.ballots import BallotInput, add_ballot
from evalapp.services.context import ADMIN, CHAIR, CLERK, Actor
from evalapp.services.evaluations import get_data, update_settings
from evalapp.services.results import compute_results
from ui.context import AppContext
from ui.results.group_stats_table_model import GroupStatsTableModel
from ui.results.invalid_ballot_table_model import InvalidBallotTableModel
from ui.results.results_table_model import ResultsTableModel, wrap_header
from ui.results.results_page import ALL_CATEGORIES, ResultsPage
from ui_helpers import show_page
from ui.operations import BALLOTS

ROOT = Path(__file__).resolve().parent.parent
CHAIR_ACTOR = Actor("书记", CHAIR)
ADMIN_ACTOR = Actor("主任", ADMIN)


@pytest.fixture
def page(qtbot, demo):
    db, evaluation_id = demo
    return show_page(qtbot, ResultsPage, AppContext(db, ADMIN_ACTOR, evaluation_id))


def _cells(page) -> dict[str, dict[str, str]]:
    """Every row of the source model by department name, as header -> display text."""
    model, headers = page.model, page.model.headers()
    rows = {}
    for row in range(model.rowCount()):
        cells = [model.index(row, c).data() for c in range(model.columnCount())]
        rows[cells[ResultsTableModel.NAME]] = dict(zip(headers, cells, strict=True))
    return rows


def _shown_names(page) -> list[str]:
    return [d.name for d in page.visible_rows()]


def test_numbers_equal_the_command_line(page, demo):
    db, _ = demo
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "results", "--db",
                          str(db.file_path), "--format", "json"], capture_output=True,
                         check=True, cwd=ROOT, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    expected = json.loads(out.stdout.decode("utf-8"))
    shown = _cells(page)
    assert len(shown) == len(expected["departments"]) == 73
    for d in expected["departments"]:
        cells = shown[d["name"]]
        assert cells["排名"] == str(d["rank"])
        assert cells["类别内排名"] == str(d["category_rank"])
        assert cells["综合得分"] == d["final_score"]
        assert cells["集中考评得分"] == d["onsite_score"]
        assert cells["加分"] == d["bonus"] and cells["减分"] == d["penalty"]
        for group, score in d["group_scores"].items():
            assert cells[group] == score
    ballots = expected["ballots"]
    assert (f"选票 共 {ballots['total']} 张 有效 {ballots['valid']} 张 无效 "
            f"{ballots['invalid']} 张") in page.header.text()
    from evalapp.digest import check_code
    assert f"校验码 {check_code(expected['digest'])}" in page.header.text()  # "3F2A-9C1B-…"
    assert expected["digest"][:8] not in page.header.text() + page.header.toolTip()
    assert "初步结果" in page.header.text()


def test_outcome_words_and_margins(page):
    rows = {d.name: d for d in page.visible_rows()}
    cells = _cells(page)
    for name, row in cells.items():
        d = rows[name]
        if d.outcome == "commend":
            assert row["结果"] == "表扬" and not row["与表扬线"].startswith("-")
        if d.outcome == "admonish":
            assert row["结果"] in ("诫勉", "连续末位", "一票否决")
            assert not row["与诫勉线"].startswith("+")
    assert any(row["结果"] == "连续末位" for row in cells.values())
    assert all(row["变化"] for row in cells.values())  # the demo has last year's result


def test_category_filter_text_filter_and_sort(page, qtbot):
    page.category.setCurrentText("党群部门")
    names = _shown_names(page)
    assert len(names) == 23 and all(d.category == "党群部门" for d in page.visible_rows())
    assert page.chart.category.currentText() == "党群部门"
    ranks = [d.category_rank for d in page.visible_rows()]
    assert ranks == sorted(ranks)
    page.filter.setText("区委")
    assert names and all("区委" in n for n in _shown_names(page))
    page.filter.clear()
    page.category.setCurrentText(ALL_CATEGORIES)
    assert len(_shown_names(page)) == 73
    final = page.model.column_of("综合得分")
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(final) + header.sectionSize(final) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    scores = [d.final_score for d in page.visible_rows()]
    assert header.sortIndicatorSection() == final
    assert scores in (sorted(scores), sorted(scores, reverse=True))
    page.table.sortByColumn(page.model.column_of("部门"), Qt.SortOrder.AscendingOrder)
    assert _shown_names(page) == sorted(_shown_names(page))


def test_group_columns_toggle(page):
    first = len(ResultsTableModel.HEAD)
    assert page.table.isColumnHidden(first)
    page.details.setChecked(True)
    assert not page.table.isColumnHidden(first)


def test_refreshes_after_a_ballot_is_saved(page, demo, qtbot):
    db, evaluation_id = demo
    page.table.selectRow(5)
    selected = page.visible_rows()[5].name
    before = compute_results(db, evaluation_id).result.total_ballots
    names = [d.name for d in get_data(db, evaluation_id).departments]
    add_ballot(db, Actor("录入员甲", CLERK), evaluation_id,
               BallotInput("X900", "群众代表", {n: "60" for n in names[:3]}))
    with qtbot.waitSignal(page.timer.timeout, timeout=2000):
        page.ctx.announce(BALLOTS)
    assert f"选票 共 {before + 1} 张" in page.header.text()
    rows = page.table.selectionModel().selectedRows()
    assert [r.data(Qt.ItemDataRole.UserRole + 2).name for r in rows] == [selected]


def test_unconfirmed_ballots_are_announced(page, demo, qtbot):
    db, evaluation_id = demo
    update_settings(db, Actor("主任", ADMIN), evaluation_id, double_entry=True)
    names = [d.name for d in get_data(db, evaluation_id).departments]
    add_ballot(db, Actor("录入员甲", CLERK), evaluation_id,
               BallotInput("X901", "群众代表", {names[0]: "90"}))
    page.refresh()
    assert "另有未核对选票 1 张未计入" in page.header.text()
    assert any("未核对" in page.warnings.item(i).text() for i in range(page.warnings.count()))


def test_chart_has_one_bar_per_department(page):
    for category in ("党群部门", "政府工作部门", "垂直管理及其他"):
        page.chart.set_category(category)
        members = [d for d in page.results.result.departments if d.category == category]
        assert page.chart.bar_count() == len(members)
        assert len(page.chart.bar_labels()) == len(members)
        values = [s.at(i) for s in page.chart.series.barSets() for i in range(s.count())]
        assert sum(1 for v in values if v) == len(members)
        from ui.common.chart_axis import tick_values
        axis = page.chart.values
        assert axis.tickInterval() in (5, 10) and axis.tickType() == axis.TickType.TicksDynamic
        assert all(t % axis.tickInterval() == 0 for t in tick_values(axis))  # 75/80/85…


def test_ballot_statistics(page):
    stats = page.stats.stats_model
    assert stats.rowCount() == 7  # six groups and 合计
    total = [stats.index(6, c).data() for c in range(stats.columnCount())]
    assert total[:6] == ["合计", "100", "220", "215", "211", "4"]
    assert page.stats.invalid_model.rowCount() == 4
    assert page.stats.invalid.isHidden()
    page.stats.toggle.click()
    assert not page.stats.invalid.isHidden()


def test_chair_sees_no_invalid_ballot_list(qtbot, demo):
    db, evaluation_id = demo
    chair = ResultsPage(AppContext(db, CHAIR_ACTOR, evaluation_id))
    qtbot.addWidget(chair)
    chair.refresh()
    assert chair.model.rowCount() == 73 and not chair.stats.toggle.isVisibleTo(chair)


def test_export_writes_workbook(page, monkeypatch, tmp_path, qtbot):
    target = tmp_path / "结果"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "Excel 工作簿 (*.xlsx)"))
    ui.tasks.set_synchronous(True)
    messages = []
    page.ctx.saved.connect(messages.append)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=1000)
    try:
        qtbot.keyClick(page.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    finally:
        ui.tasks.set_synchronous(False)
    path = tmp_path / "结果.xlsx"
    assert path.exists() and messages and str(path) in messages[0]
    assert "总排名" in load_workbook(path).sheetnames


def test_models_pass_modeltester(qtmodeltester, demo):
    db, evaluation_id = demo
    result = compute_results(db, evaluation_id).result
    model = ResultsTableModel()
    model.set_rows(result.departments, [g.name for g in result.groups], ["目标考核"], 2, True)
    qtmodeltester.check(model)
    stats = GroupStatsTableModel()
    stats.set_rows(result.groups)
    qtmodeltester.check(stats)
    invalid = InvalidBallotTableModel()
    invalid.set_rows([b for g in result.groups for b in g.invalid_ballots])
    qtmodeltester.check(invalid)


def test_wrap_header():
    assert wrap_header("四大班子领导") == "四大班子\n领导"
    assert wrap_header("综合得分") == "综合\n得分"
    assert wrap_header("加分") == "加分"
