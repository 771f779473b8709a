"""The bar-chart view of one page of the ranking (QtCharts): one bar per department, best
on top, coloured by outcome, with the name, score and outcome word written beside it."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QBrush, QPainter, QPen

from ui.projector import theme
from ui.projector.projector_model import OUTCOME_WORDS, ProjectorCategory, ProjectorRow
from ui.common.chart_axis import set_score_range


class ChartView(QChartView):
    """Rows [start, end) of one category as horizontal bars."""

    def __init__(self, parent=None):
        self.chart_ = QChart()
        super().__init__(self.chart_, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFrameShape(QChartView.Shape.NoFrame)
        self.setBackgroundBrush(QBrush(theme.BACKGROUND))
        c = self.chart_
        c.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        c.setBackgroundBrush(QBrush(theme.BACKGROUND))
        c.setBackgroundRoundness(0)
        c.setTitleBrush(QBrush(theme.ACCENT))
        c.legend().setLabelColor(theme.TEXT)
        c.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.series = QHorizontalStackedBarSeries()
        self.series.setBarWidth(0.74)
        c.addSeries(self.series)
        self.names = QBarCategoryAxis()
        self.values = QValueAxis()
        for axis in (self.names, self.values):
            axis.setLabelsBrush(QBrush(theme.TEXT))
            axis.setLinePen(QPen(theme.DIM))
            axis.setGridLinePen(QPen(theme.COVER))
        c.addAxis(self.names, Qt.AlignmentFlag.AlignLeft)
        c.addAxis(self.values, Qt.AlignmentFlag.AlignBottom)
        self.series.attachAxis(self.names)
        self.series.attachAxis(self.values)
        self.rows: list[ProjectorRow] = []
        self._key = None

    def set_content(self, category: ProjectorCategory | None, start: int, end: int,
                    page_text: str = "") -> None:
        rows = [r for r in (category.rows[start:end] if category else ()) if r.score]
        key = (category.name if category else "", tuple(rows), page_text, self.size().toTuple())
        if key == self._key:
            return
        self._key, self.rows = key, rows
        self._fonts()
        title = f"{category.name} · 综合得分" if category else ""
        self.chart_.setTitle(f"{title}  ({page_text})" if page_text else title)
        self._bars(list(reversed(rows)))  # a horizontal chart draws bottom-up: best on top

    def _fonts(self) -> None:
        window = self.window()
        m = theme.Metrics(window.width(), window.height())
        self.chart_.setTitleFont(theme.font(m.px(5), bold=True))
        self.names.setLabelsFont(theme.font(m.px(3.6), bold=True))
        self.values.setLabelsFont(theme.font(m.px(2.8)))
        self.chart_.legend().setFont(theme.font(m.px(3.0)))
        self.chart_.setMargins(QMargins(m.margin, 0, m.margin, 0))

    def _bars(self, rows: list[ProjectorRow]) -> None:
        self.series.clear()
        self.names.clear()
        if not rows:
            return
        self.names.append([self._label(r) for r in rows])
        for key in [k for k in OUTCOME_WORDS if any(r.outcome == k for r in rows)]:
            bar_set = QBarSet(OUTCOME_WORDS[key] or "其他")
            colour = theme.BAR_COLOURS[key]
            bar_set.setColor(colour)
            bar_set.setBorderColor(colour)
            bar_set.append([float(r.score) if r.outcome == key else 0.0 for r in rows])
            self.series.append(bar_set)
        set_score_range(self.values, [float(r.score) for r in rows])

    @staticmethod
    def _label(row: ProjectorRow) -> str:
        word = f"  {row.outcome_word}" if row.outcome_word else ""
        return f"{row.rank_text}. {row.short_name}  {row.score}{word}"

    def bar_labels(self) -> list[str]:
        return list(self.names.categories())
