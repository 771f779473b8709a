"""The main window: choose an evaluation and see its ranking (the secretariat app grows here)."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QHeaderView, QLabel, QMainWindow, QTableView, QVBoxLayout, QWidget,
)

from evalapp.db.engine import Database
from evalapp.services.evaluations import list_evaluations
from evalapp.services.results import compute_results
from ui.models.ranking_table_model import SORT_ROLE, RankingTableModel

APP_TITLE = "集中考评计分系统"


class MainWindow(QMainWindow):
    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(APP_TITLE)
        self.model = RankingTableModel(self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(proxy)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.chooser = QComboBox()
        self.chooser.currentIndexChanged.connect(self._show_selected)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("考评活动:"))
        top.addWidget(self.chooser, 1)
        layout = QVBoxLayout()
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)
        self.reload()

    def reload(self) -> None:
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for info in reversed(list_evaluations(self.db)):
            self.chooser.addItem(f"{info.name}({info.status_label})", info.id)
        self.chooser.blockSignals(False)
        self._show_selected()

    def _show_selected(self) -> None:
        evaluation_id = self.chooser.currentData()
        if evaluation_id is None:
            self.model.set_rows([], [], 2)
            self.summary.setText("数据库中还没有考评活动。")
            return
        results = compute_results(self.db, evaluation_id)
        r = results.result
        self.model.set_rows(r.departments, [g.name for g in results.data.groups], r.decimals)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        status = "正式结果" if self.chooser.currentText().endswith("(定稿)") else "初步结果"
        lines = [f"{status} · 选票共 {r.total_ballots} 张,有效 {r.valid_ballots} 张,"
                 f"无效 {r.invalid_ballots} 张 · 摘要 {r.digest[:16]}"]
        lines += [f"⚠ {w}" for w in r.warnings]
        self.summary.setText("\n".join(lines))
        self.statusBar().showMessage(f"{r.evaluation} · {status}")
