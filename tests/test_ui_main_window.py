"""The minimal main window shows the same ranking as the command line."""

import json

from evalapp.services.demo import create_demo
from evalapp.services.results import compute_results, result_json
from ui.main_window import MainWindow
from ui.models.ranking_table_model import RankingTableModel


def test_main_window_matches_command_line(qtbot, db):
    latest = create_demo(db)[-1]
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert window.chooser.currentData() == latest
    expected = json.loads(result_json(compute_results(db, latest).result))
    model = window.model
    headers = model.headers()
    shown = {}
    for row in range(model.rowCount()):
        cells = [model.index(row, c).data() for c in range(model.columnCount())]
        shown[cells[2]] = dict(zip(headers, cells))
    assert len(shown) == len(expected["departments"]) == 73
    for d in expected["departments"]:
        cells = shown[d["name"]]
        assert cells["排名"] == str(d["rank"])
        assert cells["综合得分"] == d["final_score"]
        assert cells["集中考评得分"] == d["onsite_score"]
        for group, score in d["group_scores"].items():
            assert cells[group] == score
    assert "选票共 215 张" in window.summary.text()


def test_ranking_model_passes_modeltester(qtmodeltester, db):
    latest = create_demo(db)[-1]
    result = compute_results(db, latest)
    model = RankingTableModel()
    model.set_rows(result.result.departments, [g.name for g in result.data.groups], 2)
    qtmodeltester.check(model)
