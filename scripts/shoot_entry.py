"""Screenshots of ballot entry in the real main window on an X display (Xvfb + a window
manager): a cell in its error state, the summary line (last look), a ballot the rules void
saved in amber, and the read-only banner after 定稿.

    Xvfb :90 -screen 0 1366x768x24 & DISPLAY=:90 openbox &
    DISPLAY=:90 .venv/bin/python scripts/shoot_entry.py docs/screenshots 1366x768

The keys go through Qt's event queue exactly as typed keys do; the pictures are taken of the
whole X screen with ImageMagick's ``import``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from evalapp.db.engine import open_database  # noqa: E402
from evalapp.services.context import ADMIN, SYSTEM, Actor  # noqa: E402
from evalapp.services.demo import create_demo  # noqa: E402
from evalapp.services.evaluations import get_data  # noqa: E402
from evalapp.services.finalise import acknowledge_counts, finalise  # noqa: E402
from evalapp.services.operators import create_operator  # noqa: E402
from evalapp.services.roster import save_groups  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui.fonts import apply_ui_font  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402
from ui.shell.registry import page_classes  # noqa: E402
from ui.operations import Changes

KEYS = {str(d): getattr(Qt.Key, f"Key_{d}") for d in range(10)}
KEYS.update({".": Qt.Key.Key_Period, " ": Qt.Key.Key_Space, "\r": Qt.Key.Key_Return})


def settle(app: QApplication, ms: int = 300) -> None:
    QTest.qWait(ms)
    app.processEvents()


def shoot(app: QApplication, out: Path, name: str) -> None:
    settle(app, 400)
    subprocess.run(["import", "-window", "root", str(out / name)], check=True)
    print("saved", out / name)


def keys(app: QApplication, text: str) -> None:
    for char in text:
        QTest.keyClick(app.focusWidget(), KEYS.get(char, char))


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/screenshots")
    size = argv[1] if len(argv) > 1 else "1366x768"
    width, height = (int(x) for x in size.split("x"))
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    apply_ui_font(app)
    db = open_database(Path(tempfile.mkdtemp()) / "shots.db")
    evaluation = create_demo(db)[-1]
    groups = get_data(db, evaluation).groups
    save_groups(db, SYSTEM, evaluation, [replace(g, expected=(g.expected or 0) + 5)
                                         for g in groups])
    create_operator(db, SYSTEM, "王主任", ADMIN, "secret1")
    admin = Actor("王主任", ADMIN)
    window = MainWindow(AppContext(db, admin, evaluation), page_classes())
    window.resize(width, height)
    window.showMaximized()
    settle(app, 800)
    entry = next(p for p in window.pages if p.title == "选票录入")
    window.nav.setCurrentRow(window.pages.index(entry))
    settle(app)
    entry.header.set_group("群众代表")
    entry.header.set_serial("E101")
    entry.header.focus_serial()
    keys(app, "\r")
    keys(app, "92\r88.5\r \r90\r105\r")  # the last one is refused: stays red in the cell
    shoot(app, out, f"entry-error-{size}.png")
    QTest.keyClick(app.focusWidget(), Qt.Key.Key_Escape)
    marks = ["95", "90.5", "88", "100", "86", "79", "91", " "]
    for i in range(4, 73):
        mark = marks[i % len(marks)]
        keys(app, mark if mark == " " else mark + "\r")
    shoot(app, out, f"entry-summary-{size}.png")
    keys(app, "\r")  # saved
    entry.header.set_serial("E102")
    entry.header.focus_serial()
    keys(app, "\r")
    for _ in range(73):
        keys(app, "90\r")
    keys(app, "\r")  # 全同分: saved, shown in amber
    shoot(app, out, f"entry-void-amber-{size}.png")
    acknowledge_counts(db, admin, evaluation, "截图用:核对发出与收回票数")
    finalise(db, admin, evaluation, "secret1", backup=False)
    window.ctx.announce(Changes.everything())  # what the 定稿 page (or another station's poll) announces
    window.nav.setCurrentRow(window.pages.index(entry))
    shoot(app, out, f"entry-final-readonly-{size}.png")
    settings = next(p for p in window.pages if p.title == "考评设置")
    window.nav.setCurrentRow(window.pages.index(settings))
    shoot(app, out, f"settings-final-readonly-{size}.png")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
