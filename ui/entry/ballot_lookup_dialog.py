"""Asking for the serial (票号) of a saved ballot to open or void."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.common.dialog_tools import ok_cancel_buttons


class BallotLookupDialog(QDialog):
    """One field for the serial; Enter opens, Esc cancels."""

    def __init__(self, title: str = "打开选票", serial: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(360)
        self.serial = QLineEdit(serial)
        self.serial.selectAll()
        self.serial.setPlaceholderText("例如 A001")
        label = QLabel("票号(&N):")
        label.setBuddy(self.serial)
        self.buttons = ok_cancel_buttons(self, "打开(Enter)")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.serial)
        layout.addWidget(self.buttons)

    def text(self) -> str:
        return self.serial.text().strip()

    def accept(self) -> None:
        if self.text():
            super().accept()

    @staticmethod
    def get_serial(parent: QWidget | None, title: str = "打开选票",
                   serial: str = "") -> str | None:
        """The serial typed, or None when cancelled."""
        dialog = BallotLookupDialog(title, serial, parent)
        return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
