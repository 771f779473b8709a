"""Opening a database: SQLite pragmas, Alembic migrations at start-up, newer schema refused."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from evalapp.db.file_seal import embed_seal
from evalapp.db.urls import register
from evalapp.domain import DomainError
from evalapp.paths import migrations_dir

# The newest migration. An up-to-date database opens without loading Alembic (a faster
# start); tests/test_database.py checks that this is Alembic's head.
SCHEMA_REVISION = "0007"  # 0001…0004 → 0008 (scan) → 0007 (full seal, last)


class DatabaseError(DomainError):
    """The database cannot be used (newer schema, unreadable file…)."""


def to_url(target: str | Path) -> str:
    """A SQLAlchemy URL from ``--db``: a URL as given, or a file path for SQLite."""
    text = str(target)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _alembic_config():
    # Alembic is imported only when a schema is created or migrated, on purpose: opening a
    # database that is already at SCHEMA_REVISION (every start but the first) skips it.
    from alembic.config import Config
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory  # lazy on purpose, see _alembic_config
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


class Database:
    """An engine plus its session factory; services open sessions through it."""

    def __init__(self, url: str, engine: Engine):
        self.url = url
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)
        # SQLite: the file's restore generation when this station opened it (PRAGMA
        # user_version, changed by every restore); a save finding another one is refused.
        self.generation: int | None = None

    def session(self) -> Session:
        return self._factory()

    @property
    def file_path(self) -> Path | None:
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database)
        return None

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(target: str | Path, migrate: bool = True) -> Database:
    """Open (creating if needed) a database and bring its schema to this version."""
    url = to_url(target)
    register(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    database = Database(url, engine)
    if migrate:
        _migrate(database)
    if parsed.get_backend_name() == "sqlite":
        with engine.connect() as connection:
            database.generation = int(
                connection.exec_driver_sql("PRAGMA user_version").scalar() or 0)
    return database


def _stored_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _migrate(database: Database) -> None:
    current = _stored_revision(database)
    if current == SCHEMA_REVISION:
        return
    from alembic import command  # lazy on purpose, see _alembic_config
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(_alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise DatabaseError(
            f"数据库由更新版本的考评计分系统创建(结构版本 {current}),本程序无法打开。"
            "请使用新版本程序,或联系系统管理员。")
    if current is not None and database.file_path is not None:
        backup_copy(database.file_path, f"迁移前备份-{current}")
    config = _alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def backup_copy(path: Path, label: str) -> Path:
    """Copy a SQLite file aside with the online backup API; returns the copy's path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.{label}-{stamp}{path.suffix}")
    source = sqlite3.connect(str(path))
    try:
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    embed_seal(target)  # restorable like any backup: it carries its own check
    return target
