"""The 考评设置 form: its widgets (a mixin of the page) and reading each field's text into a
settings value, or the reason it is wrong."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from evalapp.domain import (
    GRADE_MODE,
    MODE_LABELS,
    SCORE_MODE,
    DomainError,
    format_decimal,
    parse_grades,
    parse_quota,
)
from evalapp.marks import to_decimal
from evalapp.setting_rules import tie_keys, tie_label
from ui.setup.category_table_model import CategoryTableModel
from ui.setup.component_table_model import ComponentTableModel
from ui.setup.table_editor import PROBLEM_STYLE, TableEditor

TIE_KEY = Qt.ItemDataRole.UserRole


class SettingsForm:
    """The widgets of the settings form; the page provides ``_changed`` and ``read_only``."""

    _error_labels: dict[str, QLabel]

    def _field(self, form: QFormLayout, label: str, key: str, widget: QWidget,
               hint: str = "") -> QWidget:
        """A form row: the input, a hint and a (hidden until needed) error line below it."""
        box = QWidget()
        rows = QVBoxLayout(box)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(2)
        rows.addWidget(widget)
        if hint:
            widget.setToolTip(hint)
        error = QLabel()
        error.setStyleSheet(PROBLEM_STYLE)
        error.setWordWrap(True)
        error.hide()
        rows.addWidget(error)
        self._error_labels[key] = error
        form.addRow(label, box)
        self._watch(widget)
        return widget

    def _watch(self, widget: QWidget) -> None:
        for signal in ("textChanged", "currentIndexChanged", "valueChanged", "toggled"):
            if hasattr(widget, signal):
                getattr(widget, signal).connect(self._changed)
                return

    @staticmethod
    def _wide(form: QFormLayout, label: str, widget: QWidget) -> None:
        """A row with its label above and the widget across the whole box."""
        caption = QLabel(label)
        caption.setWordWrap(True)
        form.addRow(caption)
        form.addRow(widget)

    def _line(self, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        return edit

    def _spin(self, high: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, high)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        return spin

    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return box, form

    def _basic_box(self) -> QGroupBox:
        box, form = self._group("基本信息")
        self.name_edit = self._field(form, "考评名称", "name", self._line())
        self.year_edit = self._field(form, "年度", "year", self._line("如 2021"))
        self.mode_box = QComboBox()
        for mode in (SCORE_MODE, GRADE_MODE):
            self.mode_box.addItem(MODE_LABELS[mode], mode)
        self._field(form, "计分方式", "mode", self.mode_box)
        self.named_box = self._field(form, "记名投票", "named_ballots",
                                     QCheckBox("选票可与评委姓名对应(默认不记名)"))
        self.double_box = self._field(form, "双人录入", "double_entry",
                                      QCheckBox("每张选票须两名录入员分别录入,一致后才计入"))
        return box

    def _marks_box(self) -> QGroupBox:
        box, form = self._group("评分")
        self.low_edit = self._field(form, "分值下限", "low", self._line())
        self.high_edit = self._field(form, "分值上限", "high", self._line())
        self.mark_decimals_spin = self._field(form, "打分小数位", "mark_decimals", self._spin(4))
        self.grades_edit = self._field(
            form, "等次分值", "grades", self._line("优秀=100,良好=85,一般=70,较差=50"),
            "从最好的等次写起,用逗号分隔;不计分的等次写成“不了解=”")
        return box

    def _validity_box(self) -> QGroupBox:
        box, form = self._group("选票有效性")
        self.ratio_edit = self._field(form, "优秀票上限比例", "excellent_ratio",
                                      self._line("如 0.3;留空为不限"),
                                      "每张选票“优秀”不得超过 部门数 × 比例(向下取整)")
        self.high_line_edit = self._field(form, "高分线", "high_line",
                                          self._line("如 95;百分制中不低于此分即为“优秀”"))
        self.identical_box = self._field(form, "全同分作废", "void_identical",
                                         QCheckBox("评了 2 个以上部门且全部同分的选票作废"))
        return box

    def _score_box(self) -> QGroupBox:
        box, form = self._group("综合得分")
        self.component_model = ComponentTableModel(self)
        self.components = TableEditor(self.component_model, "项目")
        self.components.fit_height(4)
        self._wide(form, "得分构成(须含集中考评,权重合计 100)", self.components)
        self.components.changed.connect(self._changed)
        self.bonus_cap_edit = self._field(form, "加分上限", "bonus_cap",
                                          self._line("留空为不设上限"))
        self.result_decimals_spin = self._field(form, "结果小数位", "result_decimals",
                                                self._spin(6))
        return box

    def _ranking_box(self) -> QGroupBox:
        box, form = self._group("排名与结果")
        self.tie_list = QListWidget()
        self.tie_list.setFixedHeight(130)
        self.tie_list.setToolTip("勾选(空格键)参与比较的项目;Alt+↑/Alt+↓ 调整先后")
        self.tie_list.itemChanged.connect(self._changed)
        up, down = QPushButton("上移 (Alt+↑)"), QPushButton("下移 (Alt+↓)")
        up.clicked.connect(lambda: self._move_tie(-1))
        down.clicked.connect(lambda: self._move_tie(1))
        for keys, step in (("Alt+Up", -1), ("Alt+Down", 1)):
            shortcut = QShortcut(QKeySequence(keys), self.tie_list)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda s=step: self._move_tie(s))
        tie = QWidget()
        tie_layout = QHBoxLayout(tie)
        tie_layout.setContentsMargins(0, 0, 0, 0)
        tie_layout.addWidget(self.tie_list, 1)
        moves = QVBoxLayout()
        moves.addWidget(up)
        moves.addWidget(down)
        moves.addStretch(1)
        tie_layout.addLayout(moves)
        self._wide(form, "同分排序(勾选的项目依次比较)", tie)
        self.category_model = CategoryTableModel(self)
        self.categories = TableEditor(self.category_model, "类别",
                                      "类别下还有部门时不能删除。")
        self.categories.fit_height(4)
        self.categories.changed.connect(self._changed)
        self._wide(form, "部门类别(名额可写人数或百分比)", self.categories)
        self.commend_edit = self._field(form, "表扬名额", "commend_quota",
                                        self._line("如 3 或 10%"), "未设部门类别时使用")
        self.admonish_edit = self._field(form, "诫勉名额", "admonish_quota",
                                         self._line("如 1 或 5%"), "未设部门类别时使用")
        self.admonish_below_edit = self._field(form, "诫勉分数线", "admonish_below",
                                               self._line("综合得分低于此分一律诫勉;留空为不设"))
        return box

    def _fill_ties(self, chosen: tuple[str, ...], groups: list[str]) -> None:
        self.tie_list.clear()
        candidates = tie_keys(groups)
        for key in [*chosen, *(k for k in candidates if k not in chosen)]:
            item = QListWidgetItem(tie_label(key))
            item.setData(TIE_KEY, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in chosen
                               else Qt.CheckState.Unchecked)
            self.tie_list.addItem(item)

    def _move_tie(self, step: int) -> None:
        row = self.tie_list.currentRow()
        target = row + step
        if self.read_only or row < 0 or not 0 <= target < self.tie_list.count():
            return
        item = self.tie_list.takeItem(row)
        self.tie_list.insertItem(target, item)
        self.tie_list.setCurrentRow(target)
        self._changed()

    def tie_break(self) -> tuple[str, ...]:
        items = (self.tie_list.item(i) for i in range(self.tie_list.count()))
        return tuple(i.data(TIE_KEY) for i in items if i.checkState() == Qt.CheckState.Checked)




def number(text: str, label: str, *, optional: bool = False, low: Decimal | None = None,
           high: Decimal | None = None) -> Decimal | None:
    """A typed number (None when optional and blank); DomainError names the field."""
    if not text:
        if optional:
            return None
        raise DomainError(f"{label}:不能为空")
    try:
        value = to_decimal(text)
    except ValueError:
        raise DomainError(f"{label}:“{text}”不是数字") from None
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            raise DomainError(f"{label}:不能小于 {format_decimal(low)}")
        raise DomainError(f"{label}:应在 {format_decimal(low)}–{format_decimal(high)} 之间")
    return value


def year(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not 1900 <= int(text) <= 2999:
        raise DomainError(f"年度:“{text}”应为四位数年份,如 2021")
    return int(text)


def _take(values: dict, errors: dict, key: str, parse) -> None:
    try:
        values[key] = parse()
    except DomainError as exc:
        errors[key] = str(exc)


def _range_checks(values: dict, errors: dict) -> None:
    low, high = values.get("low"), values.get("high")
    if low is not None and high is not None and high <= low:
        errors["high"] = "分值上限:必须大于分值下限"
        del values["high"]
        return
    line = values.get("high_line")
    if line is not None and low is not None and high is not None and not low <= line <= high:
        errors["high_line"] = (f"高分线:{format_decimal(line)} 不在分值范围 "
                               f"{format_decimal(low)}–{format_decimal(high)} 之内")
        del values["high_line"]


def read_settings(page) -> tuple[dict, dict[str, str]]:
    """Valid values by settings field, and the errors of the fields that are not valid."""
    values: dict = {}
    errors: dict[str, str] = {}
    name = page.name_edit.text().strip()
    if name:
        values["name"] = name
    else:
        errors["name"] = "考评名称:不能为空"
    _take(values, errors, "year", lambda: year(page.year_edit.text().strip()))
    values["mode"] = page.mode_box.currentData()
    zero, one = Decimal(0), Decimal(1)
    for key, edit, label, options in (
            ("low", page.low_edit, "分值下限", {}),
            ("high", page.high_edit, "分值上限", {}),
            ("excellent_ratio", page.ratio_edit, "优秀票上限比例",
             {"optional": True, "low": zero, "high": one}),
            ("high_line", page.high_line_edit, "高分线", {"optional": True}),
            ("bonus_cap", page.bonus_cap_edit, "加分上限", {"optional": True, "low": zero}),
            ("admonish_below", page.admonish_below_edit, "诫勉分数线",
             {"optional": True, "low": zero})):
        _take(values, errors, key,
              lambda e=edit, lb=label, o=options: number(e.text().strip(), lb, **o))
    _range_checks(values, errors)
    values["mark_decimals"] = page.mark_decimals_spin.value()
    values["result_decimals"] = page.result_decimals_spin.value()
    _take(values, errors, "grades", lambda: _grades(page.grades_edit.text()))
    values["void_identical"] = page.identical_box.isChecked()
    values["named_ballots"] = page.named_box.isChecked()
    values["double_entry"] = page.double_box.isChecked()
    values["tie_break"] = page.tie_break()
    _take(values, errors, "commend_quota", lambda: _quota(page.commend_edit.text(), "表扬名额"))
    _take(values, errors, "admonish_quota", lambda: _quota(page.admonish_edit.text(), "诫勉名额"))
    return values, errors


def _grades(text: str):
    try:
        return parse_grades(text)
    except DomainError as exc:
        raise DomainError(f"等次分值:{exc}") from None


def _quota(text: str, label: str):
    try:
        return parse_quota(text)
    except DomainError as exc:
        raise DomainError(f"{label}:{exc}") from None
