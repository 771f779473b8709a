"""An editable set-up table: the view, 添加/删除 buttons, and the list of what is wrong."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.setup.row_edit_table_model import CHOICES_ROLE, RowEditTableModel

PROBLEM_STYLE = "color: #A61B29;"


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down editor for columns whose model offers choices, a line edit otherwise."""

    def createEditor(self, parent, option, index):
        choices = index.data(CHOICES_ROLE) or []
        if not choices:
            return super().createEditor(parent, option, index)
        box = QComboBox(parent)
        box.addItems(choices)
        return box

    def setEditorData(self, editor, index):
        if isinstance(editor, QComboBox):
            position = editor.findText(index.data(Qt.ItemDataRole.EditRole) or "")
            editor.setCurrentIndex(max(position, 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


def problems_text(problems: list[str], limit: int = 6) -> str:
    """Problems as lines with a warning sign (colour is never the only signal)."""
    lines = [f"⚠ {p}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"……另有 {len(problems) - limit} 处")
    return "\n".join(lines)


class TableEditor(QWidget):
    """A table of a RowEditTableModel with add (Insert) and remove (Delete, asks once)."""

    changed = Signal()

    def __init__(self, model: RowEditTableModel, noun: str, remove_note: str = "",
                 stretch: int = 0, parent=None):
        super().__init__(parent)
        self.model, self.noun, self.remove_note = model, noun, remove_note
        self.view = QTableView()
        self.view.setModel(model)
        self.view.setItemDelegate(ChoiceDelegate(self.view))
        self.view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(f"添加{noun} (Ins)")
        self.remove_button = QPushButton(f"删除{noun} (Del)")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_current)
        for keys, slot in (("Ins", self.add_row), ("Del", self.remove_current)):
            shortcut = QShortcut(QKeySequence(keys), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self.problems = QLabel()
        self.problems.setStyleSheet(PROBLEM_STYLE)
        self.problems.setWordWrap(True)
        self._layout(header)
        model.edited.connect(self._on_edited)
        model.modelReset.connect(self._on_edited)

    def _layout(self, header) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.problems)

    def set_editable(self, editable: bool) -> None:
        self.model.set_editable(editable)
        self.add_button.setEnabled(editable)
        self.remove_button.setEnabled(editable)

    def fit_height(self, rows: int) -> None:
        """Make the view tall enough for ``rows`` rows without scrolling."""
        self.view.resizeRowsToContents()
        row = self.view.verticalHeader().defaultSectionSize()
        height = self.view.horizontalHeader().sizeHint().height() + rows * row + 6
        self.view.setMinimumHeight(height)

    def add_row(self) -> None:
        if not self.add_button.isEnabled():
            return
        row = self.model.insert_row()
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.setFocus()
        self.view.edit(index)

    def remove_current(self) -> None:
        row = self.view.currentIndex().row()
        if not self.remove_button.isEnabled() or row < 0:
            return
        name = self.model.index(row, 0).data() or f"第 {row + 1} 行"
        question = f"删除{self.noun}“{name}”?\n保存后才写入数据库。{self.remove_note}"
        answer = QMessageBox.question(self, f"删除{self.noun}", question)
        if answer == QMessageBox.StandardButton.Yes:
            self.model.remove_row(row)

    def _on_edited(self) -> None:
        problems = self.model.problems()
        self.problems.setText(problems_text(problems))
        self.problems.setVisible(bool(problems))
        self.changed.emit()
