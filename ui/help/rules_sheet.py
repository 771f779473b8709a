"""监票人规则说明: the configured scoring rules in plain Chinese (evalapp.rule_summary), shown
in the program and printable as a one-page PDF (evalapp.reports.rules_pdf)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from evalapp.domain import EvaluationData
from evalapp.reports.rules_pdf import SHEET_TITLE, rules_paragraphs, write_rules
from ui.icons import icon
from ui.printing.printer import new_printer, print_with_dialog


def rules_html(data: EvaluationData) -> str:
    """The sheet as HTML for the QTextBrowser (same text as the PDF)."""
    parts = [f"<h2 align='center'>{escape(data.settings.name)}</h2>",
             f"<h3 align='center'>{SHEET_TITLE}</h3>"]
    for n, (topic, text) in enumerate(rules_paragraphs(data), start=1):
        parts.append(f"<p><b>{n}. {escape(topic)}</b><br/>{escape(text)}</p>")
    parts.append("<p style='color:#444'>计算全程精确,只在显示时按结果小数位四舍五入一次;"
                 "同样的选票和设置在任何机器上得到同样的结果,可用结果摘要复核。</p>")
    return "\n".join(parts)


class RulesSheetDialog(QDialog):
    """Shows the sheet; 打印 (Ctrl+P) and 另存为PDF (Ctrl+Shift+S); Esc closes."""

    def __init__(self, data: EvaluationData, parent=None):
        super().__init__(parent)
        self.data = data
        self.setWindowTitle(f"{SHEET_TITLE} — {data.settings.name}")
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setOpenLinks(False)
        self.browser.setHtml(rules_html(data))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for text, keys, slot, name in (("打印(Ctrl+P)……", "Ctrl+P", self.print_sheet, "rules"),
                                       ("另存为PDF(Ctrl+Shift+S)……", "Ctrl+Shift+S",
                                        self.save_pdf, "export"),
                                       ("关闭(Esc)", "", self.reject, "")):
            button = QPushButton(text)
            if name:
                button.setIcon(icon(name))
            if keys:
                button.setShortcut(keys)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        self.resize(820, 640)

    def save_pdf(self, path: str | None = None) -> Path | None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "另存为 PDF", f"{SHEET_TITLE}.pdf",
                                                  "PDF 文件 (*.pdf)")
        if not path:
            return None
        try:
            write_rules(self.data, path)
        except OSError as exc:
            QMessageBox.warning(self, "保存失败", f"无法写入 {path}:{exc}")
            return None
        return Path(path)

    def print_sheet(self) -> int:
        data = QByteArray(write_rules(self.data))
        buffer = QBuffer(data, self)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument(self)
        document.load(buffer)
        try:
            return print_with_dialog(self, document, new_printer(), SHEET_TITLE)
        finally:
            document.close()
            buffer.close()
