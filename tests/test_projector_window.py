"""The projector window and the 会场大屏 page: it follows ballots saved in the main window,
pages by itself, reveals line by line, freezes, and never shows a ballot or a clerk."""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from evalapp.services.ballots import BallotInput, add_ballot, edit_ballot
from evalapp.services.context import ADMIN, CHAIR, CLERK, SYSTEM, Actor
from evalapp.services.demo import create_demo
from evalapp.services.presentation import get_presentation_minutes
from evalapp.services.results import compute_results
from ui.context import AppContext
from ui.fonts import apply_ui_font
from ui.projector.meeting_page import MeetingPage
from ui.projector.projector_window import (
    CORRECTED_TEXT,
    MODE_FROZEN,
    MODE_PROGRESS,
    MODE_RESULTS,
    MODE_REVEAL,
    MODE_TIMER,
    ProjectorWindow,
)
from ui.projector.reveal import TOP_FIRST
from ui.operations import BALLOTS, Changes

ROOT = Path(__file__).resolve().parent.parent
CLERK_ACTOR = Actor("录入员王小五", CLERK)


class FakeClock:
    now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def demo(db):
    apply_ui_font(QApplication.instance())
    return db, create_demo(db)[-1]


def _window(qtbot, ctx, size=(1024, 768), clock=None) -> ProjectorWindow:
    w = ProjectorWindow(ctx, clock or FakeClock())
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    w.refresh_now()
    return w


def _row(window, name):
    return next(r for c in window.view.categories for r in c.rows if r.name == name)


def test_follows_a_ballot_saved_in_the_main_window(qtbot, demo):
    db, eid = demo
    ctx = AppContext(db, Actor("书记", CHAIR), eid)
    window = _window(qtbot, ctx)
    before = window.view.progress.entered
    last = compute_results(db, eid).result.departments[-1].name
    old_score = _row(window, last).score
    info = add_ballot(db, CLERK_ACTOR, eid, BallotInput("新-9", "老同志代表", {last: "100"}))
    ctx.announce(BALLOTS)  # what the entry page does after saving
    qtbot.waitUntil(lambda: window.view.progress.entered == before + 1, timeout=3000)
    assert _row(window, last).score != old_score
    assert window.footer.text.startswith(f"已录入 {before + 1}/")
    assert window.footer.badge == "" and not window.view.corrected
    assert window.header.badge == "初步结果"
    edit_ballot(db, CLERK_ACTOR, eid, info.id, BallotInput("新-9", "老同志代表", {last: "50"}),
                "录错")
    ctx.announce(BALLOTS)
    qtbot.waitUntil(lambda: window.view.corrected, timeout=3000)
    assert window.footer.badge == CORRECTED_TEXT
    assert "王小五" not in repr(window.view) and "新-9" not in repr(window.view)


def test_an_older_answer_arriving_late_is_dropped(qtbot, demo):
    db, eid = demo
    window = _window(qtbot, AppContext(db, Actor("书记", CHAIR), eid))
    shown = window.view
    stale = (compute_results(db, eid), {"confirmed": 1}, False, 8, {}, eid)
    window._apply(0, stale)
    assert window.view is shown


def test_auto_paging_and_freeze(qtbot, demo):
    db, eid = demo
    window = _window(qtbot, AppContext(db, Actor("书记", CHAIR), eid))
    pages = window.all_pages()
    assert len(pages) > 3 and window.ranking.category.name == pages[0].category
    window.tick()
    assert window.page_index == 1 and window.ranking.start == pages[1].start
    for _ in range(len(pages) - 1):
        window.tick()
    assert window.page_index == 0  # wraps to the first page
    window.set_mode(MODE_FROZEN)
    window.tick()
    assert window.page_index == 0
    frozen = window.view
    add_ballot(db, CLERK_ACTOR, eid, BallotInput("新-1", "老同志代表", {_first(window): "99"}))
    window.refresh_now()
    assert window.view is frozen and window.latest is not frozen
    window.set_mode(MODE_PROGRESS)
    assert window.view is window.latest
    assert window.stack.currentWidget() is window.progress
    assert window.progress.lines[0] == f"已录入 {window.latest.progress.entered}/220 张"


