"""The visual style: one calm QSS (resources/styles/app.qss) and a high-contrast variant."""

from __future__ import annotations

from evalapp.paths import resource

STANDARD, HIGH_CONTRAST = "standard", "high_contrast"
STYLES = {STANDARD: ("标准样式", "app.qss"),
          HIGH_CONTRAST: ("高对比度", "app-high-contrast.qss")}


def style_sheet(name: str) -> str:
    """The QSS text of style ``name`` (unknown names fall back to the standard style)."""
    _label, file_name = STYLES.get(name, STYLES[STANDARD])
    return resource("styles", file_name).read_text(encoding="utf-8")


def apply_style(app, name: str) -> str:
    """Set the application's style sheet; returns the name actually applied."""
    name = name if name in STYLES else STANDARD
    app.setStyleSheet(style_sheet(name))
    app.setProperty("evalapp_style", name)
    return name


def current_style(app) -> str:
    value = app.property("evalapp_style")
    return value if value in STYLES else STANDARD
