"""Regenerate resources/scan/sample.jpg and sample.json: one page of the 2021 demo's
machine-readable ballot (百分制, group 部门互评), filled with known marks and distorted like an
office scan at 150 dpi. The bundle's --selftest reads it (ui/app.py) and compares with the
JSON. Run again whenever the demo or the sheet layout changes:

    .venv/bin/python scripts/make_sample_scan.py
"""

from __future__ import annotations

import dataclasses
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evalapp.demo import demo_evaluations  # noqa: E402
from evalapp.scan import synthetic  # noqa: E402
from evalapp.scan.layout import sheet_layout  # noqa: E402
from evalapp.scan.sheet_pdf import SheetPainter  # noqa: E402


def main() -> None:
    data = demo_evaluations()[1]
    group = data.groups[-1]
    layout = sheet_layout(data, group)
    rng = random.Random(17)
    truth = synthetic.random_truth(rng, data, group, "样张001", blank_rate=0.05)
    import io

    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from evalapp.reports.fonts import SONG, stack
    from evalapp.scan.layout import PAGE_H, PAGE_W
    out = io.BytesIO()
    c = Canvas(out, pagesize=(PAGE_W * mm, PAGE_H * mm), invariant=1,
               initialFontName=stack(SONG).primary)
    SheetPainter(data, group, data.settings.name).draw_sheet(c, truth.serial)
    c.save()
    page = synthetic.render_pages(out.getvalue(), 150)[0]
    synthetic.STYLES = (("full", 1.0),)  # the sample is filled as instructed
    synthetic.fill_page(page, layout, 1, dataclasses.replace(truth, styles={}), rng, 150)
    image = synthetic.distort(page, rng, synthetic.SCANNER, 150)
    folder = ROOT / "resources" / "scan"
    folder.mkdir(exist_ok=True)
    (folder / "sample.jpg").write_bytes(synthetic.encode_jpeg(image, 75))
    rows = [r.department for r in layout.pages[0].rows]
    (folder / "sample.json").write_text(json.dumps(
        {"serial": truth.serial, "group": group.name, "page": 1,
         "marks": {d: truth.marks[d] for d in rows},
         "own_department": truth.own_department if truth.own_department in rows else None},
        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(folder / "sample.jpg", (folder / "sample.jpg").stat().st_size, "bytes")


if __name__ == "__main__":
    main()
