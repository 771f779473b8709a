"""Habit tests with the save off the GUI thread: the clerk types on while saves are slow, and a
save fails after the clerk began the next ballot. Every paper ends up stored exactly once, as
written, or back on the screen with its reason — never lost, never doubled, never wrong.

These run the real thread pool (not the synchronous tasks of the other UI tests); the save is
slowed or held by a gate injected in front of the real service."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

import ui.entry.entry_saving as saving
from evalapp.domain import DomainError
from evalapp.services import ballots
from evalapp.services.context import CLERK, Actor
from evalapp.services.stations import save_ballot
from test_entry_habits import (
    CLERK_A,
    RET,
    chars,
    key,
    no_dialogs,  # noqa: F401 - a fixture
    paper_record,
    papers_from,
    score_evaluation,
    start,
    stored,
    type_mark,
)
from test_ui_entry_page import open_page, press, save_keys
from ui import tasks

WAIT_MS = 20_000  # generous: the machine is shared; nothing here measures time


@pytest.fixture
def threads():
    """The real thread pool for this test (conftest makes tasks synchronous)."""
    tasks.set_synchronous(False)
    yield
    tasks.set_synchronous(True)


def settle(qtbot, page) -> None:
    """Wait until every handed-off ballot has its answer and the drafts are written."""
    qtbot.waitUntil(lambda: page.saves_in_flight() == 0 and page.drafts.writes.idle
                    and not page._side_read.running and not page._data_read.running
                    and page._settings is not None, timeout=WAIT_MS)


def type_paper(qtbot, page, paper, upto: int | None = None) -> None:
    start(qtbot, page, paper)
    for mark in paper.marks[:upto]:
        type_mark(qtbot, False, mark, [])


def test_slow_saves_the_clerk_types_on_and_every_paper_is_stored_once(
        qtbot, db, no_dialogs, threads, monkeypatch):  # noqa: F811
    score_id, data = score_evaluation(db)
    papers = papers_from(data, 6)
    calls = []

    def slow_save(*args):
        calls.append(args[-1])  # the entry_uid
        time.sleep(0.4)  # a slow server: the clerk is already typing the next ballot
        return save_ballot(*args)

    monkeypatch.setattr(saving, "save_ballot", slow_save)
    page = open_page(qtbot, db, CLERK_A, score_id)
    settle(qtbot, page)
    seen_in_flight = []
    for paper in papers:
        type_paper(qtbot, page, paper)
        assert QApplication.focusWidget() is page.summary
        key(qtbot, RET)  # saved in the background; the next blank ballot is there at once
        seen_in_flight.append(page.saves_in_flight())
        assert page.model.marks_by_name() == {}
        assert QApplication.focusWidget() is page.header.serial
    assert max(seen_in_flight) >= 1
    # A serial still being saved cannot be typed again.
    page_serial_problem = page._serial_problem(papers[-1].serial)
    assert page.saves_in_flight() == 0 or "正在保存" in page_serial_problem
    settle(qtbot, page)
    assert stored(db, score_id) == {p.serial: paper_record(p, data.departments)
                                    for p in papers}
    assert len(calls) == len(set(calls)) == len(papers)  # one identity per typed ballot
    assert "已保存 票号 " + papers[-1].serial in page.status.text()
    assert no_dialogs == []
    entered = sum(p.entered for p in page.side.progress_model.rows())
    assert entered == len(papers)  # the progress came with the last save


def test_status_says_saving_while_the_save_is_in_flight(
        qtbot, db, no_dialogs, threads, monkeypatch):  # noqa: F811
    score_id, data = score_evaluation(db)
    [paper] = papers_from(data, 1)
    gate = threading.Event()

    def held_save(*args):
        gate.wait(WAIT_MS / 1000)
        return save_ballot(*args)

    monkeypatch.setattr(saving, "save_ballot", held_save)
    page = open_page(qtbot, db, CLERK_A, score_id)
    settle(qtbot, page)
    type_paper(qtbot, page, paper)
    key(qtbot, RET)
    assert f"正在保存 票号 {paper.serial}" in page.status.text()
    assert "正在保存" in page._serial_problem(paper.serial)
    assert page.header.serial_text() != paper.serial  # the next serial is suggested
    gate.set()
    settle(qtbot, page)
    assert f"已保存 票号 {paper.serial}" in page.status.text()
    assert paper.serial in stored(db, score_id)


def test_a_save_failing_after_the_next_ballot_began_comes_back_intact(
        qtbot, db, no_dialogs, threads, monkeypatch):  # noqa: F811
    """Ballot A is held; the clerk types half of B; another station stores A's serial first;
    A's save fails (duplicate serial). B's typing is untouched, the error line names A; once
    B is saved, A is back on screen as typed; the clerk corrects its serial and saves it."""
    score_id, data = score_evaluation(db)
    first, second = papers_from(data, 2)
    gate = threading.Event()
    uids = []

    def held_save(*args):
        uids.append(args[-1])
        if len(uids) == 1:
            gate.wait(WAIT_MS / 1000)
        return save_ballot(*args)

    monkeypatch.setattr(saving, "save_ballot", held_save)
    page = open_page(qtbot, db, CLERK_A, score_id)
    settle(qtbot, page)
    type_paper(qtbot, page, first)
    key(qtbot, RET)  # A handed off, held at the gate
    half = len(second.marks) // 2
    type_paper(qtbot, page, second, half)
    typed_b = page.model.marks()
    other = Actor("李四", CLERK)
    ballots.add_ballot(db, other, score_id, ballots.BallotInput(
        first.serial, first.group, {data.departments[0].name: "90"}, first.own))
    gate.set()
    qtbot.waitUntil(lambda: page.saves_in_flight() == 0, timeout=WAIT_MS)
    assert f"票号 {first.serial} 未能保存" in page.error.text()
    assert "已录入过" in page.error.text() or "已存在" in page.error.text() \
        or "重复" in page.error.text()
    assert page.model.marks() == typed_b  # nothing the clerk typed was touched
    assert page.header.serial_text() == second.serial
    assert QApplication.focusWidget() is page.grid
    assert no_dialogs == []  # no dialog while the clerk types: it would eat the keys
    for mark in second.marks[half:]:
        type_mark(qtbot, False, mark, [])
    key(qtbot, RET)  # B saved ...
    settle(qtbot, page)
    # ... and A is back, exactly as typed, with the reason and its banner.
    assert page.header.serial_text() == first.serial
    assert page.header.group_name() == first.group
    assert page.model.marks_by_name() == paper_record(first, data.departments)[2]
    assert page.banner.isVisible() and "未能保存" in page.banner.text()
    assert QApplication.focusWidget() is page.header.serial  # the reason is the serial
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    chars(qtbot, "9901")
    key(qtbot, RET)
    if page.header.needs_own():
        chars(qtbot, str(first.own_order) if first.own_order else "")
        key(qtbot, RET)
    save_keys(qtbot, page)
    settle(qtbot, page)
    saved = stored(db, score_id)
    assert saved[second.serial] == paper_record(second, data.departments)
    assert saved["9901"] == paper_record(first, data.departments)
    assert saved[first.serial][2] == {data.departments[0].name: "90"}  # the other station's
    assert len(saved) == 3
    assert uids[-1] == uids[0]  # the retried ballot kept its identity


def test_a_lost_database_gives_the_ballot_back_and_the_retry_cannot_double_it(
        qtbot, db, no_dialogs, threads, monkeypatch):  # noqa: F811
    """The first save reaches the database but its answer is lost (ConnectionLost): the
    ballot comes back on the untouched screen with the dialog; Enter saves it again with the
    same identity, which finds the first save instead of storing a second ballot."""
    score_id, data = score_evaluation(db)
    [paper] = papers_from(data, 1)
    uids = []

    def lost_answer(*args):
        uids.append(args[-1])
        info = save_ballot(*args)
        if len(uids) == 1:
            raise DomainError("与数据库的连接中断,选票 未确认保存;请稍后再按 Enter 保存")
        return info

    monkeypatch.setattr(saving, "save_ballot", lost_answer)
    page = open_page(qtbot, db, CLERK_A, score_id)
    settle(qtbot, page)
    type_paper(qtbot, page, paper)
    key(qtbot, RET)
    settle(qtbot, page)
    assert no_dialogs and "连接中断" in no_dialogs[0]  # the screen was untouched: a dialog
    assert page.header.serial_text() == paper.serial
    assert page.model.marks_by_name() == paper_record(paper, data.departments)[2]
    assert QApplication.focusWidget() is page.summary  # Enter saves again
    key(qtbot, RET)
    settle(qtbot, page)
    assert uids == [uids[0], uids[0]]
    assert stored(db, score_id) == {paper.serial: paper_record(paper, data.departments)}
    assert f"已保存 票号 {paper.serial}" in page.status.text()
