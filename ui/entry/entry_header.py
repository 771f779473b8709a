"""The fields above the entry grid: 评委类别, 票号 and (for recusal groups) 所属部门."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from evalapp.domain import Department, Group

_TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)$")
SERIAL_TYPED = r"[0-9A-Za-z_./\-]{0,50}"
GROUP_WIDTH = 200  # px: a long group name is cut in the box (the list shows it whole)


def next_serial(serial: str) -> str:
    """The serial after this one: same prefix, number + 1, same width ("A009" → "A010")."""
    match = _TRAILING_NUMBER.match(serial.strip())
    if match is None:
        return ""
    prefix, digits = match.groups()
    return prefix + str(int(digits) + 1).zfill(len(digits))


class EntryHeader(QWidget):
    """Keys: Alt+G the group (a digit picks the n-th group), Alt+N the serial, Alt+B the own
    department (its 序号 or name); Enter goes on to the next field."""

    serial_entered = Signal()
    own_entered = Signal()
    group_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._groups: list[Group] = []
        self._departments: list[Department] = []
        self.group = QComboBox()
        self.group.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.group.setToolTip("评委类别(Alt+G);在此按数字键 1、2、3…直接选择")
        self.group.installEventFilter(self)
        self.group.currentIndexChanged.connect(self._group_changed)
        self.serial = QLineEdit()
        self.serial.setPlaceholderText("例如 A001")
        # A typed serial holds 票号 characters only (letters, digits, - _ . /): a mark or a
        # Chinese word typed here by mistake is refused at the key, not saved as a serial.
        self.serial.setValidator(QRegularExpressionValidator(QRegularExpression(SERIAL_TYPED),
                                                             self.serial))
        self.serial.setMaxLength(50)
        self.serial.setMinimumWidth(100)
        self.serial.setToolTip("票号(Alt+N),按 Enter 开始录入评分")
        self.serial.returnPressed.connect(self.serial_entered)
        self.own = QLineEdit()
        self.own.setPlaceholderText("序号或名称")
        self.own.setToolTip("所属部门(Alt+B):评委本人所在部门的序号或名称,用于回避本部门")
        self.own.setFixedWidth(110)
        self.own.returnPressed.connect(self.own_entered)
        self.own.textChanged.connect(self._show_own)
        self.own_name = QLabel()
        self.own_name.setWordWrap(True)
        self.own_name.setMinimumWidth(60)
        self._layout()

    def _layout(self) -> None:
        """Two rows, so that the page fits a 1024-wide screen beside the progress panel:
        类别 and 票号 first (every ballot), 所属部门 below (recusal groups only)."""
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        for column, (text, widget, row) in enumerate((
                ("评委类别(&G):", self.group, 0), ("票号(&N):", self.serial, 0),
                ("所属部门(&B):", self.own, 1))):
            label = QLabel(text)
            label.setBuddy(widget)
            place = 0 if row else column * 2
            grid.addWidget(label, row, place)
            grid.addWidget(widget, row, place + 1)
        grid.addWidget(self.own_name, 1, 2, 1, 3)
        grid.setColumnStretch(4, 1)
        font = self.font()
        font.setPointSize(font.pointSize() + 1)
        self.setFont(font)

    def set_choices(self, groups: list[Group], departments: list[Department]) -> None:
        current = self.group_name()
        self._groups, self._departments = list(groups), sorted(departments, key=lambda d: d.order)
        self.group.blockSignals(True)
        self.group.clear()
        for i, g in enumerate(groups, start=1):
            self.group.addItem(f"{i} {g.name}{'(回避本部门)' if g.recusal else ''}", g.name)
        self.group.blockSignals(False)
        self.group.setMinimumWidth(min(self.group.sizeHint().width(), GROUP_WIDTH))
        self.group.setMaximumWidth(max(self.group.minimumWidth(), GROUP_WIDTH))
        self.set_group(current)
        self._update_own()

    def group_name(self) -> str | None:
        return self.group.currentData()

    def current_group(self) -> Group | None:
        index = self.group.currentIndex()
        return self._groups[index] if 0 <= index < len(self._groups) else None

    def set_group(self, name: str | None) -> None:
        index = self.group.findData(name) if name else -1
        self.group.setCurrentIndex(index if index >= 0 else 0 if self._groups else -1)
        self._update_own()

    def serial_text(self) -> str:
        return self.serial.text().strip()

    def set_serial(self, serial: str) -> None:
        self.serial.setText(serial)
        self.serial.selectAll()

    def focus_serial(self) -> None:
        self.serial.setFocus(Qt.FocusReason.OtherFocusReason)
        self.serial.selectAll()

    def needs_own(self) -> bool:
        group = self.current_group()
        return bool(group and group.recusal)

    def _group_changed(self) -> None:
        self._update_own()
        self.group_changed.emit()

    def _update_own(self) -> None:
        self.own.setEnabled(self.needs_own())
        if not self.needs_own():
            self.own.clear()
        self._show_own()

    # --- own department --------------------------------------------------------------------
    def find_department(self, text: str) -> Department | None:
        text = text.strip()
        for d in self._departments:
            if text in (str(d.order), d.name, d.short_name):
                return d
        return None

    def own_department(self) -> str | None:
        """The typed own department's name (None when blank or not found)."""
        found = self.find_department(self.own.text()) if self.own.text().strip() else None
        return found.name if found else None

    def own_problem(self) -> str | None:
        text = self.own.text().strip()
        if text and self.find_department(text) is None:
            return f"所属部门:没有序号或名称为“{text}”的部门"
        return None

    def set_own(self, name: str | None) -> None:
        found = next((d for d in self._departments if d.name == name), None)
        self.own.setText(str(found.order) if found else "")

    def _show_own(self) -> None:
        if not self.own.isEnabled():
            self.own_name.setText("(不回避)")
        elif not self.own.text().strip():
            self.own_name.setText("(可不填)")
        else:
            found = self.find_department(self.own.text())
            self.own_name.setText(f"→ {found.name}" if found else "⚠ 未找到该部门")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the group chooser: a digit picks that group; Enter goes to the serial."""
        if watched is self.group and event.type() == QEvent.Type.KeyPress:
            text = event.text()
            if text.isdigit() and text.isascii() and 1 <= int(text) <= len(self._groups):
                self.set_group(self._groups[int(text) - 1].name)
                self.focus_serial()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.focus_serial()
                return True
        return super().eventFilter(watched, event)
