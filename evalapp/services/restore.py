"""Restoring a backup: everything is checked on a migrated scratch copy (the file's own
check, integrity, a full verify of every evaluation), what differs from the live database is
named for a confirmation, and the swap runs in one write transaction on the live file with a
new restore generation, so no other station writes into it unnoticed."""

from __future__ import annotations

import secrets
import shutil
import sqlite3
import tempfile
from pathlib import Path

from evalapp.db.engine import Database, open_database
from evalapp.domain import DomainError
from evalapp.services.backup import (
    BackupCheck,
    BackupError,
    _live_path,
    _target_name,
    default_folder,
    file_problems,
    integrity_problems,
    sqlite_copy,
)
from evalapp.services.context import DatabaseRestored  # noqa: F401 (what a refused save raises)
from evalapp.services.evaluations import list_evaluations
from evalapp.services.verify import verify


def _verify_all(db, check: BackupCheck) -> None:
    """The full verify of every evaluation in the candidate; each failure is a problem."""
    for info in list_evaluations(db):
        report = verify(db, info.id)
        bad = [line[2:] for line in report.lines if line.startswith("✗")]
        check.problems += [f"“{info.name}”:{line}" for line in bad]
        if not bad:
            check.notes.append(f"“{info.name}”:核对通过(摘要 {report.digest[:16]}…)")


def _chain_head(connection) -> tuple[int, str, int] | None:
    row = connection.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    count = connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    return (row[0], row[1], count) if row else None


def _evaluations(connection) -> set[tuple[str, object]]:
    return {(name, year) for name, year in connection.execute(
        "SELECT name, year FROM evaluations")}


def _label(items: set) -> str:
    return "、".join(f"“{n}”({y or '无'}年度)" for n, y in sorted(items, key=str)) or "无"


def _differences(candidate: Path, live: Path, check: BackupCheck) -> None:
    """What a restore would change that the person restoring must confirm by name."""
    if not live.exists() or integrity_problems(live):
        check.notes.append("当前数据库不存在或已损坏:不与它比较")
        return
    try:
        cand = sqlite3.connect(f"file:{candidate}?mode=ro", uri=True)
        now = sqlite3.connect(f"file:{live}?mode=ro", uri=True, timeout=30)
        try:
            ours, theirs = _evaluations(now), _evaluations(cand)
            head_c, head_l = _chain_head(cand), _chain_head(now)
            found = None
            if head_c is not None:
                found = now.execute("SELECT id FROM audit_log WHERE id = ? AND hash = ?",
                                    head_c[:2]).fetchone()
            later = []
            if found is not None:
                later = now.execute("SELECT at, operator, action FROM audit_log WHERE id > ? "
                                    "ORDER BY id", (head_c[0],)).fetchall()
        finally:
            cand.close()
            now.close()
    except sqlite3.Error as exc:
        check.notes.append(f"无法与当前数据库比较:{exc}")
        return
    if ours != theirs:
        check.differences.append(
            f"备份中的考评活动与当前数据库的不同(可能是另一个考评或另一个区的数据库):"
            f"备份中有 {_label(theirs)};当前数据库有 {_label(ours)}")
    if head_l is None or head_c is None:
        return
    if found is None:
        live_in_cand = None
        cand = sqlite3.connect(f"file:{candidate}?mode=ro", uri=True)
        try:
            live_in_cand = cand.execute("SELECT id FROM audit_log WHERE id = ? AND hash = ?",
                                        head_l[:2]).fetchone()
        finally:
            cand.close()
        if live_in_cand is None:
            check.differences.append("备份的操作日志与当前数据库的不是同一来源(不是这个数据库的"
                                     "备份,或两者之一被改写过)")
        else:
            check.notes.append("备份比当前数据库新(包含当前数据库的全部操作)")
    elif later:
        last = later[-1]
        check.differences.append(
            f"备份比当前数据库旧:恢复后将失去其后记录的 {len(later)} 条操作(最后一条:"
            f"{str(last[0])[:16]} {last[1]} {last[2]});这些操作保存在恢复前的另存副本中")
    else:
        check.notes.append("备份与当前数据库的操作日志相同")


def _candidate(path: Path, scratch: Path, check: BackupCheck) -> Path | None:
    """A migrated scratch copy of the backup that passed every check, or None."""
    copy = scratch / "candidate.db"
    try:
        sqlite_copy(path, copy)
        db = open_database(copy)
        try:
            _verify_all(db, check)
        finally:
            db.dispose()
    except DomainError as exc:
        check.problems.append(str(exc))
    except Exception as exc:  # noqa: BLE001 - any failure to read it means: do not restore
        check.problems.append(f"无法读取备份内容:{exc.__class__.__name__}: {exc}")
    return copy if check.ok else None


def _check_into(path: Path, scratch: Path, live: Path | None) -> tuple[BackupCheck,
                                                                       Path | None]:
    check = BackupCheck(path)
    problems, notes = file_problems(path)
    check.problems += problems
    check.notes += notes
    if not check.ok:
        return check, None
    check.problems += integrity_problems(path)
    if not check.ok:
        return check, None
    candidate = _candidate(path, scratch, check)
    if candidate is not None and live is not None:
        _differences(candidate, live, check)
    return check, candidate


def check_backup(path: Path | str, live: Path | str | None = None) -> BackupCheck:
    """Everything a restore checks: the file's own check (or its .sha256 for an old backup),
    integrity, the full verify of every evaluation in it, and — given the live file — what
    a restore would change that needs a confirmation (``differences``)."""
    with tempfile.TemporaryDirectory() as scratch:
        return _check_into(Path(path), Path(scratch), None if live is None else Path(live))[0]


