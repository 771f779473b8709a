"""评委: the evaluator groups (weight, trimming, ballots issued, recusal) and the optional
roster, edited in tables, saved through the services, with undo of the last save."""

from __future__ import annotations


from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout

from evalapp.domain import DomainError, Evaluator, Group
from evalapp.services import evaluations, roster
from evalapp.services.context import MANAGE
from evalapp.setting_rules import weight_total_words, weights_complete
from ui.setup.evaluator_table_model import EvaluatorTableModel
from ui.setup.group_table_model import GroupTableModel
from ui.common.base import Page
from ui.operations import SETTINGS
from ui.common.page_tools import open_evaluation_info, show_edit_state
from ui.setup.table_editor import PROBLEM_STYLE, TableEditor

OK_STYLE = "color: #1E6B30;"


def weight_line(total, rows: int) -> tuple[str, bool]:
    """The weight-sum line and whether it is right."""
    if rows == 0:
        return "尚未设置评委类别:请按 Ins 添加", True
    if total is None:
        return "⚠ 权重中有不是数字的值,无法合计", False
    if weights_complete(total):
        return "权重合计 100 ✓", True
    return f"⚠ {weight_total_words(total)}", False


class GroupsPage(Page):
    """Groups and roster of ``ctx.evaluation_id``; Save (Ctrl+S), undo the last save (Ctrl+Z)."""

    title = "评委"
    locks_when_final = True
    permission = MANAGE
    shortcut = "Ctrl+3"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self._groups: list[Group] = []  # as last loaded from the services
        self._evaluators: list[Evaluator] = []
        self._undo: list[tuple[list[Group], list[Evaluator]]] = []
        self._loaded = False
        self.read_only = True
        self._build()
        ctx.evaluation_changed.connect(self._on_evaluation_changed)
        ctx.changed.connect(self._on_changed)
        self.refresh()

    def _build(self) -> None:
        self.heading, self.note = QLabel(), QLabel()
        self.note.setWordWrap(True)
        self.group_model = GroupTableModel(self)
        self.groups = TableEditor(self.group_model, "类别",
                                  "已有选票的评委类别不能删除(保存时会被拒绝)。")
        self.groups.fit_height(7)
        self.weight_label = QLabel()
        self.evaluator_model = EvaluatorTableModel(self)
        self.roster = TableEditor(self.evaluator_model, "评委", stretch=2)
        self.group_model.edited.connect(self._groups_edited)
        self.evaluator_model.edited.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(QLabel("<b>评委类别</b>(权重为百分数,各类别合计 100;"
                                "去极值起始人数至少为 2×去掉个数+1)"))
        layout.addWidget(self.groups)
        layout.addWidget(self.weight_label)
        layout.addWidget(QLabel("<b>评委名单</b>(可选;不记名投票时只作名册,选票不与姓名关联)"))
        layout.addWidget(self.roster, 1)
        layout.addLayout(self._save_bar())

    def _save_bar(self) -> QHBoxLayout:
        self.state = QLabel()
        self.undo_button = QPushButton("撤销上一次修改 (Ctrl+Z)")
        self.undo_button.setToolTip("把评委类别和名单恢复到上一次保存之前的样子(Ctrl+Z)")
        self.undo_button.clicked.connect(self.undo)
        self.save_button = QPushButton("保存 (Ctrl+S)")
        self.save_button.setToolTip("保存评委类别和评委名单(Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save)
        QShortcut(QKeySequence("Ctrl+Z"), self).activated.connect(self.undo)
        bar = QHBoxLayout()
        bar.addWidget(self.state, 1)
        bar.addWidget(self.undo_button)
        bar.addWidget(self.save_button)
        return bar

    # Loading.

    def refresh(self) -> None:
        ev_id = self.ctx.evaluation_id
        info = open_evaluation_info(self.ctx)
        show_edit_state(self, info, "评委设置")
        self._loaded = False
        if info is None:
            self._groups, self._evaluators = [], []
        else:
            data = evaluations.get_data(self.ctx.db, ev_id)
            self._groups, self._evaluators = data.groups, data.evaluators
        self.group_model.set_groups(self._groups)
        self.evaluator_model.set_group_names(self.group_model.names())
        self.evaluator_model.set_evaluators(self._evaluators)
        self.groups.set_editable(not self.read_only)
        self.roster.set_editable(not self.read_only)
        self._loaded = True
        self._update()

    # Checking as the user types.

    def _groups_edited(self) -> None:
        self.evaluator_model.set_group_names(self.group_model.names())
        self._update()

    def problems(self) -> list[str]:
        """Everything that blocks saving (the weight sum is shown on its own line)."""
        weight = self.group_model.weight_problem()
        return (self.group_model.problems() + ([weight] if weight else [])
                + self.evaluator_model.problems())

    def is_dirty(self) -> bool:
        if self.problems():
            return True
        return (self.group_model.groups() != self._groups
                or self.evaluator_model.evaluators() != self._evaluators)

    def _update(self) -> None:
        if not self._loaded:
            return
        text, right = weight_line(self.group_model.weight_total(),
                                  self.group_model.rowCount())
        self.weight_label.setText(text)
        self.weight_label.setStyleSheet(OK_STYLE if right else PROBLEM_STYLE)
        problems, dirty = self.problems(), self.is_dirty()
        self.save_button.setEnabled(not self.read_only and dirty and not problems)
        self.undo_button.setEnabled(not self.read_only and bool(self._undo))
        self.state.setText("" if self.read_only else
                           f"有 {len(problems)} 处需要修改,改好后才能保存" if problems
                           else "有未保存的修改" if dirty else "✓ 评委设置均已保存")

    # Saving and undoing.

    def _write(self, groups: list[Group], evaluators: list[Evaluator]) -> bool:
        """Write groups, then the roster, through the services; True if anything was saved."""
        db, actor, ev_id = self.ctx.db, self.ctx.actor, self.ctx.evaluation_id
        wrote = False
        if groups != self._groups:
            roster.save_groups(db, actor, ev_id, groups)
            wrote = True
        if evaluators != evaluations.get_data(db, ev_id).evaluators:
            roster.save_evaluators(db, actor, ev_id, evaluators)
            wrote = True
        return wrote

    def _after_write(self, message: str) -> None:
        self.refresh()
        self.announce(SETTINGS)
        self.ctx.saved.emit(message)

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        before = (list(self._groups), list(self._evaluators))
        groups, evaluators = self.group_model.groups(), self.evaluator_model.evaluators()
        try:
            wrote = self._write(groups, evaluators)
        except DomainError as exc:
            data = evaluations.get_data(self.ctx.db, self.ctx.evaluation_id)
            if (data.groups, data.evaluators) != before:  # the groups got saved
                self._undo.append(before)
            self._groups, self._evaluators = data.groups, data.evaluators
            self._update()
            self.show_error(exc, "无法保存评委设置")
            return
        if wrote:
            self._undo.append(before)
        self._after_write("已保存 评委")

    def undo(self) -> None:
        if self.read_only or not self._undo:
            return
        if self.is_dirty():
            answer = QMessageBox.question(
                self, "撤销上一次修改",
                "撤销会恢复到上一次保存之前的评委设置,尚未保存的修改将被放弃。\n确定撤销吗?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        groups, evaluators = self._undo[-1]
        try:
            self._write(groups, evaluators)
        except DomainError as exc:
            self.show_error(exc, "无法撤销")
            self.refresh()
            return
        self._undo.pop()
        self._after_write("已撤销 评委的上一次修改")

    def _on_evaluation_changed(self, _evaluation_id) -> None:
        self._undo.clear()
        self.refresh()

    def _on_changed(self, changes) -> None:
        """Another page's or station's change: reload unless the tables hold unsaved edits."""
        if changes.initiator is not self and changes.data and not self.is_dirty():
            self.refresh()
