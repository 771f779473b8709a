"""定稿与备份: finalise / unlock, count acknowledgement, verify, backups and restore, and the
supervision aids (per-clerk error rates, outlier ballots)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSettings, QSortFilterProxyModel, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
)

from evalapp.digest import check_code, with_check_codes
from evalapp.services import backup as backups
from evalapp.services.restore import check_backup
from evalapp.services.context import MANAGE
from evalapp.services.evaluations import list_evaluations
from evalapp.services.finalise import (
    acknowledge_counts,
    current_final,
    finalise,
    finalise_problems,
    unlock,
)
from evalapp.services.supervision import clerk_statistics, outlier_flags
from evalapp.services.verify import verify
from ui import tasks
from ui.common.reason_dialog import ReasonDialog
from ui.integrity.supervision_table_model import SORT_ROLE, ClerkTableModel, OutlierTableModel
from ui.common.base import Page
from ui.operations import EVALUATION, Changes

SETTINGS_MINUTES, SETTINGS_KEEP = "backup/every_minutes", "backup/keep"


def _button(text: str, slot) -> QPushButton:
    button = QPushButton(text)
    button.clicked.connect(slot)
    return button


def _table(model) -> QTableView:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = QTableView()
    view.setModel(proxy)
    view.setTabKeyNavigation(False)  # Tab leaves the table
    view.setSortingEnabled(True)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    return view


class IntegrityPage(Page):
    title = "定稿与备份"
    permission = MANAGE
    shortcut = "Ctrl+Shift+F"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("点“核对”后这里显示核对报告")
        self.finalise_button = _button("定稿(&D)", self.finalise)
        self.unlock_button = _button("解锁…", self.unlock)
        self.ack_button = _button("确认票数…", self.acknowledge)
        self._report_of: tuple | None = None  # (evaluation, status) the report was made for
        self._backup_elsewhere: tuple | None = None  # (time, path) of a backup to a folder
        self.result_code = QLineEdit()
        self.chain_code = QLineEdit()
        for edit, what in ((self.result_code, "结果校验码"), (self.chain_code, "日志校验码")):
            edit.setPlaceholderText(what)  # short: the whole hint is in the tooltip
            edit.setToolTip(f"签字文件(计票核对单)上的{what},可不填;填写后核对能查出打印之后的改写")
            edit.setMaxLength(24)
        final = QGroupBox("定稿")
        box = QVBoxLayout(final)
        row = QHBoxLayout()  # first: the buttons never move when the texts below change
        for b in (self.finalise_button, self.unlock_button, self.ack_button,
                  _button("核对(&K)", self.verify), self.result_code, self.chain_code):
            row.addWidget(b)
        row.addStretch()
        box.addLayout(row)
        box.addWidget(self.status)
        box.addWidget(self.problems)
        box.addWidget(self.report)
        layout = QVBoxLayout(self)
        layout.addWidget(final, 3)
        layout.addWidget(self._backup_box())
        layout.addWidget(self._supervision_box(), 3)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.periodic_backup)
        self._apply_timer()

    # ---- layout --------------------------------------------------------------------
    def _backup_box(self) -> QGroupBox:
        settings = QSettings()
        self.every = QSpinBox()
        self.every.setRange(0, 240)
        self.every.setSuffix(" 分钟")
        self.every.setSpecialValueText("不自动备份")
        self.every.setValue(int(settings.value(SETTINGS_MINUTES, 10)))
        self.keep = QSpinBox()
        self.keep.setRange(1, 500)
        self.keep.setValue(int(settings.value(SETTINGS_KEEP, backups.DEFAULT_KEEP)))
        self.every.valueChanged.connect(self._apply_timer)
        self.keep.valueChanged.connect(self._apply_timer)
        self.last_backup = QLabel("本次尚未备份")
        group = QGroupBox("备份")
        row = QHBoxLayout()
        for w in (_button("立即备份", self.backup_now), _button("备份到文件夹…", self.backup_to),
                  _button("从备份恢复…", self.restore), QLabel("自动备份:每"), self.every,
                  QLabel("保留最近"), self.keep):
            row.addWidget(w)
        row.addStretch()
        column = QVBoxLayout(group)
        column.addLayout(row)
        column.addWidget(self.last_backup)  # its own line: a longer text moves no button
        return group

    def _supervision_box(self) -> QGroupBox:
        self.clerks = ClerkTableModel(self)
        self.flags = OutlierTableModel(self)
        group = QGroupBox("监票:录入员差错率与需查看的选票(仅提示,不会自动作废)")
        row = QHBoxLayout(group)
        row.addWidget(_table(self.clerks), 2)
        row.addWidget(_table(self.flags), 3)
        return group

    # ---- state ---------------------------------------------------------------------
    def _info(self):
        return next((e for e in list_evaluations(self.ctx.db) if e.id == self.ctx.evaluation_id),
                    None)

    def refresh(self) -> None:
        info = self._info()
        if info is None:
            self.status.setText("没有打开的考评活动")
            return
        final = info.is_final
        record = current_final(self.ctx.db, info.id) if final else None
        self.status.setText(
            f"“{info.name}”:正式结果(已定稿,{record.finalised_at:%Y-%m-%d %H:%M} "
            f"由{record.finalised_by}定稿,校验码 {check_code(record.digest)})" if record else
            f"“{info.name}”:初步结果(尚未定稿)")
        problems = [] if final else finalise_problems(self.ctx.db, info.id)
        self.problems.setText("⚠ 定稿前还需处理:\n" + "\n".join(problems) if problems
                              else ("" if final else "✓ 各项检查已通过,可以定稿"))
        self.problems.setVisible(bool(self.problems.text()))
        self._show_last_backup()
        if self._report_of is not None and self._report_of != (info.id, info.status):
            self.verify()  # the report shown was made before 定稿 / 解锁: make it again
        self.finalise_button.setEnabled(not final and not problems)
        self.unlock_button.setEnabled(final)
        self.ack_button.setEnabled(not final and any("多于发出" in p for p in problems))
        self.clerks.set_rows(clerk_statistics(self.ctx.db, self.ctx.actor, info.id))
        self.flags.set_rows(outlier_flags(self.ctx.db, self.ctx.actor, info.id))

    def _changed(self, message: str) -> None:
        """After an operation of this page: say so and show the new state (its notice tells
        the other pages)."""
        self.ctx.saved.emit(message)
        self.refresh()

    # ---- finalise ------------------------------------------------------------------
    def finalise(self) -> None:
        answer = QMessageBox.question(
            self, "定稿", "定稿后设置、选票和加减分都不能再修改,结果成为正式结果。\n"
                        "定稿前会自动备份数据库。确定定稿吗?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        password = self._admin_password("定稿")
        if password is None:
            return
        db, actor, ev = self.ctx.db, self.ctx.actor, self.ctx.evaluation_id
        self.run(lambda: finalise(db, actor, ev, password), EVALUATION,
                 lambda record: self._changed(f"已定稿,校验码 {check_code(record.digest)}"),
                 background=True)

    def _admin_password(self, title: str) -> str | None:
        """The acting 管理员's password, asked again (None: cancelled)."""
        password, ok = QInputDialog.getText(self, title, f"{title}需要核对身份。"
                                            f"请输入您({self.ctx.actor.name})的密码:",
                                            QLineEdit.EchoMode.Password)
        return password if ok else None

    def unlock(self) -> None:
        password = self._admin_password("解锁定稿")
        if password is None:
            return
        reason = ReasonDialog.get_reason(self, "解锁定稿", "解锁后可以修改,原定稿结果仍保留在记录中。"
                                                         "请写明解锁原因:")
        if reason is None:
            return
        db, actor, ev = self.ctx.db, self.ctx.actor, self.ctx.evaluation_id
        self.run(lambda: unlock(db, actor, ev, password, reason), EVALUATION,
                 lambda _r: self._changed("已解锁,结果恢复为初步结果"))

    def acknowledge(self) -> None:
        reason = ReasonDialog.get_reason(self, "确认票数", "有评委类别录入的选票多于发出票数。"
                                                       "请写明核对情况:")
        if reason is None:
            return
        db, actor, ev = self.ctx.db, self.ctx.actor, self.ctx.evaluation_id
        self.run(lambda: acknowledge_counts(db, actor, ev, reason), EVALUATION,
                 lambda _r: self._changed("已确认票数"))

    def verify(self) -> None:
        info = self._info()
        report = self.call(verify, self.ctx.db, self.ctx.evaluation_id,
                           result_code=self.result_code.text().strip() or None,
                           chain_code=self.chain_code.text().strip() or None)
        if report is not None:
            self.report.setPlainText(with_check_codes(report.text()))
            self._report_of = (info.id, info.status) if info else None

    # ---- backups -------------------------------------------------------------------
    def _backup(self, kind: str, folder: str | None = None) -> None:
        db = self.ctx.db

        def done(path) -> None:
            if folder:
                self._backup_elsewhere = (datetime.now(), Path(path))
            self._show_last_backup()
            self.ctx.saved.emit(f"已备份到 {path}")

        work = (lambda: backups.make_backup(db, kind, folder)) if folder else \
            (lambda: backups.automatic_backup(db, kind, self.keep.value()))
        tasks.run_in_background(work, done, lambda exc: self.show_error(exc, "备份失败"), self,
                                "正在备份……")

    def _show_last_backup(self) -> None:
        """The newest backup: in the usual folder (also the automatic ones, e.g. 定稿前) or
        the last one made to another folder in this session."""
        live = self.ctx.db.file_path
        newest = backups.list_backups(backups.default_folder(live)) if live else []
        found = [(b.created, b.path) for b in newest[:1]]
        if self._backup_elsewhere is not None:
            found.append(self._backup_elsewhere)
        if not found:
            self.last_backup.setText("本次尚未备份")
            return
        when, path = max(found)
        self.last_backup.setText(f"最近备份:{when:%m-%d %H:%M:%S}")
        self.last_backup.setToolTip(str(path))

    def backup_now(self) -> None:
        self._backup("手动")

    def backup_to(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择备份到的文件夹(如 U 盘)")
        if folder:
            self._backup("手动", folder)

    def periodic_backup(self) -> None:
        self._backup("定时")

    def _apply_timer(self) -> None:
        settings = QSettings()
        settings.setValue(SETTINGS_MINUTES, self.every.value())
        settings.setValue(SETTINGS_KEEP, self.keep.value())
        self.timer.stop()
        if self.every.value():
            self.timer.start(self.every.value() * 60_000)

    def restore(self) -> None:
        live = self.ctx.db.file_path
        start = str(backups.default_folder(live)) if live else ""
        path, _ = QFileDialog.getOpenFileName(self, "选择要恢复的备份", start, "数据库备份 (*.db)")
        if not path or live is None:
            return
        check = check_backup(path, live)
        if not check.ok:
            QMessageBox.warning(self, "不能恢复", check.text())
            return
        question = check.text() + "\n\n用这个备份替换当前数据库吗?(当前数据库会先另存一份)"
        if check.differences:
            question = (check.text() + "\n\n⚠ 这个备份与当前数据库有上述不同。确实要用它替换当前"
                        "数据库吗?(当前数据库会先另存一份)")
        answer = QMessageBox.question(self, "从备份恢复", question)
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_from(path, confirmed=True)

    def restore_from(self, path: str, confirmed: bool = False) -> None:
        try:
            aside = self.ctx.restore_backup(path, confirmed)
        except backups.BackupError as exc:
            self.show_error(exc, "恢复失败")
            return
        ids = [e.id for e in list_evaluations(self.ctx.db)]
        self.ctx.set_evaluation(self.ctx.evaluation_id if self.ctx.evaluation_id in ids
                                else (ids[-1] if ids else None))
        self._changed(f"已从备份恢复;原数据库另存为 {aside}")
        self.announce(Changes.everything(restored=True))