class RestoreNeedsConfirmation(BackupError):
    """The backup is sound but differs from the live database in ways to confirm by name."""

    def __init__(self, differences: list[str]):
        super().__init__("恢复前请确认:\n" + "\n".join(differences))
        self.differences = differences


def _set_aside(live: Path) -> Path | None:
    """Keep the current file before it is replaced (a damaged one is copied byte for byte)."""
    if not live.exists():
        return None
    aside_dir = default_folder(live)
    aside_dir.mkdir(parents=True, exist_ok=True)
    target = _target_name(aside_dir, live.stem, "恢复前")
    if not integrity_problems(live):
        sqlite_copy(live, target)
        return target
    for suffix in ("", "-wal", "-shm"):
        source = live.with_name(live.name + suffix)
        if source.exists():
            shutil.copy2(source, target.with_name(target.name + suffix))
    return target


def new_generation() -> int:
    return secrets.randbelow(2 ** 31 - 2) + 1


def _swap_in_place(live: Path, candidate: Path) -> Path | None:
    """Replace the live content by the candidate's in ONE write transaction on the live file:
    other stations wait while it runs, and their next save finds a new restore generation
    (PRAGMA user_version) and is refused with "数据库已恢复,请重新登录". The state just
    before is copied aside while the write lock is held (nothing written in between)."""
    connection = sqlite3.connect(str(live), timeout=60, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("ATTACH DATABASE ? AS cand", (str(candidate),))
        connection.execute("BEGIN IMMEDIATE")
        try:
            aside = _set_aside(live)
            tables = [r[0] for r in connection.execute(
                "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE "
                "'sqlite_%'")]
            theirs = {r[0] for r in connection.execute(
                "SELECT name FROM cand.sqlite_master WHERE type = 'table'")}
            for table in tables:
                mine = [r[1] for r in connection.execute(f'PRAGMA main.table_info("{table}")')]
                if table not in theirs:
                    raise BackupError(f"备份中没有数据表 {table}:结构不同,没有恢复")
                other = [r[1] for r in connection.execute(f'PRAGMA cand.table_info("{table}")')]
                if sorted(mine) != sorted(other):
                    raise BackupError(f"备份的数据表 {table} 结构不同,没有恢复")
                cols = ", ".join(f'"{c}"' for c in mine)
                connection.execute(f'DELETE FROM main."{table}"')
                connection.execute(f'INSERT INTO main."{table}" ({cols}) SELECT {cols} '
                                   f'FROM cand."{table}"')
            if "sqlite_sequence" in theirs:
                connection.execute("DELETE FROM main.sqlite_sequence")
                connection.execute("INSERT INTO main.sqlite_sequence SELECT * FROM "
                                   "cand.sqlite_sequence")
            connection.execute(f"PRAGMA main.user_version = {new_generation()}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()
    return aside


def _replace_file(live: Path, candidate: Path) -> Path | None:
    """For a missing or damaged live file: copy the candidate over it (as before)."""
    aside = _set_aside(live)
    try:
        sqlite_copy(candidate, live)
    except sqlite3.Error:  # a damaged live file: start from an empty one
        for suffix in ("", "-wal", "-shm"):
            live.with_name(live.name + suffix).unlink(missing_ok=True)
        sqlite_copy(candidate, live)
    connection = sqlite3.connect(str(live))
    try:
        connection.execute(f"PRAGMA user_version = {new_generation()}")
        connection.commit()
    finally:
        connection.close()
    return aside


def restore(live: Path | str, backup: Path | str, confirmed: bool = False) -> Path | None:
    """Replace the live database by a checked backup; returns where the old state was put.

    Refused (BackupError) when the backup fails any check; RestoreNeedsConfirmation names
    what the person must confirm (another evaluation or district, an older state) unless
    ``confirmed``. Other stations may keep the file open: they are told at their next save.
    """
    live, backup = Path(live), Path(backup)
    with tempfile.TemporaryDirectory() as scratch:
        check, candidate = _check_into(backup, Path(scratch), live)
        if not check.ok or candidate is None:
            raise BackupError("备份文件未通过检查,没有恢复:\n" + "\n".join(check.problems))
        if check.differences and not confirmed:
            raise RestoreNeedsConfirmation(check.differences)
        try:
            if live.exists() and not integrity_problems(live):
                aside = _swap_in_place(live, candidate)
            else:
                aside = _replace_file(live, candidate)
        except (OSError, sqlite3.Error) as exc:
            raise BackupError(f"恢复失败:{exc}") from None
    problems = integrity_problems(live)
    if problems:
        raise BackupError("恢复后检查未通过:" + ";".join(problems))
    return aside


def restore_database(db: Database, backup: Path | str, confirmed: bool = False
                     ) -> tuple[Database, Path | None]:
    """The GUI's restore: close this station's pooled connections, restore, reopen; returns
    the reopened database (with the new restore generation) and where the old state was
    put. When refused, ``db`` stays usable (a disposed engine reconnects on demand)."""
    live = _live_path(db)
    db.dispose()
    aside = restore(live, backup, confirmed)
    return open_database(live), aside


def generation(connection) -> int:
    """The live file's restore generation (0 until the first restore)."""
    return int(connection.exec_driver_sql("PRAGMA user_version").scalar() or 0)
