"""Opening a saved ballot on the entry page to correct it (Ctrl+O), voiding or restoring one
(Ctrl+D) and withdrawing one (Ctrl+Shift+W): each an operation that announces the change."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from evalapp.services import ballots
from evalapp.services.context import MANAGE
from ui.common.reason_dialog import ReasonDialog
from ui.entry.ballot_lookup_dialog import BallotLookupDialog
from ui.entry.entry_rules import (
    EDIT_REASONS,
    ask_void_or_restore,
    ask_withdraw_reason,
    refusal_to_open,
)
from ui.entry.entry_validity import OK, saved_words
from ui.operations import BALLOTS


class Corrections:
    """The entry page's corrections (mixed into EntryPage; it owns the widgets named here)."""

    def _save_edit(self, entry: ballots.BallotInput) -> None:
        original = self._editing
        reason = ReasonDialog.get_reason(
            self, "修改选票", f"修改已保存的选票 票号 {original.serial}({original.group})。"
            "修改前后的内容和原因将记入操作日志。请填写修改原因:", EDIT_REASONS)
        if reason is None:
            return
        db, actor, ev = self.ctx.db, self.ctx.actor, self.ctx.evaluation_id
        self.run(lambda: ballots.edit_ballot(db, actor, ev, original.id, entry, reason),
                 BALLOTS, lambda info: self._done(*saved_words("已修改", info, self._rules),
                                                  self._suggested_serial()), "未能保存")

    def _find(self, title: str) -> ballots.BallotInfo | None:
        serial = BallotLookupDialog.get_serial(self, title)
        return self._lookup(serial) if serial else None

    def _lookup(self, serial: str) -> ballots.BallotInfo | None:
        info = self.call(ballots.get_ballot, self.ctx.db, self.ctx.evaluation_id, serial)
        refusal = info and refusal_to_open(info, self._settings.double_entry,
                                           self.ctx.may(MANAGE))
        if refusal:
            self._show_refusal(refusal)
            QMessageBox.information(self, "不能打开", refusal)
            return None
        return info

    def open_ballot(self) -> None:
        """Ctrl+O: open a saved ballot by its serial to correct it."""
        info = self._find("打开已录选票")
        if info is not None:
            self._load(info)

    def _open_serial(self, serial: str) -> None:
        info = self._lookup(serial)
        if info is not None:
            self._load(info)

    def _load(self, info: ballots.BallotInfo) -> None:
        if self._dirty() and self._editing is None and QMessageBox.question(
                self, "放弃本票", "屏幕上的评分尚未保存,放弃这些评分并打开已录选票吗?"
        ) != QMessageBox.StandardButton.Yes:
            return
        self._editing = info
        self.header.set_group(info.group)
        self.header.set_serial(info.serial)
        self.header.set_own(info.own_department)
        self.model.load_marks(info.marks)
        self.model.set_own_department(info.own_department)
        voided = f" · 本票已作废:{info.void_reason}" if info.void_reason else ""
        self.banner.setText(f"正在修改已保存的选票 票号 {info.serial}({info.status_label}){voided}"
                            " · Ctrl+S 保存修改(需填写原因) · Ctrl+N 放弃修改")
        self.banner.show()
        self._show_refusal("")
        self.grid.start()

    def void_ballot(self) -> None:
        """Ctrl+D: void the open ballot (or one looked up by serial) with a reason."""
        info = self._editing or self._find("作废选票")
        if info is None:
            return
        choice = ask_void_or_restore(self, info)
        if choice is None:
            return
        reason, message = choice
        db, actor, ev = self.ctx.db, self.ctx.actor, self.ctx.evaluation_id
        self.run(lambda: ballots.void_ballot(db, actor, ev, info.id, reason), BALLOTS,
                 lambda _done: self._done(message, "void" if reason else OK,
                                          self._suggested_serial()))

    def withdraw_ballot(self) -> None:
        """Ctrl+Shift+W (administrators): withdraw a ballot that has no paper behind it."""
        info = self._editing or self._find("撤回选票")
        if info is None:
            return
        reason = ask_withdraw_reason(self, info)
        if reason is None:
            return
        db, actor, ev = self.ctx.db, self.ctx.actor, self.ctx.evaluation_id
        self.run(lambda: ballots.withdraw_ballot(db, actor, ev, info.id, reason), BALLOTS,
                 lambda done: self._withdrawn(done, reason))

    def _withdrawn(self, done, reason: str) -> None:
        self._serials.pop(done.serial, None)
        self._done(f"已撤回 票号 {done.serial}(原因:{reason})", "void", done.serial)
