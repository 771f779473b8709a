"""Benchmark of the printed documents: the results notice for the 73-department demo.

Run from the project root::

    .venv/bin/python bench/bench_reports.py

Targets: the notice (公文 pages + 附件 ranking table) in < 1 s and < 1 MB. The first figure
includes registering the fonts with reportlab (once per process); the warm figure is the median
of further runs. The lists, feedback sheets (73 pages) and one ballot per group are timed too.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from evalapp.demo import demo_evaluations
from evalapp.services.results import Results
from evalapp.tally import tally
from evalapp.tally_result import PreviousResult

NOTICE_SECONDS, NOTICE_BYTES = 1.0, 1_000_000


def demo_results() -> Results:
    before, data = demo_evaluations()
    first = tally(before)
    return Results(data, tally(data, PreviousResult(first.evaluation, first.year,
                                                    first.standings())), 0)


def timed(fn, runs: int = 1) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def main() -> int:
    from evalapp.reports.ballots_pdf import BallotOptions, write_ballots
    from evalapp.reports.feedback_pdf import write_feedback
    from evalapp.reports.lists_pdf import write_lists
    from evalapp.reports.notice_pdf import write_notice

    results = demo_results()
    n = len(results.result.departments)
    cold, pdf = timed(lambda: write_notice(results, final=True))
    warm, pdf = timed(lambda: write_notice(results, final=True), runs=5)
    rows = [(f"notice, {n} departments (first, with font loading)", cold, len(pdf)),
            (f"notice, {n} departments (warm, median of 5)", warm, len(pdf))]
    for label, fn in [("lists (2 pages)", lambda: write_lists(results)),
                      (f"feedback ({n} pages)", lambda: write_feedback(results)),
                      ("ballots (1 per group)", lambda: write_ballots(
                          results, options=BallotOptions(copies=1)))]:
        seconds, out = timed(fn)
        rows.append((label, seconds, len(out)))
    for label, seconds, size in rows:
        print(f"{label:<52} {seconds * 1000:8.0f} ms {size / 1e6:7.2f} MB")
    ok = cold < NOTICE_SECONDS and len(pdf) < NOTICE_BYTES
    print(f"target: notice < {NOTICE_SECONDS:.0f} s and < {NOTICE_BYTES / 1e6:.0f} MB: "
          f"{'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
