"""Core performance benchmark: tally, database load, workbook export and import.

Run from the project root::

    .venv/bin/python bench/bench_core.py            # full: 73×300 and 600×4,000 (2.4 M marks)
    .venv/bin/python bench/bench_core.py --quick    # smoke: 73×300 and 200×1,000
    .venv/bin/python bench/bench_core.py --profile  # also cProfile every target that misses

Targets (the last column of the table):

- tally of a 73-department × 300-ballot evaluation from the database   < 30 ms
- tally of a 600-department × 4,000-ballot evaluation from the database < 2 s
- full workbook import (read_workbook + import_evaluation) ≤ 1.5 × openpyxl's bare
  read-only read of the same file

"Tally from the database" is ``compute_results(db, id)``: loading the evaluation (ballots
included) and the pure ``tally``. The pure ``tally(data)`` is reported on its own line.
Every synthetic evaluation is deterministic (``random.Random`` with a fixed seed).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from evalapp.db.engine import open_database  # noqa: E402
from evalapp.digest import evaluation_digest  # noqa: E402
from evalapp.domain import (  # noqa: E402
    SCORE_MODE, TIE_ONSITE, Adjustment, Ballot, Category, Component, Department,
    EvaluationData, Group, Quota, Settings,
)
from evalapp.services.context import SYSTEM  # noqa: E402
from evalapp.services.evaluations import import_evaluation  # noqa: E402
from evalapp.services.results import compute_results  # noqa: E402
from evalapp.tally import tally  # noqa: E402
from evalapp.workbook.exporter import write_workbook  # noqa: E402
from evalapp.workbook.importer import read_workbook  # noqa: E402

SEED = 20240601
HIGH_LINE = 95
EXCELLENT_RATIO = Decimal("0.3")
CATEGORY_NAMES = ("党群部门", "政府工作部门", "垂直管理及其他")
RECUSAL_GROUP = "部门互评"
# name, weight, trim, trim_from, share of the ballots, recusal
GROUPS = (
    ("四大班子领导", 25, 1, 5, 0.10, False),
    ("老同志代表", 10, 1, 5, 0.08, False),
    ("企业家代表", 10, 1, 5, 0.10, False),
    ("镇街负责人", 10, 1, 5, 0.10, False),
    ("群众代表", 15, 2, 10, 0.25, False),
    ("人大政协代表", 10, 2, 10, 0.12, False),
    (RECUSAL_GROUP, 20, 0, 5, 0.25, True),
)
# The invalid ballots: position in the ballot list -> kind (RULES §3.1–3.4).
SPECIAL = {3: "blank", 7: "identical", 11: "excess", 15: "void"}

# Canonical mark text of every score in tenths (0.0 … 100.0), shared by all ballots.
TEXT = [str(t // 10) if t % 10 == 0 else f"{t // 10}.{t % 10}" for t in range(1001)]

TARGET_SMALL_TALLY = 0.030
TARGET_LARGE_TALLY = 2.0
TARGET_IMPORT_RATIO = 1.5


# --------------------------------------------------------------------------- building


def build_evaluation(n_departments: int, n_ballots: int, seed: int = SEED) -> EvaluationData:
    """A synthetic score-mode evaluation: 3 categories, 7 groups (6 trimmed, 1 recusal),
    excellent quota with a high-mark line, identical-mark voiding, 4 invalid ballots,
    components 集中考评 80 / 目标考核 20 and a few adjustments. Deterministic."""
    rng = random.Random(seed * 1_000_003 + n_departments * 10_007 + n_ballots)
    departments = [Department(i, f"部门{i:04d}", f"部{i}", CATEGORY_NAMES[i % 3],
                              f"述职人{i}", "局长") for i in range(1, n_departments + 1)]
    names = [d.name for d in departments]
    quality = [850 + int(rng.gauss(0, 35)) for _ in departments]  # tenths
    settings = Settings(
        name=f"基准考评 {n_departments}×{n_ballots}", year=2024, mode=SCORE_MODE,
        excellent_ratio=EXCELLENT_RATIO, high_line=Decimal(HIGH_LINE), void_identical=True,
        bonus_cap=Decimal(2), admonish_below=Decimal(70),
        tie_break=(TIE_ONSITE, GROUPS[0][0]))
    categories = [Category(CATEGORY_NAMES[0], Quota(3), Quota(1)),
                  Category(CATEGORY_NAMES[1], Quota(percent=Decimal(15)), Quota(1)),
                  Category(CATEGORY_NAMES[2], Quota(2), Quota(percent=Decimal(5)))]
    counts = _split(n_ballots, [g[4] for g in GROUPS])
    groups = [Group(name, Decimal(weight), trim, trim_from, count + 2, recusal)
              for (name, weight, trim, trim_from, _, recusal), count in zip(GROUPS, counts)]
    limit = int(EXCELLENT_RATIO * n_departments)
    ballots: list[Ballot] = []
    position = 0
    for (name, *_rest, recusal), count in zip(GROUPS, counts):
        prefix = f"G{GROUPS.index((name, *_rest, recusal)) + 1}"
        for number in range(1, count + 1):
            own = names[(number - 1) % n_departments] if recusal else None
            kind = SPECIAL.get(position)
            marks = _marks(rng, names, quality, limit, own)
            if kind == "blank":
                marks = {}
            elif kind == "identical":
                marks = {n: "90" for n in names}
            elif kind == "excess":
                for n in names[:limit + 1]:
                    marks[n] = "96"
            ballots.append(Ballot(f"{prefix}-{number:05d}", name, marks, own,
                                  "字迹无法辨认" if kind == "void" else None))
            position += 1
    components = [Component("集中考评", Decimal(80)), Component("目标考核", Decimal(20))]
    values = {n: {"目标考核": Decimal(TEXT[min(1000, max(700, q + 40))])}
              for n, q in zip(names, quality)}
    adjustments = [Adjustment(names[i], Decimal(p), reason, False)
                   for i, p, reason in ((1, 1, "全国先进"), (2, 2, "省级表彰"),
                                        (n_departments - 1, -1, "通报批评"))
                   if i < n_departments]
    return EvaluationData(settings=settings, categories=categories, groups=groups,
                          departments=departments, components=components,
                          component_values=values, adjustments=adjustments, ballots=ballots)


def _split(total: int, shares: list[float]) -> list[int]:
    """``total`` split by ``shares``; every part at least 1 when total allows it."""
    counts = [max(1, int(total * s)) for s in shares]
    counts[-1] += total - sum(counts)
    if counts[-1] < 1:
        raise ValueError(f"too few ballots ({total}) for {len(shares)} groups")
    return counts


def _marks(rng: random.Random, names: list[str], quality: list[int], limit: int,
           own: str | None) -> dict[str, str]:
    """One ballot's marks in tenths: ~2 % blank, within the excellent quota."""
    rand = rng.random
    lenient = int(rng.gauss(0, 20))
    step = 10 if rand() < 0.6 else 5 if rand() < 0.8 else 1  # whole / half / tenth habit
    marks: dict[str, str] = {}
    high = []
    for name, q in zip(names, quality):
        r = rand()
        if r < 0.02:
            continue  # blank
        t = q + lenient + int((r - 0.51) * 120)
        t = 600 if t < 600 else 995 if t > 995 else t
        t -= t % step
        if t >= HIGH_LINE * 10:
            high.append(name)
        marks[name] = TEXT[t]
    if own is not None and own in marks and rand() < 0.5:
        del marks[own]  # half the peers leave their own department blank
    for name in high[limit:]:
        if name in marks:
            marks[name] = TEXT[HIGH_LINE * 10 - 10]  # the evaluator keeps within the quota
    return marks


