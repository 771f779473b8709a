"""The projector window (大屏展示): a second top-level window, full-screen on a chosen
screen, fed by the same AppContext as the main window and driven from the 会场大屏 page."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from evalapp.domain import DomainError
from evalapp.services.evaluations import list_evaluations
from evalapp.services.presentation import get_presentation_minutes, list_times, record_time
from evalapp.services.results import compute_results
from ui.operations import Latest
from ui.context import AppContext
from ui.projector import theme
from ui.projector.bands import Band, ProgressView
from ui.projector.chart_view import ChartView
from ui.projector.projector_model import ProjectorView, build_view
from ui.projector.ranking_view import HEADING_UNITS, RankingView
from ui.projector.reveal import BOTTOM_FIRST, Reveal, ScreenPage, page_of, pages
from ui.projector.stage_timer import Speaker, StageRun
from ui.projector.timer_view import TimerView

MODE_FROZEN, MODE_PROGRESS, MODE_RESULTS = "frozen", "progress", "results"
MODE_REVEAL, MODE_TIMER = "reveal", "timer"
MODE_LABELS = {MODE_FROZEN: "冻结", MODE_PROGRESS: "只显示进度", MODE_RESULTS: "显示结果",
               MODE_REVEAL: "逐条揭晓", MODE_TIMER: "述职计时"}
DEBOUNCE_MS = 300
CLOCK_MS = 200
DEFAULT_PACE = 10  # seconds per page
CORRECTED_TEXT = "已更正"
CURSOR_IDLE_MS = 3000  # the pointer hides after this long without moving, and comes back
CLOSE_KEYS = ("Esc", "Shift+F5")  # always leave the big screen (one-screen laptops too)
LEAVE_HINT = "按 Esc 或 Shift+F5 关闭大屏"
LEAVE_HINT_MS = 6000


class ProjectorWindow(QWidget):
    """Header (title, 初步/正式), a body that changes with the mode, footer (progress)."""

    changed = Signal()  # what is on screen changed (the control page shows a summary)
    problem = Signal(str)  # a service refused something (e.g. recording a time)

    def __init__(self, ctx: AppContext, clock: Callable[[], float] = time.monotonic,
                 parent=None):
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx, self.clock = ctx, clock
        self.setWindowTitle("大屏展示")
        self.view: ProjectorView | None = None  # on screen
        self.latest: ProjectorView | None = None  # newest computed (differs while frozen)
        self.mode, self.chart_mode, self.auto_page = MODE_RESULTS, False, True
        self.page_index = 0
        self.reveal = Reveal()
        self.run = StageRun([], 8 * 60, self._record, clock)
        self._asked = self._applied = 0
        self._read = Latest(self._work, lambda a: self._apply(*a), self._failed)
        self.timed_evaluation: int | None = None  # whose departments the timer holds
        self._build()
        self.resize(1920, 1080)  # until it opens on a screen (and for the page's preview)
        self._timers()
        for key in CLOSE_KEYS:
            QShortcut(QKeySequence(key), self, self.close)
        ctx.changed.connect(lambda _changes: self.schedule())
        ctx.evaluation_changed.connect(self._evaluation_changed)

    def _build(self) -> None:
        self.header = Band(11, 4.6, True, self)
        self.footer = Band(8, 4.0, False, self)
        self.ranking, self.chart = RankingView(self), ChartView(self)
        self.progress, self.timer_view = ProgressView(self), TimerView(self)
        self.timer_view.set_run(self.run)
        self.stack = QStackedWidget(self)
        for widget in (self.ranking, self.chart, self.progress, self.timer_view):
            self.stack.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.footer)
        self.hint = QLabel(LEAVE_HINT, self)  # over the header, only just after opening
        self.hint.hide()
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), theme.BACKGROUND)
        self.setPalette(palette)

    def _timers(self) -> None:
        self.refresh_timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.refresh_timer.timeout.connect(self.refresh_now)
        self.page_timer = QTimer(self, interval=DEFAULT_PACE * 1000)
        self.page_timer.timeout.connect(self.tick)
        self.page_timer.start()
        self.clock_timer = QTimer(self, interval=CLOCK_MS)
        self.clock_timer.timeout.connect(self.tick_clock)
        self.clock_timer.start()
        self.hint_timer = QTimer(self, singleShot=True, interval=LEAVE_HINT_MS)
        self.hint_timer.timeout.connect(self.hint.hide)
        self.cursor_timer = QTimer(self, interval=250)
        self.cursor_timer.timeout.connect(self.watch_cursor)
        self._pointer, self._still_since, self.cursor_hidden = QPoint(), 0.0, False

    # ------------------------------------------------------------------ data
    def schedule(self) -> None:
        self.refresh_timer.start()

    def _evaluation_changed(self, _id) -> None:
        self.run.record()  # belongs to the evaluation being left
        self.view = self.latest = None
        self.reveal = Reveal(None, self.reveal.order)
        self.run = StageRun([], self.run.allowed, self._record, self.clock)
        self.timer_view.set_run(self.run)
        self.schedule()

    def refresh_now(self) -> None:
        """Recompute in the background: one run, one waiting (an older answer: dropped)."""
        if self.ctx.evaluation_id is None:
            return
        self._asked += 1
        self._read.ask()

    def _work(self):  # on a worker thread: no widgets
        asked, db, actor, eid = self._asked, self.ctx.db, self.ctx.actor, self.ctx.evaluation_id
        info = next((e for e in list_evaluations(db) if e.id == eid), None)
        results = compute_results(db, eid, actor)
        results.result.digest  # noqa: B018 - cached here, not on the GUI thread (½ s)
        return asked, (results, results.counts,  # the counts of the same snapshot
                       info is not None and info.is_final,
                       get_presentation_minutes(db, eid), list_times(db, eid), eid)

    def _failed(self, exc: Exception) -> None:
        self.problem.emit(str(exc))

    def _apply(self, asked: int, value) -> None:
        if asked < self._applied:
            return
        self._applied = asked
        results, counts, final, minutes, times, self.timed_evaluation = value
        self.latest = build_view(results, counts, final, self.latest)
        self._load_speakers(results.data.departments, minutes * 60,
                            {k: t.used_seconds for k, t in times.items()})
        if self.mode != MODE_FROZEN:
            self.view = self.latest
        if self.reveal.view is None:
            self.reveal.restart(self.latest)
        self.render()

    def _load_speakers(self, departments, allowed: int, used: dict[str, int]) -> None:
        speakers = [Speaker(d.name, d.presenter, d.title)
                    for d in sorted(departments, key=lambda d: d.order)]
        if speakers == self.run.speakers:
            if allowed != self.run.allowed:
                self.run.set_allowed(allowed)
            return
        current = self.run.speaker
        self.run = StageRun(speakers, allowed, self._record, self.clock,
                            {**used, **self.run.used})
        names = [s.department for s in speakers]
        if current is not None and current.department in names:
            self.run.index = names.index(current.department)
            self.run.timer.reset(allowed, self.run.used.get(current.department, 0))
        self.timer_view.set_run(self.run)

    def _record(self, speaker: Speaker, allowed: int, used: int) -> None:
        try:
            record_time(self.ctx.db, self.ctx.actor, self.timed_evaluation,
                        speaker.department, allowed, used)
        except DomainError as exc:
            self.problem.emit(str(exc))
            return
        self.ctx.saved.emit(f"已记录 {speaker.department} 述职用时")

    # ------------------------------------------------------------------ controls
    def set_mode(self, mode: str) -> None:
        if mode == MODE_REVEAL and self.reveal.view is None:
            self.reveal.restart(self.latest)
        self.mode = mode
        if mode != MODE_FROZEN:
            self.view = self.latest
        self.render()

    def set_chart(self, on: bool) -> None:
        self.chart_mode = on
        self.render()

    def set_pace(self, seconds: int) -> None:
        self.page_timer.setInterval(max(1, int(seconds)) * 1000)

    def set_auto_page(self, on: bool) -> None:
        self.auto_page = on

    def all_pages(self) -> list[ScreenPage]:
        return pages(self.view, self.rows_per_page())

    def rows_per_page(self) -> int:
        m = theme.Metrics(self.width(), self.height())
        body = self.height() - m.px(11) - m.px(8) - m.px(HEADING_UNITS)
        return max(3, body // max(1, m.row))

    def tick(self) -> None:
        """One beat of the auto paging (QTimer; tests call it directly)."""
        if self.mode == MODE_RESULTS and self.auto_page:
            self._turn(1, restart=False)

    def next_page(self) -> None:
        self._turn(1)

    def previous_page(self) -> None:
        self._turn(-1)

    def _turn(self, step: int, restart: bool = True) -> None:
        count = len(self.all_pages())
        if count:
            self.page_index = (self.page_index + step) % count
        if restart:
            self.page_timer.start()  # a page turned by hand stays a full beat
        self.render()

    def restart_reveal(self, order: str = BOTTOM_FIRST) -> None:
        self.reveal.restart(self.latest, order)
        self.set_mode(MODE_REVEAL)

    def reveal_next(self) -> None:
        if self.mode != MODE_REVEAL:
            self.set_mode(MODE_REVEAL)
        self.reveal.next()
        self.render()

    def reveal_previous(self) -> None:
        self.reveal.previous()
        self.render()

    def start_pause(self) -> None:
        self.run.timer.toggle()
        self.render()

    def next_speaker(self) -> None:
        self.run.next()
        self.render()

    def previous_speaker(self) -> None:
        self.run.previous()
        self.render()

    def set_minutes(self, minutes: int) -> None:
        self.run.set_allowed(int(minutes) * 60)
        self.render()

    def tick_clock(self) -> None:
        if self.mode == MODE_TIMER and self.stack.currentWidget() is self.timer_view:
            self.timer_view.update()
            self.changed.emit()

    # ------------------------------------------------------------------ drawing
    def render(self) -> None:
        if self.mode != MODE_FROZEN:
            self._render_bands()
            {MODE_PROGRESS: self._render_progress, MODE_RESULTS: self._render_results,
             MODE_REVEAL: self._render_reveal, MODE_TIMER: self._render_timer}[self.mode]()
        self.changed.emit()

    def _render_bands(self) -> None:
        v = self.view
        if v is None:
            self.header.set_texts("大屏展示")
            self.footer.set_texts("正在读取结果……")
            return
        status = (theme.UP, theme.BACKGROUND) if v.final else (theme.ACCENT, theme.BACKGROUND)
        label = "述职计时" if self.mode == MODE_TIMER else v.status_label
        self.header.set_texts(v.title, label, status)
        corrected = (CORRECTED_TEXT, (theme.CORRECTED, theme.BACKGROUND)) if v.corrected \
            else ("", None)
        self.footer.set_texts(v.progress.text, *corrected)

    def _render_progress(self) -> None:
        if self.view is not None:
            self.progress.set_progress(self.view.progress.lines(), self.view.progress.fraction)
        self.stack.setCurrentWidget(self.progress)

    def _render_results(self) -> None:
        all_pages = self.all_pages()
        if not all_pages:
            self.ranking.set_content(None, 0, 0)
            self.stack.setCurrentWidget(self.ranking)
            return
        self.page_index %= len(all_pages)
        self._show_page(self.view, all_pages[self.page_index])

    def _show_page(self, view: ProjectorView, page: ScreenPage, covered=None,
                   highlight=None) -> None:
        category = view.category(page.category)
        text = f"第 {page.number}/{page.count} 页" if page.count > 1 else ""
        if self.chart_mode and self.mode == MODE_RESULTS:
            self.chart.set_content(category, page.start, page.end, text)
            self.stack.setCurrentWidget(self.chart)
            return
        self.ranking.set_content(category, page.start, page.end, text, view.has_previous,
                                 covered, highlight)
        self.stack.setCurrentWidget(self.ranking)

    def _render_reveal(self) -> None:
        view, focus = self.reveal.view, self.reveal.focus()
        if view is None or focus is None:
            self.ranking.set_content(None, 0, 0)
            self.stack.setCurrentWidget(self.ranking)
            return
        all_pages = pages(view, self.rows_per_page())
        page = all_pages[page_of(all_pages, *focus)]
        revealed = self.reveal.revealed(page.category)
        covered = set(range(page.start, page.end)) - revealed
        current = self.reveal.current()
        highlight = current[1] if current and current[0] == page.category else None
        self._show_page(view, page, covered, highlight)

    def _render_timer(self) -> None:
        self.timer_view.update()
        self.stack.setCurrentWidget(self.timer_view)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.header.sync_height()
        self.footer.sync_height()
        self.layout().activate()  # place the body now, not on the next event-loop turn
        self.render()

    def keyPressEvent(self, event) -> None:
        key, k = event.key(), Qt.Key
        forward = key in (k.Key_PageDown, k.Key_Right, k.Key_Down)
        back = key in (k.Key_PageUp, k.Key_Left, k.Key_Up)
        if key == k.Key_Space and self.mode == MODE_TIMER:
            self.start_pause()
        elif key == k.Key_Space and self.mode == MODE_REVEAL:
            self.reveal_next()
        elif forward or back:
            actions = {MODE_TIMER: (self.next_speaker, self.previous_speaker),
                       MODE_REVEAL: (self.reveal_next, self.reveal_previous),
                       MODE_RESULTS: (self.next_page, self.previous_page)}
            pair = actions.get(self.mode)
            if pair:
                pair[0 if forward else 1]()
        else:
            super().keyPressEvent(event)

    def open_on(self, screen) -> None:
        """Full screen on ``screen`` (a QScreen), exactly its size whatever was shown before.
        On a one-screen laptop (or a duplicated display) it covers the secretariat's screen:
        Esc or Shift+F5 always closes it, the pointer only hides while it is not moved, and
        a note says how to leave for the first seconds."""
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.setGeometry(screen.geometry())  # a window manager may keep an old size
        self.show_cursor()
        self.cursor_timer.start()
        self.show_hint()
        self.activateWindow()
        self.refresh_now()

    def show_hint(self) -> None:
        pixels = max(16, self.height() // 54)  # readable on the laptop, small in the hall
        self.hint.setStyleSheet("background: #FFF4CC; color: #1F2933; padding: 4px 12px;"
                                f"border: 1px solid #9AA8B8; font-size: {pixels}px;")
        self.hint.adjustSize()
        # on the right of the footer band: no result row and no 初步结果 badge is covered
        self.hint.move(self.width() - self.hint.width() - 16,
                       self.height() - (self.footer.height() + self.hint.height()) // 2)
        self.hint.raise_()
        self.hint.show()
        self.hint_timer.start()

    def show_cursor(self) -> None:
        self.unsetCursor()
        self.cursor_hidden = False
        self._pointer, self._still_since = QCursor.pos(), self.clock()

    def watch_cursor(self) -> None:
        """Every 250 ms: a moved pointer shows again; one still for CURSOR_IDLE_MS hides."""
        if QCursor.pos() != self._pointer:
            self.show_cursor()
        elif not self.cursor_hidden and \
                (self.clock() - self._still_since) * 1000 >= CURSOR_IDLE_MS:
            self.setCursor(Qt.CursorShape.BlankCursor)
            self.cursor_hidden = True

    def closeEvent(self, event) -> None:
        self.run.record()  # the presenter on stage keeps the time counted so far
        self.cursor_timer.stop()
        self.show_cursor()
        self.hint.hide()
        super().closeEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)
        self.changed.emit()  # now hidden: the 会场大屏 page offers 打开大屏 again
