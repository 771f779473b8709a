"""Backups through SQLite's online backup API: automatic (rotated), to a chosen folder, and
restore after checking the copy's own check, integrity and a full verify of every evaluation
in it; a restore that would change the evaluation or go back in time is confirmed by name;
the swap happens in one write transaction on the live file, so other stations notice."""

from __future__ import annotations

import hashlib
import secrets
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from evalapp.db.engine import Database
from evalapp.domain import DomainError

BACKUP_DIR_NAME = "备份"
SUFFIX = ".db"
CHECKSUM_SUFFIX = ".sha256"
DEFAULT_KEEP = 20
class BackupError(DomainError):
    """A backup could not be made or a restore was refused (the reason in plain Chinese)."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str
    created: datetime
    size: int


@dataclass
class BackupCheck:
    """What checking a backup file found; ``ok`` only when nothing is wrong."""

    path: Path
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # to confirm before restoring

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        lines = [f"备份文件:{self.path}"]
        lines += ["✗ " + p for p in self.problems] + ["· " + n for n in self.notes]
        lines += ["⚠ " + d for d in self.differences]
        lines.append("结论:" + ("不能恢复" if not self.ok else
                                "可以恢复,但须确认上面标 ⚠ 的不同之处" if self.differences
                                else "可以恢复"))
        return "\n".join(lines)


def default_folder(db_path: Path) -> Path:
    return db_path.parent / BACKUP_DIR_NAME


def local_file(target: str | Path) -> Path | None:
    """The SQLite file a ``--db`` value names, or None for a server URL / in-memory database."""
    from sqlalchemy.engine import make_url

    from evalapp.db.engine import to_url
    url = make_url(to_url(target))
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _live_path(db: Database | Path | str) -> Path:
    path = db.file_path if isinstance(db, Database) else Path(db)
    if path is None:
        raise BackupError("只有本机数据库文件(SQLite)才能备份")
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database (WAL included) consistently with the backup API."""
    src = sqlite3.connect(str(source), timeout=30)
    try:
        dest = sqlite3.connect(str(target))
        try:
            src.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
        finally:
            dest.close()
    finally:
        src.close()


def _target_name(folder: Path, stem: str, kind: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return folder / f"{stem}-{kind}-{stamp}{SUFFIX}"


def make_backup(db: Database | Path | str, kind: str = "手动", folder: Path | str | None = None
                ) -> Path:
    """Back up the live database into ``folder`` (default: 备份 beside it); returns the file.

    The copy carries its own check (embed_seal: a hash of the whole file in its header), so
    a copy damaged later (USB stick) is refused even without the ``.sha256`` file beside it.
    """
    live = _live_path(db)
    if not live.exists():
        raise BackupError(f"数据库文件不存在:{live}")
    target_dir = Path(folder) if folder else default_folder(live)
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        target = _target_name(target_dir, live.stem, kind)
        partial = target.with_name(target.name + ".part")
        sqlite_copy(live, partial)
        embed_seal(partial)
        checksum = file_sha256(partial)
        partial.replace(target)
        target.with_name(target.name + CHECKSUM_SUFFIX).write_text(
            f"{checksum}  {target.name}\n", encoding="utf-8")
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"备份失败({target_dir}):{exc}") from None
    return target


def list_backups(folder: Path | str) -> list[BackupInfo]:
    """Backup files in a folder, newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"*{SUFFIX}"):
        parts = path.stem.rsplit("-", 4)
        stat = path.stat()
        kind, created = "其他", datetime.fromtimestamp(stat.st_mtime)
        if len(parts) == 5:
            try:
                created = datetime.strptime("-".join(parts[2:]), "%Y%m%d-%H%M%S-%f")
                kind = parts[1]
            except ValueError:
                pass
        found.append(BackupInfo(path, kind, created, stat.st_size))
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def rotate(folder: Path | str, kind: str, keep: int = DEFAULT_KEEP) -> list[Path]:
    """Keep the newest ``keep`` backups of one kind; return the files removed."""
    removed = []
    for info in [b for b in list_backups(folder) if b.kind == kind][max(keep, 1):]:
        for path in (info.path, info.path.with_name(info.path.name + CHECKSUM_SUFFIX)):
            path.unlink(missing_ok=True)
        removed.append(info.path)
    return removed


def automatic_backup(db: Database | Path | str, kind: str, keep: int = DEFAULT_KEEP) -> Path:
    """An automatic backup (at start, before import/finalisation, periodic), rotated."""
    path = make_backup(db, kind)
    rotate(path.parent, kind, keep)
    return path


def integrity_problems(path: Path | str) -> list[str]:
    """``PRAGMA integrity_check`` of a file; empty when the file is sound."""
    path = Path(path)
    if not path.exists():
        return [f"文件不存在:{path}"]
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            rows = [r[0] for r in connection.execute("PRAGMA integrity_check").fetchall()]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return [f"文件已损坏或不是数据库文件:{exc}"]
    return [] if rows == ["ok"] else [f"完整性检查未通过:{r}" for r in rows[:20]]


# ---------------------------------------------------------------- the seal inside a backup
# A SQLite file's header has two free 4-byte fields, user_version (offset 60) and
# application_id (offset 68). A backup keeps there the first 8 bytes of the SHA-256 of the
# whole file with those fields and the two change counters (offsets 24 and 92, which SQLite
# may rewrite) zeroed: any other changed bit anywhere in the file shows.
SEAL_FIELDS = ((60, 64), (68, 72))
MASKED = ((24, 28), (60, 64), (68, 72), (92, 96))
SQLITE_MAGIC = b"SQLite format 3\x00"


def _masked_hash(data: bytes) -> bytes:
    buffer = bytearray(data)
    for a, b in MASKED:
        buffer[a:b] = bytes(b - a)
    return hashlib.sha256(bytes(buffer)).digest()[:8]


def embed_seal(path: Path) -> None:
    """Write the file's own check into its header (the file must be closed everywhere)."""
    data = path.read_bytes()
    seal = _masked_hash(data)
    with open(path, "r+b") as handle:
        handle.seek(60)
        handle.write(seal[:4])
        handle.seek(68)
        handle.write(seal[4:])


