"""扫描核对 page: import scanned ballots, then confirm the doubtful marks one by one.

The queue lists the doubtful department rows, most doubtful first; the row's image is shown
enlarged with each bubble's fill; the clerk types what the paper says in a one-row entry grid
with the entry page's keys and rule (ui/entry/entry_grid.py): a grade key is the mark, a
score is committed by Enter, a blank (未评) only by Space — Enter on an empty answer does
nothing. When every doubtful row of a sheet is answered, the sheet is saved through
services/scan_review.resolve_sheet (audited with who confirmed what; with double entry the
review is the second entry). F3 shows the whole straightened sheet.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QScrollArea,
    QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from evalapp.domain import Department
from evalapp.services.context import ENTER
from evalapp.services.evaluations import get_data
from evalapp.services.scan_review import ReviewItem, resolve_sheet, review_queue, sheet_pages
from ui.common.base import LivePage
from ui.entry.entry_grid import EntryGrid
from ui.entry.mark_typing import is_grade_mode
from ui.operations import BALLOTS

STATE_WORDS = {"mark": "已涂", "blank": "空白", "doubt": "存疑"}
COLUMNS = ("票号", "评委类别", "部门", "存疑原因", "存疑程度")


def _pixmap(data: bytes) -> QPixmap:
    return QPixmap.fromImage(QImage.fromData(data))


class ScanReviewPage(LivePage):
    """Doubtful marks of scanned ballots, confirmed by a person."""

    title = "扫描核对"
    permission = ENTER
    shortcut = "Ctrl+Shift+K"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.items: list[ReviewItem] = []
        self.answers: dict[str, dict[str, str | None]] = {}  # serial → department → mark
        self.own: dict[str, str] = {}  # serial → department marked 本部门 by the clerk
        self.departments: dict[str, Department] = {}
        self.numeric = True
        self._build()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.counts = QLabel()
        self.import_button = QPushButton("导入扫描选票…")
        self.import_button.setToolTip("选择扫描仪保存的 PDF 或图像文件,或整个文件夹"
                                      "(同“文件”菜单;也可在“文件”菜单中监视扫描文件夹)")
        self.import_button.clicked.connect(self.import_scans)
        self.sample_button = QPushButton("抽样复核…")
        self.sample_button.setToolTip("随机抽取由扫描保存的选票,对照纸质评分表重新录入,"
                                      "统计扫描与人工不一致的比例")
        self.sample_button.clicked.connect(self.open_sample)
        top = QHBoxLayout()
        top.addWidget(self.counts, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.sample_button)
        self.queue = QTableWidget(0, len(COLUMNS))
        self.queue.setHorizontalHeaderLabels(COLUMNS)
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue.verticalHeader().hide()
        self.queue.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.
                                                           ResizeToContents)
        self.queue.horizontalHeader().setStretchLastSection(True)
        self.queue.currentCellChanged.connect(lambda *_: self._show_current())
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.image)
        self.scroll.setWidgetResizable(True)
        self.fills = QLabel()
        self.fills.setWordWrap(True)
        self.grid = EntryGrid()  # the entry page's keys and commit rule, on one row
        self.grid.finished.connect(self.confirm)
        self.grid.setFixedHeight(self.grid.horizontalHeader().sizeHint().height()
                                 + self.grid.verticalHeader().defaultSectionSize()
                                 + 2 * self.grid.frameWidth() + 2)
        self.grid.refused.connect(self._refused)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.own_box = QCheckBox("此行是评委本人所在部门(本部门)")
        self.whole = QPushButton("整张评分表(F3)")
        self.whole.setCheckable(True)
        self.whole.toggled.connect(lambda _on: self._show_current())
        QShortcut(QKeySequence("F3"), self, self.whole.toggle)
        self.message = QLabel()
        self.message.setWordWrap(True)
        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.heading)
        box.addWidget(self.scroll, 1)
        box.addWidget(self.fills)
        box.addWidget(QLabel("纸质评分表上是(与选票录入相同的按键):"))
        box.addWidget(self.grid)
        box.addWidget(self.legend)
        row = QHBoxLayout()
        row.addWidget(self.own_box)
        row.addStretch(1)
        row.addWidget(self.whole)
        box.addLayout(row)
        box.addWidget(self.message)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.queue)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([460, 760])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        self._fresh()
        evaluation_id = self.ctx.evaluation_id
        if evaluation_id is None:
            self.counts.setText("尚未打开考评活动。")
            self._fill([])
            return
        data = get_data(self.ctx.db, evaluation_id)
        self.departments = {d.name: d for d in data.departments}
        self.numeric = not is_grade_mode(data.settings)
        self.grid.configure(data.settings)
        self.legend.setText(self.grid.legend().replace("跳到下一行", "核对下一个")
                            + "。未评(空白)只能按空格键。")
        self._fill(self.call(review_queue, self.ctx.db, evaluation_id) or [])

    def _fill(self, items: list[ReviewItem]) -> None:
        self.items = [i for i in items
                      if i.department not in self.answers.get(i.serial, {})]
        sheets = len({i.serial for i in self.items})
        self.counts.setText(f"待核对 {len(self.items)} 个部门(共 {sheets} 张评分表)。"
                            "按存疑程度排序;输入纸质评分表上的评分后按 Enter。")
        self.queue.setRowCount(len(self.items))
        for r, item in enumerate(self.items):
            values = (item.serial, item.group, item.department, ";".join(item.reasons),
                      f"{item.doubt / 10:.0f}%")
            for c, text in enumerate(values):
                self.queue.setItem(r, c, QTableWidgetItem(text))
        if self.items:
            self.queue.setCurrentCell(0, 0)
        self._show_current()

    def current(self) -> ReviewItem | None:
        row = self.queue.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _show_current(self) -> None:
        item = self.current()
        self.own_box.setChecked(False)
        department = self.departments.get(item.department) if item is not None else None
        self.grid.entry_model.set_rows([department] if department else [], self.numeric)
        self.grid.setEnabled(department is not None)
        if item is None:
            self.heading.setText("没有待核对的扫描评分。")
            self.image.clear()
            self.fills.clear()
            return
        self.heading.setText(f"<b>票号 {item.serial}</b> · {item.group} · 第 {item.page} 页 · "
                             f"<b>{item.department}</b>:{';'.join(item.reasons)}")
        if self.whole.isChecked():
            pages = sheet_pages(self.ctx.db, self.ctx.evaluation_id, item.serial)
            pixmap = _pixmap(pages[item.page - 1]) if len(pages) >= item.page else QPixmap()
            if not pixmap.isNull():
                pixmap = pixmap.scaledToWidth(max(300, self.scroll.viewport().width() - 8),
                                              Qt.TransformationMode.SmoothTransformation)
        else:
            pixmap = _pixmap(item.png)
            room = max(300, self.scroll.viewport().width() - 8)
            pixmap = pixmap.scaledToWidth(min(room, pixmap.width() * 4),
                                          Qt.TransformationMode.SmoothTransformation)
        self.image.setPixmap(pixmap)
        parts = []
        for kind, value, fill, tone, state in item.fills:
            name = value or "本部门"
            note = "" if state == "blank" else "·" + STATE_WORDS[state]
            parts.append(f"{name} {max(fill, 0):.0%}{note}")
        self.fills.setText("各圆圈涂黑程度:" + "  ".join(parts))
        if department is not None:
            self.grid.start()

    # ------------------------------------------------------------------ actions
    def _refused(self, reason: str) -> None:
        self.message.setText(f"⚠ {reason}" if reason else "")

    def confirm(self) -> None:
        """The grid committed the row (a mark, or a blank by Space): the answer for it."""
        item = self.current()
        if item is None:
            return
        value = self.grid.entry_model.mark(0)
        self.message.clear()
        self.answers.setdefault(item.serial, {})[item.department] = value
        if self.own_box.isChecked():
            self.own[item.serial] = item.department
        left = [i for i in self.items if i.serial == item.serial
                and i.department not in self.answers[item.serial]]
        if not left:
            answers = self.answers.pop(item.serial)
            info = self.call(resolve_sheet, self.ctx.db, self.ctx.actor, self.ctx.evaluation_id,
                             item.serial, answers, self.own.pop(item.serial, None))
            if info is not None:
                self.ctx.saved.emit(f"已保存 选票 {item.serial}(扫描,人工核对)")
                self.ctx.announce(BALLOTS.by(self))
        row = self.queue.currentRow()
        self.items.pop(row)
        self.queue.removeRow(row)
        if self.items:
            self.queue.setCurrentCell(min(row, len(self.items) - 1), 0)
        self._show_current()

    def import_scans(self) -> None:
        """The 文件 menu's import (files or a folder, in the background, a row per sheet)."""
        from ui.scan.import_run import import_from_menu  # lazy: OpenCV on first use
        import_from_menu(self, self.ctx)

    def open_sample(self) -> None:
        """扫描抽样复核: draw a sample, re-type it blind, see the discrepancy rate."""
        if self.ctx.evaluation_id is None:
            return
        from ui.scan.sample_dialog import ScanSampleDialog  # lazy: OpenCV on first use
        ScanSampleDialog(self.ctx, self).exec()
