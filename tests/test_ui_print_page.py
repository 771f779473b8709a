"""The 打印 page: QtPdf preview, edited notice texts, saving, printing to a PDF printer."""

import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

import ui.printing.print_page as print_page_module
import evalapp.services.documents as documents_module
from evalapp.services.context import ADMIN, CHAIR, CLERK, Actor
from evalapp.services.results import compute_results
from ui.context import AppContext
from ui.printing.print_page import PROVISIONAL_NOTE, PrintPage
from evalapp.digest import check_code
from evalapp.services.documents import (
    BALLOTS,
    COMMEND,
    FEEDBACK,
    NOTICE,
    OMR_BALLOTS,
    TALLY_SHEET,
)
from ui.printing.printer import new_printer, page_range
from ui.printing.notice_options_panel import parse_special
from ui_helpers import ime, show_page

ADMIN_ACTOR = Actor("主任", ADMIN)


@pytest.fixture(autouse=True)
def own_settings(tmp_path, monkeypatch):
    """Remembered notice texts go to a private settings file."""
    from ui import preferences
    monkeypatch.setenv(preferences.SETTINGS_ENV, str(tmp_path / "settings.ini"))


@pytest.fixture
def page(qtbot, demo):
    db, evaluation_id = demo
    return show_page(qtbot, PrintPage, AppContext(db, ADMIN_ACTOR, evaluation_id))


def _choose(page, kind: str) -> None:
    page.kind.setCurrentIndex(page.kind.findData(kind))


def _pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_page_metadata():
    assert PrintPage.title == "打印"
    assert PrintPage.permission == "view_results"
    assert PrintPage.shortcut == "Ctrl+9"


def test_notice_preview_loads_in_qtpdf(page):
    assert page.current_kind() == NOTICE
    assert page.notice_panel.title.text().startswith("关于2021年度")
    page.preview_document()
    doc = page.preview.document
    assert doc.status() == QPdfDocument.Status.Ready
    assert doc.pageCount() == _pages(page.made.pdf) >= 3
    assert page.preview.view.isVisible()
    assert f"共 {doc.pageCount()} 页" in page.preview_info.text()
    assert page.preview_is_current()


def test_provisional_note_and_final_check_code(page, monkeypatch):
    assert PROVISIONAL_NOTE in page.note.text() and "未定稿" in page.note.text()
    page.preview_document()
    assert "未定稿" in _pdf_text(page.made.pdf)
    monkeypatch.setattr(print_page_module, "is_final", lambda db, eid: True)
    monkeypatch.setattr(documents_module, "is_final", lambda db, eid: True)
    page.refresh()
    digest = page.results.result.digest
    code = check_code(digest)
    assert "正式结果" in page.note.text() and code in page.note.text()
    page.preview_document()
    text = _pdf_text(page.made.pdf).replace("\n", "").replace(" ", "")
    assert page.made.final and digest[:16] not in text and "未定稿" not in text
    _choose(page, TALLY_SHEET)  # the 校验码 goes on the 计票核对单
    page.preview_document()
    assert page.preview.page_count() == 1
    assert code in _pdf_text(page.made.pdf) and "监票人" in _pdf_text(page.made.pdf)


