"""Backups through SQLite's online backup API: automatic (rotated), to a chosen folder, and
restore after checking the copy's own check, integrity and a full verify of every evaluation
in it; a restore that would change the evaluation or go back in time is confirmed by name;
the swap happens in one write transaction on the live file, so other stations notice."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from evalapp.db.engine import Database, to_url
from evalapp.db.file_seal import SQLITE_MAGIC, embed_seal, masked_hash, stored_seal
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
    stored = stored_seal(data)
    if stored != bytes(8):
        if stored != masked_hash(data):
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


def latest_good_backup(folder: Path | str) -> Path | None:
    """The newest backup in a folder that passes its own check and the integrity check."""
    for info in list_backups(folder):
        if not file_problems(info.path)[0] and not integrity_problems(info.path):
            return info.path
    return None
