"""What every page shares: the database, the signed-in operator, the open evaluation, and
signals that tell pages when data changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from evalapp.db.engine import Database
from evalapp.services.context import Actor, require, PermissionDenied


class AppContext(QObject):
    """The session of one operator on one database; pages listen to its signals."""

    evaluation_changed = Signal(object)  # the new evaluation id (or None)
    data_changed = Signal()  # settings, rosters, scores or adjustments changed
    ballots_changed = Signal()  # a ballot was saved, edited, voided or reconciled
    saved = Signal(str)  # a short message for the status bar ("已保存 选票 A001")

    def __init__(self, db: Database, actor: Actor, evaluation_id: int | None = None):
        super().__init__()
        self.db = db
        self.actor = actor
        self.evaluation_id = evaluation_id

    def set_evaluation(self, evaluation_id: int | None) -> None:
        self.evaluation_id = evaluation_id
        self.evaluation_changed.emit(evaluation_id)

    def may(self, permission: str) -> bool:
        """Whether the operator's role has a permission (the services check it again)."""
        try:
            require(self.actor, permission)
        except PermissionDenied:
            return False
        return True