def test_page_navigation_and_zoom(page, qtbot):
    page.preview_document()
    preview = page.preview
    preview.view.setFocus()
    qtbot.keyClick(preview.view, Qt.Key.Key_PageDown)
    assert preview.current_page() == 1
    qtbot.keyClick(preview.view, Qt.Key.Key_End)
    assert preview.current_page() == preview.page_count() - 1
    qtbot.keyClick(preview.view, Qt.Key.Key_Home)
    assert preview.current_page() == 0
    fitted = preview.effective_zoom()
    assert 0.5 < fitted < 2  # A4 fitted to a ~740 px wide view
    preview.zoom_in()
    assert preview.view.zoomFactor() == pytest.approx(fitted * 1.2)
    qtbot.keyClick(preview.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert preview.view.zoomFactor() == pytest.approx(fitted)
    qtbot.keyClick(preview.view, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert preview.view.zoomMode() == preview.view.ZoomMode.FitToWidth


def test_edited_title_is_saved_and_kept(page, qtbot, tmp_path, monkeypatch):
    title = page.notice_panel.title
    title.selectAll()
    title.del_()
    ime(title, "关于二〇二一年度部门考评结果的通报")
    target = tmp_path / "通报.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "PDF 文件 (*.pdf)"))
    qtbot.keyClick(page, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert target.exists()
    text = _pdf_text(target.read_bytes()).replace("\n", "").replace(" ", "")
    assert "关于二〇二一年度部门考评结果的通报" in text
    _choose(page, COMMEND)  # the edit survives switching documents and refreshing
    page.refresh()
    _choose(page, NOTICE)
    assert page.notice_panel.title.text() == "关于二〇二一年度部门考评结果的通报"


def test_imprint_fields_are_printed_and_remembered_per_evaluation(page, qtbot, demo):
    panel = page.notice_panel
    assert panel.printed_by.text() == panel.authority.text()
    assert panel.doc_number.text().endswith(f"〔{panel.date.text()[:4]}〕1号")  # same year
    panel.copy_to.selectAll()
    panel.copy_to.del_()
    ime(panel.copy_to, "区委办公室、区纪委监委")
    panel.printed_on.selectAll()
    panel.printed_on.del_()
    ime(panel.printed_on, "2022年1月12日")
    page.preview_document()
    last = PdfReader(io.BytesIO(page.made.pdf)).pages[-1].extract_text()
    last = last.replace("\n", "").replace(" ", "")
    assert "抄送：区委办公室、区纪委监委。" in last and "2022年1月12日印发" in last
    db, evaluation_id = demo  # a new session on the same database remembers them
    again = show_page(qtbot, PrintPage, AppContext(db, ADMIN_ACTOR, evaluation_id))
    assert again.notice_panel.copy_to.text() == "区委办公室、区纪委监委"
    assert again.notice_panel.printed_on.text() == "2022年1月12日"


def test_special_commendation_and_bad_line(page, monkeypatch):
    special = page.notice_panel.special
    assert special.toPlainText().startswith("创新奖:")
    special.setPlainText("创新奖:区委办公室\n服务之星:没有这个部门")
    errors = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: errors.append(a[2]))
    page.preview_document()
    assert errors and "第 2 行" in errors[0] and "没有这个部门" in errors[0]
    special.setPlainText("创新奖:区委办公室\n服务之星:区委组织部")
    page.preview_document()
    assert "服务之星" in _pdf_text(page.made.pdf)


def test_parse_special():
    items = parse_special("创新奖:甲、乙\n\n服务奖:丙, 丁", {"甲", "乙", "丙", "丁"})
    assert [(i.award, i.departments) for i in items] == [("创新奖", ["甲", "乙"]),
                                                         ("服务奖", ["丙", "丁"])]


def test_feedback_for_one_department_has_one_page(page):
    _choose(page, FEEDBACK)
    page.department.setCurrentIndex(page.department.findData("区委办公室"))
    page.preview_document()
    assert page.preview.page_count() == 1 == _pages(page.made.pdf)
    assert "区委办公室" in _pdf_text(page.made.pdf)
    assert "区委办公室" in page.preview_info.text()


def test_lists_and_ballots(page, demo):
    db, evaluation_id = demo
    _choose(page, COMMEND)
    page.preview_document()
    assert page.preview.page_count() == 1
    commended = [d.name for d in compute_results(db, evaluation_id).result.departments
                 if d.outcome == "commend"]
    text = _pdf_text(page.made.pdf)
    assert all(name in text for name in commended)
    _choose(page, BALLOTS)
    page.group.setCurrentIndex(1)
    page.copies.setValue(3)
    assert "3 张" in page.serial_hint.text()
    page.preview_document()
    assert page.preview.page_count() >= 3


def test_print_to_pdf_printer(page, tmp_path, monkeypatch):
    out = tmp_path / "printed.pdf"
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setResolution(150)
    page.printer = printer
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    _choose(page, FEEDBACK)
    page.department.setCurrentIndex(page.department.findData("区委办公室"))
    page.print_current()  # generates the document first, then prints it
    assert out.exists() and out.stat().st_size > 10_000
    assert _pages(out.read_bytes()) == 1


def test_page_range(qapp):
    printer = new_printer()
    assert page_range(printer, 4) == [0, 1, 2, 3]
    printer.setFromTo(2, 3)
    assert page_range(printer, 4) == [1, 2]


def test_stale_preview_is_marked(page):
    page.preview_document()
    page.notice_panel.date.setText("2022年1月5日")
    page.notice_panel.date.textEdited.emit("2022年1月5日")
    assert "已更改" in page.preview_info.text()
    page.preview_document()
    assert page.preview_is_current()


@pytest.mark.parametrize("role, allowed", [(ADMIN, True), (CHAIR, True), (CLERK, False)])
def test_permission(role, allowed):
    ctx = AppContext(None, Actor("某人", role))  # type: ignore[arg-type]
    assert ctx.may(PrintPage.permission) is allowed


def test_tab_goes_from_choices_to_preview(page):
    chain, widget = [], page.kind
    while widget not in chain:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    assert chain.index(page.notice_panel.title) < chain.index(page.preview_document_button) \
        < chain.index(page.preview.view)


def test_machine_readable_ballots_per_group_with_their_serials(page, demo):
    """The 打印 page prints the machine-readable ballot too (as `main.py ballots --omr`):
    per group, numbered after the serials entered, one QR per page."""
    import numpy as np
    import pypdfium2 as pdfium

    from evalapp.scan.reader import scan_page
    _choose(page, BALLOTS)
    options = page.ballot_options
    options.set_machine(True)
    assert options.start.value() == 0 and options.start.text() == "接在已录入票号之后"
    assert "扫描" in options.style_note.text()
    page.group.setCurrentIndex(1)
    page.copies.setValue(2)
    group = page.group.currentData()
    data = page.results.data
    entered = sorted(b.serial for b in data.ballots if b.group == group)
    hint = page.serial_hint.text()
    assert f"{group}:2 张" in hint and entered[-1] not in hint
    page.preview_document()
    assert page.made.spec.kind == OMR_BALLOTS and page.made.spec.label == f"机读评分表({group})"
    pages = page.preview.page_count()
    assert pages in (2, 4)  # 2 sheets, one or two pages each
    pdf = pdfium.PdfDocument(page.made.pdf)
    image = pdf[0].render(scale=150 / 72, grayscale=True).to_numpy()
    scan = scan_page(np.ascontiguousarray(image[:, :, 0] if image.ndim == 3 else image))
    pdf.close()
    first = hint.split("票号 ")[1].split(" ")[0]
    assert scan.qr.serial == first and first > entered[-1]
    options.set_machine(False)  # back to handwritten: the first serial is 1 again
    assert options.start.value() == 1 and page.spec().kind == BALLOTS
