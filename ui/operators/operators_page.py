"""操作员 page (管理员 only): add a 管理员 / 录入员 / 主持人, change a role, reset a password,
disable or enable an operator. The rules (the last active 管理员 stays, passwords of at least
6 characters) and the audit are the service's; this page shows its refusals."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHeaderView, QInputDialog, QLabel, QMessageBox, QPushButton, QTableView, QVBoxLayout,
)

from evalapp.services import operators as ops
from evalapp.services.context import MANAGE, ROLE_LABELS
from ui.operators.operator_dialog import NewOperatorDialog, ResetPasswordDialog
from ui.operators.operator_table_model import OperatorTableModel
from ui.common.base import Page
from ui.common.page_tools import row_table
from ui.common.action_bar import action_bar

INTRO = ("每位操作员用自己的姓名和密码登录,操作日志记下是谁做了什么。管理员:全部功能;"
         "录入员:只能录入和修改选票(双人录入需要两位不同的录入员);主持人:查看结果、会场大屏、"
         "打印。停用的操作员不能再登录,姓名仍保留在记录中。换人时用“文件 → 切换用户”(Ctrl+L)。")


class OperatorsPage(Page):
    title = "操作员"
    permission = MANAGE
    shortcut = "Ctrl+Shift+U"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.model = OperatorTableModel(ctx.actor.name, self)
        self.table = row_table(QTableView())
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.change_role())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.status = QLabel()
        bar = action_bar(self, [("新增操作员", "Ins", self.add), ("修改角色", "F2", self.change_role),
                                ("重设密码", "Ctrl+R", self.reset_password),
                                ("停用", "Del", self.disable), ("启用", "Ctrl+E", self.enable)])
        self.add_button, self.role_button, self.reset_button, self.disable_button, \
            self.enable_button = bar.findChildren(QPushButton)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    # --- state ---------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        keep = select or (self.selected().name if self.selected() else None)
        self.model.set_rows(ops.list_operators(self.ctx.db))
        rows = self.model.rows()
        row = next((i for i, o in enumerate(rows) if o.name == keep), 0 if rows else -1)
        if row >= 0:
            self.table.selectRow(row)
        self.table.setFocus()
        counts = {label: sum(o.active and o.role_label == label for o in rows)
                  for label in ROLE_LABELS.values()}
        self.status.setText("在用:" + "、".join(f"{k} {v} 人" for k, v in counts.items())
                            + (f";已停用 {sum(not o.active for o in rows)} 人"
                               if any(not o.active for o in rows) else ""))
        self._update_buttons()

    def selected(self) -> ops.OperatorInfo | None:
        index = self.table.currentIndex()
        return self.model.row_object(index.row()) if self.model.has_row(index) else None

    def _update_buttons(self) -> None:
        chosen = self.selected()
        for button in (self.role_button, self.reset_button):
            button.setEnabled(chosen is not None)
        self.disable_button.setEnabled(chosen is not None and chosen.active)
        self.enable_button.setEnabled(chosen is not None and not chosen.active)

    def _done(self, message: str, name: str) -> None:
        self.ctx.saved.emit(message)
        self.refresh(select=name)

    # --- actions -------------------------------------------------------------------------
    def add(self) -> None:
        added = []

        def save(name: str, role: str, password: str) -> None:
            added.append(ops.create_operator(self.ctx.db, self.ctx.actor, name, role, password))
        NewOperatorDialog(save, self).exec()
        if added:
            self._done(f"已新增{added[0].role_label}“{added[0].name}”", added[0].name)

    def change_role(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        labels = list(ROLE_LABELS.values())
        label, ok = QInputDialog.getItem(self, "修改角色", f"“{chosen.name}”的角色:", labels,
                                         labels.index(chosen.role_label), False)
        if ok and label != chosen.role_label:
            info = self.call(ops.set_role, self.ctx.db, self.ctx.actor, chosen.name, label)
            if info is not None:
                self._done(f"“{info.name}”的角色改为{info.role_label}", info.name)

    def reset_password(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        dialog = ResetPasswordDialog(chosen.name, lambda password: ops.reset_password(
            self.ctx.db, self.ctx.actor, chosen.name, password), self)
        if dialog.exec():
            self._done(f"已重设“{chosen.name}”的密码", chosen.name)

    def disable(self) -> None:
        chosen = self.selected()
        if chosen is None or not chosen.active:
            return
        answer = QMessageBox.question(
            self, "停用操作员", f"停用{chosen.role_label}“{chosen.name}”吗?\n停用后不能再登录;"
                             "其姓名和做过的操作仍保留在记录中,以后可以重新启用。")
        if answer == QMessageBox.StandardButton.Yes:
            self._set_active(chosen, False)

    def enable(self) -> None:
        chosen = self.selected()
        if chosen is not None and not chosen.active:
            self._set_active(chosen, True)

    def _set_active(self, chosen: ops.OperatorInfo, active: bool) -> None:
        info = self.call(ops.set_active, self.ctx.db, self.ctx.actor, chosen.name, active)
        if info is not None:
            self._done(f"操作员“{info.name}”{info.status_label}", info.name)

