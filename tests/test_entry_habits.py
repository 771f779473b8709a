"""Habit tests: paper ballots typed into the real entry page the way a clerk types them, then
the database compared with the paper.

The habit: for every mark its digits then Enter (a grade: its one key); Space for a blank;
at the end Enter on the summary line ("Enter twice at the end": the last mark's Enter, then
Enter to save). The typo test injects the mistakes clerks make (105, 92.55, 1000, a double
Enter, Enter on an empty cell, a letter) and checks that each ballot is either stored
exactly as its paper or not stored at all — never anything else.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from evalapp.demo import demo_evaluations
from evalapp.domain import Ballot, Department, EvaluationData, Group, Settings
from evalapp.services import ballots
from evalapp.services.context import CLERK, SYSTEM, Actor
from evalapp.services.evaluations import import_evaluation
from test_ui_entry_page import KEYS, open_page, press

CLERK_A = Actor("张三", CLERK)
RET, SPACE = Qt.Key.Key_Return, Qt.Key.Key_Space


@dataclass
class Paper:
    """A paper ballot: what is written on it (marks in ballot order, None for blank)."""

    serial: str
    group_digit: str
    group: str
    own_order: int | None
    own: str | None
    marks: list[str | None]


def score_evaluation(db) -> tuple[int, EvaluationData]:
    """The demo's settings, groups and 73 departments, with no ballots yet."""
    data = demo_evaluations()[-1]
    empty = replace(data, ballots=[], settings=replace(data.settings, name="录入习惯测试"))
    return import_evaluation(db, SYSTEM, empty), data


def grade_evaluation(db, departments: list[Department]) -> int:
    settings = Settings(name="等次制习惯测试", year=2021, mode="grade",
                        excellent_ratio=Decimal("0.3"))
    data = EvaluationData(settings=settings, departments=departments,
                          groups=[Group("领导", Decimal(60), expected=40),
                                  Group("互评", Decimal(40), recusal=True, expected=40)])
    return import_evaluation(db, SYSTEM, data)


def papers_from(data: EvaluationData, count: int) -> list[Paper]:
    """``count`` of the demo's ballots as papers, every group represented; a few marks set
    to 0 and 100 so the edge marks are typed too."""
    groups = {g.name: str(i) for i, g in enumerate(data.groups, start=1)}
    order = {d.name: d.order for d in data.departments}
    depts = sorted(data.departments, key=lambda d: d.order)
    chosen = [b for b in data.ballots if not b.void_reason]
    by_group: dict[str, list[Ballot]] = {}
    for b in chosen:
        by_group.setdefault(b.group, []).append(b)
    picked: list[Ballot] = []
    while len(picked) < count:
        for items in by_group.values():
            if items and len(picked) < count:
                picked.append(items.pop(0))
    papers = []
    for i, b in enumerate(picked):
        marks = [b.marks.get(d.name) for d in depts]
        if i % 7 == 3:
            marks[5] = "0"
        if i % 5 == 1:
            marks[0], marks[-1] = "100", "100"
        papers.append(Paper(b.serial, groups[b.group], b.group,
                            order.get(b.own_department), b.own_department, marks))
    return papers


def grade_papers(departments: list[Department], count: int, seed: int = 7) -> list[Paper]:
    rng = random.Random(seed)
    names = ["优秀", "良好", "一般", "较差"]
    papers = []
    for i in range(count):
        marks = []
        for _ in departments:
            roll = rng.random()
            marks.append(None if roll < 0.08 else names[0] if roll < 0.3
                         else rng.choice(names[1:]))
        recusal = i % 2 == 1
        own = departments[i % len(departments)] if recusal else None
        papers.append(Paper(f"G{i + 1:03d}", "2" if recusal else "1",
                            "互评" if recusal else "领导", own.order if own else None,
                            own.name if own else None, marks))
    return papers


def key(qtbot, k) -> None:
    qtbot.keyClick(QApplication.focusWidget(), k)


def chars(qtbot, text: str) -> None:
    for c in text:
        key(qtbot, KEYS.get(c, c))


