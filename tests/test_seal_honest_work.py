"""The full seal has no false alarms: every change made through the services — settings,
rosters, scores, adjustments, vetoes, ballots, double entry, operators, finalise and unlock —
leaves verify passing, on SQLite and PostgreSQL; a database migrated from before the seal
verifies, and its unhashed start is accepted only as recorded."""

import sqlite3
from dataclasses import replace
from decimal import Decimal

from evalapp.db.engine import open_database
from evalapp.domain import Adjustment, Department, Evaluator, Group
from evalapp.services import ballots as B
from evalapp.services import roster as R
from evalapp.services.context import ADMIN, CLERK, Actor
from evalapp.services.demo import create_demo
from evalapp.services.double_entry import list_conflicts, resolve_conflict
from evalapp.services.evaluations import copy_evaluation, get_data, update_settings
from evalapp.services.finalise import acknowledge_counts, finalise, unlock
from evalapp.services.operators import create_first_admin, create_operator
from evalapp.services.verify import verify

ADMIN_A, CLERK_A, CLERK_B = Actor("张主任", ADMIN), Actor("李录入", CLERK), Actor("赵录入", CLERK)


def _ok(db, eid):
    report = verify(db, eid)
    assert report.ok, report.text()


def test_every_service_change_keeps_verify_passing(any_db):
    db = any_db
    eid = create_demo(db)[-1]
    create_first_admin(db, "张主任", "secret-1")
    create_operator(db, ADMIN_A, "李录入", CLERK, "pin-22")
    create_operator(db, ADMIN_A, "赵录入", CLERK, "pin-33")
    data = get_data(db, eid)
    update_settings(db, ADMIN_A, eid, admonish_below=Decimal("84"), year=2021)
    R.save_groups(db, ADMIN_A, eid, [replace(g, weight=g.weight - 1) if i == 0 else g
                                     for i, g in enumerate(data.groups)] + [
        Group("特邀代表", Decimal("1"), 0, 5, 3, False)])
    R.save_department(db, ADMIN_A, eid, Department(99, "新设部门", "", data.departments[0].category,
                                                   "某某", "局长"))
    R.move_department(db, ADMIN_A, eid, "新设部门", 2)
    first = data.departments[0].name
    R.save_department(db, ADMIN_A, eid, replace(data.departments[0], name=first + "(更名)"),
                      old_name=first)
    R.remove_department(db, ADMIN_A, eid, "新设部门")
    comps = [c.name for c in data.components if c.name != "集中考评"]
    R.set_component_value(db, ADMIN_A, eid, data.departments[1].name, comps[0], Decimal("88.8"))
    R.set_component_value(db, ADMIN_A, eid, data.departments[2].name, comps[0], None)
    R.set_component_value(db, ADMIN_A, eid, data.departments[2].name, comps[0], Decimal("90"))
    adj = R.add_adjustment(db, ADMIN_A, eid, Adjustment(data.departments[3].name, Decimal("-1"),
                                                        "通报批评", False))
    R.add_adjustment(db, ADMIN_A, eid, Adjustment(data.departments[4].name, Decimal("0"),
                                                  "安全事故", True))
    R.remove_adjustment(db, ADMIN_A, eid, adj, "录错")
    R.save_evaluators(db, ADMIN_A, eid, [Evaluator("王评委", "群众代表", "某单位", "1")])
    _ok(db, eid)
    info = B.add_ballot(db, CLERK_A, eid, B.BallotInput("N001", "群众代表",
                                                         {data.departments[1].name: "90"}))
    B.edit_ballot(db, CLERK_A, eid, info.id, B.BallotInput("N001", "群众代表",
                                                          {data.departments[1].name: "91"}),
                  "笔误")
    B.void_ballot(db, CLERK_A, eid, info.id, "字迹无法辨认")
    B.void_ballot(db, CLERK_A, eid, info.id, None)
    update_settings(db, ADMIN_A, eid, double_entry=True)
    dept = data.departments[1].name
    B.add_ballot(db, CLERK_A, eid, B.BallotInput("N002", "群众代表", {dept: "80"}))
    B.add_ballot(db, CLERK_B, eid, B.BallotInput("N002", "群众代表", {dept: "81"}))
    [conflict] = list_conflicts(db, ADMIN_A, eid)
    resolve_conflict(db, ADMIN_A, eid, conflict.ballot_id,
                     B.BallotInput("N002", "群众代表", {dept: "80"}))
    update_settings(db, ADMIN_A, eid, double_entry=False)
    _ok(db, eid)
    acknowledge_counts(db, ADMIN_A, eid, "已核对")
    finalise(db, ADMIN_A, eid, "secret-1", backup=False)
    _ok(db, eid)
    unlock(db, ADMIN_A, eid, "secret-1", "复核")
    _ok(db, eid)
    new = copy_evaluation(db, ADMIN_A, eid, "2022年度考评", 2022)
    _ok(db, new)
    _ok(db, eid)


def test_database_from_before_the_chain_is_accepted_only_as_recorded(tmp_path):
    """A database migrated from schema 0004 whose first rows predate the chain (no hash):
    the migration records them once; blanking any later hash is a failure."""
    from alembic import command

    from evalapp.db.engine import _alembic_config
    path = tmp_path / "old.db"
    db = open_database(path)
    eid = create_demo(db)[-1]
    db.dispose()
    connection = sqlite3.connect(path)
    with connection:  # as a 0004 database written before the chain: no hash, no state
        connection.execute("UPDATE audit_log SET hash = '', prev_hash = '', state = ''")
        connection.execute("DELETE FROM audit_log WHERE action = '启用完整校验'")
    connection.close()
    config = _alembic_config()
    engine_db = open_database(path, migrate=False)
    with engine_db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    engine_db.dispose()
    db = open_database(path)  # migrates to the seal: records the 2 unhashed rows once
    report = verify(db, eid)
    assert report.ok, report.text()
    assert "最早 2 条早于校验链" in report.text()
    B.add_ballot(db, CLERK_A, eid, B.BallotInput("N009", "群众代表", {"区委办公室": "90"}))
    _ok(db, eid)
    db.dispose()
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE audit_log SET hash = '' WHERE action = '录入选票'")
    connection.close()
    db = open_database(path)
    report = verify(db, eid)
    assert not report.ok and "没有校验值" in report.text()
    db.dispose()
