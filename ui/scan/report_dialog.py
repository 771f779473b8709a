"""The result of a scan import, one row per sheet (like `main.py scan-import`): 票号, 评委类别,
the outcome, marks read, doubtful marks and the reason of a refusal."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
    QTableWidgetItem, QVBoxLayout,
)

COLUMNS = ("票号", "评委类别", "结果", "读出评分", "存疑", "说明")


def counts_text(counts: dict[str, int], total: int) -> str:
    return (f"共 {total} 张:已保存 {counts['saved']},待人工核对 {counts['review']},"
            f"已导入过 {counts['unchanged']},拒收 {counts['refused']}")


def note(sheet) -> str:
    """A sheet's reason (refused, unchanged) or its first doubts, with the files refused."""
    text = sheet.reason or ";".join(sheet.doubts[:3]) + ("……" if len(sheet.doubts) > 3 else "")
    if sheet.status == "refused" and sheet.sources:
        text += f"(文件:{'、'.join(sheet.sources)})"
    return text


class ScanReportDialog(QDialog):
    """The report of one import (or of the watched folder's imports so far)."""

    def __init__(self, sheets: list, counts: dict[str, int], parent=None,
                 title: str = "扫描选票导入结果"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(980, 560)
        summary = counts_text(counts, len(sheets))
        if counts.get("review"):
            summary += "。存疑的评分请到“扫描核对”页(Ctrl+Shift+K)逐个核对,核对前不计入结果。"
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(len(sheets), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for r, sheet in enumerate(sheets):
            values = (sheet.serial or "-", sheet.group or "-", sheet.status_word,
                      str(sheet.marks), str(sheet.doubtful), note(sheet))
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
