"""选票录入: the clerk's keyboard-first screen for typing paper ballots."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from evalapp.ballot_rules import MarkRules
from evalapp.domain import DomainError
from evalapp.services import ballots
from evalapp.services.context import ENTER, MANAGE
from evalapp.services.evaluations import get_data, is_final
from evalapp.services.progress import entry_progress, known_serials, recent_ballots
from evalapp.services.stations import new_entry_uid
from ui.common.base import Page
from ui.common.action_bar import action_bar, page_shortcut
from ui.entry.entry_drafts import DraftKeeper
from ui.entry.entry_grid import EntryGrid
from ui.entry.entry_header import EntryHeader
from ui.entry.entry_rules import serial_problem
from ui.entry.entry_corrections import Corrections
from ui.entry.entry_saving import BackgroundSaving
from ui.entry.entry_side_panel import EntrySidePanel
from ui.entry.entry_validity import BallotSummary, SaveStatus
from ui.operations import Latest

IDLE_REFRESH_MS = 3000


class EntryPage(BackgroundSaving, Corrections, Page):
    """Group → serial → Enter → one mark per row → Enter on the last row (or Ctrl+S) saves and
    opens the next blank ballot (the save runs in the background: entry_saving.py). Ctrl+O
    opens a saved ballot to correct, Ctrl+D voids one."""

    title = "选票录入"
    permission = ENTER
    locks_when_final = True
    shortcut = "Ctrl+5"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.header = EntryHeader()
        self.grid = EntryGrid()
        self.model = self.grid.entry_model
        self.side = EntrySidePanel()
        self.summary = BallotSummary()
        self.banner, self.legend, self.error = (QLabel() for _ in range(3))
        self.status = SaveStatus()
        self._final = False
        self._last_new = ""  # the serial of the last new ballot saved here
        self._settings = None
        self._structure = None
        self._rules: MarkRules | None = None
        self._serials = {}
        self._editing: ballots.BallotInfo | None = None
        self._entry_uid = new_entry_uid()
        self._init_saving()
        self._idle = QTimer(self, singleShot=True, interval=IDLE_REFRESH_MS)
        self._idle.timeout.connect(self._idle_refresh)
        self._side_read = Latest(self._read_side, self._show_side, self._side_failed, self)
        self._data_read = Latest(self._read_data, self._show_data, self.show_error, self)
        self.drafts = DraftKeeper(ctx, self.header, self.model,
                                  lambda: self._editing is not None, self,
                                  holding=lambda: bool(self._queue))
        self._build()
        self._connect()
        self.refresh()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.banner.setStyleSheet("background:#FFF3B0; color:#000; padding:4px; font-weight:bold")
        self.banner.hide()
        self.error.setStyleSheet("color:#B00000; font-weight:bold")
        self.error.setWordWrap(True)
        self.legend.setWordWrap(True)
        legend_font = self.legend.font()
        legend_font.setPointSize(legend_font.pointSize() + 1)
        self.legend.setFont(legend_font)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        self.error.setMinimumHeight(self.error.fontMetrics().height() * 2 + 4)
        self.status.setMinimumHeight(self.status.fontMetrics().height() + 8)
        for widget, stretch in ((self.header, 0), (self.banner, 0),
                                (self.legend, 0), (self.summary, 0), (self.error, 0),
                                (self.grid, 1), (self._buttons(), 0), (self.status, 0)):
            column.addWidget(widget, stretch)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([760, 400])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        QWidget.setTabOrder(self.header.group, self.header.serial)
        QWidget.setTabOrder(self.header.serial, self.header.own)
        QWidget.setTabOrder(self.header.own, self.grid)

    def _buttons(self) -> QWidget:
        page_shortcut(self, "Alt+L", self.side.focus_recent)
        actions = [("保存", "Ctrl+S", self.request_save), ("新选票", "Ctrl+N", self.new_ballot),
                   ("打开", "Ctrl+O", self.open_ballot), ("作废", "Ctrl+D", self.void_ballot)]
        if self.ctx.may(MANAGE):
            actions.append(("撤回", "Ctrl+Shift+W", self.withdraw_ballot))
        page_shortcut(self, "F5", self.refresh_side)  # named in the progress panel's title
        self.actions_box = action_bar(self, actions)
        return self.actions_box

    def _connect(self) -> None:
        self.header.serial_entered.connect(self._serial_entered)
        self.header.own_entered.connect(self._own_entered)
        self.header.group_changed.connect(lambda: self.model.set_own_department(None))
        self.grid.refused.connect(self._show_refusal)
        self.grid.finished.connect(self._last_look)
        self.summary.save_requested.connect(self.save)
        self.summary.back_requested.connect(self._back_to_grid)
        self.summary.stray_key.connect(lambda: self._show_refusal(
            "本票尚未保存:看过小结后按 Enter 保存,或按 Esc 返回修改", beep=True))
        self.grid.leave_up.connect(self._back_to_header)
        self.model.marks_changed.connect(self._marks_changed)
        self.side.open_requested.connect(self._open_serial)
        self.ctx.evaluation_changed.connect(self._evaluation_changed)
        self.ctx.changed.connect(self._changed)

    # --- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the evaluation's departments, groups, rules and the side panel (read off
        the GUI thread)."""
        if self.ctx.evaluation_id is None or not self.ctx.may(ENTER):
            self.setEnabled(False)
            return
        self.setEnabled(True)
        self._data_read.ask()

    def _read_data(self):  # on a worker thread: the whole evaluation is large at 600 × 4,000
        db, ev = self.ctx.db, self.ctx.evaluation_id
        return ev, get_data(db, ev), is_final(db, ev)

    def _show_data(self, value) -> None:
        ev, data, final = value
        if ev != self.ctx.evaluation_id:
            return
        self._set_final(final)
        self._settings = data.settings
        self._rules = MarkRules(data.settings, len(data.departments))
        structure = (data.settings, tuple(data.departments), tuple(data.groups))
        if structure != self._structure:
            self._load_structure(data)
            if self._structure is None:
                restored = self.drafts.restore(self)
                if restored:
                    self.status.setText(f"已恢复上次未保存的选票 票号 {restored}")
            self._structure = structure
        self.refresh_side()
        self._marks_changed()

    def _evaluation_changed(self, _evaluation_id) -> None:
        self._structure, self._editing = None, None
        self.model.load_marks({})
        self.refresh()

    def _load_structure(self, data) -> None:
        same_rules = self._structure is not None and self._structure[0] == data.settings
        kept = self.model.marks_by_name() if same_rules else {}
        self.grid.configure(data.settings)
        self.model.set_rows(data.departments, numeric=data.settings.mode != "grade")
        self.header.set_choices(data.groups, data.departments)
        self.legend.setText(self.grid.legend())
        if kept:
            self.model.load_marks(kept)
        else:
            self.new_ballot(ask=False)

    def refresh_side(self) -> None:
        """Progress, recent ballots and known serials from the services, read off the GUI
        thread (coalesced: one read running, one waiting)."""
        if self.ctx.evaluation_id is None or self._settings is None:
            return
        self._side_read.ask()

    def _read_side(self):  # on a worker thread
        db, actor, ev = self.ctx.db, self.ctx.actor, self.ctx.evaluation_id
        return (ev, entry_progress(db, actor, ev), recent_ballots(db, actor, ev),
                known_serials(db, actor, ev))

    def _show_side(self, value) -> None:
        ev, progress, recent, serials = value
        if ev != self.ctx.evaluation_id or self._settings is None:
            return
        self.side.recent_model.set_rows(recent)
        self._serials = serials
        self.side.set_progress(progress, self._settings.double_entry)

    def _side_failed(self, exc: Exception) -> None:
        if isinstance(exc, DomainError):
            self.error.setText(f"⚠ {exc}")

    def _changed(self, changes) -> None:
        """A change notice: our own saves already updated the panel (the op's result);
        another page's or station's change reloads what it touches."""
        if changes.initiator is self:
            return
        if changes.data:
            self.refresh()
        elif changes.ballots:
            self.refresh_side()

    def _idle_refresh(self) -> None:
        if self.isVisible():
            self.refresh_side()

    # --- typing ------------------------------------------------------------------------------
    def _marks_changed(self) -> None:
        self._idle.start()
        if self._editing is None:
            self.drafts.touched()
        if self._rules is not None:
            last = self.grid.row >= self.grid.last_row()
            self.summary.show_marks(self._rules, self.model.marks(),
                                    [d.order for d in self.model.departments()],
                                    None if last else self.grid.row + 1)

    def _set_final(self, final: bool) -> None:
        """After 定稿 the page is visibly read-only (and says how to unlock)."""
        self._final = final
        self.apply_final(final)
        for widget in (self.header, self.grid, self.summary, self.actions_box):
            widget.setEnabled(not final)

    def _show_refusal(self, reason: str, beep: bool = False) -> None:
        self._idle.start()
        if beep:
            QApplication.beep()
        self.error.setText(f"⚠ {reason}" if reason else "")

    def _serial_problem(self, serial: str) -> str | None:
        if self.header.current_group() is None:
            return "评委类别:请先选择评委类别"
        if self._editing is not None:
            return None if serial else "票号:请填写票号"
        if serial in self.saving_serials():
            return f"票号:“{serial}”正在保存,请稍候;如需修改请在保存后按 Ctrl+O 打开"
        return serial_problem(serial, self._serials.get(serial), self._settings.double_entry)

    def _serial_entered(self) -> None:
        problem = self._serial_problem(self.header.serial_text())
        if problem:
            self._show_refusal(problem)
            self.header.focus_serial()
            return
        self._show_refusal("")
        if self.header.needs_own():
            self.header.own.setFocus(Qt.FocusReason.OtherFocusReason)
            self.header.own.selectAll()
        else:
            self.grid.start()

    def _own_entered(self) -> None:
        problem = self.header.own_problem()
        if problem:
            self._show_refusal(problem)
            return
        self._show_refusal("")
        self.model.set_own_department(self.header.own_department())
        self.grid.start()

    def _last_look(self) -> None:
        """The last row is done: focus the summary line (every blank listed); Enter there
        saves."""
        self._show_refusal("")
        self._marks_changed()
        self.summary.setFocus(Qt.FocusReason.OtherFocusReason)

    def _back_to_grid(self) -> None:
        self._show_refusal("")
        self.grid.go_to(self.grid.last_row())
        self.grid.setFocus(Qt.FocusReason.OtherFocusReason)

    def _back_to_header(self) -> None:
        target = self.header.own if self.header.needs_own() else self.header.serial
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- saving ------------------------------------------------------------------------------
    def _entry(self) -> ballots.BallotInput | None:
        """The ballot on screen, or None (with the reason shown and the field focused)."""
        if not self.grid.commit_typing():
            return None
        serial = self.header.serial_text()
        problem = self._serial_problem(serial) or self.header.own_problem()
        if problem:
            self._show_refusal(problem)
            if problem.startswith("所属部门"):
                self.header.own.setFocus()
            else:
                self.header.focus_serial()
            return None
        return ballots.BallotInput(serial, self.header.group_name(), self.model.marks_by_name(),
                                   self.header.own_department())

    def request_save(self) -> None:
        """Ctrl+S: from the summary line it saves; elsewhere it first shows the last look."""
        if self.summary.hasFocus():
            self.save()
        elif self.grid.commit_typing():
            self._last_look()

    def save(self) -> None:
        """Enter on the summary line: save the ballot (a correction asks for a reason)."""
        if self._final:
            self._show_refusal("本考评已定稿,不能保存选票;如确需修改,请管理员先解锁", beep=True)
            return
        entry = self._entry()
        if entry is None:
            return
        if not entry.marks and QMessageBox.question(
                self, "保存空白票", f"票号 {entry.serial} 没有任何评分,将记为空白票(无效票)。确定保存吗?"
        ) != QMessageBox.StandardButton.Yes:
            return
        if self._editing is not None:
            self._save_edit(entry)
            return
        # One identity per typed ballot (kept when a save fails): a save retried after a lost
        # connection (server mode) finds the ballot instead of saving it twice.
        self._hand_off(entry)

    def show_error(self, exc: Exception, title: str = "无法完成") -> None:
        """A refused save also names its reason on the error line (and the serial takes the
        focus when the reason is about it)."""
        self._show_refusal(str(exc).replace("\n", " "))
        super().show_error(exc, title)
        if "票号" in str(exc) and not self._returned:
            self.header.focus_serial()

    def _done(self, message: str, kind: str, serial: str) -> None:
        """A correction, void or withdrawal went through: say so and open the next ballot
        (the notice of the change goes out with the operation)."""
        if not self._queue:  # else the draft is the ballot being saved: kept until stored
            self.drafts.discard()
        self.status.show_saved(message + self._still_saving(), kind)
        self.ctx.saved.emit(message)
        self.refresh_side()
        self._next_ballot(serial)

    def _suggested_serial(self) -> str:
        recent = self.side.recent_model.rows()
        last = self._last_new or (recent[0].serial if recent else "")
        return self._free_serial_after(last) if last else ""

    def _start_blank(self, serial: str) -> None:
        self._editing = None
        self._entry_uid = new_entry_uid()
        self.banner.hide()
        self.header.own.clear()
        self.model.load_marks({})
        self.model.set_own_department(None)
        self.grid.go_to(0)
        self.header.set_serial(serial)
        self.header.focus_serial()

    def _dirty(self) -> bool:
        return bool(self.model.marks_by_name()) or self.model.typing_text(self.grid.row) is not None

    def new_ballot(self, ask: bool = True) -> None:
        """Ctrl+N: a blank ballot (asks before dropping marks typed but not saved)."""
        if ask and self._dirty() and QMessageBox.question(
                self, "放弃本票", "屏幕上的评分尚未保存,放弃这些评分并开始新选票吗?"
        ) != QMessageBox.StandardButton.Yes:
            return
        self._show_refusal("")
        if ask:  # the clerk dropped the ballot on screen: its draft goes too
            self.drafts.discard()
        self._next_ballot(self._suggested_serial())