def _first(window):
    return window.view.categories[0].rows[0].name


def test_reveal_through_the_window(qtbot, demo):
    db, eid = demo
    window = _window(qtbot, AppContext(db, Actor("书记", CHAIR), eid))
    category = window.view.categories[0]
    n = len(category.rows)
    window.set_mode(MODE_REVEAL)
    assert window.ranking.shown_rows() == []  # everything covered
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.ranking.shown_rows() == [category.rows[n - 1]]
    assert window.ranking.highlight == n - 1
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert [r.rank for r in window.ranking.shown_rows()] == [category.rows[n - 2].rank,
                                                               category.rows[n - 1].rank]
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert window.ranking.shown_rows() == [category.rows[n - 1]]
    window.restart_reveal(TOP_FIRST)
    window.reveal_next()
    assert window.ranking.shown_rows() == [category.rows[0]] and window.ranking.start == 0


def test_meeting_page_controls_the_projector(qtbot, demo, monkeypatch):
    db, eid = demo
    clock = FakeClock()
    ctx = AppContext(db, Actor("主任", ADMIN), eid)
    page = MeetingPage(ctx, clock=clock)
    qtbot.addWidget(page)
    page.resize(1166, 688)
    page.show()
    page.refresh()
    assert (page.title, page.shortcut) == ("会场大屏", "Ctrl+8")
    assert page.screen_combo.count() >= 1
    page.open_projector()
    p = page.projector
    assert p.isVisible() and p.isFullScreen() and not page.open_button.isEnabled()
    page.mode_buttons[MODE_TIMER].click()
    assert p.mode == MODE_TIMER and p.stack.currentWidget() is p.timer_view
    page.start_button.click()
    clock.now = 200
    page.next_button.click()
    assert "第 2/73 位" in page.timer_state.text()
    page.minutes.setValue(10)
    page.save_minutes()
    assert get_presentation_minutes(db, eid) == 10 and p.run.allowed == 600
    page.mode_buttons[MODE_REVEAL].click()
    page.reveal_next_button.click()
    assert page.reveal_state.text().startswith("已揭晓 1/")
    page.mode_buttons[MODE_RESULTS].click()
    page.chart_check.setChecked(True)
    assert p.stack.currentWidget() is p.chart and p.chart.bar_labels()
    page.close_projector()
    assert not p.isVisible() and page.open_button.isEnabled()


def test_chair_cannot_change_the_length(qtbot, demo):
    db, eid = demo
    page = MeetingPage(AppContext(db, Actor("书记", CHAIR), eid))
    qtbot.addWidget(page)
    assert not page.minutes.isEnabled()


