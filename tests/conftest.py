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


@pytest.fixture(autouse=True)
def synchronous_tasks():
    """Background work runs on the calling thread in tests (like Picard's fake pool)."""
    from ui import tasks
    tasks.set_synchronous(True)
    yield
    tasks.set_synchronous(False)
