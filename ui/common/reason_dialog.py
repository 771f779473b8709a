"""Asking for the reason of a correction or a voiding (the audit log records it)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.common.dialog_tools import ok_cancel_buttons


class ReasonDialog(QDialog):
    """A prompt that names what will change and a required reason; Enter confirms, Esc
    cancels. The reason box offers common reasons and accepts any typed text."""

    def __init__(self, title: str, prompt: str, suggestions: list[str] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        text = QLabel(prompt)
        text.setWordWrap(True)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(suggestions or [])
        self.reason.setCurrentIndex(-1)
        self.reason.setEditText("")
        self.reason.lineEdit().setPlaceholderText("必须填写原因")
        label = QLabel("原因(&R):")
        label.setBuddy(self.reason)
        self.buttons = ok_cancel_buttons(self, "确定(Enter)")
        self.reason.editTextChanged.connect(self._update)
        layout = QVBoxLayout(self)
        for widget in (text, label, self.reason, self.buttons):
            layout.addWidget(widget)
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.text()))

    def text(self) -> str:
        return self.reason.currentText().strip()

    def accept(self) -> None:
        if self.text():
            super().accept()

    @staticmethod
    def get_reason(parent: QWidget | None, title: str, prompt: str,
                   suggestions: list[str] | None = None) -> str | None:
        """The reason typed, or None when cancelled."""
        dialog = ReasonDialog(title, prompt, suggestions, parent)
        return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
