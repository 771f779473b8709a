"""Refilling a choice box without losing what the user had chosen."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox


def refill_combo(combo: QComboBox, names: list[str], first: str | None = None) -> None:
    """Replace the choices (``first``, e.g. “全部类别”, carries no data; each name carries
    itself), keep the current choice when it is still offered, and emit no change signal."""
    current = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    if first is not None:
        combo.addItem(first, None)
    for name in names:
        combo.addItem(name, name)
    index = combo.findText(current) if current else -1
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
