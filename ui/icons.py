"""Icons for the main actions, drawn as small SVG files in resources/icons/."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from evalapp.paths import resource


@cache
def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg`` (an empty icon when the file is missing)."""
    path = resource("icons", f"{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()


def app_icon() -> QIcon:
    path = resource("icons", "app.png")
    return QIcon(str(path)) if path.exists() else icon("app")
