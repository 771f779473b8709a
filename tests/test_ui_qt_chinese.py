"""Qt's own dialogs speak Chinese once the program's translators are installed (issue 13)."""

import re

from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QMessageBox, QWidget

from ui.app import install_translator

ENGLISH = re.compile(r"[A-Za-z]{2,}")


def _english_labels(dialog: QWidget) -> list[str]:
    """Every label, button and tooltip text of ``dialog`` with a Latin word in it (the file
    filter the program wrote itself and the folder path excepted)."""
    found = []
    for child in dialog.findChildren(QWidget):
        if isinstance(child, QComboBox):
            continue  # the folder path and "Excel 工作簿 (*.xlsx)"
        for getter in ("text", "toolTip", "placeholderText"):
            method = getattr(child, getter, None)
            if method is None or getter == "text" and not isinstance(child, (QLabel,)) \
                    and not hasattr(child, "setText"):
                continue
            try:
                text = method()
            except TypeError:
                continue
            if isinstance(text, str) and ENGLISH.search(text):
                found.append(f"{type(child).__name__}.{getter}: {text}")
    return found


def test_file_dialog_labels_are_chinese(qtbot, qapp, tmp_path):
    assert install_translator(qapp)
    dialog = QFileDialog(None, "导入考评工作簿", str(tmp_path), "Excel 工作簿 (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "查找范围(&L)\uff1a" in labels  # Qt's catalogue only knows "Look in:"
    assert "文件类型(&T)\uff1a" in labels
    assert _english_labels(dialog) == []


def test_message_box_buttons_are_chinese(qtbot, qapp):
    assert install_translator(qapp)
    buttons = QMessageBox.StandardButton
    box = QMessageBox(QMessageBox.Icon.Question, "删除部门", "确定删除吗?",
                      buttons.Yes | buttons.No | buttons.Cancel | buttons.Save)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitUntil(lambda: all(b.text() for b in box.buttons()))
    texts = sorted(b.text() for b in box.buttons())
    assert texts == sorted(["是(&Y)", "否(&N)", "取消", "保存"])


def test_file_types_in_the_file_list_are_chinese(qapp, tmp_path):
    """The 类型 column: Qt 6 asks QAbstractFileIconProvider, the catalogue answers under the
    old QFileDialog context ("Folder" → 文件夹)."""
    from PySide6.QtCore import QFileInfo
    from PySide6.QtWidgets import QFileIconProvider
    assert install_translator(qapp)
    (tmp_path / "备份").mkdir()
    (tmp_path / "考评.xlsx").write_bytes(b"")
    provider = QFileIconProvider()
    assert provider.type(QFileInfo(str(tmp_path / "备份"))) == "文件夹"
    described = provider.type(QFileInfo(str(tmp_path / "考评.xlsx")))
    assert not ENGLISH.search(described.replace("Excel", "").replace("xlsx", "")), described
