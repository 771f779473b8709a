"""The operators page's two forms: a new operator (姓名, 角色, 密码 twice) and a new password
(twice). The service checks the rules; a refusal stays in the dialog, on the red line."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from evalapp.domain import DomainError
from evalapp.services.context import ROLE_LABELS
from evalapp.services.passwords import MIN_LENGTH
from ui.common.dialog_tools import SaveDialog

ROLE_HINTS = {"管理员": "全部功能,含本页", "录入员": "只能录入和修改选票",
              "主持人": "查看结果、会场大屏、打印"}


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(f"至少 {MIN_LENGTH} 位")
    return field


def _attempt(action: Callable[[], object]) -> str | None:
    """Run a service call; its refusal as text (None: done)."""
    try:
        action()
    except DomainError as exc:
        return str(exc)
    return None


class _PasswordsForm(SaveDialog):
    """Password and confirmation; subclasses add their own fields above them."""

    def __init__(self, save, parent=None):
        super().__init__(save, parent)
        self.password = _password_field()
        self.confirm = _password_field()
        self.setMinimumWidth(440)

    def _password_problem(self) -> str | None:
        if self.password.text() != self.confirm.text():
            return "两次输入的密码不一致"
        return None


class NewOperatorDialog(_PasswordsForm):
    """新增操作员: ``save(name, role_label, password)`` is called on OK."""

    def __init__(self, save: Callable[[str, str, str], None], parent=None):
        super().__init__(lambda value: _attempt(lambda: save(*value)), parent)
        self.setWindowTitle("新增操作员")
        self.name = QLineEdit()
        self.name.setPlaceholderText("本人姓名,登录时选择")
        self.role = QComboBox()
        for label in ROLE_LABELS.values():
            self.role.addItem(f"{label}({ROLE_HINTS[label]})", label)
        self.role.setCurrentIndex(list(ROLE_LABELS.values()).index("录入员"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("新增(Enter)")
        form = QFormLayout()
        form.addRow("姓名(&N):", self.name)
        form.addRow("角色(&R):", self.role)
        form.addRow("密码(&P):", self.password)
        form.addRow("确认密码(&C):", self.confirm)
        self._lay_out_form(form)

    def typed_value(self):
        problem = self._password_problem()
        if problem:
            return None, problem
        return (self.name.text(), self.role.currentData(), self.password.text()), None


class ResetPasswordDialog(_PasswordsForm):
    """重设密码 of one operator: ``save(password)`` is called on OK."""

    def __init__(self, name: str, save: Callable[[str], None], parent=None):
        super().__init__(lambda value: _attempt(lambda: save(value)), parent)
        self.setWindowTitle("重设密码")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("重设(Enter)")
        form = QFormLayout()
        note = QLabel(f"为“{name}”设置新密码。请当面告诉本人;旧密码随即失效。")
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow("新密码(&P):", self.password)
        form.addRow("确认新密码(&C):", self.confirm)
        self._lay_out_form(form)

    def typed_value(self):
        problem = self._password_problem()
        return (None, problem) if problem else (self.password.text(), None)
