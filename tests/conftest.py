"""Shared fixtures: offscreen Qt (set before any Qt import) and a fresh database per test."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from evalapp.db.engine import open_database  # noqa: E402


@pytest.fixture
def db(tmp_path):
    """A fresh, migrated SQLite database file."""
    database = open_database(tmp_path / "test.db")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def pg_server():
    """The PostgreSQL server of this test session (tests/pg.py), or a skip with the reason."""
    from pg import server
    srv = server()
    yield srv
    srv.stop()


@pytest.fixture
def pg_db(pg_server):
    """A fresh, migrated PostgreSQL database (skipped when no server can be had)."""
    if pg_server.skip_reason:
        pytest.skip(pg_server.skip_reason)
    url = pg_server.create_database()
    database = open_database(url)
    yield database
    database.dispose()
    pg_server.drop_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request, tmp_path):
    """The same service test on both engines: a fresh SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        database = open_database(tmp_path / "any.db")  # not test.db: a test may use `db` too
        yield database
        database.dispose()
    else:
        yield request.getfixturevalue("pg_db")


@pytest.fixture(autouse=True)
def synchronous_tasks():
    """Background work runs on the calling thread in tests (like Picard's fake pool)."""
    from ui import tasks
    tasks.set_synchronous(True)
    yield
    tasks.set_synchronous(False)


@pytest.fixture
def demo(db):
    """(database, id of the 2021 demo evaluation) — the last-year 2020 one is there too."""
    from evalapp.services.demo import create_demo
    return db, create_demo(db)[-1]
