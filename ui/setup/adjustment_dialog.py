"""Dialog to add a bonus/penalty item or a veto (一票否决); the reason is always required."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
)

from evalapp.domain import Adjustment
from ui.common.dialog_tools import SaveDialog


class AdjustmentDialog(SaveDialog):
    """部门 · 分值 · 事由 · 一票否决; ``save(adjustment)`` returns an error or None."""

    def __init__(self, departments: list[str], save: Callable[[Adjustment], str | None],
                 parent=None, department: str | None = None,
                 cap_note: Callable[[str, Decimal], str] | None = None):
        super().__init__(save, parent)
        self._cap_note = cap_note  # (department, points) -> "only 2 of 5 count" or ""
        self._departments = list(departments)
        self.setWindowTitle("新增加减分或一票否决")
        self.setMinimumWidth(520)
        self.department = self._make_department_box(department)
        self.points = QLineEdit()
        self.points.setPlaceholderText("加分填正数(如 1),减分填负数(如 -2)")
        self.points.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("必填,例如:获评全国先进集体")
        self.veto = QCheckBox("一票否决(该部门排在最后并列入诫勉,分值可填 0)")
        self.veto.toggled.connect(self._veto_toggled)
        self.cap = QLabel()  # 加分上限: what will really count (a hint, not a refusal)
        self.cap.setWordWrap(True)
        self.cap.setStyleSheet("color: #8A5A00;")
        self.cap.setMinimumHeight(self.cap.fontMetrics().height() * 2)  # reserved: no jumps
        self.points.textChanged.connect(self._show_cap)
        self.department.currentTextChanged.connect(self._show_cap)
        form = QFormLayout()
        form.addRow("部门(&D):", self.department)
        form.addRow("分值(&P):", self.points)
        form.addRow("", self.cap)
        form.addRow("事由(&R):", self.reason)
        form.addRow("", self.veto)
        self._lay_out_form(form)
        QDialog.setTabOrder(self.department, self.points)
        QDialog.setTabOrder(self.points, self.reason)
        QDialog.setTabOrder(self.reason, self.veto)
        self.department.setFocus()

    def _make_department_box(self, department: str | None) -> QComboBox:
        box = QComboBox()
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.addItems(self._departments)
        completer = QCompleter(self._departments, box)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        box.setCompleter(completer)
        box.setCurrentIndex(self._departments.index(department)
                            if department in self._departments else -1)
        box.lineEdit().setPlaceholderText("输入部门名称中的字可筛选")
        return box

    def _show_cap(self, *_args) -> None:
        text = ""
        if self._cap_note is not None:
            raw = self.points.text().strip().replace("−", "-").replace("+", "")
            try:
                points = Decimal(raw)
            except InvalidOperation:
                points = None
            if points is not None and points.is_finite() and points > 0:
                text = self._cap_note(self.department.currentText().strip(), points)
        self.cap.setText(text)

    def _veto_toggled(self, on: bool) -> None:
        if on and not self.points.text().strip():
            self.points.setText("0")

    def adjustment(self) -> tuple[Adjustment | None, str | None]:
        """The item as typed, or the reason it is not acceptable."""
        department = self.department.currentText().strip()
        if department not in self._departments:
            return None, "部门:请从列表中选择一个部门" if not department \
                else f"部门:“{department}”不存在"
        raw = self.points.text().strip().replace("−", "-").replace("+", "")
        veto = self.veto.isChecked()
        try:
            points = Decimal(raw) if raw else (Decimal(0) if veto else None)
        except InvalidOperation:
            points = None
        if points is None or not points.is_finite():
            return None, "分值:请填写数字,加分为正、减分为负"
        if points == 0 and not veto:
            return None, "分值:不能为 0"
        reason = self.reason.text().strip()
        if not reason:
            return None, "事由:加减分和一票否决都必须写明事由"
        return Adjustment(department, points, reason, veto), None

    def typed_value(self) -> tuple[Adjustment | None, str | None]:
        return self.adjustment()
