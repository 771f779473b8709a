"""What every page of the main window has in common."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QTextEdit,
    QWidget,
)

from evalapp.domain import DomainError
from ui.context import AppContext
from ui.operations import Op


FINAL_BANNER = ("本考评已定稿,此页只读。如确需修改,请管理员在“定稿与备份”页点“解锁”(需输入密码并"
                "填写原因,记入操作日志),修改后重新定稿。")
EDITORS = (QAbstractButton, QLineEdit, QAbstractSpinBox, QComboBox, QTextEdit, QPlainTextEdit)


class Page(QWidget):
    """A page: a title for the navigation list, the permission it needs, and refresh()."""

    title = ""
    permission: str | None = None  # None: every role may open it
    shortcut = ""  # e.g. "Ctrl+1", shown in the 页面 menu

    locks_when_final = False  # set-up and entry pages: read-only after 定稿

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.final_banner: QLabel | None = None
        self._locked: list[QWidget] = []
        self._frozen_views: dict[QAbstractItemView, object] = {}

    def apply_final(self, final: bool) -> None:
        """After 定稿 a page that changes the evaluation is visibly read-only: a banner says
        why and how to unlock, and its editors are disabled (the services refuse anyway)."""
        if not self.locks_when_final:
            return
        if self.final_banner is None:
            self.final_banner = QLabel(FINAL_BANNER)
            self.final_banner.setWordWrap(True)
            self.final_banner.setSizePolicy(QSizePolicy.Policy.Preferred,
                                            QSizePolicy.Policy.Maximum)
            self.final_banner.setStyleSheet("background:#FFE0E0; color:#7A0000; padding:6px;"
                                            "font-weight:bold; border:1px solid #B00000")
            self.layout().insertWidget(0, self.final_banner)
        self.final_banner.setVisible(final)
        for widget in self._locked:
            widget.setEnabled(True)
        for view, triggers in self._frozen_views.items():
            view.setEditTriggers(triggers)
        self._locked, self._frozen_views = [], {}
        if not final:
            return
        for widget in self.findChildren(QWidget):
            if isinstance(widget, QAbstractItemView):
                self._frozen_views[widget] = widget.editTriggers()
                widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            elif isinstance(widget, EDITORS) and widget.isEnabled() \
                    and not isinstance(widget.parent(), QAbstractItemView):
                widget.setEnabled(False)
                self._locked.append(widget)

    def refresh(self) -> None:
        """Reload what the page shows from the services (called when it is shown)."""

    # The focus policy of every page: opened by its shortcut (Ctrl+1 …), by a click in the
    # navigation or by F6, a page takes the keyboard at once, so its own shortcuts
    # (WidgetWithChildrenShortcut) work without a Tab or a click first.
    def focus_target(self) -> QWidget | None:
        """The widget that takes the keyboard when the page is opened; None: the first one
        that Tab would reach."""
        return None

    def take_focus(self) -> None:
        target = self.focus_target()
        if target is None or not target.isVisibleTo(self) or not target.isEnabled():
            target = self._first_in_tab_order()
        (target or self).setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _first_in_tab_order(self) -> QWidget | None:
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self:
            if (self.isAncestorOf(widget) and widget.isVisibleTo(self) and widget.isEnabled()
                    and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
                return widget.focusProxy() or widget
            widget = widget.nextInFocusChain()
        return None

    def show_error(self, exc: Exception, title: str = "无法完成") -> None:
        """A user's error in a dialog, in plain Chinese."""
        text = str(exc) if isinstance(exc, DomainError) else f"出现意外错误:{exc}"
        QMessageBox.warning(self, title, text)

    def run(self, work, changes=None, success=None, title: str = "无法完成",
            background: bool = False):
        """Run a service call as an operation of this page (see ui/operations.py): a
        DomainError is shown in Chinese, success announces ``changes`` with this page as the
        initiator. In-page edits are short: by default they run at once (``background``
        for the long ones)."""
        op = Op(self, work, changes, background=background, title=title,
                quiet=not background)  # a long one shows 正在处理 after 300 ms
        if success is not None:
            op.success(success)
        self.ctx.run(op)

    def announce(self, changes) -> None:
        """Tell the other pages what this page's in-place edit changed (the initiator: this
        page, so it can ignore its own echo)."""
        self.ctx.announce(changes.by(self))

    def call(self, action, *args, **kwargs):
        """Call a service; show a DomainError to the user and return None instead."""
        try:
            return action(*args, **kwargs)
        except DomainError as exc:
            self.show_error(exc)
            return None

    def attempt(self, action, *args) -> bool:
        """Call a service for what it does (it returns nothing): show a DomainError to the
        user and report False instead."""
        try:
            action(*args)
        except DomainError as exc:
            self.show_error(exc)
            return False
        return True


class LivePage(Page):
    """A page that reloads itself ``debounce_ms`` after the last change notice it ``wants``
    (``ctx.changed``) or a switch of the open evaluation: at once if it is shown, otherwise when it is shown again.

    Subclasses write ``reload()`` and call ``_fresh()`` at its start."""

    debounce_ms = 250

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, parent)
        self._stale = True
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.debounce_ms)
        self.timer.timeout.connect(self.reload)
        ctx.changed.connect(self._changed)
        ctx.evaluation_changed.connect(lambda _id: self.schedule())

    def wants(self, changes) -> bool:
        """Whether a change notice touches what the page shows (default: any change)."""
        return True

    def _changed(self, changes) -> None:
        if self.wants(changes):
            self.schedule()

    def refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read what the page shows again (overridden)."""
        self._fresh()

    def _fresh(self) -> None:
        """The page is being brought up to date: no reload is pending any more."""
        self.timer.stop()
        self._stale = False

    def schedule(self) -> None:
        self._stale = True
        if self.isVisible():
            self.timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._before_stale_show()
            self.timer.start(0)

    def _before_stale_show(self) -> None:
        """What to do at once when a stale page is shown, before the debounced reload."""
