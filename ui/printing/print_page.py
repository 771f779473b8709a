"""打印 page: choose a document, preview it in the window, print it or save it as PDF."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QMessageBox,
    QPushButton, QScrollArea, QSplitter, QStackedWidget, QStyle, QVBoxLayout, QWidget,
)

from evalapp.digest import check_code
from evalapp.domain import DomainError
from evalapp.reports.notice_pdf import NoticeOptions
from evalapp.services.context import VIEW_RESULTS
from evalapp.services.documents import (
    ADMONISH,
    BALLOTS,
    COMMEND,
    DOCUMENTS,
    FEEDBACK,
    NOTICE,
    OMR_BALLOTS,
    TALLY_SHEET,
    DocumentSpec,
    MadeDocument,
    default_notice,
    is_final,
    make_document,
    serial_summary,
)
from evalapp.services.results import Results, compute_results
from ui.common.base import Page
from ui.printing.printer import new_printer, print_with_dialog
from ui.tasks import run_in_background
from ui.printing.ballot_print_options import BallotPrintOptions
from ui.common.combo import refill_combo
from ui.printing.notice_options_panel import (
    NoticeOptionsPanel,
    remember_options,
    remembered_options,
)
from ui.printing.pdf_preview import PdfPreview

ALL_DEPARTMENTS = "全部部门(每个部门一页)"
PROVISIONAL_NOTE = "初步结果:打印件带“未定稿”水印。定稿后再打印正式文件。"
LISTS_NOTE = ("{name}单独一页,按类别列出部门、排名和综合得分,"
              "下方有考评办主任和监票人的签字栏。")
TALLY_SHEET_NOTE = ("计票核对单供监票人签字:各评委类别的发出、收回、有效和无效票数,"
                    "结果校验码和操作记录校验码,以及计票人、监票人和考评办主任的签字栏。")


class PrintPage(Page):
    """The printed documents: 预览 (F5), 打印 (Ctrl+P) and 另存为PDF (Ctrl+Shift+S)."""

    title = "打印"
    permission = VIEW_RESULTS
    shortcut = "Ctrl+9"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.results: Results | None = None
        self.made: MadeDocument | None = None  # what the preview shows
        self.printer = None  # created on first print; keeps the choices for the session
        self._notice_edits: dict[int, NoticeOptions] = {}  # per evaluation, for the session
        self._build()
        ctx.changed.connect(lambda changes: changes.any and self._data_changed())
        ctx.evaluation_changed.connect(lambda _id: self._data_changed())

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.note_icon, self.note = QLabel(), QLabel()
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note_icon)
        note_row.addWidget(self.note, 1)
        left = self._left()  # created first: Tab goes from the choices to the preview
        self.preview_info = QLabel()
        self.preview_info.setWordWrap(True)
        self.preview = PdfPreview()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(self.preview_info)
        right_layout.addWidget(self.preview, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([420, 740])
        layout = QVBoxLayout(self)
        layout.addLayout(note_row)
        layout.addWidget(splitter, 1)
        self._kind_changed()

    def _left(self) -> QWidget:
        self.kind = QComboBox()
        for key, label in DOCUMENTS.items():
            self.kind.addItem(label, key)
        self.kind.setToolTip("选择要打印的文件(Alt+D)")
        label = QLabel("文件(&D):")
        label.setBuddy(self.kind)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.kind, 1)
        self.options_stack = QStackedWidget()
        self.options_stack.addWidget(self._notice_options())
        self.lists_note = QLabel()
        self.lists_note.setWordWrap(True)
        self.lists_note.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.options_stack.addWidget(self.lists_note)
        self.options_stack.addWidget(self._feedback_options())
        self.options_stack.addWidget(self._ballot_options())
        self.kind.currentIndexChanged.connect(self._kind_changed)
        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addLayout(row)
        layout.addWidget(self.options_stack, 1)
        layout.addLayout(self._buttons())
        return left

    def _notice_options(self) -> QWidget:
        self.notice_panel = NoticeOptionsPanel()
        self.notice_panel.changed.connect(self._notice_edited)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.notice_panel)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        reset = QPushButton("恢复默认文字")
        reset.setToolTip("把通报的各项文字恢复为由考评活动生成的默认内容(会先询问)")
        reset.clicked.connect(self.reset_notice)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(reset, 0, Qt.AlignmentFlag.AlignRight)
        return box

    def _feedback_options(self) -> QWidget:
        self.department = QComboBox()
        self.department.setToolTip("全部部门,或只打印一个部门的反馈单")
        self.department.currentIndexChanged.connect(self._mark_changed)
        box = QWidget()
        form = QFormLayout(box)
        label = QLabel("部门(&M):")
        label.setBuddy(self.department)
        form.addRow(label, self.department)
        hint = QLabel("每个部门一页:综合得分、集中考评得分、各评委类别得分、排名及变化、"
                      "结果和加减分。")
        hint.setWordWrap(True)
        form.addRow(hint)
        return box

    def _ballot_options(self) -> QWidget:
        self.ballot_options = BallotPrintOptions()
        self.ballot_options.changed.connect(self._mark_changed)
        self.ballot_options.changed.connect(self._show_serials)
        options = self.ballot_options  # the fields, by their old names (tests, habits)
        self.group, self.copies, self.start = options.group, options.copies, options.start
        self.serial_hint = options.serial_hint
        return options

    def _buttons(self) -> QGridLayout:
        """预览 · 打印 on one line, 另存为PDF under them (fits a 1024-wide screen)."""
        row = QGridLayout()
        for place, (text, keys, tip, slot) in enumerate((
                ("预览(F5)", "F5", "生成文件并在右侧显示", self.preview_document),
                ("打印(Ctrl+P)", "Ctrl+P", "选择打印机并打印", self.print_current),
                ("另存为PDF(Ctrl+Shift+S)", "Ctrl+Shift+S", "把文件保存为 PDF",
                 self.save_pdf))):
            button = QPushButton(text)
            button.setToolTip(f"{tip}({keys})")
            button.clicked.connect(slot)
            QShortcut(QKeySequence(keys), self, slot)
            row.addWidget(button, place // 2, place % 2, 1, 1 + place // 2)
            setattr(self, f"{slot.__name__}_button", button)
        return row

    # ------------------------------------------------------------------ state
    def current_kind(self) -> str:
        return self.kind.currentData()

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        page = {NOTICE: 0, COMMEND: 1, ADMONISH: 1, TALLY_SHEET: 1, FEEDBACK: 2,
                BALLOTS: 3}[kind]
        self.lists_note.setText(TALLY_SHEET_NOTE if kind == TALLY_SHEET
                                else LISTS_NOTE.format(name=DOCUMENTS[kind]))
        self.options_stack.setCurrentIndex(page)
        self._show_preview_info()

    def _mark_changed(self, *_args) -> None:
        self._show_preview_info()

    def _notice_edited(self) -> None:
        evaluation_id = self.ctx.evaluation_id
        if evaluation_id is not None:
            with suppress(DomainError):  # shown when the notice is made
                options = self.notice_panel.options()
                self._notice_edits[evaluation_id] = options
                remember_options(self.ctx.db.url, evaluation_id, options)
        self._show_preview_info()

    def _data_changed(self) -> None:
        self.results = None
        if self.isVisible():
            self.refresh()
        else:
            self._show_preview_info()

    def spec(self) -> DocumentSpec:
        """The document and options chosen now (raises DomainError for bad notice texts)."""
        kind = self.current_kind()
        if kind == NOTICE:
            known = {d.name for d in self.results.data.departments} if self.results else None
            return DocumentSpec(kind, notice=self.notice_panel.options(known))
        if kind == FEEDBACK:
            edits = self._notice_edits.get(self.ctx.evaluation_id)
            special = tuple(edits.special) if edits is not None else None
            return DocumentSpec(kind, department=self.department.currentData(),
                                special=special)
        if kind == BALLOTS:
            options = self.ballot_options
            return DocumentSpec(OMR_BALLOTS if options.machine() else BALLOTS,
                                group=self.group.currentData(),
                                copies=self.copies.value() or None,
                                start=options.first_serial())
        return DocumentSpec(kind)

    def _current_spec_or_none(self) -> DocumentSpec | None:
        try:
            return self.spec()
        except DomainError:  # shown when the user previews
            return None

    def preview_is_current(self) -> bool:
        return (self.made is not None and self.results is not None
                and self.made.digest == self.results.result.digest
                and self.made.spec == self._current_spec_or_none())

    # ------------------------------------------------------------------ refreshing
    def refresh(self) -> None:
        evaluation_id = self.ctx.evaluation_id
        if evaluation_id is None:
            self.results = None
            self.note.setText("尚未打开考评活动。")
            self.preview.clear("尚未打开考评活动。")
            self.made = None
            return
        results = self.call(compute_results, self.ctx.db, evaluation_id, self.ctx.actor)
        if results is None:
            return
        self.results = results
        self._fill_choices(results)
        self._fill_notice(evaluation_id, results)
        self._show_status(results, is_final(self.ctx.db, evaluation_id))
        self._show_preview_info()

    def _fill_choices(self, results: Results) -> None:
        departments = sorted(results.data.departments, key=lambda d: d.order)
        refill_combo(self.department, [d.name for d in departments], ALL_DEPARTMENTS)
        self.ballot_options.fill([g.name for g in results.data.groups])
        self._show_serials()

    def _fill_notice(self, evaluation_id: int, results: Results) -> None:
        if evaluation_id not in self._notice_edits:
            self._notice_edits[evaluation_id] = remembered_options(
                self.ctx.db.url, evaluation_id) or default_notice(self.ctx.db, evaluation_id,
                                                                  results)
        shown = self.notice_panel.property("evaluation_id")
        if shown != evaluation_id:
            self.notice_panel.set_options(self._notice_edits[evaluation_id])
            self.notice_panel.setProperty("evaluation_id", evaluation_id)

    def reset_notice(self) -> None:
        if self.results is None or self.ctx.evaluation_id is None:
            return
        answer = QMessageBox.question(
            self, "恢复默认文字", "通报的发文机关、文号、标题、正文、特别表彰、落款、日期和版记"
            "将恢复为默认内容,已做的修改会丢失。确定吗?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        options = default_notice(self.ctx.db, self.ctx.evaluation_id, self.results)
        self._notice_edits[self.ctx.evaluation_id] = options
        remember_options(self.ctx.db.url, self.ctx.evaluation_id, None)
        self.notice_panel.set_options(replace(options))
        self._show_preview_info()

    def _show_status(self, results: Results, final: bool) -> None:
        icon = QStyle.StandardPixmap.SP_MessageBoxInformation if final else \
            QStyle.StandardPixmap.SP_MessageBoxWarning
        size = self.note.fontMetrics().height()
        self.note_icon.setPixmap(self.style().standardIcon(icon).pixmap(size, size))
        digest = results.result.digest
        code = check_code(digest)
        text = (f"正式结果:打印件不带水印;结果校验码 {code} 印在计票核对单上,供监票人核对。"
                if final else PROVISIONAL_NOTE)
        if results.unconfirmed:
            text += f" 另有未核对选票 {results.unconfirmed} 张未计入。"
        self.note.setText(f"<b>{text}</b>")
        self.note.setToolTip(f"结果校验码:{code}")

    def _show_serials(self, *_args) -> None:
        options = self.ballot_options
        self.serial_hint.setText("" if self.results is None else serial_summary(
            self.results.data, self.group.currentData(), self.copies.value() or None,
            options.first_serial(), options.machine()))

    def _show_preview_info(self) -> None:
        if self.made is None:
            self.preview_info.setText("右侧显示预览。按 F5 生成所选文件的预览。")
        elif self.preview_is_current():
            status = ("空白表,不带水印" if self.made.spec.kind in (BALLOTS, OMR_BALLOTS)
                      else "正式" if self.made.final else "初步(带“未定稿”水印)")
            self.preview_info.setText(f"预览:{self.made.spec.label} · 共 "
                                      f"{self.preview.page_count()} 页 · {status}")
        else:
            self.preview_info.setText(f"预览:{self.made.spec.label} · 文件或数据已更改,"
                                      "按 F5 重新预览;打印和另存时会重新生成。")

    # ------------------------------------------------------------------ making the PDF
    def make(self, then=None) -> None:
        """Generate the chosen document in the background, show it, then call ``then``."""
        if self.ctx.evaluation_id is None:
            return
        if self.results is None:
            self.refresh()
        spec = self.call(self.spec)
        if spec is None:
            return
        db, evaluation_id, actor = self.ctx.db, self.ctx.evaluation_id, self.ctx.actor

        def done(made: MadeDocument) -> None:
            self.made = made
            self.preview.set_pdf(made.pdf)
            self._show_preview_info()
            if then is not None:
                then()

        run_in_background(lambda: make_document(db, evaluation_id, actor, spec), done,
                          lambda exc: self.show_error(exc, "无法生成文件"), self,
                          f"正在生成“{spec.label}”……")

    def preview_document(self) -> None:
        self.make()

    def _with_current(self, action) -> None:
        if self.results is None:
            self.refresh()
        if self.preview_is_current() and self.preview.page_count():
            action()
        else:
            self.make(action)

    # ------------------------------------------------------------------ printing, saving
    def print_current(self) -> None:
        self._with_current(self._print_shown)

    def _print_shown(self) -> None:
        if self.printer is None:
            self.printer = new_printer()
        label = self.made.spec.label
        try:
            sent = print_with_dialog(self, self.preview.document, self.printer, label)
        except RuntimeError as exc:
            self.show_error(exc, "打印失败")
            return
        if sent:
            self.ctx.saved.emit(f"已送打印:{label} {sent} 页")

    def save_pdf(self) -> None:
        self._with_current(self._save_shown)

    def _save_shown(self) -> None:
        default = str(Path.home() / self.made.spec.file_name(self.made.evaluation))
        path, _ = QFileDialog.getSaveFileName(self, "另存为PDF", default, "PDF 文件 (*.pdf)")
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            Path(path).write_bytes(self.made.pdf)
        except OSError as exc:
            self.show_error(exc, "保存失败")
            return
        self.ctx.saved.emit(f"已保存 {self.made.spec.label}:{path}")
