"""操作日志 page: every change with time, operator, role, old → new; filter by operator or text."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
)

from evalapp.services.audit_log import audit_operators, list_audit
from evalapp.services.context import MANAGE
from ui.integrity.audit_table_model import (
    ACTION,
    CHANGE,
    ROW_ROLE,
    SORT_ROLE,
    TIME,
    AuditTableModel,
    detail_text,
)
from ui.common.base import LivePage
from ui.common.page_tools import row_table
from ui.common.combo import refill_combo

ALL_OPERATORS = "全部操作员"
LIMIT = 5000


class AuditPage(LivePage):
    """The audit trail of the open evaluation, newest first, with a detail pane."""

    title = "操作日志"
    permission = MANAGE
    shortcut = "Ctrl+0"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.model = AuditTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self._build()

    def _build(self) -> None:
        self.operator = QComboBox()
        self.operator.setMinimumContentsLength(8)
        self.operator.currentIndexChanged.connect(self.schedule)
        self.text = QLineEdit()
        self.text.setPlaceholderText("按票号、部门名称或内容筛选(Ctrl+F)")
        self.text.setClearButtonEnabled(True)
        self.text.textChanged.connect(self.schedule)
        refresh = QPushButton("刷新(F5)")
        refresh.setToolTip("重新读取操作日志(F5)")
        refresh.clicked.connect(self.reload)
        QShortcut(QKeySequence("F5"), self, self.reload)
        QShortcut(QKeySequence("Ctrl+F"), self, lambda: (self.text.setFocus(),
                                                         self.text.selectAll()))
        label = QLabel("操作员(&O):")
        label.setBuddy(self.operator)
        bar = QHBoxLayout()
        bar.addWidget(label)
        bar.addWidget(self.operator)
        bar.addSpacing(12)
        bar.addWidget(self.text, 1)
        bar.addWidget(refresh)
        self.count = QLabel()
        self.table = self._table()
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("选中一条记录,这里显示完整的原值和新值。")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([420, 180])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.count)
        layout.addWidget(splitter, 1)

    def _table(self) -> QTableView:
        table = row_table(QTableView())
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(TIME, Qt.SortOrder.DescendingOrder)
        table.setWordWrap(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        table.selectionModel().currentRowChanged.connect(self._show_detail)
        return table

    # ------------------------------------------------------------------ updating
    def refresh(self) -> None:
        self._fill_operators()
        self.reload()

    def _before_stale_show(self) -> None:
        self._fill_operators()

    def _fill_operators(self) -> None:
        refill_combo(self.operator, audit_operators(self.ctx.db, self.ctx.evaluation_id),
                     ALL_OPERATORS)

    def reload(self) -> None:
        """Read the log again with the current filters, keeping the selected entry."""
        self._fresh()
        operator = self.operator.currentText()
        rows = self.call(list_audit, self.ctx.db, self.ctx.actor, self.ctx.evaluation_id,
                         operator=None if operator in ("", ALL_OPERATORS) else operator,
                         text=self.text.text().strip() or None, limit=LIMIT)
        if rows is None:
            return
        selected = self._selected_id()
        self.model.set_rows(rows)
        self._fit_columns()
        more = f"(只显示最近 {LIMIT} 条,请用筛选缩小范围)" if len(rows) >= LIMIT else ""
        self.count.setText(f"共 {len(rows)} 条记录{more}" if rows else "没有符合条件的记录。")
        self._select(selected)

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        for column in range(CHANGE):
            width = max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))
            header.resizeSection(column, min(width + 8, 320 if column > ACTION else 240))

    def _selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE).id if rows else None

    def _select(self, entry_id: int | None) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ROW_ROLE).id == entry_id:
                self.table.selectRow(row)
                return
        self.detail.clear()

    def _show_detail(self, current, _previous=None) -> None:
        info = current.data(ROW_ROLE) if current.isValid() else None
        self.detail.setPlainText(detail_text(info) if info else "")
