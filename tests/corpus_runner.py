"""Runs the corrupted-workbook corpus (tests/workbook_corpus.py), one forked process per case,
each under a 10 s alarm and a 500 MB address-space limit, and prints one JSON line per case.

Usage: python tests/corpus_runner.py FOLDER TEMPLATE_DB NAME... (FOLDER holds NAME + suffix;
TEMPLATE_DB is a freshly migrated, empty SQLite file copied for each case).
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import workbook_corpus  # noqa: E402

from evalapp.db.engine import open_database  # noqa: E402
from evalapp.domain import DomainError  # noqa: E402
from evalapp.services.context import SYSTEM  # noqa: E402
from evalapp.services.evaluations import import_evaluation, list_evaluations  # noqa: E402
from evalapp.workbook.importer import read_workbook_report  # noqa: E402
from evalapp.workbook.sheets import WorkbookError  # noqa: E402

SECONDS = 10
MEGABYTES = 500


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _vm_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _import(case, path: Path, database: Path) -> dict:
    db = open_database(database)
    outcome: dict = {}
    try:
        report = read_workbook_report(path)
        import_evaluation(db, SYSTEM, report.data)
        outcome["kind"] = "ok"
        outcome["warnings"] = [[w.sheet, w.row, w.column, w.message] for w in report.warnings]
        outcome["lines"] = [str(w) for w in report.warnings]
        check = getattr(case.expect, "check", None)
        outcome["meaning"] = bool(check(report.data)) if check else None
    except WorkbookError as exc:
        outcome["kind"] = "error"
        outcome["issues"] = [[i.sheet, i.row, i.column, i.message] for i in exc.issues]
        outcome["lines"] = [str(i) for i in exc.issues]
    except DomainError as exc:
        outcome["kind"] = "error"
        outcome["issues"] = [[None, None, None, str(exc)]]
        outcome["lines"] = [str(exc)]
    outcome["evaluations"] = len(list_evaluations(db))
    db.dispose()
    return outcome


def run_case(case, folder: Path, template: Path) -> dict:
    path = folder / (case.name + case.suffix)
    database = folder / f"{case.name}.db"
    shutil.copy(template, database)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limits, import, report through the pipe
        os.close(read)
        try:
            start_rss, start = _rss_mb(), time.perf_counter()
            resource.setrlimit(resource.RLIMIT_AS, (_vm_bytes() + MEGABYTES * 2**20,) * 2)
            signal.alarm(SECONDS)
            outcome = _import(case, path, database)
            signal.alarm(0)
            outcome["seconds"] = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            outcome["grew_mb"] = max(0.0, peak - start_rss)
        except BaseException:  # a crash is a finding: report its traceback
            outcome = {"kind": "crash", "traceback": traceback.format_exc()}
        with os.fdopen(write, "wb") as pipe:
            pipe.write(pickle.dumps(outcome))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return {"kind": "killed", "signal": os.WTERMSIG(status)}
    return pickle.loads(data)


def main(argv: list[str]) -> int:
    folder, template, names = Path(argv[0]), Path(argv[1]), set(argv[2:])
    for case in workbook_corpus.CASES:
        if case.name in names:
            outcome = run_case(case, folder, template)
            print(json.dumps({"name": case.name, **outcome}, ensure_ascii=False, default=str),
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
