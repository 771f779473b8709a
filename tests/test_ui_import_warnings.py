"""The GUI shows what an import accepted but is worth a look: one line per warning, with its
sheet, row and column, after the evaluation is imported (issue 12)."""

from PySide6.QtWidgets import QFileDialog, QMessageBox
from test_ui_main_window import PAGES
from workbook_corpus import CASES

from evalapp.services.context import ADMIN, Actor
from evalapp.services.evaluations import list_evaluations
from ui.context import AppContext
from ui.shell.main_window import MainWindow


def _build(name, tmp_path):
    case = next(c for c in CASES if c.name == name)
    return case.build(tmp_path / f"{name}.xlsx")


def test_import_lists_warnings_after_success(qtbot, db, tmp_path, monkeypatch):
    path = _build("formula_shared_cached", tmp_path)
    ctx = AppContext(db, Actor("张主任", ADMIN), None)
    window = MainWindow(ctx, PAGES)
    qtbot.addWidget(window)
    boxes = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QMessageBox, "exec",
                        lambda box: boxes.append((box.windowTitle(), box.text(),
                                                  box.detailedText())))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: boxes.append(a))
    next(a for a in window.menuBar().actions()[0].menu().actions()
         if a.text().startswith("导入工作簿")).trigger()
    assert ctx.evaluation_id == list_evaluations(db)[0].id  # imported
    [(title, text, details)] = boxes
    assert title == "导入完成,请核对" and "有 2 处" in text
    assert "工作表“选票” 第3行 E(党政办)列:单元格是公式" in text
    assert details.splitlines() == [
        "工作表“选票” 第2行 E(党政办)列:单元格是公式(=90+5),按工作簿保存的计算结果“95”读取"
        "(请核对结果是否为最新)",
        "工作表“选票” 第3行 E(党政办)列:单元格是公式(=…),按工作簿保存的计算结果“93”读取"
        "(请核对结果是否为最新)"]


def test_import_without_warnings_shows_no_box(qtbot, db, tmp_path, monkeypatch):
    path = _build("mark_full_width_digits", tmp_path)
    ctx = AppContext(db, Actor("张主任", ADMIN), None)
    window = MainWindow(ctx, PAGES)
    qtbot.addWidget(window)
    boxes = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append(box.text()))
    window.import_path(str(path))
    assert ctx.evaluation_id is not None and boxes == []


def test_department_import_mentions_warnings(qtbot, tmp_path):
    from ui.shell.workbook_import import import_warning_text
    lines = [f"工作表“部门” 第{r}行 B(部门名称)列:提示" for r in range(2, 40)]
    text = import_warning_text(lines)
    assert "有 38 处" in text and lines[0] in text and lines[14] in text
    assert lines[15] not in text and "另有 23 处" in text
    assert import_warning_text([]) == ""
