"""双人录入核对 page: the reconciliation queue, both entries side by side, adopt or send back."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit, QPushButton,
    QSizePolicy, QSplitter, QTableView, QVBoxLayout, QWidget
)

from evalapp.domain import DomainError
from evalapp.marks import normalize_mark
from evalapp.services.context import MANAGE
from evalapp.ballot_status import CONFIRMED, CONFLICT, PENDING, REENTRY
from evalapp.services.double_entry import (
    entry_counts, list_conflicts, resolve_conflict, send_back,
)
from evalapp.services.evaluations import get_data
from ui.reconcile.conflict_table_model import ROW_ROLE, SORT_ROLE, ConflictTableModel
from ui.reconcile.entry_comparison_table_model import (
    CHOSEN, FIRST, GROUP_ITEM, ITEM, OWN_ITEM, SECOND, EntryComparisonTableModel,
)
from ui.common.base import LivePage
from ui.operations import BALLOTS
from ui.common.page_tools import row_table

OFF_NOTE = "双人录入未开启,可在考评设置中开启。"


class CompareView(QTableView):
    """The side-by-side table: keys 1 / 2 adopt the first / second entry on the current row."""

    picked = Signal(int, int)  # row, which entry

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_1, Qt.Key.Key_2) and not event.modifiers() & ~(
                Qt.KeyboardModifier.KeypadModifier):
            if self.currentIndex().isValid():
                self.picked.emit(self.currentIndex().row(),
                                 1 if event.key() == Qt.Key.Key_1 else 2)
            return
        super().keyPressEvent(event)


def _view(table: QTableView) -> QTableView:
    row_table(table)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ReconcilePage(LivePage):
    """A 管理员 settles every ballot whose two independent entries differ."""

    title = "双人录入核对"
    permission = MANAGE
    shortcut = "Ctrl+6"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self._departments: list[str] = []
        self._groups: set[str] = set()
        self._settings = None
        self.queue_model = ConflictTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.queue_model)
        self.proxy.setSortRole(SORT_ROLE)
        self.compare_model = EntryComparisonTableModel(self)
        self.compare_model.rejected.connect(self._say)
        self.compare_model.dataChanged.connect(lambda *_: self._show_title())
        self.compare_model.modelReset.connect(self._show_title)
        self._build()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.counts = QLabel()
        self.queue = _view(QTableView())
        self.queue.setModel(self.proxy)
        self.queue.setSortingEnabled(True)
        self.queue.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.queue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue.selectionModel().currentRowChanged.connect(self._show_selected)
        self.compare = _view(CompareView())
        self.compare.setModel(self.compare_model)
        self.compare.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                     | QAbstractItemView.EditTrigger.DoubleClicked)
        self.compare.picked.connect(self.pick)
        header = self.compare.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(ITEM, QHeaderView.ResizeMode.Stretch)
        for column, width in ((FIRST, 100), (SECOND, 100), (CHOSEN, 180)):  # fits 1024 wide
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        self.compare.setToolTip("≠ 标出两次录入不一致处:按 1 采用第一次,按 2 采用第二次,"
                                "按 F2 输入纸质选票上的值")
        self.compare_title = QLabel()
        self.compare_title.setWordWrap(True)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._titled(QLabel("待核对选票(↑↓ 选择,Tab 进入对照表)"), self.queue))
        splitter.addWidget(self._titled(self.compare_title, self.compare))
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 780])
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.counts)
        layout.addWidget(splitter, 1)
        layout.addLayout(self._actions())
        self.setTabOrder(self.queue, self.compare)
        self.setTabOrder(self.compare, self.note)

    @staticmethod
    def _titled(title: QLabel, widget: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(widget, 1)
        return box

    def _actions(self) -> QHBoxLayout:
        self.message = QLabel()
        self.message.setWordWrap(True)
        # its text never pushes the note or the buttons sideways (a click must land where aimed)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.note = QLineEdit()
        self.note.setPlaceholderText("核对说明(可不填)")
        self.note.setToolTip("核对说明,可不填,例如:已对照原始选票")
        self.confirm_button = QPushButton("确认(Ctrl+Enter)")
        self.confirm_button.setToolTip("按选定的值确认这张选票,确认后计入结果(Ctrl+Enter)")
        self.confirm_button.clicked.connect(self.confirm)
        self.back_button = QPushButton("退回重录(Ctrl+R)…")
        self.back_button.setToolTip("作废两次录入,由两位录入员重新录入这张选票(Ctrl+R)")
        self.back_button.clicked.connect(self.send_back)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.confirm)
        QShortcut(QKeySequence("Ctrl+R"), self, self.send_back)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(QLabel("说明:"))
        row.addWidget(self.note, 1)
        row.addWidget(self.confirm_button)
        row.addWidget(self.back_button)
        return row

    def _show_title(self) -> None:
        conflict = self.compare_model.conflict
        if conflict is None:
            self.compare_title.setText("两次录入对照")
            return
        items = [f"{item}{'(已选定)' if self.compare_model.row(r).picked else ''}"
                 for r in self.compare_model.difference_rows()
                 for item in [self.compare_model.row(r).item]]
        self.compare_title.setText(
            f"<b>选票 {conflict.serial}</b>:第一次 {conflict.first.operator},"
            f"第二次 {conflict.second.operator} · 不一致 {len(items)} 处 ≠ {'、'.join(items)}")

    def _say(self, text: str, sign: str = "⚠") -> None:
        """One line under the tables: ⚠ a problem, ✓ done, ⓘ what to do next."""
        self.message.setText(f"{sign} {text}" if text else "")

    # ------------------------------------------------------------------ updating
    def reload(self) -> None:
        """Read the queue and the counts again; keep the selected ballot when it is still there."""
        self._fresh()
        evaluation_id = self.ctx.evaluation_id
        if evaluation_id is None:
            self.banner.setText("尚未打开考评活动。")
            self.queue_model.set_rows([])
            return
        data = get_data(self.ctx.db, evaluation_id)
        self._settings = data.settings
        self._departments = [d.name for d in sorted(data.departments, key=lambda d: d.order)]
        self._groups = {g.name for g in data.groups}
        self.banner.setText("" if data.settings.double_entry else f"ⓘ {OFF_NOTE}")
        self.banner.setVisible(not data.settings.double_entry)
        self._show_counts(entry_counts(self.ctx.db, evaluation_id))
        current = self.compare_model.conflict
        conflicts = self.call(list_conflicts, self.ctx.db, self.ctx.actor, evaluation_id)
        self.queue_model.set_rows(conflicts or [])
        self._select(current.ballot_id if current else None)

    def _show_counts(self, counts: dict[str, int]) -> None:
        self.counts.setText(
            f"已确认 {counts[CONFIRMED]} 张 · 待第二次录入 {counts[PENDING]} 张 · "
            f"待核对 {counts[CONFLICT]} 张 · 退回重录 {counts[REENTRY]} 张")

    def _select(self, ballot_id: int | None) -> None:
        row = self.queue_model.row_of(ballot_id)
        if row is None:
            row = 0
        index = self.proxy.mapFromSource(self.queue_model.index(row, 0))
        if index.isValid():
            self.queue.setCurrentIndex(index)
        self._show_selected(index)

    def _show_selected(self, current, _previous=None) -> None:
        conflict = current.data(ROW_ROLE) if current.isValid() else None
        if conflict is not None and conflict == self.compare_model.conflict:
            return  # the same ballot with the same entries: keep what was picked
        self.compare_model.set_conflict(conflict, self._departments, self._validate)
        self.note.clear()
        self._say("" if conflict else "核对队列是空的。", "ⓘ")
        rows = self.compare_model.difference_rows()
        if rows:
            self.compare.setCurrentIndex(self.compare_model.index(rows[0], CHOSEN))

    def _validate(self, item: str, text: str) -> str | None:
        """A value typed in 采用: a group, a department (or blank) or a mark."""
        if item == GROUP_ITEM:
            if text not in self._groups:
                raise DomainError(f"评委类别应为:{'、'.join(sorted(self._groups))}")
            return text
        if item == OWN_ITEM:
            if text and text not in self._departments:
                raise DomainError(f"“{text}”不是本次考评的部门")
            return text or None
        return normalize_mark(self._settings, text)

    # ------------------------------------------------------------------ actions
    def pick(self, row: int, which: int) -> None:
        """Adopt entry ``which`` on ``row`` and move on to the next unresolved difference."""
        if not self.compare_model.pick(row, which):
            return
        self._say("")
        pending = [r for r in self.compare_model.difference_rows()
                   if not self.compare_model.row(r).picked]
        after = [r for r in pending if r > row] or pending
        target = after[0] if after else row
        self.compare.setCurrentIndex(self.compare_model.index(target, CHOSEN))
        if not pending:
            self._say("所有不一致处都已选定,按 Ctrl+Enter 确认。", "ⓘ")

    def confirm(self) -> None:
        conflict = self.compare_model.conflict
        try:
            entry = self.compare_model.ballot_input()
        except DomainError as exc:
            self._say(str(exc))
            return
        db, actor, ev, note = (self.ctx.db, self.ctx.actor, self.ctx.evaluation_id,
                               self.note.text().strip())
        self.run(lambda: resolve_conflict(db, actor, ev, conflict.ballot_id, entry, note),
                 BALLOTS, lambda _r: self._finish(f"已核对确认 选票 {conflict.serial}"))

    def send_back(self) -> None:
        conflict = self.compare_model.conflict
        if conflict is None:
            self._say("请先在左侧选择一张待核对的选票。")
            return
        reason, ok = QInputDialog.getText(
            self, "退回重录", f"选票 {conflict.serial} 的两次录入将作废,须由两位录入员重新录入。\n"
                              "请填写退回原因:")
        if not ok:
            return
        db, actor, ev = self.ctx.db, self.ctx.actor, self.ctx.evaluation_id
        self.run(lambda: send_back(db, actor, ev, conflict.ballot_id, reason), BALLOTS,
                 lambda _r: self._finish(f"已退回重录 选票 {conflict.serial}"))

    def wants(self, changes) -> bool:
        return changes.initiator is not self  # its own resolutions reload at once

    def _finish(self, message: str) -> None:
        self.compare_model.set_conflict(None, self._departments, self._validate)
        self.ctx.saved.emit(message)
        self.reload()  # the notice goes out after this (the op's success runs first)
        more = self.queue_model.rowCount() > 0
        self._say(message + (";已打开下一张。" if more else "。"), "✓")
        self.queue.setFocus()
