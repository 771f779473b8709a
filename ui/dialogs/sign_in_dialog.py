"""Sign-in (登录): name + PIN/password; on first run it creates the 管理员."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
)

from evalapp.db.engine import Database
from evalapp.domain import DomainError
from evalapp.services.context import Actor
from evalapp.services.operators import create_first_admin, list_operators, sign_in


class SignInDialog(QDialog):
    """Returns the signed-in Actor in ``actor`` when accepted."""

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.first_run = not list_operators(db)
        self.setWindowTitle("首次使用:创建管理员" if self.first_run else "登录")
        self.name = QComboBox() if not self.first_run else QLineEdit()
        if isinstance(self.name, QComboBox):
            self.name.setEditable(True)
            self.name.addItems([o.name for o in list_operators(db) if o.active])
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #B00020")
        self.message.setWordWrap(True)
        self._layout()
        if isinstance(self.name, QComboBox) and self.name.count():
            self.password.setFocus()  # a name is already chosen: the PIN is what to type

    def _layout(self) -> None:
        form = QFormLayout()
        intro = ("数据库中还没有操作员。请创建第一位管理员(可管理设置、名单和其他操作员)。"
                 if self.first_run else "请选择或输入姓名,并输入密码(PIN)。")
        form.addRow(QLabel(intro))
        form.addRow("姓名(&N):", self.name)
        form.addRow("密码(&P):", self.password)
        if self.first_run:
            form.addRow("确认密码(&C):", self.confirm)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "创建并登录" if self.first_run else "登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def name_text(self) -> str:
        widget = self.name
        return (widget.currentText() if isinstance(widget, QComboBox) else widget.text()).strip()

    def try_accept(self) -> None:
        try:
            if self.first_run:
                if self.password.text() != self.confirm.text():
                    raise DomainError("两次输入的密码不一致")
                create_first_admin(self.db, self.name_text(), self.password.text())
            self.actor = sign_in(self.db, self.name_text(), self.password.text())
        except DomainError as exc:
            self.message.setText(str(exc))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()
