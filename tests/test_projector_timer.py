"""The 述职 timer, driven by a fake clock: counts down, warns at 60 s and at 0, counts the
overtime up, and records the time used through the service when the chair moves on."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from evalapp.services.context import CHAIR, Actor
from evalapp.services.demo import create_demo
from evalapp.services.presentation import list_times
from ui.context import AppContext
from ui.fonts import apply_ui_font
from ui.projector import theme
from ui.projector.projector_window import MODE_TIMER, ProjectorWindow
from ui.projector.stage_timer import NORMAL, OVER, WARNING, Speaker, StageRun, StageTimer


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_timer_counts_down_warns_and_counts_overtime():
    clock = FakeClock()
    timer = StageTimer(480, clock)
    timer.start()
    clock.advance(100)
    assert timer.remaining() == 380 and timer.phase() == NORMAL
    timer.pause()
    clock.advance(500)  # paused: nothing counted
    assert timer.elapsed() == 100
    timer.toggle()
    clock.advance(319)
    assert timer.phase() == NORMAL
    clock.advance(1)
    assert timer.remaining() == 60 and timer.phase() == WARNING
    clock.advance(59)
    assert timer.phase() == WARNING
    clock.advance(1)
    assert timer.remaining() == 0 and timer.phase() == OVER
    clock.advance(42)
    assert timer.elapsed() == 522 and timer.remaining() == -42


def test_run_records_time_used_when_moving_on():
    clock, recorded = FakeClock(), []
    speakers = [Speaker("甲局", "张三", "局长"), Speaker("乙委", "李四", "主任"), Speaker("丙办")]
    run = StageRun(speakers, 480, lambda s, a, u: recorded.append((s.department, a, u)), clock)
    run.previous()  # nothing before the first
    assert run.speaker.department == "甲局" and run.status_word() == "准备开始"
    run.timer.start()
    clock.advance(300)
    assert run.status_word() == "述职中"
    clock.advance(162)
    assert run.status_word() == "还剩不到 1 分钟"
    run.next()
    assert recorded == [("甲局", 480, 462)]
    assert run.speaker.department == "乙委" and not run.timer.running
    run.next()  # nobody spoke: nothing recorded
    assert recorded == [("甲局", 480, 462)]
    run.timer.start()
    clock.advance(545)
    assert run.status_word() == "已超时"
    run.previous()  # back to 乙委: 丙办's time is kept
    assert recorded[-1] == ("丙办", 480, 545)
    run.next()
    assert run.timer.elapsed() == 545  # coming back shows what was counted
    run.next()  # last one: stays
    assert run.speaker.department == "丙办"


@pytest.fixture
def window(qtbot, db):
    apply_ui_font(QApplication.instance())
    evaluation_id = create_demo(db)[-1]
    clock = FakeClock()
    w = ProjectorWindow(AppContext(db, Actor("书记", CHAIR), evaluation_id), clock)
    qtbot.addWidget(w)
    w.resize(1024, 768)
    w.show()
    w.refresh_now()
    w.clock = clock
    return w


def test_projector_timer_colours_words_keys_and_recording(window, qtbot, db):
    clock = window.run.timer.clock
    window.set_mode(MODE_TIMER)
    first = window.run.speaker
    texts = window.timer_view.texts()
    assert texts["department"] == first.department and first.presenter in texts["who"]
    assert texts["clock"] == "08:00" and texts["state"] == "准备开始"
    qtbot.keyClick(window, Qt.Key.Key_Space)  # start
    clock.advance(421)
    window.tick_clock()
    assert window.timer_view.texts()["clock"] == "00:59"
    assert window.timer_view.texts()["state"] == "还剩不到 1 分钟"
    assert window.timer_view.colours() == theme.TIMER_COLOURS[WARNING]
    clock.advance(124)
    assert window.timer_view.texts()["clock"] == "+01:05"
    assert window.timer_view.texts()["state"] == "已超时"
    assert window.timer_view.colours() == theme.TIMER_COLOURS[OVER]
    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # next presenter: the time is recorded
    times = list_times(db, window.ctx.evaluation_id)
    assert times[first.department].used_seconds == 545
    assert times[first.department].allowed_seconds == 480
    assert window.run.index == 1 and window.timer_view.texts()["clock"] == "08:00"
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert window.run.index == 0 and window.timer_view.texts()["clock"] == "+01:05"


def test_switching_evaluation_keeps_the_time_under_the_old_one(window, db):
    old = window.ctx.evaluation_id
    first = window.run.speaker.department
    window.start_pause()
    window.run.timer.clock.advance(300)
    window.ctx.set_evaluation(old - 1)  # the demo's 2020 evaluation
    assert list_times(db, old)[first].used_seconds == 300
    assert list_times(db, old - 1) == {}
    window.refresh_now()
    assert window.timed_evaluation == old - 1 and window.run.timer.elapsed() == 0
