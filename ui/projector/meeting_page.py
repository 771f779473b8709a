"""会场大屏 page: the secretariat's controls for the projector window (which screen, open /
close, freeze / progress / results / reveal / timer, paging pace) and the 述职 timer."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
)

from evalapp.services.context import MANAGE, VIEW_RESULTS
from evalapp.services.presentation import (
    get_presentation_minutes,
    minutes_seconds,
    set_presentation_minutes,
)
from ui.common.base import Page
from ui.projector.projector_window import (
    MODE_FROZEN,
    MODE_LABELS,
    MODE_PROGRESS,
    MODE_RESULTS,
    MODE_REVEAL,
    MODE_TIMER,
    ProjectorWindow,
)
from ui.projector.reveal import BOTTOM_FIRST, ORDER_LABELS, TOP_FIRST
from ui.projector.stage_timer import clock_text

PREVIEW_MS = 500  # the preview follows the big screen at most twice a second
MODE_KEYS = {MODE_FROZEN: "Alt+1", MODE_PROGRESS: "Alt+2", MODE_RESULTS: "Alt+3",
             MODE_REVEAL: "Alt+4", MODE_TIMER: "Alt+5"}


def _button(text: str, key: str, slot, tip: str) -> QPushButton:
    button = QPushButton(f"{text}({key})")
    button.setShortcut(QKeySequence(key))
    button.setToolTip(f"{tip}(快捷键 {key})")
    button.clicked.connect(slot)
    return button


class MeetingPage(Page):
    """Drives one ProjectorWindow; ``clock`` is injectable for tests of the timer."""

    title = "会场大屏"
    permission = VIEW_RESULTS
    shortcut = "Ctrl+8"

    def __init__(self, ctx, parent=None, clock=time.monotonic):
        super().__init__(ctx, parent)
        self.projector = ProjectorWindow(ctx, clock, self)
        self.projector.changed.connect(self._sync)
        self.projector.problem.connect(lambda text: self.show_error(Exception(text)))
        layout = QVBoxLayout(self)
        layout.addWidget(self._screen_box())
        layout.addWidget(self._mode_box())
        self.boxes = QBoxLayout(QBoxLayout.Direction.LeftToRight)  # one above the other
        self.boxes.addWidget(self._reveal_box(), 1)                 # on a narrow screen
        self.boxes.addWidget(self._timer_box(), 1)
        layout.addLayout(self.boxes)
        note = QLabel("大屏只显示名次、部门、综合得分、结果和较上年升降,以及录入进度;"
                      "不显示任何一张选票、录入员或评委的信息。定稿前标注“初步结果”。")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.warning = QLabel()  # for the secretariat only: never on the big screen
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #A61B29; font-weight: bold;")
        layout.addWidget(self.warning)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(120)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.preview.setToolTip("大屏当前画面(预览)")
        layout.addWidget(self.preview, 1)
        self.preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_MS)
        self.preview_timer.timeout.connect(self.update_preview)
        self._sync()

    # ------------------------------------------------------------------ layout
    NARROW = 900  # below this width the 逐条揭晓 and 述职计时 boxes stack

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        direction = QBoxLayout.Direction.TopToBottom if self.width() < self.NARROW \
            else QBoxLayout.Direction.LeftToRight
        if self.boxes.direction() != direction:
            self.boxes.setDirection(direction)

    def _screen_box(self) -> QGroupBox:
        box = QGroupBox("大屏")
        self.screen_combo = QComboBox()
        self.screen_combo.setToolTip("选择投影仪或大屏所在的显示器")
        label = QLabel("显示器(&S):")
        label.setBuddy(self.screen_combo)
        self.open_button = _button("打开大屏", "F5", self.open_projector,
                                   "在所选显示器上全屏打开大屏")
        self.close_button = _button("关闭大屏", "Shift+F5", self.close_projector, "关闭大屏窗口")
        self.screen_state = QLabel()
        row = QHBoxLayout(box)
        for w in (label, self.screen_combo, self.open_button, self.close_button):
            row.addWidget(w)
        row.addWidget(self.screen_state, 1)
        return box

    def _mode_box(self) -> QGroupBox:
        box = QGroupBox("大屏显示")
        self.modes = QButtonGroup(self)
        self.mode_buttons: dict[str, QRadioButton] = {}
        row = QHBoxLayout()
        for mode, key in MODE_KEYS.items():
            radio = QRadioButton(f"{MODE_LABELS[mode]}({key})")
            radio.setShortcut(QKeySequence(key))
            radio.setToolTip(f"大屏切换为“{MODE_LABELS[mode]}”(快捷键 {key})")
            radio.toggled.connect(lambda on, m=mode: on and self.projector.set_mode(m))
            self.modes.addButton(radio)
            self.mode_buttons[mode] = radio
            row.addWidget(radio)
        row.addStretch(1)
        self.chart_check = QCheckBox("柱状图(Alt+6)")
        self.chart_check.setShortcut(QKeySequence("Alt+6"))
        self.chart_check.setToolTip("显示结果时用柱状图代替排名表(快捷键 Alt+6)")
        self.chart_check.toggled.connect(self.projector.set_chart)
        self.auto_check = QCheckBox("自动翻页")
        self.auto_check.setChecked(True)
        self.auto_check.toggled.connect(self.projector.set_auto_page)
        self.pace = QSpinBox()
        self.pace.setRange(3, 120)
        self.pace.setValue(10)
        self.pace.setSuffix(" 秒/页")
        self.pace.setToolTip("自动翻页时每页停留的时间")
        self.pace.valueChanged.connect(self.projector.set_pace)
        paging = QHBoxLayout()
        for w in (self.chart_check, self.auto_check, QLabel("每页停留:"), self.pace,
                  _button("上一页", "Ctrl+PgUp", self.projector.previous_page, "大屏翻到上一页"),
                  _button("下一页", "Ctrl+PgDown", self.projector.next_page, "大屏翻到下一页")):
            paging.addWidget(w)
        paging.addStretch(1)
        self.page_state = QLabel()
        paging.addWidget(self.page_state)
        outer = QVBoxLayout(box)
        outer.addLayout(row)
        outer.addLayout(paging)
        return box

    def _reveal_box(self) -> QGroupBox:
        box = QGroupBox("逐条揭晓")
        self.order_combo = QComboBox()
        for order in (BOTTOM_FIRST, TOP_FIRST):
            self.order_combo.addItem(ORDER_LABELS[order], order)
        self.restart_button = _button("从头揭晓", "Ctrl+R", self.restart_reveal,
                                      "取最新结果,按所选顺序从头开始揭晓")
        self.reveal_next_button = _button("揭晓下一条", "Ctrl+Down", self.projector.reveal_next,
                                          "大屏揭晓下一条")
        self.reveal_back_button = _button("撤回一条", "Ctrl+Up", self.projector.reveal_previous,
                                          "大屏盖回刚揭晓的一条")
        self.reveal_state = QLabel()
        form = QFormLayout(box)
        label = QLabel("顺序(&O):")
        label.setBuddy(self.order_combo)
        form.addRow(label, self.order_combo)
        buttons = QHBoxLayout()
        for b in (self.restart_button, self.reveal_next_button, self.reveal_back_button):
            buttons.addWidget(b)
        form.addRow(buttons)
        form.addRow(self.reveal_state)
        return box

    def _timer_box(self) -> QGroupBox:
        box = QGroupBox("述职计时")
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 60)
        self.minutes.setSuffix(" 分钟")
        self.minutes.setToolTip("每位述职人的时长;修改需管理员权限")
        self.minutes.setEnabled(self.ctx.may(MANAGE))
        self.minutes.editingFinished.connect(self.save_minutes)
        self.previous_button = _button("上一位", "F7", self.projector.previous_speaker,
                                       "记录当前用时,回到上一位")
        self.start_button = _button("开始/暂停", "F8", self.projector.start_pause,
                                    "开始或暂停计时")
        self.next_button = _button("下一位", "F9", self.projector.next_speaker,
                                   "记录当前用时,换下一位")
        self.timer_state = QLabel()
        self.timer_state.setWordWrap(True)
        form = QFormLayout(box)
        label = QLabel("每人时长(&M):")
        label.setBuddy(self.minutes)
        form.addRow(label, self.minutes)
        buttons = QHBoxLayout()
        for b in (self.previous_button, self.start_button, self.next_button):
            buttons.addWidget(b)
        form.addRow(buttons)
        form.addRow(self.timer_state)
        return box

    # ------------------------------------------------------------------ actions
    def refresh(self) -> None:
        self._fill_screens()
        if self.ctx.evaluation_id is not None:
            self.minutes.blockSignals(True)
            self.minutes.setValue(get_presentation_minutes(self.ctx.db, self.ctx.evaluation_id))
            self.minutes.blockSignals(False)
            self.projector.refresh_now()
        self._sync()

    def _fill_screens(self) -> None:
        current = self.screen_combo.currentData()
        primary = QGuiApplication.primaryScreen()
        self.screen_combo.clear()
        for i, screen in enumerate(QGuiApplication.screens()):
            size = screen.geometry().size()
            main = "(本机屏幕)" if screen is primary else ""
            self.screen_combo.addItem(f"{i + 1}. {screen.name()} {size.width()}×"
                                      f"{size.height()}{main}", screen)
        others = [i for i in range(self.screen_combo.count())
                  if self.screen_combo.itemData(i) is not primary]
        index = self.screen_combo.findData(current) if current is not None else -1
        self.screen_combo.setCurrentIndex(index if index >= 0 else (others or [0])[0])

    def open_projector(self) -> None:
        if self.screen_combo.count() == 0:
            self._fill_screens()
        screen = self.screen_combo.currentData() or QGuiApplication.primaryScreen()
        self.projector.open_on(screen)
        self._sync()

    def close_projector(self) -> None:
        self.projector.close()
        self._sync()

    def restart_reveal(self) -> None:
        self.projector.restart_reveal(self.order_combo.currentData())

    def save_minutes(self) -> None:
        if self.ctx.evaluation_id is None:
            return
        value = self.call(set_presentation_minutes, self.ctx.db, self.ctx.actor,
                          self.ctx.evaluation_id, self.minutes.value())
        if value is not None:
            self.projector.set_minutes(value)
            self.ctx.saved.emit(f"已保存 述职时长 {value} 分钟")

    # ------------------------------------------------------------------ state
    def _sync(self) -> None:
        p = self.projector
        radio = self.mode_buttons[p.mode]
        if not radio.isChecked():
            radio.blockSignals(True)
            radio.setChecked(True)
            radio.blockSignals(False)
        shown = p.isVisible()
        self.open_button.setEnabled(not shown)
        self.close_button.setEnabled(shown)
        where = p.screen().name() if shown and p.screen() else ""
        alone = len(QGuiApplication.screens()) == 1
        state = f"大屏已打开:{where}" if shown else "大屏未打开"
        if alone:
            state += "(只有一个显示器:大屏会盖住本机屏幕,按 Esc 或 Shift+F5 关闭)"
        self.screen_state.setText(state)
        self.screen_state.setWordWrap(True)
        warning = p.latest.progress.secretariat_warning if p.latest is not None else ""
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        count = len(p.all_pages()) if shown else 0
        self.page_state.setText(f"大屏第 {p.page_index % count + 1}/{count} 页" if count else "")
        self.reveal_state.setText(p.reveal.status())
        self.timer_state.setText(self._timer_text())
        if self.isVisible() and not self.preview_timer.isActive():
            self.preview_timer.start()

    def update_preview(self) -> None:
        """A small copy of what the hall sees (drawn even while the big screen is closed)."""
        size = self.preview.size()
        if size.width() < 40 or size.height() < 40:
            return
        picture = self.projector.grab()
        self.preview.setPixmap(picture.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation))

    def _timer_text(self) -> str:
        run = self.projector.run
        speaker = run.speaker
        if speaker is None:
            return "没有述职部门"
        left = run.timer.remaining()
        clock = f"超时 {clock_text(-left)}" if left <= 0 else f"剩余 {clock_text(left)}"
        recorded = run.used.get(speaker.department)
        note = f";已记录用时 {minutes_seconds(recorded)}" if recorded else ""
        return (f"第 {run.index + 1}/{len(run.speakers)} 位:{speaker.department}"
                f"({speaker.who or '未填述职人'})· {clock} · {run.status_word()}{note}")
