"""What every page of the main window has in common."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from evalapp.domain import DomainError
from ui.context import AppContext


class Page(QWidget):
    """A page: a title for the navigation list, the permission it needs, and refresh()."""

    title = ""
    permission: str | None = None  # None: every role may open it
    shortcut = ""  # e.g. "Ctrl+1", shown in the 页面 menu

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx

    def refresh(self) -> None:
        """Reload what the page shows from the services (called when it is shown)."""

    def show_error(self, exc: Exception, title: str = "无法完成") -> None:
        """A user's error in a dialog, in plain Chinese."""
        text = str(exc) if isinstance(exc, DomainError) else f"出现意外错误:{exc}"
        QMessageBox.warning(self, title, text)

    def call(self, action, *args, **kwargs):
        """Call a service; show a DomainError to the user and return None instead."""
        try:
            return action(*args, **kwargs)
        except DomainError as exc:
            self.show_error(exc)
            return None
