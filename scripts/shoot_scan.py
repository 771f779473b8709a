"""Screenshots of scanning in the real main window on an X display (Xvfb + openbox): the 文件
menu's scan entries, an import's report per sheet, the watched folder's status line, the
扫描核对 page typing a doubtful mark, the 抽样复核 dialog and the 打印 page's machine-readable
ballot.

    Xvfb :93 -screen 0 1366x768x24 & DISPLAY=:93 openbox &
    DISPLAY=:93 .venv/bin/python scripts/shoot_scan.py docs/screenshots/scan

The pictures are taken of the whole X screen with ImageMagick's ``import``.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from evalapp.db.engine import open_database  # noqa: E402
from evalapp.reports.ballots_pdf import serials  # noqa: E402
from evalapp.scan import synthetic  # noqa: E402
from evalapp.scan.layout import sheet_layout  # noqa: E402
from evalapp.scan.sheet_pdf import SheetOptions, next_number, write_sheets  # noqa: E402
from evalapp.services.context import ADMIN, SYSTEM, Actor  # noqa: E402
from evalapp.services.demo import create_demo  # noqa: E402
from evalapp.services.evaluations import get_data  # noqa: E402
from evalapp.services.roster import save_groups  # noqa: E402
from evalapp.services.scan_import import import_scans  # noqa: E402
from evalapp.services.scan_sample import draw_sample, retype  # noqa: E402
from evalapp.services.ballots import BallotInput, get_ballot  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui.fonts import apply_ui_font  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402
from ui.shell.registry import page_classes  # noqa: E402
from ui.scan.report_dialog import ScanReportDialog  # noqa: E402
from ui.scan.sample_dialog import ScanSampleDialog  # noqa: E402


def settle(app: QApplication, ms: int = 300) -> None:
    QTest.qWait(ms)
    app.processEvents()


def shoot(app: QApplication, out: Path, name: str) -> None:
    settle(app, 500)
    subprocess.run(["import", "-window", "root", str(out / name)], check=True)
    print("saved", out / name)


def make_scans(db, evaluation: int, folder: Path, count: int = 8) -> None:
    """Machine-readable ballots of the last group, filled (one row ticked: doubtful)."""
    data = get_data(db, evaluation)
    group = data.groups[-1]
    layout = sheet_layout(data, group)
    pdf = write_sheets(data, data.settings.name, None, SheetOptions(group.name, count))
    images = iter(synthetic.render_pages(pdf, 200))
    rng = random.Random(4)
    for k, serial in enumerate(serials(data, group, count, next_number(data, group))):
        truth = synthetic.random_truth(rng, data, group, serial)
        for number in range(1, len(layout.pages) + 1):
            image = next(images)
            synthetic.fill_page(image, layout, number, truth, rng, 200)
            if k == 0 and number == 1:  # a tick instead of a fill: doubtful
                bubble = next(b for b in layout.pages[0].bubbles if b.row == 3
                              and b.kind == "units" and b.value == "7")
                synthetic.draw_mark(image, rng, bubble, 200 / 25.4, "blue", "tick")
            (folder / f"scan-{serial}-{number}.jpg").write_bytes(
                synthetic.encode_jpeg(synthetic.distort(image, rng, synthetic.SCANNER, 200)))


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/screenshots/scan")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    apply_ui_font(app)
    work = Path(tempfile.mkdtemp())
    db = open_database(work / "shots.db")
    evaluation = create_demo(db)[-1]
    save_groups(db, SYSTEM, evaluation, [replace(g, expected=None)
                                         for g in get_data(db, evaluation).groups])
    admin = Actor("王主任", ADMIN)
    made, scanner = work / "made", work / "scanner"
    made.mkdir()
    scanner.mkdir()
    make_scans(db, evaluation, made)
    window = MainWindow(AppContext(db, admin, evaluation), page_classes())
    window.resize(1366, 768)
    window.showMaximized()
    settle(app, 800)
    # 1. The 文件 menu with its scan entries.
    menu = window.menuBar().actions()[0].menu()
    menu.popup(window.menuBar().mapToGlobal(QPoint(0, window.menuBar().height())))
    menu.setActiveAction(next(a for a in menu.actions() if a.text().startswith("导入扫描")))
    shoot(app, out, "file-menu.png")
    menu.close()
    # 2. The watched folder: the scanner writes the files, the status line counts them.
    window.scan_menu.start(str(scanner))
    for path in sorted(made.iterdir()):
        shutil.copy(path, scanner / path.name)
    watcher = window.scan_menu.watcher
    for _ in range(900):  # the timer polls; the reading runs in the background
        settle(app, 200)
        if sum(watcher.counts.values()) >= 8 and not watcher.busy:
            break
    print("watch counts", watcher.counts)
    shoot(app, out, "watch-status.png")
    # 3. The report per sheet (as after 文件 → 导入扫描选票…).
    dialog = ScanReportDialog(window.scan_menu.watcher.sheets, window.scan_menu.watcher.counts,
                              window, "监视扫描文件夹:已导入的评分表")
    dialog.show()
    shoot(app, out, "import-report.png")
    dialog.close()
    window.scan_menu.stop(forget=True)
    # 4. 扫描核对: the doubtful row, the entry grid's keys.
    review = next(p for p in window.pages if p.title == "扫描核对")
    window.nav.setCurrentRow(window.pages.index(review))
    settle(app, 600)
    review.refresh()
    settle(app)
    QTest.keyClicks(review.grid, "7")
    shoot(app, out, "review.png")
    QTest.keyClick(review.grid, Qt.Key.Key_Escape)
    # 5. 抽样复核: a sample, one ballot re-typed with a difference.
    report = import_scans(db, admin, [made], evaluation)
    draw = draw_sample(db, admin, evaluation, size=2, seed=2026)
    saved = get_ballot(db, evaluation, draw.serials[0])
    marks = dict(saved.marks)
    first = next(iter(marks))
    marks[first] = "60"
    retype(db, admin, evaluation, draw, BallotInput(saved.serial, saved.group, marks,
                                                    saved.own_department))
    sample = ScanSampleDialog(window.ctx, window)
    sample.resize(1300, 700)
    sample.show()
    settle(app, 500)
    sample.differences.setCurrentCell(0, 0)
    shoot(app, out, "sample.png")
    sample.close()
    del report
    # 6. 打印: the machine-readable ballot, per group, with its serial range.
    printing = next(p for p in window.pages if p.title == "打印")
    window.nav.setCurrentRow(window.pages.index(printing))
    settle(app, 600)
    printing.kind.setCurrentIndex(printing.kind.findData("ballots"))
    printing.ballot_options.set_machine(True)
    printing.group.setCurrentIndex(printing.group.count() - 1)
    printing.copies.setValue(3)
    printing.preview_document()
    for _ in range(150):  # made in the background
        settle(app, 200)
        if printing.made is not None:
            break
    settle(app, 800)
    shoot(app, out, "print-machine-readable.png")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
