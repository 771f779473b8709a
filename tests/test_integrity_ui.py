"""The 定稿与备份 page, the supervision models, the exception hook and the start-up checks."""

import re
import sys

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox
from test_integrity_lock import ADMIN_ACTOR, CLERK_ACTOR, DEPTS, small_data

from evalapp.domain import STATUS_FINAL, Ballot
from evalapp.services import ballots as B
from evalapp.services.backup import automatic_backup, list_backups
from evalapp.services.evaluations import import_evaluation, list_evaluations
from evalapp.services.finalise import final_results
from evalapp.services.operators import create_first_admin
from evalapp.services.supervision import clerk_statistics, outlier_flags
from ui import app as ui_app
from ui import exception_hook
from ui.context import AppContext
from ui.common.reason_dialog import ReasonDialog
from ui.integrity.supervision_table_model import RATE, ClerkTableModel, OutlierTableModel
from ui.integrity.integrity_page import IntegrityPage

YES = QMessageBox.StandardButton.Yes


@pytest.fixture
def eid(db):
    create_first_admin(db, "张主任", "secret1")
    data = small_data(ballots=6)
    data.ballots.append(Ballot("S1", "领导", {n: "85" for n in DEPTS}))
    return import_evaluation(db, ADMIN_ACTOR, data)


@pytest.fixture
def page(qtbot, db, eid, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: YES)
    widget = IntegrityPage(AppContext(db, ADMIN_ACTOR, eid))
    qtbot.addWidget(widget)
    widget.refresh()
    return widget


def _status(db, eid):
    return next(e.status for e in list_evaluations(db) if e.id == eid)


def _password(monkeypatch, text, asked=None):
    def get_text(_parent, title, label, *_a, **_k):
        if asked is not None:
            asked.append((title, label))
        return text, True
    monkeypatch.setattr(QInputDialog, "getText", get_text)


def test_finalise_asks_for_the_admin_password(page, db, eid, monkeypatch):
    warnings, asked = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    _password(monkeypatch, "nope", asked)
    page.finalise_button.click()
    assert asked and asked[0][0] == "定稿" and "张主任" in asked[0][1]
    assert _status(db, eid) != STATUS_FINAL and warnings == ["密码不正确,未定稿"]
    assert final_results(db, eid) == []
    _password(monkeypatch, "secret1")
    page.finalise_button.click()
    assert _status(db, eid) == STATUS_FINAL


def test_page_finalises_verifies_and_unlocks(page, db, eid, monkeypatch):
    assert "初步结果" in page.status.text() and page.finalise_button.isEnabled()
    _password(monkeypatch, "secret1")
    page.finalise_button.click()
    assert _status(db, eid) == STATUS_FINAL and "正式结果" in page.status.text()
    page.verify()
    assert "核对通过" in page.report.toPlainText()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("secret1", True))
    monkeypatch.setattr(ReasonDialog, "get_reason", staticmethod(lambda *a, **k: "更正录入错误"))
    page.unlock_button.click()
    assert _status(db, eid) != STATUS_FINAL and final_results(db, eid)[0].superseded


def test_finalising_refreshes_report_and_last_backup(page, db, eid, monkeypatch):
    """After 定稿 the check report and 最近备份 are the new ones (issue 13), the status names
    the short 校验码 and never a long hash; the buttons stay where they were."""
    page.resize(1024, 700)
    page.show()
    page.verify()
    assert "尚未定稿" in page.report.toPlainText()
    assert page.last_backup.text() == "本次尚未备份"
    button_at = page.finalise_button.mapTo(page, page.finalise_button.rect().topLeft())
    _password(monkeypatch, "secret1")  # 定稿 asks for the acting administrator's password
    page.finalise_button.click()
    report = page.report.toPlainText()
    assert "尚未定稿" not in report and "与定稿摘要一致" in report
    assert page.last_backup.text().startswith("最近备份:")  # the automatic 定稿前 backup
    assert re.search(r"校验码 [0-9A-F]{4}(-[0-9A-F]{4}){3}", page.status.text())
    assert not re.search(r"[0-9a-f]{20}", page.status.text() + report)
    assert page.unlock_button.mapTo(page, page.unlock_button.rect().topLeft()).y() \
        == button_at.y()


def test_wrong_password_leaves_it_locked(page, db, eid, monkeypatch):
    _password(monkeypatch, "secret1")
    page.finalise()
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("nope", True))
    monkeypatch.setattr(ReasonDialog, "get_reason", staticmethod(lambda *a, **k: "原因"))
    page.unlock()
    assert _status(db, eid) == STATUS_FINAL and "密码不正确" in warnings[0]


def test_page_backs_up_and_lists_supervision(page, db):
    page.backup_now()
    assert any(b.kind == "手动" for b in list_backups(db.file_path.parent / "备份"))
    assert page.flags.rowCount() == 1 and page.clerks.rowCount() == 0


def test_supervision_models(qtmodeltester, db, eid):
    B.add_ballot(db, CLERK_ACTOR, eid, B.BallotInput("Z1", "群众", {"发改委": "9"}))
    info = B.get_ballot(db, eid, "Z1")
    B.edit_ballot(db, CLERK_ACTOR, eid, info.id, B.BallotInput("Z1", "群众", {"发改委": "90"}),
                  "笔误")
    clerks = ClerkTableModel()
    clerks.set_rows(clerk_statistics(db, ADMIN_ACTOR, eid))
    qtmodeltester.check(clerks)
    assert clerks.index(0, RATE).data() == "100.0%"
    flags = OutlierTableModel()
    flags.set_rows(outlier_flags(db, ADMIN_ACTOR, eid))
    qtmodeltester.check(flags)
    assert flags.index(0, 2).data() == "全部同分"


def test_exception_hook_shows_dialog_and_saves_report(qtbot, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(exception_hook, "show_error_dialog", lambda text, parent=None:
                        shown.append(text))
    exception_hook.install()
    assert sys.excepthook is exception_hook.handle_exception
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    assert shown and "ZeroDivisionError: boom" in shown[0] and "诊断报告" in shown[0]
    path = exception_hook.save_report(shown[0], tmp_path / "r" / "report.txt")
    assert "boom" in path.read_text(encoding="utf-8")
    sys.excepthook = sys.__excepthook__


def test_start_up_check_restores_a_damaged_file(qtbot, db, eid, monkeypatch):
    automatic_backup(db, "启动")
    path = db.file_path
    db.dispose()
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.write_bytes(b"\x00garbage" * 500)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: YES)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    assert ui_app.check_database_file(str(path))
    assert "已用备份" in told[0]
    from evalapp.db.engine import open_database
    again = open_database(path)
    assert [e.id for e in list_evaluations(again)] == [eid]
    again.dispose()


def test_start_up_check_without_backup_refuses_calmly(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "broken.db"
    path.write_bytes(b"not a database at all" * 100)
    errors = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: errors.append(a[2]))
    assert not ui_app.check_database_file(str(path))
    assert "没有找到完好的备份" in errors[0]
