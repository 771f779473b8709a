"""The calm style and its high-contrast variant: both parse without a Qt warning, the 视图 menu
switches them, the choice is remembered; icons exist for the main actions."""

import pytest
from PySide6.QtWidgets import QApplication, QPushButton

from evalapp.services.context import ADMIN, Actor
from evalapp.services.demo import create_demo
from ui import preferences
from ui.context import AppContext
from ui.fonts import apply_ui_font
from ui.icons import app_icon, icon
from ui.shell.main_window import MainWindow
from ui.style import HIGH_CONTRAST, STANDARD, STYLES, apply_style, current_style, style_sheet


@pytest.fixture(autouse=True)
def private_settings(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv(preferences.SETTINGS_ENV, str(tmp_path / "settings.ini"))
    yield
    apply_style(QApplication.instance(), STANDARD)
    QApplication.instance().setStyleSheet("")


@pytest.mark.parametrize("name", list(STYLES))
def test_style_sheet_applies_without_warnings(qtbot, name):
    app = QApplication.instance()
    apply_ui_font(app)
    assert "QPushButton" in style_sheet(name) and "font-family" not in style_sheet(name)
    assert apply_style(app, name) == name and current_style(app) == name
    button = QPushButton("保存")
    qtbot.addWidget(button)
    button.show()
    button.grab()  # a QSS parse error is a Qt warning, which fails the test
    assert button.font().pointSizeF() >= 10.5


def test_unknown_style_falls_back():
    assert apply_style(QApplication.instance(), "粉色") == STANDARD


def test_view_menu_switches_and_remembers(qtbot, db):
    ctx = AppContext(db, Actor("张主任", ADMIN), create_demo(db)[-1])
    window = MainWindow(ctx, [])
    qtbot.addWidget(window)
    window.remember = True
    view = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("视图"))
    labels = [a.text() for a in view.actions()]
    assert labels == ["标准样式", "高对比度"]
    view.actions()[1].trigger()
    assert current_style(QApplication.instance()) == HIGH_CONTRAST
    assert preferences.style_name() == HIGH_CONTRAST
    assert view.actions()[1].isChecked() and not view.actions()[0].isChecked()
    view.actions()[0].trigger()
    assert preferences.style_name() == STANDARD


def test_icons_for_the_main_actions(qtbot, db):
    assert not app_icon().isNull()
    for name in ("new", "copy", "import", "export", "open", "help", "rules", "about", "quit"):
        assert not icon(name).isNull(), name
    window = MainWindow(AppContext(db, Actor("张主任", ADMIN), None), [])
    qtbot.addWidget(window)
    files = window.menuBar().actions()[0].menu()
    with_icons = [a.text() for a in files.actions() if not a.isSeparator() and not a.icon().isNull()]
    assert any(t.startswith("导入工作簿") for t in with_icons)
    assert any(t.startswith("导出工作簿") for t in with_icons)


def test_the_database_given_with_db_is_remembered(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALAPP_SETTINGS", str(tmp_path / "settings.ini"))
    from ui import preferences
    assert preferences.database("默认.db") == "默认.db"
    preferences.set_database("postgresql+psycopg://考评办@192.0.2.10/kaoping")
    assert preferences.database("默认.db") == "postgresql+psycopg://考评办@192.0.2.10/kaoping"
