"""Opening databases: SQLite pragmas, migrations, backup before migrating, newer refused."""

import sqlite3

import pytest
from sqlalchemy import text

from evalapp.db.engine import DatabaseError, head_revision, open_database, to_url


def test_sqlite_pragmas(db):
    with db.engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_schema_is_at_head(db):
    with db.engine.connect() as c:
        assert c.execute(text("select version_num from alembic_version")).scalar() \
            == head_revision()


def test_no_float_columns_in_schema(db):
    with db.engine.connect() as c:
        types = [row[2].upper() for table in ("ballots", "evaluations", "evaluator_groups",
                                              "component_values", "adjustments")
                 for row in c.execute(text(f"PRAGMA table_info({table})"))]
    assert not [t for t in types if "REAL" in t or "FLOAT" in t or "DOUBLE" in t]


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.db"
    open_database(path).dispose()
    with sqlite3.connect(path) as c:
        c.execute("update alembic_version set version_num = '9999_future'")
    with pytest.raises(DatabaseError, match="更新版本"):
        open_database(path)


def test_old_schema_is_copied_aside_then_migrated(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine

    from evalapp.db.engine import _alembic_config
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()
    with sqlite3.connect(path) as c:
        c.execute("insert into operators (name, role, password_hash, active, created_at) "
                  "values ('张', 'admin', 'x', 1, '2026-01-01 00:00:00')")
    db = open_database(path)
    with db.engine.connect() as c:
        assert c.execute(text("select version_num from alembic_version")).scalar() \
            == head_revision()
        assert c.execute(text("select name from operators")).scalar() == "张"
    db.dispose()
    [copy] = list(tmp_path.glob("old.迁移前备份-0001-*.db"))
    with sqlite3.connect(copy) as c:
        assert c.execute("select version_num from alembic_version").fetchone()[0] == "0001"
        assert c.execute("select name from operators").fetchone()[0] == "张"


def test_db_argument_takes_path_or_url(tmp_path):
    assert to_url(tmp_path / "a.db").startswith("sqlite:////")
    assert to_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_migrations_build_exactly_the_models(db):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from evalapp.db.models import Base
    with db.engine.connect() as c:
        assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []


def test_schema_revision_constant_is_alembics_head():
    from evalapp.db.engine import SCHEMA_REVISION
    assert SCHEMA_REVISION == head_revision()
