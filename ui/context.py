"""What every page shares: the database, the signed-in operator, the open evaluation, the one
way to run an operation (``run``) and the one notice of what changed (``changed``)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from evalapp.db.engine import Database
from evalapp.services.context import Actor, PermissionDenied, require
from evalapp.services.restore import restore_database
from evalapp.services.stations import change_marker, changes_since, was_restored
from ui.operations import Changes, Op, run_op


class AppContext(QObject):
    """The session of one operator on one database; pages listen to its signals."""

    evaluation_changed = Signal(object)  # the new evaluation id (or None)
    changed = Signal(object)  # a Changes notice: what changed and who asked
    saved = Signal(str)  # a short message for the status bar ("已保存 选票 A001")

    def __init__(self, db: Database, actor: Actor, evaluation_id: int | None = None):
        super().__init__()
        self.db = db
        self.actor = actor
        self.evaluation_id = evaluation_id
        self.in_flight = 0  # operations running: their changes are in the database already

    def set_evaluation(self, evaluation_id: int | None) -> None:
        self.evaluation_id = evaluation_id
        self.evaluation_changed.emit(evaluation_id)

    def restore_backup(self, path, confirmed: bool = False):
        """Restore a backup over this database (services/restore.restore_database) and go on
        with the reopened one; returns where the old state was put."""
        self.db, aside = restore_database(self.db, path, confirmed)
        return aside

    def may(self, permission: str) -> bool:
        """Whether the operator's role has a permission (the services check it again)."""
        try:
            require(self.actor, permission)
        except PermissionDenied:
            return False
        return True

    def run(self, op: Op) -> None:
        """Run an operation (in the background unless it says otherwise); a DomainError is
        shown in Chinese over its page; on success one ``changed`` notice goes out."""
        self.in_flight += 1
        run_op(op, self.announce, self._settle)

    def _settle(self) -> None:
        self.in_flight -= 1

    def announce(self, changes: Changes) -> None:
        """The one notice of a change: what changed and who asked."""
        self.changed.emit(changes)


class ChangeWatcher(QObject):
    """Notices changes saved elsewhere (other stations in server mode, another window) by
    polling one cheap query, and announces them as one ``changed`` notice (initiator: the
    watcher) like any local operation."""

    def __init__(self, ctx: AppContext, interval_ms: int = 3000, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.marker: int | None = None
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.poll)
        ctx.changed.connect(self._heard)
        ctx.evaluation_changed.connect(lambda _id: self._catch_up())

    def start(self) -> None:
        self._catch_up()
        self.timer.start()

    def _heard(self, changes: Changes) -> None:
        if changes.initiator is not self:
            self._catch_up()

    def _catch_up(self) -> None:
        """Our own change (or a new evaluation): remember where we are, announce nothing."""
        if self.ctx.evaluation_id is not None:
            self.marker = change_marker(self.ctx.db, self.ctx.evaluation_id)

    def poll(self) -> None:
        if self.ctx.evaluation_id is None or self.ctx.in_flight:
            return  # an operation of ours may have written already: its notice will catch up
        try:
            if was_restored(self.ctx.db):
                self.timer.stop()
                self.ctx.saved.emit("数据库已恢复,请重新登录")
                return
            changed, marker = changes_since(self.ctx.db, self.ctx.evaluation_id,
                                            self.marker or 0)
        except Exception:  # noqa: BLE001 - a lost server connection: try again next tick
            return
        known = self.marker is not None
        self.marker = marker
        if changed and known:
            self.ctx.saved.emit("其他录入点保存了新的数据,已刷新")
            # Not only ballots: another station may have changed settings or finalised.
            self.ctx.announce(Changes.everything(self))
