"""The 打印 page's options for blank ballots: the handwritten-score ballot or the
machine-readable one (bubbles, read back by 扫描核对), the group, the copies and the first
serial — and, below, which 票号 each group's sheets will carry."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from ui.common.combo import refill_combo

ALL_GROUPS = "全部评委类别"
HANDWRITTEN, MACHINE = "handwritten", "machine"
STYLES = {HANDWRITTEN: "手写评分表(填写评分)",
          MACHINE: "机读评分表(涂圆圈,扫描导入)"}
STYLE_NOTES = {HANDWRITTEN: "评委在表中写分数或等次,收回后由录入员录入。",
               MACHINE: "评委涂满圆圈;收回后扫描(文件 → 导入扫描选票 或 监视扫描文件夹),"
                        "存疑的评分在“扫描核对”页由人工核对。请按 100% 比例打印,勿缩放。"}
AUTO_START = "接在已录入票号之后"


class BallotPrintOptions(QWidget):
    """Emits ``changed`` when any choice changes."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.style = QComboBox()
        for key, label in STYLES.items():
            self.style.addItem(label, key)
        self.style.setToolTip("手写评分表,或可扫描导入的机读评分表")
        self.style.setSizeAdjustPolicy(  # its long words may be cut: the page fits 1024 px
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.style.setMinimumContentsLength(12)
        self.group = QComboBox()
        self.copies = QSpinBox()
        self.copies.setRange(0, 999)
        self.copies.setSpecialValueText("按发出票数")
        self.copies.setSuffix(" 份")
        self.copies.setToolTip("每个评委类别的份数;0 为按该类别的发出票数")
        self.start = QSpinBox()
        self.start.setRange(1, 9999)
        self.start.setToolTip("第一张评分表的序号(续印时从上次的下一号开始)")
        self.style_note = QLabel()
        self.style_note.setWordWrap(True)
        self.serial_hint = QLabel()
        self.serial_hint.setWordWrap(True)
        form = QFormLayout(self)
        for text, widget in (("样式(&Y):", self.style), ("评委类别(&G):", self.group),
                             ("份数(&C):", self.copies), ("起始序号(&S):", self.start)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow(self.style_note)
        form.addRow(self.serial_hint)
        self.style.currentIndexChanged.connect(self._style_changed)
        self.group.currentIndexChanged.connect(self.changed)
        self.copies.valueChanged.connect(self.changed)
        self.start.valueChanged.connect(self.changed)
        self._style_changed()

    def _style_changed(self) -> None:
        machine = self.machine()
        # Machine-readable sheets continue after the serials entered (never a 票号 twice).
        self.start.setMinimum(0 if machine else 1)
        self.start.setSpecialValueText(AUTO_START if machine else "")
        self.start.setValue(0 if machine else max(1, self.start.value()))
        self.style_note.setText(STYLE_NOTES[self.style.currentData()])
        self.changed.emit()

    def machine(self) -> bool:
        return self.style.currentData() == MACHINE

    def set_machine(self, on: bool) -> None:
        self.style.setCurrentIndex(self.style.findData(MACHINE if on else HANDWRITTEN))

    def fill(self, group_names: list[str]) -> None:
        refill_combo(self.group, group_names, ALL_GROUPS)

    def first_serial(self) -> int | None:
        """The first serial number; None: after the entered ones (machine-readable only)."""
        return self.start.value() or None
