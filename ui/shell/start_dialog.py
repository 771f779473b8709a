"""First screen on an empty database: create, copy last year's, import a workbook, or demo."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel, QLineEdit,
    QMessageBox, QPushButton, QSpinBox, QVBoxLayout,
)

from evalapp.domain import GRADE_MODE, SCORE_MODE, DomainError
from evalapp.services.demo import create_demo
from evalapp.services.evaluations import (
    copy_evaluation, create_evaluation, list_evaluations,
)
from ui.context import AppContext
from ui.tasks import run_with_progress
from ui.shell.workbook_import import import_workbook_file


class NewEvaluationDialog(QDialog):
    """Name, year and marking mode of a new (or copied) evaluation."""

    def __init__(self, title: str, parent=None, with_mode: bool = True):
        super().__init__(parent)
        self.setWindowTitle(title)
        year = date.today().year - 1
        self.year = QSpinBox()
        self.year.setRange(1990, 2999)
        self.year.setValue(year)
        self.name = QLineEdit(f"{year}年度区级部门工作业绩集中考评")
        self.year.valueChanged.connect(
            lambda y: self.name.setText(f"{y}年度区级部门工作业绩集中考评"))
        self.mode = QComboBox()
        self.mode.addItem("百分制", SCORE_MODE)
        self.mode.addItem("等次制", GRADE_MODE)
        form = QFormLayout(self)
        form.addRow("年度(&Y):", self.year)
        form.addRow("考评名称(&N):", self.name)
        if with_mode:
            form.addRow("计分方式(&M):", self.mode)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(460)


def new_evaluation(ctx: AppContext, parent) -> int | None:
    dialog = NewEvaluationDialog("新建考评", parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return create_evaluation(ctx.db, ctx.actor, dialog.name.text(), dialog.year.value(),
                             dialog.mode.currentData())


def copy_last_year(ctx: AppContext, parent) -> int | None:
    evaluations = list_evaluations(ctx.db)
    if not evaluations:
        raise DomainError("数据库中还没有可复制的考评")
    source = max(evaluations, key=lambda e: (e.year or 0, e.id))
    dialog = NewEvaluationDialog(f"从“{source.name}”复制", parent, with_mode=False)
    dialog.year.setValue((source.year or date.today().year - 1) + 1)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return copy_evaluation(ctx.db, ctx.actor, source.id, dialog.name.text(), dialog.year.value())


def import_workbook(ctx: AppContext, parent) -> int | None:
    path, _ = QFileDialog.getOpenFileName(parent, "导入考评工作簿", "", "Excel 工作簿 (*.xlsx)")
    if not path:
        return None
    return import_workbook_file(ctx, parent, path)


def open_demo(ctx: AppContext, parent) -> int | None:
    db, actor = ctx.db, ctx.actor
    return run_with_progress(lambda: create_demo(db, actor)[-1], parent, "正在生成演示考评……")


class StartDialog(QDialog):
    """Offers the four ways to begin; ``evaluation_id`` holds the result when accepted."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id: int | None = None
        self.setWindowTitle("开始")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("数据库中还没有考评活动。请选择如何开始:"))
        has_any = bool(list_evaluations(ctx.db))
        for text, action, enabled in (
                ("新建考评(&N)……", new_evaluation, True),
                ("从上年复制(&C)……", copy_last_year, has_any),
                ("导入工作簿(&I)……", import_workbook, True),
                ("打开演示考评(&D)", open_demo, True)):
            button = QPushButton(text)
            button.setEnabled(enabled)
            button.setMinimumHeight(40)
            button.clicked.connect(lambda _=False, a=action: self.run(a))
            layout.addWidget(button)
        self.setMinimumWidth(420)

    def run(self, action) -> None:
        try:
            evaluation_id = action(self.ctx, self)
        except DomainError as exc:
            QMessageBox.warning(self, "无法完成", str(exc))
            return
        if evaluation_id is not None:
            self.evaluation_id = evaluation_id
            self.accept()
