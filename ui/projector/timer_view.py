"""The presentation timer on the big screen: department, presenter, a huge countdown that
turns amber at 1 minute and red at 0, then counts the overtime up, with a word for each."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from ui.projector import theme
from ui.projector.bands import CENTER, fitted
from ui.projector.stage_timer import OVER, StageRun, clock_text


class TimerView(QWidget):
    """Paints the state of a StageRun (it reads the run; it never changes it)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.run: StageRun | None = None

    def set_run(self, run: StageRun | None) -> None:
        self.run = run
        self.update()

    def texts(self) -> dict[str, str]:
        """What is on screen, by role (tests and the control page read it)."""
        run = self.run
        speaker = run.speaker if run else None
        if speaker is None:
            return {"department": "没有述职部门", "who": "", "clock": "", "state": "",
                    "place": "", "next": ""}
        left = run.timer.remaining()
        clock = ("+" + clock_text(-left)) if run.timer.phase() == OVER else clock_text(left)
        following = run.following
        return {"department": speaker.department,
                "who": f"述职人:{speaker.who}" if speaker.who else "",
                "clock": clock, "state": run.status_word(),
                "place": f"第 {run.index + 1} 位 / 共 {len(run.speakers)} 位 · "
                         f"规定 {run.allowed // 60} 分钟",
                "next": f"下一位:{following.department}" if following else "最后一位"}

    def colours(self):
        phase = self.run.timer.phase() if self.run and self.run.speaker else "normal"
        return theme.TIMER_COLOURS[phase]

    def paintEvent(self, event) -> None:
        window = self.window()
        m = theme.Metrics(window.width(), window.height())
        background, ink = self.colours()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.fillRect(self.rect(), background)
        t = self.texts()
        w, h = self.width() - 2 * m.margin, self.height()
        lines = [("department", 0.02, 0.17, 8.5, True), ("who", 0.19, 0.10, 5, False),
                 ("clock", 0.29, 0.44, 0, True), ("state", 0.73, 0.11, 6, True),
                 ("place", 0.85, 0.07, 3.6, False), ("next", 0.92, 0.07, 3.6, False)]
        for key, top, height, units, bold in lines:
            rect = QRectF(m.margin, h * top, w, h * height)
            pixels = h * height * 0.92 if key == "clock" else m.px(units)
            p.setFont(fitted(t[key], pixels, w, bold))
            p.setPen(ink)
            p.drawText(rect, CENTER, t[key])
        p.end()
