"""The bundled sample scan (resources/scan, made by scripts/make_sample_scan.py): read by the
bundle's --selftest to prove that the scanning libraries work in the built program."""

from __future__ import annotations

import json

from evalapp.domain import EvaluationData
from evalapp.paths import resource
from evalapp.scan import bubbles, reader
from evalapp.scan.layout import evaluation_key, sheet_layout


def check_sample(data: EvaluationData) -> str:
    """Read the sample page against ``data`` (the 2021 demo); raise RuntimeError when a mark
    read with confidence differs from the one drawn; return a one-line summary."""
    truth = json.loads(resource("scan", "sample.json").read_text(encoding="utf-8"))
    scan = reader.scan_page(reader.decode_image(resource("scan", "sample.jpg").read_bytes()))
    if scan.qr.identity != evaluation_key(data) or scan.qr.serial != truth["serial"]:
        raise RuntimeError(f"sample scan: QR {scan.qr} does not match the demo")
    group = data.groups[scan.qr.group_index]
    page = sheet_layout(data, group).pages[scan.qr.page - 1]
    if scan.qr.layout != sheet_layout(data, group).digest(scan.qr.page):
        raise RuntimeError("sample scan: layout differs (run scripts/make_sample_scan.py)")
    readings, _ = bubbles.measure(scan.image, page)
    rows = bubbles.read_rows(readings, page, data.settings, scan.bilevel)
    wrong = [r.department for r in rows if r.certain and (
        r.value != truth["marks"][r.department] or r.own != (
            r.department == truth["own_department"]))]
    if wrong:
        raise RuntimeError(f"sample scan: marks read wrongly: {wrong}")
    doubtful = sum(1 for r in rows if not r.certain)
    return f"scan sample: {len(rows)} rows, {len(rows) - doubtful} read, {doubtful} doubtful"
