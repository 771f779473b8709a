"""结果 page: the live ranking with filters, ballot statistics, a chart and the workbook export."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from evalapp.digest import check_code
from evalapp.domain import ONSITE_COMPONENT
from evalapp.services.context import MANAGE, VIEW_RESULTS
from evalapp.services.evaluations import list_evaluations
from evalapp.services.results import Results, compute_results
from evalapp.services.robustness import PAGE_LIMIT, compute_robustness
from evalapp.workbook.results_xlsx import write_results_workbook
from ui.results.results_table_model import ROW_ROLE, ResultsFilterProxy, ResultsTableModel
from ui.common.base import LivePage
from ui.common.page_tools import row_table
from ui.tasks import run_in_background
from ui.results.ballot_stats_panel import BallotStatsPanel
from ui.results.robustness_panel import RobustnessPanel
from ui.common.combo import refill_combo
from ui.results.score_chart import ScoreChart

ALL_CATEGORIES = "全部类别"
MAX_WARNING_LINES = 4  # more warnings scroll
# Up to this many marks the 稳固程度 analysis comes with the results (well under 1 s);
# beyond, it runs as its own background task with a progress bar.
ROBUSTNESS_WITH_RESULTS = 100_000


def warning_advice(text: str) -> str:
    """A warning of the tally with a sentence saying what to do about it."""
    if "不参加排名" in text and "缺少" in text:
        return f"{text}。请在“其他得分”页录入缺少的分值;录入前不能定稿。"
    if "不参加排名" in text:
        return f"{text}。请检查该部门是否有有效选票,或在“部门”页核对名单。"
    return text if text.endswith("。") else text + "。"


def _compute(db, evaluation_id: int, actor):
    """The results of one snapshot and, when small, their 稳固程度 (on a worker thread)."""
    results = compute_results(db, evaluation_id, actor)
    results.result.digest  # noqa: B018 - computed (and cached) here: ½ s at 600 × 4,000
    analysis = None
    if len(results.data.departments) * len(results.data.ballots) <= ROBUSTNESS_WITH_RESULTS:
        analysis = compute_robustness(db, evaluation_id, actor, results, PAGE_LIMIT)
    return evaluation_id, results, analysis


class ResultsPage(LivePage):
    """Ranking overall and per category; updates by itself when ballots or data change."""

    title = "结果"
    permission = VIEW_RESULTS
    shortcut = "Ctrl+7"
    debounce_ms = 200

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.results: Results | None = None
        self._computing = False  # a recompute runs in the background
        self._again = False  # the data changed meanwhile: compute once more when it ends
        self._analysis_for: tuple | None = None  # (evaluation, digest) being analysed
        self._analysis_next: tuple | None = None  # (evaluation, results) waiting for it
        self._analysis_progress: tuple[int, int] | None = None
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(200)
        self._progress_timer.timeout.connect(self._show_progress)
        self.model = ResultsTableModel(self)
        self.proxy = ResultsFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.header = QLabel()
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.header.setWordWrap(True)
        self.warnings = QListWidget()
        self.warnings.setWordWrap(True)
        self.warnings.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._ranking_tab(), "排名")
        self.stats = BallotStatsPanel()
        self.stats.allow_details(self.ctx.may(MANAGE))
        self.tabs.addTab(self.stats, "选票统计")
        self.chart = ScoreChart()
        self.tabs.addTab(self.chart, "得分图")
        self.robustness = RobustnessPanel()
        self.tabs.addTab(self.robustness, "稳固程度")
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.warnings)
        layout.addWidget(self.tabs, 1)

    def _ranking_tab(self):
        self.category = QComboBox()
        self.category.setMinimumContentsLength(8)
        self.category.currentIndexChanged.connect(self._filter)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("输入部门名称筛选(Ctrl+F)")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.export_button = QPushButton("导出结果工作簿(Ctrl+E)")
        self.export_button.setToolTip("把结果写入 Excel 工作簿(各类别排名、总排名、选票统计)")
        self.export_button.clicked.connect(self.export)
        QShortcut(QKeySequence("Ctrl+E"), self, self.export)
        QShortcut(QKeySequence("Ctrl+F"), self, self._focus_filter)
        label = QLabel("类别(&L):")
        label.setBuddy(self.category)
        bar = QHBoxLayout()
        bar.addWidget(label)
        bar.addWidget(self.category)
        bar.addSpacing(12)
        bar.addWidget(self.filter, 1)
        self.details = QCheckBox("显示各评委类别得分(&D)")
        self.details.setToolTip("在表中显示每个评委类别给出的得分(Alt+D)")
        self.details.toggled.connect(self._show_details)
        bar.addWidget(self.details)
        bar.addWidget(self.export_button)
        self.table = row_table(QTableView())
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ResultsTableModel.RANK, Qt.SortOrder.AscendingOrder)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._fit_columns)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        return tab

    def _show_details(self, shown: bool) -> None:
        """Show or hide the per-group score columns (too many to fit beside the rest)."""
        first = len(ResultsTableModel.HEAD)
        for column in range(first, first + self.model.group_count()):
            self.table.setColumnHidden(column, not shown)

    def _fit_columns(self) -> None:
        """Columns as wide as their numbers or their (two-line) header, whichever is wider."""
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        for column in range(self.model.columnCount()):
            text = self.model.headerData(column, Qt.Orientation.Horizontal) or ""
            title = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
            sorted_here = column == header.sortIndicatorSection()
            header.resizeSection(column, max(self.table.sizeHintForColumn(column) + 6,
                                             title + (34 if sorted_here else 14)))

    def _focus_filter(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.filter.setFocus()
        self.filter.selectAll()

    # ------------------------------------------------------------------ updating
    def reload(self) -> None:
        """Compute the results again (200 ms after the last change, see LivePage)."""
        self._fresh()
        evaluation_id = self.ctx.evaluation_id
        if evaluation_id is None:
            self.results = None
            self.model.set_rows([], [], [], 2, False)
            self.header.setText("尚未打开考评活动。")
            self.warnings.clear()
            self.warnings.setVisible(False)
            self.robustness.clear("尚未打开考评活动。")
            return
        if self._computing:  # coalesce: one more run after the current one, whatever came
            self._again = True
            return
        self._computing, self._again = True, False
        db, actor = self.ctx.db, self.ctx.actor
        run_in_background(lambda: _compute(db, evaluation_id, actor), self._computed,
                          self._compute_failed, self, quiet=True)

    def _computed(self, value) -> None:
        self._computing = False
        evaluation_id, results, analysis = value
        if self._again:
            self._again = False
            self.reload()
        if evaluation_id != self.ctx.evaluation_id:
            return
        self.show_results(results)
        if analysis is not None:
            self._show_analysis(analysis)
        else:
            self._analyse_in_background(evaluation_id, results)

    def _compute_failed(self, exc: Exception) -> None:
        self._computing = False
        if self._again:
            self._again = False
            self.reload()
            return
        self.show_error(exc, "无法计算结果")

    # ------------------------------------------------------------------ robustness
    def _analyse_in_background(self, evaluation_id: int, results: Results) -> None:
        """A large evaluation: the analysis runs on its own, the results are already shown."""
        key = (evaluation_id, results.result.digest)
        if self._analysis_for is not None:  # one analysis at a time; only the latest waits
            if self._analysis_for != key:
                self._analysis_next = (evaluation_id, results)
            return
        self._analysis_for = key
        self.robustness.running(0, len(results.result.departments))
        self._analysis_progress = (0, len(results.result.departments))
        self._progress_timer.start()

        def progress(done: int, total: int) -> None:  # worker thread: no widgets here
            self._analysis_progress = (done, total)

        db, actor = self.ctx.db, self.ctx.actor
        run_in_background(
            lambda: compute_robustness(db, evaluation_id, actor, results, PAGE_LIMIT, progress),
            lambda analysis: self._analysed(key, analysis),
            lambda exc: self._analysed(key, None, exc), self, quiet=True)

    def _show_progress(self) -> None:
        if self._analysis_progress is not None:
            self.robustness.running(*self._analysis_progress)

    def _analysed(self, key, analysis, exc: Exception | None = None) -> None:
        self._analysis_for = None
        self._progress_timer.stop()
        waiting, self._analysis_next = self._analysis_next, None
        current = self.results
        now = None if current is None else (self.ctx.evaluation_id, current.result.digest)
        if now == key:
            if analysis is None:
                self.robustness.clear(f"稳固程度分析未完成:{exc}")
            else:
                self._show_analysis(analysis)
        if waiting is not None and now == (waiting[0], waiting[1].result.digest):
            self._analyse_in_background(*waiting)  # the ballots changed meanwhile

    def _show_analysis(self, analysis) -> None:
        self.robustness.set_analysis(analysis)
        self.model.set_flags(self.robustness.fragile_names())

    def show_results(self, results: Results) -> None:
        """Show a computed result, keeping the selected department and the scroll position."""
        self.results = results
        r, data = results.result, results.data
        selected = self._selected_name()
        scroll = self.table.verticalScrollBar().value()
        components = [c.name for c in data.effective_components() if c.name != ONSITE_COMPONENT]
        columns = self.model.headers()
        self.model.set_rows(r.departments, [g.name for g in data.groups], components,
                            r.decimals, r.previous is not None)
        self._fill_categories(sorted({d.category for d in r.departments},
                                     key=self._category_order(data)))
        self._show_details(self.details.isChecked())
        if self.model.headers() != columns:  # widths are measured once per set of columns
            self._fit_columns()
        self._restore(selected, scroll)
        self._show_header(results)
        self.stats.set_result(r)
        self.chart.set_result(r.departments, self._categories(), r.decimals)

    def _category_order(self, data):
        order = [c.name for c in data.categories]
        return lambda name: (order.index(name) if name in order else len(order), name)

    def _categories(self) -> list[str]:
        return [self.category.itemText(i) for i in range(1, self.category.count())]

    def _fill_categories(self, names: list[str]) -> None:
        refill_combo(self.category, names, ALL_CATEGORIES)
        self._filter()

    def _selected_name(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE).name if rows else None

    def _restore(self, name: str | None, scroll: int) -> None:
        row = self.model.row_of(name) if name else None
        if row is not None:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                self.table.selectRow(index.row())
        self.table.verticalScrollBar().setValue(scroll)

    def _status_text(self) -> str:
        for info in list_evaluations(self.ctx.db):
            if info.id == self.ctx.evaluation_id:
                return "正式结果" if info.is_final else "初步结果"
        return "初步结果"

    def _show_header(self, results: Results) -> None:
        r = results.result
        parts = [f"<b>{html.escape(r.evaluation)}</b>", f"<b>{self._status_text()}</b>",
                 (f"选票 共 {r.total_ballots} 张 有效 {r.valid_ballots} 张 "
                  f"无效 {r.invalid_ballots} 张"), f"校验码 {check_code(r.digest)}"]
        if results.unconfirmed:
            parts.insert(3, f"另有未核对选票 {results.unconfirmed} 张未计入")
        self.header.setText(" · ".join(parts))
        self.header.setToolTip("校验码由全部选票和设置算出:任何一处改动都会改变它,"
                               "复核打印件或备份时核对这一组字符即可。")
        self.warnings.clear()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        messages = [warning_advice(w) for w in r.warnings]
        if results.unconfirmed:
            messages.insert(0, f"另有未核对选票 {results.unconfirmed} 张未计入:双人录入尚未完成"
                               "或在核对队列中,请在“选票录入”和“双人录入核对”页处理。")
        for text in messages:
            QListWidgetItem(icon, text, self.warnings)
        self.warnings.setVisible(bool(messages))
        shown = range(min(len(messages), MAX_WARNING_LINES))
        self.warnings.setFixedHeight(sum(self.warnings.sizeHintForRow(i) for i in shown)
                                     + 2 * self.warnings.frameWidth() + 2)

    def _filter(self) -> None:
        category = self.category.currentText()
        chosen = None if category in ("", ALL_CATEGORIES) else category
        self.proxy.set_filter(chosen, self.filter.text())
        if chosen:
            self.chart.set_category(chosen)

    def visible_rows(self) -> list:
        """The departments shown, in view order (for tests and the projector)."""
        return [self.proxy.index(i, 0).data(ROW_ROLE) for i in range(self.proxy.rowCount())]

    # ------------------------------------------------------------------ export
    def export(self) -> None:
        if self.results is None:
            return
        r, data = self.results.result, self.results.data
        default = str(Path.home() / f"{r.evaluation}结果.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, "导出结果工作簿", default,
                                              "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        groups = [g.name for g in data.groups]
        components = [c.name for c in data.effective_components()]
        run_in_background(lambda: write_results_workbook(r, path, groups, components),
                          lambda _none: self.ctx.saved.emit(f"已导出结果工作簿 {path}"),
                          lambda exc: self.show_error(exc, "导出失败"), self,
                          "正在导出结果工作簿……")

