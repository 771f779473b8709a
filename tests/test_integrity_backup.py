"""Backups: online copy, rotation, restore with checks; drafts; supervision figures."""

import sqlite3
import time
from decimal import Decimal

import pytest
from test_integrity_lock import ADMIN_ACTOR, CLERK2, CLERK_ACTOR, DEPTS, small_data

from evalapp.cli import main as cli_main
from evalapp.db.engine import open_database
from evalapp.domain import Ballot
from evalapp.services import ballots as B
from evalapp.services.backup import (
    BackupError,
    automatic_backup,
    embed_seal,
    integrity_problems,
    latest_good_backup,
    list_backups,
    make_backup,
)
from evalapp.services.restore import check_backup, restore
from evalapp.services.double_entry import list_conflicts, resolve_conflict
from evalapp.services.drafts import discard_draft, load_draft, save_draft
from evalapp.services.evaluations import import_evaluation
from evalapp.services.finalise import finalise
from evalapp.services.operators import create_first_admin
from evalapp.services.results import compute_results
from evalapp.services.supervision import (
    ALL_EQUAL,
    FAR_FROM_GROUP,
    LONE_EXTREME,
    clerk_statistics,
    outlier_flags,
)


@pytest.fixture
def eid(db):
    create_first_admin(db, "张主任", "secret1")
    eid = import_evaluation(db, ADMIN_ACTOR, small_data())
    finalise(db, ADMIN_ACTOR, eid, "secret1")
    return eid


def _digest(path) -> str:
    db = open_database(path)
    try:
        return compute_results(db, 1).result.digest
    finally:
        db.dispose()


def test_backup_restore_gives_the_identical_digest(db, eid, tmp_path):
    digest = compute_results(db, eid).result.digest
    backup = make_backup(db, "手动", tmp_path / "U盘")
    assert backup.exists() and backup.with_name(backup.name + ".sha256").exists()
    assert check_backup(backup).ok, check_backup(backup).text()
    db.dispose()
    live = tmp_path / "test.db"
    sqlite3.connect(live).execute("DELETE FROM ballots").connection.commit()
    aside = restore(live, backup)
    assert aside is not None and aside.exists()
    assert _digest(live) == digest
    assert _digest(aside) != digest  # the state before the restore is kept aside


def test_restore_refuses_a_corrupt_backup(db, eid, tmp_path):
    backup = make_backup(db, "手动", tmp_path / "b")
    data = bytearray(backup.read_bytes())
    data[5000:5400] = b"\xff" * 400
    backup.write_bytes(bytes(data))
    check = check_backup(backup)
    assert not check.ok
    db.dispose()
    live = tmp_path / "test.db"
    before = live.read_bytes()
    with pytest.raises(BackupError, match="未通过检查"):
        restore(live, backup)
    assert live.read_bytes() == before


def test_restore_refuses_a_backup_whose_final_digest_fails(db, eid, tmp_path):
    backup = make_backup(db, "手动", tmp_path / "b")
    connection = sqlite3.connect(backup)
    connection.execute("UPDATE ballots SET marks = json_set(marks, '$.1', '10')")
    connection.commit()
    connection.close()
    assert not check_backup(backup).ok  # the check the file carries shows the edit
    backup.with_name(backup.name + ".sha256").unlink()  # an attacker removed the checksum too
    embed_seal(backup)  # and recomputed the check inside the file: the full verify remains
    check = check_backup(backup)
    assert not check.ok and any("摘要与定稿时不同" in p for p in check.problems), check.text()
    with pytest.raises(BackupError):
        restore(tmp_path / "test.db", backup)


def test_restore_replaces_a_damaged_live_file(db, eid, tmp_path):
    digest = compute_results(db, eid).result.digest
    automatic_backup(db, "启动")
    db.dispose()
    live = tmp_path / "test.db"
    for suffix in ("-wal", "-shm"):
        live.with_name(live.name + suffix).unlink(missing_ok=True)
    live.write_bytes(b"garbage" * 1000)
    assert integrity_problems(live)
    good = latest_good_backup(tmp_path / "备份")
    restore(live, good)
    assert integrity_problems(live) == [] and _digest(live) == digest


def test_rotation_keeps_the_last_k(db, eid):
    paths = [automatic_backup(db, "定时", keep=3) for _ in range(5)]
    kept = [b.path for b in list_backups(paths[0].parent) if b.kind == "定时"]
    assert kept == paths[:-4:-1]
    assert any(b.kind == "定稿前" for b in list_backups(paths[0].parent))


def test_backup_before_import(db, eid):
    import_evaluation(db, ADMIN_ACTOR, small_data())
    assert any(b.kind == "导入前" for b in list_backups(db.file_path.parent / "备份"))


def test_cli_backup_and_restore(db, eid, tmp_path, capsys):
    live = str(db.file_path)
    assert cli_main(["backup", str(tmp_path / "usb"), "--db", live]) == 0
    backup = capsys.readouterr().out.strip()
    db.dispose()
    assert cli_main(["restore", backup, "--db", live, "--check-only"]) == 0
    assert "可以恢复" in capsys.readouterr().out
    assert cli_main(["restore", backup, "--db", live]) == 0
    assert "已恢复" in capsys.readouterr().out
    (tmp_path / "bad.db").write_bytes(b"not a database" * 100)
    assert cli_main(["restore", str(tmp_path / "bad.db"), "--db", live]) == 2


