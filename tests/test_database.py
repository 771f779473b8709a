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


def test_old_schema_is_copied_aside_then_migrated(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    open_database(path).dispose()
    # Pretend the file is at an older revision: an empty base (no tables, old stamp).
    with sqlite3.connect(path) as c:
        tables = [r[0] for r in c.execute(
            "select name from sqlite_master where type='table' and name != 'alembic_version'")]
        for t in tables:
            c.execute(f"drop table {t}")
        c.execute("delete from alembic_version")
        c.execute("insert into alembic_version values ('0000_base')")
    from evalapp.db import engine as engine_module
    real = engine_module.ScriptDirectory.walk_revisions

    class Fake:
        revision = "0000_base"

    monkeypatch.setattr(engine_module.ScriptDirectory, "walk_revisions",
                        lambda self: [*real(self), Fake()])
    # Alembic itself cannot upgrade from the fake revision; the copy must exist before it tries.
    with pytest.raises(Exception):
        open_database(path)
    copies = list(tmp_path.glob("old.迁移前备份-0000_base-*.db"))
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as c:
        assert c.execute("select version_num from alembic_version").fetchone()[0] == "0000_base"


def test_db_argument_takes_path_or_url(tmp_path):
    assert to_url(tmp_path / "a.db").startswith("sqlite:////")
    assert to_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
