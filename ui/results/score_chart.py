"""Bar chart (QtCharts) of the final scores of one category, best on top, coloured by outcome."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from evalapp.rounding import fixed
from evalapp.tally_result import DepartmentResult
from ui.results.results_table_model import OUTCOME_COLOURS, outcome_word
from ui.common.chart_axis import set_score_range
from ui.common.combo import refill_combo

PLAIN_WORD = "其他"
ROW_HEIGHT = 30  # pixels per bar: labels stay legible however many departments
BAR_COLOURS = {"表扬": "#2E8B57", "诫勉": "#E08E0B", "连续末位": "#C0392B",
               "一票否决": "#7D3C98", PLAIN_WORD: "#5B7FA6"}


class ScoreChart(QWidget):
    """A category selector above a horizontal bar chart: one bar per scored department."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._departments: list[DepartmentResult] = []
        self._decimals = 2
        self._shown: list[DepartmentResult] = []
        self.category = QComboBox()
        self.category.setToolTip("选择要显示的部门类别")
        self.category.currentIndexChanged.connect(self._draw)
        self.note = QLabel()
        label = QLabel("类别(&G):")
        label.setBuddy(self.category)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.category)
        top.addWidget(self.note, 1)
        self.chart = QChart()
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self._build_axes()
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.scroll, 1)

    def _build_axes(self) -> None:
        """One series and two axes for the widget's life; redrawing only swaps the bars."""
        self.series = QHorizontalStackedBarSeries()
        self.series.setBarWidth(0.72)
        self.chart.addSeries(self.series)
        self.names = QBarCategoryAxis()
        self.names.setLabelsFont(self._font(10))
        self.values = QValueAxis()
        self.values.setLabelFormat("%.0f")
        self.values.setTitleText("综合得分")
        self.values.setLabelsFont(self._font(10))
        self.values.setTitleFont(self._font(10))
        self.chart.addAxis(self.names, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(self.values, Qt.AlignmentFlag.AlignTop)
        self.series.attachAxis(self.names)
        self.series.attachAxis(self.values)
        self.chart.legend().setFont(self._font(10))
        self.chart.setTitleFont(self._font(12, bold=True))

    def set_result(self, departments: list[DepartmentResult], categories: list[str],
                   decimals: int) -> None:
        """Show new results, keeping the chosen category when it still exists."""
        self._departments, self._decimals = list(departments), decimals
        refill_combo(self.category, list(categories))
        self._draw()

    def set_category(self, name: str) -> None:
        if self.category.findText(name) >= 0:
            self.category.setCurrentText(name)

    def bar_count(self) -> int:
        """Number of bars drawn (one per department shown)."""
        return len(self._shown)

    def bar_labels(self) -> list[str]:
        return list(self.names.categories())

    def _font(self, size: float, bold: bool = False) -> QFont:
        font = QFont(QApplication.font().family())
        font.setFamilies(QApplication.font().families() or [font.family()])
        font.setPointSizeF(size)
        font.setBold(bold)
        return font

    def _draw(self) -> None:
        name = self.category.currentText()
        members = [d for d in self._departments if d.category == name]
        self._shown = [d for d in members if d.final_score is not None]
        missing = len(members) - len(self._shown)
        self.note.setText(f"另有 {missing} 个部门无有效评分,未画出" if missing else
                          "按综合得分从高到低;颜色与文字标出结果")
        self.chart.setTitle(f"{name} · 综合得分" if name else "")
        rows = list(reversed(self._shown))  # a horizontal chart draws bottom-up: best on top
        self.series.clear()
        self.names.clear()
        self.view.setMinimumHeight(ROW_HEIGHT * len(rows) + 150)
        if not rows:
            return
        self.names.append([self._label(d) for d in rows])
        for word in [w for w in [*OUTCOME_COLOURS, PLAIN_WORD]
                     if any((outcome_word(d) or PLAIN_WORD) == w for d in rows)]:
            self.series.append(self._bar_set(word, rows))
        set_score_range(self.values, [float(d.final_score) for d in rows])

    def _bar_set(self, word: str, rows: list[DepartmentResult]) -> QBarSet:
        """The bars of one outcome (zero for the other departments, so each row has one bar)."""
        bar_set = QBarSet(word)
        colour = QColor(BAR_COLOURS.get(word, BAR_COLOURS[PLAIN_WORD]))
        bar_set.setColor(colour)
        bar_set.setBorderColor(colour)
        bar_set.append([float(d.final_score) if (outcome_word(d) or PLAIN_WORD) == word
                        else 0.0 for d in rows])
        bar_set.hovered.connect(lambda status, i: self._hover(status, rows, i))
        return bar_set

    def _label(self, d: DepartmentResult) -> str:
        word = outcome_word(d)
        text = f"{d.short_name or d.name}  {fixed(d.final_score, self._decimals)}"
        return f"{text}  {word}" if word else text

    def _hover(self, status: bool, rows: list[DepartmentResult], index: int) -> None:
        if not status or not 0 <= index < len(rows):
            QToolTip.hideText()
            return
        d = rows[index]
        rank = "" if d.category_rank is None else f"类别内第 {d.category_rank} 名,"
        QToolTip.showText(self.cursor().pos(), f"{d.name}:{rank}综合得分 "
                          f"{fixed(d.final_score, self._decimals)}")
