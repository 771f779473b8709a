"""Sign-in (登录): name + password; on first run it creates the 管理员; after 切换用户
(Ctrl+L) the next operator signs in here. After repeated wrong passwords the dialog counts
down the wait the service imposes ("请等待 N 秒后再试") and the 登录 button waits with it."""

from __future__ import annotations

import math
import re
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
)

from evalapp.db.engine import Database
from evalapp.domain import DomainError
from evalapp.services.context import Actor
from evalapp.services.operators import SignInRefused, create_first_admin, list_operators, sign_in
from evalapp.services.passwords import MIN_LENGTH

WAIT_WORDS = re.compile(r"请等待 \d+ 秒后再试")


class SignInDialog(QDialog):
    """Returns the signed-in Actor in ``actor`` when accepted. ``signed_out``: the name of
    the operator who just signed out (切换用户); the dialog then says so."""

    def __init__(self, db: Database, parent=None, signed_out: str | None = None):
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.signed_out = signed_out
        operators = list_operators(db)
        self.first_run = not operators
        self.setWindowTitle("首次使用:创建管理员" if self.first_run else
                            ("切换用户" if signed_out else "登录"))
        self.name = QComboBox() if not self.first_run else QLineEdit()
        if isinstance(self.name, QComboBox):
            self.name.setEditable(True)
            self.name.addItems([o.name for o in operators if o.active])
            if signed_out:  # the next one is usually someone else: start with an empty name
                self.name.setCurrentIndex(-1)
                self.name.setEditText("")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #B00020")
        self.message.setWordWrap(True)
        self._refusal, self._ready_at = "", 0.0
        self._ticker = QTimer(self, interval=250)
        self._ticker.timeout.connect(self._tick)
        self._layout()
        if isinstance(self.name, QComboBox):
            self.name.editTextChanged.connect(self._name_changed)
        if isinstance(self.name, QComboBox) and self.name.currentText():
            self.password.setFocus()  # a name is already chosen: the password is what to type
        else:
            self.name.setFocus()

    def _intro(self) -> str:
        if self.first_run:
            return ("数据库中还没有操作员。请创建第一位管理员(可管理设置、名单和其他操作员),"
                    f"密码至少 {MIN_LENGTH} 位。")
        if self.signed_out:
            return f"“{self.signed_out}”已退出登录。请下一位操作员选择或输入姓名,并输入密码。"
        return "请选择或输入姓名,并输入密码。"

    def _layout(self) -> None:
        form = QFormLayout()
        self.intro = QLabel(self._intro())
        self.intro.setWordWrap(True)
        form.addRow(self.intro)
        form.addRow("姓名(&N):", self.name)
        form.addRow("密码(&P):", self.password)
        if self.first_run:
            form.addRow("确认密码(&C):", self.confirm)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("创建并登录" if self.first_run else "登录")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            "退出程序" if self.signed_out else "取消")
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def name_text(self) -> str:
        widget = self.name
        return (widget.currentText() if isinstance(widget, QComboBox) else widget.text()).strip()

    def seconds_left(self) -> int:
        """Seconds of the imposed wait still to go (0: the next try will be heard)."""
        return max(0, math.ceil(self._ready_at - time.monotonic()))

    def try_accept(self) -> None:
        if self.seconds_left():
            return  # the 登录 button is disabled meanwhile; Enter lands here too
        try:
            if self.first_run:
                if self.password.text() != self.confirm.text():
                    raise DomainError("两次输入的密码不一致")
                create_first_admin(self.db, self.name_text(), self.password.text())
            self.actor = sign_in(self.db, self.name_text(), self.password.text())
        except SignInRefused as exc:
            self._refuse(str(exc), exc.wait)
            return
        except DomainError as exc:
            self._refuse(str(exc), 0)
            return
        self.accept()

    def _refuse(self, text: str, wait: int) -> None:
        self.message.setText(text)
        self.password.selectAll()
        self.password.setFocus()
        if wait:
            self._refusal, self._ready_at = text, time.monotonic() + wait
            self.ok_button.setEnabled(False)
            self._ticker.start()

    def _name_changed(self) -> None:
        """The wait belongs to the name tried: another name may try at once (the service
        keeps each name's own wait)."""
        if self._ticker.isActive():
            self._ticker.stop()
            self._ready_at = 0.0
            self.ok_button.setEnabled(True)
            self.message.clear()

    def _tick(self) -> None:
        left = self.seconds_left()
        if left:
            self.message.setText(WAIT_WORDS.sub(f"请等待 {left} 秒后再试", self._refusal))
            return
        self._ticker.stop()
        self.ok_button.setEnabled(True)
        self.message.setText(WAIT_WORDS.sub("现在可以再试", self._refusal))
