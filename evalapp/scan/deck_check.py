"""Reading a test deck and comparing every department's mark with the truth (the measure
behind tests/test_scan.py and bench/bench_scan.py). No database: the reading alone."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from evalapp.domain import EvaluationData
from evalapp.scan import bubbles, reader, synthetic
from evalapp.scan.layout import sheet_layout


@dataclass
class DeckStats:
    sheets: int = 0
    pages: int = 0
    rows: int = 0
    wrong: int = 0  # read with confidence, but not what the evaluator marked
    refused: int = 0
    refusals: Counter = field(default_factory=Counter)
    rows_by_kind: Counter = field(default_factory=Counter)
    review_by_kind: Counter = field(default_factory=Counter)
    review_by_style: Counter = field(default_factory=Counter)
    wrong_examples: list = field(default_factory=list)
    read_seconds: float = 0.0

    def review_rate(self, kind: str) -> float:
        return self.review_by_kind[kind] / max(1, self.rows_by_kind[kind])


def read_sheet(sheet: synthetic.DeckSheet, layout, settings) -> tuple[list, str | None]:
    """(rows read, refusal) of one deck sheet."""
    rows = []
    for number, data in enumerate(sheet.pages, 1):
        try:
            scan = reader.scan_page(reader.decode_image(data))
        except reader.Unreadable as exc:
            return rows, str(exc)
        if scan.qr.serial != sheet.truth.serial or scan.qr.page != number:
            return rows, "二维码内容与页面不符"
        page = layout.pages[number - 1]
        readings, _ = bubbles.measure(scan.image, page)
        rows += bubbles.read_rows(readings, page, settings, scan.bilevel)
    return rows, None


def compare(stats: DeckStats, sheet: synthetic.DeckSheet, rows, refusal) -> None:
    stats.sheets += 1
    stats.pages += len(sheet.pages)
    if refusal:
        stats.refused += 1
        stats.refusals[refusal] += 1
        return
    truth = sheet.truth
    for row in rows:
        stats.rows += 1
        stats.rows_by_kind[sheet.kind] += 1
        expected = truth.marks[row.department]
        own = row.department == truth.own_department
        if not row.certain:
            stats.review_by_kind[sheet.kind] += 1
            stats.review_by_style[truth.styles.get(row.department, "full")] += 1
        elif row.value != expected or row.own != own:
            stats.wrong += 1
            stats.wrong_examples.append((truth.serial, sheet.kind, sheet.dpi, row.department,
                                         expected, row.value, own, row.own,
                                         truth.styles.get(row.department)))


def check_deck(data: EvaluationData, count: int, seed: int = 1, **deck_options) -> DeckStats:
    stats = DeckStats()
    layouts = {g.name: sheet_layout(data, g) for g in data.groups}
    for sheet in synthetic.make_deck(data, data.settings.name, count, seed=seed,
                                     **deck_options):
        start = time.perf_counter()
        rows, refusal = read_sheet(sheet, layouts[sheet.truth.group], data.settings)
        stats.read_seconds += time.perf_counter() - start
        compare(stats, sheet, rows, refusal)
    return stats