SIZES = [(1024, 768), (1920, 1080)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_screenshots(qtbot, demo, tmp_path, size):
    """Ranking, reveal mid-way, chart and timer; saved to docs/screenshots when
    EVALAPP_SCREENSHOTS=1 (they were looked at there)."""
    db, eid = demo
    clock = FakeClock()
    window = _window(qtbot, AppContext(db, Actor("书记", CHAIR), eid), size, clock)
    out = ROOT / "docs" / "screenshots" if os.environ.get("EVALAPP_SCREENSHOTS") else tmp_path
    tag = f"{size[0]}x{size[1]}"
    shots = {}
    window.set_mode(MODE_RESULTS)
    shots["ranking"] = window.grab()
    window.restart_reveal()
    for _ in range(len(window.view.categories[0].rows) + 4):
        window.reveal_next()
    shots["reveal"] = window.grab()
    window.set_mode(MODE_RESULTS)
    window.set_chart(True)
    shots["chart"] = window.grab()
    window.set_mode(MODE_TIMER)
    window.next_speaker()
    window.start_pause()
    clock.now = 7 * 60 + 18
    shots["timer"] = window.grab()
    for name, pixmap in shots.items():
        assert (pixmap.width(), pixmap.height()) == size
        assert pixmap.save(str(out / f"projector-{name}-{tag}.png"))


# ---- a one-screen laptop (issue 13): the big screen never traps the secretariat ----------

def _opened(qtbot, demo, clock=None):
    db, eid = demo
    page = MeetingPage(AppContext(db, Actor("主任", ADMIN), eid), clock=clock or FakeClock())
    qtbot.addWidget(page)
    page.resize(1166, 688)
    page.show()
    page.refresh()
    page.open_projector()
    p = page.projector
    qtbot.waitUntil(p.isActiveWindow)
    return page, p


@pytest.mark.parametrize("key", ["Esc", "Shift+F5"])
def test_esc_and_shift_f5_close_the_projector(qtbot, demo, key):
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest
    page, p = _opened(qtbot, demo)
    assert len(QApplication.screens()) == 1 and "只有一个显示器" in page.screen_state.text()
    assert p.hint.isVisible() and "Esc" in p.hint.text()
    combination = QKeySequence(key)[0]
    QTest.keyClick(p, combination.key(), combination.keyboardModifiers())
    assert not p.isVisible()
    assert page.open_button.isEnabled()  # the page knows it is closed


def test_projector_fits_the_screen_it_opens_on(qtbot, demo):
    page, p = _opened(qtbot, demo)
    screen = p.screen().geometry()
    assert p.width() <= screen.width() and p.height() <= screen.height()
    assert p.geometry() == screen  # not the 1920×1080 it was built with


def test_cursor_hides_only_while_still(qtbot, demo, monkeypatch):
    from PySide6.QtCore import QPoint

    from ui.projector import projector_window
    pointer = [QPoint(10, 10)]

    class Cursor:
        @staticmethod
        def pos():
            return pointer[0]
    monkeypatch.setattr(projector_window, "QCursor", Cursor)
    clock = FakeClock()
    _page, p = _opened(qtbot, demo, clock)
    assert not p.cursor_hidden and p.cursor().shape() != Qt.CursorShape.BlankCursor
    clock.now += 4
    p.watch_cursor()
    assert p.cursor_hidden and p.cursor().shape() == Qt.CursorShape.BlankCursor
    pointer[0] = QPoint(30, 12)  # the chair moves the mouse: the pointer is back
    p.watch_cursor()
    assert not p.cursor_hidden and p.cursor().shape() != Qt.CursorShape.BlankCursor
    p.close()
    assert p.cursor().shape() != Qt.CursorShape.BlankCursor


def test_projector_never_shows_more_than_issued(qtbot, demo):
    db, eid = demo
    page, p = _opened(qtbot, demo)
    # Entry refuses ballots beyond 发出票数 now; a workbook import or a lowered 发出票数 can
    # still leave more ballots than were handed out: lower it until two are too many.
    from dataclasses import replace

    from evalapp.services.evaluations import get_data
    from evalapp.services.roster import save_groups
    cut = p.view.progress.issued - p.view.progress.entered + 2
    groups = get_data(db, eid).groups
    save_groups(db, SYSTEM, eid, [replace(g, expected=g.expected - cut)
                                  if g.name == "老同志代表" else g for g in groups])
    issued = p.view.progress.issued - cut
    page.ctx.announce(Changes.everything())
    qtbot.waitUntil(lambda: p.view.progress.issued == issued, timeout=3000)
    assert p.view.progress.entered == issued + 2
    p.set_mode(MODE_PROGRESS)
    shown = " ".join([p.footer.text, *p.progress.lines])
    assert f"{issued}/{issued}" in p.footer.text
    assert str(issued + 2) not in shown
    page._sync()
    assert page.warning.isVisible()
    assert f"已录入 {issued + 2} 张" in page.warning.text() and "多 2 张" in page.warning.text()
