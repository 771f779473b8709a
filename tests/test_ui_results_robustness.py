"""The 稳固程度 tab of the results page and the page's background recompute (issue 16)."""

from decimal import Decimal as D

from evalapp.domain import Ballot, Department, EvaluationData, Group, Quota, Settings
from evalapp.services.context import ADMIN, Actor, SYSTEM
from evalapp.services.evaluations import import_evaluation
from evalapp.services.robustness import compute_robustness
from ui.context import AppContext
from ui.results.results_table_model import ResultsTableModel
from ui.results.results_page import ResultsPage
from ui_helpers import show_page

ADMIN_ACTOR = Actor("主任", ADMIN)


def close_race(db) -> int:
    s = Settings(name="稳固", commend_quota=Quota(1), admonish_quota=Quota(1))
    data = EvaluationData(
        settings=s, groups=[Group("甲", D(100))],
        departments=[Department(1, "A"), Department(2, "B"), Department(3, "C")],
        ballots=[Ballot("1", "甲", {"A": "90", "B": "89", "C": "60"}),
                 Ballot("2", "甲", {"A": "90", "B": "89", "C": "60"}),
                 Ballot("3", "甲", {"A": "90", "B": "89.5", "C": "60"})])
    return import_evaluation(db, SYSTEM, data)


def test_fragile_departments_are_flagged_with_the_ballots_to_check(qtbot, db):
    evaluation_id = close_race(db)
    page = show_page(qtbot, ResultsPage, AppContext(db, ADMIN_ACTOR, evaluation_id))
    panel = page.robustness
    assert panel.analysis is not None
    rows = [[panel.flips.item(r, c).text() for c in range(panel.flips.columnCount())]
            for r in range(panel.flips.rowCount())]
    assert [r[0] for r in rows] == ["A", "B"]  # C needs 3 ballots: not listed
    assert rows[0][2:5] == ["通报表扬", "1 张", "诫勉谈话"]
    assert rows[0][5].startswith(("1(甲):90→0", "2(甲):90→0", "3(甲):90→0"))
    assert "2 个部门" in panel.summary.text()
    flags = page.model.flagged()
    assert set(flags) == {"A", "B"} and "需核对" in flags["A"]
    row = page.model.row_of("A")
    assert page.model.index(row, ResultsTableModel.NAME).data(1) is not None  # the icon
    assert "改动 1 张选票" in page.model.index(row, ResultsTableModel.NAME).data(3)
    assert page.model.index(page.model.row_of("C"), ResultsTableModel.NAME).data(1) is None
    # the weight panel: one group only, so leaving it out is not computed; ±5 changes nothing
    assert panel.weights.text()


def test_the_page_shows_the_same_analysis_as_the_service(qtbot, demo):
    db, evaluation_id = demo
    page = show_page(qtbot, ResultsPage, AppContext(db, ADMIN_ACTOR, evaluation_id))
    service = compute_robustness(db, evaluation_id, limit=2)
    shown = {page.robustness.flips.item(r, 0).text()
             for r in range(page.robustness.flips.rowCount())}
    assert shown == {f.department for f in service.flips if f.fragile}
    assert set(page.model.flagged()) == shown


def test_changes_while_computing_are_coalesced_into_one_more_run(qtbot, db, monkeypatch):
    evaluation_id = close_race(db)
    page = show_page(qtbot, ResultsPage, AppContext(db, ADMIN_ACTOR, evaluation_id))
    runs = []
    import ui.results.results_page as module
    real = module.run_in_background
    pending = []
    monkeypatch.setattr(module, "run_in_background",
                        lambda work, done, failed, *a, **k: pending.append((work, done)))
    page.reload()
    page.reload()
    page.reload()  # two more changes while the first computation runs
    assert len(pending) == 1 and page._again
    work, done = pending.pop()
    runs.append(1)
    done(work())  # the first finishes: exactly one more run starts
    assert len(pending) == 1 and not page._again
    work, done = pending.pop()
    done(work())
    assert not pending and not page._computing
    monkeypatch.setattr(module, "run_in_background", real)
    assert page.results is not None and runs == [1]


def test_a_large_evaluation_is_analysed_as_its_own_background_task(qtbot, db, monkeypatch):
    import ui.results.results_page as module
    monkeypatch.setattr(module, "ROBUSTNESS_WITH_RESULTS", 0)
    seen = []
    monkeypatch.setattr(module.RobustnessPanel, "running",
                        lambda self, done, total: seen.append((done, total)))
    evaluation_id = close_race(db)
    page = show_page(qtbot, ResultsPage, AppContext(db, ADMIN_ACTOR, evaluation_id))
    assert seen[0] == (0, 3)  # the progress bar appears before the work starts
    assert set(page.model.flagged()) == {"A", "B"}
    assert page._analysis_for is None and not page._progress_timer.isActive()


def test_large_analyses_run_one_at_a_time_and_the_latest_waits(qtbot, db, monkeypatch):
    import ui.results.results_page as module
    evaluation_id = close_race(db)
    page = show_page(qtbot, ResultsPage, AppContext(db, ADMIN_ACTOR, evaluation_id))
    monkeypatch.setattr(module, "ROBUSTNESS_WITH_RESULTS", 0)
    pending = []
    monkeypatch.setattr(module, "run_in_background",
                        lambda work, done, failed, *a, **k: pending.append((work, done)))
    first = page.results
    page._analyse_in_background(evaluation_id, first)
    page._analyse_in_background(evaluation_id, first)  # same ballots: nothing new
    assert len(pending) == 1
    from dataclasses import replace
    newer = replace(first, result=replace(first.result))
    newer.result.__dict__["digest"] = "f" * 64  # other ballots arrived meanwhile
    page.results = newer
    page._analyse_in_background(evaluation_id, newer)
    assert len(pending) == 1 and page._analysis_next[1] is newer
    work, done = pending.pop()
    done(work())  # the stale analysis ends: not shown, the waiting one starts
    assert len(pending) == 1 and page._analysis_next is None
    work, done = pending.pop()
    done(work())
    assert page.robustness.analysis is not None and not pending
