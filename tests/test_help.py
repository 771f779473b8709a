"""Help and polish: the in-app guide (F1), the 监票人 rules sheet and its PDF, the shortcut list,
About, the recent workbooks, remembered geometry and evaluation, and the self-test."""

import io

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox
from pypdf import PdfReader

from evalapp import __version__
from evalapp.demo import demo_evaluations
from evalapp.reports.rules_pdf import SHEET_TITLE, write_rules
from evalapp.rule_summary import rule_summary
from evalapp.services.context import ADMIN, Actor
from evalapp.services.demo import create_demo
from evalapp.services.evaluations import list_evaluations
from ui import app as ui_app
from ui import preferences
from ui.context import AppContext
from ui.fonts import apply_ui_font
from ui.help.about import about_html
from ui.help.guide import GuideWindow, chapters
from ui.help.rules_sheet import RulesSheetDialog, rules_html
from ui.help.shortcuts import ShortcutsDialog, menu_shortcuts
from ui.shell.main_window import MainWindow
from ui.tasks import set_synchronous


@pytest.fixture(autouse=True)
def private_settings(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv(preferences.SETTINGS_ENV, str(tmp_path / "settings.ini"))
    apply_ui_font(qapp)
    set_synchronous(True)
    yield
    set_synchronous(False)


def _window(qtbot, db, evaluation_id=None):
    window = MainWindow(AppContext(db, Actor("张主任", ADMIN), evaluation_id), [])
    qtbot.addWidget(window)
    return window


def _menu(window, prefix):
    return next(a.menu() for a in window.menuBar().actions() if a.text().startswith(prefix))


def test_guide_covers_the_meeting_day():
    titles = " ".join(c.title for c in chapters())
    for topic in ("首次使用", "设置", "打印选票", "录入", "双人录入", "大屏", "定稿", "打印", "备份"):
        assert topic in titles, topic
    text = "".join(c.text for c in chapters())
    assert "http" not in text  # nothing that would need a browser or the network


@pytest.mark.qt_log_ignore("does not support raise")  # offscreen cannot raise windows
def test_f1_opens_the_guide_inside_the_program(qtbot, db):
    window = _window(qtbot, db)
    window.show()
    window.activateWindow()
    window.nav.setFocus()
    QApplication.processEvents()
    qtbot.keyClick(window.nav, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.guide is not None, timeout=2000)
    guide = window.guide
    assert isinstance(guide, GuideWindow) and guide.isVisible()
    assert not guide.browser.openLinks()
    assert "首次使用" in guide.browser.toPlainText()
    guide.contents.setCurrentRow(3)
    assert "双人录入" in guide.browser.toPlainText()
    guide.move(1)
    assert guide.contents.currentRow() == 4
    guide.close()


def test_rules_sheet_uses_the_rule_summary(qtbot, tmp_path):
    data = demo_evaluations()[-1]
    dialog = RulesSheetDialog(data)
    qtbot.addWidget(dialog)
    shown = dialog.browser.toPlainText()
    assert SHEET_TITLE in shown and data.settings.name in shown
    for paragraph in rule_summary(data):
        assert paragraph[:30] in shown
    assert rules_html(data).count("<p>") == len(rule_summary(data))
    saved = dialog.save_pdf(str(tmp_path / "rules.pdf"))
    reader = PdfReader(saved)
    assert len(reader.pages) == 1
    assert "监票人" in reader.pages[0].extract_text()


def test_rules_pdf_is_one_page_with_fonts_embedded():
    pdf = write_rules(demo_evaluations()[-1])
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts and all(f.get_object()["/Subtype"] in ("/TrueType", "/Type0")
                         for f in fonts.values())
    assert "优秀" in reader.pages[0].extract_text()


def test_help_menu_lists_shortcuts_and_about(qtbot, db, monkeypatch):
    window = _window(qtbot, db, create_demo(db)[-1])
    labels = {a.text(): a.shortcut().toString() for a in _menu(window, "帮助").actions()}
    assert labels["使用说明(&G)"] == "F1"
    assert labels["监票人规则说明(&R)……"] == "Ctrl+Shift+R"
    sections = dict(menu_shortcuts(window.menuBar()))
    assert ("导入工作簿", "Ctrl+Shift+I") in sections["文件"]
    assert ("使用说明", "F1") in sections["帮助"]
    dialog = ShortcutsDialog(window.menuBar(), window)
    qtbot.addWidget(dialog)
    assert "Ctrl+Q" in dialog.browser.toPlainText()
    html = about_html()
    assert __version__ in html and "Apache-2.0" in html and "Open Font License" in html
    assert "Fandol" in html
    shown = []
    monkeypatch.setattr(RulesSheetDialog, "exec", lambda self: shown.append(self) or 0)
    next(a for a in _menu(window, "帮助").actions() if a.text().startswith("监票人")).trigger()
    assert shown and "2021" in shown[0].windowTitle()


def test_recent_workbooks(qtbot, db, tmp_path, monkeypatch):
    window = _window(qtbot, db, create_demo(db)[-1])
    window.remember = True
    target = tmp_path / "导出.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.export_workbook()
    assert target.exists()
    assert preferences.recent_files() == [("导出", str(target))]
    window.update_recent_menu()
    entries = [a for a in window.recent_menu.actions() if str(target) in a.text()]
    assert entries and entries[0].text().startswith("&1 导出")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    before = len(list_evaluations(db))
    entries[0].trigger()
    assert len(list_evaluations(db)) == before + 1
    assert window.ctx.evaluation_id == max(e.id for e in list_evaluations(db))
    assert preferences.recent_files()[0] == ("导入", str(target))
    window.clear_recent()
    assert preferences.recent_files() == []


def test_geometry_and_last_evaluation_are_remembered(qtbot, db):
    first, second = create_demo(db)
    window = _window(qtbot, db, second)
    window.remember = True
    window.resize(700, 500)
    window.ctx.set_evaluation(first)
    window.close()
    assert preferences.last_evaluation(db.url) == first
    again = _window(qtbot, db, first)
    again.restore_state()
    assert again.size().width() == 700 and again.size().height() == 500


def test_start_session_opens_the_remembered_evaluation(qtbot, db, monkeypatch):
    from evalapp.services.operators import create_first_admin
    from ui.operators.sign_in_dialog import SignInDialog
    create_first_admin(db, "张主任", "123456")
    first, second = create_demo(db)

    def accept(dialog):
        dialog.actor = Actor("张主任", ADMIN)
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(SignInDialog, "exec", accept)
    assert ui_app.start_session(db, remembered=first).evaluation_id == first
    assert ui_app.start_session(db, remembered=999).evaluation_id == second
    assert ui_app.start_session(db).evaluation_id == second


def test_selftest_in_process(capsys):
    assert ui_app.selftest() == 0
    out = capsys.readouterr().out
    assert "73 departments" in out and "notice PDF" in out and "selftest ok" in out