def mark_count(data: EvaluationData) -> int:
    return sum(len(b.marks) for b in data.ballots)


# --------------------------------------------------------------------------- measuring


def timed(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median wall time of ``runs`` calls (collected garbage before each) and the last value."""
    times = []
    value = None
    for _ in range(runs):
        value = None  # free the previous result outside the timed region
        gc.collect()
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def bare_read(path: Path) -> int:
    """openpyxl's own read-only read of every row of every sheet (the reference)."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = 0
    try:
        for ws in book.worksheets:
            for _ in ws.iter_rows(values_only=True):
                rows += 1
    finally:
        book.close()
    return rows


@dataclass
class Row:
    label: str
    seconds: float
    target: str = "—"
    ok: bool | None = None
    note: str = ""


def bench_tally(data: EvaluationData, workdir: Path, runs: int, label: str) -> list[Row]:
    """Store ``data`` in a fresh SQLite file, then time compute_results and pure tally."""
    db = open_database(workdir / f"tally-{label}.db")
    try:
        start = time.perf_counter()
        evaluation_id = import_evaluation(db, SYSTEM, data)
        stored = time.perf_counter() - start
        db_time, results = timed(lambda: compute_results(db, evaluation_id), runs)
        pure_time, pure = timed(lambda: tally(data), runs)
    finally:
        db.dispose()
    if results.result.digest != pure.digest:
        raise AssertionError(f"{label}: digest from the database differs from the data's")
    r = results.result
    return [Row(f"{label} store (import_evaluation)", stored),
            Row(f"{label} tally from DB (compute_results)", db_time,
                note=f"{r.valid_ballots} valid, {r.invalid_ballots} invalid ballots"),
            Row(f"{label} pure tally(data)", pure_time)]


def bench_workbook(data: EvaluationData, workdir: Path, runs: int, label: str
                   ) -> tuple[list[Row], dict[str, float]]:
    """Export ``data``, then time the bare read, read_workbook and the full import."""
    path = workdir / f"bench-{label}.xlsx"
    export_time, _ = timed(lambda: write_workbook(data, path), 1)
    size = path.stat().st_size
    bare_time, _ = timed(lambda: bare_read(path), runs)
    parse_time, parsed = timed(lambda: read_workbook(path), runs)
    if evaluation_digest(parsed) != evaluation_digest(data):
        raise AssertionError(f"{label}: the workbook does not round-trip to the same digest")
    del parsed
    counter = iter(range(1_000_000))

    def full_import() -> int:
        db = open_database(workdir / f"import-{label}-{next(counter)}.db")
        try:
            start = time.perf_counter()
            parsed = read_workbook(path)
            evaluation_id = import_evaluation(db, SYSTEM, parsed)
            phases["full_import"].append(time.perf_counter() - start)
            return evaluation_id
        finally:
            db.dispose()

    phases: dict[str, list[float]] = {"full_import": []}
    for _ in range(runs):  # open_database (migrations) is not part of the import
        gc.collect()
        full_import()
    import_time = statistics.median(phases["full_import"])
    ratio = import_time / bare_time
    rows = [
        Row(f"{label} export write_workbook", export_time, note=f"{size / 1e6:.1f} MB"),
        Row(f"{label} bare openpyxl read (reference)", bare_time),
        Row(f"{label} read_workbook (parse)", parse_time,
            note=f"{parse_time / bare_time:.2f}× bare"),
        Row(f"{label} full import (read+import_evaluation)", import_time,
            f"≤ {TARGET_IMPORT_RATIO}× bare", ratio <= TARGET_IMPORT_RATIO,
            f"{ratio:.2f}× bare"),
    ]
    return rows, {"bare": bare_time, "parse": parse_time, "import": import_time}


def format_table(rows: list[Row]) -> str:
    def seconds(s: float) -> str:
        return f"{s * 1000:9.1f} ms" if s < 1 else f"{s:9.2f} s "

    width = max(len(r.label) for r in rows)
    lines = [f"{'figure':<{width}}  {'measured':>12}  {'target':<14} {'result':<6} note",
             "-" * (width + 48)]
    for r in rows:
        verdict = "" if r.ok is None else "PASS" if r.ok else "MISS"
        lines.append(f"{r.label:<{width}}  {seconds(r.seconds):>12}  {r.target:<14} "
                     f"{verdict:<6} {r.note}".rstrip())
    return "\n".join(lines)


def profile(label: str, fn: Callable[[], object], top: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    print(f"\n=== cProfile: {label} (by own time) ===")
    print(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes for a smoke run")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile each phase whose target is missed")
    args = parser.parse_args(argv)
    small = (73, 300)
    large = (200, 1000) if args.quick else (600, 4000)
    small_runs, large_runs, wb_runs = (7, 3, 1) if args.quick else (9, 3, 2)

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="evalapp-bench-") as tmp:
        workdir = Path(tmp)
        for (n_dep, n_bal), runs, target in ((small, small_runs, TARGET_SMALL_TALLY),
                                             (large, large_runs, TARGET_LARGE_TALLY)):
            label = f"{n_dep}×{n_bal}"
            start = time.perf_counter()
            data = build_evaluation(n_dep, n_bal)
            built = time.perf_counter() - start
            print(f"built {label}: {len(data.ballots)} ballots, {mark_count(data):,} marks "
                  f"({built:.2f} s)", flush=True)
            part = bench_tally(data, workdir, runs, label)
            part[1].target = f"< {target * 1000:g} ms" if target < 1 else f"< {target:g} s"
            part[1].ok = part[1].seconds < target
            part[2].note = f"{part[2].seconds / part[1].seconds:.0%} of the DB figure"
            rows += part
            print(format_table(part), flush=True)
            if args.profile and not part[1].ok:
                db = open_database(workdir / f"profile-{label}.db")
                evaluation_id = import_evaluation(db, SYSTEM, data)
                profile(f"compute_results {label}", lambda: compute_results(db, evaluation_id))
                db.dispose()
            if (n_dep, n_bal) == large:
                wb_rows, _ = bench_workbook(data, workdir, wb_runs, label)
                rows += wb_rows
                print(format_table(wb_rows), flush=True)
                if args.profile and not wb_rows[-1].ok:
                    path = workdir / f"bench-{label}.xlsx"
                    profile(f"read_workbook {label}", lambda: read_workbook(path))
                    db = open_database(workdir / f"profile-import-{label}.db")
                    parsed = read_workbook(path)
                    profile(f"import_evaluation {label}",
                            lambda: import_evaluation(db, SYSTEM, parsed))
                    db.dispose()
            del data
            gc.collect()
    print("\n" + format_table(rows))
    missed = [r.label for r in rows if r.ok is False]
    print("\nall targets met" if not missed else "\nmissed: " + "; ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
