"""The performance report: every benchmark of the project in one table, each figure next to
its target.

Run from the project root::

    .venv/bin/python bench/run_all.py            # full: tally 73×300 and 600×4,000 (~4 min)
    .venv/bin/python bench/run_all.py --quick    # smaller large case (200×1,000), fewer runs

Sections: printed notice (bench_reports), cold start to a usable main window (a subprocess
``main.py --measure-start``, offscreen), entry keystroke handling (bench_entry, in a
subprocess; "not available" when it cannot run), tally, export and import (bench_core),
the vectorised tally against its numpy floor, the results command's peak memory and the
robustness analysis (bench_scale).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
START_TARGET = 1.5
ENTRY_P99_TARGET = 16.0


@dataclass
class Line:
    figure: str
    measured: str
    target: str = "—"
    ok: bool | None = None
    note: str = ""


def load(name: str):
    """Import bench/<name>.py as a module (None when the file is absent)."""
    path = BENCH / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"run_all_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


# --------------------------------------------------------------------------- sections


def notice_lines() -> list[Line]:
    reports = load("bench_reports")
    from evalapp.reports.notice_pdf import write_notice
    results = reports.demo_results()
    n = len(results.result.departments)
    cold, pdf = reports.timed(lambda: write_notice(results, final=True))
    warm, pdf = reports.timed(lambda: write_notice(results, final=True), runs=5)
    ok = cold < reports.NOTICE_SECONDS
    return [Line(f"notice PDF, {n} departments (first, fonts loaded)", ms(cold), "< 1 s", ok),
            Line("notice PDF (warm, median of 5)", ms(warm), "< 1 s", warm < 1.0),
            Line("notice PDF size", f"{len(pdf) / 1e6:.2f} MB", "< 1 MB",
                 len(pdf) < reports.NOTICE_BYTES)]


def start_lines(runs: int) -> list[Line]:
    """Wall time from launching ``python main.py --measure-start`` to the line it prints once
    the main window is shown (offscreen, on a database holding the demo)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory(prefix="evalapp-start-") as folder:
        db = str(Path(folder) / "start.db")
        subprocess.run([sys.executable, "main.py", "demo", "--db", db], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        walls, inside = [], []
        for _ in range(runs + 1):  # the first run warms the disk cache and is dropped
            started = time.perf_counter()
            process = subprocess.Popen([sys.executable, "main.py", "--measure-start", "--db", db],
                                       cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, text=True)
            line = process.stdout.readline()
            walls.append(time.perf_counter() - started)
            process.communicate(timeout=60)
            found = re.search(r"after ([\d.]+) s", line)
            if process.returncode or not found:
                return [Line("cold start to main window", "failed", f"< {START_TARGET} s", False,
                             line.strip() or f"exit code {process.returncode}")]
            inside.append(float(found.group(1)))
        wall, own = statistics.median(walls[1:]), statistics.median(inside[1:])
    return [Line("cold start to usable main window (from source)", ms(wall),
                 f"< {START_TARGET} s", wall < START_TARGET,
                 f"median of {runs}; {own:.2f} s inside the process; slowest {max(walls[1:]):.2f} s")]


def entry_lines(ballots: int) -> list[Line]:
    """bench_entry.py in a subprocess (it needs its own QApplication and offscreen Qt)."""
    script = BENCH / "bench_entry.py"
    if not script.exists():
        return [Line("entry keystroke handling", "not available", f"p99 < {ENTRY_P99_TARGET:g} ms",
                     None, "bench/bench_entry.py is absent")]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, str(script), "--ballots", str(ballots)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=1800)
    blocks = re.split(r"\n== ", "\n" + done.stdout)[1:]
    if not blocks:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return [Line("entry keystroke handling", "not available",
                     f"p99 < {ENTRY_P99_TARGET:g} ms", None, tail[0][:80])]
    lines = []
    for block in blocks:
        mode = block.split()[0]
        every = re.search(r"all keystrokes\s+n=\s*(\d+)\s+p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms",
                          block)
        per_mark = re.search(r"keystrokes per mark: ([\d.]+)", block)
        stored = re.search(r"ballots stored as typed: (\d+)/(\d+)", block)
        if every:
            p99 = float(every.group(3))
            lines.append(Line(f"entry keystroke, {mode} mode (p99)", f"{p99:.1f} ms",
                              f"< {ENTRY_P99_TARGET:g} ms", p99 < ENTRY_P99_TARGET,
                              f"n={every.group(1)}, p50 {every.group(2)} ms, {ballots} ballots"
                              + (f", stored {stored.group(1)}/{stored.group(2)}" if stored else "")))
        if per_mark and mode == "grade":
            value = float(per_mark.group(1))
            lines.append(Line("entry keystrokes per mark, grade mode", f"{value:.3f}", "≤ 1",
                              value <= 1.0))
    return lines or [Line("entry keystroke handling", "not available",
                          f"p99 < {ENTRY_P99_TARGET:g} ms", None, "output not understood")]


