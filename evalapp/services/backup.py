"""Backups through SQLite's online backup API: automatic (rotated), to a chosen folder, and
restore after checking the copy's integrity, checksum and final-result digests."""

from __future__ import annotations

import hashlib
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

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        lines = [f"备份文件:{self.path}"]
        lines += ["✗ " + p for p in self.problems] + ["· " + n for n in self.notes]
        lines.append("结论:" + ("可以恢复" if self.ok else "不能恢复"))
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

    A ``.sha256`` file beside the copy lets a restore notice a copy damaged later (USB stick).
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


def _checksum_problems(path: Path, check: BackupCheck) -> None:
    sidecar = path.with_name(path.name + CHECKSUM_SUFFIX)
    if not sidecar.exists():
        check.notes.append("没有校验文件(.sha256),只做完整性与摘要检查")
        return
    expected = sidecar.read_text(encoding="utf-8").split()[0].lower()
    if file_sha256(path) != expected:
        check.problems.append("文件校验值与备份时不同:备份文件在备份后被改动或已损坏")
    else:
        check.notes.append("文件校验值与备份时一致")


def _digest_problems(path: Path, check: BackupCheck) -> None:
    """Open a scratch copy (migrated to this version) and verify every final result."""
    from evalapp.db.engine import open_database
    from evalapp.services.audit_chain import check_chain
    from evalapp.services.evaluations import list_evaluations
    from evalapp.services.verify import final_digest_problems
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "check.db"
        sqlite_copy(path, copy)
        db = open_database(copy)
        try:
            chain = check_chain(db)
            check.problems += [f"操作日志:{b.message}" for b in chain.breaks]
            for info in list_evaluations(db):
                problems, note = final_digest_problems(db, info.id)
                check.problems += [f"“{info.name}”:{p}" for p in problems]
                if note:
                    check.notes.append(f"“{info.name}”:{note}")
        finally:
            db.dispose()


def check_backup(path: Path | str) -> BackupCheck:
    """Integrity, checksum, audit chain and final-result digests of a backup file."""
    path = Path(path)
    check = BackupCheck(path)
    check.problems += integrity_problems(path)
    if not check.ok:
        return check
    _checksum_problems(path, check)
    try:
        _digest_problems(path, check)
    except DomainError as exc:
        check.problems.append(str(exc))
    except Exception as exc:  # noqa: BLE001 - any failure to read it means: do not restore
        check.problems.append(f"无法读取备份内容:{exc.__class__.__name__}: {exc}")
    return check


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


def restore(live: Path | str, backup: Path | str) -> Path | None:
    """Replace the live database by a checked backup; returns where the old file was put.

    The caller must close every connection to the live file first (Database.dispose()).
    """
    live, backup = Path(live), Path(backup)
    check = check_backup(backup)
    if not check.ok:
        raise BackupError("备份文件未通过检查,没有恢复:\n" + "\n".join(check.problems))
    try:
        aside = _set_aside(live)
        try:
            sqlite_copy(backup, live)
        except sqlite3.Error:  # a damaged live file: start from an empty one
            for suffix in ("", "-wal", "-shm"):
                live.with_name(live.name + suffix).unlink(missing_ok=True)
            sqlite_copy(backup, live)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"恢复失败:{exc}") from None
    problems = integrity_problems(live)
    if problems:
        raise BackupError("恢复后检查未通过:" + ";".join(problems))
    return aside


def latest_good_backup(folder: Path | str) -> Path | None:
    """The newest backup in a folder that passes the integrity check."""
    for info in list_backups(folder):
        if not integrity_problems(info.path):
            return info.path
    return None