def _stored_seal(data: bytes) -> bytes:
    return data[60:64] + data[68:72]


def file_problems(path: Path) -> tuple[list[str], list[str]]:
    """(problems, notes) of a backup file's bytes: empty, truncated, not a database, or not
    matching the check it carries (or, for an old backup, its .sha256 file)."""
    if not path.exists():
        return [f"文件不存在:{path}"], []
    data = path.read_bytes()
    if not data:
        return ["文件是空的(0 字节):不是备份,或复制时出错"], []
    if len(data) < 100 or not data.startswith(SQLITE_MAGIC):
        return ["不是数据库文件(文件开头不对,可能已损坏或不是本程序的备份)"], []
    page = int.from_bytes(data[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(data[28:32], "big")
    if page < 512 or page & (page - 1) or len(data) % page or (
            pages and data[24:28] == data[92:96] and pages * page != len(data)):
        return [f"文件不完整(被截断或多出了内容):{len(data)} 字节"], []
    if data[24:28] != data[92:96]:
        return ["文件头已损坏(文件在备份后被改动或已损坏)"], []
    stored = _stored_seal(data)
    if stored != bytes(8):
        if stored != _masked_hash(data):
            return ["文件内容与它自带的校验值不符:备份在备份后被改动或已损坏(如 U 盘损坏),不能恢复"], []
        return [], ["文件自带的校验值一致"]
    sidecar = path.with_name(path.name + CHECKSUM_SUFFIX)
    if not sidecar.exists():
        return ["备份文件没有自带的校验值(旧版本程序做的备份,或不是备份),也没有校验文件"
                "(.sha256),无法证明它没有损坏,不能恢复"], []
    expected = (sidecar.read_text(encoding="utf-8").split() or [""])[0].lower()
    if file_sha256(path) != expected:
        return ["文件校验值与备份时不同:备份文件在备份后被改动或已损坏"], []
    return [], ["旧版本备份:没有自带校验值,已按校验文件(.sha256)核对一致"]


def _verify_all(db, check: "BackupCheck") -> None:
    """The full verify of every evaluation in the candidate; each failure is a problem."""
    from evalapp.services.evaluations import list_evaluations
    from evalapp.services.verify import verify
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


def _differences(candidate: Path, live: Path, check: "BackupCheck") -> None:
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


def _candidate(path: Path, scratch: Path, check: "BackupCheck") -> Path | None:
    """A migrated scratch copy of the backup that passed every check, or None."""
    from evalapp.db.engine import open_database
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


def _check_into(path: Path, scratch: Path, live: Path | None) -> tuple["BackupCheck",
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


def check_backup(path: Path | str, live: Path | str | None = None) -> "BackupCheck":
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


class DatabaseRestored(DomainError):
    """The database was restored from a backup by another station since this one opened it."""

    def __init__(self):
        super().__init__("数据库已恢复,请重新登录(本次修改没有保存)")


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
    from evalapp.db.engine import open_database
    live = _live_path(db)
    db.dispose()
    aside = restore(live, backup, confirmed)
    return open_database(live), aside


def generation(connection) -> int:
    """The live file's restore generation (0 until the first restore)."""
    return int(connection.exec_driver_sql("PRAGMA user_version").scalar() or 0)


def latest_good_backup(folder: Path | str) -> Path | None:
    """The newest backup in a folder that passes the integrity check."""
    for info in list_backups(folder):
        if not integrity_problems(info.path):
            return info.path
    return None