def start(qtbot, page, paper: Paper) -> None:
    """Alt+G and the group's digit, the serial (select all, type, Enter), own department."""
    press(qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    chars(qtbot, paper.group_digit)
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    chars(qtbot, paper.serial)
    key(qtbot, RET)
    if page.header.needs_own():
        assert QApplication.focusWidget() is page.header.own
        chars(qtbot, str(paper.own_order) if paper.own_order else "")
        key(qtbot, RET)
    assert QApplication.focusWidget() is page.grid, page.error.text()


def type_mark(qtbot, grade_mode: bool, mark: str | None, grades: list[str]) -> None:
    if mark is None:
        key(qtbot, SPACE)
    elif grade_mode:
        chars(qtbot, str(grades.index(mark) + 1))
    else:
        chars(qtbot, mark)
        key(qtbot, RET)


def stored(db, evaluation_id) -> dict[str, tuple]:
    return {b.serial: (b.group, b.own_department, b.marks, b.void_reason)
            for b in ballots.list_ballots(db, evaluation_id)}


def paper_record(paper: Paper, departments: list[Department]) -> tuple:
    depts = sorted(departments, key=lambda d: d.order)
    return (paper.group, paper.own, {d.name: m for d, m in zip(depts, paper.marks)
                                     if m is not None}, None)


@pytest.fixture
def no_dialogs(monkeypatch):
    """The blank-ballot and drop-ballot questions are answered Yes; warnings recorded."""
    shown = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    return shown


def test_habit_typing_stores_exactly_the_papers(qtbot, db, no_dialogs):
    """66 ballots (48 score-mode demo ballots with 0, 100, x.5 and blanks; 18 grade-mode
    ballots, half with an own department): the database holds exactly the papers."""
    score_id, data = score_evaluation(db)
    papers = papers_from(data, 48)
    typed = [m for p in papers for m in p.marks]
    assert {"0", "100"} <= set(typed) and any(m and m.endswith(".5") for m in typed)
    assert None in typed
    page = open_page(qtbot, db, CLERK_A, score_id)
    for paper in papers:
        start(qtbot, page, paper)
        for mark in paper.marks:
            type_mark(qtbot, False, mark, [])
        assert QApplication.focusWidget() is page.summary  # the last look
        key(qtbot, RET)  # Enter again: saved
        assert "已保存 票号 " + paper.serial in page.status.text(), page.error.text()
    assert no_dialogs == []
    saved = stored(db, score_id)
    assert saved == {p.serial: paper_record(p, data.departments) for p in papers}
    page.close()

    departments = [replace(d, category=None)
                   for d in sorted(data.departments, key=lambda d: d.order)[:20]]
    grade_id = grade_evaluation(db, departments)
    gpapers = grade_papers(departments, 18)
    page = open_page(qtbot, db, CLERK_A, grade_id)
    for paper in gpapers:
        start(qtbot, page, paper)
        for mark in paper.marks:
            type_mark(qtbot, True, mark, ["优秀", "良好", "一般", "较差"])
        assert QApplication.focusWidget() is page.summary
        key(qtbot, RET)
    assert stored(db, grade_id) == {p.serial: paper_record(p, departments) for p in gpapers}


TYPOS = ["105", "92.55", "1000", "double-enter", "enter-on-empty", "letter"]


def type_with_typo(qtbot, page, paper: Paper, typo: str, at: int, notices: bool) -> None:
    """Type a paper with one mistake at row ``at``. A clerk who ``notices`` the red cell /
    message corrects it (Esc, then the right mark); one who does not keeps typing."""
    for row, mark in enumerate(paper.marks):
        if row != at or mark is None:
            type_mark(qtbot, False, mark, [])
            continue
        if typo in ("105", "92.55", "1000", "letter"):
            wrong = {"105": "105", "92.55": "92.55", "1000": "1000", "letter": mark[0] + "q"}
            chars(qtbot, wrong[typo])
            key(qtbot, RET)
            assert page.grid.row == row and page.model.typing_error(row), typo
            assert page.error.text().startswith("⚠ 第")
            if notices:
                key(qtbot, Qt.Key.Key_Escape)
                type_mark(qtbot, False, mark, [])
        elif typo == "double-enter":
            type_mark(qtbot, False, mark, [])
            key(qtbot, RET)  # a second Enter: nothing happens on the next, empty row
        elif typo == "enter-on-empty":
            key(qtbot, RET)  # Enter before typing: nothing happens
            assert page.grid.row == row and page.model.mark(row) is None
            type_mark(qtbot, False, mark, [])
    key(qtbot, RET)  # Enter twice at the end
    key(qtbot, RET)


def test_typos_store_the_paper_or_nothing(qtbot, db, no_dialogs):
    score_id, data = score_evaluation(db)
    papers = papers_from(data, 24)
    page = open_page(qtbot, db, CLERK_A, score_id)
    expected = {}
    rng = random.Random(11)
    for i, paper in enumerate(papers):
        typo, notices = TYPOS[i % len(TYPOS)], i % 4 != 0
        filled = [r for r, m in enumerate(paper.marks[:-1]) if m is not None]
        at = rng.choice(filled)
        start(qtbot, page, paper)
        type_with_typo(qtbot, page, paper, typo, at, notices)
        harmless = typo in ("double-enter", "enter-on-empty")
        if notices or harmless:
            expected[paper.serial] = paper_record(paper, data.departments)
            assert "已保存 票号 " + paper.serial in page.status.text(), (typo, page.error.text())
        else:
            press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # start over
        saved = stored(db, score_id)
        assert saved == expected, (paper.serial, typo, notices)
    assert len(expected) >= 18


def test_double_enter_after_save_and_stray_keys_on_summary(qtbot, db, no_dialogs):
    """Keys typed on the summary line save nothing and say so; Enter there saves once."""
    score_id, data = score_evaluation(db)
    [paper] = papers_from(data, 1)
    page = open_page(qtbot, db, CLERK_A, score_id)
    start(qtbot, page, paper)
    for mark in paper.marks:
        type_mark(qtbot, False, mark, [])
    chars(qtbot, "95")  # the clerk types on as if the next ballot had begun
    assert "本票尚未保存" in page.error.text() and stored(db, score_id) == {}
    key(qtbot, Qt.Key.Key_Escape)  # back to the grid, last row
    assert QApplication.focusWidget() is page.grid and page.grid.row == 72
    key(qtbot, RET)  # the last row holds its mark: Enter confirms it → summary again
    key(qtbot, RET)
    assert stored(db, score_id) == {paper.serial: paper_record(paper, data.departments)}
    assert QApplication.focusWidget() is page.header.serial


def test_void_by_rules_is_amber_not_a_success(qtbot, db, no_dialogs):
    score_id, data = score_evaluation(db)
    page = open_page(qtbot, db, CLERK_A, score_id)
    paper = Paper("A900", "1", "四大班子领导", None, None, ["90"] * 73)  # 全同分
    start(qtbot, page, paper)
    for mark in paper.marks:
        type_mark(qtbot, False, mark, [])
    assert "本票将作废:全同分" in page.summary.text() and page.summary.kind == "void"
    key(qtbot, RET)
    assert "无效:全同分" in page.status.text() and "✓" not in page.status.text()
    assert stored(db, score_id)["A900"][2] == {d.name: "90" for d in data.departments}


def test_withdraw_frees_the_serial_and_stays_in_the_trail(qtbot, db, no_dialogs, monkeypatch):
    """A ballot typed into the wrong group is withdrawn by an administrator: it counts
    nowhere, its serial can be typed again, the audit trail keeps it and verify passes."""
    from evalapp.services.audit_log import list_audit
    from evalapp.services.context import ADMIN
    from evalapp.services.progress import entry_progress
    from evalapp.services.verify import verify
    from ui.entry.ballot_lookup_dialog import BallotLookupDialog
    from ui.common.reason_dialog import ReasonDialog

    score_id, data = score_evaluation(db)
    [paper] = papers_from(data, 1)
    wrong = replace(paper, group_digit="2", group=data.groups[1].name)
    admin = Actor("王主任", ADMIN)
    page = open_page(qtbot, db, admin, score_id)
    start(qtbot, page, wrong)
    for mark in wrong.marks:
        type_mark(qtbot, False, mark, [])
    key(qtbot, RET)
    assert stored(db, score_id)[paper.serial][0] == wrong.group
    monkeypatch.setattr(BallotLookupDialog, "get_serial",
                        staticmethod(lambda *a, **k: paper.serial))
    monkeypatch.setattr(ReasonDialog, "get_reason",
                        staticmethod(lambda *a, **k: "录入到了错误的评委类别"))
    press(qtbot, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier
          | Qt.KeyboardModifier.ShiftModifier)
    assert stored(db, score_id) == {} and "已撤回 票号 " + paper.serial in page.status.text()
    assert sum(p.entered for p in entry_progress(db, admin, score_id)) == 0
    start(qtbot, page, paper)  # the same serial, now in the right group
    for mark in paper.marks:
        type_mark(qtbot, False, mark, [])
    key(qtbot, RET)
    assert stored(db, score_id) == {paper.serial: paper_record(paper, data.departments)}
    rows = list_audit(db, SYSTEM, score_id, text=paper.serial)
    assert any(r.action == "撤回选票" and wrong.group in (r.old or "") for r in rows)
    report = verify(db, score_id)
    assert report.ok, report.lines


def test_clerks_cannot_withdraw(db):
    from evalapp.domain import DomainError
    score_id, _data = score_evaluation(db)
    info = ballots.add_ballot(db, CLERK_A, score_id,
                              ballots.BallotInput("A001", "四大班子领导", {"区委办公室": "90"}))
    with pytest.raises(DomainError):
        ballots.withdraw_ballot(db, CLERK_A, score_id, info.id, "重复录入")
    assert "A001" in stored(db, score_id)


def test_after_finalisation_the_page_is_read_only_and_says_how_to_unlock(qtbot, db, no_dialogs):
    from evalapp.services.context import ADMIN
    from evalapp.services.finalise import finalise
    from evalapp.services.roster import save_groups

    score_id, data = score_evaluation(db)
    save_groups(db, SYSTEM, score_id, [replace(g, expected=None) for g in data.groups])
    ballots.add_ballot(db, CLERK_A, score_id, ballots.BallotInput(
        "A001", data.groups[0].name, {d.name: str(60 + d.order % 40) for d in data.departments}))
    from evalapp.services.operators import create_operator
    create_operator(db, SYSTEM, "王主任", ADMIN, "secret1")
    finalise(db, Actor("王主任", ADMIN), score_id, "secret1", backup=False)
    from ui.context import AppContext
    from ui.entry.entry_page import EntryPage
    page = EntryPage(AppContext(db, CLERK_A, score_id))
    qtbot.addWidget(page)
    page.show()
    assert page.final_banner.isVisible() and "解锁" in page.final_banner.text()
    assert not page.grid.isEnabled() and not page.header.isEnabled()


def test_suggested_serial_skips_serials_already_entered(qtbot, db, no_dialogs):
    score_id, data = score_evaluation(db)
    papers = papers_from(data, 6)
    same_group = [p for p in papers if p.group == papers[0].group]
    first = same_group[0]
    for serial in ("A002", "A003"):  # another station typed these already
        ballots.add_ballot(db, Actor("李四", CLERK), score_id,
                           ballots.BallotInput(serial, first.group, {"区委办公室": "90"}))
    page = open_page(qtbot, db, CLERK_A, score_id)
    page.refresh_side()
    start(qtbot, page, replace(first, serial="A001"))
    for mark in first.marks:
        type_mark(qtbot, False, mark, [])
    key(qtbot, RET)
    assert page.header.serial_text() == "A004"


def test_set_up_pages_are_read_only_after_finalisation(qtbot, db, no_dialogs):
    """Settings, departments, evaluators and scores show the banner and refuse editing."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox

    from evalapp.services.context import ADMIN
    from evalapp.services.finalise import finalise, unlock
    from evalapp.services.operators import create_operator
    from ui.context import AppContext
    from ui.shell.main_window import MainWindow
    from ui.shell.registry import page_classes

    score_id, data = score_evaluation(db)
    from evalapp.services.roster import save_groups
    save_groups(db, SYSTEM, score_id, [replace(g, expected=None) for g in data.groups])
    ballots.add_ballot(db, CLERK_A, score_id, ballots.BallotInput(
        "A001", data.groups[0].name, {d.name: str(60 + d.order % 40) for d in data.departments}))
    admin = Actor("王主任", ADMIN)
    create_operator(db, SYSTEM, "王主任", ADMIN, "secret1")
    finalise(db, admin, score_id, "secret1", backup=False)
    window = MainWindow(AppContext(db, admin, score_id), page_classes())
    qtbot.addWidget(window)
    window.show()
    locked = [p for p in window.pages if p.locks_when_final]
    assert {p.title for p in locked} >= {"考评设置", "部门", "评委", "其他得分与加减分", "选票录入"}
    for page in locked:
        window.show_page(window.pages.index(page))
        assert page.final_banner is not None and page.final_banner.isVisible(), page.title
        editors = page.findChildren(QAbstractSpinBox) + [
            b for b in page.findChildren(QAbstractButton)
            if b.isVisible() and b.objectName() != "qt_tableview_cornerbutton"]
        assert editors and not any(e.isEnabled() for e in editors), page.title
    unlock(db, admin, score_id, "secret1", "更正一张选票")
    settings = next(p for p in locked if p.title == "考评设置")
    window.show_page(window.pages.index(settings))
    assert not settings.final_banner.isVisible()
    assert any(e.isEnabled() for e in settings.findChildren(QAbstractSpinBox))
