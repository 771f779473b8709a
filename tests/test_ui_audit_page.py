"""The 操作日志 page lists every change with old → new and filters by operator and text."""

import pytest

from evalapp.services.ballots import BallotInput, edit_ballot, list_ballots, void_ballot
from evalapp.services.context import ADMIN, CLERK, Actor
from evalapp.services.demo import create_demo
from evalapp.services.evaluations import update_settings
from ui.context import AppContext
from ui.integrity.audit_table_model import (
    ACTION, CHANGE, OPERATOR, TARGET, AuditTableModel, change_lines,
)
from ui.integrity.audit_page import ALL_OPERATORS, AuditPage
from ui_helpers import show_page
from ui.operations import Changes

ADMIN_A, CLERK_A = Actor("李主任", ADMIN), Actor("王录入", CLERK)


@pytest.fixture
def logged(db):
    evaluation_id = create_demo(db)[-1]
    ballot = list_ballots(db, evaluation_id)[3]
    department = sorted(ballot.marks)[0]
    old = ballot.marks[department]
    new = "60" if old != "60" else "61"
    edit_ballot(db, CLERK_A, evaluation_id, ballot.id,
                BallotInput(ballot.serial, ballot.group, {**ballot.marks, department: new},
                            ballot.own_department), "对照原始选票更正")
    void_ballot(db, ADMIN_A, evaluation_id, list_ballots(db, evaluation_id)[9].id, "字迹无法辨认")
    return db, evaluation_id, ballot.serial, department, old, new


@pytest.fixture
def page(qtbot, logged):
    db, evaluation_id = logged[:2]
    return show_page(qtbot, AuditPage, AppContext(db, ADMIN_A, evaluation_id))


def _rows(page) -> list[dict]:
    proxy = page.proxy
    return [{c: proxy.index(r, c).data() for c in range(proxy.columnCount())}
            for r in range(proxy.rowCount())]


def test_lists_a_ballot_edit_with_old_and_new(page, logged):
    _db, _eid, serial, department, old, new = logged
    [edit] = [r for r in _rows(page) if r[ACTION] == "修改选票"]
    assert edit[OPERATOR] == "王录入" and edit[TARGET].startswith(serial)
    assert edit[CHANGE] == f"评分·{department}:{old} → {new}"
    page.table.selectRow([r[ACTION] for r in _rows(page)].index("修改选票"))
    detail = page.detail.toPlainText()
    assert "原值:" in detail and "新值:" in detail and f"{department}:{old} → {new}" in detail


def test_filters_by_operator_and_text(page, logged, qtbot):
    serial = logged[2]
    assert page.operator.itemText(0) == ALL_OPERATORS
    assert {"王录入", "李主任"} <= {page.operator.itemText(i) for i in range(page.operator.count())}
    page.operator.setCurrentText("王录入")
    page.reload()
    assert {r[OPERATOR] for r in _rows(page)} == {"王录入"}
    page.operator.setCurrentText(ALL_OPERATORS)
    page.text.setText(serial)
    with qtbot.waitSignal(page.timer.timeout, timeout=2000):
        pass
    assert _rows(page) and all(serial in r[TARGET] for r in _rows(page))
    page.text.setText("没有这种记录")
    page.reload()
    assert _rows(page) == [] and "没有符合条件" in page.count.text()


def test_refreshes_on_context_signal(page, logged, qtbot):
    db, evaluation_id = logged[:2]
    before = page.proxy.rowCount()
    update_settings(db, ADMIN_A, evaluation_id, double_entry=True)
    with qtbot.waitSignal(page.timer.timeout, timeout=2000):
        page.ctx.announce(Changes.everything())
    assert page.proxy.rowCount() == before + 1
    assert _rows(page)[0][CHANGE] == "双人录入:否 → 是"


def test_change_lines():
    assert change_lines(None, '{"年度": 2022}') == ["年度:2022"]
    assert change_lines('{"作废原因": null}', '{"作废原因": "污损"}') == ["作废原因:(空) → 污损"]
    groups_old = '[{"name": "群众代表", "weight": "15"}]'
    groups_new = '[{"name": "群众代表", "weight": "20"}]'
    assert change_lines(groups_old, groups_new) == ["群众代表·权重:15 → 20"]


def test_model_passes_modeltester(qtmodeltester, logged):
    from evalapp.services.audit_log import list_audit
    db, evaluation_id = logged[:2]
    model = AuditTableModel()
    model.set_rows(list_audit(db, ADMIN_A, evaluation_id))
    assert model.rowCount() >= 3
    qtmodeltester.check(model)


def test_a_result_digest_reads_as_its_check_code():
    """定稿 records the digest; the log shows the short 校验码, never 64 hex digits."""
    import json
    digest = "6a8f02332bc53bc8" + "0" * 48
    lines = change_lines(json.dumps({"摘要": None}), json.dumps({"摘要": digest}))
    assert any("6A8F-0233-2BC5-3BC8" in line for line in lines)
    assert not any(digest[:20] in line for line in lines)
