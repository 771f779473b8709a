"""The real main window with every page, for each role, on the demo evaluation."""

import pytest

from evalapp.services.context import ADMIN, CHAIR, CLERK, Actor
from evalapp.services.demo import create_demo
from ui.context import AppContext
from ui.fonts import apply_ui_font
from ui.shell.main_window import MainWindow
from ui.shell.registry import page_classes

EXPECTED = {
    ADMIN: ["考评设置", "部门", "评委", "其他得分与加减分", "选票录入", "双人录入核对", "扫描核对",
            "结果", "会场大屏", "打印", "定稿与备份", "操作员", "操作日志"],
    CLERK: ["选票录入", "扫描核对"],
    CHAIR: ["结果", "会场大屏", "打印"],
}


@pytest.mark.parametrize("role", [ADMIN, CLERK, CHAIR])
def test_every_page_opens_for_its_roles(qtbot, db, qapp, role):
    apply_ui_font(qapp)
    evaluation_id = create_demo(db)[-1]
    window = MainWindow(AppContext(db, Actor("测试员", role), evaluation_id), page_classes())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    assert [p.title for p in window.pages] == EXPECTED[role]
    shortcuts = [p.shortcut for p in window.pages]
    assert len(set(shortcuts)) == len(shortcuts)  # no two pages share a key
    for row in range(len(window.pages)):
        window.nav.setCurrentRow(row)
        assert window.current_page() is window.pages[row]
    assert "测试员" in window.windowTitle()


def test_pages_fit_a_1024_wide_screen(qtbot, db, qapp):
    """At 1024×768 every page, ballot entry included, fits beside the navigation without
    scrolling sideways; the window itself never needs more."""
    apply_ui_font(qapp)
    evaluation_id = create_demo(db)[-1]
    window = MainWindow(AppContext(db, Actor("测试员", ADMIN), evaluation_id), page_classes())
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    room = 1024 - window.nav.width()
    assert window.minimumSizeHint().width() <= 1024
    for row, page in enumerate(window.pages):
        window.nav.setCurrentRow(row)
        qapp.processEvents()
        assert page.minimumSizeHint().width() <= room, page.title


@pytest.mark.parametrize("width", [1024, 1366])
def test_no_placeholder_is_cut(qtbot, db, qapp, width):
    """Every hint written in an empty field can be read whole (issue 13: "综合得分低于此分一律
    诫勉;…" was cut), on a 1024- and a 1366-wide screen."""
    from PySide6.QtWidgets import QLineEdit
    apply_ui_font(qapp)
    evaluation_id = create_demo(db)[-1]
    window = MainWindow(AppContext(db, Actor("测试员", ADMIN), evaluation_id), page_classes())
    qtbot.addWidget(window)
    window.resize(width, 740)
    window.show()
    cut = []
    for row, page in enumerate(window.pages):
        window.nav.setCurrentRow(row)
        qapp.processEvents()
        for edit in page.findChildren(QLineEdit):
            hint = edit.placeholderText()
            if hint and edit.isVisible() and \
                    edit.fontMetrics().horizontalAdvance(hint) + 14 > edit.width():
                cut.append((page.title, hint, edit.width()))
    assert cut == []
