"""The editable texts of the results notice (发文机关, 文号, 标题, 正文, 特别表彰, 落款, 日期)
and its 版记 (抄送, 印发机关, 印发日期, optionally the 校验码)."""

from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from evalapp.domain import DomainError
from evalapp.reports.notice_pdf import (
    NoticeOptions,
    SpecialCommendation,
    options_from_dict,
    options_to_dict,
)
from ui import preferences

NAME_SEPARATORS = re.compile(r"[、,,;;\s]+")


def special_text(items: list[SpecialCommendation]) -> str:
    """特别表彰 as lines "奖项:部门、部门"."""
    return "\n".join(f"{sp.award}:{'、'.join(sp.departments)}" for sp in items)


def parse_special(text: str, known: set[str] | None = None) -> list[SpecialCommendation]:
    """Lines "奖项:部门、部门" back to commendations; names must be departments when
    ``known`` is given. Raises DomainError naming the line."""
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        award, sep, rest = line.replace(":", ":").partition(":")
        names = [n for n in NAME_SEPARATORS.split(rest) if n]
        if not sep or not award.strip() or not names:
            raise DomainError(f"特别表彰第 {number} 行应写成“奖项:部门、部门”,例如“创新奖:区委办公室”")
        unknown = [n for n in names if known is not None and n not in known]
        if unknown:
            raise DomainError(f"特别表彰第 {number} 行:没有名为“{unknown[0]}”的部门")
        items.append(SpecialCommendation(award.strip(), names))
    return items


def remembered_options(database: str, evaluation_id: int) -> NoticeOptions | None:
    """The notice texts last used for this evaluation on this computer, if any."""
    texts = preferences.notice_texts(database, evaluation_id)
    if texts is None:
        return None
    try:
        return options_from_dict(texts)
    except (TypeError, ValueError):  # written by another version: start from the defaults
        return None


def remember_options(database: str, evaluation_id: int, options: NoticeOptions | None) -> None:
    """Keep the texts for the next session (None forgets them: back to the defaults)."""
    preferences.set_notice_texts(database, evaluation_id,
                                 None if options is None else options_to_dict(options))


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class NoticeOptionsPanel(QWidget):
    """Form with the notice's texts; ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._notes: dict[str, str] = {}
        self._annex_title = ""
        self.authority = self._line("发文机关名称,用于版头")
        self.mark = self._line("版头红字;留空则为“发文机关+文件”", "留空则自动生成")
        self.doc_number = self._line("文号,如 区考核办〔2021〕1号", "如 区考核办〔2021〕1号")
        self.title = self._line("公文标题")
        self.addressee = self._line("主送机关")
        self.intro = self._text("正文开头,每行一段", 6)
        self.special = self._text("每行一项,写成“奖项:部门、部门”", 3)
        self.closing = self._text("工作要求,每行一段", 4)
        self.signature = self._line("落款(发文机关署名)")
        self.date = self._line("成文日期,如 2022年1月10日;默认为定稿日期", "默认为定稿日期")
        self.copy_to = self._line("版记的抄送机关,用“、”分隔;留空则不印抄送", "用“、”分隔;可留空")
        self.printed_by = self._line("版记的印发机关;留空则同发文机关", "留空则同发文机关")
        self.printed_on = self._line("版记的印发日期,如 2022年1月10日;留空则同成文日期", "留空则同成文日期")
        self.check_code = QCheckBox("在版记上方以小字印结果校验码")
        self.check_code.setToolTip("校验码另印在计票核对单上;通报上一般不需要")
        self.check_code.toggled.connect(lambda _on: self._text_changed())
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for label, widget in (("发文机关(&A)", self.authority), ("版头", self.mark),
                              ("文号(&N)", self.doc_number), ("标题(&T)", self.title),
                              ("主送", self.addressee), ("正文段落(&B)", self.intro),
                              ("特别表彰(&X)", self.special), ("工作要求", self.closing),
                              ("落款(&Q)", self.signature), ("日期(&R)", self.date),
                              ("抄送(&E)", self.copy_to), ("印发机关", self.printed_by),
                              ("印发日期", self.printed_on)):
            buddy = QLabel(label + ":")
            buddy.setBuddy(widget)
            form.addRow(buddy, widget)
        form.addRow(self.check_code)

    def _line(self, tip: str, placeholder: str = "") -> QLineEdit:
        """A line edit; ``placeholder``: a short hint when ``tip`` would not fit the field."""
        edit = QLineEdit()
        edit.setToolTip(tip)
        edit.setPlaceholderText(placeholder or tip)
        edit.textEdited.connect(self.changed)
        return edit

    def _text(self, tip: str, lines: int) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setToolTip(tip + "(Tab 键移到下一项)")
        edit.setPlaceholderText(tip)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
        edit.textChanged.connect(self._text_changed)
        return edit

    def _text_changed(self) -> None:
        if not self.signalsBlocked():
            self.changed.emit()

    def set_options(self, options: NoticeOptions) -> None:
        """Fill the form (without emitting ``changed``)."""
        self.blockSignals(True)
        self._notes = {sp.award: sp.note for sp in options.special}
        self._annex_title = options.annex_title
        self.authority.setText(options.authority)
        self.mark.setText(options.mark)
        self.doc_number.setText(options.doc_number)
        self.title.setText(options.title)
        self.addressee.setText(options.addressee)
        self.intro.setPlainText("\n".join(options.intro))
        self.special.setPlainText(special_text(options.special))
        self.closing.setPlainText("\n".join(options.closing))
        self.signature.setText(options.signature)
        self.date.setText(options.date)
        self.copy_to.setText(options.copy_to)
        self.printed_by.setText(options.printed_by)
        self.printed_on.setText(options.printed_on)
        self.check_code.setChecked(options.check_code)
        for edit in (self.authority, self.mark, self.doc_number, self.title, self.addressee,
                     self.signature, self.date, self.copy_to, self.printed_by,
                     self.printed_on):
            edit.setCursorPosition(0)  # long texts show their beginning
        self.blockSignals(False)

    def options(self, known: set[str] | None = None) -> NoticeOptions:
        """The texts as NoticeOptions; raises DomainError for an empty title or a bad line."""
        title = self.title.text().strip()
        if not title:
            raise DomainError("通报的“标题”不能为空")
        special = parse_special(self.special.toPlainText(), known)
        for sp in special:
            sp.note = self._notes.get(sp.award, "")
        return NoticeOptions(
            authority=self.authority.text().strip(), mark=self.mark.text().strip(),
            doc_number=self.doc_number.text().strip(), title=title,
            addressee=self.addressee.text().strip(), intro=_paragraphs(self.intro.toPlainText()),
            closing=_paragraphs(self.closing.toPlainText()), special=special,
            annex_title=self._annex_title, signature=self.signature.text().strip(),
            date=self.date.text().strip(), copy_to=self.copy_to.text().strip(),
            printed_by=self.printed_by.text().strip(),
            printed_on=self.printed_on.text().strip(), check_code=self.check_code.isChecked())
