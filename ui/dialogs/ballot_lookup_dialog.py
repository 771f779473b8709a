"""Asking for the serial (票号) of a saved ballot to open or void."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


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
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("打开(Enter)")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消(Esc)")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
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
