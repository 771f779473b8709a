"""The 双人录入核对 page: two clerks' difference is shown, settled with keys, or sent back."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog

from evalapp.services.ballots import BallotInput, add_ballot, list_ballots
from evalapp.services.context import ADMIN, CLERK, Actor
from evalapp.services.demo import create_demo
from evalapp.services.double_entry import list_conflicts
from evalapp.services.evaluations import get_data, update_settings
from ui.context import AppContext
from ui.reconcile.conflict_table_model import ConflictTableModel
from ui.reconcile.entry_comparison_table_model import (
    CHOSEN, FIRST, ITEM, SECOND, EntryComparisonTableModel,
)
from ui.reconcile.reconcile_page import OFF_NOTE, ReconcilePage
from ui_helpers import show_page

ADMIN_A = Actor("李主任", ADMIN)
CLERK_1, CLERK_2 = Actor("王录入", CLERK), Actor("张录入", CLERK)


@pytest.fixture
def demo(db):
    evaluation_id = create_demo(db)[-1]
    names = [d.name for d in sorted(get_data(db, evaluation_id).departments,
                                    key=lambda d: d.order)]
    return db, evaluation_id, names


@pytest.fixture
def conflict(demo):
    """Two clerks typed ballot Q001 with one difference (the fourth department: 88 vs 83)."""
    db, evaluation_id, names = demo
    update_settings(db, ADMIN_A, evaluation_id, double_entry=True)
    marks = {name: str(80 + i % 15) for i, name in enumerate(names)}
    marks[names[3]] = "88"
    add_ballot(db, CLERK_1, evaluation_id, BallotInput("Q001", "群众代表", marks))
    add_ballot(db, CLERK_2, evaluation_id,
               BallotInput("Q001", "群众代表", {**marks, names[3]: "83"}))
    return db, evaluation_id, names


def _page(qtbot, db, evaluation_id):
    return show_page(qtbot, ReconcilePage, AppContext(db, ADMIN_A, evaluation_id))


def _status(db, evaluation_id, serial):
    return next(b for b in list_ballots(db, evaluation_id) if b.serial == serial)


def test_difference_is_marked_and_settled_with_key_1(qtbot, conflict):
    db, evaluation_id, names = conflict
    page = _page(qtbot, db, evaluation_id)
    assert page.queue_model.rowCount() == 1
    assert [page.proxy.index(0, c).data() for c in range(4)] == ["Q001", "王录入", "张录入", "1"]
    model = page.compare_model
    assert [model.index(r, ITEM).data() for r in range(2)] == ["评委类别", "所属部门"]
    assert [model.row(r).item for r in range(2, model.rowCount())] == names
    row = names.index(names[3]) + 2
    assert model.difference_rows() == [row]
    assert model.index(row, ITEM).data() == f"≠ {names[3]}"
    assert model.index(row, FIRST).data() == "≠ 88" and model.index(row, SECOND).data() == "≠ 83"
    assert model.index(row, FIRST).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(row + 1, FIRST).data(Qt.ItemDataRole.BackgroundRole) is None
    assert page.compare.currentIndex().row() == row  # the cursor waits on the difference
    page.compare.setFocus()
    qtbot.keyClick(page.compare, Qt.Key.Key_1)
    assert model.row(row).chosen == "88" and model.unresolved() == []
    assert "取第一次" in model.index(row, CHOSEN).data()
    messages = []
    page.ctx.saved.connect(messages.append)
    page._say("所有不一致处都已选定,按 Ctrl+Enter 确认。这一行很长时也不会挤动右边的按钮" * 3)
    button_at = page.confirm_button.mapTo(page, page.confirm_button.rect().topLeft())
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=1000)
    with qtbot.waitSignal(page.ctx.changed, timeout=1000):
        qtbot.keyClick(page.compare, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    ballot = _status(db, evaluation_id, "Q001")
    assert ballot.status == "confirmed" and ballot.marks[names[3]] == "88"
    assert list_conflicts(db, ADMIN_A, evaluation_id) == []
    assert page.queue_model.rowCount() == 0 and messages == ["已核对确认 选票 Q001"]
    assert page.message.text().startswith("✓ 已核对确认")  # success is never shown with ⚠
    page.layout().activate()
    assert page.confirm_button.mapTo(page, page.confirm_button.rect().topLeft()).x() \
        == button_at.x()  # the message changed, the buttons did not move


def test_confirm_waits_for_every_difference(qtbot, conflict):
    db, evaluation_id, _names = conflict
    page = _page(qtbot, db, evaluation_id)
    page.confirm()
    assert "还有 1 处不一致未选定" in page.message.text()
    assert _status(db, evaluation_id, "Q001").status == "conflict"


def test_typed_value_from_paper(qtbot, conflict):
    db, evaluation_id, names = conflict
    page = _page(qtbot, db, evaluation_id)
    model = page.compare_model
    row = model.difference_rows()[0]
    assert not model.setData(model.index(row, CHOSEN), "200")
    assert "超出分值范围" in page.message.text()
    assert model.setData(model.index(row, CHOSEN), "85")
    assert model.index(row, CHOSEN).data() == "85(输入)"
    page.confirm()
    assert _status(db, evaluation_id, "Q001").marks[names[3]] == "85"


def test_send_back(qtbot, conflict, monkeypatch):
    db, evaluation_id, _names = conflict
    page = _page(qtbot, db, evaluation_id)
    asked = []
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: (asked.append(a[2]) or "两次都与原始选票不符", True))
    page.send_back()
    assert "Q001" in asked[0] and "重新录入" in asked[0]
    assert _status(db, evaluation_id, "Q001").status == "reentry"
    assert page.queue_model.rowCount() == 0
    assert "退回重录 1 张" in page.counts.text()


def test_send_back_cancelled_changes_nothing(qtbot, conflict, monkeypatch):
    db, evaluation_id, _names = conflict
    page = _page(qtbot, db, evaluation_id)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    page.send_back()
    assert _status(db, evaluation_id, "Q001").status == "conflict"


def test_double_entry_off_says_so(qtbot, demo):
    db, evaluation_id, _names = demo
    page = _page(qtbot, db, evaluation_id)
    assert OFF_NOTE in page.banner.text() and page.banner.isVisibleTo(page)
    assert "已确认 215 张" in page.counts.text()
    assert page.queue_model.rowCount() == 0


def test_models_pass_modeltester(qtmodeltester, conflict):
    db, evaluation_id, names = conflict
    conflicts = list_conflicts(db, ADMIN_A, evaluation_id)
    queue = ConflictTableModel()
    queue.set_rows(conflicts)
    qtmodeltester.check(queue)
    compare = EntryComparisonTableModel()
    compare.set_conflict(conflicts[0], names, lambda item, text: text or None)
    qtmodeltester.check(compare)
