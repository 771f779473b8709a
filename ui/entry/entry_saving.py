"""Saving a typed ballot off the GUI thread, without ever losing or doubling one.

Enter on the summary line hands the ballot to a background operation and opens the next blank
ballot at once: the status line says "正在保存 票号 E050…", then "已保存 票号 E050 · 有效".
Saves run one after another, in the order typed, each with the identity (entry_uid) of its
typed ballot, so a retry after a lost connection finds the first save instead of doubling it.
A serial being saved counts as taken: it cannot be typed again, and the next suggested serial
skips it.

A save that fails (a duplicate serial, the issued-count refusal, a lost database) gives the
ballot back intact, with its identity and the Chinese reason: straight onto the screen when
the clerk has not begun the next one (as before: a dialog, the reason on the error line);
otherwise it waits — the error line says so at once, nothing the clerk is typing is touched —
and comes back as soon as the ballot on screen is saved or dropped."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from evalapp.ballot_status import PENDING
from evalapp.services import ballots
from evalapp.services.progress import GroupProgress, RecentBallot, SerialState
from evalapp.services.stations import save_ballot
from ui import tasks
from ui.operations import BALLOTS, Op, error_text
from ui.entry.entry_rules import free_serial_after
from ui.entry.entry_validity import PENDING_KIND, VOID, saved_words


@dataclass
class PendingSave:
    """A ballot handed to the background save: what was typed and its identity."""

    entry: ballots.BallotInput
    uid: str
    evaluation_id: int | None = None
    reason: str = ""  # why it came back (a failed save)
    error: Exception | None = field(default=None, repr=False)

    @property
    def serial(self) -> str:
        return self.entry.serial


@dataclass(frozen=True)
class Saved:
    """What a background save returns: the stored ballot and the progress after it."""

    info: ballots.BallotInfo
    progress: list[GroupProgress]


def save_and_count(db, actor, evaluation_id: int, entry: ballots.BallotInput,
                   uid: str) -> Saved:
    """The save on the worker thread, with the progress counted in its own transaction."""
    info = save_ballot(db, actor, evaluation_id, entry, uid)
    return Saved(info, info.progress)


class BackgroundSaving:
    """The entry page's saving (mixed into EntryPage; it owns the widgets named here)."""

    def _init_saving(self) -> None:
        self._queue: list[PendingSave] = []  # handed off, in order; the first one is running
        self._returned: list[PendingSave] = []  # failed while the clerk typed the next one
        self._blank_serial = ""  # the serial the blank ballot was opened with

    # --- what is in flight -------------------------------------------------------------------
    def saving_serials(self) -> set[str]:
        return {p.serial for p in self._queue}

    def saves_in_flight(self) -> int:
        return len(self._queue)

    def _known_with_flight(self) -> dict[str, SerialState]:
        """Known serials plus those being saved (taken, as far as the next serial goes)."""
        known = dict(self._serials)
        for pending in self._queue:
            known.setdefault(pending.serial, SerialState(PENDING, True))
        return known

    def _free_serial_after(self, serial: str) -> str:
        return free_serial_after(serial, self._known_with_flight(), self._settings.double_entry)

    # --- handing off -------------------------------------------------------------------------
    def _hand_off(self, entry: ballots.BallotInput) -> None:
        """Queue the ballot on screen for saving and open the next one at once."""
        pending = PendingSave(entry, self._entry_uid, self.ctx.evaluation_id)
        self._queue.append(pending)
        self._last_new = entry.serial
        self.status.show_saved(f"正在保存 票号 {entry.serial}…", PENDING_KIND)
        self._next_ballot(self._free_serial_after(entry.serial))
        if len(self._queue) == 1:
            # The blank ballot is drawn first, while no worker competes for the interpreter
            # (painting calls Python for every cell); the save starts on the next turn of the
            # event loop, so the keystroke does not also wait for the worker to hand it back.
            self.repaint()
            tasks.soon(lambda: self._start_save(pending))

    def _start_save(self, pending: PendingSave) -> None:
        db, actor, ev = self.ctx.db, self.ctx.actor, self.ctx.evaluation_id
        op = Op(self, lambda: save_and_count(db, actor, ev, pending.entry, pending.uid),
                BALLOTS, label=f"正在保存 票号 {pending.serial}……")
        op.success(lambda saved: self._saved(pending, saved))
        op.failure(lambda exc: self._save_failed(pending, exc))
        self.ctx.run(op)

    def _next_in_queue(self, pending: PendingSave) -> None:
        if self._queue and self._queue[0] is pending:
            self._queue.pop(0)
        if self._queue:
            self._start_save(self._queue[0])

    # --- the answer --------------------------------------------------------------------------
    def _saved(self, pending: PendingSave, saved: Saved) -> None:
        info = saved.info
        if pending.evaluation_id != self.ctx.evaluation_id:  # the clerk switched meanwhile
            self._next_in_queue(pending)
            self.ctx.saved.emit(f"已保存 票号 {info.serial}(上一个考评活动)")
            return
        self._serials[info.serial] = SerialState(info.status, True)
        self._next_in_queue(pending)
        self.side.set_progress(saved.progress, self._settings.double_entry)
        self.side.recent_model.add(RecentBallot(info.serial, info.group, info.updated_at,
                                                info.status, bool(info.void_reason)))
        message, kind = saved_words("已保存", info, self._rules)
        self.status.show_saved(message + self._still_saving(), kind)
        self.ctx.saved.emit(message)
        if not self._queue and self._untouched():
            self.drafts.save_now()  # nothing typed since: the stored ballot's draft goes

    def _still_saving(self) -> str:
        """What is still on the way, for the end of the status line: ballots being saved and
        ballots given back that wait for the screen."""
        text = ""
        if self._queue:
            text += " · 正在保存 票号 " + "、".join(p.serial for p in self._queue) + "…"
        if self._returned:
            text += " · 未能保存、稍后回到屏幕:票号 " + "、".join(p.serial for p in self._returned)
        return text

    def _save_failed(self, pending: PendingSave, exc: Exception) -> None:
        self._next_in_queue(pending)
        pending.reason, pending.error = error_text(exc).replace("\n", " "), exc
        if pending.evaluation_id != self.ctx.evaluation_id:  # the clerk switched meanwhile
            QMessageBox.warning(self, "未能保存", f"上一个考评活动的选票 票号 {pending.serial} "
                                f"未能保存:{pending.reason}。请切换回该考评活动重新录入这张选票。")
            return
        self.status.show_saved(f"未能保存 票号 {pending.serial}" + self._still_saving(), VOID)
        if self._untouched():
            self._put_back(pending, dialog=True)
            return
        self._returned.append(pending)
        self.status.show_saved(self._still_saving().removeprefix(" · "), VOID)
        QApplication.beep()
        self._show_refusal(f"票号 {pending.serial} 未能保存:{pending.reason}。这张选票已保留,"
                           "当前选票保存或放弃后会回到屏幕,请修改后重新保存")

    def _untouched(self) -> bool:
        """Whether the screen shows a blank ballot the clerk has not begun (nothing typed)."""
        return (self._editing is None and not self._dirty()
                and self.header.serial_text() in ("", self._blank_serial))

    def _next_ballot(self, serial: str) -> None:
        """A blank ballot, or the first one given back by a failed save."""
        if self._returned:
            self._put_back(self._returned.pop(0), dialog=False)
        else:
            self._start_blank(serial)
            self._blank_serial = self.header.serial_text()

    def _put_back(self, pending: PendingSave, dialog: bool) -> None:
        """A ballot whose save failed, on screen again as typed, with the same identity."""
        entry = pending.entry
        self._editing = None
        self._entry_uid = pending.uid  # a retry after a lost connection cannot double it
        self.header.set_group(entry.group)
        self.header.set_serial(entry.serial)
        self.header.set_own(entry.own_department)
        self.model.load_marks(dict(entry.marks))
        self.model.set_own_department(entry.own_department)
        self.banner.setText(f"票号 {entry.serial} 未能保存,已放回屏幕:按原因修改后按 Enter 保存"
                            " · Ctrl+N 放弃本票")
        self.banner.show()
        self._blank_serial = ""
        self._show_refusal(pending.reason)
        if dialog and pending.error is not None:
            self.show_error(pending.error, "未能保存")
        if "票号" in pending.reason:
            self.header.focus_serial()
        else:
            self.grid.go_to(self.grid.last_row())
            self.summary.setFocus(Qt.FocusReason.OtherFocusReason)
        self.drafts.touched()