def core_lines(quick: bool) -> list[Line]:
    core = load("bench_core")
    small, large = (73, 300), ((200, 1000) if quick else (600, 4000))
    runs = {small: 7 if quick else 9, large: 3}
    lines = []
    with tempfile.TemporaryDirectory(prefix="evalapp-bench-") as tmp:
        for size, target in ((small, core.TARGET_SMALL_TALLY), (large, core.TARGET_LARGE_TALLY)):
            label = f"{size[0]}×{size[1]}"
            data = core.build_evaluation(*size)
            rows = core.bench_tally(data, Path(tmp), runs[size], label)
            goal = f"< {target * 1000:g} ms" if target < 1 else f"< {target:g} s"
            lines.append(Line(f"tally {label} from the database", ms(rows[1].seconds), goal,
                              rows[1].seconds < target,
                              f"{core.mark_count(data):,} marks; pure tally {ms(rows[2].seconds)}"))
            if size == large:
                wb_rows, figures = core.bench_workbook(data, Path(tmp), 1 if quick else 2, label)
                export, _bare, _parse, full = wb_rows
                lines.append(Line(f"export workbook {label}", ms(export.seconds), "—", None,
                                  export.note))
                ratio = figures["import"] / figures["bare"]
                lines.append(Line(f"import workbook {label}", ms(figures["import"]),
                                  f"≤ {core.TARGET_IMPORT_RATIO:g}× bare read",
                                  ratio <= core.TARGET_IMPORT_RATIO,
                                  f"{ratio:.2f}× openpyxl's bare read ({ms(figures['bare'])})"))
            del data
            gc.collect()
    return lines


def scale_lines(quick: bool) -> list[Line]:
    """Issue 16 (bench_scale): vectorised tally vs its numpy floor, results peak RSS,
    robustness with the results."""
    scale = load("bench_scale")
    lines = []
    for label, value, target, ok, note, *unit in scale.scale_lines(quick):
        measured = f"{value:.1f} MB" if unit == ["MB"] else ms(value)
        lines.append(Line(label, measured, target, ok, note))
    return lines


# --------------------------------------------------------------------------- report


def table(lines: list[Line]) -> str:
    w1 = max(len(x.figure) for x in lines)
    w2 = max(len(x.measured) for x in lines + [Line("", "measured")])
    w3 = max(len(x.target) for x in lines + [Line("", "", "target")])
    out = [f"{'figure':<{w1}}  {'measured':>{w2}}  {'target':<{w3}}  result  note",
           "-" * (w1 + w2 + w3 + 20)]
    for x in lines:
        verdict = "—" if x.ok is None else "PASS" if x.ok else "MISS"
        out.append(f"{x.figure:<{w1}}  {x.measured:>{w2}}  {x.target:<{w3}}  {verdict:<6}  "
                   f"{x.note}".rstrip())
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200×1,000 instead of 600×4,000")
    parser.add_argument("--entry-ballots", type=int, default=None,
                        help="ballots typed per mode by the entry benchmark (20; quick 5)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    sections = [("notice PDF", notice_lines),
                ("cold start", lambda: start_lines(3 if args.quick else 5)),
                ("entry", lambda: entry_lines(args.entry_ballots or (5 if args.quick else 20))),
                ("tally, export, import", lambda: core_lines(args.quick)),
                ("scale: vectorised tally, memory, robustness", lambda: scale_lines(args.quick))]
    lines: list[Line] = []
    for name, section in sections:
        started = time.perf_counter()
        print(f"running {name} …", flush=True)
        try:
            part = section()
        except Exception as exc:  # noqa: BLE001 - one failed section must not hide the rest
            part = [Line(name, "failed", "—", False, f"{exc.__class__.__name__}: {exc}"[:100])]
        lines += part
        print(table(part) + f"\n({time.perf_counter() - started:.0f} s)\n", flush=True)
    print("=" * 30 + " performance report " + "=" * 30)
    print(table(lines))
    missed = [x.figure for x in lines if x.ok is False]
    print("\nall targets met" if not missed else "\nmissed: " + "; ".join(missed))
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
