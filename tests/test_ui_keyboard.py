"""One focus policy for every page (issue 13): a page opened by its shortcut takes the keyboard
at once, F6 moves between the navigation and the page, the navigation shows where the focus
is, Ctrl+↑ on 部门 stays in the table, Tab on 双人录入核对 reaches the comparison table, and
no key or Alt-letter means two things at once."""

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel

from evalapp.services.ballots import BallotInput, add_ballot
from evalapp.services.context import ADMIN, CLERK, Actor
from evalapp.services.demo import create_demo
from evalapp.services.evaluations import get_data, update_settings
from ui.context import AppContext
from ui.fonts import apply_ui_font
from ui.shell.main_window import MainWindow
from ui.shell.registry import page_classes
from ui.style import STANDARD, apply_style
from ui.operations import Changes

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot, db, qapp):
    apply_ui_font(qapp)
    evaluation_id = create_demo(db)[-1]
    main = MainWindow(AppContext(db, Actor("测试员", ADMIN), evaluation_id), page_classes())
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    return main


def _page(window, title):
    return next(p for p in window.pages if p.title == title)


def _focus_in(widget) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and (focus is widget or widget.isAncestorOf(focus))


def _press(window, shortcut: str) -> None:
    """Press ``shortcut`` where the keyboard is now, as a user would."""
    sequence = QKeySequence(shortcut)[0]
    target = QApplication.focusWidget() or window
    from PySide6.QtTest import QTest
    QTest.keyClick(target, sequence.key(), sequence.keyboardModifiers())


def test_ctrl_digit_puts_the_keyboard_into_the_page(window, qtbot):
    window.nav.setFocus()
    for page in window.pages:
        _press(window, page.shortcut)
        assert window.current_page() is page
        assert _focus_in(page), (page.title, QApplication.focusWidget())
    # the page's own shortcut works at once: Ctrl+2 then Ctrl+N opens 新增部门
    departments = _page(window, "部门")
    _press(window, "Ctrl+2")
    _press(window, "Ctrl+N")
    qtbot.waitUntil(lambda: departments.dialog is not None and departments.dialog.isVisible())
    departments.dialog.reject()


def test_f6_moves_between_navigation_and_page(window):
    _press(window, "Ctrl+7")
    results = _page(window, "结果")
    assert _focus_in(results)
    _press(window, "F6")
    assert window.nav.hasFocus()
    _press(window, "F6")
    assert _focus_in(results) and not window.nav.hasFocus()
    assert window.current_page() is results


def test_navigation_shows_a_focus_ring(window, qapp):
    apply_style(qapp, STANDARD)
    try:
        _press(window, "Ctrl+1")
        unfocused = window.nav.grab().toImage()
        _press(window, "F6")
        assert window.nav.hasFocus()
        assert window.nav.grab().toImage() != unfocused
    finally:
        qapp.setStyleSheet("")


def test_ctrl_up_on_departments_keeps_focus_and_page(window):
    _press(window, "Ctrl+2")
    page = _page(window, "部门")
    page.select(page.model.rows()[3].name)
    moved = page.current().name
    page.table.setFocus()
    for expected in (3, 2):  # 1-based place after each Ctrl+↑
        _press(window, "Ctrl+Up")
        assert window.current_page() is page
        assert page.table.hasFocus(), QApplication.focusWidget()
        assert page.current().name == moved
        assert [d.name for d in page.model.rows()].index(moved) + 1 == expected


def test_tab_on_reconcile_goes_into_the_comparison_table(window, db, qtbot):
    evaluation_id = window.ctx.evaluation_id
    update_settings(db, window.ctx.actor, evaluation_id, double_entry=True)
    names = [d.name for d in sorted(get_data(db, evaluation_id).departments,
                                    key=lambda d: d.order)]
    marks = {name: str(80 + i % 15) for i, name in enumerate(names)} | {names[3]: "88"}
    add_ballot(db, Actor("王录入", CLERK), evaluation_id, BallotInput("Q001", "群众代表", marks))
    add_ballot(db, Actor("张录入", CLERK), evaluation_id,
               BallotInput("Q001", "群众代表", {**marks, names[3]: "83"}))
    window.ctx.announce(Changes.everything())
    _press(window, "Ctrl+6")
    page = _page(window, "双人录入核对")
    qtbot.waitUntil(lambda: page.queue.model().rowCount() == 1)
    page.queue.setFocus()
    page.queue.setCurrentIndex(page.queue.model().index(0, 0))
    _press(window, "Tab")
    assert page.compare.hasFocus(), QApplication.focusWidget()
    assert "Tab 进入对照表" in " ".join(label.text() for label in page.findChildren(QLabel))


def _keys_of(widget) -> tuple[list[str], list[str]]:
    """The key sequences that act anywhere inside ``widget``, and those that act only while
    one particular control (e.g. one of two tables) has the focus."""
    everywhere, local = [], []
    def same_window(obj) -> bool:  # the projector is the 会场大屏 page's child, not its window
        owner = obj if isinstance(obj, QAbstractButton) else obj.parent()
        return owner.window() is widget.window()
    for action in filter(same_window, widget.findChildren(QAction)):
        keys = [s.toString() for s in action.shortcuts()]
        own = action.shortcutContext() == Qt.ShortcutContext.WidgetShortcut
        (local if own else everywhere).extend(keys)
    for shortcut in filter(same_window, widget.findChildren(QShortcut)):
        own = shortcut.context() == Qt.ShortcutContext.WidgetShortcut
        (local if own else everywhere).append(shortcut.key().toString())
    for button in filter(same_window, widget.findChildren(QAbstractButton)):
        everywhere.append(button.shortcut().toString())
    return [k for k in everywhere if k], [k for k in local if k]


def _alt_letters(widget) -> list[str]:
    letters = []
    texts = [b.text() for b in widget.findChildren(QAbstractButton)]
    texts += [label.text() for label in widget.findChildren(QLabel) if label.buddy()]
    texts += [box.title() for box in widget.findChildren(QGroupBox)]
    for text in texts:
        letters += [m.upper() for m in re.findall(r"&(\w)", text.replace("&&", ""))]
    return letters


def test_no_key_means_two_things_on_any_page(window):
    window_keys = [s.toString() for a in window.menuBar().findChildren(QAction)
                   for s in a.shortcuts()]
    assert len(window_keys) == len(set(window_keys)), window_keys
    menus = [a.text() for a in window.menuBar().actions()]
    menu_letters = {m.upper() for t in menus for m in re.findall(r"&(\w)", t)}
    for page in window.pages:
        keys, local = _keys_of(page)
        clashes = {k for k in keys if keys.count(k) > 1 or k in window_keys}
        clashes |= {k for k in local if k in keys or k in window_keys}
        assert not clashes, (page.title, clashes)
        letters = _alt_letters(page)
        assert not set(letters) & menu_letters, (page.title, set(letters) & menu_letters)
        assert len(letters) == len(set(letters)), (page.title, letters)
