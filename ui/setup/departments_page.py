"""The 部门 page: the departments in presentation order; add, edit, remove, reorder, import
from a workbook, and undo the last change — every change through the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
)

from evalapp.domain import Department, DomainError
from evalapp.services import roster, roster_import
from evalapp.services.context import MANAGE
from evalapp.services.evaluations import get_data
from evalapp.workbook.sheets import WorkbookError
from ui.setup.department_dialog import DepartmentDialog
from ui.setup.department_table_model import DepartmentTableModel
from ui.common.base import Page
from ui.operations import ROSTER, Op
from ui.common.page_tools import (
    UndoList, action_buttons, enlarge_font, heading_label, make_action, row_table
)
from ui.shell.workbook_import import import_warning_text

ROW_HEIGHT = 36


class DepartmentsPage(Page):
    """部门: the table of departments; each action is a keyboard shortcut and a button."""

    title = "部门"
    locks_when_final = True
    permission = MANAGE
    shortcut = "Ctrl+2"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.categories: list[str] = []
        self.dialog: DepartmentDialog | None = None
        self._undo = UndoList()
        self.model = DepartmentTableModel(self)
        self.model.move_requested.connect(self.move_to, Qt.ConnectionType.QueuedConnection)
        self.table = self._make_table()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setMaximumHeight(150)
        self.problems.hide()
        self.problems_label = QLabel()
        self.problems_label.hide()
        self._make_actions()
        self._lay_out()
        ctx.evaluation_changed.connect(self._evaluation_changed)
        self.refresh()

    # Building the page

    def _make_table(self) -> QTableView:
        table = row_table(QTableView())
        table.setModel(self.model)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        table.setDragEnabled(True)
        table.setDropIndicatorShown(True)
        table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        enlarge_font(table)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate([90, 300, 150, 170, 120, 150]):
            table.setColumnWidth(column, width)
        table.activated.connect(lambda _index: self.edit_current())
        return table

    def _action(self, text: str, keys, slot, tip: str) -> QAction:
        return make_action(self, text, keys, slot, tip)

    def _make_actions(self) -> None:
        self.add_action = self._action("新增部门 Ctrl+N", "Ctrl+N", self.add_department,
                                       "新增一个部门")
        self.edit_action = self._action("修改 F2/Enter", "F2", self.edit_current,
                                        "修改选中的部门,也可按 Enter")
        self.remove_action = self._action("删除 Delete", QKeySequence.StandardKey.Delete,
                                          self.remove_current, "删除选中的部门(需确认)")
        self.up_action = self._action("上移 Ctrl+↑", "Ctrl+Up", lambda: self.move_current(-1),
                                      "述职顺序提前一位,也可拖动")
        self.down_action = self._action("下移 Ctrl+↓", "Ctrl+Down",
                                        lambda: self.move_current(1), "述职顺序推后一位,也可拖动")
        self.import_action = self._action("从工作簿导入 Ctrl+I", "Ctrl+I",
                                          self.import_workbook,
                                          "从 .xlsx 工作簿的“部门”工作表导入:新增部门,"
                                          "同名部门更新")
        self.undo_action = self._action("撤销 Ctrl+Z", "Ctrl+Z", self.undo,
                                        "撤销本页上一次修改")

    def _lay_out(self) -> None:
        buttons = action_buttons(
            (self.add_action, self.edit_action, self.remove_action, self.up_action,
             self.down_action, self.import_action, self.undo_action), text_only=True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label("部门"))
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems)

    # Showing

    def refresh(self) -> None:
        current = self.current()
        evaluation_id = self.ctx.evaluation_id
        if evaluation_id is None:
            self.model.set_rows([])
            self.categories = []
            self.summary.setText("尚未打开考评活动。")
            self._update_actions()
            return
        try:
            data = get_data(self.ctx.db, evaluation_id)
        except DomainError as exc:
            self.show_error(exc)
            return
        self.categories = [c.name for c in data.categories]
        self.model.set_rows(data.departments)
        self._show_summary(data)
        self.select(current.name if current else None)
        self._update_actions()

    def _show_summary(self, data) -> None:
        counts = {}
        for d in data.departments:
            counts[d.category or "未分类别"] = counts.get(d.category or "未分类别", 0) + 1
        parts = "、".join(f"{name} {n} 个" for name, n in counts.items())
        text = f"{data.settings.name}:共 {len(data.departments)} 个部门"
        self.summary.setText(text + (f"({parts})" if data.categories else "")
                             + "。表中顺序即述职顺序和选票上的顺序。")

    def current(self) -> Department | None:
        index = self.table.currentIndex()
        rows = self.model.rows()
        return rows[index.row()] if index.isValid() and index.row() < len(rows) else None

    def select(self, name: str | None) -> None:
        row = self.model.row_of(name) if name else -1
        if row < 0 and self.model.rowCount() > 0:
            row = 0
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 1),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(self.model.index(row, 1))

    def _update_actions(self) -> None:
        has_row = self.model.rowCount() > 0
        writable = self.ctx.evaluation_id is not None and self.ctx.may(MANAGE)
        for action in (self.edit_action, self.remove_action, self.up_action, self.down_action):
            action.setEnabled(writable and has_row)
        self.add_action.setEnabled(writable)
        self.import_action.setEnabled(writable)
        self._undo.show_on(self.undo_action, writable)

    def _evaluation_changed(self, _evaluation_id) -> None:
        self._undo.clear()
        self.refresh()

    # Changes: each one records how to undo it

    def _change(self, label: str, work: Callable[[], None], select: str | None = None,
                renamed: dict[str, str] | None = None) -> bool:
        """Run ``work`` (service calls) and record the undo; show a refusal."""
        before = self.model.rows()
        try:
            work()
        except DomainError as exc:
            self.show_error(exc)
            self.refresh()
            return False
        self._remember(label, before, renamed or {})
        self._changed(label, select)
        return True

    def _remember(self, label: str, before: list[Department], renamed: dict[str, str]) -> None:
        ctx, evaluation_id = self.ctx, self.ctx.evaluation_id
        now = {d.name for d in get_data(ctx.db, evaluation_id).departments}
        added = now - {d.name for d in before} - set(renamed)

        def undo() -> None:
            roster_import.apply_departments(ctx.db, ctx.actor, evaluation_id, before,
                                            remove=added, renamed=renamed,
                                            action="撤销部门修改", target=label)
        self._undo.push(label, undo)

    def _changed(self, message: str, select: str | None = None, announce: bool = True) -> None:
        self.refresh()
        if select:
            self.select(select)
        if announce:  # an operation announces by itself
            self.announce(ROSTER)
        self.ctx.saved.emit(message)

    def undo(self) -> None:
        current = self.current()
        label = self._undo.undo_last(self)
        if label is None:
            return
        self._changed(f"已撤销:{label}", current.name if current else None)

    def _write(self, old: Department | None, new: Department) -> None:
        """Save the fields, then put the department at the chosen 述职顺序 (others shift)."""
        ctx, evaluation_id = self.ctx, self.ctx.evaluation_id
        placed = replace(new, order=old.order if old else self._free_order())
        roster.save_department(ctx.db, ctx.actor, evaluation_id, placed,
                               old_name=old.name if old else None)
        if new.order != placed.order:
            roster.move_department(ctx.db, ctx.actor, evaluation_id, new.name, new.order)

    def _free_order(self) -> int:
        return max((d.order for d in self.model.rows()), default=0) + 1

    def _open_dialog(self, old: Department | None) -> None:
        def save(new: Department) -> str | None:
            label = f"修改部门“{new.name}”" if old else f"新增部门“{new.name}”"
            renamed = {new.name: old.name} if old and old.name != new.name else None
            before = self.model.rows()
            try:
                self._write(old, new)
            except DomainError as exc:
                self.refresh()
                return str(exc)
            self._remember(label, before, renamed or {})
            self._changed(label, new.name)
            return None
        names = {d.name for d in self.model.rows()}
        self.dialog = DepartmentDialog(self.categories, save, old, self._free_order(), names,
                                       self)
        self.dialog.finished.connect(lambda _code: self.table.setFocus())
        self.dialog.open()

    def add_department(self) -> None:
        if self.add_action.isEnabled():
            self._open_dialog(None)

    def edit_current(self) -> None:
        current = self.current()
        if current is not None and self.edit_action.isEnabled():
            self._open_dialog(current)

    def remove_current(self) -> None:
        d = self.current()
        if d is None or not self.remove_action.isEnabled():
            return
        answer = QMessageBox.question(
            self, "删除部门", f"确定删除部门“{d.name}”(述职顺序 {d.order})吗?\n"
            "已有选票评分、其他得分或加减分的部门不能删除。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        ctx = self.ctx
        self._change(f"删除部门“{d.name}”", lambda: roster.remove_department(
            ctx.db, ctx.actor, ctx.evaluation_id, d.name))

    def move_current(self, step: int) -> None:
        d = self.current()
        if d is not None and self.up_action.isEnabled():
            row = self.model.row_of(d.name) + step
            if 0 <= row < self.model.rowCount():
                self.move_to(d.name, row + 1)

    def move_to(self, name: str, position: int) -> None:
        """Put department ``name`` at the ``position``-th place of the list (1-based)."""
        ctx = self.ctx
        self._change(f"调整“{name}”的述职顺序", lambda: roster.move_department(
            ctx.db, ctx.actor, ctx.evaluation_id, name, position), select=name)

    # Import from a workbook

    def import_workbook(self) -> None:
        if not self.import_action.isEnabled():
            return
        path, _filter = QFileDialog.getOpenFileName(self, "选择含“部门”工作表的工作簿", "",
                                                    "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        ctx, evaluation_id, before = self.ctx, self.ctx.evaluation_id, self.model.rows()

        def work() -> roster_import.DepartmentImport:
            return roster_import.import_departments(ctx.db, ctx.actor, evaluation_id, path)

        def done(imported: roster_import.DepartmentImport) -> None:
            self._show_problems([])
            label = f"从工作簿导入 {imported.count} 个部门"
            self._remember(label, before, {})
            self._changed(label, announce=False)
            QMessageBox.information(self, "导入完成", f"已从工作簿导入 {imported.count} 个部门"
                                    "(新增的已加入,同名的已更新)。如有误,可按 Ctrl+Z 撤销。"
                                    + import_warning_text(imported.warnings))

        self.ctx.run(Op(self, work, ROSTER, label="正在导入部门……", quiet=False)
                     .success(done).failure(self._import_failed))

    def _import_failed(self, exc: Exception) -> None:
        if isinstance(exc, WorkbookError):
            self._show_problems([str(i) for i in exc.issues])
            QMessageBox.warning(self, "工作簿有错误", f"工作簿有 {len(exc.issues)} 处错误,"
                                "没有导入任何部门。\n错误已逐条列在页面下方,改正后请重新导入。")
        else:
            self.show_error(exc, "无法导入")

    def _show_problems(self, lines: list[str]) -> None:
        self.problems.setPlainText("\n".join(lines))
        self.problems_label.setText(f"⚠ 上次导入的工作簿有 {len(lines)} 处错误,未导入任何部门;"
                                    "改正后按 Ctrl+I 重新导入:")
        self.problems.setVisible(bool(lines))
        self.problems_label.setVisible(bool(lines))
