"""The real main window with every page, for each role, on the demo evaluation."""

import pytest

from evalapp.services.context import ADMIN, CHAIR, CLERK, Actor
from evalapp.services.demo import create_demo
from ui.context import AppContext
from ui.fonts import apply_ui_font
from ui.main_window import MainWindow
from ui.pages.registry import page_classes

EXPECTED = {
    ADMIN: ["考评设置", "部门", "评委", "其他得分与加减分", "选票录入", "双人录入核对", "扫描核对",
            "结果",
            "会场大屏", "打印", "定稿与备份", "操作日志"],
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
