"""考评设置: every RULES.md setting of the open evaluation, checked as it is typed, with a
plain-language summary of the rule set beside the form."""

from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from evalapp.domain import (
    GRADE_MODE,
    SCORE_MODE,
    DomainError,
    EvaluationData,
    Settings,
    format_decimal,
    grades_text,
)
from evalapp.rule_summary import rule_summary
from evalapp.services import evaluations, roster
from evalapp.services.context import MANAGE
from evalapp.services.validation import settings_problems
from ui.common.base import Page
from ui.operations import SETTINGS
from ui.common.page_tools import open_evaluation_info, show_edit_state
from ui.setup.settings_fields import SettingsForm, read_settings
from ui.setup.table_editor import PROBLEM_STYLE, problems_text

MARK_FIELDS = {"mode", "low", "high", "mark_decimals", "grades"}


def _text(value) -> str:
    return "" if value is None else format_decimal(value) if not isinstance(value, (int, str)) \
        else str(value)


class SettingsPage(SettingsForm, Page):
    """The settings of ``ctx.evaluation_id``; Save (Ctrl+S) writes what changed."""

    title = "考评设置"
    locks_when_final = True
    permission = MANAGE
    shortcut = "Ctrl+1"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self._data: EvaluationData | None = None
        self._ballots = 0
        self._loading = False
        self.read_only = True
        self.errors: dict[str, str] = {}
        self._error_labels: dict[str, QLabel] = {}
        self._build()
        ctx.evaluation_changed.connect(lambda _id: self.refresh())
        ctx.changed.connect(self._on_changed)
        self.refresh()

    # Building the form.

    def _build(self) -> None:
        self.form = QWidget()
        self.columns = columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.form)
        for boxes in ((self._basic_box(), self._marks_box(), self._validity_box()),
                      (self._score_box(), self._ranking_box())):
            column = QVBoxLayout()
            for box in boxes:
                column.addWidget(box)
            column.addStretch(1)
            columns.addLayout(column, 1)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        side = QVBoxLayout()
        side.addWidget(QLabel("规则摘要(按当前填写内容,计分时即按此执行)"))
        side.addWidget(self.summary, 1)
        body = QHBoxLayout()
        body.addWidget(scroll, 7)
        body.addLayout(side, 2)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addLayout(body, 1)
        layout.addLayout(self._save_bar())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Two columns of boxes side by side when they fit, else one above the other (the
        form scrolls down, never sideways)."""
        super().resizeEvent(event)
        wanted = sum(self.columns.itemAt(i).layout().minimumSize().width()
                     for i in range(self.columns.count())) + 3 * self.columns.spacing() + 24
        direction = QBoxLayout.Direction.LeftToRight \
            if self.scroll.viewport().width() >= wanted else QBoxLayout.Direction.TopToBottom
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)

    def _save_bar(self) -> QHBoxLayout:
        self.general = QLabel()
        self.general.setStyleSheet(PROBLEM_STYLE)
        self.general.setWordWrap(True)
        self.state = QLabel()
        self.reload_button = QPushButton("放弃修改")
        self.reload_button.clicked.connect(self._discard)
        self.save_button = QPushButton("保存 (Ctrl+S)")
        self.save_button.setToolTip("保存考评设置(Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save)
        bar = QHBoxLayout()
        bar.addWidget(self.general, 1)
        bar.addWidget(self.state)
        bar.addWidget(self.reload_button)
        bar.addWidget(self.save_button)
        return bar

    # Loading.

    def refresh(self) -> None:
        for label in self._error_labels.values():  # a fresh form: no reserved warning lines
            policy = label.sizePolicy()
            policy.setRetainSizeWhenHidden(False)
            label.setSizePolicy(policy)
        ev_id = self.ctx.evaluation_id
        info = open_evaluation_info(self.ctx)
        self._data = None if info is None else evaluations.get_data(self.ctx.db, ev_id)
        self._ballots = 0 if info is None else info.ballots
        show_edit_state(self, info, "设置")
        self.form.setEnabled(not self.read_only)
        self.components.set_editable(not self.read_only)
        self.categories.set_editable(not self.read_only)
        if self._data is not None:
            self._fill(self._data)
        self._changed()

    def _fill(self, data: EvaluationData) -> None:
        s = data.settings
        self._loading = True
        try:
            self.name_edit.setText(s.name)
            self.year_edit.setText(_text(s.year))
            self.mode_box.setCurrentIndex(max(0, self.mode_box.findData(s.mode)))
            for box, flag in ((self.named_box, s.named_ballots),
                              (self.double_box, s.double_entry),
                              (self.identical_box, s.void_identical)):
                box.setChecked(flag)
            for edit, value in ((self.low_edit, s.low), (self.high_edit, s.high),
                                (self.ratio_edit, s.excellent_ratio),
                                (self.high_line_edit, s.high_line),
                                (self.bonus_cap_edit, s.bonus_cap),
                                (self.admonish_below_edit, s.admonish_below)):
                edit.setText(_text(value))
            self.mark_decimals_spin.setValue(s.mark_decimals)
            self.result_decimals_spin.setValue(s.result_decimals)
            self.grades_edit.setText(grades_text(s.grades))
            self.commend_edit.setText(s.commend_quota.text())
            self.admonish_edit.setText(s.admonish_quota.text())
            self.component_model.set_components(data.components)
            self.category_model.set_categories(data.categories)
            self._fill_ties(s.tie_break, [g.name for g in data.groups])
        finally:
            self._loading = False

    # Checking as the user types.

    def _candidate(self) -> tuple[Settings, dict, dict[str, str]]:
        """(settings as typed, valid values by field, errors by field)."""
        values, errors = read_settings(self)
        for key, model in (("components", self.component_model),
                           ("categories", self.category_model)):
            if model.problems():
                errors[key] = model.problems()[0]
        settings = replace(self._data.settings, **values)
        general = settings_problems(settings, [g.name for g in self._data.groups])
        if general and not errors:
            errors["_general"] = ";".join(general)
        return settings, values, errors

    def _changes(self, values: dict) -> dict:
        old = self._data.settings
        return {k: v for k, v in values.items() if getattr(old, k) != v}

    def _tables_changed(self) -> tuple[bool, bool]:
        cats = not self.category_model.problems() and \
            self.category_model.categories() != self._data.categories
        comps = not self.component_model.problems() and \
            self.component_model.components() != self._data.components
        return cats, comps

    def is_dirty(self) -> bool:
        if self._data is None:
            return False
        _, values, errors = self._candidate()
        return bool(errors) or bool(self._changes(values)) or any(self._tables_changed())

    def _changed(self, *_args) -> None:
        if self._loading:
            return
        if self._data is None:
            self.save_button.setEnabled(False)
            self.summary.clear()
            return
        settings, values, self.errors = self._candidate()
        for key, label in self._error_labels.items():
            label.setText(f"⚠ {self.errors[key]}" if key in self.errors else "")
            if key in self.errors:  # once shown, its place stays until the next load:
                policy = label.sizePolicy()  # a warning that goes away moves no field
                policy.setRetainSizeWhenHidden(True)  # under the pointer
                label.setSizePolicy(policy)
            label.setVisible(key in self.errors)
        self.general.setText(problems_text([self.errors["_general"]])
                             if "_general" in self.errors else "")
        self._enable_by_mode(values.get("mode", SCORE_MODE))
        dirty = bool(self.errors) or bool(self._changes(values)) or any(self._tables_changed())
        self.save_button.setEnabled(not self.read_only and dirty and not self.errors)
        self.reload_button.setEnabled(not self.read_only and dirty)
        self.state.setText("" if self.read_only else
                           f"有 {len(self.errors)} 处需要修改,改好后才能保存" if self.errors
                           else "有未保存的修改" if dirty else "✓ 设置均已保存")
        self._show_summary(settings)

    def _enable_by_mode(self, mode: str) -> None:
        score = mode != GRADE_MODE
        for widget in (self.low_edit, self.high_edit, self.mark_decimals_spin,
                       self.high_line_edit, self.identical_box):
            widget.setEnabled(score)
        self.grades_edit.setEnabled(not score)
        implicit = self.category_model.rowCount() == 0
        self.commend_edit.setEnabled(implicit)
        self.admonish_edit.setEnabled(implicit)

    def _show_summary(self, settings: Settings) -> None:
        data = replace(self._data, settings=settings)
        if not self.category_model.problems():
            data.categories = self.category_model.categories()
        if not self.component_model.problems():
            data.components = self.component_model.components()
        paragraphs = [html.escape(p) for p in rule_summary(data)]
        if self.errors:
            paragraphs.insert(0, f"⚠ 有 {len(self.errors)} 处填写有误,摘要中这些项按原设置显示。")
        self.summary.setHtml("".join(f"<p style='margin-bottom:8px'>{p}</p>"
                                     for p in paragraphs))

    def summary_text(self) -> str:
        return self.summary.toPlainText()

    # Saving.

    def save(self) -> None:
        if not self.save_button.isEnabled() or self._data is None:
            return
        _, values, errors = self._candidate()
        if errors:
            return
        changes = self._changes(values)
        cats, comps = self._tables_changed()
        if self._ballots and MARK_FIELDS & set(changes) and not self._confirm_marks():
            return
        db, actor, ev_id = self.ctx.db, self.ctx.actor, self.ctx.evaluation_id
        try:
            if cats:
                roster.save_categories(db, actor, ev_id, self.category_model.categories())
            if comps:
                roster.save_components(db, actor, ev_id, self.component_model.components())
            if changes:
                evaluations.update_settings(db, actor, ev_id, **changes)
        except DomainError as exc:
            self._data = evaluations.get_data(db, ev_id)  # what did get saved
            self._changed()
            self.announce(SETTINGS)  # part of it may be saved
            self.show_error(exc, "无法保存考评设置")
            return
        self.refresh()
        self.announce(SETTINGS)
        self.ctx.saved.emit("已保存 考评设置")

    def _confirm_marks(self) -> bool:
        answer = QMessageBox.question(
            self, "修改计分方式",
            f"已录入 {self._ballots} 张选票。修改计分方式、分值范围、小数位或等次后,"
            "已录入的评分可能不再符合设置,结果会随之改变。\n确定保存吗?")
        return answer == QMessageBox.StandardButton.Yes

    def _discard(self) -> None:
        answer = QMessageBox.question(self, "放弃修改", "放弃尚未保存的考评设置修改,恢复为已保存的设置?")
        if answer == QMessageBox.StandardButton.Yes:
            self.refresh()

    def _on_changed(self, changes) -> None:
        """Another page's or station's change: reload unless the form holds unsaved edits."""
        if changes.initiator is not self and changes.data and not self.is_dirty():
            self.refresh()
