"""稳固程度 tab of the results page: departments a few ballots could flip, with the paper
ballots to re-check, and how the lists react to the groups' weights (issue 16)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QGroupBox, QHeaderView, QLabel, QProgressBar, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from evalapp.robustness import OUTCOME_WORDS, Robustness
from evalapp.services.robustness import (
    DEFINITION, STABLE, WEIGHT_DEFINITION, change_words, flip_words, variation_words,
)

FLIP_HEADERS = ["部门", "类别", "现结果", "改票翻转数", "改后结果", "需核对的选票(票号:原评分→改为)"]


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)


class RobustnessPanel(QWidget):
    """Shows one Robustness; a progress bar while a long analysis runs in the background."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.analysis: Robustness | None = None
        self.summary = QLabel("结果计算后在此显示稳固程度。")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setFormat("正在分析稳固程度 %v / %m 个部门")
        self.flips = _table(FLIP_HEADERS)
        self.flips.setToolTip(DEFINITION)
        flips_box = QGroupBox("改票翻转数:1–2 张选票即可改变结果的部门(请对照纸质选票核对录入)")
        box_layout = QVBoxLayout(flips_box)
        box_layout.addWidget(self.flips)
        self.weights = QLabel()
        self.weights.setWordWrap(True)
        self.weights.setToolTip(WEIGHT_DEFINITION)
        self.variations = _table(["权重变化", "名单变化"])
        weights_box = QGroupBox("权重敏感性(各类别权重 ±5 个百分点、分别不计某一类别)")
        weights_layout = QVBoxLayout(weights_box)
        weights_layout.addWidget(self.weights)
        weights_layout.addWidget(self.variations)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(flips_box, 2)
        layout.addWidget(weights_box, 1)

    def running(self, done: int, total: int) -> None:
        """A background analysis is under way (called on the GUI thread)."""
        self.progress.setVisible(True)
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def clear(self, text: str) -> None:
        self.analysis = None
        self.progress.setVisible(False)
        self.summary.setText(text)
        _fill(self.flips, [])
        _fill(self.variations, [])
        self.weights.setText("")

    def set_analysis(self, analysis: Robustness) -> None:
        self.analysis = analysis
        self.progress.setVisible(False)
        fragile = [f for f in analysis.flips if f.fragile]
        fragile.sort(key=lambda f: (f.count, f.department))
        if fragile:
            self.summary.setText(
                f"有 {len(fragile)} 个部门只需 1–2 张选票的评分不同即会改变结果,"
                "请监督人员对照下列票号的纸质选票核对录入。" + DEFINITION)
        else:
            self.summary.setText("没有部门会因 1–2 张选票的评分不同而改变结果。" + DEFINITION)
        _fill(self.flips, [[f.department, f.category, OUTCOME_WORDS[f.outcome],
                            flip_words(f, analysis.limit), OUTCOME_WORDS[f.new_outcome],
                            change_words(f)] for f in fragile])
        if analysis.stable:
            self.weights.setText(STABLE + ":各类别权重增减 5 个百分点或不计任一类别,"
                                 "表扬和诫勉名单都不变。")
            _fill(self.variations, [])
            self.variations.setVisible(False)
        else:
            moved = [v for v in analysis.variations if v.moves or v.note]
            self.weights.setText(f"下列 {len(moved)} 种权重变化会使名单改变(其余不变):")
            _fill(self.variations, [[v.label, variation_words(v)] for v in moved])
            self.variations.setVisible(True)

    def fragile_names(self) -> dict[str, str]:
        """Department → tooltip line, for the departments 1 or 2 ballots could flip."""
        if self.analysis is None:
            return {}
        return {f.department: (f"改动 {f.count} 张选票即可变为{OUTCOME_WORDS[f.new_outcome]}"
                               f"(需核对:{'、'.join(c.serial for c in f.changes)})")
                for f in self.analysis.flips if f.fragile}
