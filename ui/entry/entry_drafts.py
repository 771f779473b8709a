"""Keeping the ballot being typed as a draft, so a crash or power cut loses nothing."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from evalapp.domain import DomainError
from evalapp.services.ballots import BallotInput
from evalapp.services.drafts import Draft, discard_draft, load_draft, save_draft

DRAFT_DELAY_MS = 1500  # after the last change; never a database write per keystroke


class DraftKeeper(QObject):
    """Saves the on-screen ballot as a draft shortly after each change, offers a kept draft
    back when entry starts, and forgets it once the ballot is saved or dropped."""

    def __init__(self, ctx, header, model, editing: Callable[[], bool], parent: QWidget):
        super().__init__(parent)
        self.ctx, self.header, self.model, self.editing = ctx, header, model, editing
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
        try:
            if entry is None:
                discard_draft(self.ctx.db, self.ctx.actor, self.ctx.evaluation_id)
                self._stored = False
            else:
                save_draft(self.ctx.db, self.ctx.actor, self.ctx.evaluation_id, entry)
                self._stored = True
        except DomainError:
            pass  # e.g. the evaluation was finalised meanwhile: nothing left to keep

    def discard(self) -> None:
        self._timer.stop()
        if self.ctx.evaluation_id is not None and self._stored:
            discard_draft(self.ctx.db, self.ctx.actor, self.ctx.evaluation_id)
            self._stored = False

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
