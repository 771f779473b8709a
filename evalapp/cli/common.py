"""What the command groups share: the database and the evaluation a command names."""

from __future__ import annotations

from evalapp.db.engine import Database, open_database
from evalapp.services.evaluations import latest_evaluation_id


def database(args) -> Database:
    return open_database(args.db)


def evaluation_id(db: Database, args) -> int:
    """``--evaluation``, else the latest one (the latest year, then the newest)."""
    return args.evaluation if args.evaluation is not None else latest_evaluation_id(db)
