"""Server mode: the same migrations, services and results on PostgreSQL as on SQLite."""

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.postgres


def test_migrations_build_exactly_the_models_on_postgres(pg_db):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from evalapp.db.engine import head_revision
    from evalapp.db.models import Base
    with pg_db.engine.connect() as c:
        assert c.execute(text("select version_num from alembic_version")).scalar() \
            == head_revision()
        assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []
