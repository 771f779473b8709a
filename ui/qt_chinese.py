"""Qt's own dialogs in Chinese: Qt's ``qtbase_zh_CN.qm`` (shipped inside PySide6, bundled by
the PyInstaller spec), plus the few labels that catalogue lacks. Qt's catalogue knows
"Look in:" but not the label the file dialog really asks for, "&Look in:" (likewise
"Files of &type:", "Page &Set:"): such a label is the known translation with the access key
written the Chinese way, "查找范围(&L):"."""

from __future__ import annotations

import re

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

# Labels missing from Qt's catalogue even without their access key: (source) -> Chinese.
MISSING = {
    "Page Set:": "页面集:",
}
# Contexts Qt 6 moved strings to, whose catalogue entries still sit under the old context
# (the file dialog's "Folder", "%1 File" come from QAbstractFileIconProvider now).
OLD_CONTEXT = {"QAbstractFileIconProvider": "QFileDialog", "QFileSystemModel": "QFileDialog"}
_KEY = re.compile(r"&(\w)")
_COLON = re.compile(r"[:\uFF1A]\s*$")


def translations_folder() -> str:
    """Where Qt's .qm files are: PySide6's Qt/translations (also inside the bundle)."""
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


class AccessKeyTranslator(QTranslator):
    """Answers what ``base`` (qtbase_zh_CN) misses only because of an access key ("&Look
    in:") or because Qt 6 asks under a newer context (OLD_CONTEXT); None otherwise."""

    def __init__(self, base: QTranslator, parent=None):
        super().__init__(parent)
        self.base = base

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override
        return False

    def translate(self, context, source, disambiguation=None, n=-1):
        if not source or self.base.translate(context, source, disambiguation, n):
            return None  # the catalogue has it (or nothing to do): let Qt use that
        key = _KEY.search(source)
        plain = _KEY.sub(r"\1", source) if key else source
        older = OLD_CONTEXT.get(context)
        text = (self.base.translate(context, plain, disambiguation, n)
                or (older and (self.base.translate(older, plain, disambiguation, n)
                               or self.base.translate(older, plain, None, n)))
                or MISSING.get(plain, ""))
        if not text:
            return None  # not "" (an empty, non-null answer would blank the label)
        if key is None:
            return text
        mark = f"(&{key.group(1).upper()})"
        colon = _COLON.search(text)
        return text[:colon.start()] + mark + colon.group(0) if colon else text + mark


def install(app) -> bool:
    """Install Qt's Chinese catalogue and the access-key completion on ``app`` (before the
    first dialog is built). False when the catalogue could not be found."""
    if getattr(app, "_evalapp_translators", None):
        return True
    chinese = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    QLocale.setDefault(chinese)  # also the file types the system describes ("Excel 工作表")
    base = QTranslator(app)
    if not base.load(chinese, "qtbase", "_", translations_folder()):
        return False
    completion = AccessKeyTranslator(base, app)
    app.installTranslator(base)
    app.installTranslator(completion)  # installed last: asked first
    app._evalapp_translators = (base, completion)  # keep them alive
    return True
