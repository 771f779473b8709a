"""Storing the demo evaluations (2020 and 2021) in a database."""

from __future__ import annotations

from evalapp.db.engine import Database
from evalapp.demo import demo_evaluations
from evalapp.services.context import SYSTEM, Actor
from evalapp.services.evaluations import import_evaluation


def create_demo(db: Database, actor: Actor = SYSTEM) -> list[int]:
    """Import both demo years; returns their ids (the latest last)."""
    return [import_evaluation(db, actor, data) for data in demo_evaluations()]
