"""Ballot statistics per evaluator group, with the list of invalid ballots on demand."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from evalapp.tally_result import TallyResult
from ui.results.group_stats_table_model import NOTE, GroupStatsTableModel
from ui.results.invalid_ballot_table_model import InvalidBallotTableModel


def _table(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setTabKeyNavigation(False)  # Tab leaves the table
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class BallotStatsPanel(QWidget):
    """发出 / 收回 / 有效 / 无效 per group; a button shows the invalid ballots on demand."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.stats_model = GroupStatsTableModel(self)
        self.invalid_model = InvalidBallotTableModel(self)
        self.stats = _table(self.stats_model)
        self.invalid = _table(self.invalid_model)
        self.invalid.setVisible(False)
        self.toggle = QPushButton("显示无效票明细(&W)")
        self.toggle.setCheckable(True)
        self.toggle.setToolTip("列出每张无效票的票号、评委类别和无效原因(Alt+V)")
        self.toggle.toggled.connect(self._show_invalid)
        self.caption = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.caption, 1)
        row.addWidget(self.toggle)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stats, 3)
        layout.addLayout(row)
        layout.addWidget(self.invalid, 2)

    def allow_details(self, allowed: bool) -> None:
        """Only a 管理员 sees which ballots were invalid (the chair's screen may be projected)."""
        self.toggle.setVisible(allowed)
        if not allowed:
            self.toggle.setChecked(False)

    def set_result(self, result: TallyResult) -> None:
        self.stats_model.set_rows(result.groups)
        rows = [b for g in result.groups for b in g.invalid_ballots]
        self.invalid_model.set_rows(rows)
        self.toggle.setEnabled(bool(rows))
        self.toggle.setText(f"显示无效票明细({len(rows)} 张)(&W)")
        self.caption.setText("无效票不计分,但保留并计数;“收回”多于“发出”时须核对选票。"
                             if rows else "没有无效票。")
        self.stats.horizontalHeader().setSectionResizeMode(
            NOTE, QHeaderView.ResizeMode.Stretch)

    def _show_invalid(self, shown: bool) -> None:
        self.invalid.setVisible(shown)
        self.toggle.setText(self.toggle.text().replace("显示" if shown else "隐藏",
                                                       "隐藏" if shown else "显示"))
