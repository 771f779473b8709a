"""Dialog to add or edit one department; it stays open until the service accepts the change."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QSpinBox,
)

from evalapp.domain import Department
from evalapp.reports.fonts import missing_glyphs_message
from ui.common.dialog_tools import SaveDialog

NO_CATEGORY = "(不分类别)"


class DepartmentDialog(SaveDialog):
    """Fields in the order of the 部门 sheet; ``save(department)`` returns an error or None."""

    def __init__(self, categories: list[str], save: Callable[[Department], str | None],
                 department: Department | None = None, next_order: int = 1,
                 taken_names: set[str] | frozenset = frozenset(), parent=None):
        super().__init__(save, parent)
        self._taken = set(taken_names) - ({department.name} if department else set())
        self.setWindowTitle("修改部门" if department else "新增部门")
        self.setMinimumWidth(460)
        self.order = QSpinBox()
        self.order.setRange(1, 9999)
        self.order.setToolTip("述职顺序也是选票上的顺序;改到已有的位置时,其后的部门依次顺延")
        self.name = QLineEdit()
        self.short_name = QLineEdit()
        self.category = QComboBox()
        self.presenter = QLineEdit()
        self.title_edit = QLineEdit()
        self._fill_categories(categories)
        self._lay_out()
        self._load(department, next_order)
        for edit in (self.name, self.short_name, self.presenter, self.title_edit):
            edit.textChanged.connect(self._check)
        self._check(initial=True)

    def _fill_categories(self, categories: list[str]) -> None:
        if categories:
            self.category.addItems(categories)
        else:
            self.category.addItem(NO_CATEGORY)
            self.category.setEnabled(False)
            self.category.setToolTip("本次考评没有定义部门类别(可在“考评设置”页添加)")

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("述职顺序(&O):", self.order)
        form.addRow("部门名称(&N):", self.name)
        form.addRow("简称(&S):", self.short_name)
        form.addRow("类别(&C):", self.category)
        form.addRow("述职人(&P):", self.presenter)
        form.addRow("职务(&T):", self.title_edit)
        self._lay_out_form(form)
        for first, second in [(self.order, self.name), (self.name, self.short_name),
                              (self.short_name, self.category),
                              (self.category, self.presenter),
                              (self.presenter, self.title_edit)]:
            QDialog.setTabOrder(first, second)

    def _load(self, d: Department | None, next_order: int) -> None:
        if d is None:
            self.order.setValue(next_order)
        else:
            self.order.setValue(d.order)
            self.name.setText(d.name)
            self.short_name.setText(d.short_name)
            if d.category and self.category.findText(d.category) >= 0:
                self.category.setCurrentText(d.category)
            self.presenter.setText(d.presenter)
            self.title_edit.setText(d.title)
        self.name.setFocus()

    def department(self) -> Department:
        category = self.category.currentText() if self.category.isEnabled() else None
        return Department(self.order.value(), self.name.text().strip(),
                          self.short_name.text().strip(), category or None,
                          self.presenter.text().strip(), self.title_edit.text().strip())

    def _problem(self) -> str | None:
        name = self.name.text().strip()
        if not name:
            return "部门名称:不能为空"
        if name in self._taken:
            return f"部门名称:“{name}”重复(已有此部门)"
        return None

    def glyph_warnings(self) -> list[str]:
        """Characters no bundled font can print, per field (a warning: saving stays allowed)."""
        found = []
        for label, edit in (("部门名称", self.name), ("简称", self.short_name),
                            ("述职人", self.presenter), ("职务", self.title_edit)):
            message = missing_glyphs_message(label, edit.text().strip())
            if message:
                found.append(message)
        return found

    def _check(self, *_args, initial: bool = False) -> None:
        problem = None if initial else self._problem()
        warnings = self.glyph_warnings()
        self.error.setText(problem or ("注意:" + ";".join(warnings) if warnings else ""))

    def typed_value(self) -> tuple[Department | None, str | None]:
        problem = self._problem()
        return (None, problem) if problem else (self.department(), None)