# ---- drafts ----------------------------------------------------------------------------

def test_draft_round_trip_per_operator(db):
    eid = import_evaluation(db, ADMIN_ACTOR, small_data())
    assert load_draft(db, CLERK_ACTOR, eid) is None
    save_draft(db, CLERK_ACTOR, eid, B.BallotInput("Z7", "群众", {"发改委": "9", "教育局": ""}))
    save_draft(db, CLERK_ACTOR, eid, B.BallotInput("Z7", "群众", {"发改委": "95"}, "财政局"))
    draft = load_draft(db, CLERK_ACTOR, eid)
    assert (draft.serial, draft.group, draft.marks, draft.own_department) == (
        "Z7", "群众", {"发改委": "95"}, "财政局")
    assert not draft.already_saved and load_draft(db, CLERK2, eid) is None
    B.add_ballot(db, CLERK_ACTOR, eid, draft.as_input())
    assert load_draft(db, CLERK_ACTOR, eid).already_saved
    discard_draft(db, CLERK_ACTOR, eid)
    assert load_draft(db, CLERK_ACTOR, eid) is None


def test_draft_survives_reopening_the_database(db, tmp_path):
    eid = import_evaluation(db, ADMIN_ACTOR, small_data())
    save_draft(db, CLERK_ACTOR, eid, B.BallotInput("Z8", "领导", {"民政局": "8"}))
    db.dispose()
    again = open_database(tmp_path / "test.db")
    assert load_draft(again, CLERK_ACTOR, eid).marks == {"民政局": "8"}
    again.dispose()


# ---- supervision -----------------------------------------------------------------------

def test_clerk_statistics_from_double_entry(db):
    eid = import_evaluation(db, ADMIN_ACTOR, small_data(double_entry=True))
    marks = {"发改委": "90", "教育局": "80"}
    for i in range(4):
        B.add_ballot(db, CLERK_ACTOR, eid, B.BallotInput(f"Z{i}", "群众", marks))
        typed = dict(marks, 教育局="8") if i == 0 else marks  # 赵录入 mistypes one ballot
        B.add_ballot(db, CLERK2, eid, B.BallotInput(f"Z{i}", "群众", typed))
    conflict = list_conflicts(db, ADMIN_ACTOR, eid)[0]
    resolve_conflict(db, ADMIN_ACTOR, eid, conflict.ballot_id, B.BallotInput("Z0", "群众", marks))
    stats = {s.operator: s for s in clerk_statistics(db, ADMIN_ACTOR, eid)}
    assert stats["李录入"].entered == 4 and stats["赵录入"].entered == 4
    assert stats["李录入"].differences == stats["赵录入"].differences == 1
    assert stats["李录入"].wrong == 0 and stats["赵录入"].wrong == 1
    assert stats["赵录入"].error_rate == Decimal(1) / 4


def test_clerk_statistics_count_corrections(db):
    eid = import_evaluation(db, ADMIN_ACTOR, small_data())
    info = B.add_ballot(db, CLERK_ACTOR, eid, B.BallotInput("Z1", "群众", {"发改委": "9"}))
    B.edit_ballot(db, CLERK2, eid, info.id, B.BallotInput("Z1", "群众", {"发改委": "90"}), "笔误")
    stats = {s.operator: s for s in clerk_statistics(db, ADMIN_ACTOR, eid)}
    assert stats["李录入"].corrections == 1 and stats["李录入"].error_rate == 1


def test_outlier_flags(db):
    data = small_data(ballots=8)
    data.ballots.append(Ballot("S1", "领导", {n: "85" for n in DEPTS}))  # all equal
    data.ballots.append(Ballot("S2", "领导", {"发改委": "20", "教育局": "85", "财政局": "86",
                                            "民政局": "87"}))  # lone extreme
    data.ballots.append(Ballot("S3", "群众", {n: "30" if i % 2 else "35"
                                            for i, n in enumerate(DEPTS)}))  # far from group
    eid = import_evaluation(db, ADMIN_ACTOR, data)
    flags = outlier_flags(db, ADMIN_ACTOR, eid)
    kinds = {(f.serial, f.kind) for f in flags}
    assert ("S1", ALL_EQUAL) in kinds and ("S2", LONE_EXTREME) in kinds
    assert ("S3", FAR_FROM_GROUP) in kinds
    assert not any(f.serial.startswith("A") for f in flags), flags
    lone = next(f for f in flags if f.serial == "S2" and f.kind == LONE_EXTREME)
    assert "发改委" in lone.detail and "20" in lone.detail
    assert compute_results(db, eid).result.invalid_ballots == 0  # flags only, nothing voided


def test_backup_is_fast_enough(db, eid):
    start = time.perf_counter()
    make_backup(db)
    assert time.perf_counter() - start < 2

