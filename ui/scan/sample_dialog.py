"""扫描抽样复核: an administrator draws a random sample of the ballots saved from scans (a
number or a percentage; the seed goes into the audit trail), clerks type each sampled ballot
from the paper without seeing what the scan read (the entry page's grid and keys), and the
dialog shows the discrepancy rate and each difference next to the row as scanned.
The service is evalapp/services/scan_sample.py."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QSpinBox,
    QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from evalapp.domain import DomainError
from evalapp.services.ballots import BallotInput, get_ballot
from evalapp.services.context import MANAGE
from evalapp.services.evaluations import get_data
from evalapp.services.scan_sample import draw_sample, retype, sample_report, scanned_serials
from ui.context import AppContext
from ui.entry.entry_grid import EntryGrid
from ui.entry.mark_typing import is_grade_mode
from ui.operations import BALLOTS

BY_COUNT, BY_PERCENT = "张数", "百分比"
DIFF_COLUMNS = ("票号", "部门", "扫描读出", "复核录入")
NONE_WORD = "(空白)"


class ScanSampleDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("扫描抽样复核")
        self.resize(1200, 700)
        self.data = get_data(ctx.db, ctx.evaluation_id)
        self.report = None
        self.serial: str | None = None
        self._build()
        self.refresh()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.how = QComboBox()
        self.how.addItems([BY_COUNT, BY_PERCENT])
        self.size = QSpinBox()
        self.size.setRange(1, 9999)
        self.size.setValue(10)
        self.how.currentTextChanged.connect(
            lambda text: self.size.setSuffix(" %" if text == BY_PERCENT else " 张"))
        self.size.setSuffix(" 张")
        self.seed = QLineEdit()
        self.seed.setPlaceholderText("留空则随机产生")
        self.seed.setToolTip("随机数种子:记入操作记录,用同一种子可重新抽出同一样本")
        self.draw_button = QPushButton("抽取样本")
        self.draw_button.clicked.connect(self.draw)
        self.draw_button.setEnabled(self.ctx.may(MANAGE))
        if not self.ctx.may(MANAGE):
            self.draw_button.setToolTip("抽样由管理员进行(监票人在场)")
        top = QHBoxLayout()
        for widget in (QLabel("按"), self.how, self.size, QLabel("种子:"), self.seed,
                       self.draw_button):
            top.addWidget(widget)
        top.addStretch(1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.serials = QListWidget()
        self.serials.currentItemChanged.connect(lambda *_: self._pick())
        self.grid = EntryGrid()
        self.grid.configure(self.data.settings)
        self.grid.finished.connect(self.save)
        self.grid.refused.connect(lambda text: self.message.setText(f"⚠ {text}" if text else ""))
        self.own = QComboBox()
        self.own.addItem("(无)", None)
        for d in sorted(self.data.departments, key=lambda d: d.order):
            self.own.addItem(d.name, d.name)
        self.typing_title = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        typing = QWidget()
        box = QVBoxLayout(typing)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.typing_title)
        form = QFormLayout()
        form.addRow("评委所属部门(本部门):", self.own)
        box.addLayout(form)
        box.addWidget(self.grid, 1)
        legend = QLabel(self.grid.legend() + "。最后一行确认后保存复核。")
        legend.setWordWrap(True)
        box.addWidget(legend)
        box.addWidget(self.message)
        self.differences = QTableWidget(0, len(DIFF_COLUMNS))
        self.differences.setHorizontalHeaderLabels(DIFF_COLUMNS)
        self.differences.verticalHeader().hide()
        self.differences.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.differences.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.differences.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.differences.horizontalHeader().setStretchLastSection(True)
        self.differences.currentCellChanged.connect(lambda *_: self._show_crop())
        self.crop = QLabel("选中一处不一致,这里显示该行的扫描图像")
        self.crop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.crop.setWordWrap(True)
        self.crop.setMinimumHeight(150)  # the row image stays in view under the table
        found = QWidget()
        right = QVBoxLayout(found)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(QLabel("不一致之处(复核录入后显示):"))
        right.addWidget(self.differences, 1)
        right.addWidget(self.crop)
        splitter = QSplitter()
        splitter.addWidget(self.serials)
        splitter.addWidget(typing)
        splitter.addWidget(found)
        splitter.setSizes([150, 560, 450])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

    # ------------------------------------------------------------------ state
    def refresh(self) -> None:
        self.report = sample_report(self.ctx.db, self.ctx.evaluation_id)
        population = len(scanned_serials(self.ctx.db, self.ctx.evaluation_id))
        self.serials.clear()
        if self.report is None:
            self.summary.setText(f"由扫描保存的选票 {population} 张,尚未抽样。"
                                 "抽样后由录入员对照纸质评分表逐张重新录入(看不到扫描结果)。")
        else:
            self.summary.setText(self.report.summary())
            for serial in self.report.draw.serials:
                done = serial in self.report.typed
                differs = any(d.serial == serial for d in self.report.differences)
                state = "不一致" if differs else "一致" if done else "待复核"
                item = QListWidgetItem(f"{serial}  {state}")
                item.setData(Qt.ItemDataRole.UserRole, serial)
                if done:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                self.serials.addItem(item)
        self._fill_differences()
        left = [i for i in range(self.serials.count())
                if self.serials.item(i).flags() & Qt.ItemFlag.ItemIsEnabled]
        if left:
            self.serials.setCurrentRow(left[0])
        else:
            self._pick()

    def _fill_differences(self) -> None:
        items = self.report.differences if self.report else []
        self.differences.setRowCount(len(items))
        for r, d in enumerate(items):
            for c, text in enumerate((d.serial, d.department, d.scanned or NONE_WORD,
                                      d.typed or NONE_WORD)):
                self.differences.setItem(r, c, QTableWidgetItem(text))

    def _show_crop(self) -> None:
        row = self.differences.currentRow()
        items = self.report.differences if self.report else []
        if not 0 <= row < len(items) or not items[row].png:
            self.crop.setText("(此项无行图像)" if 0 <= row < len(items) else "")
            return
        pixmap = QPixmap.fromImage(QImage.fromData(items[row].png))
        width = min(pixmap.width() * 2, max(440, self.crop.width() - 8))
        self.crop.setPixmap(pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation))

    def _pick(self) -> None:
        item = self.serials.currentItem()
        self.serial = item.data(Qt.ItemDataRole.UserRole) if item is not None and \
            item.flags() & Qt.ItemFlag.ItemIsEnabled else None
        self.grid.entry_model.set_rows(self.data.departments if self.serial else [],
                                       not is_grade_mode(self.data.settings))
        self.grid.setEnabled(self.serial is not None)
        self.own.setCurrentIndex(0)
        self.typing_title.setText(f"<b>复核录入 票号 {self.serial}</b>(对照纸质评分表)"
                                  if self.serial else "没有待复核的样本选票。")
        if self.serial:
            self.grid.start()

    # ------------------------------------------------------------------ actions
    def draw(self) -> None:
        seed_text = self.seed.text().strip()
        if seed_text and not seed_text.isdigit():
            self.message.setText("⚠ 种子应为数字(或留空)")
            return
        value = self.size.value()
        by_percent = self.how.currentText() == BY_PERCENT
        try:
            draw_sample(self.ctx.db, self.ctx.actor, self.ctx.evaluation_id,
                        size=None if by_percent else value,
                        percent=value if by_percent else None,
                        seed=int(seed_text) if seed_text else None)
        except DomainError as exc:
            self.message.setText(f"⚠ {exc}")
            return
        self.message.clear()
        self.refresh()

    def save(self) -> None:
        """The last row was committed: the blind typing of the sample ballot is saved."""
        if self.serial is None or self.report is None:
            return
        group = get_ballot(self.ctx.db, self.ctx.evaluation_id, self.serial).group
        entry = BallotInput(self.serial, group, self.grid.entry_model.marks_by_name(),
                            self.own.currentData())
        try:
            found = retype(self.ctx.db, self.ctx.actor, self.ctx.evaluation_id,
                           self.report.draw, entry)
        except DomainError as exc:
            self.message.setText(f"⚠ {exc}")
            return
        self.message.setText(f"票号 {self.serial} 已复核:"
                             + (f"{len(found)} 处与扫描结果不一致" if found else "与扫描结果一致"))
        self.ctx.announce(BALLOTS.by(self))
        self.refresh()
