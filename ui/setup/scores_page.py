"""The 其他得分与加减分 page: a grid of component values typed per department, and the list
of bonus/penalty items and vetoes, each with its reason; undo of the last change."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from evalapp.domain import ONSITE_COMPONENT, Adjustment, DomainError, format_decimal
from evalapp.services import roster
from evalapp.services.context import MANAGE
from evalapp.services.evaluations import get_data
from evalapp.tally import capped_bonus
from ui.setup.adjustment_dialog import AdjustmentDialog
from ui.setup.adjustment_table_model import (
    ID_ROLE,
    ROW_ROLE,
    AdjustmentTableModel,
    adjustment_text,
)
from ui.setup.component_value_table_model import FIXED_HEADERS, ComponentValueTableModel
from ui.common.base import Page
from ui.operations import SCORES
from ui.common.page_tools import (
    UndoList, action_buttons, enlarge_font, heading_label, make_action, row_table
)

ROW_HEIGHT = 34
NO_COMPONENTS = ("本次考评的得分构成只有“集中考评”一项,不需要填写其他得分。\n\n"
                 "如果综合得分还要计入目标考核、日常考核等项目:打开左侧的“考评设置”页,"
                 "在“得分构成”中添加项目并填写权重(各项权重之和为 100),"
                 "再回到本页逐个部门填写。")


def _table(font_step: int = 1) -> QTableView:
    table = QTableView()
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    enlarge_font(table, font_step)
    return table


class ScoresPage(Page):
    """其他得分与加减分: edit a cell and press Enter to save it; Ctrl+N adds an item."""

    title = "其他得分与加减分"
    locks_when_final = True
    permission = MANAGE
    shortcut = "Ctrl+4"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.dialog: AdjustmentDialog | None = None
        self._bonus_cap: Decimal | None = None
        self.departments: list[str] = []
        self._undo = UndoList()
        self._new_ids: dict[int, int] = {}  # an item removed and added back gets a new id
        self._stay = False  # the last typed value was refused: keep the cursor on its cell
        self.values = ComponentValueTableModel(self)
        self.values.writer = self._write_value
        self.values.refused.connect(self._refused)
        self.values.dataChanged.connect(lambda *_args: self._show_counts())
        self.adjustments = AdjustmentTableModel(self)
        self.grid = self._make_grid()
        self.items = self._make_items()
        self.missing = QLabel()
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #B00020; font-weight: bold;")
        self.notice.hide()
        self.summary = QLabel()
        self._make_actions()
        self._lay_out()
        ctx.evaluation_changed.connect(self._evaluation_changed)
        self.refresh()

    # Building the page

    def _make_grid(self) -> QTableView:
        grid = _table()
        grid.setModel(self.values)
        grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        grid.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        grid.itemDelegate().closeEditor.connect(self._editor_closed)
        return grid

    def _make_items(self) -> QTableView:
        table = row_table(_table())
        table.setModel(self.adjustments)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate([170, 80, 200, 80]):
            table.setColumnWidth(column, width)
        return table

    def _action(self, text: str, keys, slot, tip: str, widget: QWidget | None = None,
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut) -> QAction:
        return make_action(self, text, keys, slot, tip, widget, context)

    def _make_actions(self) -> None:
        self.add_action = self._action("新增加减分/一票否决 Ctrl+N", "Ctrl+N",
                                       self.add_adjustment, "新增一条加减分或一票否决")
        self.remove_action = self._action(
            "删除 Delete", QKeySequence.StandardKey.Delete, self.remove_current,
            "删除选中的加减分(需填写原因)", self.items, Qt.ShortcutContext.WidgetShortcut)
        self.clear_action = self._action(
            "清除此格 Delete", QKeySequence.StandardKey.Delete, self.clear_current_value,
            "清除选中格的得分(该部门此项变为“缺”)", self.grid, Qt.ShortcutContext.WidgetShortcut)
        self.undo_action = self._action("撤销上一次修改 Ctrl+Z", "Ctrl+Z", self.undo,
                                        "撤销本页上一次修改")

    def _lay_out(self) -> None:
        left = QGroupBox("其他得分(按部门填写,0–100 分)")
        self.empty = QLabel(NO_COMPONENTS)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.value_stack = QStackedWidget()
        self.value_stack.addWidget(self.grid)
        self.value_stack.addWidget(self.empty)
        hint = QLabel("选中一格输入分数,Enter 保存并移到下一部门;Delete 清除;未填为“缺”。")
        hint.setWordWrap(True)
        box = QVBoxLayout(left)
        box.addWidget(hint)
        box.addWidget(self.missing)
        box.addWidget(self.value_stack, 1)
        right = QGroupBox("加减分与一票否决(每条都须写明事由)")
        box = QVBoxLayout(right)
        box.addLayout(action_buttons((self.add_action, self.remove_action, self.undo_action)))
        box.addWidget(self.summary)
        box.addWidget(self.items, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([540, 620])
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label(self.title))
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)

    # Showing

    def refresh(self) -> None:
        evaluation_id = self.ctx.evaluation_id
        if evaluation_id is None:
            self.values.set_rows([], [], {})
            self.adjustments.set_rows([])
            self.departments = []
            self._notify("尚未打开考评活动。")
            self._update_actions()
            return
        try:
            data = get_data(self.ctx.db, evaluation_id)
            items = roster.list_adjustments(self.ctx.db, evaluation_id)
        except DomainError as exc:
            self.show_error(exc)
            return
        decimals = data.settings.result_decimals
        self._bonus_cap = data.settings.bonus_cap
        others = [c.name for c in data.effective_components() if c.name != ONSITE_COMPONENT]
        self.departments = [d.name for d in sorted(data.departments, key=lambda d: d.order)]
        self.values.set_rows(data.departments, others, data.component_values, decimals)
        self.value_stack.setCurrentWidget(self.grid if others else self.empty)
        self._size_grid(others)
        self.adjustments.set_rows(items, decimals)
        self._show_counts()
        self._update_actions()

    def _size_grid(self, components: list[str]) -> None:
        self.grid.setColumnWidth(0, 76)
        self.grid.setColumnWidth(1, 200)
        for position in range(len(components)):
            self.grid.setColumnWidth(len(FIXED_HEADERS) + position, 100)

    def _show_counts(self) -> None:
        missing = self.values.missing()
        if not self.values.components():
            self.missing.setText("")
        elif missing:
            self.missing.setText(f"⚠ 尚缺 {missing} 项,定稿前须补齐(表中标“缺”的格)")
            self.missing.setStyleSheet("color: #8A5A00; font-weight: bold;")
        else:
            self.missing.setText("✓ 各部门的其他得分已填齐")
            self.missing.setStyleSheet("color: #1E6B30;")
        rows = [a for _id, a in self.adjustments.rows()]
        vetoes = sum(1 for a in rows if a.veto)
        bonus = sum(1 for a in rows if a.points > 0 and not a.veto)
        penalty = sum(1 for a in rows if a.points < 0 and not a.veto)
        self.summary.setText(f"共 {len(rows)} 条:加分 {bonus} 条,减分 {penalty} 条,"
                             f"一票否决 {vetoes} 条")

    def _update_actions(self) -> None:
        writable = self.ctx.evaluation_id is not None and self.ctx.may(MANAGE)
        self.add_action.setEnabled(writable and bool(self.departments))
        self.remove_action.setEnabled(writable and self.adjustments.rowCount() > 0)
        self.clear_action.setEnabled(writable)
        self._undo.show_on(self.undo_action, writable)

    def _evaluation_changed(self, _evaluation_id) -> None:
        self._undo.clear()
        self._new_ids.clear()
        self._notify("")
        self.refresh()

    def _refused(self, message: str) -> None:
        self._stay = True
        self._notify(f"⚠ {message}")

    def _editor_closed(self, _editor, hint) -> None:
        """Enter saved the cell: go down to the next department, like on paper (not when the
        value was refused, so it can be typed again)."""
        stay, self._stay = self._stay, False
        index = self.grid.currentIndex()
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache and not stay \
                and index.row() + 1 < self.values.rowCount():
            self.grid.setCurrentIndex(index.sibling(index.row() + 1, index.column()))

    def _notify(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _changed(self, label: str, undo: Callable[[], None]) -> None:
        self._undo.push(label, undo)
        self._notify("")
        self._show_counts()
        self._update_actions()
        self.announce(SCORES)
        self.ctx.saved.emit(f"已保存:{label}")

    def undo(self) -> None:
        label = self._undo.undo_last(self)
        if label is None:
            return
        self._notify("")
        self.refresh()
        self.announce(SCORES)
        self.ctx.saved.emit(f"已撤销:{label}")

    # Component values

    def _set_value(self, department: str, component: str, value: Decimal | None) -> None:
        ctx = self.ctx
        roster.set_component_value(ctx.db, ctx.actor, ctx.evaluation_id, department, component,
                                   value)

    def _write_value(self, department: str, component: str, value: Decimal | None) -> bool:
        """The grid's writer: save one cell through the service (False when refused)."""
        old = self.values.value(department, component)
        try:
            self._set_value(department, component, value)
        except DomainError as exc:
            self._refused(str(exc))
            return False
        shown = "清除" if value is None else f"填写 {value}"
        self._changed(f"{department} 的{component}{shown}",
                      lambda: self._set_value(department, component, old))
        return True

    def clear_current_value(self) -> None:
        index = self.grid.currentIndex()
        if index.isValid() and index.column() >= len(FIXED_HEADERS):
            self.values.setData(index, "", Qt.ItemDataRole.EditRole)

    # Adjustments

    def add_adjustment(self) -> None:
        if not self.add_action.isEnabled():
            return
        self.dialog = AdjustmentDialog(self.departments, self._save_adjustment, self,
                                       cap_note=self._cap_note)
        self.dialog.finished.connect(lambda _code: self.items.setFocus())
        self.dialog.open()

    def _cap_note(self, department: str, points: Decimal) -> str:
        """加分上限: when this bonus would take the department past the cap, say what counts."""
        cap = self._bonus_cap
        if cap is None or department not in self.departments:
            return ""
        earlier = [a.points for row in range(self.adjustments.rowCount())
                   for a in [self.adjustments.index(row, 0).data(ROW_ROLE)]
                   if a.department == department]
        total = sum((p for p in earlier + [points] if p > 0), Decimal(0))
        if capped_bonus(earlier + [points], cap) == total:
            return ""
        return (f"ⓘ 加分上限 {format_decimal(cap)} 分:“{department}”的加分合计 "
                f"{format_decimal(total)} 分,计分时只计 {format_decimal(cap)} 分"
                "(仍可保存,每项加分都会记录)。")

    def _save_adjustment(self, a: Adjustment) -> str | None:
        ctx = self.ctx
        try:
            new_id = roster.add_adjustment(ctx.db, ctx.actor, ctx.evaluation_id, a)
        except DomainError as exc:
            return str(exc)
        self.refresh()
        self._select_item(new_id)
        self._changed(f"新增{adjustment_text(a)}", lambda: roster.remove_adjustment(
            ctx.db, ctx.actor, ctx.evaluation_id, self._resolve(new_id), "撤销新增"))
        return None

    def _resolve(self, item_id: int) -> int:
        seen = {item_id}
        while self._new_ids.get(item_id, item_id) not in seen:
            item_id = self._new_ids[item_id]
            seen.add(item_id)
        return item_id

    def _select_item(self, item_id: int) -> None:
        for row in range(self.adjustments.rowCount()):
            if self.adjustments.index(row, 0).data(ID_ROLE) == item_id:
                self.items.selectRow(row)
                return

    def remove_current(self) -> None:
        index = self.items.currentIndex()
        if not index.isValid() or not self.remove_action.isEnabled():
            return
        item_id = index.siblingAtColumn(0).data(ID_ROLE)
        a: Adjustment = index.siblingAtColumn(0).data(ROW_ROLE)
        reason, ok = QInputDialog.getText(
            self, "删除加减分", f"删除{adjustment_text(a)}\n请填写删除原因(必填,记入操作日志):")
        if not ok:
            return
        ctx = self.ctx
        try:
            roster.remove_adjustment(ctx.db, ctx.actor, ctx.evaluation_id,
                                     self._resolve(item_id), reason)
        except DomainError as exc:
            self.show_error(exc, "未删除")
            return
        self.refresh()

        def undo() -> None:
            new_id = roster.add_adjustment(ctx.db, ctx.actor, ctx.evaluation_id, a)
            if new_id != item_id:
                self._new_ids[item_id] = new_id
        self._changed(f"删除{adjustment_text(a)}", undo)
