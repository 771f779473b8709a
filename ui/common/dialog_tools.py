"""What the small dialogs share: the OK / Cancel row with Enter / Esc named on the buttons,
and, for a form saved through the page, the red problem line and an OK that stays open until
the save is accepted."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QVBoxLayout


def ok_cancel_buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    """OK (``ok_text``) accepts ``dialog``, Cancel (取消(Esc)) rejects it."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消(Esc)")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class SaveDialog(QDialog):
    """A form whose OK calls ``save(value)``: the dialog closes when that returns None and
    otherwise shows the returned problem (as it shows a problem of the form itself)."""

    def __init__(self, save: Callable[[object], str | None], parent=None):
        super().__init__(parent)
        self._save = save
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B00020;")
        self.buttons = ok_cancel_buttons(self, "保存(Enter)")

    def _lay_out_form(self, form: QLayout) -> None:
        """The form, the problem line under it, then the buttons."""
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def typed_value(self) -> tuple[object | None, str | None]:
        """What the form holds, or the reason it is not acceptable (overridden)."""
        raise NotImplementedError

    def accept(self) -> None:
        value, problem = self.typed_value()
        if value is not None:
            problem = self._save(value)
        if problem:
            self.error.setText(problem)
            return
        super().accept()
