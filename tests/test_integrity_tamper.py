"""Tamper tests: hand edits with sqlite3 behind the app's back are reported by verify."""

import json
import sqlite3
import threading

import pytest
from test_integrity_lock import ADMIN_ACTOR, CLERK_ACTOR, small_data

from evalapp.cli import main as cli_main
from evalapp.services import ballots as B
from evalapp.services.audit_chain import check_chain
from evalapp.services.evaluations import import_evaluation
from evalapp.services.finalise import finalise
from evalapp.services.operators import create_first_admin
from evalapp.services.verify import verify


@pytest.fixture
def eid(db):
    create_first_admin(db, "张主任", "secret1")
    eid = import_evaluation(db, ADMIN_ACTOR, small_data())
    for i in range(3):
        B.add_ballot(db, CLERK_ACTOR, eid, B.BallotInput(f"Z{i}", "群众", {"发改委": "70",
                                                                          "教育局": "95"}))
    ballot = B.get_ballot(db, eid, "Z1")
    B.edit_ballot(db, CLERK_ACTOR, eid, ballot.id, B.BallotInput("Z1", "群众", {"发改委": "75"}),
                  "笔误")
    return eid


def _sql(db, statement, *params):
    connection = sqlite3.connect(str(db.file_path))
    with connection:
        connection.execute(statement, params)
    connection.close()


def _failures(db, eid) -> list[str]:
    report = verify(db, eid)
    assert not report.ok
    return [line for line in report.lines if line.startswith("✗")]


def test_untouched_database_verifies(db, eid):
    report = verify(db, eid)
    assert report.ok, report.text()
    assert "校验链完整" in report.text() and "与操作日志记录的一致" in report.text()


def test_changed_mark_is_reported_against_the_trail(db, eid):
    _sql(db, "UPDATE ballots SET marks = ? WHERE serial = 'Z0'",
         json.dumps({"1": "99", "2": "95"}))
    failures = _failures(db, eid)
    assert any("选票 Z0 的评分与操作日志记录的不同" in f and "日志 70 / 现存 99" in f
               for f in failures), failures


def test_changed_mark_after_finalisation_is_reported_by_serial(db, eid):
    finalise(db, ADMIN_ACTOR, eid, "secret1")
    _sql(db, "UPDATE ballots SET marks = json_set(marks, '$.1', '60') WHERE serial = 'A003'")
    failures = _failures(db, eid)
    assert any("选票 A003 在定稿后被改动过" in f for f in failures), failures
    assert any("摘要与定稿时不同" in f for f in failures)
    assert any("部门“发改委”与定稿结果不一致" in f for f in failures)


def test_deleted_ballot_is_reported(db, eid):
    _sql(db, "DELETE FROM ballots WHERE serial = 'Z2'")
    failures = _failures(db, eid)
    assert any("选票 Z2 有录入记录,但已不在数据库中" in f for f in failures), failures


def test_deleted_imported_ballot_is_reported(db, eid):
    finalise(db, ADMIN_ACTOR, eid, "secret1")
    _sql(db, "DELETE FROM ballots WHERE serial = 'B001'")
    failures = _failures(db, eid)
    assert any("导入的选票少了 1 张" in f for f in failures), failures
    assert any("选票 B001 在定稿后被删除" in f for f in failures), failures


def test_inserted_ballot_is_reported(db, eid):
    _sql(db, "INSERT INTO ballots (evaluation_id, serial, group_id, marks, entered_by, status,"
             " created_at, updated_at) SELECT evaluation_id, 'X9', group_id, marks, entered_by,"
             " status, created_at, updated_at FROM ballots WHERE serial = 'Z0'")
    assert any("没有录入记录" in f and "X9" in f for f in _failures(db, eid))


def test_edited_audit_row_is_reported_by_id(db, eid):
    _sql(db, "UPDATE audit_log SET new = replace(new, '70', '99') WHERE id = 2")
    failures = _failures(db, eid)
    assert any("操作日志第 2 条" in f and "被手工改动过" in f for f in failures), failures
    assert not any("操作日志第 3 条" in f for f in failures)


def test_deleted_audit_row_is_reported(db, eid):
    _sql(db, "DELETE FROM audit_log WHERE id = 3")
    failures = _failures(db, eid)
    assert any("操作日志第 4 条" in f and "接不上" in f for f in failures), failures


def test_truncated_audit_log_after_finalisation_is_reported(db, eid):
    finalise(db, ADMIN_ACTOR, eid, "secret1")
    _sql(db, "DELETE FROM audit_log WHERE id >= 6")  # 1: the 管理员 added, 2: the import …
    failures = _failures(db, eid)
    assert any("定稿时的最后一条操作日志(第 6 条)已不见" in f for f in failures), failures


def test_cli_verify_exit_code(db, eid, capsys):
    path = str(db.file_path)
    assert cli_main(["verify", "--db", path, "--evaluation", str(eid)]) == 0
    _sql(db, "UPDATE audit_log SET operator = '某人' WHERE id = 1")
    assert cli_main(["verify", "--db", path, "--evaluation", str(eid)]) == 2
    assert "操作日志第 1 条" in capsys.readouterr().out


def test_chain_holds_under_concurrent_writers(db, eid):
    def clerk(n):
        actor = type(CLERK_ACTOR)(f"录入{n}", CLERK_ACTOR.role)
        for i in range(15):
            B.add_ballot(db, actor, eid, B.BallotInput(f"C{n}-{i}", "领导", {"财政局": "88"}))

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    chain = check_chain(db)
    assert chain.ok and chain.rows >= 60 + 5
    assert verify(db, eid).ok


def test_hand_edited_imported_ballot_is_reported_before_finalisation(db):
    """An imported ballot has no entry row of its own: the import records its fingerprint."""
    import json
    import sqlite3

    from evalapp.services.demo import create_demo
    from evalapp.services.roster import save_department
    from evalapp.services.verify import verify
    from evalapp.domain import Department
    from evalapp.services.context import SYSTEM
    from evalapp.services.evaluations import get_data
    evaluation_id = create_demo(db)[-1]
    first = sorted(get_data(db, evaluation_id).departments, key=lambda d: d.order)[0]
    save_department(db, SYSTEM, evaluation_id,  # a logged rename must not look like tampering
                    Department(first.order, first.name + "(新)", first.short_name,
                               first.category, first.presenter, first.title), first.name)
    assert verify(db, evaluation_id).ok
    with sqlite3.connect(db.file_path) as c:
        ballot_id, marks = c.execute("select id, marks from ballots where evaluation_id = ? "
                                     "order by id limit 1", (evaluation_id,)).fetchone()
        changed = json.loads(marks)
        key = next(iter(changed))
        changed[key] = "60" if changed[key] != "60" else "61"
        c.execute("update ballots set marks = ? where id = ?", (json.dumps(changed), ballot_id))
    report = verify(db, evaluation_id)
    assert not report.ok
    assert any("与导入时不同" in line for line in report.lines)


def test_voids_of_imported_ballots_in_the_app_are_not_tampering(db):
    from evalapp.services.ballots import list_ballots, void_ballot
    from evalapp.services.context import ADMIN, Actor
    from evalapp.services.demo import create_demo
    from evalapp.services.verify import verify
    evaluation_id = create_demo(db)[-1]
    admin = Actor("主任", ADMIN)
    ballots = list_ballots(db, evaluation_id)
    voided = next(b for b in ballots if b.void_reason)
    void_ballot(db, admin, evaluation_id, ballots[0].id, "字迹无法辨认")
    void_ballot(db, admin, evaluation_id, voided.id, None)  # restored
    assert verify(db, evaluation_id).ok
