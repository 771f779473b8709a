"""The Chinese user guide shown inside the program (no browser, no network): chapters are
Markdown files in resources/help/, listed on the left and shown in a QTextBrowser."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHBoxLayout, QListWidget, QSplitter, QTextBrowser, QVBoxLayout,
)

from evalapp.paths import resource


@dataclass(frozen=True)
class Chapter:
    title: str
    text: str  # Markdown


def chapters(folder: Path | None = None) -> list[Chapter]:
    """Every ``*.md`` in resources/help/, in file-name order; the title is the first heading."""
    folder = folder or resource("help")
    found = []
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        first = text.lstrip().splitlines()[0] if text.strip() else path.stem
        found.append(Chapter(first.lstrip("# ").strip(), text))
    return found


class GuideWindow(QDialog):
    """使用说明: chapter list on the left (↑/↓ to move), the chapter on the right."""

    def __init__(self, parent=None, chapter: int = 0):
        super().__init__(parent)
        self.setWindowTitle("使用说明 — 会议当天的工作步骤")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.chapters = chapters()
        self.contents = QListWidget()
        self.contents.setObjectName("helpContents")
        self.contents.addItems([c.title for c in self.chapters])
        self.contents.setMinimumWidth(200)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setOpenLinks(False)  # no browser, no network
        self.browser.document().setDocumentMargin(12)
        self.contents.currentRowChanged.connect(self.show_chapter)
        splitter = QSplitter()
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭(Esc)")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(splitter)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
        for keys, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            QShortcut(QKeySequence(keys), self, lambda s=step: self.move(s))
        self.resize(980, 640)
        self.contents.setCurrentRow(max(0, min(chapter, len(self.chapters) - 1)))
        self.contents.setFocus()

    def show_chapter(self, index: int) -> None:
        if 0 <= index < len(self.chapters):
            self.browser.setMarkdown(self.chapters[index].text)

    def move(self, step: int) -> None:
        row = self.contents.currentRow() + step
        if 0 <= row < len(self.chapters):
            self.contents.setCurrentRow(row)
