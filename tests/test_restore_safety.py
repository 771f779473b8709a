"""Restore refuses what it cannot prove (issue 12): empty, truncated and bit-rotted backups,
another evaluation, an older state without confirmation; a station writing during the
restore is told, and no save it was told succeeded is lost."""

import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_integrity_lock import ADMIN_ACTOR, CLERK_ACTOR, small_data

from evalapp.cli import main as cli_main
from evalapp.db.engine import open_database
from evalapp.services import ballots as B
from evalapp.services.backup import BackupError, make_backup
from evalapp.services.restore import (
    DatabaseRestored,
    RestoreNeedsConfirmation,
    check_backup,
    restore,
)
from evalapp.services.evaluations import import_evaluation

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def live(db):
    """A small live database (one evaluation, a few typed ballots) and a backup of it."""
    eid = import_evaluation(db, ADMIN_ACTOR, small_data(ballots=3))
    B.add_ballot(db, CLERK_ACTOR, eid, B.BallotInput("Z1", "群众", {"发改委": "90"}))
    return db, eid


def _serials(path) -> set[str]:
    connection = sqlite3.connect(str(path))
    try:
        return {r[0] for r in connection.execute("SELECT serial FROM ballots")}
    finally:
        connection.close()


def _refused(live_path: Path, backup: Path, words: str) -> None:
    before = _serials(live_path)
    with pytest.raises(BackupError) as caught:
        restore(live_path, backup, confirmed=True)
    assert words in str(caught.value), str(caught.value)
    assert _serials(live_path) == before


def test_empty_file_is_refused(live, tmp_path):
    db, _ = live
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert not check_backup(empty).ok
    _refused(db.file_path, empty, "0 字节")


