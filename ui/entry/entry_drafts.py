"""Keeping the ballot being typed as a draft, so a crash or power cut loses nothing."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from evalapp.domain import DomainError
from evalapp.services.ballots import BallotInput
from evalapp.services.drafts import Draft, discard_draft, load_draft, save_draft
from ui.operations import InOrder

DRAFT_DELAY_MS = 1500  # after the last change; never a database write per keystroke


class DraftKeeper(QObject):
    """Saves the on-screen ballot as a draft shortly after each change, offers a kept draft
    back when entry starts, and forgets it once the ballot is saved or dropped."""

    def __init__(self, ctx, header, model, editing: Callable[[], bool], parent: QWidget,
                 holding: Callable[[], bool] = lambda: False):
        super().__init__(parent)
        self.ctx, self.header, self.model, self.editing = ctx, header, model, editing
        self.holding = holding  # a ballot is being saved: keep its draft until it is stored
        self.writes = InOrder()  # off the GUI thread, in the order asked
        self._timer = QTimer(self, singleShot=True, interval=DRAFT_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        # Whether a draft of this operator may be in the database (one from an earlier
        # session may be: True until a discard). Saving a ballot then costs no extra write.
        self._stored = True

    def snapshot(self) -> BallotInput | None:
        """The ballot on screen as typed so far (None when there is nothing to keep)."""
        marks = self.model.marks_by_name()
        if self.editing() or not marks:
            return None
        return BallotInput(self.header.serial_text(), self.header.group_name() or "", marks,
                           self.header.own_department())

    def restore(self, parent: QWidget) -> str | None:
        """Offer a kept draft; when the clerk takes it, put it on screen. Returns its serial."""
        draft = self.offer(parent)
        if draft is None:
            return None
        self.header.set_group(draft.group)
        self.header.set_serial(draft.serial)
        self.header.set_own(draft.own_department)
        self.model.load_marks(draft.marks)
        self.model.set_own_department(draft.own_department)
        return draft.serial or "(未填)"

    def touched(self) -> None:
        self._timer.start()

    def save_now(self) -> None:
        self._timer.stop()
        if self.ctx.evaluation_id is None:
            return
        entry = self.snapshot()
        if entry is None:
            if not self.holding():
                self.discard()
            return
        self._stored = True
        self._write(save_draft, entry)

    def discard(self) -> None:
        self._timer.stop()
        if self.ctx.evaluation_id is not None and self._stored:
            self._stored = False
            self._write(discard_draft)

    def _write(self, service, *args) -> None:
        db, actor, evaluation_id = self.ctx.db, self.ctx.actor, self.ctx.evaluation_id

        def work() -> None:
            try:
                service(db, actor, evaluation_id, *args)
            except DomainError:
                pass  # e.g. the evaluation was finalised meanwhile: nothing left to keep
        self.writes.put(work)

    def offer(self, parent: QWidget) -> Draft | None:
        """A kept draft the clerk chose to continue, or None."""
        draft = load_draft(self.ctx.db, self.ctx.actor, self.ctx.evaluation_id)
        self._stored = draft is not None
        if draft is None or draft.empty:
            return None
        if draft.already_saved:
            self.discard()
            return None
        answer = QMessageBox.question(
            parent, "恢复未保存的选票",
            f"上次录入的选票 票号 {draft.serial or '(未填)'}({draft.group},已填 "
            f"{len(draft.marks)} 项)尚未保存。是否恢复,继续录入?")
        if answer == QMessageBox.StandardButton.Yes:
            return draft
        self.discard()
        return None