def test_truncated_file_is_refused(live, tmp_path):
    db, _ = live
    backup = make_backup(db, "手动", tmp_path / "b")
    data = backup.read_bytes()
    for cut in (len(data) // 2, len(data) - 4096, len(data) - 1):
        short = tmp_path / f"short-{cut}.db"
        short.write_bytes(data[:cut])
        _refused(db.file_path, short, "截断")


def test_500_random_bit_flips_are_all_refused(live, tmp_path):
    db, _ = live
    backup = make_backup(db, "手动", tmp_path / "b")
    backup.with_name(backup.name + ".sha256").unlink()  # the check inside the file alone
    data = backup.read_bytes()
    rng = random.Random(12)
    flipped = tmp_path / "flipped.db"
    live_path = db.file_path
    before = _serials(live_path)
    restored = []
    for _ in range(500):
        bit = rng.randrange(len(data) * 8)
        damaged = bytearray(data)
        damaged[bit // 8] ^= 1 << (bit % 8)
        flipped.write_bytes(bytes(damaged))
        try:
            restore(live_path, flipped, confirmed=True)
            restored.append(bit)
        except BackupError:
            pass
    assert restored == []
    assert _serials(live_path) == before


def test_a_sound_backup_restores(live, tmp_path):
    db, eid = live
    backup = make_backup(db, "手动", tmp_path / "b")
    backup.with_name(backup.name + ".sha256").unlink()
    check = check_backup(backup, db.file_path)
    assert check.ok and not check.differences, check.text()
    assert "自带的校验值一致" in check.text()
    restore(db.file_path, backup)
    assert "Z1" in _serials(db.file_path)


def test_foreign_database_needs_a_confirmation(live, tmp_path):
    db, _ = live
    other = open_database(tmp_path / "other.db")
    data = small_data(ballots=2)
    data.settings.name = "另一个区的考评"
    import_evaluation(other, ADMIN_ACTOR, data)
    foreign = make_backup(other, "手动", tmp_path / "o")
    other.dispose()
    with pytest.raises(RestoreNeedsConfirmation) as caught:
        restore(db.file_path, foreign)
    text = str(caught.value)
    assert "另一个区的考评" in text and "不是同一来源" in text
    assert "Z1" in _serials(db.file_path)
    code = cli_main(["restore", str(foreign), "--db", str(db.file_path)])
    assert code == 3 and "Z1" in _serials(db.file_path)
    assert cli_main(["restore", str(foreign), "--db", str(db.file_path),
                     "--accept-differences"]) == 0
    assert "Z1" not in _serials(db.file_path)


def test_older_backup_needs_a_confirmation(live, tmp_path):
    db, eid = live
    older = make_backup(db, "手动", tmp_path / "b")
    B.add_ballot(db, CLERK_ACTOR, eid, B.BallotInput("Z2", "群众", {"发改委": "80"}))
    check = check_backup(older, db.file_path)
    assert check.ok and any("备份比当前数据库旧" in d and "1 条操作" in d and "录入选票" in d
                            for d in check.differences), check.text()
    with pytest.raises(RestoreNeedsConfirmation):
        restore(db.file_path, older)
    assert "Z2" in _serials(db.file_path)
    aside = restore(db.file_path, older, confirmed=True)
    assert "Z2" not in _serials(db.file_path) and "Z2" in _serials(aside)


def test_this_station_is_told_after_a_restore(live, tmp_path):
    db, eid = live
    backup = make_backup(db, "手动", tmp_path / "b")
    restore(db.file_path, backup)
    with pytest.raises(DatabaseRestored, match="数据库已恢复,请重新登录"):
        B.add_ballot(db, CLERK_ACTOR, eid, B.BallotInput("Z3", "群众", {"发改委": "80"}))
    assert "Z3" not in _serials(db.file_path)
    fresh = open_database(db.file_path)
    B.add_ballot(fresh, CLERK_ACTOR, eid, B.BallotInput("Z3", "群众", {"发改委": "80"}))
    fresh.dispose()


WRITER = """
import sys, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})
from evalapp.db.engine import open_database
from evalapp.services import ballots as B
from test_integrity_lock import CLERK_ACTOR
db = open_database({path!r})
for i in range(100000):
    serial = f"W{{i}}"
    try:
        B.add_ballot(db, CLERK_ACTOR, {eid}, B.BallotInput(serial, "群众", {{"发改委": "80"}}))
    except Exception as exc:
        print("REFUSED", serial, exc, flush=True)
        break
    print("SAVED", serial, flush=True)
    time.sleep(0.005)
"""


def test_restore_while_another_process_writes(live, tmp_path):
    db, eid = live
    backup = make_backup(db, "手动", tmp_path / "b")
    path = db.file_path
    db.dispose()
    script = WRITER.format(root=str(ROOT), tests=str(ROOT / "tests"), path=str(path), eid=eid)
    writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        deadline = time.time() + 60
        while len(_serials(path)) < 15 and time.time() < deadline:
            time.sleep(0.05)
        aside = restore(path, backup, confirmed=True)
        out, err = writer.communicate(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
    lines = out.splitlines()
    saved = [line.split()[1] for line in lines if line.startswith("SAVED")]
    assert saved, err
    assert lines[-1].startswith("REFUSED") and "数据库已恢复,请重新登录" in lines[-1], out + err
    # every save the writer was told succeeded is in the restored file or in the copy kept
    # aside; nothing it was told was saved went nowhere
    kept = _serials(path) | _serials(aside)
    assert set(saved) <= kept, sorted(set(saved) - kept)
    assert not any(s.startswith("W") for s in _serials(path))  # the backup's state is live


def test_the_copy_kept_before_a_migration_carries_its_check(live, tmp_path):
    from evalapp.db.engine import backup_copy
    from evalapp.services.backup import file_problems
    db, _ = live
    copy = backup_copy(db.file_path, "迁移前备份-0004")
    problems, notes = file_problems(copy)
    assert problems == [] and "自带的校验值一致" in notes[0]
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 4
    copy.write_bytes(bytes(data))
    assert file_problems(copy)[0]
